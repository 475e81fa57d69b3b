"""Turn a commitment request into the solver's problem: effective costs, held capacity."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from recommender.domain.commitments import (
    CommitmentOffering,
    CommitmentPolicy,
    CommitmentRequest,
    ExistingCommitment,
)
from recommender.domain.common import HOURS_PER_MONTH
from solvers.commitment_problem import (
    BoolArray,
    CommitmentProblem,
    HeldCommitment,
    Offer,
    ReservedOffer,
    SpendOffer,
)


def monthly_annuity_factor(annual_rate: float, months: int) -> float:
    """Monthly payment that repays 1 paid upfront over ``months`` at ``annual_rate``.

    ``i / (1 - (1 + i)^-n)`` with monthly rate ``i = (1 + annual)^(1/12) - 1``;
    ``1 / n`` when the rate is zero.
    """
    i = (1.0 + annual_rate) ** (1.0 / 12.0) - 1.0
    if i <= 0:
        return 1.0 / months
    return float(i / (1.0 - (1.0 + i) ** (-months)))


def to_offer(offering: CommitmentOffering, index: dict[str, int], policy: CommitmentPolicy) -> Offer:
    """Solver offer with upfront payments amortised at the policy's cost of capital."""
    months = offering.term.months
    hourly_annuity = monthly_annuity_factor(policy.annual_cost_of_capital, months) / HOURS_PER_MONTH
    limit = offering.max_quantity or math.inf
    if offering.reserved_instance is not None:
        ri = offering.reserved_instance
        return ReservedOffer(
            offering_id=offering.offering_id,
            covered=tuple(index[c] for c in ri.covered_class_ids),
            normalized_units=ri.normalized_units_per_unit,
            unit_cost=ri.hourly_per_unit + ri.upfront_per_unit * hourly_annuity,
            upfront_per_unit=ri.upfront_per_unit,
            whole_units=not policy.allow_fractional_units,
            max_units=limit,
        )
    assert offering.spend_commitment is not None
    prepaid = offering.payment_option.prepaid_fraction
    term_hours = months * HOURS_PER_MONTH
    return SpendOffer(
        offering_id=offering.offering_id,
        covered=tuple(index[r.class_id] for r in offering.spend_commitment.rates),
        rates=tuple(r.rate for r in offering.spend_commitment.rates),
        cost_per_commitment=(1.0 - prepaid) + prepaid * term_hours * hourly_annuity,
        upfront_per_commitment=prepaid * term_hours,
        max_commitment=limit,
    )


def active_hours(existing: ExistingCommitment, start: datetime, hours: int) -> BoolArray | None:
    """Hours of the window in which a held commitment covers usage (None = all)."""
    if existing.start_time is None and existing.end_time is None:
        return None
    stamps = np.array([_utc(start) + timedelta(hours=h) for h in range(hours)])
    active = np.ones(hours, dtype=bool)
    if existing.start_time is not None:
        active &= stamps >= _utc(existing.start_time)
    if existing.end_time is not None:
        active &= stamps < _utc(existing.end_time)
    return active


def utc(moment: datetime) -> datetime:
    """The moment in UTC (naive = UTC)."""
    return _utc(moment)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class PreparedProblem:
    """The solver problem plus the offerings behind each of its offers."""

    problem: CommitmentProblem
    reserved: list[CommitmentOffering]
    spend: list[CommitmentOffering]
    held: list[ExistingCommitment]


def prepare(request: CommitmentRequest) -> PreparedProblem:
    """Build the solver problem for the offerings the policy allows."""
    index = request.class_index()
    policy = request.policy
    allowed = [o for o in request.offerings if policy.allows(o)]
    reserved = [o for o in allowed if o.is_reserved]
    spend = [o for o in allowed if not o.is_reserved]
    held = [
        HeldCommitment(
            offer=to_offer(e.terms, index, policy),
            quantity=e.quantity,
            active=active_hours(e, request.start_time, request.hours),
        )
        for e in request.existing_commitments
    ]
    problem = CommitmentProblem(
        usage=request.usage,
        on_demand_rate=request.on_demand_rates(),
        normalization=np.array([c.normalization_factor for c in request.usage_classes], dtype=np.float64),
        reserved=tuple(to_offer(o, index, policy) for o in reserved),  # type: ignore[misc]
        spend=tuple(to_offer(o, index, policy) for o in spend),  # type: ignore[misc]
        held=tuple(held),
        max_upfront=policy.max_upfront or math.inf,
        labels=tuple(c.class_id for c in request.usage_classes),
    )
    return PreparedProblem(problem, reserved, spend, list(request.existing_commitments))
