"""Walk one profile's actions over the estate and attribute every action's savings.

The estate starts in today's state: ledger usage ``U0`` with the held commitments,
today's vendor portfolio, today's workload placements and the costs outside the ledger.
Actions are applied in order — vendor consolidation, workload routing, right-sizing,
then commitment purchases — and each action's savings is the drop of the monthly bill
it causes, per technology category:

* consolidation actions keep the lever's own exact attribution (its costs are outside
  the ledger and do not interact with it);
* a right-sizing move shifts its resource's hourly draw between classes and the ledger
  is billed again with the held commitments (closed form when neither class is covered
  by a commitment: the list-price difference);
* commitment purchases are added one at a time, in the lever's order, on the usage the
  usage actions left, and the ledger is billed again.

The savings of the steps telescope: they add up to today's cost minus the cost after
the plan, so nothing is counted twice — a right-sized VM's savings are priced before any
new commitment, and the commitments' savings are measured on the post-right-sizing usage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from recommender.domain.common import Action, Lever, RiskProfile, SavingsPlan, TechnologyCategory, money
from recommender.planning.recommend_ledger import (
    CategoryCosts,
    Ledger,
    LedgerCost,
    ledger_cost,
    offer_categories,
)
from recommender.planning.recommend_levers import CommitmentSizer, ConsolidationRun, Purchase, pick
from recommender.planning.recommend_usage import UsageMove
from solvers.commitment_problem import FloatArray


@dataclass(frozen=True)
class Entry:
    """An action of a cross-lever plan and its monthly savings per category (input currency,
    before the overlay). ``category`` is the category its money fields are reported in.
    """

    lever: Lever
    action: Action
    savings: dict[TechnologyCategory, Decimal]
    category: TechnologyCategory
    upfront: Decimal = Decimal(0)
    amortised: bool = False  # upfront already amortised in the monthly figures (commitments)
    purchase_index: int = -1  # position in the ledger's offers (commitments)
    outside: dict[TechnologyCategory, Decimal] = field(default_factory=dict)  # part saved outside the ledger


@dataclass
class ProfileWalk:
    """Everything one profile's plan is assembled from."""

    profile: RiskProfile
    entries: list[Entry]
    sources: dict[Lever, SavingsPlan]
    usage_post: FloatArray | None
    cost0: LedgerCost | None
    cost_post: LedgerCost | None  # after the usage actions, before purchases
    cost_final: LedgerCost | None
    purchase: Purchase | None
    commit_first: Purchase | None
    new_categories: list[TechnologyCategory] = field(default_factory=list)


def _money_costs(costs: CategoryCosts) -> dict[TechnologyCategory, Decimal]:
    return {k: money(v) for k, v in costs.items() if abs(v) > 0}


def _diff(before: CategoryCosts, after: CategoryCosts) -> dict[TechnologyCategory, Decimal]:
    keys = set(before) | set(after)
    return {
        k: money(before.get(k, 0.0) - after.get(k, 0.0))
        for k in keys
        if before.get(k, 0.0) != after.get(k, 0.0)
    }


def consolidation_entries(
    run: ConsolidationRun | None, profile: RiskProfile
) -> tuple[list[Entry], SavingsPlan | None]:
    """The consolidation plan of a profile as entries (the lever's exact attribution)."""
    if run is None:
        return [], None
    plans = run.outcome.plans
    if profile is RiskProfile.AGGRESSIVE:
        plan = pick(
            [p for p in plans if p.risk_profile is not RiskProfile.AGGRESSIVE] or plans, RiskProfile.BALANCED
        )
    else:
        plan = pick(plans, profile)
    if plan is None:
        return [], None
    entries = []
    for a in plan.actions:
        cat = run.category_of(a.target, a.type)
        entries.append(
            Entry(
                Lever.VENDOR_CONSOLIDATION,
                a,
                {cat: a.monthly_savings},
                cat,
                upfront=a.upfront_cost,
                outside={cat: a.monthly_savings},
            )
        )
    return entries, plan


def ledger_entries(
    ledger: Ledger,
    usage0: FloatArray,
    moves: list[UsageMove],
) -> tuple[list[Entry], FloatArray, LedgerCost]:
    """Apply usage moves in order, billing the ledger with the held commitments only; a
    move's savings is its outside savings plus the drop of the ledger's bill.
    """
    covered = np.zeros(usage0.shape[1], dtype=bool)
    for h in ledger.problem.held:
        covered[list(h.offer.covered)] = True
    rate = ledger.problem.on_demand_rate
    scale = 730.0 / usage0.shape[0]
    usage = usage0.copy()
    none = ledger.no_purchase()
    current = ledger_cost(ledger, usage, none, [])
    stale = False
    entries = []
    for m in moves:
        touched = [j for j in (m.source, m.target) if j >= 0]
        delta: CategoryCosts = dict(m.outside)
        if not any(covered[j] for j in touched):
            mass = float(m.amount.sum()) * scale
            if m.source >= 0:
                cat = ledger.categories[m.source]
                delta[cat] = delta.get(cat, 0.0) + rate[m.source] * mass
            if m.target >= 0:
                cat = ledger.categories[m.target]
                delta[cat] = delta.get(cat, 0.0) - rate[m.target] * mass
            _apply(usage, m)
            stale = True
        else:
            if stale:
                current = ledger_cost(ledger, usage, none, [])
            _apply(usage, m)
            after = ledger_cost(ledger, usage, none, [])
            for k in set(current.monthly) | set(after.monthly):
                delta[k] = delta.get(k, 0.0) + current.monthly.get(k, 0.0) - after.monthly.get(k, 0.0)
            current, stale = after, False
        savings = {k: money(v) for k, v in delta.items() if v}
        outside = {k: money(v) for k, v in m.outside.items() if v}
        entries.append(Entry(m.lever, m.action, savings, m.category, outside=outside))
    if stale:
        current = ledger_cost(ledger, usage, none, [])
    return entries, usage, current


def _apply(usage: FloatArray, m: UsageMove) -> None:
    if m.source >= 0:
        usage[:, m.source] = np.maximum(usage[:, m.source] - m.amount, 0.0)
    if m.target >= 0:
        usage[:, m.target] += m.amount


def purchase_entries(
    ledger: Ledger,
    usage: FloatArray,
    purchase: Purchase,
    before: LedgerCost,
    categories: list[TechnologyCategory],
) -> tuple[list[Entry], LedgerCost]:
    """Add the purchases one at a time in the lever's order and bill the ledger each time."""
    if purchase.plan is None or purchase.empty:
        return [], before
    n_reserved = len(purchase.reserved)
    position = {o.offering_id: i for i, o in enumerate(ledger.prepared.reserved)}
    position |= {o.offering_id: n_reserved + i for i, o in enumerate(ledger.prepared.spend)}
    x, c = np.zeros_like(purchase.reserved), np.zeros_like(purchase.spend)
    current = before
    entries = []
    done: set[int] = set()
    for a in purchase.plan.actions:
        k = position.get(a.offering_id)
        if k is None or k in done or a.attributes.get("start_month", "0") != "0":
            continue
        qty = purchase.reserved[k] if k < n_reserved else purchase.spend[k - n_reserved]
        if qty <= 0:
            continue
        done.add(k)
        if k < n_reserved:
            x[k] = qty
        else:
            c[k - n_reserved] = qty
        after = ledger_cost(ledger, usage, (x.copy(), c.copy()), categories)
        savings = _diff(current.monthly, after.monthly)
        cat = categories[k]
        inst = after.bill.instruments[len(ledger.problem.held) + k]
        entries.append(
            Entry(
                Lever.COMMITMENTS,
                a,
                savings,
                cat,
                upfront=money(inst.upfront()),
                amortised=True,
                purchase_index=k,
            )
        )
        current = after
    return entries, current


def walk_profile(
    profile: RiskProfile,
    ledger: Ledger | None,
    usage0: FloatArray | None,
    consolidation: ConsolidationRun | None,
    routing: tuple[SavingsPlan, list[UsageMove]] | None,
    right_sizing: tuple[SavingsPlan, list[UsageMove]] | None,
    sizer: CommitmentSizer | None,
    time_limit: float | None,
) -> ProfileWalk:
    """The entries of one profile's plan, in order, with the ledger billings around them."""
    entries, cons_plan = consolidation_entries(consolidation, profile)
    sources: dict[Lever, SavingsPlan] = {}
    if cons_plan is not None and entries:
        sources[Lever.VENDOR_CONSOLIDATION] = cons_plan
    if ledger is None or usage0 is None:
        return ProfileWalk(profile, entries, sources, None, None, None, None, None, None)
    moves: list[UsageMove] = []
    for lever, part in ((Lever.WORKLOAD_ROUTING, routing), (Lever.RIGHT_SIZING, right_sizing)):
        if part is not None and part[1]:
            sources[lever] = part[0]
            moves += part[1]
    rs_entries, usage_post, cost_post = ledger_entries(ledger, usage0, moves)
    cost0 = ledger_cost(ledger, usage0, ledger.no_purchase(), [])
    entries += rs_entries
    categories = offer_categories(ledger, usage_post)
    purchase = commit_first = None
    cost_final = cost_post
    if sizer is not None and sizer.can_buy:
        purchase = sizer.size(usage_post, profile, time_limit)
        commit_first = sizer.size(usage0, profile, time_limit)
        buy_entries, cost_final = purchase_entries(ledger, usage_post, purchase, cost_post, categories)
        entries += buy_entries
        if buy_entries and purchase.plan is not None:
            sources[Lever.COMMITMENTS] = purchase.plan
    return ProfileWalk(
        profile,
        entries,
        sources,
        usage_post,
        cost0,
        cost_post,
        cost_final,
        purchase,
        commit_first,
        categories,
    )
