"""Joint commitment planning: one MILP for reserved instances and spend commitments.

Sets
    G   hour groups: hours with identical usage and held-commitment activity are
        merged exactly, group ``g`` having weight ``w_g`` (its number of hours);
    J   usage classes; K reserved offers; S spend offers; H held commitments;
    J(i) classes instrument ``i`` covers.

Data
    u_gj  usage (units/hour); p_j on-demand rate; n_j normalised units per unit;
    N_k   normalised units per reserved unit; a_k effective hourly cost per unit;
    r_ij  discounted rate of class j under spend instrument i;
    e_s   effective hourly cost of one currency/hour of spend commitment;
    Q_hg  capacity of held commitment h in group g (0 once it expired);
    U_k, U_s upfront per unit / per currency-hour; B upfront budget; T = Σ_g w_g.

Variables
    x_k ≥ 0 reserved units bought (integer unless fractional units are allowed);
    c_s ≥ 0 spend commitment bought (currency/hour);
    z_gij ≥ 0 usage units of class j covered by instrument i in group g.

Objective (window cost; the on-demand cost of all usage is a constant)
    min  Σ_g w_g Σ_j p_j u_gj − Σ_g w_g Σ_i Σ_{j∈J(i)} p_j z_gij + T (Σ_k a_k x_k + Σ_s e_s c_s)

Constraints
    cover[g,j]:        Σ_i z_gij ≤ u_gj                           (cannot cover more than is used)
    ri_capacity[g,k]:  Σ_j n_j z_gkj ≤ N_k x_k   (held: ≤ Q_hg)     (normalised reserved capacity)
    sp_capacity[g,s]:  Σ_j r_sj z_gsj ≤ c_s      (held: ≤ Q_hg)     (spend commitment in currency)
    max_units[k], max_commitment[s]: x_k ≤ X_k, c_s ≤ C_s
    upfront_budget:    Σ_k U_k x_k + Σ_s U_s c_s ≤ B

Given x and c the inner allocation is the provider's billing (reserved first, spend
dollars to the highest discount first; see :mod:`solvers.billing`), so the optimum
is the cheapest purchase as it will be billed. Variables exist only where usage is
positive, and classes no offer covers only add a constant.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pulp

from solvers.billing import simulate
from solvers.commitment_problem import (
    CommitmentProblem,
    FloatArray,
    Instrument,
    ReservedOffer,
    instruments,
)
from solvers.pulp_runner import solve
from solvers.result import SolveReport, SolveStatus


@dataclass(frozen=True)
class CommitmentSolution:
    """Purchase that minimises the window cost, with the solve report."""

    report: SolveReport
    reserved_units: FloatArray  # (K,) units of each reserved offer
    spend_commitment: FloatArray  # (S,) currency/hour of each spend offer

    @property
    def window_cost(self) -> float:
        """Optimal window cost (objective)."""
        return self.report.objective


def _hour_groups(problem: CommitmentProblem, cols: FloatArray) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """Merge identical hours: returns (unique rows, weights, index of a representative hour)."""
    parts = [problem.usage[:, cols.astype(int)]]
    for held in problem.held:
        if held.active is not None:
            parts.append(held.active.astype(np.float64)[:, None])
    key = np.hstack(parts) if parts else np.zeros((problem.hours, 0))
    unique, first, counts = np.unique(key, axis=0, return_index=True, return_counts=True)
    return unique[:, : len(cols)], counts.astype(np.float64), first


ENGINE_THRESHOLD = 20_000  # hours x classes above which the cutting-plane engine solves


def solve_commitments(
    problem: CommitmentProblem, *, time_limit: float | None = None, mip_gap: float = 1e-9
) -> CommitmentSolution:
    """Find the purchase of ``problem.reserved`` and ``problem.spend`` of least window cost.

    Small problems are solved as the joint MILP below (:func:`solve_commitments_lp`);
    above ``ENGINE_THRESHOLD`` hour-classes the exact cutting-plane engine
    (:mod:`solvers.commitment_engine`) solves the same model much faster, with the
    same certificate semantics (objective = billed cost, bound = proven lower bound).
    """
    if problem.hours * problem.classes > ENGINE_THRESHOLD:
        from solvers.commitment_engine import solve_engine

        gap = max(mip_gap, 1e-6)
        engine = solve_engine(problem, time_limit=time_limit, gap=gap)
        return CommitmentSolution(engine.report, engine.reserved_units, engine.spend_commitment)
    return solve_commitments_lp(problem, time_limit=time_limit, mip_gap=mip_gap)


def solve_commitments_lp(
    problem: CommitmentProblem, *, time_limit: float | None = None, mip_gap: float = 1e-9
) -> CommitmentSolution:
    """The straightforward joint LP/MILP in PuLP (the baseline; see the module doc)."""
    problem.check()
    zero_k, zero_s = np.zeros(len(problem.reserved)), np.zeros(len(problem.spend))
    all_insts = instruments(problem, zero_k, zero_s)
    coverable = sorted({j for inst in all_insts for j in inst.offer.covered})
    cols = np.array(coverable, dtype=np.float64)
    hours = problem.hours
    rate, norm = problem.on_demand_rate, problem.normalization
    constant = problem.on_demand_cost()

    model = pulp.LpProblem("joint_commitments", pulp.LpMinimize)
    buy_ri = [
        model.add_variable(
            f"buy_reserved_{k}",
            lowBound=0,
            upBound=None if math.isinf(o.max_units) else o.max_units,
            cat=pulp.LpInteger if o.whole_units else pulp.LpContinuous,
        )
        for k, o in enumerate(problem.reserved)
    ]
    buy_sp = [
        model.add_variable(
            f"buy_spend_{s}", lowBound=0, upBound=None if math.isinf(o.max_commitment) else o.max_commitment
        )
        for s, o in enumerate(problem.spend)
    ]
    purchase_vars: list[pulp.LpVariable | None] = [None] * len(problem.held) + buy_ri + buy_sp

    objective_terms: list[tuple[pulp.LpVariable, float]] = []
    objective_terms += [(v, hours * o.unit_cost) for v, o in zip(buy_ri, problem.reserved, strict=True)]
    objective_terms += [
        (v, hours * o.cost_per_commitment) for v, o in zip(buy_sp, problem.spend, strict=True)
    ]

    if coverable:
        usage, weight, first = _hour_groups(problem, cols)
        col_of = {j: pos for pos, j in enumerate(coverable)}
        cover_terms: dict[tuple[int, int], list[pulp.LpVariable]] = {}
        for i, inst in enumerate(all_insts):
            held_cap = inst.capacity(hours)[first] if inst.held else None
            _add_instrument(
                model,
                i,
                inst,
                usage,
                weight,
                col_of,
                rate,
                norm,
                purchase_vars[i],
                held_cap,
                objective_terms,
                cover_terms,
            )
        for (g, pos), zs in cover_terms.items():
            model += pulp.lpSum(zs) <= float(usage[g, pos]), f"cover_{g}_{pos}"

    model += pulp.LpAffineExpression(objective_terms, constant=constant), "window_cost"
    if not math.isinf(problem.max_upfront):
        upfront = [(v, o.upfront_per_unit) for v, o in zip(buy_ri, problem.reserved, strict=True)]
        upfront += [(v, o.upfront_per_commitment) for v, o in zip(buy_sp, problem.spend, strict=True)]
        model += pulp.LpAffineExpression(upfront) <= problem.max_upfront, "upfront_budget"

    report = solve(
        model,
        time_limit=time_limit,
        mip_gap=mip_gap,
        explain=_explainer(problem),
        explain_names=["upfront_budget"],
    )
    x = np.array([v.value() or 0.0 for v in buy_ri], dtype=np.float64)
    c = np.array([v.value() or 0.0 for v in buy_sp], dtype=np.float64)
    if len(x):
        x = np.where(np.array([o.whole_units for o in problem.reserved], dtype=bool), np.round(x), x)
    x, c = np.maximum(x, 0.0), np.maximum(c, 0.0)
    return CommitmentSolution(report=_as_billed(problem, report, x, c), reserved_units=x, spend_commitment=c)


def _as_billed(problem: CommitmentProblem, report: SolveReport, x: FloatArray, c: FloatArray) -> SolveReport:
    """Report the purchase's cost as the provider bills it.

    The LP allocates capacity freely; billing follows the providers' fixed order. They
    agree when that order is the cheapest allocation (disjoint or nested reserved
    scopes, spend offers whose broader scopes have one discount on the narrower ones'
    classes). Otherwise the billed cost is higher: it becomes the objective, the LP
    value stays a valid lower bound, and the status drops to FEASIBLE.
    """
    if not report.status.has_solution:
        return report
    billed = simulate(problem, x, c).total_cost
    if abs(billed - report.objective) <= 1e-7 * max(1.0, abs(report.objective)):
        return report
    return replace(
        report,
        objective=billed,
        bound=min(report.bound, report.objective),
        status=SolveStatus.FEASIBLE if billed > report.objective else report.status,
        message=(
            f"{report.message}; billed cost {billed:.6f} differs from the model's free allocation "
            f"{report.objective:.6f} (the providers' application order is not the cheapest here)"
        ),
    )


def _add_instrument(
    model: pulp.LpProblem,
    i: int,
    inst: Instrument,
    usage: FloatArray,
    weight: FloatArray,
    col_of: dict[int, int],
    rate: FloatArray,
    norm: FloatArray,
    bought: pulp.LpVariable | None,
    held_cap: FloatArray | None,
    objective_terms: list[tuple[pulp.LpVariable, float]],
    cover_terms: dict[tuple[int, int], list[pulp.LpVariable]],
) -> None:
    """Add coverage variables and per-group capacity rows of one instrument."""
    offer = inst.offer
    if isinstance(offer, ReservedOffer):
        use: dict[int, float] = {j: float(norm[j]) for j in offer.covered}
        per_unit = offer.normalized_units
        kind = "ri_capacity"
    else:
        use = {j: float(r) for j, r in zip(offer.covered, offer.rates, strict=True)}
        per_unit = 1.0
        kind = "sp_capacity"
    positions = [(j, col_of[j]) for j in sorted(use)]
    for g in range(usage.shape[0]):
        cap = None if held_cap is None else float(held_cap[g])
        if cap is not None and cap <= 0:
            continue
        terms = []
        for j, pos in positions:
            if usage[g, pos] <= 0:
                continue
            z = model.add_variable(f"z_{g}_{i}_{j}", lowBound=0)
            terms.append((z, use[j]))
            objective_terms.append((z, -weight[g] * float(rate[j])))
            cover_terms.setdefault((g, pos), []).append(z)
        if not terms:
            continue
        if bought is None:
            model += pulp.LpAffineExpression(terms) <= cap, f"{kind}_{g}_{i}"
        else:
            model += pulp.LpAffineExpression(terms) - per_unit * bought <= 0, f"{kind}_{g}_{i}"


def _explainer(problem: CommitmentProblem) -> Callable[[str], str]:
    def explain(name: str) -> str:
        if name == "upfront_budget":
            return (
                f"The upfront budget of {problem.max_upfront:,.2f} is fully used; "
                "a larger budget would save more."
            )
        return name

    return explain
