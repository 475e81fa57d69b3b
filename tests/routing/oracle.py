"""Independent oracles for the routing model: scipy's MILP and brute-force enumeration.

Neither uses ``solvers.routing``: the model is rebuilt here from the problem arrays,
without pruning, decomposition or cuts.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix

from solvers.routing_problem import RoutingProblem


def _rows(problem: RoutingProblem) -> tuple[list, list, list, list, list]:
    """Constraint rows over variables [y_a (all arcs; continuous arcs fixed 0), x_l]."""
    n_a = problem.n_arcs
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []
    r = 0
    for u in range(problem.n_units):
        for lk in np.flatnonzero(problem.link_unit == u):
            rows.append(r), cols.append(n_a + lk), vals.append(1.0)
        lo.append(1.0), hi.append(1.0)
        r += 1
    for a in range(n_a):
        for lk in np.flatnonzero(problem.link_arc == a):
            rows.append(r), cols.append(n_a + lk), vals.append(problem.link_load[lk])
        rows.append(r), cols.append(a), vals.append(-1.0)
        lo.append(-np.inf), hi.append(0.0)
        r += 1
    for w in range(problem.n_workloads):
        cap = problem.workload_carbon_cap[w]
        if math.isinf(cap):
            continue
        for a in np.flatnonzero(problem.arc_workload == w):
            rows.append(r), cols.append(a), vals.append(problem.arc_carbon[a])
        for lk in np.flatnonzero(problem.unit_workload[problem.link_unit] == w):
            rows.append(r), cols.append(n_a + lk), vals.append(problem.link_carbon[lk])
        lo.append(-np.inf), hi.append(cap)
        r += 1
    for k in range(problem.n_pools):
        if math.isinf(problem.pool_capacity[k]):
            continue
        sel = problem.pool_arc.pool == k
        for a, c in zip(problem.pool_arc.item[sel], problem.pool_arc.coef[sel], strict=True):
            rows.append(r), cols.append(a), vals.append(c)
        sel = problem.pool_link.pool == k
        for lk, c in zip(problem.pool_link.item[sel], problem.pool_link.coef[sel], strict=True):
            rows.append(r), cols.append(n_a + lk), vals.append(c)
        lo.append(-np.inf), hi.append(problem.pool_capacity[k])
        r += 1
    return rows, cols, vals, lo, hi


def scipy_optimum(problem: RoutingProblem) -> float:
    """Optimal cost by scipy.optimize.milp (inf when infeasible)."""
    n_a, n_l = problem.n_arcs, problem.n_links
    rows, cols, vals, lo, hi = _rows(problem)
    matrix = coo_matrix((vals, (rows, cols)), shape=(len(lo), n_a + n_l)).tocsr()
    cost = np.concatenate([problem.arc_price, problem.link_cost])
    integrality = np.concatenate(
        [problem.arc_integer.astype(int), np.full(n_l, 1 if problem.whole_units else 0)]
    )
    upper = np.concatenate([np.where(problem.arc_integer, np.inf, 0.0), np.ones(n_l)])
    result = milp(
        cost,
        constraints=LinearConstraint(matrix, lo, hi),
        integrality=integrality,
        bounds=Bounds(np.zeros(n_a + n_l), upper),
        options={"mip_rel_gap": 1e-12},
    )
    return float(result.fun) if result.success else math.inf


def brute_force_optimum(problem: RoutingProblem) -> float:
    """Enumerate every instance vector y (0..ceil(total load) per integer arc — no optimum needs
    more); for each, the cheapest shares are an LP (scipy.linprog) — or, with whole units, an
    enumeration.
    """
    n_a, n_l = problem.n_arcs, problem.n_links
    integer = np.flatnonzero(problem.arc_integer)
    rows, cols, vals, lo, hi = _rows(problem)
    matrix = coo_matrix((vals, (rows, cols)), shape=(len(lo), n_a + n_l)).toarray()
    lo_a, hi_a = np.array(lo), np.array(hi)
    best = math.inf
    most = np.zeros(n_a)
    np.add.at(most, problem.link_arc, problem.link_load)
    ranges = [range(int(math.ceil(most[a] - 1e-9)) + 1) for a in integer]
    for counts in itertools.product(*ranges):
        y = np.zeros(n_a)
        y[integer] = counts
        fixed = matrix[:, :n_a] @ y
        a_x = matrix[:, n_a:]
        eq = lo_a == hi_a
        base = float(problem.arc_price @ y)
        if base >= best:
            continue
        if problem.whole_units:
            choices = [np.flatnonzero(problem.link_unit == u) for u in range(problem.n_units)]
            for pick in itertools.product(*choices):
                x = np.zeros(n_l)
                x[list(pick)] = 1.0
                total = a_x @ x + fixed
                if np.all(total <= hi_a + 1e-9) and np.all(total >= lo_a - 1e-9):
                    best = min(best, base + float(problem.link_cost @ x))
            continue
        res = linprog(
            problem.link_cost,
            A_ub=a_x[~eq] if (~eq).any() else None,
            b_ub=(hi_a - fixed)[~eq] if (~eq).any() else None,
            A_eq=a_x[eq],
            b_eq=(hi_a - fixed)[eq],
            bounds=[(0, 1)] * n_l,
            method="highs",
        )
        if res.status == 0:
            best = min(best, base + float(res.fun))
    return best
