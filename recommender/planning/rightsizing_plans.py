"""Right-sizing plans: size every resource under three risk profiles, choose the moves,
price them after held commitments, and explain.

Profiles (an xor group; ``policy.single_profile`` keeps only the balanced one):

* conservative — CPU at max(policy percentile, P99.5) with 10 points more headroom,
  memory headroom +10 points, idle resources are resized, not stopped;
* balanced — the request's policy as given; idle resources are stopped;
* aggressive — CPU at min(policy percentile, P90) with 10 points less headroom,
  memory headroom −10 points (memory still from the maximum); idle resources stopped.

Each resource takes the choice (stay, one of its options, stop when idle) that saves
the most; when held commitments couple resources, the coupled ones are chosen
jointly by :func:`solvers.rightsizing_select.select_jointly`. Action savings are
attributed by applying the moves one after another and billing each step, so they
add up exactly to the plan's savings.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property, lru_cache

import numpy as np

from recommender.domain.common import (
    HOURS_PER_MONTH,
    Action,
    ActionType,
    CategorySavings,
    Kpis,
    Lever,
    RiskFigures,
    RiskProfile,
    SavingsPlan,
    SolverSummary,
    SolveStatus,
    TechnologyCategory,
    money,
)
from recommender.domain.rightsizing import RightSizeOutcome, RightSizeRequest, RightSizingPolicy
from recommender.planning.fleet_plans import plan_fleet
from recommender.planning.ranking import group_id, rank
from recommender.planning.rightsizing_inputs import (
    PricedCatalogue,
    price_catalogue,
    solver_catalogue,
    solver_resources,
)
from recommender.planning.rightsizing_recommendations import FINDING_BY_CODE, build_recommendations
from recommender.planning.summaries import solver_summary
from solvers.billing import Billing
from solvers.result import SolveReport
from solvers.rightsizing import (
    CostModel,
    Finding,
    OnDemandCosts,
    SizingResult,
    SizingRule,
)
from solvers.rightsizing_costs import CommitmentBook, committed_costs, usage_vector
from solvers.rightsizing_data import DIM, Catalogue, FloatArray, IntArray, Resources, finite
from solvers.rightsizing_select import Choice, select_jointly
from solvers.rightsizing_small import size_profiles
from solvers.rightsizing_stats import compute_stats

STAY, TERMINATE = -1, -2
SMALL_DECISION = 16
"""Up to this many resources (and no held commitments) the choice is made in plain Python."""
HORIZON_MONTHS = 12


@dataclass(frozen=True)
class Profile:
    """A risk profile: its sizing rule and whether idle resources are stopped."""

    risk: RiskProfile
    rule: SizingRule
    terminate_idle: bool

    def label(self) -> str:
        """``balanced: CPU P95 + 20 %, memory max + 20 %``."""
        return self._label

    @cached_property
    def _label(self) -> str:
        """:meth:`label`, formatted once per profile (profiles are memoised per policy)."""
        r = self.rule
        mem = f"P{r.memory_percentile:g}" if r.memory_percentile is not None else "max"
        return (
            f"{self.risk.value}: CPU P{r.cpu_percentile:g} + {100 * r.cpu_headroom:.0f} %, "
            f"memory {mem} + {100 * r.memory_headroom:.0f} %"
        )


def sizing_rule(policy: RightSizingPolicy, **changes: float) -> SizingRule:
    """The solver rule of a policy, with optional overrides."""
    base = SizingRule(
        cpu_percentile=policy.cpu_percentile,
        cpu_headroom=policy.cpu_headroom,
        memory_percentile=policy.memory_percentile,
        memory_headroom=policy.memory_headroom,
        gpu_headroom=policy.gpu_headroom if policy.gpu_headroom is not None else policy.cpu_headroom,
        idle_cpu_percent=policy.idle_cpu_percent,
        idle_network_mbps=policy.idle_network_mbps,
        allow_region_change=policy.allow_region_change,
        allow_architecture_change=policy.allow_architecture_change,
        allow_gpu_model_change=policy.allow_gpu_model_change,
        allow_burstable=policy.allow_burstable,
        include_families=policy.include_families,
        exclude_families=policy.exclude_families,
        max_options=policy.max_options,
        max_performance_risk=policy.max_performance_risk,
        min_history_hours=policy.min_history_hours,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def profiles(policy: RightSizingPolicy) -> list[Profile]:
    """Balanced (the policy) first, then conservative and aggressive unless disabled."""
    return list(_profiles(policy.model_dump_json(), policy))


@lru_cache(maxsize=64)
def _profiles(key: str, policy: RightSizingPolicy) -> tuple[Profile, ...]:
    """:func:`profiles`, memoised per policy (most callers send the same one). ``key`` is the
    policy's JSON: equal policies can still differ in the sign of a zero (``-0.0 == 0.0``),
    which the plan titles show.
    """
    balanced = Profile(RiskProfile.BALANCED, sizing_rule(policy), True)
    if policy.single_profile:
        return (balanced,)
    b = balanced.rule
    conservative = sizing_rule(
        policy,
        cpu_percentile=max(b.cpu_percentile, 99.5),
        cpu_headroom=b.cpu_headroom + 0.1,
        memory_headroom=b.memory_headroom + 0.1,
        gpu_headroom=b.gpu_headroom + 0.1,
    )
    aggressive = sizing_rule(
        policy,
        cpu_percentile=min(b.cpu_percentile, 90.0),
        cpu_headroom=max(0.0, b.cpu_headroom - 0.1),
        memory_headroom=max(0.0, b.memory_headroom - 0.1),
        gpu_headroom=max(0.0, b.gpu_headroom - 0.1),
        max_performance_risk=min(b.max_performance_risk, 3),
    )
    return (
        balanced,
        Profile(RiskProfile.CONSERVATIVE, conservative, False),
        Profile(RiskProfile.AGGRESSIVE, aggressive, True),
    )


def plan_right_size(request: RightSizeRequest, time_limit: float | None = None) -> RightSizeOutcome:
    """Recommendations, ranked plans and the fleet packing of a right-sizing request."""
    started = time.perf_counter()
    warnings: list[str] = []
    priced = price_catalogue(request)
    if priced.overridden:
        warnings.append(
            f"{priced.overridden} catalogue price(s) replaced by the on-demand rate of the usage class "
            "naming "
            "the type."
        )
    if any(e.start_time or e.end_time for e in request.existing_commitments):
        warnings.append(
            "existing_commitments: start and end times are ignored; every commitment is taken as active."
        )
    cat = solver_catalogue(request.catalog, priced.price)
    plans = []
    recommendations = []
    if request.resources:
        resources = solver_resources(request)
        profs = profiles(request.policy)
        levels: set[float] = set()
        for p in profs:
            levels |= p.rule.levels()
        stats = compute_stats(resources, sorted(levels))
        book = priced.book if priced.book is not None and priced.book.held else None
        costs: CostModel = (
            committed_costs(
                book, priced.price, priced.type_class, resources.current, resources.hours_fraction
            )
            if book is not None
            else OnDemandCosts(priced.price, resources.hours_fraction, resources.current)
        )
        sized = size_profiles(cat, resources, stats, [p.rule for p in profs], costs)
        results = {p.risk: res for p, res in zip(profs, sized, strict=True)}
        balanced = results[RiskProfile.BALANCED]
        recommendations = build_recommendations(request, cat, stats, balanced, profs[0].rule)
        warnings += _finding_notes(balanced, request.policy)
        share = None if time_limit is None else max(0.5, 0.6 * time_limit / len(profs))
        seen: set[tuple[tuple[str, str], ...]] = set()
        profile_plans = []
        for p in profs:
            plan = _profile_plan(request, cat, resources, results[p.risk], p, priced, book, share, started)
            if plan is None:
                continue
            key = tuple((a.target, a.to_value) for a in plan.actions)
            if key in seen:
                continue
            seen.add(key)
            profile_plans.append(plan)
        if not profile_plans:
            warnings.append("No resource has a move that saves money under any profile; nothing to change.")
        ranked = rank(profile_plans)
        xor = group_id("rightsizing", ranked) if len(ranked) > 1 else ""
        plans = [p.model_copy(update={"xor_group_id": xor}) for p in ranked]
    fleet_result = None
    if request.fleet is not None:
        remaining = None if time_limit is None else max(0.5, time_limit - (time.perf_counter() - started))
        fleet_result, fleet_plan, notes = plan_fleet(
            request.fleet, request.catalog, priced.price, request.policy, request.currency_code, remaining
        )
        warnings += notes
        if fleet_plan is not None:
            plans.append(fleet_plan)
    if request.fleet is not None and len(plans) > 1:
        xors = {p.plan_id: p.xor_group_id for p in plans if p.plan_id}
        ranked_all = rank(plans)
        plans = [p.model_copy(update={"xor_group_id": xors.get(p.plan_id, "")}) for p in ranked_all]
    elif plans and not plans[0].plan_id:
        plans = rank(plans)
    return RightSizeOutcome(
        currency_code=request.currency_code,
        plans=plans,
        recommendations=recommendations,
        fleet_plan=fleet_result,
        warnings=warnings,
    )


def _finding_notes(res: SizingResult, policy: RightSizingPolicy) -> list[str]:
    counts = np.bincount(res.finding, minlength=6)
    notes = []
    under = int(counts[Finding.UNDER_PROVISIONED])
    if under and not policy.include_upsizes:
        notes.append(
            f"{under} resource(s) are under-provisioned; their upsizes are in the recommendations but "
            "not in the "
            "plans (set policy.include_upsizes to add them)."
        )
    short = int(counts[Finding.INSUFFICIENT_DATA])
    if short:
        notes.append(f"{short} resource(s) have too little history to recommend (policy.min_history_hours).")
    return notes


@dataclass(frozen=True)
class _Decision:
    """Chosen choice per resource (STAY, TERMINATE or an option column) and the solve."""

    choice: IntArray
    report: SolveReport | None


def _eligible(res: SizingResult, profile: Profile, policy: RightSizingPolicy) -> tuple[np.ndarray, ...]:
    """Per resource: options eligible alone (saving at least the minimum, or an allowed
    upsize), options on the menu of a joint choice (every fitting option, upsizes only
    when allowed), and whether staying and stopping are allowed.
    """
    savings = res.option_savings
    valid = res.option_index >= 0
    under = res.finding == int(Finding.UNDER_PROVISIONED)
    upsize = policy.include_upsizes & under[:, None] & valid
    floor = max(policy.min_monthly_savings, 1e-9)
    with np.errstate(invalid="ignore"):
        eligible = (valid & (savings >= floor)) | upsize
    menu = valid & (~under[:, None] | policy.include_upsizes)
    terminate = res.idle & profile.terminate_idle
    stay = ~(upsize.any(axis=1))
    return eligible, menu, terminate, stay


def _decide_separable(
    res: SizingResult, eligible: np.ndarray, terminate: np.ndarray, stay: np.ndarray
) -> IntArray:
    """Per resource: the choice with the largest saving (ties: stay, then stop, then rank)."""
    count = res.finding.shape[0]
    savings = np.where(eligible, res.option_savings, -np.inf)
    table = np.column_stack(
        [np.where(stay, 0.0, -np.inf), np.where(terminate, res.current_cost, -np.inf), savings]
    )
    pick = np.argmax(table, axis=1)
    out = np.where(pick == 0, STAY, np.where(pick == 1, TERMINATE, pick - 2)).astype(np.int64)
    out[~np.isfinite(table[np.arange(count), pick])] = STAY
    return out


def _decide_small(res: SizingResult, profile: Profile, policy: RightSizingPolicy) -> IntArray:
    """:func:`_eligible` then :func:`_decide_separable` with Python floats, for a few
    resources (numpy's per-call cost dominates there); same choices, same ties.
    """
    index, option_cost = res.option_index.tolist(), res.option_cost.tolist()
    current_cost, finding, idle = res.current_cost.tolist(), res.finding.tolist(), res.idle.tolist()
    floor = max(policy.min_monthly_savings, 1e-9)
    out = []
    for r, cost in enumerate(current_cost):
        under = finding[r] == int(Finding.UNDER_PROVISIONED)
        upsize = [policy.include_upsizes and under and k >= 0 for k in index[r]]
        table = [-math.inf if any(upsize) else 0.0, cost if idle[r] and profile.terminate_idle else -math.inf]
        for m, k in enumerate(index[r]):
            saving = cost - option_cost[r][m] if k >= 0 else math.nan
            table.append(saving if (k >= 0 and saving >= floor) or upsize[m] else -math.inf)
        pick = _argmax(table)
        if not math.isfinite(table[pick]):
            out.append(STAY)
        else:
            out.append(STAY if pick == 0 else TERMINATE if pick == 1 else pick - 2)
    return np.array(out, dtype=np.int64)


def _argmax(values: list[float]) -> int:
    """``np.argmax`` of a list: the first maximum, or the first NaN if there is one."""
    best = 0
    for i, v in enumerate(values):
        if v != v:
            return i
        if v > values[best]:
            best = i
    return best


def _decide(
    res: SizingResult,
    profile: Profile,
    policy: RightSizingPolicy,
    priced: PricedCatalogue,
    book: CommitmentBook | None,
    resources: Resources,
    time_limit: float | None,
) -> _Decision:
    if book is None and resources.size <= SMALL_DECISION:
        return _Decision(_decide_small(res, profile, policy), None)
    eligible, menu_ok, terminate, stay = _eligible(res, profile, policy)
    choice = _decide_separable(res, eligible, terminate, stay)
    if book is None:
        return _Decision(choice, None)
    covered = book.covered()
    tclass = priced.type_class

    def covered_class(k: int) -> int:
        j = int(tclass[k])
        return j if j >= 0 and covered[j] else -1

    cur = resources.current
    frac = resources.hours_fraction
    row_covered = (tclass >= 0) & covered[np.maximum(tclass, 0)]
    options_covered = menu_ok & row_covered[np.maximum(res.option_index, 0)]
    coupled = [int(r) for r in np.flatnonzero(row_covered[cur] | options_covered.any(axis=1))]
    if not coupled:
        return _Decision(choice, None)
    menus: list[list[Choice]] = []
    codes: list[list[int]] = []
    for r in coupled:
        menu, code = [], []
        if stay[r]:
            k = int(cur[r])
            menu.append(Choice(covered_class(k), float(frac[r] * priced.price[k])))
            code.append(STAY)
        if terminate[r]:
            menu.append(Choice(-1, 0.0))
            code.append(TERMINATE)
        for m in np.flatnonzero(menu_ok[r]):
            k = int(res.option_index[r, m])
            menu.append(Choice(covered_class(k), float(frac[r] * priced.price[k])))
            code.append(int(m))
        menus.append(menu)
        codes.append(code)
    rows = np.array(coupled)
    current = [code.index(STAY) if STAY in code else -1 for code in codes]
    selection = select_jointly(
        menus, frac[rows], book, book.other_usage, current=current, time_limit=time_limit
    )
    if selection.report.status.has_solution:
        for pos, r in enumerate(coupled):
            choice[r] = codes[pos][int(selection.chosen[pos])]
    return _Decision(choice, selection.report)


def _profile_plan(
    request: RightSizeRequest,
    cat: Catalogue,
    resources: Resources,
    res: SizingResult,
    profile: Profile,
    priced: PricedCatalogue,
    book: CommitmentBook | None,
    time_limit: float | None,
    started: float,
) -> SavingsPlan | None:
    policy = request.policy
    decision = _decide(res, profile, policy, priced, book, resources, time_limit)
    acting = np.flatnonzero(decision.choice != STAY)
    if acting.size == 0:
        return None
    target = np.full(resources.size, -1, dtype=np.int64)
    moves = decision.choice[acting]
    resize = moves >= 0
    target[acting[resize]] = res.option_index[acting[resize], moves[resize]]
    savings, baseline_h, before, after = _attribute(resources, priced, book, res, acting, target)
    pairs = _actions(request, cat, res, acting, moves, target, savings)
    actions = [a for a, _ in pairs]
    total = sum((a.monthly_savings for a in actions), start=Decimal(0))
    baseline = money(baseline_h * HOURS_PER_MONTH)
    risk = max((int(a.attributes.get("performance_risk", "0")) for a in actions), default=0)
    elapsed = time.perf_counter() - started
    solver = _solver_summary(decision.report, res, float(baseline - total), elapsed)
    kpis_before = kpis_after = None
    if book is not None and before is not None and after is not None:
        final = resources.current.copy()
        final[acting] = target[acting]
        kpis_before = _kpis(book, before, priced, resources, resources.current)
        kpis_after = _kpis(book, after, priced, resources, final)
    gpu = cat.gpu_count[resources.current] > 0
    by_category: dict[TechnologyCategory, Decimal] = {}
    for a, r in pairs:
        category = TechnologyCategory.AI_ML if gpu[r] else TechnologyCategory.PUBLIC_CLOUD
        by_category[category] = by_category.get(category, Decimal(0)) + a.monthly_savings
    plan = SavingsPlan(
        levers=[Lever.RIGHT_SIZING],
        title=f"Right-size {len(actions)} resource(s) ({profile.label()})",
        risk_profile=profile.risk,
        actions=actions,
        currency_code=request.currency_code,
        baseline_monthly_cost=baseline,
        planned_monthly_cost=baseline - total,
        monthly_savings=total,
        horizon_savings=total * HORIZON_MONTHS,
        horizon_months=HORIZON_MONTHS,
        savings_percent=100.0 * float(total) / float(baseline) if baseline > 0 else 0.0,
        upfront_cost=money(0),
        break_even_months=0.0,
        commitment_utilization=kpis_after.commitment_utilization if kpis_after else 0.0,
        commitment_coverage=kpis_after.commitment_coverage if kpis_after else 0.0,
        risk=RiskFigures(max_performance_risk=risk),
        explanation=_explain(request, res, profile, actions, total, baseline, risk, book, decision),
        solver=solver,
        kpis_before=kpis_before,
        kpis_after=kpis_after,
        category_savings=[
            CategorySavings(category=c, monthly_savings=v) for c, v in sorted(by_category.items())
        ],
    )
    return plan


def _attribute(
    resources: Resources,
    priced: PricedCatalogue,
    book: CommitmentBook | None,
    res: SizingResult,
    acting: IntArray,
    target: IntArray,
) -> tuple[FloatArray, float, FloatArray | None, FloatArray | None]:
    """Monthly savings of each acting resource, applied in resource order and billed
    step by step (exact and additive); baseline hourly cost; usage before and after.
    """
    cur = resources.current
    frac = resources.hours_fraction
    price = priced.price
    if book is None:
        new_cost = np.where(target[acting] >= 0, frac[acting] * price[np.maximum(target[acting], 0)], 0.0)
        saved = (frac[acting] * price[cur[acting]] - new_cost) * HOURS_PER_MONTH
        return saved, float((frac * price[cur]).sum()), None, None
    tclass = priced.type_class
    cur_class = tclass[cur]
    u0 = usage_vector(book, cur_class, frac)
    deltas = np.zeros((acting.size, book.classes))
    linear = np.zeros(acting.size)
    for i, r in enumerate(acting):
        a, k = int(cur_class[r]), int(target[r])
        if a >= 0:
            deltas[i, a] -= frac[r]
        else:
            linear[i] += frac[r] * price[cur[r]]
        if k >= 0:
            b = int(tclass[k])
            if b >= 0:
                deltas[i, b] += frac[r]
            else:
                linear[i] -= frac[r] * price[k]
    path = np.vstack([u0[None, :], u0[None, :] + np.cumsum(deltas, axis=0)])
    np.maximum(path, 0.0, out=path)
    residual = book.residual(path)
    saved = (residual[:-1] - residual[1:] + linear) * HOURS_PER_MONTH
    unclassed = cur_class < 0
    baseline = float(residual[0] + book.held_hourly_cost() + (frac[unclassed] * price[cur[unclassed]]).sum())
    return saved, baseline, path[0], path[-1]


_ACTION_FIELDS = tuple(Action.model_fields)


def _trusted_action(**values: object) -> Action:
    """``Action.model_construct(**values)`` for a complete set of trusted fields: the same
    instance state (fields in declaration order, every field set, no extra or private
    values), without ``model_construct``'s alias and default lookups (~40 µs a call).
    ``tests/rightsizing/test_small_sizing.py`` checks it against ``model_construct``.
    """
    action = Action.__new__(Action)
    object.__setattr__(action, "__dict__", {name: values[name] for name in _ACTION_FIELDS})
    object.__setattr__(action, "__pydantic_fields_set__", set(_ACTION_FIELDS))
    object.__setattr__(action, "__pydantic_extra__", None)
    object.__setattr__(action, "__pydantic_private__", None)
    return action


def _actions(
    request: RightSizeRequest,
    cat: Catalogue,
    res: SizingResult,
    acting: IntArray,
    moves: IntArray,
    target: IntArray,
    savings: FloatArray,
) -> list[tuple[Action, int]]:
    """Ordered actions (largest saving first) with the index of their resource.

    Built with :func:`_trusted_action` (``model_construct`` without its per-field
    lookups): every field is produced here from validated data, and validating
    ~10,000 actions per plan would cost a quarter of a second.
    """
    rows = acting.tolist()
    move_list = moves.tolist()
    saved = [money(x) for x in savings.tolist()]
    finding = res.finding[acting].tolist()
    safe_m = np.maximum(moves, 0)
    risk = res.option_risk[acting, safe_m].tolist()
    cost = finite(res.option_cost[acting, safe_m]).tolist()
    proj = finite(res.option_projected[acting, safe_m]).tolist()
    mem_measured = res.requirements.measured[acting, DIM["memory"]].tolist()
    cpu_p95 = res.requirements.demand[acting, DIM["cpu"], 1].tolist()
    cpu_cap = res.requirements.current_capacity[acting, DIM["cpu"]].tolist()
    names, regions, providers = cat.name.tolist(), cat.region.tolist(), cat.provider.tolist()
    order = sorted(range(len(rows)), key=lambda i: (-saved[i], request.resources[rows[i]].resource_id))
    out: list[tuple[Action, int]] = []
    for n, i in enumerate(order, start=1):
        r = rows[i]
        spec = request.resources[r]
        cur = spec.catalog_index
        attrs = {f"tag:{k}": v for k, v in sorted(spec.tags.items())}
        attrs["finding"] = FINDING_BY_CODE[finding[i]]
        if move_list[i] == TERMINATE:
            share = 100 * cpu_p95[i] / cpu_cap[i] if cpu_cap[i] else 0.0
            attrs["performance_risk"] = "0"
            action = _trusted_action(
                order=n,
                type=ActionType.TERMINATE,
                description=f"Stop idle {spec.resource_id} ({spec.current_type}): CPU P95 {share:.2g} %",
                target=spec.resource_id,
                offering_id="",
                from_value=spec.current_type,
                to_value="",
                quantity=1.0,
                quantity_unit="instances",
                provider=providers[cur],
                region=regions[cur],
                upfront_cost=money(0),
                monthly_cost=money(0),
                monthly_savings=saved[i],
                utilization=0.0,
                coverage=0.0,
                break_even_months=None,
                marginal_value=money(0),
                attributes=attrs,
            )
        else:
            m, k = move_list[i], int(target[r])
            attrs["performance_risk"] = str(risk[i])
            attrs["projected_cpu_percent"] = f"{proj[i][DIM['cpu']]:.1f}"
            attrs["option_rank"] = str(m + 1)
            if mem_measured[i]:
                attrs["projected_memory_percent"] = f"{proj[i][DIM['memory']]:.1f}"
            if regions[k] != regions[cur]:
                attrs["from_region"] = regions[cur]
            action = _trusted_action(
                order=n,
                type=ActionType.RESIZE,
                description=f"Resize {spec.resource_id} from {spec.current_type} to {names[k]}",
                target=spec.resource_id,
                offering_id=names[k],
                from_value=spec.current_type,
                to_value=names[k],
                quantity=1.0,
                quantity_unit="instances",
                provider=providers[k],
                region=regions[k],
                upfront_cost=money(0),
                monthly_cost=money(cost[i]),
                monthly_savings=saved[i],
                utilization=0.0,
                coverage=0.0,
                break_even_months=None,
                marginal_value=money(0),
                attributes=attrs,
            )
        out.append((action, r))
    return out


def _solver_summary(
    report: SolveReport | None, res: SizingResult, planned: float, elapsed: float
) -> SolverSummary:
    if report is None:
        return SolverSummary(
            solver="exhaustive vectorised catalogue scan (numpy)",
            status=SolveStatus.OPTIMAL,
            objective=planned,
            bound=planned,
            relative_gap=0.0,
            solve_seconds=elapsed,
            variables=int(res.cells),
            constraints=0,
        )
    return solver_summary(report)


def _kpis(
    book: CommitmentBook,
    usage: FloatArray,
    priced: PricedCatalogue,
    resources: Resources,
    rows: IntArray,
) -> Kpis:
    """ESR, coverage, utilisation and waste of the held commitments for a usage vector.

    Unclassed resources are on demand in both the on-demand-equivalent and the
    effective cost (they are outside every commitment).
    """
    bill: Billing = book.bill(usage)
    frac = resources.hours_fraction
    tclass = priced.type_class
    running = rows >= 0
    rows_safe = np.maximum(rows, 0)
    unclassed = running & (tclass[rows_safe] < 0)
    linear = float((frac[unclassed] * priced.price[rows_safe[unclassed]]).sum())
    od_equivalent = float(usage @ book.on_demand_rate) + linear
    held_cost = book.held_hourly_cost()
    effective = float(bill.on_demand_cost[0]) + held_cost + linear
    capacity = float(bill.capacity.sum())
    used = float(bill.used.sum())
    covered = book.covered()
    eligible = float(usage[covered] @ book.on_demand_rate[covered])
    utilization = used / capacity if capacity > 0 else 0.0
    return Kpis(
        effective_savings_rate=(od_equivalent - effective) / od_equivalent if od_equivalent > 0 else 0.0,
        commitment_coverage=float(bill.covered_value.sum()) / eligible if eligible > 0 else 0.0,
        commitment_utilization=utilization,
        commitment_waste=1.0 - utilization if capacity > 0 else 0.0,
        on_demand_equivalent_monthly_cost=money(od_equivalent * HOURS_PER_MONTH),
        effective_monthly_cost=money(effective * HOURS_PER_MONTH),
    )


def _explain(
    request: RightSizeRequest,
    res: SizingResult,
    profile: Profile,
    actions: list[Action],
    total: Decimal,
    baseline: Decimal,
    risk: int,
    book: CommitmentBook | None,
    decision: _Decision,
) -> str:
    cur = request.currency_code
    resizes = sum(1 for a in actions if a.type is ActionType.RESIZE)
    stops = len(actions) - resizes
    pct = 100 * float(total) / float(baseline) if baseline > 0 else 0.0
    r = profile.rule
    parts = [
        f"Right-sizes {len(actions):,} of {len(request.resources):,} resources ({profile.label()}): "
        f"{resizes:,} resize(s) and {stops:,} stop(s) of idle resources save {float(total):,.2f} {cur}/month "
        f"({pct:.1f} % of {float(baseline):,.2f}).",
        f"CPU is sized at P{r.cpu_percentile:g} of the observed utilisation plus "
        f"{100 * r.cpu_headroom:.0f} % "
        + (
            f"headroom; memory at P{r.memory_percentile:g}"
            if r.memory_percentile is not None
            else "headroom; memory at its observed maximum"
        )
        + f" plus {100 * r.memory_headroom:.0f} % (never a lower percentile by default: memory "
        "shortfalls kill "
        "processes).",
        "Each target is the cheapest catalogue type meeting every requirement (same provider"
        + ("" if r.allow_region_change else " and region")
        + ("" if r.allow_architecture_change else ", same CPU architecture")
        + ", family rules, required features, GPU count and memory fitting the observed peak).",
    ]
    if not profile.terminate_idle and int((res.finding == int(Finding.IDLE)).sum()):
        parts.append(
            "Idle resources are resized to their smallest fitting type rather than stopped in this profile."
        )
    if book is not None:
        parts.append(
            f"Savings are after discounts: {len(book.held)} held commitment(s) are billed as providers "
            "bill them and "
            "their cost is sunk, so a move that leaves reserved capacity or a savings plan unused "
            "saves only what the "
            "bill actually drops; action savings are attributed move by move in resource order."
        )
        if decision.report is not None:
            parts.append(
                "Resources that share held commitments were chosen jointly (MILP, "
                f"{decision.report.status.value}, gap "
                f"{decision.report.relative_gap if math.isfinite(decision.report.relative_gap) else 1:.1e})."
            )
    blocked = int(((res.finding == int(Finding.OVER_PROVISIONED)) & ~(res.option_savings[:, 0] > 0)).sum())
    if blocked:
        parts.append(
            f"{blocked:,} over-provisioned resource(s) keep their type because no cheaper fitting type "
            "saves money "
            "after discounts."
        )
    parts.append(
        f"Highest performance risk among the moves: {risk} (0 = always enough capacity, 4 = short often)."
    )
    return " ".join(parts)
