"""Independent oracle for the engine tests: the scenario / CVaR problem as one scipy MILP.

``scenario_oracle`` writes the risk-averse commitment problem from its definition:
one variable per scenario x hour x instrument x covered class, explicit on-demand
variables, Rockafellar–Uryasev CVaR variables, and the upfront / lock-in rows, and
solves it with ``scipy.optimize.milp``. It shares no code with ``solvers``: it reads
only the problem's data fields.

    min  w_E Σ_ω π_ω (Cost_ω − o_ω) + λ (η + 1/(1−β) Σ_ω π_ω ξ_ω)
    Cost_ω = Σ_t w_ωt Σ_j p_j o_ωtj + H_ω (Σ_k a_k x_k + Σ_s e_s c_s),  H_ω = Σ_t w_ωt
    s.t. Σ_{i∋j} z_ωtij + o_ωtj = u_ωtj
         Σ_j n_j z_ωtkj ≤ N_k x_k (+ held capacity),  Σ_j r_sj z_ωtsj ≤ c_s (+ held)
         ξ_ω ≥ Cost_ω − o_ω − η,  ξ ≥ 0,  budget and lock-in rows,  x integer where whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from solvers.commitment_problem import CommitmentProblem, ReservedOffer


@dataclass(frozen=True)
class OracleScenario:
    usage: np.ndarray  # (T, J)
    weights: np.ndarray  # (T,)
    probability: float
    held_active: list[np.ndarray]  # per held commitment, (T,) 0/1


def scenario_oracle(
    problem: CommitmentProblem,
    scenarios: list[OracleScenario],
    *,
    lam: float = 0.0,
    beta: float = 0.95,
    lock_in: np.ndarray | None = None,
    max_lock_in: float = math.inf,
    integral: bool = True,
    expected_weight: float = 1.0,
    offsets: list[float] | None = None,
) -> tuple[float, np.ndarray, np.ndarray]:
    """(optimal objective, reserved units, spend commitment)."""
    k, s = len(problem.reserved), len(problem.spend)
    norm, price = problem.normalization, problem.on_demand_rate
    prob = np.array([sc.probability for sc in scenarios], dtype=float)
    prob = prob / prob.sum()
    n_w = len(scenarios)
    off = np.zeros(n_w) if offsets is None else np.asarray(offsets, dtype=float)
    ew = expected_weight
    cols: list[float] = []  # objective coefficients
    lo: list[float] = []
    hi: list[float] = []
    integ: list[int] = []

    def var(cost: float, lower: float = 0.0, upper: float = np.inf, integer: int = 0) -> int:
        cols.append(cost)
        lo.append(lower)
        hi.append(upper)
        integ.append(integer)
        return len(cols) - 1

    hourly = [o.unit_cost for o in problem.reserved] + [o.cost_per_commitment for o in problem.spend]
    hours_w = [float(sc.weights.sum()) for sc in scenarios]
    buy = []
    for i in range(k + s):
        cap = problem.reserved[i].max_units if i < k else problem.spend[i - k].max_commitment
        whole = int(integral and i < k and problem.reserved[i].whole_units)
        buy.append(var(ew * sum(prob[w] * hours_w[w] * hourly[i] for w in range(n_w)), 0.0, cap, whole))
    eta = var(lam, -np.inf, np.inf) if lam > 0 else -1
    xi = [var(lam * prob[w] / (1 - beta)) for w in range(n_w)] if lam > 0 else []
    rows: list[int] = []
    rcols: list[int] = []
    vals: list[float] = []
    rlo: list[float] = []
    rhi: list[float] = []

    def row(entries: list[tuple[int, float]], low: float, high: float) -> None:
        r = len(rlo)
        for c, v in entries:
            rows.append(r)
            rcols.append(c)
            vals.append(v)
        rlo.append(low)
        rhi.append(high)

    # instruments: (covered, consumption, buy column or None, capacity per unit or held cap per hour)
    for w, sc in enumerate(scenarios):
        cost_terms: list[tuple[int, float]] = []
        t_count, classes = sc.usage.shape
        insts = []
        for h_idx, h in enumerate(problem.held):
            if isinstance(h.offer, ReservedOffer):
                cons = [float(norm[j]) for j in h.offer.covered]
                cap = h.quantity * h.offer.normalized_units * sc.held_active[h_idx]
            else:
                cons = list(h.offer.rates)
                cap = h.quantity * sc.held_active[h_idx]
            insts.append((list(h.offer.covered), cons, None, cap))
        for i, o in enumerate(problem.reserved):
            insts.append((list(o.covered), [float(norm[j]) for j in o.covered], i, o.normalized_units))
        for i, o in enumerate(problem.spend):
            insts.append((list(o.covered), list(o.rates), k + i, 1.0))
        for t in range(t_count):
            cover: dict[int, list[tuple[int, float]]] = {}
            for j in range(classes):
                od = var(ew * prob[w] * sc.weights[t] * price[j])
                cover[j] = [(od, 1.0)]
                cost_terms.append((od, sc.weights[t] * price[j]))
            for cov, cons, b, cap in insts:
                entries = []
                for j, a in zip(cov, cons, strict=True):
                    z = var(0.0)
                    cover[j].append((z, 1.0))
                    entries.append((z, a))
                if b is None:
                    row(entries, -np.inf, float(cap[t]))
                else:
                    row([*entries, (buy[b], -float(cap))], -np.inf, 0.0)
            for j, entries in cover.items():
                row(entries, float(sc.usage[t, j]), float(sc.usage[t, j]))
        if lam > 0:
            # xi_w - Cost_w + eta >= 0
            entries = [(xi[w], 1.0), (eta, 1.0)] + [(c, -v) for c, v in cost_terms]
            entries += [(buy[i], -hours_w[w] * hourly[i]) for i in range(k + s)]
            row(entries, -float(off[w]), np.inf)
    if math.isfinite(problem.max_upfront):
        up = [o.upfront_per_unit for o in problem.reserved] + [
            o.upfront_per_commitment for o in problem.spend
        ]
        row([(buy[i], up[i]) for i in range(k + s)], -np.inf, problem.max_upfront)
    if lock_in is not None and math.isfinite(max_lock_in):
        row([(buy[i], float(lock_in[i])) for i in range(k + s)], -np.inf, max_lock_in)
    matrix = coo_array((vals, (rows, rcols)), shape=(len(rlo), len(cols))).tocsr()
    res = milp(
        np.array(cols),
        constraints=LinearConstraint(matrix, np.array(rlo), np.array(rhi)),
        integrality=np.array(integ),
        bounds=Bounds(np.array(lo), np.array(hi)),
        options={"mip_rel_gap": 1e-10},
    )
    assert res.status == 0, res.message
    x = res.x[buy[:k]] if k else np.zeros(0)
    c = res.x[buy[k:]] if s else np.zeros(0)
    return float(res.fun) - ew * float(prob @ off), x, c


def oracle_scenarios(
    problem: CommitmentProblem, usages: list[np.ndarray], probs: list[float]
) -> list[OracleScenario]:
    """Scenarios with unit weights and the problem's held activity (same hours)."""
    out = []
    for u, p in zip(usages, probs, strict=True):
        active = [
            np.ones(u.shape[0]) if h.active is None else np.asarray(h.active, dtype=float)
            for h in problem.held
        ]
        out.append(OracleScenario(u, np.ones(u.shape[0]), p, active))
    return out
