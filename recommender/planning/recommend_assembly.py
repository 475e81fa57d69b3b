"""Assemble a cross-lever plan from a profile's walk: overlay, totals, risk, KPIs, curve.

Overlay (exact): an amount of category ``c`` in the input currency, before tax, becomes
``amount × exchange_rate × (1 + tax_rate if c is taxed)`` rounded to 1e-9. Each action's
savings is the sum of its converted per-category parts; the plan's savings is the sum of
its actions' savings; the baseline is the sum of the converted per-category baseline;
the planned cost is baseline minus savings. So every figure adds up exactly in Decimal.

Ranking key (``docs/recommend.md``): ``H × ((1 − λ) S + λ min(S, S_stress)) − one-time
costs``, with ``S`` the monthly savings, ``S_stress`` the monthly savings if the usage
left after the plan's usage actions fell by the stress drop (usage-lever savings shrink
in proportion, commitments are billed on the lower usage), ``H`` the horizon in months,
``λ`` the risk weight and the one-time costs those not amortised in the monthly figures
(migrations, exit penalties, onboarding; commitment upfront payments are amortised at
the cost of capital and already in ``S``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from recommender.domain.commitments import CurvePoint, SavingsCurve
from recommender.domain.common import (
    HOURS_PER_MONTH,
    Action,
    ActionType,
    BindingRule,
    CategorySavings,
    Kpis,
    Lever,
    RiskFigures,
    SavingsPlan,
    SolverSummary,
    SolveStatus,
    TechnologyCategory,
    money,
)
from recommender.domain.recommend import (
    LeverSavings,
    PlanBreakdown,
    RecommendPolicy,
    ReportingOverlay,
    SequencingComparison,
)
from recommender.planning.commitment_plans import CURVE_SCALES
from recommender.planning.recommend_ledger import (
    CategoryCosts,
    Ledger,
    LedgerCost,
    commitment_use,
    kpis,
    ledger_cost,
)
from recommender.planning.recommend_walk import Entry, ProfileWalk
from solvers.commitment_problem import Offer

NANO = Decimal("1e-9")
LEVER_ORDER = (Lever.VENDOR_CONSOLIDATION, Lever.WORKLOAD_ROUTING, Lever.RIGHT_SIZING, Lever.COMMITMENTS)
TITLES = {
    "balanced": "Balanced: {levers}",
    "conservative": "Conservative: {levers}",
    "aggressive": "Aggressive: {levers}",
}
_VERBS = {
    Lever.VENDOR_CONSOLIDATION: "consolidate vendors",
    Lever.WORKLOAD_ROUTING: "route workloads",
    Lever.RIGHT_SIZING: "right-size",
    Lever.COMMITMENTS: "commit on what remains",
}


@dataclass(frozen=True)
class Converter:
    """The reporting overlay as Decimal factors per category."""

    overlay: ReportingOverlay

    def factor(self, category: TechnologyCategory) -> Decimal:
        """Factor of a category."""
        return self.overlay.factor(category)

    def amount(self, value: Decimal | float, category: TechnologyCategory) -> Decimal:
        """Converted amount (1e-9)."""
        d = value if isinstance(value, Decimal) else money(value)
        return (d * self.factor(category)).quantize(NANO)

    def costs(self, costs: CategoryCosts | dict[TechnologyCategory, Decimal]) -> Decimal:
        """Sum of converted per-category amounts."""
        return sum((self.amount(v, k) for k, v in costs.items()), Decimal(0))

    def rate_only(self, value: Decimal | float) -> Decimal:
        """Converted at the exchange rate only (KPIs are pre-tax)."""
        d = value if isinstance(value, Decimal) else money(value)
        return (d * Decimal(repr(self.overlay.exchange_rate))).quantize(NANO)


@dataclass(frozen=True)
class Context:
    """What every plan of a request shares."""

    converter: Converter
    policy: RecommendPolicy
    ledger: Ledger | None
    eligible: list[int]
    outside_baseline: CategoryCosts
    currency: str
    input_currency: str
    notes: list[str]


@dataclass(frozen=True)
class Assembled:
    """A plan, its breakdown and its ranking key."""

    plan: SavingsPlan
    breakdown: PlanBreakdown
    key: float


def _convert_entry(e: Entry, conv: Converter, order: int) -> tuple[Action, dict[TechnologyCategory, Decimal]]:
    parts = {c: conv.amount(v, c) for c, v in e.savings.items()}
    savings = sum(parts.values(), Decimal(0))
    a = e.action
    attrs = dict(a.attributes)
    attrs["lever"] = e.lever.value
    attrs["category"] = e.category.value
    action = a.model_copy(
        update={
            "order": order,
            "monthly_savings": savings,
            "monthly_cost": conv.amount(a.monthly_cost, e.category),
            "upfront_cost": conv.amount(e.upfront, e.category),
            "marginal_value": conv.amount(a.marginal_value, e.category),
            "attributes": attrs,
        }
    )
    return action, parts


def _commitment_figures(
    walk: ProfileWalk, ledger: Ledger, actions: list[Action], entries: list[Entry]
) -> list[Action]:
    """Utilisation and coverage of each purchase on the final billing."""
    final = walk.cost_final
    if final is None:
        return actions
    bill, problem = final.bill, final.problem
    n_held = len(problem.held)
    out = []
    for a, e in zip(actions, entries, strict=True):
        if e.purchase_index < 0:
            out.append(a)
            continue
        i = n_held + e.purchase_index
        cap = float(bill.capacity[:, i].sum())
        covered = list(bill.instruments[i].offer.covered)
        eligible = float((problem.usage[:, covered] @ problem.on_demand_rate[covered]).sum())
        out.append(
            a.model_copy(
                update={
                    "utilization": float(bill.used[:, i].sum()) / cap if cap > 0 else 0.0,
                    "coverage": float(bill.covered_value[:, i].sum()) / eligible if eligible > 0 else 0.0,
                }
            )
        )
    return out


def _stress(walk: ProfileWalk, ctx: Context, drop: float, usage_savings: Decimal) -> Decimal:
    """Monthly savings if the post-action usage fell by ``drop`` (reporting currency)."""
    keep = Decimal(repr(1.0 - drop))
    total = (usage_savings * keep).quantize(NANO)
    ledger = ctx.ledger
    if ledger is None or walk.usage_post is None or walk.purchase is None or walk.purchase.empty:
        return total
    usage = walk.usage_post * (1.0 - drop)
    none = ledger_cost(ledger, usage, ledger.no_purchase(), walk.new_categories)
    bought = ledger_cost(ledger, usage, walk.purchase.vectors(), walk.new_categories)
    diff = {
        k: none.monthly.get(k, 0.0) - bought.monthly.get(k, 0.0)
        for k in set(none.monthly) | set(bought.monthly)
    }
    return total + ctx.converter.costs(diff)


def _break_even_drop(walk: ProfileWalk, ctx: Context, usage_savings: Decimal) -> float:
    if _stress(walk, ctx, 1.0, usage_savings) >= 0:
        return 1.0
    if _stress(walk, ctx, 0.0, usage_savings) < 0:
        return 0.0
    lo, hi = 0.0, 1.0
    for _ in range(25):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _stress(walk, ctx, mid, usage_savings) >= 0 else (lo, mid)
    return lo


def _worst_month(
    walk: ProfileWalk, ctx: Context, ledger_savings: Decimal, outside_savings: Decimal
) -> Decimal:
    if walk.cost0 is None or walk.cost_final is None:
        return outside_savings
    base, final = walk.cost0.hourly, walk.cost_final.hourly
    pre = float((base - final).mean()) * HOURS_PER_MONTH
    factor = (
        float(ledger_savings) / pre
        if abs(pre) > 1e-12
        else float(ctx.converter.factor(TechnologyCategory.PUBLIC_CLOUD))
    )
    month = int(HOURS_PER_MONTH)
    hours = base.shape[0]
    blocks = [
        float((base[s : s + month] - final[s : s + month]).mean()) * HOURS_PER_MONTH
        for s in range(0, hours, month)
        if hours - s >= min(month, hours) * 0.5
    ]
    worst = min(blocks) if blocks else pre
    return money(worst * factor) + outside_savings


def _purchase_risk(walk: ProfileWalk, ctx: Context) -> tuple[Decimal, float, float, Decimal]:
    """(committed spend, lock-in, weighted term, amortised upfront per month) of the purchase."""
    ledger = ctx.ledger
    if ledger is None or walk.purchase is None or walk.purchase.empty:
        return Decimal(0), 0.0, 0.0, Decimal(0)
    offerings = [*ledger.prepared.reserved, *ledger.prepared.spend]
    quantities = np.concatenate([walk.purchase.reserved, walk.purchase.spend])
    committed = Decimal(0)
    lock_in = 0.0
    amortised = Decimal(0)
    for k, (offering, qty) in enumerate(zip(offerings, quantities, strict=True)):
        if qty <= 1e-12:
            continue
        term_hours = offering.term.months * HOURS_PER_MONTH
        cat = walk.new_categories[k]
        if offering.reserved_instance is not None:
            ri = offering.reserved_instance
            spend = qty * (ri.upfront_per_unit + ri.hourly_per_unit * term_hours)
            recurring = qty * ri.hourly_per_unit
        else:
            spend = qty * term_hours
            recurring = qty * (1.0 - offering.payment_option.prepaid_fraction)
        inst = walk.cost_final.bill.instruments[len(ledger.problem.held) + k] if walk.cost_final else None
        if inst is not None:
            amortised += ctx.converter.amount((inst.hourly_cost() - recurring) * HOURS_PER_MONTH, cat)
        converted = ctx.converter.amount(spend, cat)
        committed += converted
        lock_in += float(converted) * offering.term.months
    return committed, lock_in, lock_in / float(committed) if committed > 0 else 0.0, amortised


def _sequencing(walk: ProfileWalk, ctx: Context) -> SequencingComparison | None:
    ledger = ctx.ledger
    if (
        ledger is None
        or walk.usage_post is None
        or walk.purchase is None
        or walk.commit_first is None
        or walk.cost_final is None
        or (walk.purchase.empty and walk.commit_first.empty)
    ):
        return None
    conv = ctx.converter
    first = ledger_cost(ledger, walk.usage_post, walk.commit_first.vectors(), walk.new_categories)
    seq = walk.cost_final

    def use(cost: LedgerCost) -> tuple[float, Decimal, Decimal]:
        total, used = commitment_use(cost, new_only=True)
        cat = _main_commitment_category(walk)
        per_hour = conv.amount(cost.bill.commitment_cost_per_hour, cat)
        return (used / total if total > 0 else 0.0), conv.amount(total - used, cat), per_hour

    u_first, waste_first, ph_first = use(first)
    u_seq, waste_seq, ph_seq = use(seq)
    return SequencingComparison(
        commit_first_monthly_cost=conv.costs(first.monthly),
        sequenced_monthly_cost=conv.costs(seq.monthly),
        commit_first_utilization=u_first,
        sequenced_utilization=u_seq,
        commit_first_unused_commitment=waste_first,
        sequenced_unused_commitment=waste_seq,
        commit_first_commitment_per_hour=ph_first,
        sequenced_commitment_per_hour=ph_seq,
    )


def _main_commitment_category(walk: ProfileWalk) -> TechnologyCategory:
    cats = walk.new_categories
    if walk.purchase is None or not cats:
        return TechnologyCategory.PUBLIC_CLOUD
    q = np.concatenate([walk.purchase.reserved, walk.purchase.spend])
    chosen = [cats[k] for k in range(len(cats)) if q[k] > 0] or cats
    return max(set(chosen), key=chosen.count)


def _curve(walk: ProfileWalk, ctx: Context) -> SavingsCurve | None:
    ledger = ctx.ledger
    if (
        ledger is None
        or walk.purchase is None
        or walk.purchase.empty
        or walk.usage_post is None
        or walk.cost_post is None
    ):
        return None
    conv = ctx.converter
    whole = np.array([o.whole_units for o in ledger.problem.reserved], dtype=bool)
    base = conv.costs(walk.cost_post.monthly)
    cat = _main_commitment_category(walk)
    points = []
    for scale in CURVE_SCALES:
        x = walk.purchase.reserved * scale
        x = np.where(whole, np.round(x), x) if len(x) else x
        cost = ledger_cost(ledger, walk.usage_post, (x, walk.purchase.spend * scale), walk.new_categories)
        total, used = commitment_use(cost, new_only=True)
        problem = cost.problem
        offers: list[Offer] = [*problem.reserved, *problem.spend]
        covered_cols = sorted({j for o in offers for j in o.covered})
        eligible = float((problem.usage[:, covered_cols] @ problem.on_demand_rate[covered_cols]).sum())
        n_held = len(problem.held)
        covered = float(cost.bill.covered_value[:, n_held:].sum())
        util = used / total if total > 0 else 0.0
        points.append(
            CurvePoint(
                scale=scale,
                commitment_per_hour=conv.amount(cost.bill.commitment_cost_per_hour, cat),
                monthly_savings=base - conv.costs(cost.monthly),
                coverage=covered / eligible if eligible > 0 else 0.0,
                utilization=util,
                waste=1.0 - util if total > 0 else 0.0,
            )
        )
    return SavingsCurve(
        basis=(
            f"the plan's commitment purchase scaled 0 to 2x, billed on the {ledger.hours}-hour usage left "
            "after its "
            "usage actions"
        ),
        points=points,
    )


def _kpis(ctx: Context, cost: LedgerCost | None) -> Kpis | None:
    if ctx.ledger is None or cost is None:
        return None
    k = kpis(ctx.ledger, cost, ctx.eligible)
    conv = ctx.converter
    return k.model_copy(
        update={
            "on_demand_equivalent_monthly_cost": conv.rate_only(k.on_demand_equivalent_monthly_cost),
            "effective_monthly_cost": conv.rate_only(k.effective_monthly_cost),
        }
    )


def _solver(walk: ProfileWalk, planned: Decimal, elapsed: float) -> SolverSummary:
    reports = [p.solver for p in walk.sources.values() if p.solver is not None]
    worst = SolveStatus.OPTIMAL
    for r in reports:
        if r.status is not SolveStatus.OPTIMAL:
            worst = r.status
    gap = max((r.relative_gap for r in reports), default=0.0)
    binding = [b for r in reports for b in r.binding][:20]
    names = sorted({r.solver for r in reports})
    return SolverSummary(
        solver="; ".join(names) or "billing simulation (numpy)",
        status=worst,
        objective=float(planned),
        bound=float(planned) * (1.0 - gap),
        relative_gap=gap,
        solve_seconds=elapsed,
        variables=sum(r.variables for r in reports),
        constraints=sum(r.constraints for r in reports),
        binding=[
            BindingRule(name=b.name, explanation=b.explanation, shadow_price=b.shadow_price) for b in binding
        ],
    )


def assemble(walk: ProfileWalk, ctx: Context, elapsed: float) -> Assembled | None:
    """The plan of one profile (None when it has no action)."""
    if not walk.entries:
        return None
    conv = ctx.converter
    policy = ctx.policy
    entries = sorted(walk.entries, key=lambda e: LEVER_ORDER.index(e.lever))
    actions: list[Action] = []
    by_category: dict[TechnologyCategory, Decimal] = {}
    for order, e in enumerate(entries, start=1):
        action, parts = _convert_entry(e, conv, order)
        actions.append(action)
        for c, v in parts.items():
            by_category[c] = by_category.get(c, Decimal(0)) + v
    if ctx.ledger is not None:
        actions = _commitment_figures(walk, ctx.ledger, actions, entries)
    total = sum((a.monthly_savings for a in actions), Decimal(0))
    baseline_costs: dict[TechnologyCategory, float] = dict(ctx.outside_baseline)
    if walk.cost0 is not None:
        for k, amount in walk.cost0.monthly.items():
            baseline_costs[k] = baseline_costs.get(k, 0.0) + amount
    baseline_by_cat = {k: conv.amount(v, k) for k, v in baseline_costs.items() if v}
    baseline = sum(baseline_by_cat.values(), Decimal(0))
    upfront = sum((a.upfront_cost for a in actions), Decimal(0))
    one_time = sum(
        (a.upfront_cost for a, e in zip(actions, entries, strict=True) if not e.amortised), Decimal(0)
    )
    lever_totals: dict[Lever, list[Action]] = {}
    for a, e in zip(actions, entries, strict=True):
        lever_totals.setdefault(e.lever, []).append(a)
    usage_savings = sum(
        (
            a.monthly_savings
            for a, e in zip(actions, entries, strict=True)
            if e.lever is not Lever.COMMITMENTS
        ),
        Decimal(0),
    )
    outside_savings = sum((conv.amount(v, c) for e in entries for c, v in e.outside.items()), Decimal(0))
    ledger_savings = total - outside_savings
    drop = policy.stress_usage_drop
    stressed = _stress(walk, ctx, drop, usage_savings)
    lam = Decimal(repr(policy.risk_weight))
    horizon = policy.horizon_months
    key_amount = (
        Decimal(horizon) * ((Decimal(1) - lam) * total + lam * min(total, stressed)) - one_time
    ).quantize(NANO)
    committed, lock_in, term, amortised = _purchase_risk(walk, ctx)
    cash = total + amortised
    if upfront > 0:
        break_even: float | None = float(upfront / cash) if cash > 0 else None
    else:
        break_even = 0.0
    max_risk = max(
        (int(a.attributes.get("performance_risk", "0")) for a in actions if a.type is ActionType.RESIZE),
        default=0,
    )
    risk = RiskFigures(
        committed_spend=committed,
        lock_in_currency_months=lock_in,
        weighted_term_months=term,
        worst_month_savings=_worst_month(walk, ctx, ledger_savings, outside_savings),
        stress_usage_drop=drop,
        stressed_monthly_savings=stressed,
        break_even_usage_drop=_break_even_drop(walk, ctx, usage_savings),
        max_performance_risk=max_risk,
    )
    before, after = _kpis(ctx, walk.cost0), _kpis(ctx, walk.cost_final)
    sequencing = _sequencing(walk, ctx)
    levers = [lv for lv in LEVER_ORDER if lv in lever_totals]
    title = TITLES[walk.profile.value].format(levers=", then ".join(_VERBS[lv] for lv in levers))
    lever_savings = [
        LeverSavings(
            lever=lv,
            monthly_savings=sum((a.monthly_savings for a in lever_totals[lv]), Decimal(0)),
            upfront_cost=sum((a.upfront_cost for a in lever_totals[lv]), Decimal(0)),
            action_count=len(lever_totals[lv]),
            source_plan_title=walk.sources[lv].title if lv in walk.sources else "",
            source_profile=walk.sources[lv].risk_profile if lv in walk.sources else walk.profile,
        )
        for lv in levers
    ]
    from recommender.planning.recommend_explain import explain

    planned = baseline - total
    explanation = explain(
        walk, ctx, lever_savings, total, baseline, stressed, key_amount, one_time, sequencing, before, after
    )
    plan = SavingsPlan(
        levers=levers,
        title=title,
        risk_profile=walk.profile,
        actions=actions,
        currency_code=ctx.currency,
        baseline_monthly_cost=baseline,
        planned_monthly_cost=planned,
        monthly_savings=total,
        horizon_savings=total * horizon,
        horizon_months=horizon,
        savings_percent=100.0 * float(total) / float(baseline) if baseline > 0 else 0.0,
        upfront_cost=upfront,
        break_even_months=break_even,
        commitment_utilization=after.commitment_utilization if after else 0.0,
        commitment_coverage=after.commitment_coverage if after else 0.0,
        risk=risk,
        explanation=explanation,
        solver=_solver(walk, planned, elapsed),
        kpis_before=before,
        kpis_after=after,
        category_savings=[
            CategorySavings(category=c, monthly_savings=v) for c, v in sorted(by_category.items()) if v != 0
        ],
    )
    breakdown = PlanBreakdown(
        plan_id="",
        levers=lever_savings,
        sequencing=sequencing,
        risk_adjusted_horizon_savings=key_amount,
        stressed_monthly_savings=stressed,
        one_time_costs=one_time,
        commitment_curve=_curve(walk, ctx),
        baseline_by_category=baseline_by_cat,
    )
    return Assembled(plan, breakdown, float(key_amount))
