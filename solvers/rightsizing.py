"""Right-sizing of single resources: requirements, feasible types, cost, risk, ranking.

Each resource's best type is found by an exact scan of the whole catalogue,
vectorised as a resources × types matrix (in chunks of a few million cells), so
there is no optimisation model here: the scan *is* the brute force.

Sets
    R   resources; K catalogue rows (type × region); D dimensions
        (cpu, memory, gpu, gpu_memory, network, disk).

Data
    cap_kd   capacity of row k in dimension d (vCPUs, GiB, GPUs, GiB, Mbit/s, IOPS);
    P_q(r,d) q-th percentile of resource r's samples of d in absolute units
             (percent series are scaled by the current type's capacity);
    cur(r)   current row; f_r share of the month r runs; c_rk its monthly cost on
             row k after discounts (:mod:`solvers.rightsizing_costs`).

Requirements (policy: CPU percentile p, headrooms h_c, h_m, h_g)
    need(r,cpu)        = P_p(r,cpu) · (1 + h_c)
    need(r,memory)     = P_100(r,memory) · (1 + h_m)   (P_pm with a memory percentile;
                         the current memory when memory is not measured)
    need(r,gpu)        = max(P_p(r,gpu) · (1 + h_g), P_100(r,gpu))   (current GPUs when
                         GPU utilisation is not measured; 0 for CPU-only resources)
    need(r,gpu_memory) = P_100(r,gpu_memory) · (1 + h_m)
    need(r,network)    = P_p(r,network) · (1 + h_c);  need(r,disk) likewise.

Feasible set (named rules, reported when a resource has no option)
    capacity[d]:  cap_kd ≥ need(r,d) for every constrained d (unknown network/disk
                  capacity is not checked);
    provider:     same provider as cur(r);  region: same region unless allowed;
    architecture: same CPU architecture unless allowed;
    family:       in the include list (if any) and not in the exclude list;
    features:     every required feature of r is a feature of k;
    gpu:          CPU-only resources get CPU-only types; GPU resources keep the GPU
                  model unless a model change is allowed;
    burstable:    no burstable type unless allowed or r already runs on one;
    price:        k has an on-demand price;  risk: risk(r,k) ≤ the policy maximum.

Objective (per resource, exact)
    options(r) = the feasible k ≠ cur(r) in increasing c_rk, then increasing risk,
    then name; the first ``max_options`` are returned. Where c_rk = f_r · 730 · price_k
    (every row not priced through a held commitment) the rows are scanned in
    increasing price and the scan stops once ``max_options`` fit: no later row can be
    cheaper. Rows priced through commitments are always evaluated.

Performance risk (0-4) of r on k, per measured dimension with known capacity,
with projected utilisation u_q = P_q(r,d) / cap_kd:
    compressible (cpu, gpu, network, disk): 4 if u_95 > 1; 3 if u_99.5 > 1;
        2 if u_100 > 1; 1 if u_100 > 0.8; else 0.
    memory, gpu_memory (a shortfall kills processes): 4 if u_100 > 1;
        3 if u_100 > 0.95; 2 if u_100 > 0.9; 1 if u_100 > 0.8; else 0.
    risk(r,k) = the maximum over dimensions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import Protocol

import numpy as np

from solvers.rightsizing_data import (
    COMPRESSIBLE,
    DIM,
    DIMENSIONS,
    HOURS_PER_MONTH,
    PERCENT_DIMENSIONS,
    BoolArray,
    Catalogue,
    FloatArray,
    IntArray,
    Resources,
    finite,
)
from solvers.rightsizing_stats import DimensionStats

EPS = 1e-9
CELLS_PER_CHUNK = 4_000_000
RISK_TABLE_CELLS = 65_536
"""Up to this many (resource, row) cells, every pair's risk is computed once per request."""
BLOCK_COLUMNS = 48
RISK_LEVELS = (95.0, 99.5, 100.0)
"""Percentiles the risk score reads (with the policy percentile first in ``demand``)."""


class Finding(IntEnum):
    """Finding of a resource (numbers match the API enum)."""

    IDLE = 1
    OVER_PROVISIONED = 2
    UNDER_PROVISIONED = 3
    OPTIMIZED = 4
    INSUFFICIENT_DATA = 5


@dataclass(frozen=True)
class SizingRule:
    """Sizing policy of one profile (see the module docstring)."""

    cpu_percentile: float = 95.0
    cpu_headroom: float = 0.2
    memory_percentile: float | None = None
    memory_headroom: float = 0.2
    gpu_headroom: float = 0.2
    idle_cpu_percent: float = 3.0
    idle_network_mbps: float = 1.0
    allow_region_change: bool = False
    allow_architecture_change: bool = False
    allow_gpu_model_change: bool = False
    allow_burstable: bool = False
    include_families: frozenset[str] = frozenset()
    exclude_families: frozenset[str] = frozenset()
    max_options: int = 3
    max_performance_risk: int = 4
    min_history_hours: float = 24.0

    def levels(self) -> set[float]:
        """Percentiles this rule reads."""
        out = {self.cpu_percentile, 95.0, 99.5, 100.0}
        if self.memory_percentile is not None:
            out.add(self.memory_percentile)
        return out


class CostModel(Protocol):
    """Monthly cost of resources on catalogue rows, after discounts, at the margin."""

    @property
    def price(self) -> FloatArray:
        """On-demand (list) price per hour of every catalogue row."""

    @property
    def fraction(self) -> FloatArray:
        """Share of the month each resource runs."""

    def current_monthly(self) -> FloatArray:
        """``(R,)`` cost of each resource on its current type."""

    def target_monthly(self, rows: IntArray, cols: IntArray) -> FloatArray:
        """``(len(rows), len(cols))`` cost of resource ``rows[i]`` on row ``cols[j]``."""

    def pair_monthly(self, rows: IntArray, cols: IntArray) -> FloatArray:
        """``(n,)`` cost of resource ``rows[i]`` on row ``cols[i]``."""

    def special_columns(self, cols: IntArray) -> BoolArray:
        """Rows whose cost is *not* ``fraction × price × 730`` (priced through commitments)."""


@dataclass(frozen=True)
class OnDemandCosts:
    """Costs at on-demand prices (no commitments)."""

    price: FloatArray
    fraction: FloatArray
    current: IntArray

    def current_monthly(self) -> FloatArray:
        """Cost on the current type."""
        out: FloatArray = self.fraction * self.price[self.current] * HOURS_PER_MONTH
        return out

    def target_monthly(self, rows: IntArray, cols: IntArray) -> FloatArray:
        """Cost on the given rows."""
        out: FloatArray = np.outer(self.fraction[rows] * HOURS_PER_MONTH, self.price[cols])
        return out

    def pair_monthly(self, rows: IntArray, cols: IntArray) -> FloatArray:
        """Cost of each (resource, row) pair."""
        out: FloatArray = self.fraction[rows] * self.price[cols] * HOURS_PER_MONTH
        return out

    def special_columns(self, cols: IntArray) -> BoolArray:
        """None: every cost is proportional to the list price."""
        return np.zeros(cols.shape[0], dtype=bool)


@dataclass(frozen=True)
class Requirements:
    """What each resource needs (``need``, NaN = not constrained) and its demand at
    ``(policy percentile, P95, P99.5, P100)`` in absolute units (NaN = not measured).
    """

    need: FloatArray  # (R, D)
    demand: FloatArray  # (R, D, 4)
    measured: BoolArray  # (R, D)
    current_capacity: FloatArray  # (R, D)


@dataclass(frozen=True)
class SizingResult:
    """Findings and ranked options of every resource (``M`` = max options; index -1 = none)."""

    requirements: Requirements
    current: IntArray  # (R,) catalogue row of the current type
    finding: IntArray  # (R,)
    under: BoolArray  # (R, D) need above the current capacity
    idle: BoolArray  # (R,)
    cheaper_fit: BoolArray  # (R,) a fitting type with a lower list price exists
    any_fit: BoolArray  # (R,) some other type fits
    current_cost: FloatArray  # (R,) after discounts
    current_list_cost: FloatArray  # (R,) on demand
    current_risk: IntArray  # (R,)
    current_risk_dims: IntArray  # (R, D)
    option_index: IntArray  # (R, M)
    option_cost: FloatArray  # (R, M) after discounts
    option_list_cost: FloatArray  # (R, M)
    option_risk: IntArray  # (R, M)
    option_risk_dims: IntArray  # (R, M, D)
    option_projected: FloatArray  # (R, M, D) % at the policy percentile (compressible) or peak
    cells: int = 0
    notes: list[str] = field(default_factory=list)

    @cached_property
    def option_savings(self) -> FloatArray:
        """Monthly savings of every option after discounts (NaN where no option)."""
        out: FloatArray = np.where(
            self.option_index >= 0, self.current_cost[:, None] - self.option_cost, np.nan
        )
        return out


def current_capacity(catalogue: Catalogue, current: IntArray) -> FloatArray:
    """``(R, D)`` capacity of each resource's current type."""
    return np.stack([catalogue.capacity(d)[current] for d in DIMENSIONS], axis=1)


@dataclass(frozen=True)
class SizingBasis:
    """What every sizing rule shares for one catalogue, resources and statistics
    (computed once per request by :func:`sizing_basis`, not once per profile).
    """

    capacity: FloatArray  # (K, D)
    gpus: FloatArray  # (K,) GPU count, NaN as 0
    name_rank: IntArray  # (K,)
    offered: np.ndarray  # (K, W) feature words
    required: np.ndarray  # (R, W)
    current_capacity: FloatArray  # (R, D)
    measured: BoolArray  # (R, D)
    scale: FloatArray  # (R, D) percent -> absolute units (1 for absolute dimensions)
    risk_demand: FloatArray  # (R, D, 3) demand at RISK_LEVELS
    current_risk: IntArray  # (R,)
    current_risk_dims: IntArray  # (R, D)
    risk_table: tuple[IntArray, IntArray] | None  # (R, K) and (R, K, D) risk when small

    def risk(self, demand: FloatArray, rows: IntArray, cols: IntArray) -> tuple[IntArray, IntArray]:
        """Risk of resource ``rows[i]`` on row ``cols[i]``: ``(n,)`` and ``(n, D)``.

        ``demand`` is the rule's ``(R, D, 4)`` demand (the risk reads levels 1-3 only,
        which every rule shares, so the precomputed table answers when there is one).
        """
        if self.risk_table is not None:
            return self.risk_table[0][rows, cols], self.risk_table[1][rows, cols]
        risk, by_dim = risk_scores(demand[rows], self.measured[rows], self.capacity[cols][:, None, :])
        return risk[:, 0], by_dim[:, 0, :]

    def block_risk(self, demand: FloatArray, rows: IntArray, cols: IntArray) -> IntArray:
        """``(len(rows), len(cols))`` risk of every resource of ``rows`` on every row of ``cols``."""
        if self.risk_table is not None:
            out: IntArray = self.risk_table[0][np.ix_(rows, cols)]
            return out
        risk, _ = risk_scores(demand[rows], self.measured[rows], self.capacity[cols][None, :, :])
        return risk


def sizing_basis(catalogue: Catalogue, resources: Resources, stats: dict[str, DimensionStats]) -> SizingBasis:
    """The rule-independent inputs of :func:`size_resources`."""
    count = resources.size
    cap = current_capacity(catalogue, resources.current)
    measured = np.zeros((count, len(DIMENSIONS)), dtype=bool)
    scale = np.ones((count, len(DIMENSIONS)))
    risk_demand = np.empty((count, len(DIMENSIONS), len(RISK_LEVELS)))
    for d, dim in enumerate(DIMENSIONS):
        st = stats[dim]
        measured[:, d] = st.measured
        if dim in PERCENT_DIMENSIONS:
            scale[:, d] = cap[:, d] / 100.0
        for i, level in enumerate(RISK_LEVELS):
            risk_demand[:, d, i] = st.at(level) * scale[:, d]
    demand = np.concatenate([np.full((count, len(DIMENSIONS), 1), np.nan), risk_demand], axis=2)
    capacity = np.stack([catalogue.capacity(d) for d in DIMENSIONS], axis=1)
    table = None
    if count * catalogue.size <= RISK_TABLE_CELLS:
        table = risk_scores(demand, measured, capacity[None, :, :])
        rows = np.arange(count)
        risk, by_dim = table[0][rows, resources.current][:, None], table[1][rows, resources.current][:, None]
    else:
        risk, by_dim = risk_scores(demand, measured, cap[:, None, :])
    offered, required = _feature_words(catalogue, resources)
    return SizingBasis(
        capacity=capacity,
        gpus=finite(catalogue.gpu_count),
        name_rank=_name_rank(catalogue),
        offered=offered,
        required=required,
        current_capacity=cap,
        measured=measured,
        scale=scale,
        risk_demand=risk_demand,
        current_risk=risk[:, 0].astype(np.int64),
        current_risk_dims=by_dim[:, 0, :].astype(np.int64),
        risk_table=table,
    )


def requirements(
    catalogue: Catalogue,
    resources: Resources,
    stats: dict[str, DimensionStats],
    rule: SizingRule,
    basis: SizingBasis | None = None,
) -> Requirements:
    """Needs and demand of every resource under ``rule`` (formulas in the module doc)."""
    b = basis if basis is not None else sizing_basis(catalogue, resources, stats)
    count = resources.size
    cap, measured = b.current_capacity, b.measured
    need = np.full((count, len(DIMENSIONS)), np.nan)
    demand = np.empty((count, len(DIMENSIONS), 4))
    demand[:, :, 1:] = b.risk_demand
    demand[:, :, 0] = np.stack([stats[dim].at(rule.cpu_percentile) for dim in DIMENSIONS], axis=1) * b.scale
    peak = demand[:, :, 3]
    at_policy = demand[:, :, 0]
    c, m, g, gm, n, k = (DIM[x] for x in DIMENSIONS)
    need[:, c] = np.where(measured[:, c], at_policy[:, c] * (1 + rule.cpu_headroom), cap[:, c])
    mem_level = (
        stats["memory"].at(rule.memory_percentile) * cap[:, m] / 100.0
        if rule.memory_percentile is not None
        else peak[:, m]
    )
    need[:, m] = np.where(measured[:, m], mem_level * (1 + rule.memory_headroom), cap[:, m])
    has_gpu = cap[:, g] > 0  # NaN (unknown) counts as none
    if has_gpu.any():
        gpu_need = np.maximum(at_policy[:, g] * (1 + rule.gpu_headroom), peak[:, g])
        need[:, g] = np.where(has_gpu, np.where(measured[:, g], gpu_need, cap[:, g]), 0.0)
        gmem_need = peak[:, gm] * (1 + rule.memory_headroom)
        need[:, gm] = np.where(has_gpu, np.where(measured[:, gm], gmem_need, finite(cap[:, gm])), 0.0)
    else:
        need[:, [g, gm]] = 0.0
    for d in (n, k):
        if measured[:, d].any():  # else NaN: not constrained
            need[:, d] = np.where(measured[:, d], at_policy[:, d] * (1 + rule.cpu_headroom), np.nan)
    return Requirements(need=need, demand=demand, measured=measured, current_capacity=cap)


def risk_scores(demand: FloatArray, measured: BoolArray, capacity: FloatArray) -> tuple[IntArray, IntArray]:
    """Risk per cell and per dimension.

    ``demand`` ``(n, D, 4)``, ``measured`` ``(n, D)``, ``capacity`` ``(n or 1, m, D)``;
    returns ``risk`` ``(n, m)`` and ``by_dim`` ``(n, m, D)`` (int8).
    """
    n, m = demand.shape[0], capacity.shape[1]
    by_dim = np.zeros((n, m, len(DIMENSIONS)), dtype=np.int8)
    with np.errstate(divide="ignore", invalid="ignore"):
        for d, dim in enumerate(DIMENSIONS):
            if not measured[:, d].any():
                continue
            cap = capacity[:, :, d]
            known = ~np.isnan(cap)

            def util(level: int, d: int = d, cap: FloatArray = cap) -> FloatArray:
                out: FloatArray = demand[:, d, level][:, None] / cap
                return out

            u100 = util(3)
            if dim in COMPRESSIBLE:
                score = np.where(
                    util(1) > 1 + EPS,
                    4,
                    np.where(
                        util(2) > 1 + EPS, 3, np.where(u100 > 1 + EPS, 2, np.where(u100 > 0.8 + EPS, 1, 0))
                    ),
                )
            else:
                score = np.where(
                    u100 > 1 + EPS,
                    4,
                    np.where(
                        u100 > 0.95 + EPS, 3, np.where(u100 > 0.9 + EPS, 2, np.where(u100 > 0.8 + EPS, 1, 0))
                    ),
                )
            ok = known & measured[:, d][:, None] & ~np.isnan(demand[:, d, 3])[:, None]
            by_dim[:, :, d] = np.where(ok, score, 0)
    risk: IntArray = by_dim.max(axis=2).astype(np.int64)
    return risk, by_dim.astype(np.int64)


def _feature_words(catalogue: Catalogue, resources: Resources) -> tuple[np.ndarray, np.ndarray]:
    """Features as uint64 bit words: ``(K, W)`` offered and ``(R, W)`` required."""
    names = sorted({f for fs in (*catalogue.features, *resources.required_features) for f in fs})
    bit = {f: i for i, f in enumerate(names)}
    words = max(1, (len(names) + 63) // 64)

    def encode(sets: tuple[frozenset[str], ...]) -> np.ndarray:
        out = np.zeros((len(sets), words), dtype=np.uint64)
        for row, fs in enumerate(sets):
            for f in fs:
                out[row, bit[f] // 64] |= np.uint64(1) << np.uint64(bit[f] % 64)
        return out

    return encode(catalogue.features), encode(resources.required_features)


@dataclass
class _Scan:
    """Mutable accumulators of the chunked scan."""

    max_options: int
    count: int
    index: IntArray = field(init=False)
    cost: FloatArray = field(init=False)
    list_cost: FloatArray = field(init=False)
    risk: IntArray = field(init=False)
    risk_dims: IntArray = field(init=False)
    cheaper_fit: BoolArray = field(init=False)
    any_fit: BoolArray = field(init=False)
    cells: int = 0

    def __post_init__(self) -> None:
        r, m, d = self.count, self.max_options, len(DIMENSIONS)
        self.index = np.full((r, m), -1, dtype=np.int64)
        self.cost = np.full((r, m), np.nan)
        self.list_cost = np.full((r, m), np.nan)
        self.risk = np.zeros((r, m), dtype=np.int8)
        self.risk_dims = np.zeros((r, m, d), dtype=np.int8)
        self.cheaper_fit = np.zeros(r, dtype=bool)
        self.any_fit = np.zeros(r, dtype=bool)


def _family_ok(catalogue: Catalogue, rule: SizingRule) -> BoolArray:
    ok = np.ones(catalogue.size, dtype=bool)
    if rule.include_families:
        ok &= np.isin(catalogue.family, sorted(rule.include_families))
    if rule.exclude_families:
        ok &= ~np.isin(catalogue.family, sorted(rule.exclude_families))
    return ok


def _groups(catalogue: Catalogue, resources: Resources, rule: SizingRule) -> dict[tuple[str, ...], IntArray]:
    """Resources by (provider, region) of their current type (provider only when the
    region may change), keys sorted, resources in row order.
    """
    cur = resources.current
    providers = catalogue.provider[cur].tolist()
    regions = [""] * len(providers) if rule.allow_region_change else catalogue.region[cur].tolist()
    members: dict[tuple[str, ...], list[int]] = {}
    for r, (provider, region) in enumerate(zip(providers, regions, strict=True)):
        key = (provider,) if rule.allow_region_change else (provider, region)
        members.setdefault(key, []).append(r)
    return {key: np.array(members[key], dtype=np.int64) for key in sorted(members)}


def size_resources(
    catalogue: Catalogue,
    resources: Resources,
    stats: dict[str, DimensionStats],
    rule: SizingRule,
    costs: CostModel,
    basis: SizingBasis | None = None,
) -> SizingResult:
    """Findings and ranked options of every resource under ``rule`` (exact scan).

    ``basis`` (from :func:`sizing_basis`) is shared by the calls of one request.
    """
    b = basis if basis is not None else sizing_basis(catalogue, resources, stats)
    req = requirements(catalogue, resources, stats, rule, b)
    count = resources.size
    price = costs.price
    scan = _Scan(rule.max_options, count)
    column_ok = _family_ok(catalogue, rule) & np.isfinite(price) & (price > 0)
    for key, rows in _groups(catalogue, resources, rule).items():
        col_mask = column_ok & (catalogue.provider == key[0])
        if not rule.allow_region_change:
            col_mask &= catalogue.region == key[1]
        cols = np.flatnonzero(col_mask)
        if cols.size == 0:
            continue
        _scan_group(catalogue, resources, req, rule, costs, rows, cols, b, scan)

    current_cost = costs.current_monthly()
    current_list = resources.hours_fraction * price[resources.current] * HOURS_PER_MONTH
    under = _under(req)
    idle = _idle(stats, rule)
    finding = np.full(count, int(Finding.OPTIMIZED), dtype=np.int64)
    finding[scan.cheaper_fit & ~under.any(axis=1)] = int(Finding.OVER_PROVISIONED)
    finding[under.any(axis=1)] = int(Finding.UNDER_PROVISIONED)
    finding[idle] = int(Finding.IDLE)
    finding[resources.history_hours < rule.min_history_hours - EPS] = int(Finding.INSUFFICIENT_DATA)
    insufficient = finding == int(Finding.INSUFFICIENT_DATA)
    scan.index[insufficient] = -1
    projected = _projected(req, b.capacity, scan.index)
    return SizingResult(
        requirements=req,
        current=resources.current,
        finding=finding,
        under=under,
        idle=idle & ~insufficient,
        cheaper_fit=scan.cheaper_fit,
        any_fit=scan.any_fit,
        current_cost=current_cost,
        current_list_cost=current_list,
        current_risk=b.current_risk,
        current_risk_dims=b.current_risk_dims,
        option_index=scan.index,
        option_cost=np.where(scan.index >= 0, scan.cost, np.nan),
        option_list_cost=np.where(scan.index >= 0, scan.list_cost, np.nan),
        option_risk=scan.risk.astype(np.int64),
        option_risk_dims=scan.risk_dims.astype(np.int64),
        option_projected=projected,
        cells=scan.cells,
    )


def _fit(
    catalogue: Catalogue,
    resources: Resources,
    req: Requirements,
    rule: SizingRule,
    rows: IntArray,
    cols: IntArray,
    basis: SizingBasis,
) -> BoolArray:
    """``(len(rows), len(cols))``: which candidate rows meet every requirement and rule."""
    cur = resources.current[rows]
    need = req.need[rows]
    cap = basis.capacity[cols]  # (m, D)
    fit = cols[None, :] != cur[:, None]
    for d, dim in enumerate(DIMENSIONS):
        if dim == "gpu":
            continue
        nd = need[:, d][:, None]
        constrained = nd > 0  # False where NaN (not constrained)
        if not constrained.any():
            continue
        cd = cap[:, d][None, :]
        if dim in ("network", "disk"):
            constrained = constrained & ~np.isnan(cd)
        fit &= ~constrained | (cd >= nd * (1 - EPS) - EPS)
    gpus_needed = need[:, DIM["gpu"]]
    cpu_only = (gpus_needed <= 0) & ~(need[:, DIM["gpu_memory"]] > 0)
    cand_gpus = basis.gpus[cols]
    if cpu_only.all():  # CPU-only resources take CPU-only types (the GPU model is moot)
        fit &= cand_gpus[None, :] <= 0
    else:
        fit &= np.where(
            cpu_only[:, None], cand_gpus[None, :] <= 0, cand_gpus[None, :] >= gpus_needed[:, None] * (1 - EPS)
        )
        if not rule.allow_gpu_model_change:
            same_model = catalogue.gpu_model[cols][None, :] == catalogue.gpu_model[cur][:, None]
            fit &= cpu_only[:, None] | same_model
    if not rule.allow_architecture_change:
        fit &= catalogue.architecture[cols][None, :] == catalogue.architecture[cur][:, None]
    if not rule.allow_burstable:
        fit &= ~catalogue.burstable[cols][None, :] | catalogue.burstable[cur][:, None]
    required = basis.required[rows]
    if required.any():
        for w in range(required.shape[1]):
            missing = required[:, w][:, None] & ~basis.offered[cols, w][None, :]
            fit &= missing == 0
    if rule.max_performance_risk < 4:
        fit &= basis.block_risk(req.demand, rows, cols) <= rule.max_performance_risk
    out: BoolArray = fit
    return out


def _price_blocks(prices: Sequence[float] | FloatArray, size: int) -> list[tuple[int, int]]:
    """Consecutive blocks of about ``size`` price-sorted columns; a run of equal prices
    never spans two blocks (so ties are always compared together).
    """
    blocks = []
    start, n = 0, len(prices)
    while start < n:
        end = min(n, start + size)
        while end < n and prices[end] <= prices[end - 1]:
            end += 1
        blocks.append((start, end))
        start = end
    return blocks


def _scan_group(
    catalogue: Catalogue,
    resources: Resources,
    req: Requirements,
    rule: SizingRule,
    costs: CostModel,
    rows: IntArray,
    cols: IntArray,
    basis: SizingBasis,
    scan: _Scan,
) -> None:
    """Best options of the resources ``rows`` among the candidate catalogue rows ``cols``.

    Regular columns (cost proportional to the list price) are scanned in increasing
    price, in blocks; a resource stops once it has ``max_options`` fitting columns, as
    no later column can be cheaper. Special columns (priced through held commitments)
    are always evaluated. The candidates found are then ordered exactly by (cost,
    risk, name) — the same result as ranking every column, at a fraction of the work.
    """
    price = costs.price
    name_rank = basis.name_rank
    special_mask = costs.special_columns(cols)
    special, regular = cols[special_mask], cols[~special_mask]
    regular = regular[np.lexsort((name_rank[regular], price[regular]))]
    found = np.zeros(rows.size, dtype=np.int64)
    active = np.arange(rows.size)
    pair_rows: list[IntArray] = []
    pair_cols: list[IntArray] = []
    for a, b in _price_blocks(price[regular], BLOCK_COLUMNS):
        if active.size == 0:
            break
        block = regular[a:b]
        fit = _fit(catalogue, resources, req, rule, rows[active], block, basis)
        scan.cells += int(fit.size)
        hit_r, hit_c = np.nonzero(fit)
        pair_rows.append(rows[active][hit_r])
        pair_cols.append(block[hit_c])
        found[active] += fit.sum(axis=1)
        active = active[found[active] < rule.max_options]
    if special.size:
        chunk = max(1, CELLS_PER_CHUNK // special.size)
        for start in range(0, rows.size, chunk):
            part = rows[start : start + chunk]
            fit = _fit(catalogue, resources, req, rule, part, special, basis)
            scan.cells += int(fit.size)
            hit_r, hit_c = np.nonzero(fit)
            pair_rows.append(part[hit_r])
            pair_cols.append(special[hit_c])
    pr = np.concatenate(pair_rows) if pair_rows else np.zeros(0, dtype=np.int64)
    pc = np.concatenate(pair_cols) if pair_cols else np.zeros(0, dtype=np.int64)
    if pr.size == 0:
        return
    cost = costs.pair_monthly(pr, pc)
    risk, risk_dims = basis.risk(req.demand, pr, pc)
    order = np.lexsort((name_rank[pc], risk, np.round(cost, 6), pr))
    pr, pc, cost, risk, risk_dims = pr[order], pc[order], cost[order], risk[order], risk_dims[order]
    first = np.searchsorted(pr, pr, side="left")
    rank = np.arange(pr.size) - first
    keep = rank < rule.max_options
    kr, kc, krank = pr[keep], pc[keep], rank[keep]
    scan.index[kr, krank] = kc
    scan.cost[kr, krank] = cost[keep]
    scan.list_cost[kr, krank] = costs.fraction[kr] * price[kc] * HOURS_PER_MONTH
    scan.risk[kr, krank] = risk[keep]
    scan.risk_dims[kr, krank] = risk_dims[keep]
    scan.any_fit[pr] = True
    cheapest = np.full(resources.size, np.inf)
    np.minimum.at(cheapest, pr, price[pc])
    cur = resources.current[rows]
    scan.cheaper_fit[rows] = cheapest[rows] < price[cur] * (1 - 1e-9)


def _name_rank(catalogue: Catalogue) -> IntArray:
    """Rank of each row's ``name|region`` in lexicographic order (ties broken by row)."""
    labels = [f"{n}|{r}" for n, r in zip(catalogue.name.tolist(), catalogue.region.tolist(), strict=True)]
    order = sorted(range(len(labels)), key=labels.__getitem__)  # stable, by code point like numpy
    rank = np.empty(catalogue.size, dtype=np.int64)
    rank[order] = np.arange(catalogue.size)
    return rank


def _under(req: Requirements) -> BoolArray:
    """Dimensions where the need exceeds the current capacity."""
    with np.errstate(invalid="ignore"):
        over_cap = req.need > req.current_capacity * (1 + 1e-9) + EPS
    known = ~np.isnan(req.need) & ~np.isnan(req.current_capacity)
    out: BoolArray = over_cap & known & req.measured
    return out


def _idle(stats: dict[str, DimensionStats], rule: SizingRule) -> BoolArray:
    """CPU P95 below the idle threshold (and GPU, network where measured)."""
    cpu = stats["cpu"]
    idle = cpu.measured & (cpu.at(95.0) < rule.idle_cpu_percent)  # NaN compares False
    gpu = stats["gpu"]
    idle &= ~gpu.measured | (gpu.at(95.0) < rule.idle_cpu_percent)
    net = stats["network"]
    idle &= ~net.measured | (net.at(95.0) < rule.idle_network_mbps)
    out: BoolArray = idle
    return out


def _projected(req: Requirements, capacity_all: FloatArray, index: IntArray) -> FloatArray:
    """Projected utilisation (%) of each option: at the policy percentile for compressible
    dimensions, at the peak for memory and GPU memory (NaN where unknown).
    """
    cap = capacity_all[np.where(index >= 0, index, 0)]  # (R, M, D)
    level = np.array([0 if dim in COMPRESSIBLE else 3 for dim in DIMENSIONS])
    demand = req.demand[:, np.arange(len(DIMENSIONS)), level]  # (R, D)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = 100.0 * demand[:, None, :] / cap
    out[index < 0] = np.nan
    return out
