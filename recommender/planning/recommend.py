"""Recommend: ranked, non-double-counted savings plans across all levers.

Pipeline (``docs/recommend.md`` has the method, the rules and a worked example):

1. The **ledger**: hourly usage per usage class with the held commitments and the
   offerings that may be bought — from ``commitments`` or built from a FOCUS export —
   plus every right-sized resource's draw and the classes its moves and the routing
   placements land on.
2. The **usage levers** run once: vendor consolidation (with the export's SaaS and
   licensing demands), workload routing, right-sizing (told the held commitments and
   the usage outside its resources).
3. For each **profile** (balanced, conservative, aggressive) the lever plans of that
   profile are applied in order — consolidation, routing, right-sizing — and
   commitments are sized on the usage that remains (:mod:`recommend_walk`); the same
   profile's commitments sized on today's usage give the commit-first comparison.
4. Each profile becomes one plan (:mod:`recommend_assembly`): reporting currency and
   tax overlay, KPIs, risk, explanation. Identical plans are merged; the rest are
   ranked by risk-adjusted savings over the horizon in one xor group.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from recommender.domain.commitments import CommitmentRequest, ExistingCommitment, UsageClass
from recommender.domain.common import RiskProfile, SavingsPlan, TechnologyCategory
from recommender.domain.recommend import PlanBreakdown, RecommendOutcome, RecommendRequest, ResidencyRule
from recommender.errors import FieldViolation, InvalidArgumentError
from recommender.planning.default_offerings import default_offerings
from recommender.planning.ranking import group_id, plan_id, rank
from recommender.planning.recommend_assembly import Assembled, Context, Converter, assemble
from recommender.planning.recommend_focus import FocusExtract
from recommender.planning.recommend_ledger import Ledger, build_ledger, eligible_classes
from recommender.planning.recommend_levers import (
    PROFILES,
    CommitmentSizer,
    ConsolidationRun,
    RoutingRun,
    merged_consolidation,
    pick,
    restrict_regions,
    right_sizing_inputs,
    run_consolidation,
    run_right_sizing,
    run_routing,
    with_default_residency,
    workload_category,
)
from recommender.planning.recommend_residency import region_allowed
from recommender.planning.recommend_usage import (
    ClassBook,
    ResourceDraw,
    UsageMove,
    extend,
    register_routing,
    register_targets,
    resource_draws,
    right_sizing_moves,
    routing_moves,
    seed_usage,
)
from recommender.planning.recommend_walk import walk_profile
from recommender.planning.rightsizing_inputs import price_catalogue
from solvers.commitment_problem import FloatArray

_EPOCH_HOURS = 730


@dataclass
class _Budget:
    """Splits the time limit between the steps."""

    limit: float | None
    started: float

    def share(self, fraction: float) -> float | None:
        if self.limit is None:
            return None
        left = self.limit - (time.monotonic() - self.started)
        return max(0.5, left * fraction)


def recommend(request: RecommendRequest, time_limit: float | None = None) -> RecommendOutcome:
    """Ranked cross-lever plans for ``request`` within ``time_limit`` seconds."""
    started = time.monotonic()
    budget = _Budget(time_limit, started)
    warnings = list(request.warnings)
    focus: FocusExtract | None = request.focus
    if focus is not None:
        warnings += focus.notes
    overlay = request.overlay
    residency = overlay.default_residency
    notes: list[str] = [_overlay_note(request)]

    # 1. Usage levers that do not touch the ledger.
    consolidation: ConsolidationRun | None = None
    cons_request = merged_consolidation(request.consolidation, focus)
    if cons_request is not None:
        consolidation = run_consolidation(cons_request, budget.share(0.3))
        warnings += [f"consolidation: {w}" for w in consolidation.outcome.warnings]
    routing: RoutingRun | None = None
    if request.routing is not None:
        routing = run_routing(with_default_residency(request.routing, residency), budget.share(0.3))
        warnings += [f"routing: {w}" for w in routing.outcome.warnings]
    route_plan = routing.plan() if routing is not None else None

    # 2. The ledger and the resources' draws on it.
    base = _base_request(request, warnings)
    rs = request.right_sizing
    book = ClassBook(list(base.usage_classes) if base is not None else [])
    draws: list[ResourceDraw] = []
    rs_price: FloatArray | None = None
    if rs is not None and rs.resources:
        if residency.is_set:
            rs = restrict_regions(rs, residency, region_allowed(residency), warnings)
        rs_price = price_catalogue(rs).price
        draws = resource_draws(rs, book, rs_price)
        if base is None:
            base = _flat_ledger(rs.currency_code, rs.usage_classes, rs.existing_commitments, rs.other_usage)
            book = ClassBook(list(base.usage_classes))
            draws = resource_draws(rs, book, rs_price)
    if route_plan is not None and routing is not None:
        categories = {w.workload_id: workload_category(w) for w in routing.request.workloads}
        register_routing(route_plan.actions, routing.prices, categories, book)
        if base is None and book.added:
            base = _flat_ledger(request.currency_code, [], [])
            book = ClassBook([])
            register_routing(route_plan.actions, routing.prices, categories, book)
    ledger0: Ledger | None = None
    usage0: FloatArray | None = None
    if base is not None:
        base = extend(base, book.new_classes())
        book = ClassBook(list(base.usage_classes))
        index = base.class_index()
        usage0 = seed_usage(base.usage, index, draws, warnings)
        base = base.model_copy(update={"usage": usage0})
        ledger0 = build_ledger(base)

    # 3. Right-sizing, told the held commitments and the usage outside its resources.
    rs_plans: list[SavingsPlan] = []
    if rs is not None and (rs.resources or rs.fleet is not None):
        rs_in = right_sizing_inputs(rs, ledger0, usage0, draws, warnings)
        outcome = run_right_sizing(rs_in, budget.share(0.3))
        warnings += [f"right_sizing: {w}" for w in outcome.warnings]
        rs_plans = [
            p for p in outcome.plans if any(a.type.value in ("resize", "terminate") for a in p.actions)
        ]
        if len(rs_plans) < len(outcome.plans):
            warnings.append(
                "right_sizing: fleet packing plans are not part of cross-lever plans (no usage class)."
            )

    # 4. Classes the moves land on; the final ledger.
    ledger = ledger0
    if ledger0 is not None and rs_plans and rs is not None and rs_price is not None:
        for plan in rs_plans:
            register_targets(plan.actions, rs, book, rs_price)
        added = book.new_classes()
        if added:
            assert base is not None
            base = extend(base, added)
            usage0 = base.usage
            ledger = build_ledger(base)
    sizer = None
    if ledger is not None and ledger.request.offerings:
        sizer = CommitmentSizer(ledger, request.policy.stress_usage_drop, warnings)

    # 5. One plan per profile.
    index = ledger.index() if ledger is not None else {}
    by_resource = {d.resource_id: d for d in draws}
    if rs is not None and ledger is not None:
        book = ClassBook(list(ledger.request.usage_classes))
    assembled: list[Assembled] = []
    outside = _outside_baseline(consolidation, routing, focus)
    ctx = Context(
        converter=Converter(overlay),
        policy=request.policy,
        ledger=ledger,
        eligible=eligible_classes(ledger) if ledger is not None else [],
        outside_baseline=outside,
        currency=overlay.reporting_currency,
        input_currency=request.currency_code,
        notes=[n for n in [*notes, *_residency_notes(residency, request, consolidation)] if n],
    )
    seen: set[tuple[object, ...]] = set()
    routed: tuple[SavingsPlan, list[UsageMove]] | None = None
    if route_plan is not None and routing is not None and ledger is not None:
        routed = (
            route_plan,
            routing_moves(
                route_plan.actions,
                routing.baseline,
                routing.prices,
                routing.hours_per_month,
                book,
                index,
                ledger.hours,
            ),
        )
    for profile in PROFILES:
        moves: tuple[SavingsPlan, list[UsageMove]] | None = None
        rs_plan = pick(rs_plans, profile)
        if rs_plan is not None and ledger is not None and usage0 is not None:
            moves = (rs_plan, right_sizing_moves(rs_plan.actions, by_resource, book, index, usage0))
        walk = walk_profile(
            profile, ledger, usage0, consolidation, routed, moves, sizer, budget.share(0.5 / len(PROFILES))
        )
        result = assemble(walk, ctx, time.monotonic() - started)
        if result is None:
            continue
        signature = tuple(
            (a.type.value, a.target, a.to_value, a.offering_id, round(a.quantity, 6))
            for a in result.plan.actions
        )
        if signature in seen:
            continue
        seen.add(signature)
        assembled.append(result)
    if not assembled:
        warnings.append(_nothing_note(request, ledger, sizer, consolidation, rs_plans))
        return RecommendOutcome(
            [], [], warnings, request.currency_code, overlay.exchange_rate, overlay.tax_rate
        )
    keys = {a.plan.title: a.key for a in assembled}
    ranked = rank([a.plan for a in assembled], key=lambda p: keys[p.title])
    xor = group_id("recommend", ranked) if len(ranked) > 1 else ""
    ranked = [p.model_copy(update={"xor_group_id": xor}) for p in ranked][: request.max_plans]
    breakdowns: list[PlanBreakdown] = []
    by_title = {a.plan.title: a for a in assembled}
    for p in ranked:
        b = by_title[p.title].breakdown
        curve = (
            b.commitment_curve.model_copy(update={"reference_plan_id": p.plan_id})
            if b.commitment_curve
            else None
        )
        breakdowns.append(
            PlanBreakdown(
                plan_id=p.plan_id,
                levers=b.levers,
                sequencing=b.sequencing,
                risk_adjusted_horizon_savings=b.risk_adjusted_horizon_savings,
                stressed_monthly_savings=b.stressed_monthly_savings,
                one_time_costs=b.one_time_costs,
                commitment_curve=curve,
                baseline_by_category=b.baseline_by_category,
            )
        )
    assert all(p.plan_id == plan_id(p) for p in ranked)
    return RecommendOutcome(
        ranked, breakdowns, warnings, request.currency_code, overlay.exchange_rate, overlay.tax_rate
    )


def _base_request(request: RecommendRequest, warnings: list[str]) -> CommitmentRequest | None:
    """The ledger request with its offerings: the caller's, else the default catalogue's and
    those derived from the FOCUS export.
    """
    base = request.commitments
    if base is None:
        return None
    updates: dict[str, object] = {"policy": base.policy.model_copy(update={"joint_only": True})}
    if not base.offerings:
        offerings = default_offerings(base.usage_classes)
        if offerings:
            warnings.append(
                f"{len(offerings)} commitment offering(s) from the server's default catalogue (GCP c2 CUDs)."
            )
        if request.focus is not None:
            offerings += request.focus.derived_offerings
        if not offerings:
            warnings.append(
                "No commitment offering for this usage (none given in commitments.offerings, the default "
                "catalogue "
                "covers GCP c2 only, and none could be derived from the FOCUS export): the commitment lever "
                "is "
                "skipped and all usage stays on demand."
            )
        updates["offerings"] = offerings
    return base.model_copy(update=updates)


def _flat_ledger(
    currency: str,
    classes: list[UsageClass],
    held: list[ExistingCommitment],
    other: dict[str, float] | None = None,
) -> CommitmentRequest:
    """A one-month flat ledger (usage classes with constant usage, held commitments) when the
    request has no commitment usage; the resources' and placements' classes are added later.
    """
    from datetime import UTC, datetime

    placeholder = UsageClass(class_id="recommend:none", on_demand_rate=1.0)
    classes = list(classes) or [placeholder]
    usage = np.zeros((_EPOCH_HOURS, len(classes)))
    index = {c.class_id: j for j, c in enumerate(classes)}
    for cid, units in (other or {}).items():
        usage[:, index[cid]] += units
    return CommitmentRequest(
        currency_code=currency,
        usage_classes=classes,
        start_time=datetime(1970, 1, 1, tzinfo=UTC),
        usage=usage,
        offerings=[],
        existing_commitments=held,
    )


def _outside_baseline(
    consolidation: ConsolidationRun | None, routing: RoutingRun | None, focus: FocusExtract | None
) -> dict[TechnologyCategory, float]:
    """Today's monthly costs outside the ledger: vendors, routed workloads, committed FOCUS usage."""
    out: dict[TechnologyCategory, float] = {}
    workloads: dict[TechnologyCategory, float] = {}
    if routing is not None:
        for category, monthly in routing.baseline.values():
            workloads[category] = workloads.get(category, 0.0) + monthly
    sources = [
        consolidation.baseline if consolidation is not None else {},
        workloads,
        focus.committed_monthly if focus else {},
    ]
    for costs in sources:
        for k, v in costs.items():
            out[k] = out.get(k, 0.0) + v
    return out


def _overlay_note(request: RecommendRequest) -> str:
    o = request.overlay
    parts = []
    if o.reporting_currency != request.currency_code or o.exchange_rate != 1.0:
        parts.append(
            f"Amounts are in {o.reporting_currency} at {o.exchange_rate:g} {o.reporting_currency} per "
            f"{request.currency_code}."
        )
    if o.tax_rate > 0:
        cats = ", ".join(sorted(c.value for c in o.taxed_categories)) or "every category"
        parts.append(
            f"A non-creditable tax of {100 * o.tax_rate:g} % is added to the spend of {cats}: its costs and "
            "savings "
            f"are multiplied by {1 + o.tax_rate:g}; KPIs are pre-tax."
        )
    return " ".join(parts)


def _residency_notes(
    rule: ResidencyRule, request: RecommendRequest, consolidation: ConsolidationRun | None
) -> list[str]:
    if not rule.is_set:
        return []
    notes = [f"Default residency ({rule.describe()}) applied to every lever:"]
    parts = []
    if request.routing is not None:
        parts.append("routing places workloads without a rule of their own within it")
    if request.right_sizing is not None:
        parts.append(
            "right-sizing changes regions only within it"
            if request.right_sizing.policy.allow_region_change
            else "right-sizing keeps every resource in its region"
        )
    if request.commitments is not None:
        allowed = region_allowed(rule)
        outside = sorted(
            {
                c.class_id
                for c in request.commitments.usage_classes
                if c.region and allowed(c.provider, c.region) is False
            }
        )
        parts.append(
            f"{len(outside)} usage class(es) run outside it"
            + (f" ({', '.join(outside[:3])})" if outside else "")
            + "; commitments do not move usage"
        )
    if consolidation is not None:
        parts.append(
            "vendor offers carry no processing location, so check that the vendors kept ("
            + ", ".join(
                sorted(
                    {
                        a.target
                        for p in consolidation.outcome.plans[:1]
                        for a in p.actions
                        if a.type.value == "keep_vendor"
                    }
                )
            )
            + ") process data within it"
        )
    return [notes[0] + " " + "; ".join(parts) + "."]


def _nothing_note(
    request: RecommendRequest,
    ledger: Ledger | None,
    sizer: CommitmentSizer | None,
    consolidation: ConsolidationRun | None,
    rs_plans: list[SavingsPlan],
) -> str:
    reasons = []
    if ledger is not None:
        usage = ledger.usage
        busy = (usage > 0).mean(axis=0) if usage.size else np.zeros(0)
        steady = float(busy.max()) if busy.size else 0.0
        reasons.append(
            f"the ledger has {len(ledger.request.usage_classes)} usage class(es) over {ledger.hours} hours; "
            "the "
            f"busiest runs {100 * steady:.0f} % of the hours"
        )
        if sizer is None:
            reasons.append("no commitment offering covers it")
        else:
            reasons.append("no commitment purchase lowers its cost (a commitment would sit idle too often)")
    if request.right_sizing is None:
        reasons.append("no right-sizing input (right_sizing.resources with utilisation)")
    elif not rs_plans:
        reasons.append("no right-sizing move saves money")
    if request.consolidation is None:
        reasons.append("no vendor offers to consolidate with (consolidation.vendors)")
    elif consolidation is not None and not consolidation.outcome.plans:
        reasons.append("today's vendor portfolio is already the cheapest")
    if request.routing is None:
        reasons.append("no workloads to route (routing.workloads)")
    return "No plan saves money: " + "; ".join(reasons) + "."


def require_inputs(request: RecommendRequest) -> None:
    """Raise INVALID_ARGUMENT (naming every input field) when no lever has any input."""
    if (
        request.commitments is None
        and request.right_sizing is None
        and request.consolidation is None
        and request.routing is None
        and request.focus is None
    ):
        why = "give one of commitments (with usage), right_sizing, consolidation, routing or focus_csv"
        fields = ("commitments", "right_sizing", "consolidation", "routing", "focus_csv")
        raise InvalidArgumentError([FieldViolation(f, why) for f in fields])


__all__ = ["RiskProfile", "recommend", "require_inputs"]
