"""Exact scalar right-sizing for small requests (a few resources × a small catalogue).

:func:`solvers.rightsizing.size_resources` is vectorised for 10,000 resources × 1,000
types; on one resource × a dozen types its hundreds of numpy calls on tiny arrays
(~1-3 µs each) cost far more than the arithmetic. This module computes the same
:class:`~solvers.rightsizing.SizingResult` — bit for bit, including the price-block
scan and its cell count — with plain Python floats for every (resource, row) cell:

* every formula is the one of :mod:`solvers.rightsizing` (its module docstring), with
  the operations in the same order, so IEEE doubles round identically; division
  follows numpy (``x / 0`` is ±inf, ``0 / 0`` NaN) instead of raising;
* costs still come from the :class:`~solvers.rightsizing.CostModel` (one batched call
  per request) and are rounded with ``np.round`` like the general path;
* the result arrays are built once per profile from the Python lists.

:func:`size_profiles` picks this path by problem shape only (:func:`is_small`);
``tests/rightsizing/test_small_sizing.py`` compares it with the general path on
thousands of random small problems.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from solvers.rightsizing import (
    BLOCK_COLUMNS,
    EPS,
    CostModel,
    Finding,
    Requirements,
    SizingResult,
    SizingRule,
    _name_rank,
    _price_blocks,
    size_resources,
    sizing_basis,
)
from solvers.rightsizing_data import (
    COMPRESSIBLE,
    DIM,
    DIMENSIONS,
    HOURS_PER_MONTH,
    PERCENT_DIMENSIONS,
    Catalogue,
    Resources,
)
from solvers.rightsizing_stats import DimensionStats

SMALL_CELLS = 1024
"""Up to this many (resource, catalogue row) cells the scalar path is used."""

_NAN = math.nan
_FLOAT_MAX = float(np.finfo(np.float64).max)
_D = len(DIMENSIONS)
_CPU, _MEM, _GPU, _GMEM, _NET, _DISK = (DIM[x] for x in DIMENSIONS)
_COMPRESSIBLE = tuple(dim in COMPRESSIBLE for dim in DIMENSIONS)
_PROJECTED_LEVEL = tuple(0 if c else 3 for c in _COMPRESSIBLE)
_ONE, _P95, _P90, _P80 = 1 + EPS, 0.95 + EPS, 0.9 + EPS, 0.8 + EPS


def is_small(catalogue: Catalogue, resources: Resources) -> bool:
    """Whether the scalar path is the cheaper one for this shape."""
    return 0 < resources.size and resources.size * catalogue.size <= SMALL_CELLS


def size_profiles(
    catalogue: Catalogue,
    resources: Resources,
    stats: dict[str, DimensionStats],
    rules: Sequence[SizingRule],
    costs: CostModel,
) -> list[SizingResult]:
    """:func:`~solvers.rightsizing.size_resources` for every rule (one shared basis),
    by the scalar path when the problem is small.
    """
    if is_small(catalogue, resources):
        small = SmallBasis.build(catalogue, resources, stats, costs)
        return [small.size(rule, costs) for rule in rules]
    basis = sizing_basis(catalogue, resources, stats)
    return [size_resources(catalogue, resources, stats, rule, costs, basis) for rule in rules]


def _div(a: float, b: float) -> float:
    """``a / b`` with numpy's IEEE semantics for a zero divisor."""
    if b == 0.0:
        if a != a or a == 0.0:
            return _NAN
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _finite(x: float) -> float:
    """Scalar :func:`solvers.rightsizing_data.finite`."""
    if x != x:
        return 0.0
    return max(min(x, _FLOAT_MAX), -_FLOAT_MAX)


def _score(compressible: bool, p95: float, p995: float, p100: float, cap: float) -> int:
    """Risk score of one dimension (module docstring of :mod:`solvers.rightsizing`)."""
    u100 = _div(p100, cap)
    if compressible:
        if _div(p95, cap) > _ONE:
            return 4
        if _div(p995, cap) > _ONE:
            return 3
        return 2 if u100 > _ONE else 1 if u100 > _P80 else 0
    if u100 > _ONE:
        return 4
    return 3 if u100 > _P95 else 2 if u100 > _P90 else 1 if u100 > _P80 else 0


@dataclass(frozen=True)
class _CatalogueLists:
    """The request-independent catalogue columns as Python lists (shared, read-only)."""

    columns: tuple[np.ndarray, ...]  # the arrays they were made from (identity checked)
    capacity: list[tuple[float, ...]]  # (K, D)
    gpus: list[float]
    name_rank: list[int]
    provider: list[str]
    region: list[str]
    family: list[str]
    architecture: list[str]
    gpu_model: list[str]
    burstable: list[bool]


_CATALOGUE_LISTS: dict[int, _CatalogueLists] = {}
_CATALOGUE_LISTS_SIZE = 8


def _catalogue_lists(catalogue: Catalogue) -> _CatalogueLists:
    """Lists of a catalogue's columns, memoised on the identity of its arrays when they
    are read-only (the planner's catalogues share frozen columns across requests; the
    cache holds the arrays, so an id cannot be reused while its entry lives).
    """
    columns = (
        *(catalogue.capacity(d) for d in DIMENSIONS),
        catalogue.name,
        catalogue.provider,
        catalogue.region,
        catalogue.family,
        catalogue.architecture,
        catalogue.gpu_model,
        catalogue.burstable,
    )
    hit = _CATALOGUE_LISTS.get(id(catalogue.name))
    if (
        hit is not None
        and len(hit.columns) == len(columns)
        and all(a is b for a, b in zip(hit.columns, columns, strict=True))
    ):
        return hit
    caps = [c.tolist() for c in columns[:_D]]
    lists = _CatalogueLists(
        columns=columns,
        capacity=list(zip(*caps, strict=True)),
        gpus=[_finite(x) for x in caps[_GPU]],
        name_rank=_name_rank(catalogue).tolist(),
        provider=catalogue.provider.tolist(),
        region=catalogue.region.tolist(),
        family=catalogue.family.tolist(),
        architecture=catalogue.architecture.tolist(),
        gpu_model=catalogue.gpu_model.tolist(),
        burstable=catalogue.burstable.tolist(),
    )
    if any(c.flags.writeable for c in columns):
        return lists
    if len(_CATALOGUE_LISTS) >= _CATALOGUE_LISTS_SIZE:
        _CATALOGUE_LISTS.pop(next(iter(_CATALOGUE_LISTS)))
    _CATALOGUE_LISTS[id(catalogue.name)] = lists
    return lists


def _masked(values: list[list[float]], index: list[list[int]]) -> np.ndarray:
    """``(R, M)`` array of ``values``, NaN where there is no option."""
    rows = [
        [v if k >= 0 else _NAN for v, k in zip(vr, kr, strict=True)]
        for vr, kr in zip(values, index, strict=True)
    ]
    return np.array(rows, dtype=np.float64)


@dataclass
class SmallBasis:
    """Rule-independent inputs as Python lists, and a cache of (resource, row) risks."""

    catalogue: Catalogue
    resources: Resources
    rows: _CatalogueLists  # the catalogue's columns as lists (shared across requests)
    price: list[float]
    special: list[bool]  # (K,) priced through held commitments
    current: list[int]
    fraction: list[float]
    history_hours: list[float]
    current_capacity: list[tuple[float, ...]]  # (R, D)
    measured: list[tuple[bool, ...]]  # (R, D)
    scale: list[tuple[float, ...]]  # (R, D)
    risk_demand: list[list[tuple[float, float, float]]]  # (R, D, 3) at P95, P99.5, P100
    quantiles: dict[str, list[list[float]]]
    levels: dict[str, tuple[float, ...]]
    current_cost: np.ndarray
    current_list_cost: np.ndarray
    current_capacity_array: np.ndarray
    measured_array: np.ndarray
    current_risk: np.ndarray
    current_risk_dims: np.ndarray
    risks: dict[tuple[int, int], tuple[int, tuple[int, ...]]] = field(default_factory=dict)
    column_cache: dict[
        tuple[frozenset[str], frozenset[str], bool], dict[tuple[str, ...], tuple[list[int], list[int]]]
    ] = field(default_factory=dict)

    @classmethod
    def build(
        cls, catalogue: Catalogue, resources: Resources, stats: dict[str, DimensionStats], costs: CostModel
    ) -> SmallBasis:
        """Lists of the catalogue, resources and statistics (shared by every rule)."""
        rows = _catalogue_lists(catalogue)
        capacity = rows.capacity
        current = resources.current.tolist()
        cur_cap = [capacity[k] for k in current]
        quantiles = {dim: st.quantiles.tolist() for dim, st in stats.items()}
        samples = {dim: st.samples.tolist() for dim, st in stats.items()}
        levels = {dim: st.levels for dim, st in stats.items()}
        measured = [tuple(samples[dim][r] > 0 for dim in DIMENSIONS) for r in range(len(current))]
        scale = [
            tuple(c[d] / 100.0 if dim in PERCENT_DIMENSIONS else 1.0 for d, dim in enumerate(DIMENSIONS))
            for c in cur_cap
        ]
        risk_demand = []
        for r in range(len(current)):
            row = []
            for d, dim in enumerate(DIMENSIONS):
                q, lv, s = quantiles[dim][r], levels[dim], scale[r][d]
                row.append((q[lv.index(95.0)] * s, q[lv.index(99.5)] * s, q[lv.index(100.0)] * s))
            risk_demand.append(row)
        price = costs.price
        basis = cls(
            catalogue=catalogue,
            resources=resources,
            rows=rows,
            price=price.tolist(),
            special=costs.special_columns(np.arange(catalogue.size)).tolist(),
            current=current,
            fraction=resources.hours_fraction.tolist(),
            history_hours=resources.history_hours.tolist(),
            current_capacity=cur_cap,
            measured=measured,
            scale=scale,
            risk_demand=risk_demand,
            quantiles=quantiles,
            levels=levels,
            current_cost=costs.current_monthly(),
            current_list_cost=resources.hours_fraction * price[resources.current] * HOURS_PER_MONTH,
            current_capacity_array=np.array(cur_cap, dtype=np.float64),
            measured_array=np.array(measured, dtype=bool),
            current_risk=np.zeros(0, dtype=np.int64),
            current_risk_dims=np.zeros(0, dtype=np.int64),
        )
        now = [basis.risk(r, k) for r, k in enumerate(current)]
        basis.current_risk = np.array([x[0] for x in now], dtype=np.int64)
        basis.current_risk_dims = np.array([x[1] for x in now], dtype=np.int64)
        return basis

    def at(self, dim: str, r: int, level: float) -> float:
        """Percentile ``level`` of resource ``r`` in ``dim``."""
        return self.quantiles[dim][r][self.levels[dim].index(float(level))]

    def risk(self, r: int, k: int) -> tuple[int, tuple[int, ...]]:
        """Risk of resource ``r`` on row ``k`` and per dimension (cached)."""
        hit = self.risks.get((r, k))
        if hit is not None:
            return hit
        measured, demand, cap = self.measured[r], self.risk_demand[r], self.rows.capacity[k]
        by_dim = [0] * _D
        for d in range(_D):
            c = cap[d]
            if not measured[d] or c != c:
                continue
            p95, p995, p100 = demand[d]
            if p100 != p100:
                continue
            by_dim[d] = _score(_COMPRESSIBLE[d], p95, p995, p100, c)
        out = (max(by_dim), tuple(by_dim))
        self.risks[(r, k)] = out
        return out

    def requirements(self, rule: SizingRule) -> tuple[list[list[float]], list[list[tuple[float, ...]]]]:
        """``need`` ``(R, D)`` and ``demand`` ``(R, D, 4)`` (:func:`solvers.rightsizing.requirements`)."""
        needs: list[list[float]] = []
        demands: list[list[tuple[float, ...]]] = []
        h_c, h_m, h_g = 1 + rule.cpu_headroom, 1 + rule.memory_headroom, 1 + rule.gpu_headroom
        for r in range(len(self.current)):
            cap, measured, scale = self.current_capacity[r], self.measured[r], self.scale[r]
            demand: list[tuple[float, ...]] = [
                (self.at(dim, r, rule.cpu_percentile) * scale[d], *self.risk_demand[r][d])
                for d, dim in enumerate(DIMENSIONS)
            ]
            at_policy = [x[0] for x in demand]
            peak = [x[3] for x in demand]
            need = [_NAN] * _D
            need[_CPU] = at_policy[_CPU] * h_c if measured[_CPU] else cap[_CPU]
            if rule.memory_percentile is not None:
                mem_level = self.at("memory", r, rule.memory_percentile) * cap[_MEM] / 100.0
            else:
                mem_level = peak[_MEM]
            need[_MEM] = mem_level * h_m if measured[_MEM] else cap[_MEM]
            if cap[_GPU] > 0:
                a, b = at_policy[_GPU] * h_g, peak[_GPU]
                gpu_need = _NAN if a != a or b != b else max(a, b)
                need[_GPU] = gpu_need if measured[_GPU] else cap[_GPU]
                need[_GMEM] = peak[_GMEM] * h_m if measured[_GMEM] else _finite(cap[_GMEM])
            else:
                need[_GPU] = need[_GMEM] = 0.0
            for d in (_NET, _DISK):
                if measured[d]:
                    need[d] = at_policy[d] * h_c
            needs.append(need)
            demands.append(demand)
        return needs, demands

    def _fit_test(self, r: int, need: list[float], rule: SizingRule) -> Callable[[int], bool]:
        """Whether a row meets every requirement and rule for resource ``r``
        (:func:`solvers.rightsizing._fit`; the resource's thresholds are worked out once).
        """
        cur = self.current[r]
        # (dimension, least capacity, unknown capacity passes) for the constrained dimensions
        limits = [
            (d, need[d] * (1 - EPS) - EPS, d == _NET or d == _DISK)
            for d in range(_D)
            if d != _GPU and need[d] > 0
        ]
        gpus_needed = need[_GPU]
        cpu_only = gpus_needed <= 0 and not need[_GMEM] > 0
        least_gpus = gpus_needed * (1 - EPS)
        same_model = None if cpu_only or rule.allow_gpu_model_change else self.rows.gpu_model[cur]
        same_arch = None if rule.allow_architecture_change else self.rows.architecture[cur]
        no_burst = not rule.allow_burstable and not self.rows.burstable[cur]
        required = self.resources.required_features[r]
        max_risk = rule.max_performance_risk
        rows = self.rows
        capacity, gpus, features = rows.capacity, rows.gpus, self.catalogue.features

        def fits(k: int) -> bool:
            if k == cur:
                return False
            cap = capacity[k]
            for d, least, unknown_ok in limits:
                cd = cap[d]
                if not cd >= least and not (unknown_ok and cd != cd):
                    return False
            if cpu_only:
                if not gpus[k] <= 0:
                    return False
            elif not gpus[k] >= least_gpus or (same_model is not None and rows.gpu_model[k] != same_model):
                return False
            if same_arch is not None and rows.architecture[k] != same_arch:
                return False
            if no_burst and self.rows.burstable[k]:
                return False
            if required and not required <= features[k]:
                return False
            return not (max_risk < 4 and self.risk(r, k)[0] > max_risk)

        return fits

    def _key(self, cur: int, rule: SizingRule) -> tuple[str, ...]:
        """Group of a resource on row ``cur``: provider and region (provider only when
        the region may change).
        """
        if rule.allow_region_change:
            return (self.rows.provider[cur],)
        return (self.rows.provider[cur], self.rows.region[cur])

    def _columns(self, rule: SizingRule) -> dict[tuple[str, ...], tuple[list[int], list[int]]]:
        """Candidate rows per (provider, region) key: regular ones in increasing
        (price, name) and the special ones (priced through commitments); shared by the
        rules with the same family lists and region switch.
        """
        key = (rule.include_families, rule.exclude_families, rule.allow_region_change)
        hit = self.column_cache.get(key)
        if hit is None:
            hit = self.column_cache[key] = self._candidate_columns(rule)
        return hit

    def _candidate_columns(self, rule: SizingRule) -> dict[tuple[str, ...], tuple[list[int], list[int]]]:
        """:meth:`_columns`, computed."""
        price, rows = self.price, self.rows
        include, exclude = rule.include_families, rule.exclude_families
        ok = [
            k
            for k in range(len(price))
            if math.isfinite(price[k])
            and price[k] > 0
            and (not include or rows.family[k] in include)
            and (not exclude or rows.family[k] not in exclude)
        ]
        out: dict[tuple[str, ...], tuple[list[int], list[int]]] = {}
        for cur in self.current:
            key = self._key(cur, rule)
            if key in out:
                continue
            cols = [
                k
                for k in ok
                if rows.provider[k] == key[0] and (rule.allow_region_change or rows.region[k] == key[1])
            ]
            regular = sorted(
                (k for k in cols if not self.special[k]), key=lambda k: (price[k], self.rows.name_rank[k])
            )
            out[key] = (regular, [k for k in cols if self.special[k]])
        return out

    def size(self, rule: SizingRule, costs: CostModel) -> SizingResult:
        """:func:`solvers.rightsizing.size_resources` of this basis under ``rule``."""
        count, m_opt = len(self.current), rule.max_options
        capacity = self.rows.capacity
        needs, demands = self.requirements(rule)
        columns = self._columns(rule)
        cells = 0
        pairs: list[tuple[int, int]] = []
        for r, cur in enumerate(self.current):
            key = self._key(cur, rule)
            regular, special = columns[key]
            if not regular and not special:
                continue
            fits, found = self._fit_test(r, needs[r], rule), 0
            for a, b in _price_blocks([self.price[k] for k in regular], BLOCK_COLUMNS):
                if found >= m_opt:
                    break
                cells += b - a
                for k in regular[a:b]:
                    if fits(k):
                        pairs.append((r, k))
                        found += 1
            cells += len(special)
            pairs.extend((r, k) for k in special if fits(k))
        index = [[-1] * m_opt for _ in range(count)]
        cost = [[_NAN] * m_opt for _ in range(count)]
        list_cost = [[_NAN] * m_opt for _ in range(count)]
        risk = [[0] * m_opt for _ in range(count)]
        risk_dims = [[(0,) * _D] * m_opt for _ in range(count)]
        cheaper_fit, any_fit = [False] * count, [False] * count
        if pairs:
            pr = np.array([p[0] for p in pairs], dtype=np.int64)
            pc = np.array([p[1] for p in pairs], dtype=np.int64)
            pair_cost = costs.pair_monthly(pr, pc)
            rounded = pair_cost.round(6).tolist()  # np.round without its wrapper
            pair_cost_list = pair_cost.tolist()
            by_resource: dict[int, list[tuple[bool, float, int, int, int, int]]] = {}
            for i, (r, k) in enumerate(pairs):
                c = rounded[i]
                nan = c != c  # sorted last, as np.lexsort does
                item = (nan, 0.0 if nan else c, self.risk(r, k)[0], self.rows.name_rank[k], i, k)
                by_resource.setdefault(r, []).append(item)
            for r, items in by_resource.items():
                items.sort()
                for m, (_, _, rk, _, i, k) in enumerate(items[:m_opt]):
                    index[r][m] = k
                    cost[r][m] = pair_cost_list[i]
                    list_cost[r][m] = self.fraction[r] * self.price[k] * HOURS_PER_MONTH
                    risk[r][m] = rk
                    risk_dims[r][m] = self.risk(r, k)[1]
                any_fit[r] = True
                cur_price = self.price[self.current[r]]
                cheaper_fit[r] = min(self.price[x[5]] for x in items) < cur_price * (1 - 1e-9)
        under = [
            [
                measured and need_d > cap_d * (1 + 1e-9) + EPS
                for need_d, cap_d, measured in zip(
                    needs[r], self.current_capacity[r], self.measured[r], strict=True
                )
            ]
            for r in range(count)
        ]
        finding, idle_out = [], []
        for r in range(count):
            idle = self._idle(r, rule)
            code = int(Finding.OPTIMIZED)
            if any(under[r]):
                code = int(Finding.UNDER_PROVISIONED)
            elif cheaper_fit[r]:
                code = int(Finding.OVER_PROVISIONED)
            if idle:
                code = int(Finding.IDLE)
            if self.history_hours[r] < rule.min_history_hours - EPS:
                code = int(Finding.INSUFFICIENT_DATA)
                index[r] = [-1] * m_opt
            finding.append(code)
            idle_out.append(idle and code != int(Finding.INSUFFICIENT_DATA))
        projected = [
            [
                [
                    _div(100.0 * demands[r][d][_PROJECTED_LEVEL[d]], capacity[k][d]) if k >= 0 else _NAN
                    for d in range(_D)
                ]
                for k in index[r]
            ]
            for r in range(count)
        ]
        return SizingResult(
            requirements=Requirements(
                need=np.array(needs, dtype=np.float64),
                demand=np.array(demands, dtype=np.float64),
                measured=self.measured_array,
                current_capacity=self.current_capacity_array,
            ),
            current=self.resources.current,
            finding=np.array(finding, dtype=np.int64),
            under=np.array(under, dtype=bool),
            idle=np.array(idle_out, dtype=bool),
            cheaper_fit=np.array(cheaper_fit, dtype=bool),
            any_fit=np.array(any_fit, dtype=bool),
            current_cost=self.current_cost,
            current_list_cost=self.current_list_cost,
            current_risk=self.current_risk,
            current_risk_dims=self.current_risk_dims,
            option_index=np.array(index, dtype=np.int64),
            option_cost=_masked(cost, index),
            option_list_cost=_masked(list_cost, index),
            option_risk=np.array(risk, dtype=np.int64),
            option_risk_dims=np.array(risk_dims, dtype=np.int64).reshape(count, m_opt, _D),
            option_projected=np.array(projected, dtype=np.float64).reshape(count, m_opt, _D),
            cells=cells,
        )

    def _idle(self, r: int, rule: SizingRule) -> bool:
        """CPU P95 below the idle threshold (and GPU, network where measured)."""
        m = self.measured[r]
        if not (m[_CPU] and self.at("cpu", r, 95.0) < rule.idle_cpu_percent):
            return False
        if m[_GPU] and not self.at("gpu", r, 95.0) < rule.idle_cpu_percent:
            return False
        return not (m[_NET] and not self.at("network", r, 95.0) < rule.idle_network_mbps)
