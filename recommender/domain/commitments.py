"""Domain model of a commitment-planning request."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import numpy as np
from pydantic import Field, model_validator

from recommender.domain.common import DomainModel, NonNegative, Positive, TechnologyCategory
from solvers.commitment_problem import FloatArray

Identifier = Annotated[str, Field(min_length=1, max_length=256)]


class Term(StrEnum):
    """Commitment term."""

    ONE_YEAR = "one_year"
    THREE_YEARS = "three_years"

    @property
    def months(self) -> int:
        """Length in months."""
        return 12 if self is Term.ONE_YEAR else 36


class PaymentOption(StrEnum):
    """Payment option; ``prepaid_fraction`` is the share paid upfront for spend commitments."""

    NO_UPFRONT = "no_upfront"
    PARTIAL_UPFRONT = "partial_upfront"
    ALL_UPFRONT = "all_upfront"

    @property
    def prepaid_fraction(self) -> float:
        """Share of a spend commitment paid upfront."""
        return {"no_upfront": 0.0, "partial_upfront": 0.5, "all_upfront": 1.0}[self.value]


class UsageClass(DomainModel):
    """A usage class with its on-demand rate."""

    class_id: Identifier
    provider: str = ""
    region: str = ""
    instance_type: str = ""
    family: str = ""
    platform: str = ""
    on_demand_rate: Positive
    normalization_factor: Positive = 1.0
    category: TechnologyCategory = TechnologyCategory.UNSPECIFIED


class ReservedInstanceTerms(DomainModel):
    """Reserved-instance style terms (units of normalised capacity)."""

    covered_class_ids: list[Identifier] = Field(min_length=1)
    normalized_units_per_unit: Positive = 1.0
    upfront_per_unit: NonNegative = 0.0
    hourly_per_unit: NonNegative = 0.0

    @model_validator(mode="after")
    def _has_price(self) -> ReservedInstanceTerms:
        if self.upfront_per_unit == 0 and self.hourly_per_unit == 0:
            raise ValueError("a reserved instance must cost something (upfront_per_unit or hourly_per_unit)")
        return self


class CoveredRate(DomainModel):
    """Discounted rate of one class under a spend commitment."""

    class_id: Identifier
    rate: Positive


class SpendCommitmentTerms(DomainModel):
    """Spend-based commitment terms (currency per hour)."""

    rates: list[CoveredRate] = Field(min_length=1)


class CommitmentOffering(DomainModel):
    """A commitment product."""

    offering_id: Identifier
    display_name: str = ""
    provider: str = ""
    term: Term
    payment_option: PaymentOption
    reserved_instance: ReservedInstanceTerms | None = None
    spend_commitment: SpendCommitmentTerms | None = None
    max_quantity: NonNegative = 0.0

    @model_validator(mode="after")
    def _one_instrument(self) -> CommitmentOffering:
        if (self.reserved_instance is None) == (self.spend_commitment is None):
            raise ValueError("exactly one of reserved_instance or spend_commitment must be set")
        return self

    @property
    def is_reserved(self) -> bool:
        """Whether it is counted in units (reserved) rather than currency/hour."""
        return self.reserved_instance is not None

    def covered_class_ids(self) -> list[str]:
        """Classes the offering may cover."""
        if self.reserved_instance is not None:
            return list(self.reserved_instance.covered_class_ids)
        assert self.spend_commitment is not None
        return [r.class_id for r in self.spend_commitment.rates]

    def label(self) -> str:
        """Human-readable name."""
        return self.display_name or self.offering_id


class ExistingCommitment(DomainModel):
    """A commitment already held."""

    commitment_id: Identifier
    terms: CommitmentOffering
    quantity: Positive
    start_time: datetime | None = None
    end_time: datetime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ExistingCommitment:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValueError("end_time must be after start_time")
        return self


class CommitmentPolicy(DomainModel):
    """Policy knobs of a commitment plan."""

    annual_cost_of_capital: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.0
    horizon_months: Annotated[int, Field(ge=1, le=120)] = 12
    allow_fractional_units: bool = False
    max_upfront: NonNegative = 0.0
    allowed_terms: list[Term] = Field(default_factory=list)
    allowed_payment_options: list[PaymentOption] = Field(default_factory=list)
    stress_usage_drop: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.2
    joint_only: bool = False

    def allows(self, offering: CommitmentOffering) -> bool:
        """Whether the policy allows buying ``offering``."""
        term_ok = not self.allowed_terms or offering.term in self.allowed_terms
        pay_ok = not self.allowed_payment_options or offering.payment_option in self.allowed_payment_options
        return term_ok and pay_ok


class CommitmentRequest(DomainModel):
    """A validated commitment-planning request.

    ``usage[t, j]`` is the usage of ``usage_classes[j]`` in hour ``t`` after
    ``start_time``.
    """

    currency_code: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    usage_classes: list[UsageClass] = Field(min_length=1)
    start_time: datetime
    usage: FloatArray
    offerings: list[CommitmentOffering]
    existing_commitments: list[ExistingCommitment] = Field(default_factory=list)
    policy: CommitmentPolicy = Field(default_factory=CommitmentPolicy)

    @property
    def hours(self) -> int:
        """Hours in the usage window."""
        return int(self.usage.shape[0])

    def class_index(self) -> dict[str, int]:
        """Column of each class id."""
        return {c.class_id: j for j, c in enumerate(self.usage_classes)}

    def on_demand_rates(self) -> FloatArray:
        """On-demand rate per class."""
        return np.array([c.on_demand_rate for c in self.usage_classes], dtype=np.float64)
