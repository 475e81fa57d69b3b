"""Independent oracle for the scenario / CVaR commitment model.

``ScenarioOracle`` writes formulation (B)/(C) from its definition with scipy
(``scipy.optimize.milp``, scipy's own HiGHS build): explicit on-demand variables
``o`` with equality cover rows (every unit is paid once), one quantity variable per
(candidate, information group), capacity rows per representative hour, and the
Rockafellar–Uryasev CVaR variables. It reads only the data fields of
``ScenarioProblem`` and shares no code with ``solvers.commitment_scenarios``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from solvers.commitment_problem import ReservedOffer
from solvers.commitment_scenarios import ScenarioProblem


@dataclass(frozen=True)
class OracleOutcome:
    objective: float
    quantities: np.ndarray  # (C, Ω)
    losses: np.ndarray  # (Ω,)


class ScenarioOracle:
    def __init__(self, problem: ScenarioProblem) -> None:
        self.p = problem

    def solve(self, fixed: np.ndarray | None = None) -> OracleOutcome:
        """Optimum (or, with ``fixed`` (C, Ω) quantities, the cost of that plan)."""
        pr = self.p
        omega = len(pr.probabilities)
        rate, norm = np.asarray(pr.on_demand_rate), np.asarray(pr.normalization)
        cols: list[float] = []  # objective coefficients
        lo: list[float] = []
        hi: list[float] = []
        integ: list[int] = []

        def var(cost: float, low: float, high: float, integer: bool = False) -> int:
            cols.append(cost)
            lo.append(low)
            hi.append(high)
            integ.append(1 if integer else 0)
            return len(cols) - 1

        # quantity variables q[i][g]
        qidx: list[list[int]] = []
        for c in pr.candidates:
            n_groups = 1 if c.groups is None else max(c.groups) + 1
            qidx.append([var(0.0, 0.0, c.max_quantity, c.whole_units) for _ in range(n_groups)])

        def group(c_i: int, w: int) -> int:
            g = pr.candidates[c_i].groups
            return 0 if g is None else g[w]

        loss_rows: list[dict[int, float]] = [{} for _ in range(omega)]  # linear part of L_w
        rows: list[tuple[dict[int, float], float, float]] = []

        def active(start: float, end: float, b) -> bool:  # type: ignore[no-untyped-def]
            return start <= b.start_hour and b.end_hour <= end

        for c_i, c in enumerate(pr.candidates):
            for w in range(omega):
                tau = sum(
                    b.end_hour - b.start_hour
                    for b in pr.blocks
                    if b.scenario == w and active(c.start_hour, c.start_hour + c.duration_hours, b)
                )
                unit = (
                    c.offer.unit_cost if isinstance(c.offer, ReservedOffer) else c.offer.cost_per_commitment
                )
                q = qidx[c_i][group(c_i, w)]
                loss_rows[w][q] = loss_rows[w].get(q, 0.0) + unit * tau

        for b in pr.blocks:
            w = b.scenario
            n_rows, n_cls = b.usage.shape
            for r in range(n_rows):
                cover: dict[int, dict[int, float]] = {j: {} for j in range(n_cls)}
                for j in range(n_cls):
                    o = var(0.0, 0.0, math.inf)
                    cover[j][o] = 1.0
                    loss_rows[w][o] = loss_rows[w].get(o, 0.0) + b.weight[r] * rate[j]
                insts = [(h.offer, h.quantity, None) for h in pr.held if active(h.start_hour, h.end_hour, b)]
                insts += [
                    (c.offer, None, qidx[c_i][group(c_i, w)])
                    for c_i, c in enumerate(pr.candidates)
                    if active(c.start_hour, c.start_hour + c.duration_hours, b)
                ]
                for offer, qty, qcol in insts:
                    cap_row: dict[int, float] = {}
                    if isinstance(offer, ReservedOffer):
                        per = offer.normalized_units
                        cons = {j: norm[j] for j in offer.covered}
                    else:
                        per = 1.0
                        cons = dict(zip(offer.covered, offer.rates, strict=True))
                    for j, cj in cons.items():
                        z = var(0.0, 0.0, math.inf)
                        cover[j][z] = 1.0
                        cap_row[z] = cj
                    if qcol is None:
                        rows.append((cap_row, -math.inf, per * qty))
                    else:
                        cap_row[qcol] = cap_row.get(qcol, 0.0) - per
                        rows.append((cap_row, -math.inf, 0.0))
                for j in range(n_cls):
                    rows.append((cover[j], float(b.usage[r, j]), float(b.usage[r, j])))

        offsets = np.zeros(omega) if pr.offsets is None else np.asarray(pr.offsets)
        lam, beta = pr.risk_aversion, pr.cvar_level
        probs = np.asarray(pr.probabilities)
        obj = np.zeros(len(cols))
        const = -(1 - lam) * float(probs @ offsets)
        for w in range(omega):
            for k, v in loss_rows[w].items():
                obj[k] += (1 - lam) * probs[w] * v
        eta = var(0.0, -math.inf, math.inf)
        obj = np.append(obj, lam)
        for w in range(omega):
            xi = var(0.0, 0.0, math.inf)
            obj = np.append(obj, lam * probs[w] / (1 - beta))
            row = {k: -v for k, v in loss_rows[w].items()}
            row[xi] = 1.0
            row[eta] = 1.0
            rows.append((row, -offsets[w], math.inf))  # xi + eta - (L_lin) >= -o_w
        now = [i for i, c in enumerate(pr.candidates) if c.start_hour <= 0 and c.groups is None]
        if math.isfinite(pr.max_lock_in):
            rows.append(
                ({qidx[i][0]: pr.candidates[i].lock_in_per_unit for i in now}, -math.inf, pr.max_lock_in)
            )
        if math.isfinite(pr.max_upfront):
            rows.append(
                ({qidx[i][0]: pr.candidates[i].upfront_per_unit for i in now}, -math.inf, pr.max_upfront)
            )

        low, high = np.array(lo), np.array(hi)
        integrality = np.array(integ)
        if fixed is not None:
            for c_i in range(len(pr.candidates)):
                for w in range(omega):
                    col = qidx[c_i][group(c_i, w)]
                    low[col] = high[col] = fixed[c_i, w]
            integrality[:] = 0
        r_i, c_i2, vals, rlo, rhi = [], [], [], [], []
        for n, (row, a, bnd) in enumerate(rows):
            for k, v in row.items():
                r_i.append(n)
                c_i2.append(k)
                vals.append(v)
            rlo.append(a)
            rhi.append(bnd)
        matrix = coo_array((vals, (r_i, c_i2)), shape=(len(rows), len(cols))).tocsr()
        res = milp(
            obj,
            constraints=LinearConstraint(matrix, np.array(rlo), np.array(rhi)),
            integrality=integrality,
            bounds=Bounds(low, high),
            options={"mip_rel_gap": 1e-10},
        )
        assert res.status == 0, res.message
        x = res.x
        losses = np.array([sum(v * x[k] for k, v in loss_rows[w].items()) - offsets[w] for w in range(omega)])
        q = np.array(
            [[x[qidx[c_i][group(c_i, w)]] for w in range(omega)] for c_i in range(len(pr.candidates))]
        ).reshape(len(pr.candidates), omega)
        return OracleOutcome(float(res.fun + const), q, losses)


@pytest.fixture(scope="session")
def scenario_oracle() -> type[ScenarioOracle]:
    return ScenarioOracle
