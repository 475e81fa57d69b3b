"""Risk-averse multi-period commitment planning over usage scenarios (formulations B and C).

The reference (straightforward PuLP) model of commitment planning under uncertainty:
purchases now, renewals of held commitments at their expiry and laddered tranches
later, evaluated over a planning horizon in several usage scenarios, with a
Rockafellar–Uryasev CVaR term and an optional lock-in cap. It is also the oracle
for faster engines.

Sets
    Ω   scenarios with probabilities π_ω (Σ π_ω = 1);
    B   blocks: a stretch of the horizon ``[h0, h1)`` in one scenario ω(b), given as
        representative hours r with weights w_br (hours each stands for);
    I   instruments: held commitments H (fixed quantity, active on ``[start, end)``)
        and candidates C (an offer bought at hour ``start`` for ``duration`` hours);
    Γ_i information groups of candidate i: scenarios in one group share its quantity
        (non-anticipativity: a decision taken at ``start`` may differ only between
        scenarios that are distinguishable by then); one group = a here-and-now decision.

Data
    u_brj usage (units/hour); p_j on-demand rate; n_j normalised units per unit;
    N_i normalised units per reserved unit; a_i effective hourly cost per unit
    (reserved) or per currency/hour (spend); r_ij spend rate of class j;
    A_i(b) = 1 when instrument i is active over block b (blocks never straddle an
    instrument's start or end); τ_i = Σ_{b ∈ B(ω), A_i(b)=1} (h1_b − h0_b) hours paid;
    o_ω offset of scenario ω (e.g. the cost of doing nothing, so that
    L_ω = cost_ω − o_ω is the loss against the baseline); λ ∈ [0, 1]; β ∈ [0, 1);
    ℓ_i lock-in per unit; Λ lock-in cap; U_i upfront per unit; B upfront budget.

Variables
    q_iγ ≥ 0 quantity of candidate i in group γ (integer for whole reserved units);
    z_brij ≥ 0 usage of class j covered by instrument i in representative hour r of block b;
    η free (value at risk), ξ_ω ≥ 0 (excess loss over η).

Objective
    min (1 − λ) Σ_ω π_ω L_ω + λ (η + 1/(1 − β) Σ_ω π_ω ξ_ω)
    L_ω = Σ_{b∈B(ω)} Σ_r w_br Σ_j p_j (u_brj − Σ_i z_brij) + Σ_{i∈C} a_i τ_i q_{iγ_i(ω)} − o_ω

Constraints
    cover[b,r,j]:          Σ_i z_brij ≤ u_brj
    ri_capacity[b,r,i]:    Σ_j n_j z_brij ≤ N_i q_{iγ_i(ω_b)}   (held: ≤ N_i Q_i)
    sp_capacity[b,r,i]:    Σ_j r_ij z_brij ≤ q_{iγ_i(ω_b)}       (held: ≤ Q_i)
    tail[ω]:               ξ_ω ≥ L_ω − η
    lock_in_cap:           Σ_{i starts at 0} ℓ_i q_i ≤ Λ       (commitments made now)
    upfront_budget:        Σ_{i starts at 0} U_i q_i ≤ B
    max_quantity[i,γ]:     q_iγ ≤ X_i

With λ = 0 this is the expected-cost (risk-neutral) optimum; with one scenario, one
block and every candidate bought at hour 0 it is the deterministic window model of
:mod:`solvers.commitments`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pulp

from solvers.commitment_problem import FloatArray, Offer, ReservedOffer
from solvers.pulp_runner import solve
from solvers.result import SolveReport


@dataclass(frozen=True)
class Block:
    """Representative hours of the stretch ``[start_hour, end_hour)`` of one scenario."""

    scenario: int
    start_hour: float
    end_hour: float
    usage: FloatArray  # (R, J)
    weight: FloatArray  # (R,) hours each row stands for; sums to end_hour - start_hour

    @property
    def hours(self) -> float:
        """Length of the stretch in hours."""
        return self.end_hour - self.start_hour


@dataclass(frozen=True)
class HeldInstrument:
    """A commitment already held: sunk cost, active on ``[start_hour, end_hour)``."""

    offer: Offer
    quantity: float
    start_hour: float = 0.0
    end_hour: float = math.inf


@dataclass(frozen=True)
class Candidate:
    """An offer that may be bought at ``start_hour`` for ``duration_hours``.

    ``groups[ω]`` is the information group of scenario ω (``None``: one group, a
    decision shared by every scenario). ``lock_in_per_unit`` feeds the lock-in cap.
    """

    offer: Offer
    start_hour: float = 0.0
    duration_hours: float = math.inf
    max_quantity: float = math.inf
    whole_units: bool = False
    groups: tuple[int, ...] | None = None
    lock_in_per_unit: float = 0.0
    upfront_per_unit: float = 0.0

    @property
    def end_hour(self) -> float:
        """First hour it no longer covers."""
        return self.start_hour + self.duration_hours

    @property
    def unit_cost(self) -> float:
        """Effective hourly cost of one unit (reserved) or one currency/hour (spend)."""
        if isinstance(self.offer, ReservedOffer):
            return self.offer.unit_cost
        return self.offer.cost_per_commitment

    def group_of(self, scenario: int) -> int:
        """Information group of ``scenario``."""
        return 0 if self.groups is None else self.groups[scenario]

    def group_count(self) -> int:
        """Number of distinct quantities."""
        return 1 if self.groups is None else max(self.groups) + 1


@dataclass(frozen=True)
class ScenarioProblem:
    """Scenarios, their blocks, held commitments and candidate purchases."""

    on_demand_rate: FloatArray  # (J,)
    normalization: FloatArray  # (J,)
    probabilities: FloatArray  # (Ω,)
    blocks: tuple[Block, ...]
    held: tuple[HeldInstrument, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    offsets: FloatArray | None = None  # (Ω,) o_ω; None = 0
    risk_aversion: float = 0.0  # λ
    cvar_level: float = 0.9  # β
    max_lock_in: float = math.inf
    max_upfront: float = math.inf
    labels: tuple[str, ...] = field(default_factory=tuple)

    @property
    def scenarios(self) -> int:
        """Number of scenarios."""
        return int(self.probabilities.shape[0])

    def offset(self) -> FloatArray:
        """o_ω (zeros when not given)."""
        return np.zeros(self.scenarios) if self.offsets is None else self.offsets

    def paid_hours(self, candidate: Candidate, scenario: int) -> float:
        """τ: hours of ``scenario``'s blocks in which ``candidate`` is active."""
        return sum(b.hours for b in self.blocks if b.scenario == scenario and _active(candidate, b))

    def check(self) -> None:
        """Raise ``ValueError`` on inconsistent data."""
        j = int(self.on_demand_rate.shape[0])
        if self.normalization.shape != (j,):
            raise ValueError("normalisation must have one entry per class")
        p = self.probabilities
        if p.ndim != 1 or len(p) == 0 or (p < 0).any() or abs(float(p.sum()) - 1.0) > 1e-9:
            raise ValueError("probabilities must be non-negative and sum to 1")
        if not 0.0 <= self.risk_aversion <= 1.0 or not 0.0 <= self.cvar_level < 1.0:
            raise ValueError("risk aversion must be in [0, 1] and the CVaR level in [0, 1)")
        for b in self.blocks:
            if (
                not 0 <= b.scenario < len(p)
                or b.usage.shape[1:] != (j,)
                or b.weight.shape != b.usage.shape[:1]
            ):
                raise ValueError("block shapes or scenario index are inconsistent")
            if (b.usage < 0).any() or not np.isfinite(b.usage).all() or (b.weight < 0).any():
                raise ValueError("block usage and weights must be finite and non-negative")
            if abs(float(b.weight.sum()) - b.hours) > 1e-6 * max(1.0, b.hours):
                raise ValueError("block weights must add up to the block's hours")
            instruments: list[HeldInstrument | Candidate] = [*self.held, *self.candidates]
            for inst in instruments:
                if any(b.start_hour < edge < b.end_hour for edge in (inst.start_hour, inst.end_hour)):
                    raise ValueError("a block straddles an instrument's start or end; split it")
        for c in self.candidates:
            if c.groups is not None and len(c.groups) != len(p):
                raise ValueError("candidate groups must have one entry per scenario")
        everything: list[HeldInstrument | Candidate] = [*self.held, *self.candidates]
        for inst in everything:
            if not inst.offer.covered or max(inst.offer.covered) >= j:
                raise ValueError(f"offer {inst.offer.offering_id} covers an unknown class")


def _active(inst: HeldInstrument | Candidate, block: Block) -> bool:
    return inst.start_hour <= block.start_hour and block.end_hour <= inst.end_hour


@dataclass(frozen=True)
class ScenarioSolution:
    """Optimal quantities with the per-scenario outcomes of the model."""

    report: SolveReport
    quantities: FloatArray  # (C, Ω) quantity of candidate i in scenario ω
    scenario_costs: FloatArray  # (Ω,) model cost of each scenario over its blocks
    losses: FloatArray  # (Ω,) cost − offset
    value_at_risk: float  # η (NaN when λ = 0: not in the model)
    cvar: float  # CVaR_β of the loss
    expected_loss: float  # Σ π_ω L_ω


def cvar_of(losses: FloatArray, probabilities: FloatArray, level: float) -> float:
    """CVaR_β of a discrete loss: the mean of the worst (1 − β) probability mass."""
    order = np.argsort(-losses, kind="stable")
    tail = 1.0 - level
    remaining, total = tail, 0.0
    for idx in order:
        take = min(float(probabilities[idx]), remaining)
        total += take * float(losses[idx])
        remaining -= take
        if remaining <= 1e-15:
            break
    return total / tail


def solve_scenarios(
    problem: ScenarioProblem, *, time_limit: float | None = None, mip_gap: float = 1e-9
) -> ScenarioSolution:
    """Minimise (1 − λ) E[L] + λ CVaR_β[L] over the candidate quantities."""
    problem.check()
    model = pulp.LpProblem("scenario_commitments", pulp.LpMinimize)
    rate, norm = problem.on_demand_rate, problem.normalization
    omega = problem.scenarios
    offsets = problem.offset()

    qvars: list[list[pulp.LpVariable]] = []
    for i, c in enumerate(problem.candidates):
        qvars.append(
            [
                model.add_variable(
                    f"q_{i}_{g}",
                    lowBound=0,
                    upBound=None if math.isinf(c.max_quantity) else c.max_quantity,
                    cat=pulp.LpInteger if c.whole_units else pulp.LpContinuous,
                )
                for g in range(c.group_count())
            ]
        )

    cost_terms: list[list[tuple[pulp.LpVariable, float]]] = [[] for _ in range(omega)]
    constants = np.zeros(omega)
    for i, c in enumerate(problem.candidates):
        for w in range(omega):
            tau = problem.paid_hours(c, w)
            if tau > 0:
                cost_terms[w].append((qvars[i][c.group_of(w)], c.unit_cost * tau))

    for b_idx, block in enumerate(problem.blocks):
        w = block.scenario
        constants[w] += float(block.weight @ (block.usage @ rate))
        insts: list[tuple[int, Offer, float | None, pulp.LpVariable | None]] = []
        for h, held in enumerate(problem.held):
            if _active(held, block):
                insts.append((h, held.offer, held.quantity, None))
        for i, c in enumerate(problem.candidates):
            if _active(c, block):
                insts.append((len(problem.held) + i, c.offer, None, qvars[i][c.group_of(w)]))
        if not insts:
            continue
        cover: dict[tuple[int, int], list[pulp.LpVariable]] = {}
        for idx, offer, held_qty, bought in insts:
            if isinstance(offer, ReservedOffer):
                use = {j: float(norm[j]) for j in offer.covered}
                per_unit, kind = offer.normalized_units, "ri_capacity"
            else:
                use = {j: float(r) for j, r in zip(offer.covered, offer.rates, strict=True)}
                per_unit, kind = 1.0, "sp_capacity"
            for r in range(block.usage.shape[0]):
                terms = []
                for j in sorted(use):
                    if block.usage[r, j] <= 0:
                        continue
                    z = model.add_variable(f"z_{b_idx}_{r}_{idx}_{j}", lowBound=0)
                    terms.append((z, use[j]))
                    cost_terms[w].append((z, -float(block.weight[r]) * float(rate[j])))
                    cover.setdefault((r, j), []).append(z)
                if not terms:
                    continue
                name = f"{kind}_{b_idx}_{r}_{idx}"
                if bought is None:
                    assert held_qty is not None
                    model += pulp.LpAffineExpression(terms) <= per_unit * held_qty, name
                else:
                    model += pulp.LpAffineExpression(terms) - per_unit * bought <= 0, name
        for (r, j), zs in cover.items():
            model += pulp.lpSum(zs) <= float(block.usage[r, j]), f"cover_{b_idx}_{r}_{j}"

    lam, beta = problem.risk_aversion, problem.cvar_level
    probs = problem.probabilities
    losses = [
        pulp.LpAffineExpression(cost_terms[w], constant=float(constants[w] - offsets[w]))
        for w in range(omega)
    ]
    objective = pulp.LpAffineExpression()
    eta: pulp.LpVariable | None = None
    xis: list[pulp.LpVariable] = []
    if lam < 1.0:
        for w in range(omega):
            objective += (1.0 - lam) * float(probs[w]) * losses[w]
    if lam > 0.0:
        eta = model.add_variable("eta", lowBound=None)
        objective += lam * eta
        for w in range(omega):
            xi = model.add_variable(f"xi_{w}", lowBound=0)
            xis.append(xi)
            objective += lam * float(probs[w]) / (1.0 - beta) * xi
            model += xi - losses[w] + eta >= 0, f"tail_{w}"
    model += objective, "risk_adjusted_loss"

    now = [i for i, c in enumerate(problem.candidates) if c.start_hour <= 0 and c.groups is None]
    if math.isfinite(problem.max_lock_in):
        model += (
            pulp.LpAffineExpression([(qvars[i][0], problem.candidates[i].lock_in_per_unit) for i in now])
            <= problem.max_lock_in,
            "lock_in_cap",
        )
    if math.isfinite(problem.max_upfront):
        model += (
            pulp.LpAffineExpression([(qvars[i][0], problem.candidates[i].upfront_per_unit) for i in now])
            <= problem.max_upfront,
            "upfront_budget",
        )

    report = solve(
        model,
        time_limit=time_limit,
        mip_gap=mip_gap,
        explain=_explainer(problem),
        explain_names=["lock_in_cap", "upfront_budget"],
    )
    quantities = np.zeros((len(problem.candidates), omega))
    for i, c in enumerate(problem.candidates):
        vals = np.array([v.value() or 0.0 for v in qvars[i]], dtype=np.float64)
        if c.whole_units:
            vals = np.round(vals)
        vals = np.maximum(vals, 0.0)
        quantities[i] = [vals[c.group_of(w)] for w in range(omega)]
    loss_values = np.array(
        [float(pulp.value(e)) if report.status.has_solution else math.nan for e in losses], dtype=np.float64
    )
    var = float(eta.value() or 0.0) if eta is not None and report.status.has_solution else math.nan
    return ScenarioSolution(
        report=report,
        quantities=quantities,
        scenario_costs=loss_values + offsets,
        losses=loss_values,
        value_at_risk=var,
        cvar=cvar_of(loss_values, probs, beta) if report.status.has_solution else math.nan,
        expected_loss=float(probs @ loss_values) if report.status.has_solution else math.nan,
    )


def _explainer(problem: ScenarioProblem) -> Callable[[str], str]:
    def explain(name: str) -> str:
        if name == "lock_in_cap":
            return (
                f"The lock-in cap of {problem.max_lock_in:,.2f} currency-months is fully used; a higher cap "
                "would let the plan commit more."
            )
        if name == "upfront_budget":
            return (
                f"The upfront budget of {problem.max_upfront:,.2f} is fully used; "
                "a larger budget would save more."
            )
        return name

    return explain


def single_block_problem(
    usage: FloatArray,
    on_demand_rate: FloatArray,
    normalization: FloatArray,
    candidates: Sequence[Candidate],
    held: Sequence[HeldInstrument] = (),
) -> ScenarioProblem:
    """One scenario, one block of the given hours (weight 1 each): the deterministic window."""
    hours = float(usage.shape[0])
    return ScenarioProblem(
        on_demand_rate=on_demand_rate,
        normalization=normalization,
        probabilities=np.ones(1),
        blocks=(Block(0, 0.0, hours, usage, np.ones(usage.shape[0])),),
        held=tuple(held),
        candidates=tuple(candidates),
    )
