"""Fleet packing for large fleets: node patterns by column generation (price-and-branch).

The compact model of :mod:`solvers.fleet_packing` has a weak linear relaxation
(bin packing's classic weakness), so on hundreds of pods it stalls with a large
gap. The pattern (Gilmore-Gomory) formulation has a near-tight relaxation.

Sets
    G   member shapes (identical requests merged), R_g replicas each;
    K   node types; P generated patterns, each a node type k(p) with a_gp replicas
        of shape g that fit on it.

Master (LP, then integer over the generated patterns)
    min  Σ_p price_k(p) λ_p
    cover[g]:  Σ_p a_gp λ_p ≥ R_g          λ_p ≥ 0 (integer in the final master)

Pricing (per node type k, an exact bounded two-dimensional knapsack MILP)
    max  Σ_g π_g a_g   s.t.  Σ_g c_g a_g ≤ C_k,  Σ_g m_g a_g ≤ M_k,
                             a_g ∈ {0 .. min(R_g, ⌊C_k/c_g⌋, ⌊M_k/m_g⌋)}
    with π the duals of cover[g]; a pattern enters when Σ_g π_g a_g > price_k.

Each round solves the exact pricing MILP per node type (under the remaining time) and
also adds a greedy pattern (shapes by dual value per unit of their larger resource
share) when it has a negative reduced cost.

Bounds (Farley). After an exact pricing round, with θ = max_k (max Σ_g π_g a_g) /
price_k ≥ 1, the scaled duals π/θ are feasible for the dual of the full master, so
z_LP / θ is a lower bound on the cost of every packing; once nothing prices out
(θ = 1) it is the master LP optimum. Column generation gets 60 % of the time; the
integer master over the generated patterns (which include the heuristic packing's
nodes) gives the packing, with surplus coverage dropped from its nodes.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pulp

from solvers.pulp_runner import solve
from solvers.result import SolveReport, SolveStatus
from solvers.rightsizing_data import IntArray

EPS = 1e-9


@dataclass(frozen=True)
class PatternSolution:
    """Nodes as (type, {shape: replicas}), the cost per hour and the solve report."""

    nodes: list[tuple[int, dict[int, int]]]
    hourly_cost: float
    report: SolveReport


def _greedy_pattern(
    pi: np.ndarray, cpu: np.ndarray, mem: np.ndarray, cap_c: float, cap_m: float, upper: IntArray
) -> tuple[float, IntArray]:
    """Quick pattern: shapes by dual value per unit of their larger resource share."""
    counts = np.zeros(pi.size, dtype=np.int64)
    size = np.maximum(cpu / max(cap_c, EPS), mem / max(cap_m, EPS))
    order = np.argsort(-(pi / np.maximum(size, EPS)), kind="stable")
    left_c, left_m = cap_c, cap_m
    for g in order:
        if pi[g] <= EPS or upper[g] <= 0:
            continue
        fit = upper[g]
        if cpu[g] > 0:
            fit = min(fit, int(np.floor(left_c / cpu[g] + EPS)))
        if mem[g] > 0:
            fit = min(fit, int(np.floor(left_m / mem[g] + EPS)))
        if fit > 0:
            counts[g] = fit
            left_c -= fit * cpu[g]
            left_m -= fit * mem[g]
    return float(pi @ counts), counts


def _price_pattern(
    pi: np.ndarray,
    cpu: np.ndarray,
    mem: np.ndarray,
    cap_c: float,
    cap_m: float,
    upper: IntArray,
    time_limit: float | None,
) -> tuple[float, IntArray, float]:
    """Best pattern for one node type by an exact MILP: (value Σ π a, counts, proven upper
    bound on the value — equal to the value when solved to optimality).
    """
    useful = np.flatnonzero((pi > EPS) & (upper > 0))
    if useful.size == 0:
        return 0.0, np.zeros(pi.size, dtype=np.int64), 0.0
    model = pulp.LpProblem("pricing", pulp.LpMinimize)
    a = {
        int(g): model.add_variable(f"a_{g}", lowBound=0, upBound=int(upper[g]), cat=pulp.LpInteger)
        for g in useful
    }
    model += pulp.lpSum(-float(pi[g]) * v for g, v in a.items())  # max Σ π a
    model += pulp.lpSum(float(cpu[g]) * v for g, v in a.items()) <= cap_c + EPS, "cpu"
    model += pulp.lpSum(float(mem[g]) * v for g, v in a.items()) <= cap_m + EPS, "memory"
    report = solve(model, time_limit=time_limit)
    counts = np.zeros(pi.size, dtype=np.int64)
    if not report.status.has_solution:
        return 0.0, counts, math.inf
    for g, v in a.items():
        counts[g] = int(round(v.value() or 0.0))
    value = float(pi @ counts)
    proven = -report.bound if math.isfinite(report.bound) else math.inf
    return value, counts, max(value, proven)


def solve_patterns(
    cpu: np.ndarray,
    mem: np.ndarray,
    replicas: IntArray,
    node_cpu: np.ndarray,
    node_mem: np.ndarray,
    price: np.ndarray,
    start: list[tuple[int, dict[int, int]]],
    max_nodes: IntArray,
    *,
    time_limit: float | None,
) -> PatternSolution:
    """Column generation from the heuristic packing ``start``, then the integer master."""
    started = time.perf_counter()
    deadline = math.inf if time_limit is None else started + time_limit
    groups, types = cpu.size, price.size
    with np.errstate(divide="ignore", invalid="ignore"):
        by_c = np.where(cpu[:, None] > 0, np.floor(node_cpu[None, :] / cpu[:, None] + EPS), np.inf)
        by_m = np.where(mem[:, None] > 0, np.floor(node_mem[None, :] / mem[:, None] + EPS), np.inf)
    upper = np.minimum(np.minimum(by_c, by_m), replicas[:, None]).astype(np.int64)  # (G, K)
    patterns: list[tuple[int, IntArray]] = []
    seen: set[tuple[int, tuple[int, ...]]] = set()

    def add(k: int, counts: IntArray) -> bool:
        key = (k, tuple(int(x) for x in counts))
        if key in seen or not counts.any():
            return False
        seen.add(key)
        patterns.append((k, counts))
        return True

    for k, members in start:
        counts = np.zeros(groups, dtype=np.int64)
        for g, n in members.items():
            counts[g] = n
        add(k, counts)
    for k in range(types):
        for g in range(groups):
            if upper[g, k] > 0:
                single = np.zeros(groups, dtype=np.int64)
                single[g] = upper[g, k]
                add(k, single)

    lp_value, bound, converged, rounds = math.inf, -math.inf, False, 0
    generation_deadline = started + 0.6 * time_limit if time_limit is not None else math.inf
    while time.perf_counter() < generation_deadline:
        rounds += 1
        master = pulp.LpProblem("fleet_master_lp", pulp.LpMinimize)
        lam = [master.add_variable(f"l_{p}", lowBound=0) for p in range(len(patterns))]
        master += pulp.lpSum(float(price[k]) * v for (k, _), v in zip(patterns, lam, strict=True))
        for g in range(groups):
            master += (
                pulp.lpSum(int(c[g]) * v for (_, c), v in zip(patterns, lam, strict=True) if c[g])
                >= int(replicas[g]),
                f"cover_{g}",
            )
        report = solve(master, time_limit=max(0.1, generation_deadline - time.perf_counter()))
        if report.status is not SolveStatus.OPTIMAL:
            break
        lp_value = report.objective
        pi = np.array(
            [max(0.0, master.get_constraint_by_name(f"cover_{g}").pi or 0.0) for g in range(groups)]
        )
        entered = False
        # Exact pricing (time-limited) certifies a bound; the greedy pattern adds a second
        # column per type. Farley: with θ = max_k (max Σπa)_k / price_k ≥ 1, π/θ is dual
        # feasible, so z_LP/θ bounds every packing (= z_LP once nothing prices out).
        theta = 1.0
        for k in range(types):
            remaining = max(0.1, generation_deadline - time.perf_counter())
            value, counts, proven = _price_pattern(
                pi, cpu, mem, node_cpu[k], node_mem[k], upper[:, k], remaining
            )
            theta = max(theta, proven / price[k] if price[k] > 0 else math.inf)
            if price[k] - value < -1e-9 and add(k, counts):
                entered = True
            quick, quick_counts = _greedy_pattern(pi, cpu, mem, node_cpu[k], node_mem[k], upper[:, k])
            if price[k] - quick < -1e-9 and add(k, quick_counts):
                entered = True
        if math.isfinite(theta):
            bound = max(bound, lp_value / theta)
        if not entered:
            converged = math.isfinite(theta)
            break

    integer = pulp.LpProblem("fleet_master_ip", pulp.LpMinimize)
    lam_i = [
        integer.add_variable(f"n_{p}", lowBound=0, upBound=int(max_nodes[k]), cat=pulp.LpInteger)
        for p, (k, _) in enumerate(patterns)
    ]
    integer += pulp.lpSum(float(price[k]) * v for (k, _), v in zip(patterns, lam_i, strict=True))
    for g in range(groups):
        integer += (
            pulp.lpSum(int(c[g]) * v for (_, c), v in zip(patterns, lam_i, strict=True) if c[g])
            >= int(replicas[g]),
            f"cover_{g}",
        )
    ip_time = None if time_limit is None else max(0.5, deadline - time.perf_counter())
    ip = solve(integer, time_limit=ip_time)
    elapsed = time.perf_counter() - started
    if not ip.status.has_solution:
        raise TimeoutError("no integer master solution")
    nodes = _nodes(patterns, lam_i, replicas)
    cost = float(sum(price[k] for k, _ in nodes))
    bound = min(bound, cost)  # the restricted integer master's own bound is not valid for all patterns
    optimal = converged and cost - bound <= 1e-9 * max(1.0, cost)
    report = SolveReport(
        solver=ip.solver,
        status=SolveStatus.OPTIMAL if optimal else SolveStatus.FEASIBLE,
        objective=cost,
        bound=bound,
        solve_seconds=elapsed,
        variables=len(patterns),
        constraints=groups,
        time_limit_seconds=time_limit,
        message=(
            f"column generation: {len(patterns)} patterns in {rounds} rounds "
            f"({'converged' if converged else 'stopped at the time limit'}); master LP {lp_value:.6g}"
        ),
    )
    return PatternSolution(nodes, cost, report)


def _nodes(
    patterns: list[tuple[int, IntArray]], lam: list[pulp.LpVariable], replicas: IntArray
) -> list[tuple[int, dict[int, int]]]:
    """Expand the chosen patterns into nodes, dropping surplus coverage."""
    left = replicas.astype(np.int64).copy()
    nodes = []
    for (k, counts), var in zip(patterns, lam, strict=True):
        for _ in range(int(round(var.value() or 0.0))):
            take = np.minimum(counts, left)
            left -= take
            members = {int(g): int(n) for g, n in enumerate(take) if n > 0}
            if members:
                nodes.append((k, members))
    return nodes
