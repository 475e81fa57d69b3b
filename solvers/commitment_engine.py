"""Exact commitment planning at fleet scale: Benders cutting planes on the billing duals.

Sets
    ω   scenarios (probability π_ω, hours t with weights w_ωt, H_ω = Σ_t w_ωt);
    q   hour groups: each scenario's hours are split into groups (e.g. days);
    i   purchasable offers kept after dominance (reserved units, then spend $/h).

Variables (master)
    y_i ≥ 0 purchase (integer for whole reserved units), θ_q ≥ 0 the residual
    on-demand cost of group q, η (VaR), ξ_ω ≥ 0 (excess cost of scenario ω).

Objective
    min Σ_ω π_ω Cost_ω + λ (η + 1/(1−β) Σ_ω π_ω ξ_ω),
    Cost_ω = H_ω Σ_i e_i y_i + Σ_{q∈ω} θ_q          (e_i: effective hourly cost per unit)

Constraints
    cut[q,k]:   θ_q + β_qk·y ≥ α_qk      Benders cuts from the billing duals at iterate k
    cvar[ω]:    ξ_ω ≥ Cost_ω − η          (only with λ > 0)
    upfront_budget: Σ_i U_i y_i ≤ B;  lock_in: Σ_i L_i y_i ≤ B_L;  y_i ≤ caps.

Given a purchase, each hour's cheapest allocation is the provider's billing fill
(where :mod:`solvers.billing`'s conditions hold), so the true cost is convex and
piecewise linear in ``y`` and the cuts from :mod:`solvers.greedy_duals` are exact
supporting hyperplanes; elsewhere they are valid for the free-allocation LP. The
master's optimum is a **lower bound**; the billed cost of the best purchase
evaluated is an **upper bound**; the loop stops when they are within ``gap``
(relative). Stabilisation: in-out (the separation point moves from the incumbent
towards the master's solution). Whole units: after the LP relaxation converges, the
master becomes a MILP over the same cuts (branch-and-cut on the master), re-solved
with new cuts until the MILP's dual bound meets the best whole purchase.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from solvers import billing_kernel
from solvers.billing_kernel import FlatStructure, HeldMatrix, flatten, held_matrix
from solvers.commitment_problem import (
    BoolArray,
    CommitmentProblem,
    FloatArray,
    ReservedOffer,
    SpendOffer,
)
from solvers.engine_master import Master
from solvers.greedy_duals import Structure, bill_with_duals, compile_structure
from solvers.offer_dominance import undominated
from solvers.result import BindingConstraint, SolveReport, SolveStatus, solver_name
from solvers.second_stage_lp import group_cut

DEFAULT_GAP = 1e-6
_FORCE_NUMPY = False  # tests set it to check the compiled kernel against the numpy billing
WARM_GAP = 1e-4  # relative gap of the sampled warm-start solve
PRUNE_FACTOR = 2  # slack cuts are pruned when live cuts exceed this × (purchases + groups)
PRUNE_AGE = 3  # ... if slack in this many consecutive master solves
TRUST_REGION_FROM = 50  # purchase variables (after dominance) from which a box trust region stabilises


@dataclass(frozen=True)
class Scenario:
    """One future: usage (or weights on the base hours) with a probability."""

    probability: float = 1.0
    usage: FloatArray | None = None
    hour_weights: FloatArray | None = None
    held_active: tuple[BoolArray | None, ...] | None = None
    name: str = ""
    offset: float = 0.0  # risk terms are on the loss: cost − offset (e.g. minus the do-nothing cost)


@dataclass(frozen=True)
class RiskSpec:
    """Risk-averse objective E[cost] + λ·CVaR_β[cost] and an optional lock-in cap."""

    cvar_weight: float = 0.0
    cvar_level: float = 0.95
    expected_weight: float = 1.0  # objective = expected_weight·E[loss] + cvar_weight·CVaR_β[loss]
    max_lock_in: float = math.inf
    lock_in_term_hours: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class EngineSolution:
    """Purchase, certificate and per-scenario costs."""

    report: SolveReport
    reserved_units: FloatArray
    spend_commitment: FloatArray
    scenario_costs: FloatArray
    scenario_probabilities: FloatArray
    expected_cost: float
    cvar: float
    var: float
    lock_in: float
    iterations: int
    cuts: int
    exact_billing: bool

    @property
    def window_cost(self) -> float:
        """Objective (billed)."""
        return self.report.objective

    def as_commitment_solution(self) -> object:
        """The same purchase as a :class:`solvers.commitments.CommitmentSolution`."""
        from solvers.commitments import CommitmentSolution

        return CommitmentSolution(self.report, self.reserved_units, self.spend_commitment)


@dataclass
class _HourSet:
    usage: FloatArray  # (T, coverable classes), hour-major (the kernel reads one hour at a time)
    constant: FloatArray  # (T,) on-demand cost of classes no offer covers
    held_capacity: tuple[FloatArray | None, ...]  # per layer, (segments, T)
    held: HeldMatrix  # the same per flat segment

    @property
    def hours(self) -> int:
        return int(self.usage.shape[0])


@dataclass
class _ScenarioData:
    hour_set: int
    weights: FloatArray  # (T_set,)
    probability: float
    hours: float
    group_starts: np.ndarray  # contiguous groups over the hour set's hours
    first_group: int  # index of its first θ


def cvar_of(costs: FloatArray, prob: FloatArray, beta: float) -> tuple[float, float]:
    """(CVaR_β, VaR_β) of a discrete distribution (Rockafellar–Uryasev, exact).

    The minimum of ``η + E[(C − η)^+]/(1 − β)`` over ``η`` is attained at a scenario
    cost (the function is piecewise linear with kinks there).
    """
    if len(costs) == 0:
        return 0.0, 0.0
    c = np.asarray(costs, dtype=np.float64)
    values = c + (prob[None, :] * np.maximum(c[None, :] - c[:, None], 0.0)).sum(axis=1) / (1.0 - beta)
    best = int(np.argmin(values))
    return float(values[best]), float(c[best])


def _lock_in_per_unit(problem: CommitmentProblem, risk: RiskSpec) -> FloatArray | None:
    if not math.isfinite(risk.max_lock_in):
        return None
    out = []
    missing = []
    offers: list[ReservedOffer | SpendOffer] = [*problem.reserved, *problem.spend]
    for o in offers:
        term = risk.lock_in_term_hours.get(o.offering_id)
        if term is None:
            missing.append(o.offering_id)
            term = 0.0
        hourly = o.unit_cost if isinstance(o, ReservedOffer) else o.cost_per_commitment
        out.append(hourly * float(term))
    if missing:
        raise ValueError(f"lock_in_term_hours has no term for offers {missing[:5]}")
    return np.array(out, dtype=np.float64)


def _level_bound(values: FloatArray, weights: FloatArray, threshold: float) -> float:
    """Largest level ``z`` with Σ_t w_t [values_t > z'] ≥ threshold for all z' < z (0 if none)."""
    if threshold <= 0:
        return float(values.max(initial=0.0))
    order = np.argsort(-values, kind="stable")
    cumulative = np.cumsum(weights[order])
    hit = int(np.searchsorted(cumulative, threshold * (1 - 1e-12)))
    return 0.0 if hit >= len(order) else float(values[order[hit]])


def _profitable_max(
    problem: CommitmentProblem, usages: list[FloatArray], weights: list[FloatArray]
) -> FloatArray:
    """Purchases beyond these cannot pay off in any scenario (exact upper bounds).

    A unit of capacity at level z of a reserved offer is worth at most ρ = max_j p_j/n_j
    per normalised unit in the hours whose pool usage exceeds z (less if a savings plan
    would cover that usage); a currency/hour of a spend offer at level c at most
    max_j p_j/r_j in the hours whose coverable need exceeds c. Marginal value only
    falls with the level, so beyond the level where this upper bound drops below the
    unit's cost, more is never bought (in each scenario, hence under any convex
    combination and CVaR, whose subgradients weight scenarios non-negatively). Also
    capped at the peak need (capacity above it is idle).
    """
    out = []
    rate, norm = problem.on_demand_rate, problem.normalization
    for o in problem.reserved:
        cols = list(o.covered)
        rho = float(np.max(rate[cols] / norm[cols]))
        best = 0.0
        for u, w in zip(usages, weights, strict=True):
            need = u[:, cols] @ norm[cols]
            threshold = float(w.sum()) * o.unit_cost / (o.normalized_units * rho)
            best = max(best, _level_bound(need, w, threshold) / o.normalized_units)
        out.append(math.ceil(best - 1e-9) if o.whole_units else best)
    for sp in problem.spend:
        cols = list(sp.covered)
        rates = np.array(sp.rates)
        rho = float(np.max(rate[cols] / rates))
        best = 0.0
        for u, w in zip(usages, weights, strict=True):
            need = u[:, cols] @ rates
            threshold = float(w.sum()) * sp.cost_per_commitment / rho
            best = max(best, _level_bound(need, w, threshold))
        out.append(best)
    return np.array(out, dtype=np.float64)


def solve_engine(
    problem: CommitmentProblem,
    *,
    time_limit: float | None = None,
    gap: float = DEFAULT_GAP,
    groups: int | None = None,
) -> EngineSolution:
    """Least-cost purchase for one usage window (deterministic), with its certificate."""
    return solve_scenarios(problem, [Scenario()], RiskSpec(), time_limit=time_limit, gap=gap, groups=groups)


def _scenario_hour_sets(
    problem: CommitmentProblem, scenarios: Sequence[Scenario], structure: Structure, flat: FlatStructure
) -> tuple[list[_HourSet], list[tuple[int, FloatArray, float]]]:
    uncovered = np.setdiff1d(np.arange(problem.classes), structure.classes)
    sets: list[_HourSet] = []
    base: int | None = None
    out: list[tuple[int, FloatArray, float]] = []

    def make(usage: FloatArray, active: tuple[BoolArray | None, ...] | None) -> _HourSet:
        hours = usage.shape[0]
        held = structure.held_capacity(problem.held, active, hours)
        return _HourSet(
            usage=np.ascontiguousarray(usage[:, structure.classes], dtype=np.float64),
            constant=usage[:, uncovered] @ problem.on_demand_rate[uncovered],
            held_capacity=held,
            held=held_matrix(flat, held, hours),
        )

    for idx, sc in enumerate(scenarios):
        label = f"scenarios[{idx}]" + (f" ({sc.name})" if sc.name else "")
        if not (sc.probability > 0 and math.isfinite(sc.probability)):
            raise ValueError(f"{label}.probability must be positive and finite")
        if sc.usage is not None and sc.hour_weights is not None:
            raise ValueError(f"{label}: give usage or hour_weights, not both")
        if sc.usage is not None:
            u = np.asarray(sc.usage, dtype=np.float64)
            if u.ndim != 2 or u.shape[1] != problem.classes:
                raise ValueError(f"{label}.usage must have shape (hours, {problem.classes})")
            if not np.isfinite(u).all() or (u < 0).any():
                raise ValueError(f"{label}.usage must be finite and non-negative")
            active = sc.held_active
            if (
                active is None
                and u.shape[0] != problem.hours
                and any(h.active is not None for h in problem.held)
            ):
                raise ValueError(f"{label}.held_active is required: its hours differ from the problem's")
            if active is not None and len(active) != len(problem.held):
                raise ValueError(f"{label}.held_active must have one entry per held commitment")
            if active is None and u.shape[0] != problem.hours:
                active = tuple(None for _ in problem.held)
            sets.append(make(u, active))
            out.append((len(sets) - 1, np.ones(u.shape[0]), sc.probability))
            continue
        if base is None:
            sets.append(make(problem.usage, None))
            base = len(sets) - 1
        weights = np.ones(problem.hours) if sc.hour_weights is None else np.asarray(sc.hour_weights, float)
        if weights.shape != (problem.hours,) or not np.isfinite(weights).all() or (weights < 0).any():
            raise ValueError(f"{label}.hour_weights must be {problem.hours} finite non-negative weights")
        out.append((base, weights, sc.probability))
    return sets, out


def solve_scenarios(
    problem: CommitmentProblem,
    scenarios: Sequence[Scenario],
    risk: RiskSpec | None = None,
    *,
    time_limit: float | None = None,
    gap: float = DEFAULT_GAP,
    groups: int | None = None,
    max_iterations: int = 10_000,
    sample_step: int = 8,
    trust_region: bool | None = None,
) -> EngineSolution:
    """Purchase minimising E[cost] + λ·CVaR_β[cost] over ``scenarios`` (see module doc)."""
    started = time.perf_counter()
    risk = risk or RiskSpec()
    problem.check()
    if not scenarios:
        raise ValueError("scenarios must not be empty")
    if risk.cvar_weight < 0 or not math.isfinite(risk.cvar_weight):
        raise ValueError("risk.cvar_weight must be finite and non-negative")
    if not 0.0 <= risk.cvar_level < 1.0:
        raise ValueError("risk.cvar_level must be in [0, 1)")
    if risk.expected_weight < 0 or not math.isfinite(risk.expected_weight):
        raise ValueError("risk.expected_weight must be finite and non-negative")
    if risk.expected_weight + risk.cvar_weight <= 0:
        raise ValueError("risk.expected_weight + risk.cvar_weight must be positive")
    if risk.max_lock_in < 0:
        raise ValueError("risk.max_lock_in must be non-negative")
    lock_all = _lock_in_per_unit(problem, risk)
    keep_r, keep_s = undominated(problem, lock_all)
    kept = np.concatenate([keep_r, keep_s])
    reduced = CommitmentProblem(
        usage=problem.usage,
        on_demand_rate=problem.on_demand_rate,
        normalization=problem.normalization,
        reserved=tuple(o for o, k in zip(problem.reserved, keep_r, strict=True) if k),
        spend=tuple(o for o, k in zip(problem.spend, keep_s, strict=True) if k),
        held=problem.held,
        max_upfront=problem.max_upfront,
        labels=problem.labels,
    )
    structure = compile_structure(reduced)
    flat = flatten(structure)
    sets, scen = _scenario_hour_sets(problem, scenarios, structure, flat)
    prob = np.array([p for _, _, p in scen], dtype=np.float64)
    prob = prob / prob.sum()
    offsets = np.array([float(sc.offset) for sc in scenarios], dtype=np.float64)
    if not np.isfinite(offsets).all():
        raise ValueError("scenario offsets must be finite")
    engine = _Engine(
        reduced,
        structure,
        flat,
        sets,
        scen,
        prob,
        risk,
        lock_all[kept] if lock_all is not None else None,
        groups,
        offsets,
    )
    engine.trust = engine.n_y >= TRUST_REGION_FROM if trust_region is None else trust_region
    warm = None
    if sample_step > 1 and engine.hours >= 24 * sample_step * 20:
        budget = None if time_limit is None else 0.3 * time_limit
        warm = engine.sampled(sample_step).run(started, budget, WARM_GAP, max_iterations, relax=True).y
    result = engine.run(started, time_limit, gap, max_iterations, warm=warm)
    x_full = np.zeros(len(problem.reserved))
    c_full = np.zeros(len(problem.spend))
    x_full[keep_r] = result.y[: len(reduced.reserved)]
    c_full[keep_s] = result.y[len(reduced.reserved) :]
    lock_in = float(lock_all @ np.concatenate([x_full, c_full])) if lock_all is not None else 0.0
    return EngineSolution(
        report=result.report,
        reserved_units=x_full,
        spend_commitment=c_full,
        scenario_costs=result.costs,
        scenario_probabilities=prob,
        expected_cost=float(prob @ result.costs),
        cvar=result.cvar,
        var=result.var,
        lock_in=lock_in,
        iterations=result.iterations,
        cuts=result.cuts,
        exact_billing=result.exact,
    )


@dataclass
class _RunResult:
    report: SolveReport
    y: FloatArray
    costs: FloatArray
    cvar: float
    var: float
    iterations: int
    cuts: int
    exact: bool


@dataclass
class _Evaluation:
    objective: float
    costs: FloatArray  # per scenario
    alpha: FloatArray  # per group
    beta: FloatArray  # (groups, n_y)
    group_cost: FloatArray  # billed residual cost per group
    tight: bool


class _Engine:
    def __init__(
        self,
        problem: CommitmentProblem,
        structure: Structure,
        flat: FlatStructure,
        sets: list[_HourSet],
        scen: list[tuple[int, FloatArray, float]],
        prob: FloatArray,
        risk: RiskSpec,
        lock: FloatArray | None,
        groups: int | None,
        offsets: FloatArray | None = None,
        upper: FloatArray | None = None,
    ) -> None:
        self.problem, self.structure, self.sets, self.prob, self.risk = problem, structure, sets, prob, risk
        self.flat = flat
        # Flat segment of each purchase (y index) and its capacity per unit.
        seg_of_instrument = np.full(structure.instruments, -1, dtype=np.intp)
        for seg, members in enumerate(flat.members):
            seg_of_instrument[members] = seg
        self.y_segment = seg_of_instrument[structure.held :]
        self.y_per_unit = structure.per_unit[structure.held :]
        self.offsets = np.zeros(len(scen)) if offsets is None else offsets
        # The master omits the constant −w_E·E[offset] of the objective.
        self.constant = -risk.expected_weight * float(prob @ self.offsets)
        self.n_y = len(problem.reserved) + len(problem.spend)
        self.hourly_cost = np.array(
            [o.unit_cost for o in problem.reserved] + [o.cost_per_commitment for o in problem.spend]
        )
        self.scen: list[_ScenarioData] = []
        n_groups = 0
        per = groups if groups is not None else _default_groups(len(scen))
        for set_idx, weights, p in scen:
            hours = len(weights)
            g = max(1, min(hours, per))
            starts = np.unique(np.linspace(0, hours, g + 1).astype(np.int64)[:-1])
            self.scen.append(_ScenarioData(set_idx, weights, p, float(weights.sum()), starts, n_groups))
            n_groups += len(starts)
        self.n_groups = n_groups
        self._first_groups = np.array([sc.first_group for sc in self.scen])
        self.lock = lock
        caps = np.array(
            [o.max_units for o in problem.reserved] + [o.max_commitment for o in problem.spend],
            dtype=np.float64,
        )
        if upper is None:
            full = [self._full_usage(s) for s in sets]
            useful = _profitable_max(
                problem,
                [full[sc.hour_set] for sc in self.scen],
                [sc.weights for sc in self.scen],
            )
            upper = np.minimum(caps, useful)
        self.upper = upper
        self.integer = np.array(
            [o.whole_units for o in problem.reserved] + [False] * len(problem.spend), dtype=bool
        )
        self.upper = np.where(self.integer, np.floor(self.upper + 1e-9), self.upper)
        self.upfront = np.array(
            [o.upfront_per_unit for o in problem.reserved] + [o.upfront_per_commitment for o in problem.spend]
        )

    def sampled(self, step: int) -> _Engine:
        """The same problem on every ``step``-th day of each hour set (weights × step).

        Used only to find a good starting point: its optimum is not a bound.
        """
        sets: list[_HourSet] = []
        keep: list[np.ndarray] = []
        for hs in self.sets:
            rows = np.flatnonzero((np.arange(hs.hours) // 24) % step == step // 2)
            keep.append(rows)
            sets.append(
                _HourSet(
                    np.ascontiguousarray(hs.usage[rows]),
                    hs.constant[rows],
                    tuple(None if c is None else np.ascontiguousarray(c[:, rows]) for c in hs.held_capacity),
                    HeldMatrix(hs.held.row, np.ascontiguousarray(hs.held.capacity[:, rows])),
                )
            )
        scen = [(sc.hour_set, sc.weights[keep[sc.hour_set]] * step, sc.probability) for sc in self.scen]
        sub = _Engine(
            self.problem,
            self.structure,
            self.flat,
            sets,
            scen,
            self.prob,
            self.risk,
            self.lock,
            None,
            self.offsets,
            upper=self.upper,
        )
        sub.trust = self.trust
        return sub

    @property
    def hours(self) -> int:
        """Hours billed per evaluation."""
        return sum(hs.hours for hs in self.sets)

    def _full_usage(self, s: _HourSet) -> FloatArray:
        full = np.zeros((s.hours, self.problem.classes))
        full[:, self.structure.classes] = s.usage
        return full

    def _bill(self, hs: _HourSet, y: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(residual cost (T,), capacity duals (T, flat segments), cut intercept (T,))."""
        st = self.structure
        if billing_kernel.AVAILABLE and not _FORCE_NUMPY:
            d = billing_kernel.bill(self.flat, st.rate, st.per_unit, st.held, hs.usage, hs.held, y)
            return d.cost, d.w, d.uv - d.held_term
        n = bill_with_duals(st, np.ascontiguousarray(hs.usage.T), hs.held_capacity, y)
        w = (
            np.column_stack(
                [
                    n.w[li][si]
                    for li, si in zip(self.flat.seg_layer.tolist(), self.flat.seg_index.tolist(), strict=True)
                ]
            )
            if len(self.flat.seg_layer)
            else np.zeros((hs.hours, 0))
        )
        return n.cost, w, n.uv - n.held_term

    # -- evaluation -------------------------------------------------------------------
    def evaluate(self, y: FloatArray) -> _Evaluation:
        duals = [self._bill(s, y) for s in self.sets]
        costs = np.zeros(len(self.scen))
        alpha = np.zeros(self.n_groups)
        beta = np.zeros((self.n_groups, self.n_y))
        group_cost = np.zeros(self.n_groups)
        hourly = float(self.hourly_cost @ y)
        for w_idx, sc in enumerate(self.scen):
            (cost, w, intercept), hs = duals[sc.hour_set], self.sets[sc.hour_set]
            wt = sc.weights
            f = cost + hs.constant
            costs[w_idx] = float(wt @ f) + sc.hours * hourly
            rows = slice(sc.first_group, sc.first_group + len(sc.group_starts))
            group_cost[rows] = np.add.reduceat(wt * f, sc.group_starts)
            alpha[rows] = np.add.reduceat(wt * (intercept + hs.constant), sc.group_starts)
            agg = np.add.reduceat(w * wt[:, None], sc.group_starts, axis=0)  # (G, flat segments)
            beta[rows] = agg[:, self.y_segment] * self.y_per_unit
        objective = self.objective_of(costs)
        cut_at_y = alpha - beta @ y
        loose = cut_at_y < group_cost - 1e-9 * np.maximum(1.0, np.abs(group_cost))
        tight = not bool(loose.any())
        for q in np.flatnonzero(loose):
            w_idx = int(np.searchsorted(self._first_groups, q, side="right") - 1)
            sc = self.scen[w_idx]
            hs = self.sets[sc.hour_set]
            local = q - sc.first_group
            lo = int(sc.group_starts[local])
            hi = int(sc.group_starts[local + 1]) if local + 1 < len(sc.group_starts) else len(sc.weights)
            held = [None if c is None else c[:, lo:hi].T for c in hs.held_capacity]
            exact_cut = group_cut(self.structure, hs.usage[lo:hi], held, y, sc.weights[lo:hi])
            if exact_cut is None:
                continue
            value, b = exact_cut
            value += float(sc.weights[lo:hi] @ hs.constant[lo:hi])
            alpha[q] = value + b @ y
            beta[q] = b
        return _Evaluation(objective, costs, alpha, beta, group_cost, tight)

    def objective_of(self, costs: FloatArray) -> float:
        loss = costs - self.offsets
        expected = self.risk.expected_weight * float(self.prob @ loss)
        if self.risk.cvar_weight <= 0:
            return expected
        cvar, _ = cvar_of(loss, self.prob, self.risk.cvar_level)
        return expected + self.risk.cvar_weight * cvar

    def feasible(self, y: FloatArray, integral: bool = True) -> bool:
        if (y < -1e-9).any() or (y > self.upper + 1e-9).any():
            return False
        if math.isfinite(self.problem.max_upfront) and self.upfront @ y > self.problem.max_upfront * (
            1 + 1e-9
        ):
            return False
        if self.lock is not None and self.lock @ y > self.risk.max_lock_in * (1 + 1e-9):
            return False
        if not integral:
            return True
        return bool(np.all(np.abs(y[self.integer] - np.round(y[self.integer])) <= 1e-9))

    # -- main loop --------------------------------------------------------------------
    def build_master(self, scale: float) -> Master:
        purchase = np.zeros(self.n_y)
        theta_weight = np.zeros(self.n_groups)
        groups_of: list[np.ndarray] = []
        hourly_rows: list[FloatArray] = []
        for w_idx, sc in enumerate(self.scen):
            p = self.prob[w_idx] * self.risk.expected_weight
            purchase += p * sc.hours * self.hourly_cost
            ids = np.arange(sc.first_group, sc.first_group + len(sc.group_starts))
            theta_weight[ids] = p
            groups_of.append(ids)
            hourly_rows.append(sc.hours * self.hourly_cost)
        side: list[tuple[FloatArray, float, str]] = []
        if math.isfinite(self.problem.max_upfront):
            side.append((self.upfront, self.problem.max_upfront, "upfront_budget"))
        if self.lock is not None:
            side.append((self.lock, self.risk.max_lock_in, "lock_in"))
        risk = None
        if self.risk.cvar_weight > 0:
            risk = (
                self.risk.cvar_weight,
                self.risk.cvar_level,
                self.prob,
                groups_of,
                hourly_rows,
                self.offsets,
            )
        return Master(
            purchase_cost=purchase,
            upper=self.upper,
            integer=self.integer,
            theta_weight=theta_weight,
            scale=scale,
            side_rows=side,
            risk=risk,
            theta_lower=np.zeros(self.n_groups),
        )

    def run(
        self,
        started: float,
        time_limit: float | None,
        gap: float,
        max_iterations: int,
        warm: FloatArray | None = None,
        relax: bool = False,
    ) -> _RunResult:
        """Cutting planes from ``y = 0`` (and ``warm``, a good point, if given).

        ``relax`` solves the continuous relaxation only (whole units ignored).
        """

        def remaining() -> float | None:
            return None if time_limit is None else max(0.0, time_limit - (time.perf_counter() - started))

        integer = self.integer.any() and not relax
        y0 = np.zeros(self.n_y)
        ev0 = self.evaluate(y0)
        scale = max(1.0, abs(ev0.objective)) / max(1, self.n_groups)
        master = self.build_master(scale)
        exact = ev0.tight
        self._add_cuts(master, ev0, None)
        best_y, best = y0, ev0  # best point of the relaxation
        best_int_y, best_int = y0, ev0  # best whole point (y = 0 is whole and feasible)
        if warm is not None:
            for cand in [np.clip(warm, 0.0, self.upper), *self._round_incumbent(warm)]:
                if not self._side_feasible(cand):
                    continue
                ev = self.evaluate(cand)
                exact &= ev.tight
                self._add_cuts(master, ev, None)
                if ev.objective < best.objective:
                    best_y, best = cand, ev
                if self.feasible(cand) and ev.objective < best_int.objective:
                    best_int_y, best_int = cand, ev
        lower = -math.inf
        iterations = 0
        alpha_io = 0.5
        phase_integer = False
        trust = self.trust
        radius = 0.25 * np.maximum(self.upper, 1e-9)
        box = (np.zeros(self.n_y), self.upper.copy())
        status = SolveStatus.OPTIMAL
        message = ""
        while True:
            rem = remaining()
            if (rem is not None and rem <= 0) or iterations >= max_iterations:
                status, message = SolveStatus.FEASIBLE, "time or iteration limit reached"
                break
            iterations += 1
            if trust and not phase_integer:
                box = (np.maximum(0.0, best_y - radius), np.minimum(self.upper, best_y + radius))
                master.set_box(*box)
            res = master.solve(rem)
            if master.live_cuts > PRUNE_FACTOR * (self.n_y + self.n_groups):
                master.prune(PRUNE_AGE)
            if not np.isfinite(res.bound) or not len(res.y):
                if not np.isfinite(res.bound):
                    status, message = SolveStatus.FEASIBLE, f"master: {res.status}"
                    break
            certified = not (trust and not phase_integer) or _box_inactive(res.y, box, self.upper)
            if certified:
                lower = max(lower, res.bound + self.constant)
            target = best_int if phase_integer else best
            if target.objective - lower <= gap * max(abs(target.objective), 1e-9):
                if phase_integer or not integer:
                    break
                if self.feasible(best_y):  # the relaxation's optimum is whole already
                    best_int_y, best_int = best_y, best
                    break
                phase_integer = True
                master.set_box(np.zeros(self.n_y), self.upper)
                master.prune(1)  # the MILP carries only the cuts binding at the LP optimum
                master.set_integer(True)
                master.set_mip_gap(0.3 * gap)
                for cand in self._round_incumbent(best_y):
                    ev = self.evaluate(cand)
                    exact &= ev.tight
                    self._add_cuts(master, ev, None)
                    if ev.objective < best_int.objective:
                        best_int_y, best_int = cand, ev
                if best_int.objective - lower <= gap * max(abs(best_int.objective), 1e-9):
                    break  # a rounding of the relaxation is certified: no MILP needed
                master.set_start(best_int_y, best_int.group_cost, self._risk_start(best_int))
                continue
            y_m = np.clip(res.y, 0.0, self.upper)
            if trust and not phase_integer:
                predicted = best.objective - (res.objective + self.constant)
                if predicted <= gap * max(abs(best.objective), 1e-9):
                    radius = np.minimum(radius * 4.0, np.maximum(self.upper, 1e-9))  # certify: widen
                    if certified:
                        lower = max(lower, res.bound + self.constant)
                    continue
                ev = self.evaluate(y_m)
                exact &= ev.tight
                added = self._add_cuts(master, ev, (res.y, res.theta))
                if not added and certified:
                    # The model is exact at its global optimum: the bound is final.
                    if ev.objective < best.objective and self._side_feasible(y_m):
                        best_y, best = y_m, ev
                    if self.feasible(y_m) and ev.objective < best_int.objective:
                        best_int_y, best_int = y_m, ev
                    message = (
                        "cutting planes converged; the remaining gap is billing above the free allocation"
                    )
                    if integer:
                        phase_integer = True
                        master.set_box(np.zeros(self.n_y), self.upper)
                        master.set_integer(True)
                        master.set_mip_gap(0.3 * gap)
                        continue
                    break
                if not added:
                    # The model is exact at the box optimum, which lies on the box: widen it.
                    radius = np.minimum(radius * 4.0, np.maximum(self.upper, 1e-9))
                    if ev.objective < best.objective and self._side_feasible(y_m):
                        best_y, best = y_m, ev
                    continue
                actual = best.objective - ev.objective
                if actual >= 0.1 * predicted and self._side_feasible(y_m):
                    best_y, best = y_m, ev
                    if actual >= 0.5 * predicted and not certified:
                        radius = np.minimum(radius * 2.0, np.maximum(self.upper, 1e-9))
                else:
                    radius = radius * 0.7
                if self.feasible(y_m) and ev.objective < best_int.objective:
                    best_int_y, best_int = y_m, ev
                continue
            if phase_integer:
                y_m = np.where(self.integer, np.round(y_m), y_m)
                y_sep = y_m
            else:
                y_sep = alpha_io * y_m + (1 - alpha_io) * best_y
            ev = self.evaluate(y_sep)
            exact &= ev.tight
            added = self._add_cuts(master, ev, (res.y, res.theta))
            if ev.objective < best.objective and self._side_feasible(y_sep):
                best_y, best = y_sep, ev
            if self.feasible(y_sep) and ev.objective < best_int.objective:
                best_int_y, best_int = y_sep, ev
                if phase_integer:
                    master.set_start(best_int_y, best_int.group_cost, self._risk_start(best_int))
            if not added and not phase_integer:
                ev = self.evaluate(y_m)
                exact &= ev.tight
                added = self._add_cuts(master, ev, (res.y, res.theta))
                if ev.objective < best.objective:
                    best_y, best = y_m, ev
                alpha_io = min(1.0, alpha_io + 0.25)
            if not added:
                # No cut improves the model at its optimum: the bound is final (billing
                # is not the cheapest allocation here, or the tolerance is reached).
                message = "cutting planes converged; the remaining gap is billing above the free allocation"
                if integer and not phase_integer:
                    phase_integer = True
                    master.set_integer(True)
                    continue
                break
        final_y, final = (best_int_y, best_int) if integer else (best_y, best)
        if integer:
            final_y = np.where(self.integer, np.round(final_y), final_y)  # exact whole numbers
        gap_now = (final.objective - lower) / max(abs(final.objective), 1e-9)
        status = SolveStatus.OPTIMAL if gap_now <= gap else SolveStatus.FEASIBLE
        cvar, var = cvar_of(final.costs - self.offsets, self.prob, self.risk.cvar_level)
        report = SolveReport(
            solver=f"commitment engine (Benders multi-cut; master {_highs()} via highspy)",
            status=status,
            objective=final.objective,
            bound=min(lower, final.objective),
            solve_seconds=time.perf_counter() - started,
            variables=master.n_cols,
            constraints=master.live_cuts,
            time_limit_seconds=time_limit,
            binding=self._binding(final_y),
            message=message
            if status is SolveStatus.FEASIBLE and message
            else f"converged in {iterations} iterations ({master.cuts} cuts)",
        )
        return _RunResult(report, final_y, final.costs, cvar, var, iterations, master.cuts, exact)

    def _risk_start(self, ev: _Evaluation) -> FloatArray:
        """(η, ξ_ω) of a purchase's scenario costs (empty without a risk term)."""
        if self.risk.cvar_weight <= 0:
            return np.zeros(0)
        loss = ev.costs - self.offsets
        _, var = cvar_of(loss, self.prob, self.risk.cvar_level)
        return np.concatenate([[var], np.maximum(loss - var, 0.0)])

    trust = False

    def _side_feasible(self, y: FloatArray) -> bool:
        """Within caps, budget and lock-in (integrality aside)."""
        return self.feasible(y, integral=False)

    def _round_incumbent(self, y: FloatArray) -> list[FloatArray]:
        out = []
        for mode in (np.floor, np.round):
            cand = np.where(self.integer, mode(y + 1e-9), y)
            cand = np.clip(cand, 0.0, self.upper)
            if self.feasible(cand):
                out.append(cand)
        return out

    def _add_cuts(self, master: Master, ev: _Evaluation, at: tuple[FloatArray, FloatArray] | None) -> bool:
        if at is None:
            rows = np.arange(self.n_groups)
        else:
            y, theta = at
            value = ev.alpha - ev.beta @ y
            rows = np.flatnonzero(value > theta + 1e-9 * np.maximum(1.0, np.abs(theta)) + 1e-7 * master.scale)
        master.add_cuts(rows, ev.alpha[rows], ev.beta[rows])
        return len(rows) > 0

    def _binding(self, y: FloatArray) -> tuple[BindingConstraint, ...]:
        out = []
        if math.isfinite(self.problem.max_upfront):
            used = float(self.upfront @ y)
            if used >= self.problem.max_upfront * (1 - 1e-7) - 1e-9:
                out.append(
                    BindingConstraint(
                        "upfront_budget",
                        f"The upfront budget of {self.problem.max_upfront:,.2f} is fully used; "
                        "a larger budget would save more.",
                    )
                )
        if self.lock is not None:
            used = float(self.lock @ y)
            if used >= self.risk.max_lock_in * (1 - 1e-7) - 1e-9:
                out.append(
                    BindingConstraint(
                        "lock_in",
                        f"The lock-in cap of {self.risk.max_lock_in:,.2f} (commitment × remaining term) is "
                        "fully used; a larger cap would save more.",
                    )
                )
        return tuple(out)


def _box_inactive(y: FloatArray, box: tuple[FloatArray, FloatArray], upper: FloatArray) -> bool:
    """Whether no trust-region bound binds (so the box optimum is the global one)."""
    lo, hi = box
    tol = 1e-7 * np.maximum(1.0, upper)
    low_ok = (lo <= 0.0) | (y > lo + tol)
    high_ok = (hi >= upper) | (y < hi - tol)
    return bool(np.all(low_ok & high_ok))


def _highs() -> str:
    return solver_name().split(" via")[0]


def _default_groups(scenarios: int) -> int:
    return max(4, min(365, 2000 // max(1, scenarios)))
