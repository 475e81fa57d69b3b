"""Independent oracle for the commitment-planning tests.

``TimeExpandedLP`` writes the commitment problem from its mathematical definition
(one variable per hour x instrument x covered class, no hour merging, explicit
on-demand variables, no objective constant) and solves it with
``scipy.optimize.milp`` (scipy's own HiGHS build, not PuLP). It shares no code with
``solvers.commitments`` or ``solvers.billing``: it reads only the problem's data
fields.

Model, for hours t, classes j and instruments i (held commitments, then reserved
offers k, then spend offers s):

    min  sum_t sum_j p_j o_tj + T * (sum_k a_k x_k + sum_s e_s c_s)
    s.t. sum_{i covers j} z_tij + o_tj = u_tj                         (every unit is paid once)
         sum_j n_j z_tkj <= N_k x_k        (held: N_h q_h [h active at t])   reserved capacity
         sum_j r_sj z_tsj <= c_s           (held: q_h [h active at t])       spend capacity
         sum_k U_k x_k + sum_s U_s c_s <= B
         0 <= x_k <= X_k (integer for whole units), 0 <= c_s <= C_s, z, o >= 0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from solvers.commitment_problem import CommitmentProblem, ReservedOffer


@dataclass(frozen=True)
class OracleResult:
    cost: float
    reserved_units: np.ndarray
    spend_commitment: np.ndarray


class TimeExpandedLP:
    """The joint problem (or its second stage, with the purchase fixed) as a scipy MILP."""

    def __init__(self, problem: CommitmentProblem) -> None:
        usage = np.asarray(problem.usage, dtype=float)
        hours, classes = usage.shape
        p = np.asarray(problem.on_demand_rate, dtype=float)
        norm = np.asarray(problem.normalization, dtype=float)
        self.hours, self.k, self.s = hours, len(problem.reserved), len(problem.spend)

        # (covered classes, consumption per unit of usage, capacity column or None, per-hour capacity)
        insts: list[tuple[list[int], list[float], int | None, np.ndarray | None]] = []
        for h in problem.held:
            active = np.ones(hours) if h.active is None else np.asarray(h.active, dtype=float)
            if isinstance(h.offer, ReservedOffer):
                cons = [float(norm[j]) for j in h.offer.covered]
                cap = h.quantity * h.offer.normalized_units * active
            else:
                cons = [float(r) for r in h.offer.rates]
                cap = h.quantity * active
            insts.append((list(h.offer.covered), cons, None, cap))
        for k, o in enumerate(problem.reserved):
            insts.append((list(o.covered), [float(norm[j]) for j in o.covered], k, None))
        for s, o in enumerate(problem.spend):
            insts.append((list(o.covered), [float(r) for r in o.rates], self.k + s, None))

        n_buy = self.k + self.s
        n_z = hours * sum(len(cov) for cov, _, _, _ in insts)
        self.n_buy = n_buy
        n_var = n_buy + n_z + hours * classes
        cost = np.zeros(n_var)
        cost[: self.k] = [hours * o.unit_cost for o in problem.reserved]
        cost[self.k : n_buy] = [hours * o.cost_per_commitment for o in problem.spend]
        od = n_buy + n_z  # first on-demand variable; o_tj at od + t * classes + j
        cost[od:] = np.tile(p, hours)

        rows, cols, vals, lo, hi = [], [], [], [], []

        def add(entries: list[tuple[int, float]], low: float, high: float) -> None:
            r = len(lo)
            for col, val in entries:
                rows.append(r)
                cols.append(col)
                vals.append(val)
            lo.append(low)
            hi.append(high)

        cover: dict[tuple[int, int], list[tuple[int, float]]] = {
            (t, j): [(od + t * classes + j, 1.0)] for t in range(hours) for j in range(classes)
        }
        col = n_buy
        for t in range(hours):
            for cov, cons, buy, cap in insts:
                entries = []
                for j, w in zip(cov, cons, strict=True):
                    cover[t, j].append((col, 1.0))
                    entries.append((col, w))
                    col += 1
                if buy is None:
                    add(entries, -np.inf, float(cap[t]))
                else:
                    per_unit = problem.reserved[buy].normalized_units if buy < self.k else 1.0
                    add([*entries, (buy, -per_unit)], -np.inf, 0.0)
        for (t, j), entries in cover.items():
            add(entries, float(usage[t, j]), float(usage[t, j]))
        if math.isfinite(problem.max_upfront):
            upfront = [(k, o.upfront_per_unit) for k, o in enumerate(problem.reserved)]
            upfront += [(self.k + s, o.upfront_per_commitment) for s, o in enumerate(problem.spend)]
            add(upfront, -np.inf, problem.max_upfront)

        self.cost = cost
        matrix = coo_array((vals, (rows, cols)), shape=(len(lo), n_var)).tocsr()
        self.constraint = LinearConstraint(matrix, np.array(lo), np.array(hi))
        self.upper = np.full(n_var, np.inf)
        self.upper[: self.k] = [o.max_units for o in problem.reserved]
        self.upper[self.k : n_buy] = [o.max_commitment for o in problem.spend]
        self.integrality = np.zeros(n_var)
        self.integrality[: self.k] = [1 if o.whole_units else 0 for o in problem.reserved]

    def solve(self) -> OracleResult:
        """Optimal purchase and window cost."""
        return self._run(np.zeros(self.n_buy), self.upper[: self.n_buy], self.integrality)

    def cost_of(self, reserved_units: np.ndarray, spend_commitment: np.ndarray) -> float:
        """Window cost of a fixed purchase with the cheapest allocation (the second-stage LP)."""
        fixed = np.concatenate([np.asarray(reserved_units, float), np.asarray(spend_commitment, float)])
        return self._run(fixed, fixed, np.zeros_like(self.integrality)).cost

    def _run(self, lo_buy: np.ndarray, hi_buy: np.ndarray, integrality: np.ndarray) -> OracleResult:
        lower = np.zeros_like(self.upper)
        upper = self.upper.copy()
        lower[: self.n_buy], upper[: self.n_buy] = lo_buy, hi_buy
        res = milp(
            self.cost,
            constraints=self.constraint,
            integrality=integrality,
            bounds=Bounds(lower, upper),
            options={"mip_rel_gap": 1e-10, "presolve": True},
        )
        assert res.status == 0, res.message
        x = res.x[: self.k]
        return OracleResult(float(res.fun), x, res.x[self.k : self.n_buy])


@pytest.fixture(scope="session")
def oracle_lp() -> type[TimeExpandedLP]:
    """The independent time-expanded LP/MILP (a class: ``oracle_lp(problem).solve()``)."""
    return TimeExpandedLP
