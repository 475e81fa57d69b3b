"""Run each lever for Recommend: the inputs it gets from the others, the plan per profile.

* Vendor consolidation gets the FOCUS export's SaaS and licensing demands next to the
  caller's; its plans map to profiles by their own risk profile (the optimum is
  balanced and aggressive; "keep current vendors" or "no early exits" conservative).
* Right-sizing gets the ledger's held commitments, usage classes and the usage outside
  its resources (so a move that strands a reservation counts that waste); with a
  default residency its region changes are limited to allowed regions.
* Commitments are sized on the usage a profile's usage actions leave: the lever's own
  conservative/balanced/aggressive frontier when it plans over a horizon, otherwise the
  joint optimum (balanced, aggressive) and the joint optimum of the usage lowered by the
  stress drop (conservative: what is still used if usage falls).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from recommender.domain.common import ActionType, RiskProfile, SavingsPlan, TechnologyCategory
from recommender.domain.consolidation import ConsolidationOutcome, ConsolidationRequest
from recommender.domain.recommend import ResidencyRule
from recommender.domain.rightsizing import RightSizeOutcome, RightSizeRequest
from recommender.domain.routing import DemandKind, RoutingOutcome, RoutingRequest, Workload
from recommender.domain.routing import ResidencyRule as RoutingResidency
from recommender.errors import InfeasibleError, InvalidArgumentError, RecommenderError, SolveTimeoutError
from recommender.planning.commitment_plans import plan_commitments
from recommender.planning.consolidation_inputs import bump_to_minimums, prepare
from recommender.planning.consolidation_plans import plan_consolidation
from recommender.planning.recommend_focus import FocusExtract
from recommender.planning.recommend_ledger import Ledger
from recommender.planning.recommend_usage import ResourceDraw, other_usage
from recommender.planning.rightsizing_plans import plan_right_size
from recommender.planning.routing_options import default_offers
from recommender.planning.routing_plans import route_workloads
from recommender.planning.saas_seats import analyse_seats
from solvers.commitment_problem import FloatArray
from solvers.vendor_problem import evaluate, line_requirements

PROFILES = (RiskProfile.BALANCED, RiskProfile.CONSERVATIVE, RiskProfile.AGGRESSIVE)


def lever_error(lever: str, error: RecommenderError) -> RecommenderError:
    """The same error with the lever named (field paths get the request prefix)."""
    if isinstance(error, InfeasibleError):
        return InfeasibleError(f"{lever}: {error.message}", binding=error.binding)
    return error


def pick(plans: list[SavingsPlan], profile: RiskProfile) -> SavingsPlan | None:
    """A lever's plan for a profile: its own plan of that profile when it has one; else the
    best ranked for balanced, the most saving for aggressive and the least lock-in /
    one-time cost for conservative.
    """
    if not plans:
        return None
    own = [p for p in plans if p.risk_profile is profile]
    if own:
        return min(own, key=lambda p: p.rank)
    if profile is RiskProfile.AGGRESSIVE:
        return max(plans, key=lambda p: (p.monthly_savings, -p.rank))
    if profile is RiskProfile.CONSERVATIVE:
        balanced = [p for p in plans if p.risk_profile is RiskProfile.BALANCED]
        return min(balanced or plans, key=lambda p: p.rank)
    return min(plans, key=lambda p: p.rank)


# --- consolidation -------------------------------------------------------------------


@dataclass(frozen=True)
class ConsolidationRun:
    """The consolidation request as run, its outcome and today's cost per category."""

    request: ConsolidationRequest
    outcome: ConsolidationOutcome
    baseline: dict[TechnologyCategory, float]

    def category_of(self, target: str, kind: ActionType) -> TechnologyCategory:
        """Category of a consolidation action: its demand's (migrations) or its vendor's."""
        if kind is ActionType.MIGRATE_DEMAND:
            demand = next((d for d in self.request.demands if d.demand_id == target), None)
            if demand is not None:
                return _known(demand.category)
        vendor = self.request.vendor(target)
        if vendor is not None and vendor.category is not TechnologyCategory.UNSPECIFIED:
            return vendor.category
        cats = [d.category for d in self.request.demands if d.current_vendor_id == target]
        return _known(max(set(cats), key=cats.count)) if cats else TechnologyCategory.SAAS


def _known(cat: TechnologyCategory) -> TechnologyCategory:
    return TechnologyCategory.SAAS if cat is TechnologyCategory.UNSPECIFIED else cat


def merged_consolidation(
    request: ConsolidationRequest | None, focus: FocusExtract | None
) -> ConsolidationRequest | None:
    """The caller's consolidation request with the FOCUS export's SaaS/licensing demands added."""
    if request is None:
        return None
    if focus is None or not focus.saas_demands:
        return request
    known = {(d.current_vendor_id, d.capability) for d in request.demands}
    demands = [d for d in focus.saas_demands if (d.current_vendor_id, d.capability) not in known]
    ids = {v.vendor_id for v in request.vendors}
    vendors = [v for v in focus.saas_vendors if v.vendor_id not in ids]
    return request.model_copy(
        update={"demands": [*request.demands, *demands], "vendors": [*request.vendors, *vendors]}
    )


def vendor_baseline(request: ConsolidationRequest) -> dict[TechnologyCategory, float]:
    """Today's monthly vendor cost per category (the lever's baseline, vendor by vendor)."""
    seats = analyse_seats(request)
    prepared = prepare(request, seats)
    problem = prepared.baseline_problem()
    alloc = prepared.allocation_on_current_lines(before=True)
    bought = bump_to_minimums(problem, line_requirements(problem, alloc))
    kept = [
        prepared.incumbent[v] or any(bought[li] > 0 for li in problem.lines_of(v))
        for v in range(len(problem.vendors))
    ]
    e0 = evaluate(problem, alloc, bought, kept)
    out: dict[TechnologyCategory, float] = {}
    for v, offer in enumerate(request.vendors):
        amount = float(e0.vendor_monthly[v])
        if amount:
            cats = [d.category for d in request.demands if d.current_vendor_id == offer.vendor_id]
            cat = (
                offer.category
                if offer.category is not TechnologyCategory.UNSPECIFIED
                else (max(set(cats), key=cats.count) if cats else TechnologyCategory.SAAS)
            )
            out[_known(cat)] = out.get(_known(cat), 0.0) + amount
    return out


def run_consolidation(request: ConsolidationRequest, time_limit: float | None) -> ConsolidationRun:
    """Run the consolidation lever (errors name the lever)."""
    try:
        outcome = plan_consolidation(request, time_limit)
    except RecommenderError as error:
        raise lever_error("consolidation", error) from None
    return ConsolidationRun(request, outcome, vendor_baseline(request))


# --- right-sizing ----------------------------------------------------------------------


def right_sizing_inputs(
    rs: RightSizeRequest,
    ledger: Ledger | None,
    usage: FloatArray | None,
    draws: list[ResourceDraw],
    notes: list[str],
) -> RightSizeRequest:
    """Right-sizing request with the ledger's held commitments and outside usage (when it has
    none of its own).
    """
    if ledger is None or usage is None:
        return rs
    if rs.usage_classes or rs.existing_commitments:
        notes.append(
            "right_sizing carries its own usage classes / held commitments: they are used for right-sizing; "
            "the "
            "commitment ledger's held commitments are applied when the plan is billed."
        )
        return rs
    classes = ledger.request.usage_classes
    other = other_usage(classes, usage, draws)
    return rs.model_copy(
        update={
            "usage_classes": classes,
            "existing_commitments": ledger.request.existing_commitments,
            "other_usage": other,
        }
    )


def run_right_sizing(rs: RightSizeRequest, time_limit: float | None) -> RightSizeOutcome:
    """Run the right-sizing lever (errors name the lever)."""
    try:
        return plan_right_size(rs, time_limit)
    except RecommenderError as error:
        raise lever_error("right_sizing", error) from None


def restrict_regions(
    rs: RightSizeRequest, rule: ResidencyRule, allowed: Callable[[str, str], bool | None], notes: list[str]
) -> RightSizeRequest:
    """Keep catalogue rows in allowed regions (plus every resource's current row) when
    right-sizing may change regions; flag resources running outside the rule.
    """
    outside = sorted(
        {
            r.resource_id
            for r in rs.resources
            if allowed(rs.catalog[r.catalog_index].provider, rs.catalog[r.catalog_index].region) is False
        }
    )
    if outside:
        notes.append(
            f"{len(outside)} right-sized resource(s) run outside the residency rule ({rule.describe()}): "
            + ", ".join(outside[:5])
            + (" ..." if len(outside) > 5 else "")
        )
    if not rs.policy.allow_region_change:
        return rs
    current = {r.catalog_index for r in rs.resources}
    if rs.fleet is not None:
        current |= set(rs.fleet.node_indices) | set(rs.fleet.current_nodes)
    keep = [k for k, s in enumerate(rs.catalog) if k in current or allowed(s.provider, s.region) is True]
    if len(keep) == len(rs.catalog):
        return rs
    notes.append(
        f"Right-sizing may change regions only within the residency rule ({rule.describe()}): "
        f"{len(rs.catalog) - len(keep)} catalogue row(s) in other regions are not offered."
    )
    new_index = {old: new for new, old in enumerate(keep)}
    resources = [r.model_copy(update={"catalog_index": new_index[r.catalog_index]}) for r in rs.resources]
    fleet = rs.fleet
    if fleet is not None:
        fleet = fleet.model_copy(
            update={
                "node_indices": [new_index[k] for k in fleet.node_indices],
                "current_nodes": {new_index[k]: n for k, n in fleet.current_nodes.items()},
            }
        )
    return rs.model_copy(
        update={"catalog": [rs.catalog[k] for k in keep], "resources": resources, "fleet": fleet}
    )


# --- routing ---------------------------------------------------------------------------


def workload_category(workload: Workload) -> TechnologyCategory:
    """AI/ML for LLM inference and GPU batch jobs, public cloud otherwise (the lever's rule)."""
    if workload.kind is DemandKind.LLM_INFERENCE or (
        workload.batch_job is not None and workload.batch_job.is_gpu
    ):
        return TechnologyCategory.AI_ML
    return TechnologyCategory.PUBLIC_CLOUD


@dataclass(frozen=True)
class RoutingRun:
    """The routing request as run, its outcome, each workload's baseline and the offers' prices."""

    request: RoutingRequest
    outcome: RoutingOutcome
    baseline: dict[str, tuple[TechnologyCategory, float]]  # workload -> (category, monthly cost today)
    prices: dict[str, tuple[float, float]]  # offer id -> (on-demand, spot) per instance-hour

    @property
    def hours_per_month(self) -> float:
        """Hours per month of the lever's monthly figures."""
        return self.request.policy.hours_per_month

    def plan(self) -> SavingsPlan | None:
        """The optimal placement (routing has no risk profiles: every profile uses it)."""
        return min(self.outcome.plans, key=lambda p: p.rank) if self.outcome.plans else None


def with_default_residency(request: RoutingRequest, rule: ResidencyRule) -> RoutingRequest:
    """The routing request with Recommend's default residency where it has none."""
    if not rule.is_set or not request.policy.default_residency.is_empty:
        return request
    residency = RoutingResidency(
        allowed_countries=sorted(rule.allowed_countries), allowed_regions=sorted(rule.allowed_regions)
    )
    return request.model_copy(
        update={"policy": request.policy.model_copy(update={"default_residency": residency})}
    )


def run_routing(request: RoutingRequest, time_limit: float | None) -> RoutingRun:
    """Run the routing lever (errors name the lever)."""
    try:
        outcome = route_workloads(request, time_limit)
    except RecommenderError as error:
        raise lever_error("routing", error) from None
    hpm = request.policy.hours_per_month
    categories = {w.workload_id: workload_category(w) for w in request.workloads}
    baseline = {
        p.workload_id: (categories[p.workload_id], float(p.baseline_hourly_cost) * hpm)
        for p in outcome.placements
    }
    offers = request.compute_offers or default_offers()
    prices = {o.offer_id: (o.instance.hourly_price, o.instance.spot_hourly_price) for o in offers}
    return RoutingRun(request, outcome, baseline, prices)


# --- commitments -----------------------------------------------------------------------


@dataclass(frozen=True)
class Purchase:
    """A commitment purchase as vectors over the ledger's offers, with the lever's plan."""

    reserved: FloatArray
    spend: FloatArray
    plan: SavingsPlan | None
    sized_on: str

    @property
    def empty(self) -> bool:
        """Whether nothing is bought."""
        return not (self.reserved.any() or self.spend.any())

    def vectors(self) -> tuple[FloatArray, FloatArray]:
        """(reserved units, spend per hour)."""
        return self.reserved, self.spend


class CommitmentSizer:
    """Sizes commitments on a usage matrix for a profile, caching identical solves."""

    def __init__(self, ledger: Ledger, stress_drop: float, notes: list[str]) -> None:
        self._ledger = ledger
        self._drop = stress_drop
        self._notes = notes
        self._cache: dict[tuple[bytes, str], Purchase] = {}
        reserved, spend = ledger.prepared.reserved, ledger.prepared.spend
        self._index = {o.offering_id: ("r", i) for i, o in enumerate(reserved)}
        self._index |= {o.offering_id: ("s", i) for i, o in enumerate(spend)}

    @property
    def can_buy(self) -> bool:
        """Whether any offering may be bought."""
        r, s = self._ledger.n_offers()
        return r + s > 0

    def size(self, usage: FloatArray, profile: RiskProfile, time_limit: float | None) -> Purchase:
        """The purchase of ``profile`` sized on ``usage``."""
        r, s = self._ledger.n_offers()
        nothing = Purchase(np.zeros(r), np.zeros(s), None, "")
        if not self.can_buy:
            return nothing
        request = self._ledger.request
        horizon = request.uses_horizon()
        scaled = profile is RiskProfile.CONSERVATIVE and not horizon and self._drop > 0
        kind = "scaled" if scaled else ("horizon" if horizon else "window")
        key = (np.ascontiguousarray(usage).tobytes(), kind + (profile.value if horizon else ""))
        if key in self._cache:
            return self._cache[key]
        sizing = usage * (1.0 - self._drop) if scaled else usage
        try:
            outcome = plan_commitments(request.model_copy(update={"usage": sizing}), time_limit)
        except InvalidArgumentError:
            self._cache[key] = nothing
            return nothing
        except SolveTimeoutError:
            self._notes.append(
                f"commitments: no purchase found within the time left ({time_limit or 0:.1f} s) for the "
                f"{profile.value} plan sized on {kind} usage; that plan buys no new commitment "
                "(send a longer deadline)."
            )
            self._cache[key] = nothing
            return nothing
        except RecommenderError as error:
            raise lever_error("commitments", error) from None
        if horizon:
            plan = pick(outcome.plans, profile)
        else:
            plan = min(outcome.plans, key=lambda p: p.rank) if outcome.plans else None
        purchase = nothing
        if plan is not None:
            x, c = np.zeros(r), np.zeros(s)
            for a in plan.actions:
                if a.type not in (ActionType.PURCHASE_RESERVED_INSTANCES, ActionType.PURCHASE_SAVINGS_PLAN):
                    continue
                if a.attributes.get("start_month", "0") != "0":
                    continue
                kind_i = self._index.get(a.offering_id)
                if kind_i is None:
                    continue
                (x if kind_i[0] == "r" else c)[kind_i[1]] += a.quantity
            sized_on = (
                f"usage lowered by the {100 * self._drop:.0f} % stress drop" if scaled else "the usage window"
            )
            if horizon:
                sized_on = "the horizon scenarios (the lever's risk frontier)"
            purchase = Purchase(x, c, plan, sized_on)
        self._cache[key] = purchase
        return purchase
