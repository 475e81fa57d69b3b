"""Workload routing: one MILP placing every workload's demand on instances or APIs.

Sets (notation of :mod:`solvers.routing_problem`)
    W workloads; U demand units (LLM request slices — Mélange's slices — or a whole
    batch job / CPU service), ``U(w)`` those of workload ``w``; A arcs = (workload,
    option) pairs, integer arcs I ⊆ A (instances) and continuous arcs (APIs); L links
    (u, a): unit u may be served by arc a; K pools (quotas, API tokens per minute,
    offer stock, total carbon).

Data
    p_a price per instance-hour (0 for batch arcs, whose cost is per unit of work);
    e_a carbon per instance-hour; ℓ_l instances the whole unit needs on the link's
    arc (Mélange: λ_s / T_{g,s}); c_l cost and g_l carbon per unit share of a link
    (API tokens, batch work); Ê_w carbon cap of workload w; q_ka, r_kl usage of
    pool k per instance / per unit share; C_k pool capacity.

Variables
    x_l ∈ [0, 1] share of unit u placed on link l (binary with ``whole_units``:
    Mélange's assignment); y_a ∈ Z+ instances of integer arc a.

Objective
    min Σ_a p_a y_a + Σ_l c_l x_l          (cost per hour; carbon priced into p, c)

Constraints
    demand[u]:     Σ_{l ∈ u} x_l = 1
    capacity[a]:   Σ_{l ∈ a} ℓ_l x_l ≤ y_a                  (Mélange: Σ_s x_{s,g} λ_s/T_{g,s} ≤ y_g)
    carbon_cap[w]: Σ_{a ∈ w} e_a y_a + Σ_{l ∈ w} g_l x_l ≤ Ê_w
    pool[k]:       Σ_a q_ka y_a + Σ_l r_kl x_l ≤ C_k
    (valid cuts, no effect on the optimum: y_a ≥ x_l when ℓ_l > 0 — any share needs
    an instance — and, on single-link arcs, the mixed-integer rounding facet
    y_a ≥ f + (ℓ x − f)/(ℓ − f), f = ⌊ℓ⌋.)

Solution method (exact)
    1. :func:`solvers.routing_prune.prune` drops arcs no optimal solution needs.
    2. Workloads interact only through pools used by several of them. Those
       *coupling* pools are added lazily: solve every group of workloads linked by
       the active coupling pools on its own (each group optimally), check all pools,
       activate the violated ones, repeat. The first assembled solution that breaks
       no pool is optimal, being optimal for a relaxation. A single workload with no
       pool is solved by the exact fast paths of :mod:`solvers.routing_fast`; any
       other group is a PuLP model solved by HiGHS through
       :func:`solvers.pulp_runner.solve`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pulp

from solvers.pulp_runner import solve
from solvers.result import BindingConstraint, SolveReport, SolveStatus, solver_name
from solvers.routing_fast import cheapest_links, cover_knapsack
from solvers.routing_problem import FloatArray, IntArray, RoutingProblem, min_instances, split_by
from solvers.routing_prune import prune as prune_problem

_TIGHT = 1e-7
_TINY_LINKS = 7  # a single unit on at most this many links takes the plain-Python fast path
# (numpy sums fewer than 8 values left to right, as the plain path does; from 8 on, pairwise)


@dataclass(frozen=True)
class RoutingStats:
    """Size of the model before and after reductions, and how it was solved."""

    arcs: int
    kept_arcs: int
    bound_pruned: int = 0
    dominance_pruned: int = 0
    components: int = 0
    largest_component: int = 0
    coupling_rounds: int = 0
    milp_solves: int = 0
    fast_solves: int = 0


@dataclass(frozen=True)
class RoutingSolution:
    """Instances per arc and shares per link (indexed like the input problem), with the report.

    ``infeasible_workloads`` lists the workloads of a group that has no solution.
    """

    report: SolveReport
    instances: FloatArray
    shares: FloatArray
    stats: RoutingStats
    infeasible_workloads: tuple[int, ...] = ()


@dataclass
class _Index:
    """Arcs, units, links and pools of each workload of a (reduced) problem."""

    arcs: list[IntArray]
    units: list[IntArray]
    links: list[IntArray]
    pools: list[set[int]]
    pool_workloads: list[set[int]]

    @staticmethod
    def of(problem: RoutingProblem) -> _Index:
        n_w = problem.n_workloads
        link_w = problem.arc_workload[problem.link_arc]
        pools: list[set[int]] = [set() for _ in range(n_w)]
        pool_workloads: list[set[int]] = [set() for _ in range(problem.n_pools)]
        entries = [
            (problem.pool_arc.pool, problem.arc_workload[problem.pool_arc.item]),
            (problem.pool_link.pool, link_w[problem.pool_link.item]),
        ]
        for pool_idx, work_idx in entries:
            for k, w in set(zip(pool_idx.tolist(), work_idx.tolist(), strict=True)):
                pools[w].add(k)
                pool_workloads[k].add(w)
        return _Index(
            split_by(problem.arc_workload, n_w),
            split_by(problem.unit_workload, n_w),
            split_by(link_w, n_w),
            pools,
            pool_workloads,
        )


@dataclass
class _Outcome:
    instances: dict[int, float]
    shares: dict[int, float]
    report: SolveReport
    milp: bool


@dataclass
class _Search:
    problem: RoutingProblem
    index: _Index
    mip_gap: float
    deadline: float | None
    cache: dict[tuple[tuple[int, ...], tuple[int, ...]], _Outcome] = field(default_factory=dict)
    milp_solves: int = 0
    fast_solves: int = 0

    def time_left(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.perf_counter())


def solve_routing(
    problem: RoutingProblem,
    *,
    time_limit: float | None = None,
    mip_gap: float = 1e-9,
    prune: bool = True,
    decompose: bool = True,
    explain: Callable[[str], str] | None = None,
    checked: bool = False,
) -> RoutingSolution:
    """Cheapest placement of every workload (see the module docstring).

    ``prune=False, decompose=False`` builds the plain model as one MILP (the baseline
    the reductions are measured against). The problem is validated with
    :meth:`RoutingProblem.check` first; ``checked=True`` is for a caller that built it
    index by index itself (or restricted such a problem), whose shapes, indices, links
    and API loads are right by construction: only :meth:`RoutingProblem.check_values`
    runs then.
    """
    if checked:
        problem.check_values()
    else:
        problem.check()
    started = time.perf_counter()
    deadline = None if time_limit is None else started + time_limit
    if prune:
        reduction = prune_problem(problem)
        keep = reduction.keep_arcs
        stats = RoutingStats(
            problem.n_arcs, reduction.kept, reduction.bound_pruned, reduction.dominance_pruned
        )
    else:
        keep = np.ones(problem.n_arcs, dtype=bool)
        stats = RoutingStats(problem.n_arcs, problem.n_arcs)
    sub = problem.restricted(keep) if prune else problem
    arc_map = np.flatnonzero(keep)
    link_map = np.flatnonzero(keep[problem.link_arc])
    search = _Search(sub, _Index.of(sub), mip_gap, deadline)

    missing = sub.units_without_links()
    if len(missing):
        bad = tuple(sorted({int(w) for w in sub.unit_workload[missing]}))
        report = _empty_report(SolveStatus.INFEASIBLE, time.perf_counter() - started, time_limit)
        return RoutingSolution(report, np.zeros(problem.n_arcs), np.zeros(problem.n_links), stats, bad)

    coupling = {k for k, ws in enumerate(search.index.pool_workloads) if len(ws) > 1}
    active: set[int] = set(coupling) if not decompose else set()
    rounds = 0
    while True:
        groups = (
            _groups(sub.n_workloads, active, search.index) if decompose else [list(range(sub.n_workloads))]
        )
        outcomes = [(g, _solve_group(search, g, active)) for g in groups]
        instances, shares = np.zeros(sub.n_arcs), np.zeros(sub.n_links)
        for _, out in outcomes:
            for a, v in out.instances.items():
                instances[a] = v
            for lk, v in out.shares.items():
                shares[lk] = v
        failed = [g for g, out in outcomes if not out.report.status.has_solution]
        if failed:
            break
        usage = sub.pool_usage(instances, shares)
        violated = {
            k
            for k in coupling - active
            if usage[k] > sub.pool_capacity[k] + 1e-9 * max(1.0, sub.pool_capacity[k])
        }
        if not violated:
            break
        active |= violated
        rounds += 1

    elapsed = time.perf_counter() - started
    activated = active - (coupling if not decompose else set())
    report = _combine(
        sub, [o for _, o in outcomes], instances, shares, elapsed, time_limit, explain, activated
    )
    stats = RoutingStats(
        stats.arcs,
        stats.kept_arcs,
        stats.bound_pruned,
        stats.dominance_pruned,
        components=len(groups),
        largest_component=max((len(g) for g in groups), default=0),
        coupling_rounds=rounds,
        milp_solves=search.milp_solves,
        fast_solves=search.fast_solves,
    )
    full_instances, full_shares = np.zeros(problem.n_arcs), np.zeros(problem.n_links)
    full_instances[arc_map] = instances
    full_shares[link_map] = shares
    infeasible: tuple[int, ...] = ()
    if failed:
        infeasible = tuple(
            sorted(w for g, out in outcomes if out.report.status is SolveStatus.INFEASIBLE for w in g)
        )
    return RoutingSolution(report, full_instances, full_shares, stats, infeasible)


def _groups(n_workloads: int, active: set[int], index: _Index) -> list[list[int]]:
    """Workloads linked by the active coupling pools (union-find), in index order."""
    parent = list(range(n_workloads))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for k in sorted(active):
        members = sorted(index.pool_workloads[k])
        for w in members[1:]:
            ra, rb = find(members[0]), find(w)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for w in range(n_workloads):
        groups.setdefault(find(w), []).append(w)
    return [groups[r] for r in sorted(groups)]


def _solve_group(search: _Search, group: list[int], active: set[int]) -> _Outcome:
    pools = set().union(*(search.index.pools[w] for w in group)) if group else set()
    local = {k for k in pools if len(search.index.pool_workloads[k]) == 1}
    used_pools = tuple(sorted(local | (pools & active)))
    key = (tuple(group), used_pools)
    if key not in search.cache:
        out = _fast(search, group[0]) if len(group) == 1 and not used_pools else None
        if out is None:
            out = _milp(search, group, used_pools)
            search.milp_solves += 1
        else:
            search.fast_solves += 1
        search.cache[key] = out
    return search.cache[key]


def _fast(search: _Search, w: int) -> _Outcome | None:
    """Exact closed-form / enumeration solution of a single pool-free workload, if its shape allows."""
    p, idx = search.problem, search.index
    units, links = idx.units[w], idx.links[w]
    cap = float(p.workload_carbon_cap[w])
    if len(units) == 1 and len(links) <= _TINY_LINKS:
        handled, outcome = _fast_tiny_cover(p, links, cap)
        if handled:
            return outcome
    return _fast_general(p, units, links, cap)


def _fast_general(p: RoutingProblem, units: IntArray, links: IntArray, cap: float) -> _Outcome | None:
    """:func:`_fast` with numpy (any size)."""
    arcs = np.unique(p.link_arc[links])  # the workload's arcs that serve a unit (its links' arcs)
    if len(arcs) == 0:
        return None
    started = time.perf_counter()
    integer = p.arc_integer[arcs]
    costless = ~integer | ((p.arc_price[arcs] == 0) & (p.arc_carbon[arcs] == 0))
    if costless.all() and math.isinf(cap):
        unit_pos = {int(u): i for i, u in enumerate(units)}
        local_units = np.array([unit_pos[int(u)] for u in p.link_unit[links]], dtype=np.int64)
        best = cheapest_links(local_units, p.link_cost[links], len(units))
        chosen = links[best]
        shares = dict.fromkeys((int(lk) for lk in chosen), 1.0)
        load = np.zeros(p.n_arcs)
        np.add.at(load, p.link_arc[chosen], p.link_load[chosen])
        int_arcs = arcs[integer]
        instances = {int(a): float(n) for a, n in zip(int_arcs, min_instances(load[int_arcs]), strict=True)}
        cost = float(p.link_cost[chosen].sum())
        return _Outcome(instances, shares, _fast_report(cost, started, len(arcs) + len(links)), False)
    single_unit = len(units) == 1
    plain = integer.all() and not np.any(p.link_cost[links]) and not np.any(p.link_carbon[links])
    if single_unit and plain and p.arc_price[arcs].min() > 0:
        link_of_arc = {int(p.link_arc[lk]): int(lk) for lk in links}
        order = np.array([link_of_arc[int(a)] for a in arcs], dtype=np.int64)
        load = p.link_load[order]
        try:
            result = cover_knapsack(
                p.arc_price[arcs], load, p.arc_carbon[arcs], cap, whole_unit=p.whole_units
            )
        except ValueError:
            report = _empty_report(SolveStatus.INFEASIBLE, time.perf_counter() - started, None)
            return _Outcome({}, {}, report, False)
        if result is None:
            return None
        carried = result.instances / load
        shares_arr = carried / carried.sum()
        if p.whole_units:
            shares_arr = (result.instances > 0).astype(np.float64)
        instances = {int(a): float(v) for a, v in zip(arcs, result.instances, strict=True)}
        shares = {int(lk): float(s) for lk, s in zip(order, shares_arr, strict=True)}
        return _Outcome(instances, shares, _fast_report(result.cost, started, len(arcs) * 2), False)
    return None


def _fast_tiny_cover(p: RoutingProblem, links: IntArray, cap: float) -> tuple[bool, _Outcome | None]:
    """:func:`_fast`'s cover-knapsack case for one unit on a few links, in plain Python.

    Returns ``(False, None)`` when the case does not apply or a value is out of the
    ordinary (a load that is not finite and > 0), leaving the decision to :func:`_fast`;
    otherwise ``(True, outcome)`` with the outcome :func:`_fast` would compute (same
    arithmetic: shares are sums left to right from 0.0, as numpy sums a few values).
    """
    started = time.perf_counter()
    link_list = links.tolist()
    if not link_list:
        return False, None
    link_arcs = p.link_arc[links].tolist()
    arcs = sorted(set(link_arcs))
    integer = [bool(p.arc_integer[a]) for a in arcs]
    price = [float(p.arc_price[a]) for a in arcs]
    carbon = [float(p.arc_carbon[a]) for a in arcs]
    if all(not i or (pr == 0 and e == 0) for i, pr, e in zip(integer, price, carbon, strict=True)) and (
        math.isinf(cap)
    ):
        return False, None  # the cheapest-links case
    plain = all(integer) and not any(p.link_cost[links].tolist()) and not any(p.link_carbon[links].tolist())
    if not plain or not all(pr > 0 for pr in price):
        return False, None
    link_of_arc = dict(zip(link_arcs, link_list, strict=True))
    order = [link_of_arc[a] for a in arcs]
    load = p.link_load[order]
    loads = load.tolist()
    if not all(0 < x < math.inf for x in loads):
        return False, None
    try:
        result = cover_knapsack(np.array(price), load, np.array(carbon), cap, whole_unit=p.whole_units)
    except ValueError:
        report = _empty_report(SolveStatus.INFEASIBLE, time.perf_counter() - started, None)
        return True, _Outcome({}, {}, report, False)
    if result is None:
        return True, None
    counts = result.instances.tolist()
    if p.whole_units:
        shares_list = [1.0 if v > 0 else 0.0 for v in counts]
    else:
        carried = [v / x for v, x in zip(counts, loads, strict=True)]
        total = 0.0
        for v in carried:
            total += v
        shares_list = [v / total for v in carried]  # total > 0: a cover has an instance
    instances = dict(zip(arcs, counts, strict=True))
    shares = dict(zip(order, shares_list, strict=True))
    return True, _Outcome(instances, shares, _fast_report(result.cost, started, len(arcs) * 2), False)


def _fast_report(cost: float, started: float, variables: int) -> SolveReport:
    return SolveReport(
        solver="exact enumeration (routing fast path)",
        status=SolveStatus.OPTIMAL,
        objective=cost,
        bound=cost,
        solve_seconds=time.perf_counter() - started,
        variables=variables,
        constraints=0,
    )


def _empty_report(status: SolveStatus, seconds: float, time_limit: float | None) -> SolveReport:
    return SolveReport(
        solver=solver_name(),
        status=status,
        objective=math.inf,
        bound=-math.inf,
        solve_seconds=seconds,
        variables=0,
        constraints=0,
        time_limit_seconds=time_limit,
    )


@dataclass
class _Model:
    model: pulp.LpProblem
    y: dict[int, pulp.LpVariable]
    x: dict[int, pulp.LpVariable]
    by_arc: dict[int, list[int]]
    slacks: dict[str, tuple[pulp.LpVariable, float]]


def _build(
    p: RoutingProblem, idx: _Index, group: list[int], pools: tuple[int, ...], *, elastic: bool = False
) -> _Model:
    """The routing MILP of ``group`` with ``pools`` (module docstring).

    ``elastic`` adds a slack to every pool and carbon cap and minimises the total
    relative slack instead of the cost (used to explain infeasibility).
    """
    arcs = np.concatenate([idx.arcs[w] for w in group])
    links = np.concatenate([idx.links[w] for w in group])
    units = np.concatenate([idx.units[w] for w in group])
    model = pulp.LpProblem("routing_elastic" if elastic else "routing", pulp.LpMinimize)
    y = {
        int(a): model.add_variable(f"y_{a}", lowBound=0, cat=pulp.LpInteger) for a in arcs if p.arc_integer[a]
    }
    x_cat = pulp.LpBinary if p.whole_units else pulp.LpContinuous
    x = {int(lk): model.add_variable(f"x_{lk}", lowBound=0, upBound=1, cat=x_cat) for lk in links}
    by_unit: dict[int, list[int]] = {}
    by_arc: dict[int, list[int]] = {}
    for lk in links:
        by_unit.setdefault(int(p.link_unit[lk]), []).append(int(lk))
        by_arc.setdefault(int(p.link_arc[lk]), []).append(int(lk))
    for u in units:
        served = pulp.LpAffineExpression([(x[lk], 1.0) for lk in by_unit.get(int(u), [])])
        model += served == 1.0, f"demand_{u}"
    for a, var in y.items():
        carried = [lk for lk in by_arc.get(a, []) if p.link_load[lk] > 0]
        if not carried:
            continue
        terms = [(x[lk], float(p.link_load[lk])) for lk in carried] + [(var, -1.0)]
        model += pulp.LpAffineExpression(terms) <= 0.0, f"capacity_{a}"
        for lk in carried:
            model += pulp.LpAffineExpression([(var, 1.0), (x[lk], -1.0)]) >= 0.0, f"any_share_{lk}"
        if len(carried) == 1:
            load = float(p.link_load[carried[0]])
            whole = math.floor(load)
            if whole >= 1 and load - whole > 1e-9:
                # MIR facet y >= f + (load*x - f)/(load - f), i.e. y - slope*x >= f - f/(load - f)
                slope = load / (load - whole)
                rhs = whole - whole / (load - whole)
                model += pulp.LpAffineExpression([(var, 1.0), (x[carried[0]], -slope)]) >= rhs, f"mir_{a}"
    slacks: dict[str, tuple[pulp.LpVariable, float]] = {}

    def limit(terms: list[tuple[pulp.LpVariable, float]], cap: float, name: str, label: str) -> None:
        if elastic:
            s = model.add_variable(f"s_{name}", lowBound=0)
            terms = [*terms, (s, -1.0)]
            slacks[label] = (s, cap)
        model.addConstraint(pulp.LpAffineExpression(terms) <= cap, name)

    for w in group:
        cap = float(p.workload_carbon_cap[w])
        if math.isinf(cap):
            continue
        terms = [(y[int(a)], float(p.arc_carbon[a])) for a in idx.arcs[w] if int(a) in y and p.arc_carbon[a]]
        terms += [(x[int(lk)], float(p.link_carbon[lk])) for lk in idx.links[w] if p.link_carbon[lk]]
        limit(terms, cap, f"carbon_cap_{w}", f"carbon_cap[{p.workload_name(w)}]")
    pool_set = set(pools)
    terms_by_pool: dict[int, list[tuple[pulp.LpVariable, float]]] = {k: [] for k in pools}
    for k, item, coef in zip(p.pool_arc.pool, p.pool_arc.item, p.pool_arc.coef, strict=True):
        if int(k) in pool_set and int(item) in y:
            terms_by_pool[int(k)].append((y[int(item)], float(coef)))
    for k, item, coef in zip(p.pool_link.pool, p.pool_link.item, p.pool_link.coef, strict=True):
        if int(k) in pool_set and int(item) in x:
            terms_by_pool[int(k)].append((x[int(item)], float(coef)))
    for k in pools:
        if math.isinf(p.pool_capacity[k]) or not terms_by_pool[k]:
            continue
        limit(terms_by_pool[k], float(p.pool_capacity[k]), f"pool_{k}", p.pool_name(k))
    if elastic:
        objective = [(s, 1.0 / max(cap, 1e-6)) for s, cap in slacks.values()]
    else:
        objective = [(y[a], float(p.arc_price[a])) for a in y if p.arc_price[a]]
        objective += [(x[lk], float(p.link_cost[lk])) for lk in x if p.link_cost[lk]]
    model += pulp.LpAffineExpression(objective), "objective"
    return _Model(model, y, x, by_arc, slacks)


def _milp(search: _Search, group: list[int], pools: tuple[int, ...]) -> _Outcome:
    """Solve the routing MILP of ``group``; instances are reset to the least that carry the load."""
    p = search.problem
    built = _build(p, search.index, group, pools)
    report = solve(built.model, time_limit=search.time_left(), mip_gap=search.mip_gap)
    if not report.status.has_solution:
        return _Outcome({}, {}, report, True)
    shares = {lk: min(1.0, max(0.0, float(var.value() or 0.0))) for lk, var in built.x.items()}
    instances = {}
    for a in built.y:
        load = sum(float(p.link_load[lk]) * shares[lk] for lk in built.by_arc.get(a, []))
        instances[a] = float(min_instances(np.array([load]))[0])
    return _Outcome(instances, shares, report, True)


def _combine(
    problem: RoutingProblem,
    outcomes: list[_Outcome],
    instances: FloatArray,
    shares: FloatArray,
    elapsed: float,
    time_limit: float | None,
    explain: Callable[[str], str] | None,
    activated: set[int],
) -> SolveReport:
    reports = [o.report for o in outcomes]
    statuses = {r.status for r in reports}
    if SolveStatus.INFEASIBLE in statuses:
        status = SolveStatus.INFEASIBLE
    elif SolveStatus.NOT_SOLVED in statuses or SolveStatus.UNBOUNDED in statuses:
        status = SolveStatus.NOT_SOLVED
    elif SolveStatus.FEASIBLE in statuses:
        status = SolveStatus.FEASIBLE
    else:
        status = SolveStatus.OPTIMAL
    if status.has_solution:
        objective = problem.cost_of(instances, shares)
        bound = float(sum(r.bound for r in reports))
        bound = min(bound, objective)
        binding = _binding(problem, instances, shares, explain, activated)
    else:
        objective, bound, binding = math.inf, -math.inf, ()
    milp = [o.report for o in outcomes if o.milp]
    return SolveReport(
        solver=milp[0].solver if milp else (reports[0].solver if reports else solver_name()),
        status=status,
        objective=objective,
        bound=bound,
        solve_seconds=elapsed,
        variables=sum(r.variables for r in reports),
        constraints=sum(r.constraints for r in reports),
        time_limit_seconds=time_limit,
        binding=binding,
        message=f"{len(reports)} independent group(s); {len(milp)} solved as MILP",
    )


def _binding(
    problem: RoutingProblem,
    instances: FloatArray,
    shares: FloatArray,
    explain: Callable[[str], str] | None,
    activated: set[int],
) -> tuple[BindingConstraint, ...]:
    """Limits that shape the optimum.

    Pools used to (within 1e-7 of) their capacity or that the optimum without them breaks
    (activated by the lazy coupling), and carbon caps used to their limit.
    """
    out = []
    usage = problem.pool_usage(instances, shares)
    for k in np.flatnonzero(np.isfinite(problem.pool_capacity)):
        cap = float(problem.pool_capacity[k])
        tight = usage[k] >= cap - _TIGHT * max(1.0, cap) and usage[k] > 0
        if tight or int(k) in activated:
            name = problem.pool_name(int(k))
            text = explain(name) if explain else f"{name} fully used: {usage[k]:.6g} of {cap:.6g}"
            out.append(BindingConstraint(name, text))
    capped = np.flatnonzero(np.isfinite(problem.workload_carbon_cap))
    carbon = problem.workload_carbon(instances, shares) if len(capped) else np.zeros(0)
    for w in capped:
        cap = float(problem.workload_carbon_cap[w])
        if carbon[w] >= cap * (1 - 1e-6) - 1e-12 and carbon[w] > 0:
            name = f"carbon_cap[{problem.workload_name(int(w))}]"
            text = explain(name) if explain else f"{name}: {carbon[w]:.6g} of {cap:.6g} kg CO2e/h"
            out.append(BindingConstraint(name, text))
    return tuple(out)


@dataclass(frozen=True)
class Relaxation:
    """How far a constraint must be relaxed for a solution to exist."""

    name: str
    capacity: float
    needed: float


def diagnose_infeasibility(problem: RoutingProblem, workloads: tuple[int, ...]) -> list[Relaxation]:
    """Smallest relaxation of pools and carbon caps that makes ``workloads`` feasible.

    Elastic model: the routing MILP of the workloads with a slack on every pool and
    carbon cap they touch, minimising the total relative slack. Constraints with a
    positive slack are the binding rules. Empty when even full relaxation fails (a
    demand unit with no option at all).
    """
    index = _Index.of(problem)
    group = sorted(set(workloads))
    pools = tuple(sorted(set().union(*(index.pools[w] for w in group))))
    built = _build(problem, index, group, pools, elastic=True)
    report = solve(built.model, time_limit=30.0, mip_gap=1e-6)
    if not report.status.has_solution:
        return []
    out = []
    for name, (var, cap) in built.slacks.items():
        extra = float(var.value() or 0.0)
        if extra > 1e-7 * max(1.0, cap):
            out.append(Relaxation(name, cap, cap + extra))
    return out


def plain_model_size(problem: RoutingProblem) -> tuple[int, int]:
    """(variables, constraints) of the un-reduced model, for reporting."""
    variables = int(problem.arc_integer.sum()) + problem.n_links
    pools = int(np.isfinite(problem.pool_capacity).sum())
    constraints = problem.n_units + int(problem.arc_integer.sum()) + pools
    return variables, constraints


def assert_feasible(problem: RoutingProblem, solution: RoutingSolution) -> None:
    """Raise ``AssertionError`` listing broken constraints (a self-check used in tests)."""
    broken = problem.violations(solution.instances, solution.shares)
    if broken:
        raise AssertionError("; ".join(broken[:10]))
