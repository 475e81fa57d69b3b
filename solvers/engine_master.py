"""The cutting-plane master LP/MILP of the commitment engine, solved with highspy.

Columns: purchases ``y`` (reserved units, then spend currency/hour), one epigraph
variable ``θ_q`` per (scenario, hour group), and for the risk term ``η`` (VaR) and
``ξ_ω`` (excess of scenario ``ω`` over ``η``). Rows are added incrementally: Benders
cuts ``θ_q + β·y ≥ α``. The model is built once and re-solved after each batch of
cuts, so HiGHS's dual simplex starts from the previous basis (a warm start).

highspy is used directly rather than through PuLP: PuLP rebuilds and re-sends the
whole model on every solve, while the master is re-solved tens of times with a few
hundred rows added each time; the HiGHS object keeps the model and its basis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy
import numpy as np

from solvers.commitment_problem import BoolArray, FloatArray

_INF = highspy.kHighsInf


@dataclass(frozen=True)
class MasterResult:
    """One master solve: status, objective, purchase and epigraph values."""

    ok: bool
    objective: float
    bound: float
    y: FloatArray
    theta: FloatArray
    status: str


class Master:
    """Incremental master problem (costs are scaled by ``1/scale`` inside HiGHS)."""

    def __init__(
        self,
        *,
        purchase_cost: FloatArray,
        upper: FloatArray,
        integer: BoolArray,
        theta_weight: FloatArray,
        scale: float,
        side_rows: list[tuple[FloatArray, float, str]],
        risk: tuple[float, float, FloatArray, list[np.ndarray], list[FloatArray], FloatArray] | None,
        theta_lower: FloatArray,
    ) -> None:
        """Build the model.

        ``purchase_cost[i]``: expected (probability-weighted) window cost of one unit of
        purchase ``i``; ``theta_weight[q]``: probability of the scenario of group ``q``;
        ``side_rows``: (coefficients on y, upper limit, name) rows (budget, lock-in);
        ``risk``: (λ, β, probabilities, groups of each scenario, hours of each
        scenario × hourly cost of each purchase is in ``purchase_rows``) or None.
        """
        self.n_y = len(purchase_cost)
        self.n_theta = len(theta_weight)
        self.scale = scale
        self.integer = integer
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("primal_feasibility_tolerance", 1e-9)
        h.setOptionValue("dual_feasibility_tolerance", 1e-9)
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.setOptionValue("mip_feasibility_tolerance", 1e-9)
        h.setOptionValue("presolve", "off")
        self.h = h
        cost = np.concatenate([purchase_cost / scale, theta_weight])  # θ columns are in units of scale
        lower = np.concatenate([np.zeros(self.n_y), theta_lower / scale])
        upper_all = np.concatenate([np.where(np.isfinite(upper), upper, _INF), np.full(self.n_theta, _INF)])
        h.addVars(self.n_y + self.n_theta, lower, upper_all)
        h.changeColsCost(self.n_y + self.n_theta, np.arange(self.n_y + self.n_theta, dtype=np.int32), cost)
        self.n_cols = self.n_y + self.n_theta
        for coef, limit, _name in side_rows:
            idx = np.flatnonzero(coef).astype(np.int32)
            h.addRow(-_INF, float(limit), len(idx), idx, coef[idx].astype(np.float64))
        self.risk_cols = 0
        if risk is not None:
            lam, beta, prob, groups, hourly_cost_rows, offsets = risk
            # eta (free), xi_w >= 0; rows: xi_w + eta - sum_q theta_q - H_w c.y >= 0 (scaled)
            eta = self.n_cols
            h.addVar(-_INF, _INF)
            h.changeColCost(eta, lam)
            xi0 = self.n_cols + 1
            n_w = len(prob)
            h.addVars(n_w, np.zeros(n_w), np.full(n_w, _INF))
            h.changeColsCost(n_w, np.arange(xi0, xi0 + n_w, dtype=np.int32), lam * prob / (1.0 - beta))
            for w in range(n_w):
                idx = np.concatenate(
                    [
                        [xi0 + w, eta],
                        self.n_y + np.asarray(groups[w], dtype=np.int64),
                        np.flatnonzero(hourly_cost_rows[w]),
                    ]
                ).astype(np.int32)
                coef = np.concatenate(
                    [
                        [1.0, 1.0],
                        -np.ones(len(groups[w])),
                        -hourly_cost_rows[w][np.flatnonzero(hourly_cost_rows[w])] / scale,
                    ]
                )
                h.addRow(-float(offsets[w]) / scale, _INF, len(idx), idx, coef)
            self.risk_cols = 1 + n_w
            self.n_cols += self.risk_cols
        self.cuts = 0  # cuts added in total
        self.fixed_rows = h.getNumRow()  # side and risk rows come first, cuts after
        self.alpha = np.zeros(0)  # right-hand sides of the live cuts (scaled)
        self.age = np.zeros(0, dtype=np.int64)  # consecutive solves each live cut was slack

    def add_cuts(self, groups: np.ndarray, alpha: FloatArray, beta: FloatArray) -> None:
        """Add cuts ``θ_q + β_q·y ≥ α_q`` (unscaled ``alpha``, ``beta``)."""
        if len(groups) == 0:
            return
        nz = np.abs(beta) > 0
        starts = np.zeros(len(groups), dtype=np.int32)
        counts = 1 + nz.sum(axis=1)
        starts[1:] = np.cumsum(counts)[:-1]
        index = np.empty(int(counts.sum()), dtype=np.int32)
        value = np.empty(int(counts.sum()))
        pos = 0
        for r, q in enumerate(groups):
            cols = np.flatnonzero(nz[r])
            index[pos] = self.n_y + int(q)
            value[pos] = 1.0
            index[pos + 1 : pos + 1 + len(cols)] = cols
            value[pos + 1 : pos + 1 + len(cols)] = beta[r, cols] / self.scale
            pos += 1 + len(cols)
        self.h.addRows(
            len(groups), alpha / self.scale, np.full(len(groups), _INF), len(index), starts, index, value
        )
        self.cuts += len(groups)
        self.age = np.concatenate([self.age, np.zeros(len(groups), dtype=np.int64)])
        self.alpha = np.concatenate([self.alpha, alpha / self.scale])

    def prune(self, max_age: int) -> int:
        """Drop cuts that were slack in the last ``max_age`` solves; returns how many.

        Every cut is valid, so the master stays a relaxation (its value a lower
        bound); only cuts away from the current solution are dropped.
        """
        drop = np.flatnonzero(self.age >= max_age)
        if len(drop) == 0:
            return 0
        rows = (self.fixed_rows + drop).astype(np.int32)
        self.h.deleteRows(len(rows), rows)
        self.age = np.delete(self.age, drop)
        self.alpha = np.delete(self.alpha, drop)
        return len(drop)

    @property
    def live_cuts(self) -> int:
        """Cuts currently in the model."""
        return len(self.age)

    def set_box(self, lower: FloatArray, upper: FloatArray) -> None:
        """Bounds of the purchase columns (a trust region, or the original bounds)."""
        idx = np.arange(self.n_y, dtype=np.int32)
        hi = np.where(np.isfinite(upper), upper, _INF)
        self.h.changeColsBounds(self.n_y, idx, np.asarray(lower, dtype=np.float64), hi.astype(np.float64))

    def set_integer(self, on: bool) -> None:
        """Switch whole-unit purchases between integer and continuous."""
        idx = np.flatnonzero(self.integer).astype(np.int32)
        if len(idx) == 0:
            return
        kind = highspy.HighsVarType.kInteger if on else highspy.HighsVarType.kContinuous
        self.h.changeColsIntegrality(len(idx), idx, np.array([kind] * len(idx)))

    def set_start(self, y: FloatArray, theta: FloatArray, risk: FloatArray) -> None:
        """Give the MILP a feasible starting solution (purchase, θ = its billed group
        costs, and η, ξ of its scenario costs), so branch-and-bound starts with an
        incumbent.
        """
        values = np.concatenate([y, theta / self.scale, risk / self.scale])
        if len(values) != self.n_cols:
            return
        sol = highspy.HighsSolution()
        sol.col_value = values.tolist()
        sol.value_valid = True
        self.h.setSolution(sol)

    def set_mip_gap(self, gap: float) -> None:
        """Relative gap at which the MILP master stops."""
        self.h.setOptionValue("mip_rel_gap", float(gap))

    def solve(self, time_limit: float | None) -> MasterResult:
        """Solve; ``bound`` is the proven lower bound (MIP dual bound or LP optimum)."""
        h = self.h
        h.setOptionValue("time_limit", float(time_limit) if time_limit is not None else _INF)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        ok = status == highspy.HighsModelStatus.kOptimal
        has_solution = info.primal_solution_status == 2
        if not has_solution:
            return MasterResult(
                False,
                math.inf,
                -math.inf,
                np.zeros(self.n_y),
                np.zeros(self.n_theta),
                h.modelStatusToString(status),
            )
        solution = h.getSolution()
        sol = np.asarray(solution.col_value)
        if len(self.age):
            row_value = np.asarray(solution.row_value)[self.fixed_rows :]
            lower = self.alpha
            slack = row_value - lower > 1e-9 * np.maximum(1.0, np.abs(lower))
            self.age = np.where(slack, self.age + 1, 0)
        objective = float(info.objective_function_value) * self.scale
        is_mip = bool(self.integer.any()) and info.mip_node_count >= 0 and _is_mip(h)
        if is_mip:
            bound = float(info.mip_dual_bound) * self.scale
        else:
            bound = objective if ok else -math.inf
        return MasterResult(
            ok,
            objective,
            bound,
            sol[: self.n_y],
            sol[self.n_y : self.n_y + self.n_theta] * self.scale,
            h.modelStatusToString(status),
        )


def _is_mip(h: highspy.Highs) -> bool:
    lp = h.getLp()
    integrality = list(lp.integrality_)
    return any(v == highspy.HighsVarType.kInteger for v in integrality)
