"""ConsolidationRequest (+ seat cohorts) -> the solver's VendorProblem, and today's portfolio.

Every cohort of the seat analysis is one solver demand. A cohort may use any line
covering its capability at other vendors, and at its current vendor the lines its
seats allow. Vendors are forced when must-keep or locked by a running contract,
excluded when the policy says so. Exit penalties apply to vendors under contract whose
contract has not ended at ``as_of`` (or has no end date); onboarding costs to vendors
not under contract.

Today's portfolio ("baseline") keeps every cohort on its current line. New demand (no
current vendor) is placed, for comparison, on the line where it adds the least
monthly cost, preferring vendors under contract (the obvious way today's portfolio
would absorb it); it has no migration cost wherever the plan puts it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from recommender.domain.common import TechnologyCategory
from recommender.domain.consolidation import (
    ConsolidationRequest,
    PriceLine,
    TierBasis,
    TierPricing,
    VendorOffer,
)
from recommender.planning.saas_seats import Cohort, SeatAnalysis, current_line_of
from solvers.vendor_problem import (
    Demand,
    FloatArray,
    Keep,
    Line,
    Vendor,
    VendorProblem,
    line_requirements,
    vendor_basis_cost,
)

CATEGORIES = list(TechnologyCategory)


@dataclass(frozen=True)
class LineRef:
    """Where a solver line comes from."""

    vendor_index: int
    vendor_id: str
    line: PriceLine


@dataclass
class Prepared:
    """The solver problem and the maps back to the request."""

    request: ConsolidationRequest
    problem: VendorProblem
    cohorts: list[Cohort]
    line_refs: list[LineRef]
    line_index: dict[tuple[str, str], int]
    vendor_index: dict[str, int]
    incumbent: list[bool]
    locked: list[int]
    baseline_line: list[int]  # per cohort: current (or reference) line, -1 when nothing to serve
    reference_placed: list[bool]  # per cohort: new demand placed for comparison
    warnings: list[str] = field(default_factory=list)
    _baseline: VendorProblem | None = field(default=None, init=False, repr=False)

    def baseline_problem(self) -> VendorProblem:
        """The problem with today's quantities (before seat reclamation); built once."""
        if self._baseline is None:
            demands = tuple(
                replace(d, quantity=c.before) for d, c in zip(self.problem.demands, self.cohorts, strict=True)
            )
            self._baseline = replace(self.problem, demands=demands)
        return self._baseline

    def allocation_on_current_lines(self, *, before: bool) -> dict[tuple[int, int], float]:
        """Every cohort on its baseline line (quantities before or after reclamation)."""
        alloc: dict[tuple[int, int], float] = {}
        for i, (cohort, li) in enumerate(zip(self.cohorts, self.baseline_line, strict=True)):
            qty = cohort.before if before else cohort.after
            if li >= 0 and qty > 0:
                alloc[(i, li)] = qty
        return alloc

    def vendor_label(self, v: int) -> str:
        """Display name of vendor ``v``."""
        return self.request.vendors[v].label()

    def category_of_vendor(self, v: int) -> TechnologyCategory:
        """Category of vendor ``v``."""
        return self.request.vendors[v].category


def _line(v: int, offer: PriceLine, caps: dict[str, int]) -> Line:
    return Line(
        vendor=v,
        capabilities=tuple(caps.setdefault(c, len(caps)) for c in offer.capabilities),
        breaks=tuple(t.min_quantity for t in offer.tiers),
        prices=tuple(t.unit_price for t in offer.tiers),
        incremental=offer.tier_pricing is TierPricing.INCREMENTAL,
        vendor_basis=offer.tier_basis is TierBasis.VENDOR_QUANTITY,
        max_quantity=offer.max_quantity if offer.max_quantity is not None else math.inf,
        whole_units=offer.whole_units,
        name=offer.label(),
    )


def is_incumbent(request: ConsolidationRequest, vendor: VendorOffer) -> bool:
    """Under contract today: flagged, serving a demand, or with a contract still running."""
    as_of = request.policy.as_of
    serving = any(d.current_vendor_id == vendor.vendor_id for d in request.demands)
    running = vendor.contract_end is not None and vendor.contract_end > as_of
    return vendor.under_contract or serving or running


def prepare(request: ConsolidationRequest, seats: SeatAnalysis) -> Prepared:
    """Build the solver problem for ``request`` with the seat cohorts of ``seats``."""
    policy = request.policy
    caps: dict[str, int] = {}
    vendor_index = {v.vendor_id: i for i, v in enumerate(request.vendors)}
    excluded = set(policy.excluded_vendor_ids)
    must_keep = set(policy.must_keep_vendor_ids)
    vendors: list[Vendor] = []
    incumbent: list[bool] = []
    locked: list[int] = []
    line_refs: list[LineRef] = []
    lines: list[Line] = []
    line_index: dict[tuple[str, str], int] = {}
    for v, offer in enumerate(request.vendors):
        inc = is_incumbent(request, offer)
        incumbent.append(inc)
        running = offer.contract_end is None or offer.contract_end > policy.as_of
        is_locked = (
            offer.locked_until_contract_end
            and offer.contract_end is not None
            and offer.contract_end > policy.as_of
        )
        if is_locked:
            locked.append(v)
        keep = Keep.FREE
        if offer.vendor_id in excluded:
            keep = Keep.EXCLUDED
        elif offer.vendor_id in must_keep or is_locked:
            keep = Keep.FORCED
        vendors.append(
            Vendor(
                fixed_fee=offer.fixed_monthly_fee,
                min_commitment=offer.minimum_monthly_commitment,
                exit_penalty=offer.exit_penalty if inc and running else 0.0,
                onboarding_cost=0.0 if inc else offer.onboarding_cost,
                category=CATEGORIES.index(offer.category),
                keep=keep,
                max_total_quantity=offer.max_total_quantity
                if offer.max_total_quantity is not None
                else math.inf,
                single_line=offer.single_plan,
                name=offer.label(),
            )
        )
        for pl in offer.lines:
            line_index[(offer.vendor_id, pl.line_id)] = len(lines)
            line_refs.append(LineRef(v, offer.vendor_id, pl))
            lines.append(_line(v, pl, caps))

    demands: list[Demand] = []
    populations: dict[str, int] = {}
    baseline_line: list[int] = []
    for cohort in seats.cohorts:
        d = request.demands[cohort.demand_index]
        cap = caps.setdefault(d.capability, len(caps))
        cur = vendor_index.get(d.current_vendor_id, -1) if d.current_vendor_id else -1
        eligible = []
        for li, ref in enumerate(line_refs):
            if cap not in lines[li].capabilities:
                continue
            if (
                ref.vendor_index == cur
                and cohort.allowed is not None
                and ref.line.line_id not in cohort.allowed
            ):
                continue
            eligible.append(li)
        pop = populations.setdefault(d.population, len(populations)) if d.population else -1
        demands.append(
            Demand(
                capability=cap,
                quantity=cohort.after,
                eligible=tuple(eligible),
                current_vendor=cur,
                migration_cost_per_unit=d.migration_cost_per_unit,
                population=pop,
                name=d.demand_id,
            )
        )
        if cur >= 0:
            line_id = cohort.current_line_id or current_line_of(d, request.vendors[cur])
            baseline_line.append(line_index[(d.current_vendor_id, line_id)])
        else:
            baseline_line.append(-1)

    limits: dict[int, int] = {}
    for cat in CATEGORIES:
        limit = policy.limit_for(cat)
        if limit is not None:
            limits[CATEGORIES.index(cat)] = limit
    problem = VendorProblem(
        vendors=tuple(vendors),
        lines=tuple(lines),
        demands=tuple(demands),
        horizon_months=float(policy.horizon_months),
        max_vendors=policy.max_vendors,
        category_limits=limits,
        allow_overbuy=policy.allow_overbuy,
        single_sourcing=policy.single_sourcing,
    )
    prepared = Prepared(
        request=request,
        problem=problem,
        cohorts=list(seats.cohorts),
        line_refs=line_refs,
        line_index=line_index,
        vendor_index=vendor_index,
        incumbent=incumbent,
        locked=locked,
        baseline_line=baseline_line,
        reference_placed=[False] * len(demands),
    )
    _place_new_demand(prepared)
    return prepared


def vendor_monthly_cost(problem: VendorProblem, v: int, bought: FloatArray) -> float:
    """Monthly cost of vendor ``v`` (kept) at line quantities ``bought``."""
    vendor = problem.vendors[v]
    total = vendor.fixed_fee
    for li in problem.lines_of(v):
        if not problem.lines[li].vendor_basis:
            total += problem.lines[li].own_cost(float(bought[li]))
    basis, _tier = vendor_basis_cost(problem, v, list(bought))
    total += basis
    return max(total, vendor.min_commitment)


def bump_to_minimums(problem: VendorProblem, bought: FloatArray) -> FloatArray:
    """Quantities raised to each used line's minimum order (a first tier above 0)."""
    out = bought.copy()
    for li, line in enumerate(problem.lines):
        if 0 < out[li] < line.breaks[0] and not line.vendor_basis:
            out[li] = line.breaks[0]
    return out


def _place_new_demand(prepared: Prepared) -> None:
    """Reference placement of new demand: least added monthly cost, incumbents first."""
    problem = prepared.problem
    new = [i for i, li in enumerate(prepared.baseline_line) if li < 0 and prepared.cohorts[i].before > 0]
    if not new:
        return
    alloc = prepared.allocation_on_current_lines(before=True)
    base = replace(problem, demands=prepared.baseline_problem().demands)
    bought = bump_to_minimums(problem, line_requirements(base, alloc))
    kept = set(v for v, inc in enumerate(prepared.incumbent) if inc)
    for i in new:
        qty = prepared.cohorts[i].before
        best: tuple[float, int] | None = None
        for pool in (kept, set(range(len(problem.vendors)))):
            for li in problem.demands[i].eligible:
                v = problem.lines[li].vendor
                if v not in pool or li >= len(bought):
                    continue
                before = vendor_monthly_cost(problem, v, bought) if v in kept else 0.0
                trial = bought.copy()
                trial[li] = max(trial[li] + qty, problem.lines[li].breaks[0])
                added = vendor_monthly_cost(problem, v, trial) - before
                if math.isfinite(added) and (best is None or added < best[0] - 1e-12):
                    best = (added, li)
            if best is not None:
                break
        if best is None:
            continue
        li = best[1]
        bought[li] = max(bought[li] + qty, problem.lines[li].breaks[0])
        kept.add(problem.lines[li].vendor)
        prepared.baseline_line[i] = li
        prepared.reference_placed[i] = True
    if any(prepared.reference_placed):
        count = len({prepared.cohorts[i].demand_index for i, p in enumerate(prepared.reference_placed) if p})
        prepared.warnings.append(
            f"{count} new demand(s) have no current vendor; for the baseline they are priced where they "
            "add the least monthly cost to today's portfolio."
        )


def cohort_quantities(prepared: Prepared) -> FloatArray:
    """Quantity of each cohort after reclamation."""
    return np.array([c.after for c in prepared.cohorts], dtype=np.float64)
