"""Joint choice of one option per resource when held commitments couple resources.

Without commitments each resource's best option is independent of the others.
With them, moves interact: once one resource leaves a reserved family, the next
one leaving may strand reserved capacity. This MILP picks every coupled
resource's choice at once, with the provider's billing of the held commitments
as its second stage.

Sets
    R   coupled resources; O_r choices of r (stay, resize options, terminate);
    J   usage classes some held commitment covers; H held commitments;
    J(h) classes commitment h covers.

Data
    f_r    share of the month r runs;  c_ro class of choice o (-1: not a covered class);
    l_ro   linear hourly cost of choice o (list price × f_r off covered classes, else 0);
    p_j    on-demand rate; n_j normalised units per unit; w_j usage of j outside R;
    N_h    normalised units of reserved commitment h (units × size);
    q_h    currency per hour of spend commitment h, covering j at rate ρ_hj.

Variables
    y_ro ∈ {0,1}  r takes choice o;   z_hj ≥ 0  units of class j covered by h.

Objective (hourly bill of the coupled usage; held commitments are sunk)
    min  Σ_r Σ_o l_ro y_ro + Σ_j p_j (w_j + Σ_{r,o: c_ro = j} f_r y_ro) − Σ_h Σ_{j∈J(h)} p_j z_hj
         + ε Σ_r Σ_{o ≠ s_r} y_ro
    where s_r is r's current choice (staying), when it has one, and ε = max(TIE_BREAK ×
    the bill's scale, TIE_BREAK_FLOOR): among choices that bill the same, no change wins (without it the
    solver's search order decides, and a plan could move resources for no saving).

Constraints
    choose[r]:       Σ_o y_ro = 1
    cover[j]:        Σ_h z_hj ≤ w_j + Σ_{r,o: c_ro = j} f_r y_ro
    ri_capacity[h]:  Σ_j n_j z_hj ≤ N_h
    sp_capacity[h]:  Σ_j ρ_hj z_hj ≤ q_h

Given the choices, the inner allocation is the cheapest use of the held capacity,
which is what providers bill when scopes nest (see :mod:`solvers.billing`); the
planner re-bills the chosen usage with the billing simulator for every figure it
reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pulp

from solvers.commitment_problem import ReservedOffer, SpendOffer
from solvers.pulp_runner import solve
from solvers.result import SolveReport
from solvers.rightsizing_costs import CommitmentBook
from solvers.rightsizing_data import FloatArray, IntArray


@dataclass(frozen=True)
class Choice:
    """One choice of a resource: its usage class (-1 = none) and linear hourly cost."""

    usage_class: int
    linear_hourly: float


@dataclass(frozen=True)
class JointSelection:
    """Index of the chosen choice of every resource, with the solve report."""

    chosen: IntArray
    report: SolveReport


TIE_BREAK = 1e-8
"""Cost of a change relative to the bill's scale: ten times HiGHS's relative MIP gap (1e-9)..."""
TIE_BREAK_FLOOR = 1e-5
"""...and at least ten times its absolute gap (1e-6 per hour), or a change that bills the
same could still be returned as optimal (1e-5 per hour is under a cent a month)."""


def select_jointly(
    choices: list[list[Choice]],
    fraction: FloatArray,
    book: CommitmentBook,
    outside: FloatArray,
    *,
    current: list[int] | None = None,
    time_limit: float | None = None,
) -> JointSelection:
    """Solve the MILP of the module docstring.

    ``outside[j]`` is the usage of class ``j`` that stays whatever is chosen (usage
    outside the request plus resources not in ``choices``); ``current[r]`` is the
    index of r's no-change choice (-1: none), preferred on ties.
    """
    covered = book.covered()
    rate, norm = book.on_demand_rate, book.normalization
    model = pulp.LpProblem("rightsizing_joint", pulp.LpMinimize)
    y: list[list[pulp.LpVariable]] = []
    usage_terms: dict[int, list[tuple[pulp.LpVariable, float]]] = {}
    objective: list[tuple[pulp.LpVariable, float]] = []
    for r, opts in enumerate(choices):
        row = [model.add_variable(f"y_{r}_{o}", cat=pulp.LpBinary) for o in range(len(opts))]
        y.append(row)
        model += pulp.lpSum(row) == 1, f"choose[{r}]"
        for var, choice in zip(row, opts, strict=True):
            j = choice.usage_class
            if j >= 0 and covered[j]:
                usage_terms.setdefault(j, []).append((var, float(fraction[r])))
                objective.append((var, float(rate[j] * fraction[r])))
            elif choice.linear_hourly:
                objective.append((var, float(choice.linear_hourly)))
    classes = sorted(set(usage_terms) | {int(j) for j in np.flatnonzero(covered) if outside[j] > 0})
    z: dict[tuple[int, int], pulp.LpVariable] = {}
    for h, held in enumerate(book.held):
        for j in held.offer.covered:
            if j in classes:
                z[h, j] = model.add_variable(f"z_{h}_{j}", lowBound=0)
                objective.append((z[h, j], -float(rate[j])))
    constant = float(sum(rate[j] * outside[j] for j in classes))
    if current is not None:  # added to the choices' own terms (a variable appears once)
        scale = constant + sum(c for _, c in objective if c > 0)
        tie = max(TIE_BREAK_FLOOR, TIE_BREAK * scale)
        changes = {
            var.name
            for r, row in enumerate(y)
            if current[r] >= 0
            for o, var in enumerate(row)
            if o != current[r]
        }
        objective = [(var, c + tie if var.name in changes else c) for var, c in objective]
        listed = {var.name for var, _ in objective}
        objective += [(var, tie) for row in y for var in row if var.name in changes - listed]
    model += pulp.LpAffineExpression(objective, constant=constant)
    for j in classes:
        covering = [z[h, j] for h in range(len(book.held)) if (h, j) in z]
        if not covering:
            continue
        terms = usage_terms.get(j, [])
        model += (
            pulp.lpSum(covering) - pulp.LpAffineExpression(terms) <= float(outside[j]),
            f"cover[{j}]",
        )
    for h, held in enumerate(book.held):
        keys = [j for j in held.offer.covered if (h, j) in z]
        if not keys:
            continue
        offer = held.offer
        if isinstance(offer, ReservedOffer):
            expr = pulp.lpSum(float(norm[j]) * z[h, j] for j in keys)
            model += expr <= held.quantity * offer.normalized_units, f"ri_capacity[{h}]"
        else:
            assert isinstance(offer, SpendOffer)
            spend_rate = dict(zip(offer.covered, offer.rates, strict=True))
            expr = pulp.lpSum(float(spend_rate[j]) * z[h, j] for j in keys)
            model += expr <= held.quantity, f"sp_capacity[{h}]"
    report = solve(model, time_limit=time_limit)
    chosen = np.zeros(len(choices), dtype=np.int64)
    if report.status.has_solution:
        for r, row in enumerate(y):
            values = [v.value() or 0.0 for v in row]
            chosen[r] = int(np.argmax(values))
    return JointSelection(chosen=chosen, report=report)
