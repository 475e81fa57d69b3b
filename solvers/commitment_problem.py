"""Data of the joint commitment-planning problem (pure numpy, no I/O).

Indices: hours ``t`` (rows of ``usage``), usage classes ``j`` (columns), reserved
offers ``k`` (units of normalised capacity), spend offers ``s`` (currency/hour of
discounted usage). Held commitments are instruments with a fixed quantity whose
cost is sunk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class ReservedOffer:
    """A reserved-instance style offer: units of normalised capacity.

    ``unit_cost`` is the effective cost of one unit for one hour (recurring charge
    plus the upfront payment amortised at the cost of capital).
    """

    offering_id: str
    covered: tuple[int, ...]
    normalized_units: float
    unit_cost: float
    upfront_per_unit: float = 0.0
    whole_units: bool = True
    max_units: float = math.inf


@dataclass(frozen=True)
class SpendOffer:
    """A spend-based offer (savings plan, flexible CUD): currency per hour.

    Covered class ``covered[i]`` is charged ``rates[i]`` per unit-hour against the
    commitment. ``cost_per_commitment`` is the effective hourly cost of committing
    one currency unit per hour (1 without prepayment or cost of capital).
    """

    offering_id: str
    covered: tuple[int, ...]
    rates: tuple[float, ...]
    cost_per_commitment: float = 1.0
    upfront_per_commitment: float = 0.0
    max_commitment: float = math.inf


Offer = ReservedOffer | SpendOffer


@dataclass(frozen=True)
class HeldCommitment:
    """A commitment already owned: ``quantity`` units or currency/hour, active where
    ``active`` is true (``None`` = every hour). Its cost is sunk.
    """

    offer: Offer
    quantity: float
    active: BoolArray | None = None


@dataclass(frozen=True)
class CommitmentProblem:
    """Hourly usage, on-demand rates and the offers that may be bought.

    ``usage[t, j]`` is the usage of class ``j`` in hour ``t`` (units per hour),
    ``on_demand_rate[j]`` its on-demand price per unit-hour and
    ``normalization[j]`` the normalised units one unit of usage consumes from a
    reserved offer covering it.
    """

    usage: FloatArray
    on_demand_rate: FloatArray
    normalization: FloatArray
    reserved: tuple[ReservedOffer, ...] = ()
    spend: tuple[SpendOffer, ...] = ()
    held: tuple[HeldCommitment, ...] = ()
    max_upfront: float = math.inf
    labels: tuple[str, ...] = field(default_factory=tuple)

    @property
    def hours(self) -> int:
        """Number of hours in the window."""
        return int(self.usage.shape[0])

    @property
    def classes(self) -> int:
        """Number of usage classes."""
        return int(self.usage.shape[1])

    def on_demand_cost(self) -> float:
        """Cost of the window with no commitments at all."""
        return float((self.usage @ self.on_demand_rate).sum())

    def restricted(self, *, reserved: bool = True, spend: bool = True) -> CommitmentProblem:
        """The same problem with only reserved and/or only spend offers for sale."""
        return replace(
            self,
            reserved=self.reserved if reserved else (),
            spend=self.spend if spend else (),
        )

    def check(self) -> None:
        """Raise ``ValueError`` on inconsistent data (callers validate first)."""
        t, j = self.usage.shape
        if self.on_demand_rate.shape != (j,) or self.normalization.shape != (j,):
            raise ValueError("rates and normalisation must have one entry per class")
        if not np.isfinite(self.usage).all() or (self.usage < 0).any():
            raise ValueError("usage must be finite and non-negative")
        if (self.on_demand_rate <= 0).any() or (self.normalization <= 0).any():
            raise ValueError("on-demand rates and normalisation must be positive")
        for offer in (*self.reserved, *self.spend, *(h.offer for h in self.held)):
            if not offer.covered or max(offer.covered) >= j or min(offer.covered) < 0:
                raise ValueError(f"offer {offer.offering_id} covers an unknown class")
        for held in self.held:
            if held.active is not None and held.active.shape != (t,):
                raise ValueError("held commitment activity must have one flag per hour")


@dataclass(frozen=True)
class Instrument:
    """One commitment instrument as billed: a bought offer or a held commitment."""

    offer: Offer
    quantity: float
    held: bool
    active: BoolArray | None

    @property
    def is_reserved(self) -> bool:
        """Whether it is a reserved (unit) instrument."""
        return isinstance(self.offer, ReservedOffer)

    def capacity(self, hours: int) -> FloatArray:
        """Capacity per hour: normalised units (reserved) or currency (spend)."""
        per_hour = self.quantity * (
            self.offer.normalized_units if isinstance(self.offer, ReservedOffer) else 1.0
        )
        cap = np.full(hours, per_hour, dtype=np.float64)
        if self.active is not None:
            cap[~self.active] = 0.0
        return cap

    def effective_hourly_cost(self) -> float:
        """Effective (amortised) cost per hour, whether bought now or held."""
        if isinstance(self.offer, ReservedOffer):
            return self.quantity * self.offer.unit_cost
        return self.quantity * self.offer.cost_per_commitment

    def hourly_cost(self) -> float:
        """Effective cost per hour of a bought instrument (0 for held ones: sunk)."""
        return 0.0 if self.held else self.effective_hourly_cost()

    def upfront(self) -> float:
        """Upfront payment of a bought instrument."""
        if self.held:
            return 0.0
        if isinstance(self.offer, ReservedOffer):
            return self.quantity * self.offer.upfront_per_unit
        return self.quantity * self.offer.upfront_per_commitment


def instruments(
    problem: CommitmentProblem, reserved_units: FloatArray, spend_commitment: FloatArray
) -> list[Instrument]:
    """Held commitments followed by the purchases, in offer order."""
    out = [Instrument(h.offer, h.quantity, True, h.active) for h in problem.held]
    out += [
        Instrument(o, float(q), False, None) for o, q in zip(problem.reserved, reserved_units, strict=True)
    ]
    out += [
        Instrument(o, float(q), False, None) for o, q in zip(problem.spend, spend_commitment, strict=True)
    ]
    return out
