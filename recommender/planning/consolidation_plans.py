"""ConsolidateVendors: seat analysis -> vendor-selection MILP -> ranked savings plans.

The optimum of the policy as given is the main plan; alternatives in the same xor
group are the optima without migrations (seat and tier changes only), with one vendor
fewer than the optimum keeps, and without early exits (when the optimum pays exit
penalties). Plans are ranked by net monthly savings: monthly savings minus one-time
costs spread over the horizon.

Attribution of monthly savings to actions (exact: they add up to the plan total).
The change from today to the plan is taken in four steps, each priced exactly:

1. S0 -> S1, reclaim idle seats: each vendor's cost change is its RECLAIM_SEATS action;
2. S1 -> S2, plan changes within a vendor (seat downgrades): each vendor's cost change
   is its DOWNGRADE_SEATS action (MIGRATE_DEMAND when a plan change is not a downgrade);
3. S2 -> S3 (the plan), migrations between vendors: a move is credited with the
   monthly cost its source vendor saves when it leaves (S2 without it) and debited
   with the cost its destination vendor adds for it (S3 without it); a demand moving
   onto seats a bundle already pays for adds nothing;
4. every vendor's remaining cost change in S2 -> S3 (fees, commitments, tiers reached,
   over-buying, interactions between moves) is its KEEP_VENDOR or DROP_VENDOR action.

Each action's savings is rounded to 1e-9; the rounding remainder of the plan total
(today minus the plan, rounded) goes to the action with the largest savings, so the
actions add up exactly to the plan's monthly savings.

One-time costs are the actions' upfront costs: migration on MIGRATE_DEMAND, exit
penalties on DROP_VENDOR, onboarding on KEEP_VENDOR of a new vendor. Savings per
technology category follow the actions (vendor actions by the vendor's category,
migrations by the demand's).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np

from recommender.domain.common import (
    Action,
    ActionType,
    BindingRule,
    CategorySavings,
    Lever,
    RiskFigures,
    RiskProfile,
    SavingsPlan,
    SolverSummary,
    TechnologyCategory,
    money,
)
from recommender.domain.consolidation import (
    ConsolidationOutcome,
    ConsolidationRequest,
    DemandAllocation,
    LineOutcome,
    VendorOutcome,
)
from recommender.errors import SolveTimeoutError
from recommender.planning.consolidation_checks import diagnose, precheck
from recommender.planning.consolidation_inputs import (
    CATEGORIES,
    Prepared,
    bump_to_minimums,
    prepare,
    vendor_monthly_cost,
)
from recommender.planning.ranking import group_id, rank
from recommender.planning.saas_seats import RECLAIMED, analyse_seats
from recommender.planning.summaries import solver_summary
from solvers.result import SolveReport
from solvers.vendor_problem import Evaluation, FloatArray, Keep, VendorProblem, evaluate, line_requirements
from solvers.vendor_selection import VendorSolution, solve_vendor_selection

STRESS_USAGE_DROP = 0.2
_TOL = 1e-7

Alloc = dict[tuple[int, int], float]


@dataclass
class _Candidate:
    title: str
    profile: RiskProfile
    problem: VendorProblem
    solution: VendorSolution
    note: str = ""


@dataclass
class _Baseline:
    """Today (S0) and today without reclaimed seats (S1)."""

    alloc0: Alloc
    bought0: FloatArray
    kept0: list[bool]
    e0: Evaluation
    alloc1: Alloc
    e1: Evaluation
    scaled_monthly: dict[float, float] = field(default_factory=dict)  # by usage drop, see _scaled_savings


@dataclass
class _Draft:
    """A candidate's actions, savings and signature: enough to decide whether it is reported."""

    cand: _Candidate
    alloc3: Alloc
    served3: FloatArray
    moves: dict[tuple[int, int, int], _Move]
    actions: list[Action]
    categories: list[TechnologyCategory]
    monthly_savings: Decimal
    upfront: Decimal
    net_monthly: float
    signature: tuple[object, ...]


@dataclass
class _Assembled:
    plan: SavingsPlan
    allocations: list[DemandAllocation]
    vendors: list[VendorOutcome]


@dataclass
class _Move:
    demand_index: int
    src_vendor: int
    src_line: int
    dst_vendor: int
    dst_line: int
    quantity: float
    migration_cost: float
    out_share: float = 0.0
    in_share: float = 0.0
    cohorts: list[int] = field(default_factory=list)


def plan_consolidation(
    request: ConsolidationRequest, time_limit: float | None = None
) -> ConsolidationOutcome:
    """Recommend which vendors to keep and where each demand goes, within ``time_limit`` seconds."""
    started = time.monotonic()
    seats = analyse_seats(request)
    prepared = prepare(request, seats)
    warnings = [*seats.warnings, *prepared.warnings]
    precheck(prepared)
    policy = request.policy
    share = 0.5 if policy.alternatives else 1.0
    main = solve_vendor_selection(
        prepared.problem, time_limit=None if time_limit is None else time_limit * share
    )
    if main.report.status.value == "infeasible":
        left = None if time_limit is None else max(1.0, time_limit - (time.monotonic() - started))
        raise diagnose(prepared, prepared.problem, left)
    if not main.report.status.has_solution:
        raise SolveTimeoutError(
            f"The solver found no portfolio within the time limit of {main.report.time_limit_seconds} s."
        )
    if main.report.status.value != "optimal":
        warnings.append(
            f"The best portfolio found is not proven optimal (gap {main.report.relative_gap:.2%}); "
            "a longer deadline may find a cheaper one."
        )
    candidates = [_Candidate("Consolidated vendor portfolio", RiskProfile.BALANCED, prepared.problem, main)]
    if policy.alternatives:
        alternatives = _alternative_problems(prepared, main)
        for k, (title, profile, problem, note) in enumerate(alternatives):
            left = None
            if time_limit is not None:
                remaining = 0.85 * time_limit - (time.monotonic() - started)
                if remaining < 1.0:
                    warnings.append(f"Alternative '{title}' and later ones skipped: the deadline is near.")
                    break
                left = remaining / (len(alternatives) - k)
            sol = solve_vendor_selection(problem, time_limit=left)
            if sol.report.status.has_solution:
                candidates.append(_Candidate(title, profile, problem, sol, note))
            elif sol.report.status.value == "infeasible":
                warnings.append(f"Alternative '{title}' is not possible under the policy.")
            else:
                warnings.append(f"Alternative '{title}' found no solution in its share of the time limit.")

    base = _baseline(prepared)
    assembled: dict[str, _Assembled] = {}
    seen: set[tuple[object, ...]] = set()
    for i, cand in enumerate(candidates):
        draft = _draft(prepared, base, cand)
        if draft is None or draft.signature in seen:
            continue
        if i > 0 and draft.net_monthly <= 0:
            continue
        seen.add(draft.signature)
        assembled[cand.title] = _assemble(prepared, base, draft)
    if not assembled:
        warnings.append(
            "Today's portfolio is already the cheapest the policy allows: no reclaimable seat, cheaper plan, "
            "tier or vendor change lowers the cost over the horizon."
        )
        return ConsolidationOutcome(plans=[], seats=seats.outcomes, warnings=warnings)
    main_result = assembled.get(candidates[0].title)
    if main_result is not None and main_result.plan.monthly_savings < 0:
        warnings.append(
            "The policy forces a portfolio that costs more per month than today "
            f"({-main_result.plan.monthly_savings} {request.currency_code}/month): see the binding rules."
        )
    horizon = policy.horizon_months
    ranked = rank(
        [a.plan for a in assembled.values()],
        key=lambda p: float(p.monthly_savings) - float(p.upfront_cost) / horizon,
    )
    xor = group_id("vendors", ranked) if len(ranked) > 1 else ""
    ranked = [p.model_copy(update={"xor_group_id": xor}) for p in ranked]
    best = assembled[ranked[0].title]
    return ConsolidationOutcome(
        plans=ranked,
        allocations=best.allocations,
        vendors=best.vendors,
        seats=seats.outcomes,
        warnings=warnings,
    )


def _alternative_problems(
    prepared: Prepared, main: VendorSolution
) -> list[tuple[str, RiskProfile, VendorProblem, str]]:
    problem = prepared.problem
    out: list[tuple[str, RiskProfile, VendorProblem, str]] = []
    migrates = any(
        problem.lines[li].vendor != problem.demands[d].current_vendor
        for (d, li) in main.allocation
        if problem.demands[d].current_vendor >= 0
    )
    if migrates:
        out.append(
            (
                "Keep current vendors (seat, plan and tier changes only)",
                RiskProfile.CONSERVATIVE,
                replace(problem, forbid_migration=True),
                "No demand moves to another vendor (except off excluded vendors).",
            )
        )
    used = {problem.lines[li].vendor for li in range(len(problem.lines)) if main.bought[li] > _TOL}
    kept = sum(
        1 for v, k in enumerate(main.kept) if k and (v in used or problem.vendors[v].keep == Keep.FORCED)
    )
    forced = sum(1 for vd in problem.vendors if vd.keep == Keep.FORCED)
    if kept - 1 >= max(1, forced):
        out.append(
            (
                f"Consolidate to {kept - 1} vendor{'s' if kept > 2 else ''}",
                RiskProfile.AGGRESSIVE,
                replace(
                    problem,
                    max_vendors=kept - 1
                    if problem.max_vendors is None
                    else min(problem.max_vendors, kept - 1),
                ),
                f"One vendor fewer than the optimum's {kept}.",
            )
        )
    pays_exit = main.evaluation is not None and float(main.evaluation.exit_penalty.sum()) > 0
    if pays_exit:
        vendors = tuple(
            replace(vd, keep=Keep.FORCED) if vd.exit_penalty > 0 and vd.keep == Keep.FREE else vd
            for vd in problem.vendors
        )
        out.append(
            (
                "No early exits (no exit penalties paid)",
                RiskProfile.CONSERVATIVE,
                replace(problem, vendors=vendors),
                "Vendors whose contracts are still running are kept.",
            )
        )
    return out


def _baseline(prepared: Prepared) -> _Baseline:
    base_problem = prepared.baseline_problem()
    alloc0 = prepared.allocation_on_current_lines(before=True)
    bought0 = bump_to_minimums(base_problem, line_requirements(base_problem, alloc0))
    kept0 = [
        prepared.incumbent[v] or any(bought0[li] > 0 for li in base_problem.lines_of(v))
        for v in range(len(base_problem.vendors))
    ]
    e0 = evaluate(base_problem, alloc0, bought0, kept0)
    alloc1 = prepared.allocation_on_current_lines(before=False)
    bought1 = bump_to_minimums(prepared.problem, line_requirements(prepared.problem, alloc1))
    e1 = evaluate(prepared.problem, alloc1, bought1, kept0)
    # No usage drop scales every quantity by 1.0, which leaves them, and so today's cost, as they are.
    return _Baseline(alloc0, bought0, kept0, e0, alloc1, e1, scaled_monthly={0.0: e0.monthly})


def _served(alloc: Alloc, n_lines: int) -> FloatArray:
    out = np.zeros(n_lines)
    for (_d, li), x in alloc.items():
        out[li] += x
    return out


def _avg_cost(e: Evaluation, served: FloatArray, li: int) -> float:
    return float(e.line_cost[li] / served[li]) if served[li] > _TOL else 0.0


def _draft(prepared: Prepared, base: _Baseline, cand: _Candidate) -> _Draft | None:
    """The candidate's attributed actions (``None`` when it changes nothing from today)."""
    request = prepared.request
    problem = cand.problem
    sol = cand.solution
    e3 = sol.evaluation
    assert e3 is not None
    n_lines, n_vendors = len(problem.lines), len(problem.vendors)
    vendor_of = [ln.vendor for ln in problem.lines]
    src_line = prepared.baseline_line
    src_vendor = [vendor_of[li] if li >= 0 else -1 for li in src_line]
    alloc3: Alloc = dict(sol.allocation)
    kept3 = list(sol.kept)

    # S2: within-vendor plan changes of the plan applied; everything else on today's lines.
    alloc2: Alloc = defaultdict(float)
    for (i, li), x in alloc3.items():
        key = (i, li) if vendor_of[li] == src_vendor[i] or src_line[i] < 0 else (i, src_line[i])
        alloc2[key] += x
    alloc2 = dict(alloc2)
    bought2 = bump_to_minimums(problem, line_requirements(problem, alloc2))
    e2 = evaluate(problem, alloc2, bought2, base.kept0)

    reclaimed_any = any(c.before != c.after for c in prepared.cohorts)
    same_alloc = _same(alloc3, base.alloc1) and not reclaimed_any
    if same_alloc and np.allclose(sol.bought, base.bought0, atol=1e-6) and kept3 == base.kept0:
        return None

    actions: list[tuple[Action, TechnologyCategory]] = []

    def add(action: Action, category: TechnologyCategory) -> None:
        actions.append((action, category))

    # 1. Reclaim idle seats.
    reclaimed_users: dict[int, list[str]] = defaultdict(list)
    for c, li in zip(prepared.cohorts, src_line, strict=True):
        if c.allowed == RECLAIMED and li >= 0:
            reclaimed_users[vendor_of[li]].extend(c.reclaimed_users)
    for v in sorted(reclaimed_users):
        users = sorted(reclaimed_users[v])
        saving = float(base.e0.vendor_monthly[v] - base.e1.vendor_monthly[v])
        add(
            Action(
                order=0,
                type=ActionType.RECLAIM_SEATS,
                description=(
                    f"Reclaim {len(users)} inactive seat(s) of {prepared.vendor_label(v)} "
                    f"(no activity for {request.policy.inactive_seat_days}+ days)"
                ),
                target=request.vendors[v].vendor_id,
                from_value=request.vendors[v].vendor_id,
                quantity=float(len(users)),
                quantity_unit="seats",
                provider=request.vendors[v].vendor_id,
                monthly_cost=money(base.e1.vendor_monthly[v]),
                monthly_savings=money(saving),
                attributes={"users": ",".join(users[:200]), "seats_reclaimed": str(len(users))},
            ),
            prepared.category_of_vendor(v),
        )

    # 2. Plan changes within a vendor.
    changes: dict[int, dict[tuple[int, int], float]] = defaultdict(lambda: defaultdict(float))
    for (i, li), x in alloc3.items():
        if vendor_of[li] == src_vendor[i] and li != src_line[i] and x > _TOL:
            changes[vendor_of[li]][(src_line[i], li)] += x
    for v in sorted(changes):
        moves = changes[v]
        saving = float(base.e1.vendor_monthly[v] - e2.vendor_monthly[v])
        cheaper = all(problem.lines[b].prices[0] < problem.lines[a].prices[0] for a, b in moves)
        parts = [
            f"{qty:g} from {prepared.line_refs[a].line.label()} to {prepared.line_refs[b].line.label()}"
            for (a, b), qty in sorted(moves.items())
        ]
        seats_like = all(
            problem.lines[b].whole_units or prepared.line_refs[b].line.features for _a, b in moves
        )
        kind = ActionType.DOWNGRADE_SEATS if cheaper and seats_like else ActionType.MIGRATE_DEMAND
        verb = "Downgrade seats" if kind is ActionType.DOWNGRADE_SEATS else "Change plans"
        add(
            Action(
                order=0,
                type=kind,
                description=f"{verb} at {prepared.vendor_label(v)}: " + "; ".join(parts),
                target=request.vendors[v].vendor_id,
                offering_id=",".join(sorted({prepared.line_refs[b].line.line_id for _a, b in moves})),
                from_value=",".join(sorted({prepared.line_refs[a].line.line_id for a, _b in moves})),
                to_value=",".join(sorted({prepared.line_refs[b].line.line_id for _a, b in moves})),
                quantity=float(sum(moves.values())),
                quantity_unit="seats" if seats_like else "units",
                provider=request.vendors[v].vendor_id,
                monthly_cost=money(e2.vendor_monthly[v]),
                monthly_savings=money(saving),
                attributes={"kind": "plan_change"},
            ),
            prepared.category_of_vendor(v),
        )

    # 3. Migrations between vendors (grouped by demand, source vendor and destination line).
    served3 = _served(alloc3, n_lines)
    moves_by: dict[tuple[int, int, int], _Move] = {}
    for (i, li), x in sorted(alloc3.items()):
        if vendor_of[li] == src_vendor[i] or x <= _TOL or src_line[i] < 0:
            continue
        d_index = prepared.cohorts[i].demand_index
        sdem = problem.demands[i]
        mkey = (d_index, src_vendor[i], li)
        move = moves_by.setdefault(
            mkey, _Move(d_index, src_vendor[i], src_line[i], vendor_of[li], li, 0.0, 0.0)
        )
        move.quantity += x
        if sdem.current_vendor >= 0:
            move.migration_cost += sdem.migration_cost_per_unit * x
        move.cohorts.append(i)
    for m in moves_by.values():
        pieces = [(i, alloc3[(i, m.dst_line)]) for i in m.cohorts]
        m.out_share = _marginal(
            problem, alloc2, bought2, m.src_vendor, [((i, src_line[i]), x) for i, x in pieces]
        )
        m.in_share = _marginal(
            problem, alloc3, sol.bought, m.dst_vendor, [((i, m.dst_line), x) for i, x in pieces]
        )
    out_by_vendor, in_by_vendor = np.zeros(n_vendors), np.zeros(n_vendors)
    for m in moves_by.values():
        out_by_vendor[m.src_vendor] += m.out_share
        in_by_vendor[m.dst_vendor] += m.in_share

    # 4. Vendors kept and dropped (residual cost change).
    runs_out = _runs_out(problem, base, sol)
    keep_actions, drop_actions = [], []
    for v in range(n_vendors):
        if not (base.kept0[v] or kept3[v]):
            continue
        residual = float(e2.vendor_monthly[v] - e3.vendor_monthly[v]) - out_by_vendor[v] + in_by_vendor[v]
        offer = request.vendors[v]
        vid = offer.vendor_id
        if kept3[v] and not runs_out[v]:
            onboarding = float(e3.onboarding[v])
            what = "Add" if not base.kept0[v] else "Keep"
            keep_actions.append(
                (
                    Action(
                        order=0,
                        type=ActionType.KEEP_VENDOR,
                        description=f"{what} {prepared.vendor_label(v)}: "
                        + _vendor_reason(prepared, v, True, e3, sol),
                        target=vid,
                        to_value=vid,
                        provider=vid,
                        upfront_cost=money(onboarding),
                        monthly_cost=money(e3.vendor_monthly[v]),
                        monthly_savings=money(residual),
                        attributes={
                            "incumbent": str(base.kept0[v]).lower(),
                            "category": offer.category.value,
                        },
                    ),
                    prepared.category_of_vendor(v),
                )
            )
        else:
            penalty = float(e3.exit_penalty[v])
            drop_actions.append(
                (
                    Action(
                        order=0,
                        type=ActionType.DROP_VENDOR,
                        description=f"Drop {prepared.vendor_label(v)}: "
                        + _vendor_reason(prepared, v, False, e3, sol, runs_out[v]),
                        target=vid,
                        from_value=vid,
                        provider=vid,
                        upfront_cost=money(penalty),
                        monthly_cost=money(e3.vendor_monthly[v]),
                        monthly_savings=money(residual),
                        attributes={"exit_penalty": f"{penalty:.2f}", "category": offer.category.value},
                    ),
                    prepared.category_of_vendor(v),
                )
            )
    actions += keep_actions
    for m in sorted(moves_by.values(), key=lambda m: (m.demand_index, m.src_vendor, m.dst_line)):
        dem = request.demands[m.demand_index]
        line = prepared.line_refs[m.dst_line].line
        src = prepared.line_refs[m.src_line]
        is_new = not dem.current_vendor_id
        verb = "Serve new demand" if is_new else "Move"
        add(
            Action(
                order=0,
                type=ActionType.MIGRATE_DEMAND,
                description=(
                    f"{verb} {m.quantity:g} {dem.unit or 'units'} of {dem.demand_id} ({dem.capability}) "
                    + ("" if is_new else f"from {prepared.vendor_label(m.src_vendor)} ")
                    + f"to {prepared.vendor_label(m.dst_vendor)} {line.label()}"
                ),
                target=dem.demand_id,
                offering_id=line.line_id,
                from_value="" if is_new else f"{src.vendor_id}/{src.line.line_id}",
                to_value=f"{request.vendors[m.dst_vendor].vendor_id}/{line.line_id}",
                quantity=m.quantity,
                quantity_unit=dem.unit or line.unit or "units",
                provider=request.vendors[m.dst_vendor].vendor_id,
                upfront_cost=money(m.migration_cost),
                monthly_cost=money(m.in_share),
                monthly_savings=money(m.out_share - m.in_share),
                attributes={"capability": dem.capability, "new_demand": str(is_new).lower()},
            ),
            dem.category,
        )
    actions += drop_actions

    ordered = [a.model_copy(update={"order": k}) for k, (a, _c) in enumerate(actions, start=1)]
    remainder = money(base.e0.monthly - e3.monthly) - sum((a.monthly_savings for a in ordered), Decimal(0))
    if ordered and remainder:
        k = max(range(len(ordered)), key=lambda j: (abs(ordered[j].monthly_savings), -j))
        ordered[k] = ordered[k].model_copy(update={"monthly_savings": ordered[k].monthly_savings + remainder})
    monthly_savings = sum((a.monthly_savings for a in ordered), Decimal(0))
    upfront = sum((a.upfront_cost for a in ordered), Decimal(0))
    net_monthly = float(monthly_savings) - float(upfront) / request.policy.horizon_months
    signature = (
        tuple(sorted((k, round(x, 6)) for k, x in alloc3.items())),
        tuple(np.round(sol.bought, 6)),
        tuple(kept3),
    )
    categories = [cat for _act, cat in actions]
    return _Draft(
        cand, alloc3, served3, moves_by, ordered, categories, monthly_savings, upfront, net_monthly, signature
    )


def _assemble(prepared: Prepared, base: _Baseline, draft: _Draft) -> _Assembled:
    """The reported plan of a draft, with its risk figures, explanation and outcomes."""
    request = prepared.request
    cand, alloc3, ordered = draft.cand, draft.alloc3, draft.actions
    problem, sol = cand.problem, cand.solution
    e3 = sol.evaluation
    assert e3 is not None
    monthly_savings, upfront = draft.monthly_savings, draft.upfront
    baseline_monthly = money(base.e0.monthly)
    by_cat: dict[TechnologyCategory, Decimal] = defaultdict(Decimal)
    for a, cat in zip(ordered, draft.categories, strict=True):
        by_cat[cat] += a.monthly_savings
    horizon = request.policy.horizon_months
    savings_f = float(monthly_savings)
    if upfront > 0:
        break_even: float | None = float(upfront) / savings_f if savings_f > 0 else None
    else:
        break_even = 0.0
    risk = _risk(prepared, problem, base, alloc3, sol, savings_f, float(upfront))
    explanation = _explain(prepared, cand, base, e3, sol, savings_f, float(upfront), break_even, draft.moves)
    plan = SavingsPlan(
        levers=[Lever.VENDOR_CONSOLIDATION],
        title=cand.title,
        risk_profile=cand.profile,
        actions=ordered,
        currency_code=request.currency_code,
        baseline_monthly_cost=baseline_monthly,
        planned_monthly_cost=baseline_monthly - monthly_savings,
        monthly_savings=monthly_savings,
        horizon_savings=monthly_savings * horizon,
        horizon_months=horizon,
        savings_percent=100.0 * savings_f / float(baseline_monthly) if baseline_monthly > 0 else 0.0,
        upfront_cost=upfront,
        break_even_months=break_even,
        risk=risk,
        explanation=explanation,
        solver=_summary(prepared, problem, sol.report),
        category_savings=[
            CategorySavings(category=c, monthly_savings=by_cat[c]) for c in CATEGORIES if c in by_cat
        ],
    )
    allocations = _allocations(prepared, alloc3, e3, draft.served3)
    vendors = _vendor_outcomes(prepared, problem, base, alloc3, sol)
    return _Assembled(plan, allocations, vendors)


def _marginal(
    problem: VendorProblem,
    alloc: Alloc,
    bought: FloatArray,
    vendor: int,
    entries: list[tuple[tuple[int, int], float]],
) -> float:
    """Monthly cost ``vendor`` saves when the quantities ``entries`` leave ``alloc``.

    The quantities bought shrink with the lines' requirements (over-buying stays).
    """
    without = dict(alloc)
    for key, x in entries:
        left = without.get(key, 0.0) - x
        if left > _TOL:
            without[key] = left
        else:
            without.pop(key, None)
    need = line_requirements(problem, alloc)
    need_without = line_requirements(problem, without)
    trial = bump_to_minimums(problem, np.maximum(bought - (need - need_without), need_without))
    return vendor_monthly_cost(problem, vendor, bought) - vendor_monthly_cost(problem, vendor, trial)


def _runs_out(problem: VendorProblem, base: _Baseline, sol: VendorSolution) -> list[bool]:
    """Vendors the model keeps only to avoid an exit penalty, with nothing bought: they are
    dropped by letting their contract run out (no exit penalty, fees until then).
    """
    return [
        sol.kept[v]
        and base.kept0[v]
        and vd.keep == Keep.FREE
        and vd.exit_penalty > 0
        and not any(sol.bought[li] > _TOL for li in problem.lines_of(v))
        for v, vd in enumerate(problem.vendors)
    ]


def _same(a: Alloc, b: Alloc) -> bool:
    keys = set(a) | set(b)
    return all(abs(a.get(k, 0.0) - b.get(k, 0.0)) <= 1e-6 * max(1.0, abs(b.get(k, 0.0))) for k in keys)


def _vendor_reason(
    prepared: Prepared, v: int, kept: bool, e3: Evaluation, sol: VendorSolution, runs_out: bool = False
) -> str:
    request = prepared.request
    offer = request.vendors[v]
    vendor = prepared.problem.vendors[v]
    cur = request.currency_code
    if runs_out:
        end = offer.contract_end.date().isoformat() if offer.contract_end is not None else "its end"
        fees = float(e3.vendor_monthly[v])
        return (
            f"stop using it now and let the contract run out ({end}) instead of paying the exit penalty of "
            f"{vendor.exit_penalty:,.2f} {cur}"
            + (f"; its fees of {fees:,.2f} {cur}/month run until then" if fees > 0 else "")
        )
    if kept:
        if offer.vendor_id in request.policy.must_keep_vendor_ids:
            return "must be kept by policy"
        if v in prepared.locked and offer.contract_end is not None:
            return f"contract cannot be left before {offer.contract_end.date().isoformat()}"
        demands = {
            prepared.cohorts[i].demand_index
            for (i, li) in sol.allocation
            if prepared.problem.lines[li].vendor == v
        }
        if not demands:
            if vendor.exit_penalty > 0:
                return (
                    "idle, but its fees cost less over the horizon than the exit penalty of "
                    f"{vendor.exit_penalty:,.2f} {cur}"
                )
            return "idle"
        return f"serves {len(demands)} demand(s) for {e3.vendor_monthly[v]:,.2f} {cur}/month"
    if offer.vendor_id in request.policy.excluded_vendor_ids:
        why = "excluded by policy"
    else:
        why = "its demand is served more cheaply elsewhere"
    if e3.exit_penalty[v] > 0:
        why += f"; exit penalty {e3.exit_penalty[v]:,.2f} {cur} paid"
    elif offer.contract_end is not None:
        why += f"; contract ended {offer.contract_end.date().isoformat()}"
    return why


def _allocations(
    prepared: Prepared, alloc3: Alloc, e3: Evaluation, served3: FloatArray
) -> list[DemandAllocation]:
    request, problem = prepared.request, prepared.problem
    grouped: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for (i, li), x in alloc3.items():
        if x <= _TOL:
            continue
        d_index = prepared.cohorts[i].demand_index
        sdem = problem.demands[i]
        g = grouped[(d_index, li)]
        g[0] += x
        moved = sdem.current_vendor >= 0 and problem.lines[li].vendor != sdem.current_vendor
        g[1] += sdem.migration_cost_per_unit * x if moved else 0.0
        g[2] += x * _avg_cost(e3, served3, li)
    out = []
    for (d_index, li), (qty, mig, cost) in sorted(grouped.items()):
        dem = request.demands[d_index]
        ref = prepared.line_refs[li]
        out.append(
            DemandAllocation(
                demand_id=dem.demand_id,
                vendor_id=ref.vendor_id,
                line_id=ref.line.line_id,
                quantity=qty,
                migrated=bool(dem.current_vendor_id) and ref.vendor_id != dem.current_vendor_id,
                migration_cost=money(mig),
                monthly_cost=money(cost),
            )
        )
    return out


def _vendor_outcomes(
    prepared: Prepared, problem: VendorProblem, base: _Baseline, alloc3: Alloc, sol: VendorSolution
) -> list[VendorOutcome]:
    e3 = sol.evaluation
    assert e3 is not None
    need3 = line_requirements(problem, alloc3)
    runs_out = _runs_out(problem, base, sol)
    out = []
    for v in range(len(problem.vendors)):
        if not (base.kept0[v] or sol.kept[v]):
            continue
        lines = []
        for li in problem.lines_of(v):
            if sol.bought[li] <= _TOL and base.bought0[li] <= _TOL:
                continue
            line = problem.lines[li]
            tier = int(e3.line_tier[li])
            lines.append(
                LineOutcome(
                    line_id=prepared.line_refs[li].line.line_id,
                    quantity_needed=float(need3[li]),
                    quantity_bought=float(sol.bought[li]),
                    overbuy=max(0.0, float(sol.bought[li] - need3[li])),
                    tier_index=tier,
                    unit_price=money(line.prices[tier] if tier >= 0 else 0.0),
                    monthly_cost=money(e3.line_cost[li]),
                    baseline_quantity=float(base.bought0[li]),
                    baseline_monthly_cost=money(base.e0.line_cost[li]),
                )
            )
        out.append(
            VendorOutcome(
                vendor_id=prepared.request.vendors[v].vendor_id,
                kept=sol.kept[v] and not runs_out[v],
                incumbent=base.kept0[v],
                lines=lines,
                monthly_cost=money(e3.vendor_monthly[v]),
                baseline_monthly_cost=money(base.e0.vendor_monthly[v]),
                commitment_shortfall=money(e3.shortfall[v]),
                exit_penalty=money(e3.exit_penalty[v]),
                onboarding_cost=money(e3.onboarding[v]),
                reason=_vendor_reason(prepared, v, sol.kept[v] and not runs_out[v], e3, sol, runs_out[v]),
            )
        )
    return out


def _scaled_savings(
    prepared: Prepared, problem: VendorProblem, base: _Baseline, alloc3: Alloc, kept3: list[bool], drop: float
) -> float:
    """Monthly savings if every demand fell by ``drop`` (same lines, requirements re-priced).

    Today's side depends on ``drop`` only, so it is computed once per drop for all plans.
    """
    f = 1.0 - drop
    today = base.scaled_monthly.get(drop)
    if today is None:
        base_problem = prepared.baseline_problem()
        scaled0 = {k: x * f for k, x in base.alloc0.items()}
        b0 = bump_to_minimums(base_problem, line_requirements(base_problem, scaled0))
        today = base.scaled_monthly[drop] = evaluate(base_problem, scaled0, b0, base.kept0).monthly
    scaled3 = {k: x * f for k, x in alloc3.items()}
    b3 = bump_to_minimums(problem, line_requirements(problem, scaled3))
    return today - evaluate(problem, scaled3, b3, kept3).monthly


def _risk(
    prepared: Prepared,
    problem: VendorProblem,
    base: _Baseline,
    alloc3: Alloc,
    sol: VendorSolution,
    savings: float,
    upfront: float,
) -> RiskFigures:
    kept3 = list(sol.kept)
    horizon = prepared.request.policy.horizon_months
    committed = sum(
        problem.vendors[v].min_commitment * horizon
        for v in range(len(problem.vendors))
        if kept3[v] and not base.kept0[v]
    )
    lo, hi = 0.0, 1.0
    if _scaled_savings(prepared, problem, base, alloc3, kept3, 0.0) < 0:
        lo = 0.0
    elif _scaled_savings(prepared, problem, base, alloc3, kept3, 1.0) >= 0:
        lo = 1.0
    else:
        for _ in range(25):
            mid = 0.5 * (lo + hi)
            if _scaled_savings(prepared, problem, base, alloc3, kept3, mid) >= 0:
                lo = mid
            else:
                hi = mid
    return RiskFigures(
        committed_spend=money(committed),
        lock_in_currency_months=committed * horizon,
        weighted_term_months=float(horizon) if committed > 0 else 0.0,
        worst_month_savings=money(savings - upfront),
        stress_usage_drop=STRESS_USAGE_DROP,
        stressed_monthly_savings=money(
            _scaled_savings(prepared, problem, base, alloc3, kept3, STRESS_USAGE_DROP)
        ),
        break_even_usage_drop=lo,
    )


def _summary(prepared: Prepared, problem: VendorProblem, report: SolveReport) -> SolverSummary:
    rules = []
    for b in report.binding:
        name, text = _binding_text(prepared, problem, b.name, b.explanation)
        rules.append(BindingRule(name=name, explanation=text, shadow_price=0.0))
    return solver_summary(report, rules)


def _binding_text(prepared: Prepared, problem: VendorProblem, name: str, explanation: str) -> tuple[str, str]:
    request = prepared.request
    kind, _, idx = name.rpartition("_")
    if name == "max_vendors":
        return name, f"At most {problem.max_vendors} vendor(s) may be kept; a higher limit could save more."
    if kind == "max_vendors_category":
        cat = CATEGORIES[int(idx)].value
        return (
            f"max_vendors_per_category[{cat}]",
            f"The limit of {problem.category_limits[int(idx)]} {cat} vendor(s) is reached.",
        )
    if kind == "line_capacity":
        ref = prepared.line_refs[int(idx)]
        return (
            f"line_capacity[{ref.vendor_id}/{ref.line.line_id}]",
            f"{ref.line.label()} of {request.vendors[ref.vendor_index].label()} is bought up to its capacity "
            f"of {ref.line.max_quantity:g}.",
        )
    if kind == "vendor_capacity":
        offer = request.vendors[int(idx)]
        return f"vendor_capacity[{offer.vendor_id}]", f"{offer.label()} is used up to its total capacity."
    return name, explanation


def _explain(
    prepared: Prepared,
    cand: _Candidate,
    base: _Baseline,
    e3: Evaluation,
    sol: VendorSolution,
    savings: float,
    upfront: float,
    break_even: float | None,
    moves: dict[tuple[int, int, int], _Move],
) -> str:
    request = prepared.request
    cur = request.currency_code
    horizon = request.policy.horizon_months
    runs_out = _runs_out(cand.problem, base, sol)
    kept = [prepared.vendor_label(v) for v, k in enumerate(sol.kept) if k and not runs_out[v]]
    dropped = [
        prepared.vendor_label(v) + (" (at contract end)" if runs_out[v] else "")
        for v in range(len(sol.kept))
        if base.kept0[v] and (not sol.kept[v] or runs_out[v])
    ]
    added = [prepared.vendor_label(v) for v in range(len(sol.kept)) if sol.kept[v] and not base.kept0[v]]
    parts = [
        f"{cand.title}: keep {len(kept)} vendor(s) ({', '.join(kept[:8])}{' ...' if len(kept) > 8 else ''})"
    ]
    if added:
        parts.append(f"add {', '.join(added)}")
    if dropped:
        parts.append(f"drop {', '.join(dropped)}")
    text = "; ".join(parts) + "."
    reclaimed = sum(c.before - c.after for c in prepared.cohorts)
    if reclaimed:
        text += f" Reclaim {reclaimed:g} inactive seat(s)."
    if moves:
        units = sum(m.quantity for m in moves.values())
        text += f" Move {len(moves)} demand part(s) ({units:g} units) between vendors."
    need = line_requirements(cand.problem, sol.allocation)
    over = [
        (li, float(sol.bought[li] - need[li])) for li in range(len(need)) if sol.bought[li] - need[li] > 1e-6
    ]
    for li, extra in over[:5]:
        ref = prepared.line_refs[li]
        tier = int(e3.line_tier[li])
        reached = ref.line.tiers[tier]
        text += (
            f" Over-buy {extra:g} on {ref.line.label()} ({request.vendors[ref.vendor_index].label()}): "
            f"buying {sol.bought[li]:g} instead of {need[li]:g} reaches the tier from "
            f"{reached.min_quantity:g} at {reached.unit_price:g} {cur}/unit, which costs less."
        )
    text += (
        f" Monthly cost {base.e0.monthly:,.2f} -> {e3.monthly:,.2f} {cur} (saves {savings:,.2f} {cur}/month)."
    )
    if upfront > 0:
        text += f" One-time costs {upfront:,.2f} {cur} (migration {e3.migration:,.2f}, exit penalties "
        text += f"{float(e3.exit_penalty.sum()):,.2f}, onboarding {float(e3.onboarding.sum()):,.2f})"
        if break_even is not None:
            text += f" pay back in month {math.ceil(break_even - 1e-9)} ({break_even:.1f} months)."
        else:
            text += " are never paid back."
    text += f" Net over {horizon} months: {savings * horizon - upfront:,.2f} {cur}."
    if cand.note:
        text += " " + cand.note
    if sol.report.binding:
        text += " Binding: " + " ".join(
            _binding_text(prepared, cand.problem, b.name, b.explanation)[1] for b in sol.report.binding
        )
    if sol.report.status.value != "optimal":
        text += f" Not proven optimal (gap {sol.report.relative_gap:.2%})."
    return text
