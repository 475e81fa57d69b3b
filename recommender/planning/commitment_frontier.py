"""Risk frontier over the horizon: conservative / balanced / aggressive plans, ranked.

Each profile minimises (1 − λ) E[loss] + λ CVaR_β[loss] (loss = plan cost − cost of
buying nothing, per scenario) with λ = 0 (aggressive), the policy's balanced λ
(default 0.5) and conservative λ (default 0.9), optionally under the lock-in cap.
Identical schedules collapse into one plan (balanced first). Plans are ranked by the
balanced risk-adjusted savings ``0.5 E[monthly savings] + 0.5 CVaR_β[monthly savings]``,
then lower lock-in. All figures are the plans billed on every hour of every scenario.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import numpy as np

from recommender.domain.commitments import (
    CommitmentOffering,
    CommitmentRequest,
    CurvePoint,
    ForecastSummary,
    LadderComparison,
    LadderTranche,
    MonthlyFigures,
    PlanDetail,
    SavingsCurve,
    ScenarioInfo,
    ScenarioOutcome,
)
from recommender.domain.common import (
    HOURS_PER_MONTH,
    Action,
    ActionType,
    Kpis,
    Lever,
    RiskFigures,
    RiskProfile,
    SavingsPlan,
    SolverSummary,
    money,
)
from recommender.errors import InfeasibleError, SolveTimeoutError
from recommender.planning import commitment_horizon as hzm
from recommender.planning.commitment_horizon import MONTH, Evaluation, Evaluator, Horizon, Item, Slot
from recommender.planning.commitment_inputs import PreparedProblem
from recommender.planning.ranking import group_id, rank
from recommender.planning.summaries import solver_summary
from solvers.commitment_problem import ReservedOffer
from solvers.commitment_scenarios import ScenarioSolution, cvar_of

PROFILES = (RiskProfile.BALANCED, RiskProfile.CONSERVATIVE, RiskProfile.AGGRESSIVE)
CURVE_SCALES = tuple(np.round(np.arange(0.0, 2.0001, 0.125), 3).tolist())


@dataclass(frozen=True)
class FrontierOutcome:
    """Plans with their details, the curve and the forecast summary."""

    plans: list[SavingsPlan]
    details: list[PlanDetail]
    curve: SavingsCurve | None
    forecast: ForecastSummary
    warnings: list[str]


@dataclass(frozen=True)
class _Built:
    profile: RiskProfile
    lam: float
    items: list[Item]
    solution: ScenarioSolution
    evaluation: Evaluation
    buy_now: tuple[list[Item], Evaluation] | None


def risk_adjusted(plan: SavingsPlan) -> float:
    """Ranking key: 0.5 expected + 0.5 CVaR of monthly savings."""
    return 0.5 * float(plan.monthly_savings) + 0.5 * float(plan.risk.cvar_monthly_savings)


def plan_frontier(
    request: CommitmentRequest, prepared: PreparedProblem, time_limit: float | None
) -> FrontierOutcome:
    """Solve the profiles, evaluate, assemble and rank."""
    hz = hzm.build_horizon(request, prepared)
    ladder = request.policy.ladder
    tranches = ladder.tranches if ladder is not None else 1
    spacing = ladder.spacing_months if ladder is not None else 1
    epochs = [k * spacing * MONTH for k in range(1, tranches) if k * spacing * MONTH < hz.hours]
    base_slots = hzm.slots(hz, [])
    summary = _forecast_summary(hz)
    if not base_slots:
        return FrontierOutcome(
            [], [], None, summary, ["No offering is allowed by the policy; nothing to buy."]
        )
    risk = hz.risk
    lams = {
        RiskProfile.AGGRESSIVE: 0.0,
        RiskProfile.BALANCED: risk.balanced_risk_aversion,
        RiskProfile.CONSERVATIVE: risk.conservative_risk_aversion,
    }
    solves = len(PROFILES) * (2 if epochs else 1)
    share = None if time_limit is None else time_limit * 0.7 / solves
    evaluator = Evaluator(hz)
    built: list[_Built] = []
    for profile in PROFILES:
        lam = lams[profile]
        sol = _solve(hz, base_slots, lam, None, share)
        items = hzm.items_of(hz, base_slots, sol.quantities)
        buy_now = None
        if epochs:
            now_ev = evaluator.evaluate(items)
            ladder_slots = hzm.slots(hz, epochs)
            caps = _ladder_caps(base_slots, sol.quantities, ladder_slots, tranches)
            sol = _solve(hz, ladder_slots, lam, caps, share)
            buy_now = (items, now_ev)
            items = hzm.items_of(hz, ladder_slots, sol.quantities)
        built.append(_Built(profile, lam, items, sol, evaluator.evaluate(items), buy_now))

    unique: list[_Built] = []
    for b in built:
        if any(_same(b.items, u.items) for u in unique):
            continue
        unique.append(b)
    expiring = [h for h in hz.held if h.end < hz.hours]
    keep = [b for b in unique if b.items or expiring]
    warnings = []
    if not keep:
        warnings.append(
            "No commitment purchase lowers the risk-adjusted cost of the forecast usage: every offering "
            "costs "
            "more than the on-demand usage it would cover in the scenarios."
        )
        return FrontierOutcome([], [], None, summary, warnings)
    base_eval = evaluator.evaluate([])
    pairs = [(_assemble(hz, b, base_eval), b) for b in keep]
    plans = rank([p for p, _ in pairs], key=risk_adjusted)
    xor = group_id("commitments", plans) if len(plans) > 1 else ""
    plans = [p.model_copy(update={"xor_group_id": xor}) for p in plans]
    by_title = {p.title: b for (p0, b) in pairs for p in plans if p.title == p0.title}
    details = [_detail(hz, p, by_title[p.title]) for p in plans]
    curve = _curve(hz, evaluator, plans[0], by_title[plans[0].title])
    return FrontierOutcome(plans, details, curve, summary, warnings)


def _solve(
    hz: Horizon, cands: list[Slot], lam: float, caps: list[float] | None, time_limit: float | None
) -> ScenarioSolution:
    sol = hzm.SOLVE(hzm.scenario_problem(hz, cands, lam, caps), time_limit=time_limit, mip_gap=1e-6)
    if sol.report.status.has_solution:
        return sol
    if sol.report.status.value == "infeasible":
        raise InfeasibleError(
            "No purchase satisfies the constraints (check max_upfront and the lock-in cap).",
            binding=["upfront_budget", "lock_in_cap"],
        )
    raise SolveTimeoutError(
        f"The solver found no solution within the time limit of {sol.report.time_limit_seconds} s."
    )


def _ladder_caps(base: list[Slot], quantities: np.ndarray, ladder: list[Slot], tranches: int) -> list[float]:
    """Each tranche (now or later) of an offering buys at most 1/tranches of its buy-now optimum."""
    target = {
        s.offering.offering_id: float(q.max())
        for s, q in zip(base, quantities, strict=True)
        if s.kind == "now"
    }
    caps = []
    for s in ladder:
        if s.kind == "renewal":
            caps.append(math.inf)
            continue
        share = target.get(s.offering.offering_id, 0.0) / tranches
        caps.append(math.ceil(share - 1e-9) if s.whole_units else share)
    return caps


def _same(a: list[Item], b: list[Item]) -> bool:
    def key(items: list[Item]) -> list[tuple[str, int, str, tuple[float, ...]]]:
        return sorted((i.label, i.start, i.kind, tuple(np.round(i.quantity, 9))) for i in items)

    return key(a) == key(b)


def _monthly(total: float, months: int) -> float:
    return total / months


def _scenario_monthly_savings(hz: Horizon, ev: Evaluation) -> np.ndarray:
    return ev.savings / hz.months


def _risk_numbers(hz: Horizon, ev: Evaluation) -> tuple[float, float, float]:
    """Expected monthly savings, CVaR_β of monthly savings, probability of loss."""
    probs = hz.scenarios.probabilities
    s = _scenario_monthly_savings(hz, ev)
    cvar = -cvar_of(-s, probs, hz.risk.cvar_level)
    return float(probs @ s), cvar, float(probs[s < -1e-9].sum())


def _lock_in_now(items: list[Item]) -> tuple[float, float]:
    """(committed spend, lock-in) of the items bought now."""
    spend = lock = 0.0
    for it in items:
        if it.start > 0:
            continue
        per_unit = hzm.lock_in_per_unit(it.offering) / it.offering.term.months
        q = float(it.quantity.max())
        spend += per_unit * q
        lock += per_unit * q * it.offering.term.months
    return spend, lock


def _expected_savings_at(hz: Horizon, items: list[Item], drop: float) -> float:
    ev = Evaluator(hz, usage_scale=1.0 - drop).evaluate(items)
    return float(hz.scenarios.probabilities @ ev.savings) / hz.months


def _assemble(hz: Horizon, b: _Built, base_eval: Evaluation) -> SavingsPlan:
    req = hz.request
    probs = hz.scenarios.probabilities
    ev = b.evaluation
    months = hz.months
    figs = ev.figures

    def exp(arr: np.ndarray) -> float:  # expected horizon total
        return float(probs @ arr.sum(axis=1))

    baseline_m = exp(figs.baseline_cost) / months
    plan_m = exp(figs.plan_cost) / months
    expected, cvar, p_loss = _risk_numbers(hz, ev)
    actions = _actions(hz, b, ev, expected)
    upfront = sum(_upfront(it) for it in b.items if it.start == 0)
    spend, lock = _lock_in_now(b.items)
    drop = req.policy.stress_usage_drop
    lo, hi = 0.0, 1.0
    if not b.items:
        lo = 1.0
    elif _expected_savings_at(hz, b.items, 1.0) >= 0:
        lo = 1.0
    else:
        for _ in range(12):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if _expected_savings_at(hz, b.items, mid) >= 0 else (lo, mid)
    month_savings = probs @ figs.savings
    risk = RiskFigures(
        committed_spend=money(spend),
        lock_in_currency_months=lock,
        weighted_term_months=lock / spend if spend > 0 else 0.0,
        worst_month_savings=money(float(month_savings.min()) if len(month_savings) else 0.0),
        stress_usage_drop=drop,
        stressed_monthly_savings=money(_expected_savings_at(hz, b.items, drop) if b.items else 0.0),
        break_even_usage_drop=lo,
        probability_of_loss=p_loss,
        cvar_monthly_savings=money(cvar),
        cvar_level=hz.risk.cvar_level,
    )
    amortised = (
        sum(
            (
                it.unit_cost * float(it.quantity.max())
                - _recurring_hourly(it.offering, float(it.quantity.max()))
            )
            for it in b.items
            if it.start == 0
        )
        * HOURS_PER_MONTH
    )
    cash = expected + amortised
    title = {
        RiskProfile.AGGRESSIVE: "Aggressive: maximum expected savings",
        RiskProfile.BALANCED: f"Balanced: expected savings and CVaR{100 * hz.risk.cvar_level:.0f} weighted "
        f"(λ = {b.lam:g})",
        RiskProfile.CONSERVATIVE: f"Conservative: protects the worst {100 * (1 - hz.risk.cvar_level):.0f} % "
        f"of scenarios (λ = {b.lam:g})",
    }[b.profile]
    if b.buy_now is not None:
        title += f", laddered in {req.policy.ladder.tranches if req.policy.ladder else 1} tranches"
    return SavingsPlan(
        levers=[Lever.COMMITMENTS],
        title=title,
        risk_profile=b.profile,
        actions=actions,
        currency_code=req.currency_code,
        baseline_monthly_cost=money(baseline_m),
        planned_monthly_cost=money(plan_m),
        monthly_savings=money(expected),
        horizon_savings=money(expected * months),
        horizon_months=months,
        savings_percent=100.0 * expected / baseline_m if baseline_m > 0 else 0.0,
        upfront_cost=money(upfront),
        break_even_months=(upfront / cash if cash > 0 else None) if upfront > 0 else 0.0,
        commitment_utilization=_ratio(
            probs @ figs.used_commitment_cost.sum(1), probs @ figs.active_commitment_cost.sum(1)
        ),
        commitment_coverage=_ratio(probs @ figs.covered_value.sum(1), probs @ figs.eligible.sum(1)),
        risk=risk,
        explanation=_explain(hz, b, expected, cvar, p_loss, baseline_m, actions),
        solver=_summary(b.solution),
        kpis_before=_kpis(hz, base_eval),
        kpis_after=_kpis(hz, ev),
    )


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b > 0 else 0.0


def _kpis(hz: Horizon, ev: Evaluation) -> Kpis:
    probs = hz.scenarios.probabilities
    f = ev.figures

    def total(arr: np.ndarray) -> float:
        return float(probs @ arr.sum(axis=1))

    od = total(f.on_demand_equivalent)
    effective = total(f.plan_cost) - total(f.new_commitment_cost) + total(f.active_commitment_cost)
    util = _ratio(total(f.used_commitment_cost), total(f.active_commitment_cost))
    return Kpis(
        effective_savings_rate=(od - effective) / od if od > 0 else 0.0,
        commitment_coverage=_ratio(total(f.covered_value), total(f.eligible)),
        commitment_utilization=util,
        commitment_waste=1.0 - util if total(f.active_commitment_cost) > 0 else 0.0,
        on_demand_equivalent_monthly_cost=money(od / hz.months),
        effective_monthly_cost=money(effective / hz.months),
    )


def _upfront(it: Item) -> float:
    q = float(it.quantity.max())
    if isinstance(it.offer, ReservedOffer):
        return q * it.offer.upfront_per_unit
    return q * it.offer.upfront_per_commitment


def _recurring_hourly(offering: CommitmentOffering, qty: float) -> float:
    if offering.reserved_instance is not None:
        return qty * offering.reserved_instance.hourly_per_unit
    return qty * (1.0 - offering.payment_option.prepaid_fraction)


def _actions(hz: Horizon, b: _Built, ev: Evaluation, plan_monthly: float) -> list[Action]:
    probs = hz.scenarios.probabilities
    months = hz.months
    cur = hz.request.currency_code
    value = ev.item_value @ probs
    cost = ev.item_cost @ probs
    displaced = float(probs @ (ev.held_value_base - ev.held_value_plan))
    total_value = float(value.sum())
    order = sorted(range(len(b.items)), key=lambda i: (b.items[i].start, b.items[i].kind != "now", i))
    actions: list[Action] = []
    savings_amounts: list[Decimal] = []
    for i in order:
        it = b.items[i]
        share = displaced * value[i] / total_value if total_value > 0 else 0.0
        monthly = (float(value[i]) - float(cost[i]) - share) / months
        q_mean = float(probs @ it.quantity)
        reserved = it.offering.reserved_instance is not None
        unit = "units" if reserved else f"{cur}/hour"
        qty_text = f"{q_mean:,.0f}" if reserved and q_mean.is_integer() else f"{q_mean:,.4f}"
        when = _month_text(hz, it.start)
        if it.kind == "renewal":
            kind = ActionType.RENEW_COMMITMENT
            text = f"Renew {it.renewal_of} ({qty_text} {unit}) when it expires {when}"
        else:
            kind = ActionType.PURCHASE_RESERVED_INSTANCES if reserved else ActionType.PURCHASE_SAVINGS_PLAN
            verb = "Buy" if it.start == 0 else f"{when[0].upper()}{when[1:]}, buy"
            what = "reserved units of" if reserved else f"{cur}/hour of"
            text = f"{verb} {qty_text} {what} {it.offering.label()}"
            if np.ptp(it.quantity) > 1e-9:
                lo_q, hi_q = it.quantity.min(), it.quantity.max()
                text += f" (expected; {lo_q:,.4g}-{hi_q:,.4g} depending on the scenario)"
        upfront = _upfront(it) if it.start == 0 else 0.0
        monthly_cost = it.unit_cost * q_mean * HOURS_PER_MONTH
        cash = monthly + monthly_cost - _recurring_hourly(it.offering, q_mean) * HOURS_PER_MONTH
        be: float | None = 0.0 if upfront <= 0 else (upfront / cash if cash > 0 else None)
        amount = money(monthly)
        savings_amounts.append(amount)
        actions.append(
            Action(
                order=len(actions) + 1,
                type=kind,
                description=text,
                target=", ".join(it.offering.covered_class_ids()[:10]),
                offering_id=it.offering.offering_id,
                from_value=it.renewal_of,
                quantity=q_mean,
                quantity_unit=unit,
                provider=it.offering.provider,
                upfront_cost=money(upfront),
                monthly_cost=money(monthly_cost),
                monthly_savings=amount,
                utilization=0.0,
                coverage=0.0,
                break_even_months=be,
                attributes={
                    "term": it.offering.term.value,
                    "payment_option": it.offering.payment_option.value,
                    "term_months": str(it.offering.term.months),
                    "start_month": str(it.start_month),
                    "schedule": it.kind,
                },
            )
        )
    renewed = {it.renewal_of for it in b.items if it.kind == "renewal"}
    for h in hz.held:
        if h.end < hz.hours and h.label not in renewed:
            actions.append(
                Action(
                    order=len(actions) + 1,
                    type=ActionType.LET_COMMITMENT_EXPIRE,
                    description=(
                        f"Let {h.label} expire {_month_text(hz, h.end)} (renewing it does not pay off)"
                    ),
                    target=", ".join(h.offering.covered_class_ids()[:10]),
                    offering_id=h.offering.offering_id,
                    from_value=h.label,
                    quantity=float(h.quantity[0]),
                    attributes={"expiry_month": str(h.end // MONTH)},
                )
            )
    # exact attribution: the first purchase absorbs the rounding so actions add up to the plan
    target = money(plan_monthly)
    if savings_amounts:
        fix = target - sum(savings_amounts, Decimal(0))
        first = actions[0]
        actions[0] = first.model_copy(update={"monthly_savings": first.monthly_savings + fix})
    _fill_usage_shares(hz, b, ev, actions)
    return actions


def _fill_usage_shares(hz: Horizon, b: _Built, ev: Evaluation, actions: list[Action]) -> None:
    """Utilisation and coverage of each purchase action (expected over scenarios)."""
    probs = hz.scenarios.probabilities
    usage = hz.scenarios.usage
    rate = hz.prepared.problem.on_demand_rate
    order = sorted(range(len(b.items)), key=lambda i: (b.items[i].start, b.items[i].kind != "now", i))
    for pos, i in enumerate(order):
        it = b.items[i]
        cols = list(it.offer.covered)
        eligible = (usage[:, it.start : it.end, :][:, :, cols] @ rate[cols]).sum(axis=1)
        actions[pos] = actions[pos].model_copy(
            update={
                "coverage": _ratio(float(probs @ ev.item_value[i]), float(probs @ eligible)),
                "utilization": _ratio(float(probs @ ev.item_used[i]), float(probs @ ev.item_capacity[i])),
            }
        )


def _month_text(hz: Horizon, hour: int) -> str:
    moment = hz.request.window_end() + timedelta(hours=hour)
    return f"in month {hour // MONTH} ({moment:%Y-%m-%d})"


def _summary(sol: ScenarioSolution) -> SolverSummary:
    return solver_summary(sol.report)


def _explain(
    hz: Horizon,
    b: _Built,
    expected: float,
    cvar: float,
    p_loss: float,
    baseline: float,
    actions: list[Action],
) -> str:
    cur = hz.request.currency_code
    sc = hz.scenarios
    beta = hz.risk.cvar_level
    source = (
        f"{len(sc.probabilities)} caller-shaped scenario path(s)"
        if sc.caller_given
        else f"{len(sc.probabilities)} scenarios sampled from the forecast (trend, seasonality and "
        "bootstrapped "
        "residual weeks of the usage history)"
    )
    parts = [
        f"{len(actions)} action(s) over a {hz.months}-month horizon starting at the end of the usage window: "
        f"expected savings {expected:,.2f} {cur}/month "
        f"({100 * expected / baseline if baseline else 0:.1f} % of "
        f"{baseline:,.2f}); in the worst {100 * (1 - beta):.0f} % of scenarios {cvar:,.2f} {cur}/month; "
        f"probability of a loss {100 * p_loss:.0f} %.",
        f"Optimised as (1 − λ)·E[loss] + λ·CVaR{100 * beta:.0f}[loss] with λ = {b.lam:g} over {source}; "
        "figures are the plan billed hour by hour in every scenario (reserved capacity first, spend "
        "commitments to the highest discount first).",
        "Held commitments cover usage until they expire; their cost is sunk. Costs and savings are counted "
        "inside the horizon only.",
    ]
    if b.buy_now is not None:
        now_items, now_ev = b.buy_now
        e_now, c_now, _ = _risk_numbers(hz, now_ev)
        _, lock_now = _lock_in_now(now_items)
        _, lock = _lock_in_now(b.items)
        parts.append(
            f"Laddered: lock-in today {lock:,.0f} instead of {lock_now:,.0f} currency-months; "
            "CVaR of monthly "
            f"savings {cvar:,.2f} vs {c_now:,.2f} and expected {expected:,.2f} vs {e_now:,.2f} when buying "
            "everything now. Later tranches are re-planned each month (rolling horizon)."
        )
    for rule in b.solution.report.binding:
        parts.append(rule.explanation)
    return " ".join(parts)


def _detail(hz: Horizon, plan: SavingsPlan, b: _Built) -> PlanDetail:
    probs = hz.scenarios.probabilities
    f = b.evaluation.figures
    start = hz.request.window_end()
    months = []
    for m in range(hz.months):

        def exp(arr: np.ndarray, m: int = m) -> float:
            return float(probs @ arr[:, m])

        util = _ratio(exp(f.used_commitment_cost), exp(f.active_commitment_cost))
        months.append(
            MonthlyFigures(
                month=m,
                start_time=start + timedelta(hours=m * MONTH),
                on_demand_equivalent_cost=money(exp(f.on_demand_equivalent)),
                commitment_cost=money(exp(f.new_commitment_cost)),
                savings=money(exp(f.savings)),
                worst_scenario_savings=money(float(f.savings[:, m].min())),
                coverage=_ratio(exp(f.covered_value), exp(f.eligible)),
                utilization=util,
                waste=1.0 - util if exp(f.active_commitment_cost) > 0 else 0.0,
                expiring_commitment_ids=[
                    h.label for h in hz.held if h.end < hz.hours and h.end // MONTH == m
                ],
            )
        )
    cur = hz.request.currency_code
    schedule = [
        LadderTranche(
            month=it.start_month,
            offering_id=it.offering.offering_id,
            quantity=float(probs @ it.quantity),
            min_quantity=float(it.quantity.min()),
            max_quantity=float(it.quantity.max()),
            quantity_unit="units" if it.offering.reserved_instance is not None else f"{cur}/hour",
            renewal_of=it.renewal_of,
        )
        for it in sorted(b.items, key=lambda x: (x.start, x.label))
    ]
    comparison = None
    if b.buy_now is not None:
        now_items, now_ev = b.buy_now
        e_now, c_now, p_now = _risk_numbers(hz, now_ev)
        e, c, p = _risk_numbers(hz, b.evaluation)
        comparison = LadderComparison(
            buy_now_monthly_savings=money(e_now),
            ladder_monthly_savings=money(e),
            buy_now_cvar_monthly_savings=money(c_now),
            ladder_cvar_monthly_savings=money(c),
            buy_now_lock_in_currency_months=_lock_in_now(now_items)[1],
            ladder_lock_in_currency_months=_lock_in_now(b.items)[1],
            buy_now_probability_of_loss=p_now,
            ladder_probability_of_loss=p,
        )
    per_scenario = _scenario_monthly_savings(hz, b.evaluation)
    return PlanDetail(
        plan_id=plan.plan_id,
        risk_aversion=b.lam,
        commitment_per_hour=money(
            sum(it.unit_cost * float(it.quantity.max()) for it in b.items if it.start == 0)
        ),
        months=months,
        schedule=schedule,
        ladder_comparison=comparison,
        scenarios=[
            ScenarioOutcome(name=n, probability=float(p), monthly_savings=money(float(s)))
            for n, p, s in zip(hz.scenarios.names, probs, per_scenario, strict=True)
        ],
    )


def _curve(hz: Horizon, evaluator: Evaluator, plan: SavingsPlan, b: _Built) -> SavingsCurve:
    probs = hz.scenarios.probabilities

    def whole(it: Item) -> bool:
        return it.offering.reserved_instance is not None and not hz.request.policy.allow_fractional_units

    def total(arr: np.ndarray) -> float:
        return float(probs @ arr.sum(axis=1))

    points: list[CurvePoint] = []
    for scale in CURVE_SCALES:
        items = hzm.scaled(b.items, scale, whole)
        ev = evaluator.evaluate([it for it in items if (it.quantity > 1e-12).any()])
        e, c, p = _risk_numbers(hz, ev)
        f = ev.figures
        util = _ratio(total(f.used_commitment_cost), total(f.active_commitment_cost))
        points.append(
            CurvePoint(
                scale=scale,
                commitment_per_hour=money(
                    sum(it.unit_cost * float(it.quantity.max()) for it in items if it.start == 0)
                ),
                monthly_savings=money(e),
                coverage=_ratio(total(f.covered_value), total(f.eligible)),
                utilization=util,
                waste=1.0 - util if total(f.active_commitment_cost) > 0 else 0.0,
                cvar_monthly_savings=money(c),
                probability_of_loss=p,
            )
        )

    return SavingsCurve(
        reference_plan_id=plan.plan_id,
        basis=(
            f"expected over {len(probs)} scenarios of the {hz.months}-month horizon, billed hourly; the "
            f"reference plan's purchases scaled from 0 to 2x"
        ),
        points=points,
    )


def _forecast_summary(hz: Horizon) -> ForecastSummary:
    model = hz.scenarios.model
    rate = hz.prepared.problem.on_demand_rate
    level = float(model.level_at_end() @ rate)
    trend = float(model.slope @ rate) * MONTH
    probs = hz.scenarios.probabilities
    od = (hz.scenarios.usage @ rate).sum(axis=1) / hz.months
    return ForecastSummary(
        history_hours=model.history_hours,
        seasonal_period_hours=model.period,
        trend_percent_per_month=100.0 * trend / level if level > 0 else 0.0,
        horizon_months=hz.months,
        scenarios=[
            ScenarioInfo(name=n, probability=float(p), monthly_on_demand_equivalent_cost=money(float(v)))
            for n, p, v in zip(hz.scenarios.names, probs, od, strict=True)
        ],
        method=(
            "Theil-Sen trend on daily means (damped after one history length), "
            f"{'hour-of-week' if model.period == 168 else 'hour-of-day' if model.period == 24 else 'no'} "
            "seasonal profile, residuals resampled in whole blocks; caller scenarios replace the trend"
            if hz.scenarios.caller_given
            else "Theil-Sen trend on daily means (damped after one history length), seasonal profile, "
            "bootstrapped slopes and residual blocks"
        ),
    )
