"""Usage actions on the ledger: right-sizing moves and routing placements as usage changes.

Mapping onto usage classes (``docs/recommend.md``, "Usage classes"):

* A resource on catalogue type ``k`` (provider ``P``, region ``R``, name ``N``) draws on
  the ledger class whose ``instance_type`` is ``N`` in region ``R`` (and provider ``P``
  when the class names one) — the rule right-sizing uses to price held commitments —
  or, when there is none, on a new class ``P:R:N`` at the catalogue's list price.
* A resource runs ``f = hours_per_month / 730`` units per hour with the time profile of
  its class: ``f * u_A(t) / mean(u_A)``. When the resources of a class need more than
  its mean usage, the difference is added to the class as usage today (a note says so).
  A RESIZE moves that profile from class A to the target's class B; a TERMINATE removes it.
* A routing placement of ``n`` instances of a compute offer adds ``n`` units per hour
  (batch jobs: their average) to class ``P:R:instance_type`` (``:spot`` for spot
  capacity) at the offer's price; API placements are costs outside the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recommender.domain.commitments import CommitmentRequest, UsageClass
from recommender.domain.common import Action, ActionType, Lever, TechnologyCategory
from recommender.domain.rightsizing import RightSizeRequest
from solvers.commitment_problem import FloatArray


@dataclass(frozen=True)
class ClassRef:
    """A usage class a resource or placement draws on (existing or to add)."""

    class_id: str
    provider: str
    region: str
    instance_type: str
    rate: float
    category: TechnologyCategory


@dataclass
class ClassBook:
    """Ledger classes by id plus the classes to add, found by (type, region, provider)."""

    classes: list[UsageClass]
    added: dict[str, ClassRef] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_type: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._ids = {c.class_id for c in self.classes}
        for c in self.classes:
            if c.instance_type:
                self._by_type.setdefault((c.instance_type, c.region), []).append((c.provider, c.class_id))

    def find(self, provider: str, region: str, instance_type: str) -> str | None:
        """Existing class of a type in a region (same provider when the class names one)."""
        for prov, cid in self._by_type.get((instance_type, region), []):
            if not prov or not provider or prov.lower() == provider.lower():
                return cid
        return None

    def resolve(
        self,
        provider: str,
        region: str,
        instance_type: str,
        rate: float,
        category: TechnologyCategory,
        *,
        suffix: str = "",
    ) -> str:
        """Class id for a type: an existing class, else a new ``provider:region:type`` class."""
        if not suffix:
            found = self.find(provider, region, instance_type)
            if found is not None:
                return found
        cid = f"{provider.lower()}:{region}:{instance_type}{suffix}"
        if cid in self.added:
            return cid
        if cid in self._ids:
            cid = f"{cid}#new"
        self.added[cid] = ClassRef(cid, provider.lower(), region, instance_type, rate, category)
        if not suffix:
            self._by_type.setdefault((instance_type, region), []).append((provider.lower(), cid))
        return cid

    def new_classes(self) -> list[UsageClass]:
        """The classes to add, as usage classes."""
        return [
            UsageClass(
                class_id=r.class_id,
                provider=r.provider,
                region=r.region,
                instance_type=r.instance_type,
                family=r.instance_type.split(".")[0] if "." in r.instance_type else "",
                on_demand_rate=r.rate,
                category=r.category,
            )
            for r in self.added.values()
        ]


def extend(request: CommitmentRequest, classes: list[UsageClass]) -> CommitmentRequest:
    """The ledger request with ``classes`` added (zero usage today)."""
    if not classes:
        return request
    usage = np.hstack([request.usage, np.zeros((request.usage.shape[0], len(classes)))])
    return request.model_copy(update={"usage_classes": [*request.usage_classes, *classes], "usage": usage})


@dataclass(frozen=True)
class ResourceDraw:
    """Where a right-sized resource's usage sits: its class and units per hour."""

    resource_id: str
    class_id: str
    units: float
    category: TechnologyCategory


def resource_draws(
    rs: RightSizeRequest, book: ClassBook, price: FloatArray | None = None
) -> list[ResourceDraw]:
    """The class and units per hour of every resource of a right-sizing request."""
    out = []
    for spec in rs.resources:
        row = rs.catalog[spec.catalog_index]
        category = TechnologyCategory.AI_ML if row.gpu_count > 0 else TechnologyCategory.PUBLIC_CLOUD
        rate = float(price[spec.catalog_index]) if price is not None else row.hourly_price
        cid = book.resolve(row.provider, row.region, row.name, rate, category)
        out.append(ResourceDraw(spec.resource_id, cid, spec.hours_per_month / 730.0, category))
    return out


def seed_usage(
    usage: FloatArray, index: dict[str, int], draws: list[ResourceDraw], notes: list[str]
) -> FloatArray:
    """Today's usage with every resource's draw accounted for (classes topped up where short)."""
    out = usage.copy()
    need: dict[int, float] = {}
    for d in draws:
        need[index[d.class_id]] = need.get(index[d.class_id], 0.0) + d.units
    short = []
    for j, units in need.items():
        mean = float(out[:, j].mean()) if out.shape[0] else 0.0
        if units > mean * (1 + 1e-9) + 1e-12:
            out[:, j] += units - mean
            if mean > 0:
                short.append(j)
    if short:
        notes.append(
            f"{len(short)} usage class(es) had less usage than the right-sized resources on them run; the "
            "difference was added to today's usage so that every resource is in the baseline."
        )
    return out


def profile(usage: FloatArray, j: int, units: float) -> FloatArray:
    """A resource's hourly draw: ``units`` with the time profile of class ``j``."""
    col = usage[:, j]
    mean = float(col.mean())
    if mean <= 0:
        return np.full(usage.shape[0], units)
    return units * col / mean


@dataclass(frozen=True)
class UsageMove:
    """A usage change for one action: ``amount[t]`` leaves class ``source`` (-1: none) and
    joins ``target`` (-1: none); ``outside`` is the monthly cost it removes outside the
    ledger, per category (a routed workload's baseline share minus its API cost).
    """

    action: Action
    source: int
    target: int
    amount: FloatArray
    category: TechnologyCategory
    lever: Lever = Lever.RIGHT_SIZING
    outside: dict[TechnologyCategory, float] = field(default_factory=dict)


def register_targets(actions: list[Action], rs: RightSizeRequest, book: ClassBook, price: FloatArray) -> None:
    """Add the classes of a right-sizing plan's RESIZE targets to the book."""
    rows = {(s.provider, s.region, s.name): k for k, s in enumerate(rs.catalog)}
    for a in actions:
        if a.type is not ActionType.RESIZE:
            continue
        k = rows.get((a.provider, a.region, a.to_value))
        if k is None:
            raise KeyError(
                f"right-sizing target {a.provider}/{a.region}/{a.to_value} is not in the catalogue"
            )
        spec = rs.catalog[k]
        category = TechnologyCategory.AI_ML if spec.gpu_count > 0 else TechnologyCategory.PUBLIC_CLOUD
        book.resolve(spec.provider, spec.region, spec.name, float(price[k]), category)


def right_sizing_moves(
    actions: list[Action],
    draws: dict[str, ResourceDraw],
    book: ClassBook,
    index: dict[str, int],
    usage0: FloatArray,
) -> list[UsageMove]:
    """Usage moves of a right-sizing plan's RESIZE and TERMINATE actions (in its order)."""
    moves = []
    for a in actions:
        draw = draws.get(a.target)
        if draw is None or a.type not in (ActionType.RESIZE, ActionType.TERMINATE):
            continue
        j = index[draw.class_id]
        amount = profile(usage0, j, draw.units)
        target = -1
        if a.type is ActionType.RESIZE:
            cid = book.find(a.provider, a.region, a.to_value)
            if cid is None:
                raise KeyError(f"target class of {a.target} -> {a.to_value} was not registered")
            target = index[cid]
        moves.append(UsageMove(a, j, target, amount, draw.category))
    return moves


def other_usage(classes: list[UsageClass], usage: FloatArray, draws: list[ResourceDraw]) -> dict[str, float]:
    """Mean units per hour of each class outside the right-sized resources (for right-sizing's
    pricing of held commitments).
    """
    mine: dict[str, float] = {}
    for d in draws:
        mine[d.class_id] = mine.get(d.class_id, 0.0) + d.units
    out = {}
    for j, c in enumerate(classes):
        rest = float(usage[:, j].mean()) - mine.get(c.class_id, 0.0)
        if rest > 1e-12:
            out[c.class_id] = rest
    return out


def routing_price(action: Action, prices: dict[str, tuple[float, float]]) -> tuple[float, bool]:
    """Price per instance-hour of a PLACE_WORKLOAD action's offer and whether it is spot."""
    spot = action.attributes.get("spot") == "true"
    on_demand, spot_price = prices.get(action.offering_id, (0.0, 0.0))
    price = spot_price if spot and spot_price > 0 else on_demand
    if price <= 0 and action.quantity > 0:
        price = float(action.monthly_cost) / 730.0 / action.quantity
    return price, spot


def register_routing(
    actions: list[Action],
    prices: dict[str, tuple[float, float]],
    categories: dict[str, TechnologyCategory],
    book: ClassBook,
) -> None:
    """Add the classes a routing plan's instance placements land on."""
    for a in actions:
        if a.type is not ActionType.PLACE_WORKLOAD or a.monthly_cost <= 0:
            continue
        price, spot = routing_price(a, prices)
        book.resolve(
            a.provider, a.region, a.to_value, price, categories[a.target], suffix=":spot" if spot else ""
        )


def routing_moves(
    actions: list[Action],
    baseline: dict[str, tuple[TechnologyCategory, float]],
    prices: dict[str, tuple[float, float]],
    hours_per_month: float,
    book: ClassBook,
    index: dict[str, int],
    hours: int,
) -> list[UsageMove]:
    """Usage moves of a routing plan: each placement item takes its share of the workload's
    baseline (by cost, the lever's split) and adds instances to the ledger or API cost outside.
    """
    by_workload: dict[str, list[Action]] = {}
    for a in actions:
        if a.type in (ActionType.PLACE_WORKLOAD, ActionType.ROUTE_TO_API):
            by_workload.setdefault(a.target, []).append(a)
    moves = []
    for workload, items in by_workload.items():
        category, monthly = baseline[workload]
        costs = [float(a.monthly_cost) for a in items]
        total = sum(costs)
        for a, cost in zip(items, costs, strict=True):
            share = monthly * (cost / total if total > 0 else 1.0 / len(items))
            if a.type is ActionType.ROUTE_TO_API or cost <= 0:
                moves.append(
                    UsageMove(
                        a, -1, -1, np.zeros(hours), category, Lever.WORKLOAD_ROUTING, {category: share - cost}
                    )
                )
                continue
            price, spot = routing_price(a, prices)
            cid = (
                f"{a.provider.lower()}:{a.region}:{a.to_value}:spot"
                if spot
                else book.find(a.provider, a.region, a.to_value)
            )
            if cid is None or cid not in index:
                raise KeyError(f"routing class of {a.target} on {a.to_value} was not registered")
            units = cost / hours_per_month / price
            moves.append(
                UsageMove(
                    a,
                    -1,
                    index[cid],
                    np.full(hours, units),
                    category,
                    Lever.WORKLOAD_ROUTING,
                    {category: share},
                )
            )
    return moves
