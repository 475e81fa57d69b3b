"""Fleet packing: place containers/pods on the cheapest mix of node types.

A bin-packing MILP with heterogeneous bins (variable-sized bin packing).

Sets
    I   members (containers/pods), with R_i identical replicas each;
    K   node types; B_k = {0 .. n_k − 1} node slots of type k, where
        n_k = min(replicas that fit on k, ⌊UB / p_k⌋) and UB is the cost of a
        heuristic packing (no cheaper solution can use more nodes of type k).

Data
    c_i, m_i   CPU (vCPUs) and memory (GiB) request of one replica of i;
    C_k, M_k   allocatable CPU and memory of a node of type k; p_k its hourly price;
    a_ik       most replicas of i one node of type k holds: min(R_i, ⌊C_k/c_i⌋, ⌊M_k/m_i⌋).

Variables
    y_kb ∈ {0,1}       node b of type k runs;
    x_ikb ∈ {0..a_ik}  replicas of member i on node b of type k.

Objective
    min Σ_k Σ_b p_k y_kb                                   (hourly cost of the nodes)

Constraints
    assign[i]:          Σ_k Σ_b x_ikb = R_i
    cpu[k,b]:           Σ_i c_i x_ikb ≤ C_k y_kb
    memory[k,b]:        Σ_i m_i x_ikb ≤ M_k y_kb
    link[i,k,b]:        x_ikb ≤ a_ik y_kb                 (tightens the relaxation)
    cpu_total, memory_total: Σ_kb C_k y_kb ≥ Σ_i c_i R_i, Σ_kb M_k y_kb ≥ Σ_i m_i R_i
                                                          (valid cuts for the bound)
  with ``symmetry_breaking=True`` also (nodes of a type are interchangeable):
    open_order[k,b]:    y_kb ≥ y_k,b+1                    (open them in order)
    load_order[k,b]:    Σ_i c_i x_ikb ≥ Σ_i c_i x_ik,b+1   (load them in decreasing order)

Symmetry. The slots of a type are interchangeable, so the model has |B_k|! equivalent
optima per type. HiGHS detects this permutation symmetry itself (orbitopes/orbital
fixing); explicit ordering constraints *hurt* it: on 60 real Alibaba pods × 6 Azure
node types, 10 s, the gaps were 0.3-3.5 % without them, 5.7-8.1 % with open_order and
8.8-20 % with both (``docs/rightsizing.md``). They are therefore off by default.

Strategy. Members with identical requests are merged (replicas add up). Small
models (≤ ``TINY_LIMIT`` replica-slot variables) are solved exactly with the compact
MILP above. Larger ones first go through the pattern formulation by column generation
(:mod:`solvers.fleet_patterns`, near-tight LP bound); if that does not prove
optimality and the compact model is still moderate (≤ ``COMPACT_LIMIT``), the compact
MILP gets the other half of the time and the better packing wins, with the better
bound. Everything runs under the time limit: the answer carries status OPTIMAL or
FEASIBLE, the proven bound and the gap; when nothing better than the
first-fit-decreasing packing is found in time, that packing is returned.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np
import pulp

from solvers.fleet_patterns import solve_patterns
from solvers.pulp_runner import solve
from solvers.result import SolveReport, SolveStatus, solver_name
from solvers.rightsizing_data import FloatArray, IntArray

EPS = 1e-9
TINY_LIMIT = 400
"""Compact models up to this many replica-slot variables are solved directly (exact)."""
COMPACT_LIMIT = 4_000
"""Above TINY_LIMIT, column generation runs first; up to this size the compact MILP then
gets the remaining time if the patterns did not prove optimality, and the better wins."""


@dataclass(frozen=True)
class PackingProblem:
    """Members (one row per member, ``replicas`` each) and node types."""

    cpu: FloatArray  # (I,) per replica
    memory: FloatArray  # (I,)
    replicas: IntArray  # (I,)
    node_cpu: FloatArray  # (K,) allocatable
    node_memory: FloatArray  # (K,)
    node_price: FloatArray  # (K,) per hour

    def fits(self) -> np.ndarray:
        """``(I, K)`` whether one replica of i fits on an empty node of type k."""
        return (self.cpu[:, None] <= self.node_cpu[None, :] + EPS) & (
            self.memory[:, None] <= self.node_memory[None, :] + EPS
        )

    def capacity(self) -> IntArray:
        """``a_ik``: most replicas of i one node of type k holds."""
        with np.errstate(divide="ignore", invalid="ignore"):
            by_cpu = np.where(
                self.cpu[:, None] > 0, np.floor(self.node_cpu[None, :] / self.cpu[:, None] + EPS), np.inf
            )
            by_mem = np.where(
                self.memory[:, None] > 0,
                np.floor(self.node_memory[None, :] / self.memory[:, None] + EPS),
                np.inf,
            )
        cap = np.minimum(np.minimum(by_cpu, by_mem), self.replicas[:, None].astype(np.float64))
        out: IntArray = np.where(self.fits(), cap, 0).astype(np.int64)
        return out


@dataclass(frozen=True)
class Node:
    """One node of a packing: its type and the replicas of each member on it."""

    node_type: int
    members: dict[int, int]


@dataclass(frozen=True)
class Packing:
    """A packing with its hourly cost and the solve report."""

    nodes: list[Node]
    hourly_cost: float
    report: SolveReport

    def counts(self, types: int) -> IntArray:
        """Nodes per type."""
        out = np.zeros(types, dtype=np.int64)
        for n in self.nodes:
            out[n.node_type] += 1
        return out


def unplaceable(problem: PackingProblem) -> IntArray:
    """Members that fit on no node type."""
    out: IntArray = np.flatnonzero(~problem.fits().any(axis=1))
    return out


def _ffd(problem: PackingProblem, k: int) -> list[Node] | None:
    """First-fit decreasing on nodes of type ``k`` only (None if something does not fit)."""
    cap_c, cap_m = problem.node_cpu[k], problem.node_memory[k]
    size = np.maximum(problem.cpu / max(cap_c, EPS), problem.memory / max(cap_m, EPS))
    order = np.argsort(-size, kind="stable")
    loads: list[list[float]] = []
    nodes: list[dict[int, int]] = []
    for i in order:
        for _ in range(int(problem.replicas[i])):
            for b, (lc, lm) in enumerate(loads):
                if lc + problem.cpu[i] <= cap_c + EPS and lm + problem.memory[i] <= cap_m + EPS:
                    loads[b] = [lc + problem.cpu[i], lm + problem.memory[i]]
                    nodes[b][int(i)] = nodes[b].get(int(i), 0) + 1
                    break
            else:
                if problem.cpu[i] > cap_c + EPS or problem.memory[i] > cap_m + EPS:
                    return None
                loads.append([float(problem.cpu[i]), float(problem.memory[i])])
                nodes.append({int(i): 1})
    return [Node(k, members) for members in nodes]


def heuristic(problem: PackingProblem) -> list[Node]:
    """Best single-type first-fit-decreasing packing, each node then moved to the
    cheapest type that holds its members.
    """
    best: list[Node] | None = None
    best_cost = math.inf
    for k in range(len(problem.node_price)):
        nodes = _ffd(problem, k)
        if nodes is None:
            continue
        improved = []
        for node in nodes:
            idx = np.array(list(node.members))
            reps = np.array([node.members[i] for i in idx])
            need_c = float(problem.cpu[idx] @ reps)
            need_m = float(problem.memory[idx] @ reps)
            ok = (problem.node_cpu >= need_c - EPS) & (problem.node_memory >= need_m - EPS)
            prices = np.where(ok, problem.node_price, np.inf)
            improved.append(Node(int(np.argmin(prices)), node.members))
        cost = sum(problem.node_price[n.node_type] for n in improved)
        if cost < best_cost - EPS:
            best, best_cost = improved, cost
    if best is None:
        raise ValueError("some member fits on no node type")
    return best


def capacity_bound(problem: PackingProblem) -> float:
    """A valid lower bound: the cheapest price per vCPU (and per GiB) times the total."""
    total_c = float(problem.cpu @ problem.replicas)
    total_m = float(problem.memory @ problem.replicas)
    with np.errstate(divide="ignore"):
        per_c = np.min(np.where(problem.node_cpu > 0, problem.node_price / problem.node_cpu, np.inf))
        per_m = np.min(np.where(problem.node_memory > 0, problem.node_price / problem.node_memory, np.inf))
    return float(max(total_c * per_c if total_c > 0 else 0.0, total_m * per_m if total_m > 0 else 0.0))


def pack(
    problem: PackingProblem, *, time_limit: float | None = None, symmetry_breaking: bool = False
) -> Packing:
    """Cheapest packing (the MILP of the module docstring).

    Members with identical requests are merged first (their replicas add up), which
    shrinks real fleets a lot (120 pods of the Alibaba trace have 9 distinct shapes),
    and split back afterwards. Model building counts against ``time_limit``.
    """
    if unplaceable(problem).size:
        raise ValueError("some member fits on no node type")
    started = time.perf_counter()
    keys = np.round(np.column_stack([problem.cpu, problem.memory]).astype(np.float64), 9)
    shapes, inverse = np.unique(keys, axis=0, return_inverse=True)
    group = [int(g) for g in inverse.reshape(-1)]
    merged = PackingProblem(
        cpu=shapes[:, 0].astype(np.float64),
        memory=shapes[:, 1].astype(np.float64),
        replicas=np.bincount(group, weights=problem.replicas, minlength=len(shapes)).astype(np.int64),
        node_cpu=problem.node_cpu,
        node_memory=problem.node_memory,
        node_price=problem.node_price,
    )
    packing = _pack_distinct(merged, time_limit, started, symmetry_breaking)
    queues: list[list[list[int]]] = [[] for _ in range(len(shapes))]
    for i, g in enumerate(group):
        queues[g].append([i, int(problem.replicas[i])])
    nodes = []
    for node in packing.nodes:
        members: dict[int, int] = {}
        for g, count in sorted(node.members.items()):
            left = count
            while left > 0:
                head = queues[g][0]
                take = min(left, head[1])
                members[head[0]] = members.get(head[0], 0) + take
                head[1] -= take
                left -= take
                if head[1] == 0:
                    queues[g].pop(0)
        nodes.append(Node(node.node_type, members))
    return Packing(nodes, packing.hourly_cost, packing.report)


def _pack_distinct(
    problem: PackingProblem, time_limit: float | None, started: float, symmetry_breaking: bool
) -> Packing:
    start = heuristic(problem)
    ub = sum(problem.node_price[n.node_type] for n in start)
    cap = problem.capacity()
    members, types = cap.shape
    total = int(problem.replicas.sum())
    slots = []
    for k in range(types):
        fit_reps = int(problem.replicas[cap[:, k] > 0].sum())
        by_cost = int(math.floor(ub / problem.node_price[k] + 1e-9)) if problem.node_price[k] > 0 else total
        slots.append(min(fit_reps, by_cost, total))

    compact_size = sum(slots[k] * int((cap[:, k] > 0).sum()) for k in range(types))
    slot_array = np.array(slots, dtype=np.int64)
    if compact_size <= TINY_LIMIT:
        return _pack_compact(problem, start, slots, cap, time_limit, started, symmetry_breaking)
    both = compact_size <= COMPACT_LIMIT
    share = None if time_limit is None else (0.5 * time_limit if both else time_limit)
    patterns = _pack_patterns(problem, start, slot_array, share, started)
    if patterns.report.status is SolveStatus.OPTIMAL or not both:
        return patterns
    compact = _pack_compact(problem, start, slots, cap, time_limit, started, symmetry_breaking)
    best = compact if compact.hourly_cost < patterns.hourly_cost - 1e-9 else patterns
    bound = min(max(patterns.report.bound, compact.report.bound), best.hourly_cost)
    proven = best.hourly_cost - bound <= 1e-9 * max(1.0, best.hourly_cost)
    report = replace(
        best.report,
        bound=bound,
        status=SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE,
        solve_seconds=time.perf_counter() - started,
        message=f"best of column generation ({patterns.report.message}) and the compact MILP",
    )
    return Packing(best.nodes, best.hourly_cost, report)


def _pack_compact(
    problem: PackingProblem,
    start: list[Node],
    slots: list[int],
    cap: IntArray,
    time_limit: float | None,
    started: float,
    symmetry_breaking: bool,
) -> Packing:
    """The compact MILP of the module docstring."""
    ub = sum(problem.node_price[n.node_type] for n in start)
    members, types = cap.shape
    model = pulp.LpProblem("fleet_packing", pulp.LpMinimize)
    y = {
        (k, b): model.add_variable(f"y_{k}_{b}", cat=pulp.LpBinary)
        for k in range(types)
        for b in range(slots[k])
    }
    x: dict[tuple[int, int, int], pulp.LpVariable] = {}
    for k, b in y:
        for i in (int(v) for v in np.flatnonzero(cap[:, k] > 0)):
            a = int(cap[i, k])
            cat = pulp.LpBinary if a == 1 else pulp.LpInteger
            x[i, k, b] = model.add_variable(f"x_{i}_{k}_{b}", lowBound=0, upBound=a, cat=cat)
    model += pulp.lpSum(float(problem.node_price[k]) * v for (k, _), v in y.items())
    by_member: dict[int, list[pulp.LpVariable]] = {}
    by_node: dict[tuple[int, int], list[tuple[int, pulp.LpVariable]]] = {}
    for (i, k, b), v in x.items():
        by_member.setdefault(i, []).append(v)
        by_node.setdefault((k, b), []).append((i, v))
    for i in range(members):
        model += pulp.lpSum(by_member.get(i, [])) == int(problem.replicas[i]), f"assign[{i}]"
    for (k, b), yv in y.items():
        terms = by_node.get((k, b), [])
        load_c = pulp.lpSum(float(problem.cpu[i]) * v for i, v in terms)
        model += load_c <= float(problem.node_cpu[k]) * yv, f"cpu[{k},{b}]"
        model += (
            pulp.lpSum(float(problem.memory[i]) * v for i, v in terms) <= float(problem.node_memory[k]) * yv,
            f"memory[{k},{b}]",
        )
        for i, v in terms:
            model += v <= int(cap[i, k]) * yv, f"link[{i},{k},{b}]"
        if symmetry_breaking and (k, b + 1) in y:
            model += yv >= y[k, b + 1], f"open_order[{k},{b}]"
            nxt = by_node.get((k, b + 1), [])
            model += (
                load_c >= pulp.lpSum(float(problem.cpu[i]) * v for i, v in nxt),
                f"load_order[{k},{b}]",
            )
    model += (
        pulp.lpSum(float(problem.node_cpu[k]) * v for (k, _), v in y.items())
        >= float(problem.cpu @ problem.replicas) - 1e-7,
        "cpu_total",
    )
    model += (
        pulp.lpSum(float(problem.node_memory[k]) * v for (k, _), v in y.items())
        >= float(problem.memory @ problem.replicas) - 1e-7,
        "memory_total",
    )
    remaining = None if time_limit is None else max(0.1, time_limit - (time.perf_counter() - started))
    report = solve(model, time_limit=remaining)
    if report.status.has_solution and report.objective <= ub + 1e-7:
        nodes = _read(x, y, types)
        cost = sum(float(problem.node_price[n.node_type]) for n in nodes)
        return Packing(nodes, cost, report)
    bound = max(capacity_bound(problem), report.bound if math.isfinite(report.bound) else -math.inf)
    fallback = SolveReport(
        solver=solver_name(),
        status=SolveStatus.FEASIBLE,
        objective=ub,
        bound=min(bound, ub),
        solve_seconds=report.solve_seconds,
        variables=report.variables,
        constraints=report.constraints,
        time_limit_seconds=time_limit,
        message=f"MILP gave no better packing in time ({report.message}); first-fit-decreasing packing",
    )
    return Packing(start, ub, fallback)


def _pack_patterns(
    problem: PackingProblem, start: list[Node], slots: IntArray, time_limit: float | None, started: float
) -> Packing:
    """Large fleets: the pattern formulation by column generation (:mod:`solvers.fleet_patterns`)."""
    remaining = None if time_limit is None else max(0.5, time_limit - (time.perf_counter() - started))
    try:
        result = solve_patterns(
            problem.cpu,
            problem.memory,
            problem.replicas,
            problem.node_cpu,
            problem.node_memory,
            problem.node_price,
            [(n.node_type, n.members) for n in start],
            slots,
            time_limit=remaining,
        )
    except TimeoutError:
        ub = sum(problem.node_price[n.node_type] for n in start)
        report = SolveReport(
            solver=solver_name(),
            status=SolveStatus.FEASIBLE,
            objective=ub,
            bound=min(capacity_bound(problem), ub),
            solve_seconds=time.perf_counter() - started,
            variables=0,
            constraints=0,
            time_limit_seconds=time_limit,
            message="no pattern packing in time; first-fit-decreasing packing",
        )
        return Packing(start, ub, report)
    bound = max(result.report.bound, min(capacity_bound(problem), result.hourly_cost))
    report = replace(result.report, bound=bound)
    return Packing([Node(k, members) for k, members in result.nodes], result.hourly_cost, report)


def _read(
    x: dict[tuple[int, int, int], pulp.LpVariable], y: dict[tuple[int, int], pulp.LpVariable], types: int
) -> list[Node]:
    placed: dict[tuple[int, int], dict[int, int]] = {}
    for (i, k, b), v in x.items():
        count = int(round(v.value() or 0.0))
        if count > 0:
            placed.setdefault((k, b), {})[i] = count
    nodes = []
    for k in range(types):
        slots = sorted(b for (kk, b) in placed if kk == k)
        nodes += [Node(k, placed[k, b]) for b in slots]
    return nodes
