"""Horizon model of commitment planning: scenarios, schedule candidates, the LP and its evaluation.

The horizon starts at the end of the usage window and lasts ``policy.horizon_months``
months of 730 hours. Scenario paths of hourly usage come from the forecaster
(:mod:`solvers.forecast`), optionally shaped by the caller's scenarios. Candidates are
every allowed offering bought now, renewals of held commitments at their expiry,
offerings bought at each expiry (replacement) and, with a ladder, at each tranche
month. The optimisation model (:mod:`solvers.commitment_scenarios`) sees each month of
each scenario as ``rows_per_month`` representative hours; every plan is then evaluated
on every hour of every scenario with the provider billing rules.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from recommender.domain.commitments import CommitmentOffering, CommitmentRequest, RiskPolicy
from recommender.domain.common import HOURS_PER_MONTH
from recommender.planning.commitment_figures import Figures, figures
from recommender.planning.commitment_inputs import PreparedProblem, utc
from solvers.billing import Billing, simulate
from solvers.commitment_problem import CommitmentProblem, FloatArray, HeldCommitment, Offer, ReservedOffer
from solvers.commitment_scenarios import (
    Block,
    Candidate,
    HeldInstrument,
    ScenarioProblem,
    ScenarioSolution,
    solve_scenarios,
)
from solvers.forecast import ForecastModel, fit_forecast

MONTH = int(HOURS_PER_MONTH)
MAX_EXPIRY_EPOCHS = 6

# The solve call: swap for a faster engine with the same signature.
SOLVE: Callable[..., ScenarioSolution] = solve_scenarios


@dataclass(frozen=True)
class Scenarios:
    """Hourly usage paths over the horizon."""

    usage: FloatArray  # (Ω, H, J)
    probabilities: FloatArray  # (Ω,)
    names: list[str]
    drivers: FloatArray  # (Ω, months, J) deterministic multipliers (what is observable later)
    model: ForecastModel
    caller_given: bool


@dataclass(frozen=True)
class Item:
    """One instrument of a schedule: held, bought now, renewed or bought later."""

    label: str
    offering: CommitmentOffering
    offer: Offer
    start: int
    end: int
    quantity: FloatArray  # (Ω,)
    kind: str  # held | now | later | renewal
    renewal_of: str = ""

    @property
    def held(self) -> bool:
        """Whether it is already owned (sunk cost)."""
        return self.kind == "held"

    @property
    def unit_cost(self) -> float:
        """Effective hourly cost per unit."""
        return (
            self.offer.unit_cost if isinstance(self.offer, ReservedOffer) else self.offer.cost_per_commitment
        )

    @property
    def start_month(self) -> int:
        """Month of the horizon it starts in."""
        return self.start // MONTH


@dataclass(frozen=True)
class Horizon:
    """Everything the horizon plans share."""

    request: CommitmentRequest
    prepared: PreparedProblem
    risk: RiskPolicy
    hours: int
    scenarios: Scenarios
    held: list[Item]
    eligible_classes: list[int]

    @property
    def months(self) -> int:
        """Horizon length in months."""
        return self.hours // MONTH

    @property
    def omega(self) -> int:
        """Number of scenarios."""
        return len(self.scenarios.probabilities)


def build_horizon(request: CommitmentRequest, prepared: PreparedProblem) -> Horizon:
    """Scenarios and held commitments over the horizon."""
    risk = request.policy.risk or RiskPolicy()
    hours = request.policy.horizon_months * MONTH
    scen = build_scenarios(request, risk, hours)
    start = utc(request.window_end())
    held = []
    for e, h in zip(prepared.held, prepared.problem.held, strict=True):
        begin = (
            0
            if e.start_time is None
            else max(0, math.ceil((utc(e.start_time) - start).total_seconds() / 3600))
        )
        end = (
            hours
            if e.end_time is None
            else min(hours, int((utc(e.end_time) - start).total_seconds() // 3600))
        )
        if end <= begin:
            continue
        held.append(
            Item(
                e.commitment_id,
                e.terms,
                h.offer,
                begin,
                end,
                np.full(len(scen.probabilities), h.quantity),
                "held",
            )
        )
    offers = [*prepared.problem.reserved, *prepared.problem.spend, *(h.offer for h in prepared.problem.held)]
    eligible = sorted({j for o in offers for j in o.covered})
    return Horizon(request, prepared, risk, hours, scen, held, eligible)


def build_scenarios(request: CommitmentRequest, risk: RiskPolicy, hours: int) -> Scenarios:
    """Sample usage paths from the forecaster fitted to the window (see the module docstring)."""
    model = fit_forecast(request.usage, seed=risk.seed)
    rng = np.random.default_rng(risk.seed)
    months = hours // MONTH
    classes = request.usage.shape[1]
    index = request.class_index()
    if not risk.scenarios:
        n = risk.sample_count
        paths = model.sample_paths(hours, n, rng)
        return Scenarios(
            paths,
            np.full(n, 1.0 / n),
            [f"sample {i + 1}" for i in range(n)],
            np.ones((n, months, classes)),
            model,
            False,
        )
    total = sum(s.probability for s in risk.scenarios)
    per = max(1, risk.sample_count // len(risk.scenarios))
    usage, probs, names, drivers = [], [], [], []
    month_of_hour = np.arange(hours) // MONTH
    for k, s in enumerate(risk.scenarios):
        mult = (
            np.full((months, classes), s.level_multiplier)
            * (1.0 + s.monthly_growth) ** np.arange(months)[:, None]
        )
        for event in s.decommissions:
            cols = [index[event.class_id]] if event.class_id else list(range(classes))
            for j in cols:
                mult[event.month :, j] *= 1.0 - event.fraction
        paths = model.sample_paths(hours, per, rng, trend=False)
        for n in range(per):
            usage.append(paths[n] * mult[month_of_hour])
            probs.append(s.probability / total / per)
            names.append((s.name or f"scenario {k + 1}") + (f" #{n + 1}" if per > 1 else ""))
            drivers.append(mult)
    return Scenarios(np.array(usage), np.array(probs), names, np.array(drivers), model, True)


def information_groups(scen: Scenarios, start_hour: int) -> tuple[int, ...] | None:
    """Scenarios indistinguishable at ``start_hour`` (same drivers in the months before) share a group."""
    month = start_hour // MONTH
    if month <= 0:
        return None
    keys: dict[bytes, int] = {}
    groups = []
    for w in range(len(scen.probabilities)):
        key = np.round(scen.drivers[w, :month], 9).tobytes()
        groups.append(keys.setdefault(key, len(keys)))
    return None if len(keys) == 1 else tuple(groups)


def lock_in_per_unit(offering: CommitmentOffering) -> float:
    """Commitment spend of one unit over its term × term months (as ``RiskFigures`` defines lock-in)."""
    term_hours = offering.term.months * HOURS_PER_MONTH
    if offering.reserved_instance is not None:
        ri = offering.reserved_instance
        spend = ri.upfront_per_unit + ri.hourly_per_unit * term_hours
    else:
        spend = term_hours
    return spend * offering.term.months


@dataclass(frozen=True)
class Slot:
    """A candidate purchase: an offering at a start hour."""

    offering: CommitmentOffering
    offer: Offer
    start: int
    kind: str  # now | later | renewal
    renewal_of: str = ""
    max_quantity: float = math.inf
    whole_units: bool = False


def slots(hz: Horizon, ladder_epochs: list[int]) -> list[Slot]:
    """Candidate purchases: now, at each ladder epoch, renewals and replacements at expiries."""
    prep = hz.prepared
    offers: list[tuple[CommitmentOffering, Offer]] = [
        *zip(prep.reserved, prep.problem.reserved, strict=True),
        *zip(prep.spend, prep.problem.spend, strict=True),
    ]
    out = []
    whole = not hz.request.policy.allow_fractional_units
    for offering, offer in offers:
        limit = offering.max_quantity or math.inf
        is_ri = isinstance(offer, ReservedOffer)
        out.append(Slot(offering, offer, 0, "now", max_quantity=limit, whole_units=is_ri and whole))
        for epoch in ladder_epochs:
            out.append(Slot(offering, offer, epoch, "later", max_quantity=limit, whole_units=is_ri and whole))
    expiries = sorted({h.end for h in hz.held if h.end < hz.hours})
    for item in hz.held:
        if item.end < hz.hours:
            out.append(
                Slot(
                    item.offering,
                    item.offer,
                    item.end,
                    "renewal",
                    item.label,
                    max_quantity=float(item.quantity[0]),
                    whole_units=isinstance(item.offer, ReservedOffer) and whole,
                )
            )
    for epoch in expiries[:MAX_EXPIRY_EPOCHS]:
        if epoch in ladder_epochs:
            continue
        for offering, offer in offers:
            is_ri = isinstance(offer, ReservedOffer)
            out.append(
                Slot(
                    offering,
                    offer,
                    epoch,
                    "later",
                    max_quantity=offering.max_quantity or math.inf,
                    whole_units=is_ri and whole,
                )
            )
    return out


def _representative(usage: FloatArray, rate: FloatArray, rows: int) -> tuple[FloatArray, FloatArray]:
    """Hours binned by on-demand-equivalent usage: (bin means, hours per bin)."""
    n = usage.shape[0]
    if n <= rows:
        return usage, np.ones(n)
    order = np.argsort(usage @ rate, kind="stable")
    bins = np.array_split(order, rows)
    return np.array([usage[b].mean(axis=0) for b in bins]), np.array([float(len(b)) for b in bins])


def scenario_problem(
    hz: Horizon, cands: list[Slot], lam: float, caps: list[float] | None = None
) -> ScenarioProblem:
    """The LP over representative hours for the given candidates and λ."""
    prob = hz.prepared.problem
    rate, norm = prob.on_demand_rate, prob.normalization
    duration = [c.offering.term.months * MONTH for c in cands]
    edges = {0, hz.hours, *range(0, hz.hours, MONTH)}
    edges |= {h.start for h in hz.held} | {h.end for h in hz.held}
    edges |= {c.start for c in cands} | {
        min(hz.hours, c.start + d) for c, d in zip(cands, duration, strict=True)
    }
    cuts = sorted(e for e in edges if 0 <= e <= hz.hours)
    blocks = []
    offsets = np.zeros(hz.omega)
    for w in range(hz.omega):
        for a, b in zip(cuts[:-1], cuts[1:], strict=True):
            rows_n = max(2, round(hz.risk.rows_per_month * (b - a) / MONTH))
            rows, weight = _representative(hz.scenarios.usage[w, a:b], rate, rows_n)
            blocks.append(Block(w, float(a), float(b), rows, weight))
            held = [
                HeldCommitment(h.offer, float(h.quantity[w])) for h in hz.held if h.start <= a and b <= h.end
            ]
            base = simulate(CommitmentProblem(rows, rate, norm, held=tuple(held)), np.zeros(0), np.zeros(0))
            offsets[w] += float(base.on_demand_cost @ weight)
    lock_cap = hz.risk.max_lock_in_currency_months or math.inf
    candidates = tuple(
        Candidate(
            c.offer,
            start_hour=float(c.start),
            duration_hours=float(d),
            max_quantity=c.max_quantity if caps is None else min(c.max_quantity, caps[i]),
            whole_units=c.whole_units,
            groups=information_groups(hz.scenarios, c.start),
            lock_in_per_unit=lock_in_per_unit(c.offering),
            upfront_per_unit=c.offer.upfront_per_unit
            if isinstance(c.offer, ReservedOffer)
            else c.offer.upfront_per_commitment,
        )
        for i, (c, d) in enumerate(zip(cands, duration, strict=True))
    )
    return ScenarioProblem(
        on_demand_rate=rate,
        normalization=norm,
        probabilities=hz.scenarios.probabilities,
        blocks=tuple(blocks),
        held=tuple(
            HeldInstrument(h.offer, float(h.quantity[0]), float(h.start), float(h.end)) for h in hz.held
        ),
        candidates=candidates,
        offsets=offsets,
        risk_aversion=lam,
        cvar_level=hz.risk.cvar_level,
        max_lock_in=lock_cap,
        max_upfront=prob.max_upfront,
    )


def items_of(hz: Horizon, cands: list[Slot], quantities: FloatArray) -> list[Item]:
    """The schedule's new items (quantity > 0 in some scenario)."""
    out = []
    for c, q in zip(cands, quantities, strict=True):
        if (q <= 1e-9).all():
            continue
        end = min(hz.hours, c.start + c.offering.term.months * MONTH)
        out.append(
            Item(c.offering.offering_id, c.offering, c.offer, c.start, end, q.copy(), c.kind, c.renewal_of)
        )
    return out


@dataclass(frozen=True)
class Evaluation:
    """A schedule billed on every hour of every scenario."""

    figures: Figures  # (Ω, months)
    plan_bill: Billing
    base_bill: Billing
    item_value: FloatArray  # (items, Ω) on-demand value covered by each new item
    item_cost: FloatArray  # (items, Ω) its cost over the horizon
    item_capacity: FloatArray  # (items, Ω) capacity offered (units or currency)
    item_used: FloatArray  # (items, Ω) capacity used
    held_value_plan: FloatArray  # (Ω,)
    held_value_base: FloatArray  # (Ω,)

    @property
    def savings(self) -> FloatArray:
        """Savings over the horizon per scenario."""
        return np.asarray(self.figures.savings.sum(axis=1), dtype=np.float64)


class Evaluator:
    """Bills schedules on the stacked scenario paths (baseline cached)."""

    def __init__(self, hz: Horizon, usage_scale: float = 1.0) -> None:
        self.hz = hz
        prob = hz.prepared.problem
        self.usage = hz.scenarios.usage.reshape(-1, prob.classes) * usage_scale
        self.rate, self.norm = prob.on_demand_rate, prob.normalization
        self._base_pieces = self._pieces(hz.held)
        self.base = self._bill(self._base_pieces[0])

    def _mask(self, item: Item, scenarios: np.ndarray) -> np.ndarray:
        hours = self.hz.hours
        active = np.zeros(hours, dtype=bool)
        active[item.start : item.end] = True
        return (scenarios[:, None] & active[None, :]).reshape(-1)

    def _pieces(self, items: list[Item]) -> tuple[list[HeldCommitment], list[int]]:
        pieces, owner = [], []
        for idx, item in enumerate(items):
            for value in np.unique(item.quantity[item.quantity > 1e-12]):
                pieces.append(
                    HeldCommitment(item.offer, float(value), self._mask(item, item.quantity == value))
                )
                owner.append(idx)
        return pieces, owner

    def _bill(self, pieces: list[HeldCommitment]) -> Billing:
        problem = CommitmentProblem(self.usage, self.rate, self.norm, held=tuple(pieces))
        return simulate(problem, np.zeros(0), np.zeros(0))

    def evaluate(self, new: list[Item]) -> Evaluation:
        """Bill held + new items."""
        hz = self.hz
        held_pieces, _ = self._base_pieces
        new_pieces, owner = self._pieces(new)
        bill = self._bill([*held_pieces, *new_pieces])
        omega, hours = hz.omega, hz.hours
        new_cost = np.zeros(omega * hours)
        item_cost = np.zeros((len(new), omega))
        for idx, item in enumerate(new):
            per_hour = np.zeros((omega, hours))
            per_hour[:, item.start : item.end] = (item.quantity * item.unit_cost)[:, None]
            new_cost += per_hour.reshape(-1)
            item_cost[idx] = per_hour.sum(axis=1)
        value = bill.covered_value.reshape(omega, hours, -1).sum(axis=1)  # (Ω, pieces)
        n_held = len(held_pieces)
        cap = bill.capacity.reshape(omega, hours, -1).sum(axis=1)
        used = bill.used.reshape(omega, hours, -1).sum(axis=1)
        item_value = np.zeros((len(new), omega))
        item_cap = np.zeros((len(new), omega))
        item_used = np.zeros((len(new), omega))
        for p, idx in enumerate(owner):
            item_value[idx] += value[:, n_held + p]
            item_cap[idx] += cap[:, n_held + p]
            item_used[idx] += used[:, n_held + p]
        base_value = self.base.covered_value.reshape(omega, hours, -1).sum(axis=1)
        problem = CommitmentProblem(self.usage, self.rate, self.norm)
        figs = figures(problem, bill, self.base, new_cost, hz.eligible_classes, omega, MONTH)
        return Evaluation(
            figures=figs,
            plan_bill=bill,
            base_bill=self.base,
            item_value=item_value,
            item_cost=item_cost,
            item_capacity=item_cap,
            item_used=item_used,
            held_value_plan=value[:, :n_held].sum(axis=1),
            held_value_base=base_value.sum(axis=1),
        )


def scaled(items: list[Item], factor: float, whole: Callable[[Item], bool]) -> list[Item]:
    """Items with quantities multiplied by ``factor`` (whole units rounded)."""
    out = []
    for item in items:
        q = item.quantity * factor
        if whole(item):
            q = np.round(q)
        out.append(replace(item, quantity=q))
    return out
