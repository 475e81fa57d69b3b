"""Commitment plans: solve the joint model (and comparison alternatives), then explain.

The joint optimum buys reserved instances and spend commitments in one model. With
``joint_only`` unset, the reserved-only and spend-only optima are returned too, as
mutually exclusive alternatives, so callers see what the joint model gains.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

import numpy as np

from recommender.domain.commitments import (
    CommitmentOffering,
    CommitmentRequest,
    CurvePoint,
    ForecastSummary,
    MonthlyFigures,
    PlanDetail,
    SavingsCurve,
)
from recommender.domain.common import (
    HOURS_PER_MONTH,
    Action,
    ActionType,
    Kpis,
    Lever,
    RiskFigures,
    SavingsPlan,
    SolverSummary,
    money,
)
from recommender.errors import (
    FieldViolation,
    InfeasibleError,
    InvalidArgumentError,
    SolverFailedError,
    SolveTimeoutError,
)
from recommender.planning.commitment_figures import figures
from recommender.planning.commitment_frontier import plan_frontier
from recommender.planning.commitment_inputs import PreparedProblem, prepare
from recommender.planning.default_offerings import DEFAULT_CATALOGUE_SCOPE, default_offerings
from recommender.planning.ranking import group_id, rank
from recommender.planning.summaries import solver_summary
from solvers.billing import Billing, BillingMemo
from solvers.commitment_problem import CommitmentProblem, FloatArray
from solvers.commitments import CommitmentSolution, solve_commitments
from solvers.result import SolveStatus


@dataclass(frozen=True)
class CommitmentOutcome:
    """Ranked plans and notes for a commitment request, with per-plan detail and the curve."""

    plans: list[SavingsPlan]
    warnings: list[str]
    details: list[PlanDetail] = field(default_factory=list)
    curve: SavingsCurve | None = None
    forecast: ForecastSummary | None = None


@dataclass(frozen=True)
class _Candidate:
    title: str
    solution: CommitmentSolution
    note: str


def plan_commitments(request: CommitmentRequest, time_limit: float | None = None) -> CommitmentOutcome:
    """Recommend commitment purchases for ``request`` within ``time_limit`` seconds.

    Without offerings in the request, the server's default catalogue supplies them.
    """
    if not request.offerings:
        offerings = default_offerings(request.usage_classes)
        if not offerings:
            raise InvalidArgumentError(
                [FieldViolation("offerings", f"no commitment offerings given, and {DEFAULT_CATALOGUE_SCOPE}")]
            )
        request = request.model_copy(update={"offerings": offerings})
    prepared = prepare(request)
    problem = prepared.problem
    warnings = _coverage_warnings(request, prepared)
    if request.uses_horizon():
        frontier = plan_frontier(request, prepared, time_limit)
        return CommitmentOutcome(
            frontier.plans,
            [*warnings, *frontier.warnings],
            frontier.details,
            frontier.curve,
            frontier.forecast,
        )
    if not problem.reserved and not problem.spend:
        return CommitmentOutcome([], [*warnings, "No offering is allowed by the policy; nothing to buy."])

    bills = BillingMemo(problem)
    has_both = bool(problem.reserved) and bool(problem.spend)
    alternatives = has_both and not request.policy.joint_only
    share = 0.6 if alternatives else 1.0
    joint = _solve(problem, None if time_limit is None else time_limit * share)
    candidates = [_Candidate("Joint reserved instances + spend commitments", joint, "")]
    if alternatives:
        rest = None if time_limit is None else time_limit * 0.2
        ri_only = _widen(_solve(problem.restricted(spend=False), rest), problem)
        sp_only = _widen(_solve(problem.restricted(reserved=False), rest), problem)
        joint = _best_of(bills, joint, [("reserved-only", ri_only), ("spend-only", sp_only)])
        separate = bills.bill(ri_only.reserved_units, sp_only.spend_commitment).total_cost
        penalty = (separate - joint.window_cost) / problem.hours * HOURS_PER_MONTH
        candidates[0] = _Candidate(
            candidates[0].title,
            joint,
            "Buying the reserved-only and spend-only optima together, as separate provider recommenders "
            f"suggest, would cost {penalty:,.2f} {request.currency_code}/month more than this joint plan.",
        )
        candidates += [
            _Candidate("Reserved instances / resource CUDs only", ri_only, ""),
            _Candidate("Spend commitments (savings plans / flexible CUDs) only", sp_only, ""),
        ]

    baseline = bills.bill(np.zeros(len(problem.reserved)), np.zeros(len(problem.spend)))
    chosen = _distinct(candidates)
    _bill_ahead(bills, [cand.solution for cand in chosen], request.policy.stress_usage_drop)
    plans = [_assemble(request, prepared, bills, cand, baseline) for cand in chosen]
    solutions = {cand.title: cand.solution for cand in chosen}
    if not plans:
        warnings.append(
            "No commitment purchase lowers the cost of this usage: every offering costs more than the "
            "on-demand usage it would cover."
        )
        return CommitmentOutcome([], warnings)
    ranked = rank(plans)
    xor = group_id("commitments", ranked) if len(ranked) > 1 else ""
    final = [p.model_copy(update={"xor_group_id": xor}) for p in ranked]
    details = [_window_detail(request, bills, p, solutions[p.title], baseline) for p in final]
    curve = _window_curve(bills, final[0], solutions[final[0].title], baseline)
    return CommitmentOutcome(final, warnings, details, curve)


def _distinct(candidates: list[_Candidate]) -> list[_Candidate]:
    """Candidates that buy something, each purchase once (first title wins)."""
    out = []
    seen: set[tuple[float, ...]] = set()
    for cand in candidates:
        key = tuple(
            np.round(np.concatenate([cand.solution.reserved_units, cand.solution.spend_commitment]), 9)
        )
        if any(key) and key not in seen:
            seen.add(key)
            out.append(cand)
    return out


def _eligible(problem: CommitmentProblem) -> list[int]:
    offers = [*problem.reserved, *problem.spend, *(h.offer for h in problem.held)]
    return sorted({j for o in offers for j in o.covered})


def _window_detail(
    request: CommitmentRequest,
    bills: BillingMemo,
    plan: SavingsPlan,
    sol: CommitmentSolution,
    baseline: Billing,
) -> PlanDetail:
    """Month-by-month figures over the usage window (the assumed future)."""
    problem = bills.problem
    bill = bills.bill(sol.reserved_units, sol.spend_commitment)
    new_cost = np.full(problem.hours, bill.commitment_cost_per_hour)
    month = int(HOURS_PER_MONTH)
    f = figures(problem, bill, baseline, new_cost, _eligible(problem), 1, month)
    cov, util = f.coverage()[0], f.utilization()[0]
    months = [
        MonthlyFigures(
            month=m,
            start_time=request.start_time + timedelta(hours=m * month),
            on_demand_equivalent_cost=money(float(f.on_demand_equivalent[0, m])),
            commitment_cost=money(float(f.new_commitment_cost[0, m])),
            savings=money(float(f.savings[0, m])),
            worst_scenario_savings=money(float(f.savings[0, m])),
            coverage=float(cov[m]),
            utilization=float(util[m]),
            waste=1.0 - float(util[m]) if f.active_commitment_cost[0, m] > 0 else 0.0,
        )
        for m in range(f.savings.shape[1])
    ]
    return PlanDetail(
        plan_id=plan.plan_id,
        commitment_per_hour=money(bill.commitment_cost_per_hour),
        months=months,
    )


CURVE_SCALES = tuple(np.round(np.arange(0.0, 2.0001, 0.125), 3).tolist())


def _window_curve(
    bills: BillingMemo, plan: SavingsPlan, sol: CommitmentSolution, baseline: Billing
) -> SavingsCurve:
    """The rank-1 plan's purchase scaled from 0 to 2x, billed on the window."""
    problem = bills.problem
    whole = np.array([o.whole_units for o in problem.reserved], dtype=bool)
    purchases = []
    for scale in CURVE_SCALES:
        x = sol.reserved_units * scale
        purchases.append((np.where(whole, np.round(x), x) if len(x) else x, sol.spend_commitment * scale))
    eligible = _eligible(problem)
    points = []
    for scale, bill in zip(CURVE_SCALES, bills.bills(purchases), strict=True):
        new_cost = np.full(problem.hours, bill.commitment_cost_per_hour)
        f = figures(problem, bill, baseline, new_cost, eligible, 1, problem.hours)
        util = float(f.utilization()[0, 0])
        points.append(
            CurvePoint(
                scale=scale,
                commitment_per_hour=money(bill.commitment_cost_per_hour),
                monthly_savings=money(_monthly(float(f.savings.sum()), problem.hours)),
                coverage=float(f.coverage()[0, 0]),
                utilization=util,
                waste=1.0 - util if f.active_commitment_cost.sum() > 0 else 0.0,
            )
        )
    return SavingsCurve(
        reference_plan_id=plan.plan_id,
        basis=(
            f"the {problem.hours}-hour usage window billed hourly; the rank-1 plan's purchase scaled 0 to 2x"
        ),
        points=points,
    )


def _solve(problem: CommitmentProblem, time_limit: float | None) -> CommitmentSolution:
    solution = solve_commitments(problem, time_limit=time_limit)
    status = solution.report.status
    if status.has_solution:
        return solution
    if status.value == "infeasible":
        raise InfeasibleError(
            "No purchase satisfies the constraints (check max_upfront and max_quantity).",
            binding=["upfront_budget"],
        )
    if solution.report.message.startswith("solver error"):
        raise SolverFailedError(f"The commitment model could not be solved: {solution.report.message}")
    raise SolveTimeoutError(
        f"The solver found no solution within the time limit of {solution.report.time_limit_seconds} s."
    )


def _best_of(
    bills: BillingMemo, joint: CommitmentSolution, alternatives: list[tuple[str, CommitmentSolution]]
) -> CommitmentSolution:
    """The joint solve's purchase, or an alternative's where that bills for less.

    Every alternative is a feasible joint purchase, so the joint plan never costs more
    than one of them; this matters only when the joint solve ended at its time limit
    with a worse incumbent. The joint solve's lower bound is kept.
    """
    solutions = [joint, *(alt for _, alt in alternatives)]
    costs = [b.total_cost for b in bills.bills([(s.reserved_units, s.spend_commitment) for s in solutions])]
    best, best_cost, source = joint, costs[0], ""
    for (name, alt), cost in zip(alternatives, costs[1:], strict=True):
        if cost < best_cost - 1e-9 * max(1.0, abs(best_cost)):
            best, best_cost, source = alt, cost, name
    if best is joint:
        return joint
    report = replace(
        joint.report,
        objective=best_cost,
        message=f"{joint.report.message}; " * bool(joint.report.message)
        + f"incumbent taken from the {source} solve (cheaper than the joint solve's at its time limit)",
    )
    if report.status is SolveStatus.FEASIBLE and report.relative_gap <= 1e-6:
        report = replace(report, status=SolveStatus.OPTIMAL)
    return CommitmentSolution(report, best.reserved_units.copy(), best.spend_commitment.copy())


def _widen(solution: CommitmentSolution, problem: CommitmentProblem) -> CommitmentSolution:
    """Express a restricted problem's solution in the full problem's offer vectors."""
    reserved = solution.reserved_units if len(solution.reserved_units) else np.zeros(len(problem.reserved))
    spend = solution.spend_commitment if len(solution.spend_commitment) else np.zeros(len(problem.spend))
    return CommitmentSolution(solution.report, reserved, spend)


def _coverage_warnings(request: CommitmentRequest, prepared: PreparedProblem) -> list[str]:
    covered = {c for o in request.offerings for c in o.covered_class_ids()}
    missing = [c.class_id for c in request.usage_classes if c.class_id not in covered]
    notes = []
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        notes.append(
            f"{len(missing)} usage class(es) have no commitment offering and stay on demand: {shown}"
        )
    excluded = len(request.offerings) - len(prepared.reserved) - len(prepared.spend)
    if excluded:
        notes.append(f"{excluded} offering(s) excluded by the policy's allowed terms/payment options.")
    return notes


def _monthly(window_amount: float, hours: int) -> float:
    return window_amount / hours * HOURS_PER_MONTH


def _assemble(
    request: CommitmentRequest,
    prepared: PreparedProblem,
    bills: BillingMemo,
    cand: _Candidate,
    baseline: Billing,
) -> SavingsPlan:
    problem, sol = prepared.problem, cand.solution
    hours = problem.hours
    bill = bills.bill(sol.reserved_units, sol.spend_commitment)
    offerings = [*prepared.reserved, *prepared.spend]
    quantities = np.concatenate([sol.reserved_units, sol.spend_commitment])
    n_held = len(problem.held)
    new_idx = [n_held + i for i in range(len(offerings))]

    # Savings attribution: each purchase's covered on-demand value minus its cost,
    # minus a share (by covered value) of any value it displaces from held commitments.
    held_loss = float(baseline.covered_value[:, :n_held].sum() - bill.covered_value[:, :n_held].sum())
    new_value = bill.covered_value[:, new_idx].sum(axis=0)
    total_new_value = float(new_value.sum())
    actions: list[Action] = []
    order = 0
    for pos, (offering, qty) in enumerate(zip(offerings, quantities, strict=True)):
        if qty <= 1e-9:
            continue
        order += 1
        inst = bill.instruments[new_idx[pos]]
        displaced = held_loss * (new_value[pos] / total_new_value) if total_new_value > 0 else 0.0
        window_saving = float(new_value[pos]) - inst.hourly_cost() * hours - displaced
        actions.append(
            _action(
                order,
                offering,
                float(qty),
                inst.upfront(),
                inst.hourly_cost(),
                window_saving,
                hours,
                bill,
                new_idx[pos],
                bills,
                sol,
                pos,
                request,
            )
        )

    base_cost, plan_cost = baseline.total_cost, bill.total_cost
    monthly_savings = _monthly(base_cost - plan_cost, hours)
    baseline_monthly = _monthly(base_cost, hours)
    upfront = sum(bill.instruments[i].upfront() for i in new_idx)
    amortised_upfront = (
        sum(
            bill.instruments[i].hourly_cost() - _recurring_hourly(offerings[p], quantities[p])
            for p, i in enumerate(new_idx)
        )
        * HOURS_PER_MONTH
    )
    cash_monthly = monthly_savings + amortised_upfront
    horizon = request.policy.horizon_months
    risk = _risk(request, bills, sol, bill, baseline, offerings, quantities)
    kpis_before, kpis_after = _kpis(problem, baseline), _kpis(problem, bill)
    explanation = _explain(request, cand, bill, monthly_savings, baseline_monthly, risk, actions)
    return SavingsPlan(
        levers=[Lever.COMMITMENTS],
        title=cand.title,
        actions=actions,
        currency_code=request.currency_code,
        baseline_monthly_cost=money(baseline_monthly),
        planned_monthly_cost=money(_monthly(plan_cost, hours)),
        monthly_savings=money(monthly_savings),
        horizon_savings=money(monthly_savings * horizon),
        horizon_months=horizon,
        savings_percent=100.0 * monthly_savings / baseline_monthly if baseline_monthly > 0 else 0.0,
        upfront_cost=money(upfront),
        break_even_months=(upfront / cash_monthly if cash_monthly > 0 else None) if upfront > 0 else 0.0,
        commitment_utilization=kpis_after.commitment_utilization,
        commitment_coverage=kpis_after.commitment_coverage,
        risk=risk,
        explanation=explanation,
        solver=_summary(sol),
        kpis_before=kpis_before,
        kpis_after=kpis_after,
    )


def _recurring_hourly(offering: CommitmentOffering, qty: float) -> float:
    if offering.reserved_instance is not None:
        return qty * offering.reserved_instance.hourly_per_unit
    return qty * (1.0 - offering.payment_option.prepaid_fraction)


def _action(
    order: int,
    offering: CommitmentOffering,
    qty: float,
    upfront: float,
    hourly_cost: float,
    window_saving: float,
    hours: int,
    bill: Billing,
    inst_idx: int,
    bills: BillingMemo,
    sol: CommitmentSolution,
    pos: int,
    request: CommitmentRequest,
) -> Action:
    cap = float(bill.capacity[:, inst_idx].sum())
    used = float(bill.used[:, inst_idx].sum())
    problem = bills.problem
    covered = bill.instruments[inst_idx].offer.covered
    eligible = float((problem.usage[:, list(covered)] @ problem.on_demand_rate[list(covered)]).sum())
    monthly_saving = _monthly(window_saving, hours)
    recurring = _recurring_hourly(offering, qty) * HOURS_PER_MONTH
    cash_monthly = monthly_saving + hourly_cost * HOURS_PER_MONTH - recurring
    if upfront <= 0:
        break_even: float | None = 0.0
    else:
        break_even = upfront / cash_monthly if cash_monthly > 0 else None
    reserved = offering.reserved_instance is not None
    unit = "units" if reserved else f"{request.currency_code}/hour"
    what = "reserved units of" if reserved else f"{request.currency_code}/hour of"
    qty_text = f"{qty:,.0f}" if reserved and float(qty).is_integer() else f"{qty:,.4f}"
    return Action(
        order=order,
        type=ActionType.PURCHASE_RESERVED_INSTANCES if reserved else ActionType.PURCHASE_SAVINGS_PLAN,
        description=f"Buy {qty_text} {what} {offering.label()}",
        target=", ".join(offering.covered_class_ids()[:10]),
        offering_id=offering.offering_id,
        quantity=qty,
        quantity_unit=unit,
        provider=offering.provider,
        upfront_cost=money(upfront),
        monthly_cost=money(hourly_cost * HOURS_PER_MONTH),
        monthly_savings=money(monthly_saving),
        utilization=used / cap if cap > 0 else 0.0,
        coverage=float(bill.covered_value[:, inst_idx].sum()) / eligible if eligible > 0 else 0.0,
        break_even_months=break_even,
        marginal_value=money(_marginal(bills, sol, pos, reserved)),
        attributes={
            "term": offering.term.value,
            "payment_option": offering.payment_option.value,
            "term_months": str(offering.term.months),
        },
    )


def _marginal(bills: BillingMemo, sol: CommitmentSolution, pos: int, reserved: bool) -> float:
    """Monthly cost change from one more unit, or per one more currency/hour (right derivative)."""
    base = bills.bill(sol.reserved_units, sol.spend_commitment).total_cost
    x, c, step = _step_up(sol, pos, reserved)
    return _monthly((bills.bill(x, c).total_cost - base) / step, bills.problem.hours)


def _step_up(sol: CommitmentSolution, pos: int, reserved: bool) -> tuple[FloatArray, FloatArray, float]:
    """The purchase with one more unit of reserved offer ``pos``, or with spend offer
    ``pos - K`` raised by 1 % (at least 0.001/hour); and the step.
    """
    x, c = sol.reserved_units.copy(), sol.spend_commitment.copy()
    if reserved:
        x[pos] += 1.0
        return x, c, 1.0
    k = pos - len(x)
    step = max(1e-3, 0.01 * c[k])
    c[k] += step
    return x, c, step


def _risk(
    request: CommitmentRequest,
    bills: BillingMemo,
    sol: CommitmentSolution,
    bill: Billing,
    baseline: Billing,
    offerings: list[CommitmentOffering],
    quantities: FloatArray,
) -> RiskFigures:
    problem = bills.problem
    hours = problem.hours
    committed = []
    for offering, qty in zip(offerings, quantities, strict=True):
        if qty <= 1e-9:
            continue
        term_hours = offering.term.months * HOURS_PER_MONTH
        if offering.reserved_instance is not None:
            spend = qty * (
                offering.reserved_instance.upfront_per_unit
                + offering.reserved_instance.hourly_per_unit * term_hours
            )
        else:
            spend = qty * term_hours
        committed.append((spend, offering.term.months))
    total_committed = sum(s for s, _ in committed)
    lock_in = sum(s * m for s, m in committed)
    month_len = int(HOURS_PER_MONTH)
    base_h, plan_h = baseline.hourly_cost(), bill.hourly_cost()
    month_savings = [
        float((base_h[s : s + month_len] - plan_h[s : s + month_len]).mean()) * HOURS_PER_MONTH
        for s in range(0, hours, month_len)
        if hours - s >= min(month_len, hours) * 0.5
    ]
    drop = request.policy.stress_usage_drop

    zero = _no_purchase(sol)

    def savings_at(drops: FloatArray) -> FloatArray:
        """Monthly savings when usage falls by each of ``drops`` (one vectorised billing pass each)."""
        base, plan = bills.costs_under_scaling(
            [zero, (sol.reserved_units, sol.spend_commitment)], 1.0 - drops
        )
        return (base - plan) / hours * HOURS_PER_MONTH

    # Largest usage drop before the plan costs more than the baseline: a 41-point grid, then a
    # 41-point grid inside the bracket where savings turn negative (resolution 1/1600).
    grid = DROP_GRID
    negative = np.flatnonzero(savings_at(grid) < 0)
    if negative.size == 0:
        lo = 1.0
    else:
        first = int(negative[0])
        lo = float(grid[max(first - 1, 0)])
        if first > 0:
            fine = np.linspace(grid[first - 1], grid[first], 41)
            ok = np.flatnonzero(savings_at(fine) >= 0)
            lo = float(fine[ok[-1]]) if ok.size else lo
    return RiskFigures(
        committed_spend=money(total_committed),
        lock_in_currency_months=lock_in,
        weighted_term_months=lock_in / total_committed if total_committed > 0 else 0.0,
        worst_month_savings=money(min(month_savings) if month_savings else 0.0),
        stress_usage_drop=drop,
        stressed_monthly_savings=money(float(savings_at(np.array([drop]))[0])),
        break_even_usage_drop=lo,
    )


DROP_GRID = np.linspace(0.0, 1.0, 41)
DROP_GRID.flags.writeable = False


def _no_purchase(sol: CommitmentSolution) -> tuple[FloatArray, FloatArray]:
    return np.zeros_like(sol.reserved_units), np.zeros_like(sol.spend_commitment)


def _bill_ahead(bills: BillingMemo, solutions: list[CommitmentSolution], drop: float) -> None:
    """Bill what assembling the plans asks for, all plans in one pass per kind; ``_assemble``
    then finds these billings memoised: the purchases and each one stepped up per bought
    offer (:func:`_marginal`), and the baseline's and purchases' costs on :func:`_risk`'s
    coarse drop grid and at the stress drop.
    """
    if not solutions:
        return
    purchases = [(s.reserved_units, s.spend_commitment) for s in solutions]
    steps = [
        _step_up(sol, pos, pos < len(sol.reserved_units))[:2]
        for sol in solutions
        for pos, qty in enumerate(np.concatenate([sol.reserved_units, sol.spend_commitment]))
        if qty > 1e-9
    ]
    bills.bills(purchases + steps)
    with_baseline = [_no_purchase(solutions[0]), *purchases]
    bills.costs_under_scaling(with_baseline, 1.0 - DROP_GRID)
    bills.costs_under_scaling(with_baseline, 1.0 - np.array([drop]))


def _kpis(problem: CommitmentProblem, bill: Billing) -> Kpis:
    """ESR, coverage, utilisation and waste, with held commitments at their amortised cost."""
    hours = problem.hours
    od_equivalent = problem.on_demand_cost()
    cost_active = cost_used = 0.0
    for idx, inst in enumerate(bill.instruments):
        cap = bill.capacity[:, idx]
        cost = inst.effective_hourly_cost() * float((cap > 0).sum())
        cost_active += cost
        if cap.sum() > 0:
            cost_used += cost * float(bill.used[:, idx].sum() / cap.sum())
    effective = float(bill.on_demand_cost.sum()) + cost_active
    covered_classes = sorted({j for inst in bill.instruments for j in inst.offer.covered})
    eligible = float((problem.usage[:, covered_classes] @ problem.on_demand_rate[covered_classes]).sum())
    utilization = cost_used / cost_active if cost_active > 0 else 0.0
    return Kpis(
        effective_savings_rate=(od_equivalent - effective) / od_equivalent if od_equivalent > 0 else 0.0,
        commitment_coverage=float(bill.covered_value.sum()) / eligible if eligible > 0 else 0.0,
        commitment_utilization=utilization,
        commitment_waste=1.0 - utilization if cost_active > 0 else 0.0,
        on_demand_equivalent_monthly_cost=money(_monthly(od_equivalent, hours)),
        effective_monthly_cost=money(_monthly(effective, hours)),
    )


def _summary(sol: CommitmentSolution) -> SolverSummary:
    return solver_summary(sol.report)


def _explain(
    request: CommitmentRequest,
    cand: _Candidate,
    bill: Billing,
    monthly_savings: float,
    baseline_monthly: float,
    risk: RiskFigures,
    actions: list[Action],
) -> str:
    cur = request.currency_code
    hours = bill.hours
    parts = [
        f"{cand.title}: {len(actions)} purchase(s) saving {monthly_savings:,.2f} {cur}/month "
        f"({100 * monthly_savings / baseline_monthly if baseline_monthly else 0:.1f} % "
        f"of {baseline_monthly:,.2f}).",
        f"Sized on {hours} hours of usage starting {request.start_time.isoformat()}, "
        "assumed to represent the "
        "future; reserved capacity is applied before spend commitments and spend dollars go to the highest "
        "discount first, as providers bill.",
    ]
    if request.policy.annual_cost_of_capital > 0:
        parts.append(
            f"Upfront payments are amortised at a {100 * request.policy.annual_cost_of_capital:.1f} % annual "
            "cost of capital."
        )
    if request.existing_commitments:
        parts.append(
            f"{len(request.existing_commitments)} held commitment(s) are applied first; their cost is sunk."
        )
    parts.append(
        f"If usage fell {100 * risk.stress_usage_drop:.0f} %, monthly savings would be "
        f"{float(risk.stressed_monthly_savings):,.2f} {cur}; the plan stops saving money once usage falls "
        f"{100 * risk.break_even_usage_drop:.0f} %."
    )
    if cand.note:
        parts.append(cand.note)
    for rule in cand.solution.report.binding:
        parts.append(rule.explanation)
    if cand.solution.report.status.value != "optimal":
        parts.append(
            "Optimality not proven within the time limit: relative gap "
            f"{cand.solution.report.relative_gap:.2e}."
        )
    return " ".join(parts)
