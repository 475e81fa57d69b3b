"""Data of the vendor-consolidation problem and its exact cost function (pure Python/numpy).

Indices: vendors ``v``, price lines ``l`` (each of one vendor), demands ``d``, tiers
``r`` of a line. Quantities are per month; the horizon cost is ``horizon_months``
times the monthly cost plus one-time costs (migration, exit penalties, onboarding).

Pricing of a line bought at quantity ``q`` (``q = 0`` costs nothing):

* all-units: ``p_r · q`` with ``r`` the last tier whose ``L_r ≤ q``;
* incremental: ``F_r + p_r · (q − L_r)`` with ``F_r`` the cost of the first ``L_r``
  units (units below ``L_0`` are priced at ``p_0``);
* vendor basis (total-quantity discount): every such line of the vendor is priced
  all-units at the tier reached by the vendor's total quantity over those lines.

A quantity below the first tier's ``L_0 > 0`` (minimum order) cannot be bought.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Allocation = Mapping[tuple[int, int], float]  # (demand, line) -> quantity per month

_EPS = 1e-9


class Keep(IntEnum):
    """Whether a vendor may, must or must not be kept."""

    FREE = 0
    FORCED = 1
    EXCLUDED = 2


@dataclass(frozen=True)
class Line:
    """A priced product of vendor ``vendor`` covering ``capabilities``.

    ``breaks[r]`` is the lowest quantity of tier ``r`` (strictly increasing) and
    ``prices[r]`` its unit price per month.
    """

    vendor: int
    capabilities: tuple[int, ...]
    breaks: tuple[float, ...]
    prices: tuple[float, ...]
    incremental: bool = False
    vendor_basis: bool = False
    max_quantity: float = math.inf
    whole_units: bool = False
    name: str = ""

    @property
    def tiers(self) -> int:
        """Number of tiers."""
        return len(self.breaks)

    def cumulative(self) -> tuple[float, ...]:
        """``F_r``: incremental cost of the first ``L_r`` units (``F_0 = p_0 L_0``)."""
        out = [self.prices[0] * self.breaks[0]]
        for r in range(1, self.tiers):
            out.append(out[-1] + self.prices[r - 1] * (self.breaks[r] - self.breaks[r - 1]))
        return tuple(out)

    def tier_of(self, quantity: float) -> int:
        """Tier index of ``quantity`` by this line's own breaks (-1 for 0 or below ``L_0``)."""
        if quantity <= _EPS:
            return -1
        tier = -1
        for r, lo in enumerate(self.breaks):
            if quantity >= lo - _EPS * max(1.0, lo):
                tier = r
        return tier

    def own_cost(self, quantity: float) -> float:
        """Monthly cost of ``quantity`` priced by this line's own tiers (line basis)."""
        tier = self.tier_of(quantity)
        if tier < 0:
            return 0.0 if quantity <= _EPS else math.inf
        if self.incremental:
            return self.cumulative()[tier] + self.prices[tier] * (quantity - self.breaks[tier])
        return self.prices[tier] * quantity

    def is_convex(self) -> bool:
        """Incremental, from 0, with non-decreasing prices: an LP represents it exactly."""
        return (
            self.incremental
            and not self.vendor_basis
            and self.breaks[0] <= 0
            and all(b >= a for a, b in zip(self.prices, self.prices[1:], strict=False))
        )

    def is_flat(self) -> bool:
        """One tier from 0: cost is linear."""
        return self.tiers == 1 and self.breaks[0] <= 0 and not self.vendor_basis


@dataclass(frozen=True)
class Vendor:
    """A vendor's commercial terms.

    ``exit_penalty`` is paid once if the vendor is not kept (set it only for vendors
    under a running contract); ``onboarding_cost`` once if it is kept (set it only for
    vendors not under contract today).
    """

    fixed_fee: float = 0.0
    min_commitment: float = 0.0
    exit_penalty: float = 0.0
    onboarding_cost: float = 0.0
    category: int = 0
    keep: Keep = Keep.FREE
    max_total_quantity: float = math.inf
    single_line: bool = False
    name: str = ""


@dataclass(frozen=True)
class Demand:
    """``quantity`` per month of capability ``capability``, servable by ``eligible`` lines.

    ``current_vendor`` is -1 for new demand (no migration cost). Demands sharing a
    ``population`` (>= 0) are the same units: a line covering several of their
    capabilities needs only the largest of their quantities on it.
    """

    capability: int
    quantity: float
    eligible: tuple[int, ...]
    current_vendor: int = -1
    migration_cost_per_unit: float = 0.0
    population: int = -1
    name: str = ""


@dataclass(frozen=True)
class VendorProblem:
    """Vendors, lines, demands and the portfolio rules."""

    vendors: tuple[Vendor, ...]
    lines: tuple[Line, ...]
    demands: tuple[Demand, ...]
    horizon_months: float = 12.0
    max_vendors: int | None = None
    category_limits: Mapping[int, int] = field(default_factory=dict)
    allow_overbuy: bool = True
    single_sourcing: bool = False
    forbid_migration: bool = False

    def check(self) -> None:
        """Raise ``ValueError`` on structurally invalid data (a programming error upstream)."""
        for li, line in enumerate(self.lines):
            if not 0 <= line.vendor < len(self.vendors):
                raise ValueError(f"line {li}: unknown vendor {line.vendor}")
            if not line.breaks or len(line.breaks) != len(line.prices):
                raise ValueError(f"line {li}: breaks and prices must be non-empty and of equal length")
            if any(b <= a for a, b in zip(line.breaks, line.breaks[1:], strict=False)):
                raise ValueError(f"line {li}: breaks must be strictly increasing")
            if line.breaks[0] < 0 or any(p < 0 or not math.isfinite(p) for p in line.prices):
                raise ValueError(f"line {li}: breaks and prices must be non-negative and finite")
            if line.vendor_basis and line.incremental:
                raise ValueError(f"line {li}: vendor-basis tiers are all-units")
        for v in range(len(self.vendors)):
            basis = [ln for ln in self.lines if ln.vendor == v and ln.vendor_basis]
            if any(ln.breaks != basis[0].breaks for ln in basis):
                raise ValueError(f"vendor {v}: vendor-basis lines must share their breaks")
        for di, d in enumerate(self.demands):
            if d.quantity < 0 or not math.isfinite(d.quantity):
                raise ValueError(f"demand {di}: quantity must be finite and non-negative")
            for li in d.eligible:
                if not 0 <= li < len(self.lines) or d.capability not in self.lines[li].capabilities:
                    raise ValueError(f"demand {di}: line {li} does not cover its capability")

    def lines_of(self, vendor: int) -> list[int]:
        """Indices of the vendor's lines."""
        return list(self._vendor_lines[vendor])

    @functools.cached_property
    def _vendor_lines(self) -> tuple[tuple[int, ...], ...]:
        """Line indices of each vendor (the fields are frozen: computed once)."""
        return tuple(
            tuple(li for li, line in enumerate(self.lines) if line.vendor == v)
            for v in range(len(self.vendors))
        )

    def vendor_breaks(self, vendor: int) -> tuple[tuple[float, ...], list[int]]:
        """Shared breaks of the vendor's vendor-basis lines and those lines."""
        breaks, lines = self._vendor_basis[vendor]
        return breaks, list(lines)

    @functools.cached_property
    def _vendor_basis(self) -> tuple[tuple[tuple[float, ...], tuple[int, ...]], ...]:
        """Per vendor: shared breaks and indices of its vendor-basis lines (computed once)."""
        out = []
        for vendor_lines in self._vendor_lines:
            lines = tuple(li for li in vendor_lines if self.lines[li].vendor_basis)
            out.append(((self.lines[lines[0]].breaks if lines else ()), lines))
        return tuple(out)


def line_requirements(problem: VendorProblem, alloc: Allocation) -> FloatArray:
    """Quantity each line must provide for ``alloc``.

    Demands without a population add up; within a population, a line needs the
    largest total over the capabilities it serves (one unit serves one unit of each).
    """
    # Python floats while adding up (the same IEEE additions as on numpy scalars, cheaper).
    plain = [0.0] * len(problem.lines)
    pooled: dict[tuple[int, int, int], float] = {}
    demands = problem.demands
    for (d, li), x in alloc.items():
        if x <= 0:
            continue
        dem = demands[d]
        if dem.population < 0:
            plain[li] += x
        else:
            key = (li, dem.population, dem.capability)
            pooled[key] = pooled.get(key, 0.0) + x
    best: dict[tuple[int, int], float] = {}
    for (li, pop, _cap), x in pooled.items():
        best[(li, pop)] = max(best.get((li, pop), 0.0), x)
    for (li, _pop), x in best.items():
        plain[li] += x
    return np.array(plain, dtype=np.float64)


@dataclass(frozen=True)
class Evaluation:
    """Exact costs of a portfolio: per line and vendor (monthly) and one-time."""

    line_cost: FloatArray
    line_tier: npt.NDArray[np.int64]
    vendor_tier: npt.NDArray[np.int64]  # tier of the vendor-basis total, -1 if none
    vendor_monthly: FloatArray  # lines + fee + commitment shortfall, 0 if not kept
    shortfall: FloatArray
    exit_penalty: FloatArray
    onboarding: FloatArray
    migration: float
    feasible: bool
    violations: tuple[str, ...]
    horizon_months: float

    @property
    def monthly(self) -> float:
        """Total monthly cost."""
        return float(self.vendor_monthly.sum())

    @property
    def one_time(self) -> float:
        """Total one-time cost (migration, exit penalties, onboarding)."""
        return float(self.migration + self.exit_penalty.sum() + self.onboarding.sum())

    @property
    def total(self) -> float:
        """Horizon cost: monthly × horizon + one-time."""
        return self.monthly * self.horizon_months + self.one_time


def vendor_basis_cost(
    problem: VendorProblem, vendor: int, bought: Sequence[float] | FloatArray
) -> tuple[float, int]:
    """Cost of the vendor's vendor-basis lines at quantities ``bought`` and the tier reached."""
    breaks, lines = problem.vendor_breaks(vendor)
    total = float(sum(bought[li] for li in lines))
    if not lines or total <= _EPS:
        return 0.0, -1
    tier = -1
    for r, lo in enumerate(breaks):
        if total >= lo - _EPS * max(1.0, lo):
            tier = r
    if tier < 0:
        return math.inf, -1
    return float(sum(problem.lines[li].prices[tier] * bought[li] for li in lines)), tier


def evaluate(
    problem: VendorProblem,
    alloc: Allocation,
    bought: Sequence[float] | FloatArray | None = None,
    kept: Sequence[bool] | None = None,
    *,
    tol: float = 1e-6,
) -> Evaluation:
    """Exact monthly and one-time costs of serving ``alloc`` with lines bought at ``bought``.

    ``bought`` defaults to the requirements (no over-buying); ``kept`` defaults to the
    vendors with anything bought or forced. Rule violations are listed, not raised.
    """
    # Plain Python lists while computing (tiny arrays: numpy's per-call overhead dominates);
    # the arithmetic is the same IEEE operations in the same order as on numpy scalars.
    lines_all, vendors_all, demands_all = problem.lines, problem.vendors, problem.demands
    n_lines, n_vendors = len(lines_all), len(vendors_all)
    need = line_requirements(problem, alloc)
    q = need if bought is None else np.asarray(bought, dtype=np.float64)
    qs, needs = q.tolist(), need.tolist()  # the same doubles as Python floats: cheaper to index
    used = [False] * n_vendors
    for li, line in enumerate(lines_all):
        if qs[li] > _EPS:
            used[line.vendor] = True
    keep = (
        [bool(k) for k in kept]
        if kept is not None
        else [u or vd.keep == Keep.FORCED for u, vd in zip(used, vendors_all, strict=True)]
    )
    violations: list[str] = []
    served = [0.0] * len(demands_all)
    for (d, li), x in alloc.items():
        served[d] += x
        if x > tol and li not in demands_all[d].eligible:
            violations.append(f"demand {d} on ineligible line {li}")
    for d, dem in enumerate(demands_all):
        if abs(served[d] - dem.quantity) > tol * max(1.0, dem.quantity):
            violations.append(f"demand {d} served {served[d]:.6g} of {dem.quantity:.6g}")
    line_cost = [0.0] * n_lines
    line_tier = [-1] * n_lines
    vendor_tier = [-1] * n_vendors
    for li, line in enumerate(lines_all):
        if qs[li] + tol < needs[li]:
            violations.append(f"line {li} bought {qs[li]:.6g} < needed {needs[li]:.6g}")
        rounding = 1.0 if line.whole_units else 0.0
        if not problem.allow_overbuy and qs[li] > needs[li] + rounding + tol * max(1.0, needs[li]):
            violations.append(f"line {li} over-bought")
        if qs[li] > line.max_quantity + tol:
            violations.append(f"line {li} above its capacity")
        if line.whole_units and abs(qs[li] - round(qs[li])) > tol:
            violations.append(f"line {li} bought a fraction")
        if not line.vendor_basis:
            line_cost[li] = line.own_cost(qs[li])
            line_tier[li] = line.tier_of(qs[li])
            if math.isinf(line_cost[li]):
                violations.append(f"line {li} below its minimum order quantity")
    vendor_monthly = [0.0] * n_vendors
    shortfall = [0.0] * n_vendors
    exit_penalty = [0.0] * n_vendors
    onboarding = [0.0] * n_vendors
    for v, vendor in enumerate(vendors_all):
        lines = problem.lines_of(v)
        basis_cost, tier = vendor_basis_cost(problem, v, qs)
        vendor_tier[v] = tier
        for li in lines:
            if lines_all[li].vendor_basis:
                line_tier[li] = tier if qs[li] > _EPS else -1
                line_cost[li] = lines_all[li].prices[tier] * qs[li] if tier >= 0 else 0.0
        if math.isinf(basis_cost):
            violations.append(f"vendor {v} below its minimum total order")
        if used[v] and not keep[v]:
            violations.append(f"vendor {v} used but not kept")
        if keep[v] and vendor.keep == Keep.EXCLUDED:
            violations.append(f"vendor {v} excluded but kept")
        if not keep[v] and vendor.keep == Keep.FORCED:
            violations.append(f"vendor {v} must be kept")
        if sum(qs[li] for li in lines) > vendor.max_total_quantity + tol:
            violations.append(f"vendor {v} above its total capacity")
        if vendor.single_line and sum(1 for li in lines if qs[li] > _EPS) > 1:
            violations.append(f"vendor {v} uses more than one line")
        if keep[v]:
            spend = 0.0  # left to right, as ``sum`` over numpy scalars adds them
            for li in lines:
                spend += line_cost[li]
            spend += vendor.fixed_fee
            shortfall[v] = max(0.0, vendor.min_commitment - spend)
            vendor_monthly[v] = spend + shortfall[v]
            onboarding[v] = vendor.onboarding_cost
        else:
            exit_penalty[v] = vendor.exit_penalty
    if problem.max_vendors is not None and sum(keep) > problem.max_vendors:
        violations.append("too many vendors")
    for cat, limit in problem.category_limits.items():
        if sum(1 for v, vd in enumerate(vendors_all) if keep[v] and vd.category == cat) > limit:
            violations.append(f"too many vendors in category {cat}")
    migration = 0.0
    for (d, li), x in alloc.items():
        dem = demands_all[d]
        if dem.current_vendor >= 0 and lines_all[li].vendor != dem.current_vendor:
            migration += dem.migration_cost_per_unit * x
            if problem.forbid_migration and x > tol and vendors_all[dem.current_vendor].keep != Keep.EXCLUDED:
                violations.append(f"demand {d} migrated")
    if problem.single_sourcing:
        sources: dict[int, set[int]] = {}
        for (d, li), x in alloc.items():
            if x > tol:
                sources.setdefault(d, set()).add(lines_all[li].vendor)
        violations += [f"demand {d} split across vendors" for d, vs in sorted(sources.items()) if len(vs) > 1]
    return Evaluation(
        line_cost=np.array(line_cost, dtype=np.float64),
        line_tier=np.array(line_tier, dtype=np.int64),
        vendor_tier=np.array(vendor_tier, dtype=np.int64),
        vendor_monthly=np.array(vendor_monthly, dtype=np.float64),
        shortfall=np.array(shortfall, dtype=np.float64),
        exit_penalty=np.array(exit_penalty, dtype=np.float64),
        onboarding=np.array(onboarding, dtype=np.float64),
        migration=migration,
        feasible=not violations,
        violations=tuple(violations),
        horizon_months=problem.horizon_months,
    )
