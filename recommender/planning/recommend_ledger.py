"""The commitment ledger of a Recommend request and the cost of an estate state.

The ledger is hourly usage per usage class (``U[t, j]``) with on-demand rates, the
commitments held and the offerings that may be bought. A *state* of the estate is
the ledger usage, the purchases made and the monthly costs outside the ledger (vendor
portfolio, routing baselines and APIs, usage already covered by commitments in a FOCUS
export). Its cost is billed as providers bill (:func:`solvers.billing.simulate`):

    window cost  = sum_t sum_j residual[t, j] * rate_j           (on-demand remainder)
                 + sum over held instruments of effective hourly cost * active hours
                 + sum over new instruments of effective hourly cost * T
    monthly cost = window cost * 730 / T + outside monthly costs

Each instrument's cost is booked to one technology category: the category of most of
the on-demand value its covered classes have in the usage it was defined on (held:
today's usage; new: the usage it was bought for). Costs per category make the tax
overlay exact per step.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from recommender.domain.commitments import CommitmentRequest, UsageClass
from recommender.domain.common import HOURS_PER_MONTH, Kpis, TechnologyCategory, money
from recommender.planning.commitment_inputs import PreparedProblem, prepare
from solvers.billing import Billing, simulate
from solvers.commitment_problem import CommitmentProblem, FloatArray, Offer

CategoryCosts = dict[TechnologyCategory, float]


def add(a: CategoryCosts, b: CategoryCosts, sign: float = 1.0) -> CategoryCosts:
    """``a + sign * b`` per category."""
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0.0) + sign * v
    return out


@dataclass(frozen=True)
class Ledger:
    """The ledger: the commitment request (classes, usage, offerings, held, policy) and
    the prepared solver problem over its classes. ``categories[j]`` is class ``j``'s
    category (unspecified read as public cloud).
    """

    request: CommitmentRequest
    prepared: PreparedProblem
    categories: list[TechnologyCategory]
    held_categories: list[TechnologyCategory]
    offer_categories: list[TechnologyCategory] = field(default_factory=list)

    @property
    def hours(self) -> int:
        """Hours in the window."""
        return int(self.request.usage.shape[0])

    @property
    def usage(self) -> FloatArray:
        """Today's usage ``(T, J)``."""
        return self.request.usage

    @property
    def problem(self) -> CommitmentProblem:
        """The solver problem on today's usage."""
        return self.prepared.problem

    def index(self) -> dict[str, int]:
        """Column of each class id."""
        return self.request.class_index()

    def n_offers(self) -> tuple[int, int]:
        """Numbers of reserved and spend offers that may be bought."""
        return len(self.prepared.reserved), len(self.prepared.spend)

    def no_purchase(self) -> tuple[FloatArray, FloatArray]:
        """Zero purchase vectors."""
        r, s = self.n_offers()
        return np.zeros(r), np.zeros(s)

    def with_usage(self, usage: FloatArray) -> CommitmentProblem:
        """The solver problem on another usage matrix of the same shape."""
        return replace(self.prepared.problem, usage=usage)


def category_of(cls: UsageClass) -> TechnologyCategory:
    """A class's category (unspecified = public cloud)."""
    return TechnologyCategory.PUBLIC_CLOUD if cls.category is TechnologyCategory.UNSPECIFIED else cls.category


def _majority(
    offer: Offer, usage: FloatArray, rate: FloatArray, categories: list[TechnologyCategory]
) -> TechnologyCategory:
    cols = list(offer.covered)
    value = usage[:, cols].sum(axis=0) * rate[cols]
    totals: dict[TechnologyCategory, float] = {}
    for j, v in zip(cols, value.tolist(), strict=True):
        totals[categories[j]] = totals.get(categories[j], 0.0) + v
    return max(totals, key=lambda c: (totals[c], -cols.index(next(j for j in cols if categories[j] is c))))


def build_ledger(request: CommitmentRequest) -> Ledger:
    """Prepare the ledger of a commitment request (offerings the policy allows)."""
    prepared = prepare(request)
    categories = [category_of(c) for c in request.usage_classes]
    problem = prepared.problem
    held = [_majority(h.offer, problem.usage, problem.on_demand_rate, categories) for h in problem.held]
    ledger = Ledger(request, prepared, categories, held)
    return ledger


def offer_categories(ledger: Ledger, usage: FloatArray) -> list[TechnologyCategory]:
    """Category of each offer that may be bought (reserved then spend), by ``usage``."""
    problem = ledger.problem
    offers: list[Offer] = [*problem.reserved, *problem.spend]
    return [_majority(o, usage, problem.on_demand_rate, ledger.categories) for o in offers]


@dataclass(frozen=True)
class LedgerCost:
    """A ledger billing: monthly cost per category, hourly total cost, the billing itself."""

    monthly: CategoryCosts
    hourly: FloatArray
    bill: Billing
    problem: CommitmentProblem


def ledger_cost(
    ledger: Ledger,
    usage: FloatArray,
    purchase: tuple[FloatArray, FloatArray],
    new_categories: list[TechnologyCategory],
) -> LedgerCost:
    """Bill ``usage`` with the held commitments and the purchase; monthly costs per category."""
    problem = ledger.with_usage(usage)
    bill = simulate(problem, purchase[0], purchase[1])
    hours = problem.hours
    residual = np.maximum(usage - bill.covered_units, 0.0)
    od_by_class = residual.sum(axis=0) * problem.on_demand_rate
    window: CategoryCosts = {}
    for j, v in enumerate(od_by_class.tolist()):
        if v:
            window[ledger.categories[j]] = window.get(ledger.categories[j], 0.0) + v
    hourly = residual @ problem.on_demand_rate
    n_held = len(problem.held)
    for i, inst in enumerate(bill.instruments):
        if i < n_held:
            active = bill.capacity[:, i] > 0 if inst.active is not None else np.ones(hours, dtype=bool)
            per_hour = inst.effective_hourly_cost()
            cat = ledger.held_categories[i]
            amount = per_hour * float(active.sum())
            hourly = hourly + per_hour * active
        else:
            per_hour = inst.hourly_cost()
            if per_hour == 0.0:
                continue
            cat = new_categories[i - n_held]
            amount = per_hour * hours
            hourly = hourly + per_hour
        window[cat] = window.get(cat, 0.0) + amount
    scale = HOURS_PER_MONTH / hours
    return LedgerCost({k: v * scale for k, v in window.items()}, hourly, bill, problem)


def commitment_use(cost: LedgerCost, *, new_only: bool) -> tuple[float, float]:
    """(monthly cost, monthly used cost) of the active instruments (cost-weighted use)."""
    bill = cost.bill
    n_held = len(cost.problem.held)
    total = used = 0.0
    for i, inst in enumerate(bill.instruments):
        if new_only and i < n_held:
            continue
        cap = bill.capacity[:, i]
        hours_active = float((cap > 0).sum())
        c = inst.effective_hourly_cost() * hours_active
        if c <= 0:
            continue
        total += c
        if cap.sum() > 0:
            used += c * float(bill.used[:, i].sum() / cap.sum())
    scale = HOURS_PER_MONTH / bill.hours
    return total * scale, used * scale


def kpis(ledger: Ledger, cost: LedgerCost, eligible: list[int]) -> Kpis:
    """FinOps KPIs of a ledger billing (input currency, before the tax overlay).

    ESR = (on-demand-equivalent cost - effective cost) / on-demand-equivalent cost;
    coverage = on-demand value covered / on-demand value of the eligible classes (those
    an offering or a held commitment covers); utilisation = used / available commitment,
    cost-weighted; waste = unused commitment cost / commitment cost.
    """
    problem, bill = cost.problem, cost.bill
    scale = HOURS_PER_MONTH / problem.hours
    od_equivalent = problem.on_demand_cost() * scale
    effective = float(cost.hourly.sum()) * scale
    commitment_total, commitment_used = commitment_use(cost, new_only=False)
    eligible_value = float((problem.usage[:, eligible] @ problem.on_demand_rate[eligible]).sum()) * scale
    covered = float(bill.covered_value.sum()) * scale
    utilization = commitment_used / commitment_total if commitment_total > 0 else 0.0
    return Kpis(
        effective_savings_rate=(od_equivalent - effective) / od_equivalent if od_equivalent > 0 else 0.0,
        commitment_coverage=covered / eligible_value if eligible_value > 0 else 0.0,
        commitment_utilization=utilization,
        commitment_waste=(commitment_total - commitment_used) / commitment_total
        if commitment_total > 0
        else 0.0,
        on_demand_equivalent_monthly_cost=money(od_equivalent),
        effective_monthly_cost=money(effective),
    )


def eligible_classes(ledger: Ledger) -> list[int]:
    """Classes some held commitment or offering covers."""
    problem = ledger.problem
    offers = [*problem.reserved, *problem.spend, *(h.offer for h in problem.held)]
    return sorted({j for o in offers for j in o.covered})
