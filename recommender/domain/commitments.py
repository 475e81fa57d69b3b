"""Domain model of a commitment-planning request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import numpy as np
from pydantic import Field, model_validator

from recommender.domain.common import (
    HOURS_PER_MONTH,
    DomainModel,
    NonNegative,
    Positive,
    TechnologyCategory,
)
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


class DecommissionEvent(DomainModel):
    """Usage removed from a month of the horizon on (a caller-given event)."""

    class_id: str = ""  # empty = every class
    month: Annotated[int, Field(ge=0, le=119)]
    fraction: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]


class UsageScenario(DomainModel):
    """A caller-given scenario of future usage (applied to the forecast's base level)."""

    name: str = ""
    probability: Positive
    monthly_growth: Annotated[float, Field(gt=-1, le=10, allow_inf_nan=False)] = 0.0
    level_multiplier: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] = 1.0
    decommissions: list[DecommissionEvent] = Field(default_factory=list)


class RiskPolicy(DomainModel):
    """Planning under uncertainty: scenarios, CVaR and the lock-in cap."""

    scenarios: list[UsageScenario] = Field(default_factory=list)
    sample_count: Annotated[int, Field(ge=1, le=200)] = 8
    cvar_level: Annotated[float, Field(ge=0, le=0.999, allow_inf_nan=False)] = 0.9
    balanced_risk_aversion: Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False)] = 0.5
    conservative_risk_aversion: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 0.9
    max_lock_in_currency_months: NonNegative = 0.0  # 0 = no cap
    seed: int = 0
    rows_per_month: Annotated[int, Field(ge=2, le=744)] = 12


class LadderPolicy(DomainModel):
    """Split purchases into tranches bought ``spacing_months`` apart."""

    tranches: Annotated[int, Field(ge=1, le=24)] = 1
    spacing_months: Annotated[int, Field(ge=1, le=12)] = 1


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
    risk: RiskPolicy | None = None
    ladder: LadderPolicy | None = None

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

    def window_end(self) -> datetime:
        """End of the usage window: the start of the planning horizon."""
        return self.start_time + timedelta(hours=self.hours)

    def uses_horizon(self) -> bool:
        """Whether to plan over the horizon with scenarios (risk or ladder set, or a held
        commitment lapsing before the horizon ends) rather than on the window as given.
        """
        policy = self.policy
        if policy.risk is not None or (policy.ladder is not None and policy.ladder.tranches > 1):
            return True
        end = self.window_end() + timedelta(hours=policy.horizon_months * HOURS_PER_MONTH)
        return any(
            e.end_time is not None and _aware(e.end_time) < _aware(end) for e in self.existing_commitments
        )

    def class_index(self) -> dict[str, int]:
        """Column of each class id."""
        return {c.class_id: j for j, c in enumerate(self.usage_classes)}

    def on_demand_rates(self) -> FloatArray:
        """On-demand rate per class."""
        return np.array([c.on_demand_rate for c in self.usage_classes], dtype=np.float64)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class MonthlyFigures(DomainModel):
    """One month of a plan over the horizon (expected over scenarios in horizon mode)."""

    month: int
    start_time: datetime
    on_demand_equivalent_cost: Decimal
    commitment_cost: Decimal
    savings: Decimal
    worst_scenario_savings: Decimal
    coverage: float
    utilization: float
    waste: float
    expiring_commitment_ids: list[str] = Field(default_factory=list)


class LadderTranche(DomainModel):
    """A purchase of the schedule: offering bought at ``month`` (0 = now)."""

    month: int
    offering_id: str
    quantity: float
    min_quantity: float
    max_quantity: float
    quantity_unit: str
    renewal_of: str = ""


class LadderComparison(DomainModel):
    """Risk the ladder removes: its figures next to buying everything now."""

    buy_now_monthly_savings: Decimal
    ladder_monthly_savings: Decimal
    buy_now_cvar_monthly_savings: Decimal
    ladder_cvar_monthly_savings: Decimal
    buy_now_lock_in_currency_months: float
    ladder_lock_in_currency_months: float
    buy_now_probability_of_loss: float
    ladder_probability_of_loss: float


class ScenarioOutcome(DomainModel):
    """Monthly savings of a plan in one scenario."""

    name: str
    probability: float
    monthly_savings: Decimal


class PlanDetail(DomainModel):
    """Commitment-specific detail of one plan."""

    plan_id: str = ""
    risk_aversion: float = 0.0
    commitment_per_hour: Decimal = Decimal(0)
    months: list[MonthlyFigures] = Field(default_factory=list)
    schedule: list[LadderTranche] = Field(default_factory=list)
    ladder_comparison: LadderComparison | None = None
    scenarios: list[ScenarioOutcome] = Field(default_factory=list)


class CurvePoint(DomainModel):
    """One candidate commitment level on the savings curve."""

    scale: float
    commitment_per_hour: Decimal
    monthly_savings: Decimal
    coverage: float
    utilization: float
    waste: float
    cvar_monthly_savings: Decimal = Decimal(0)
    probability_of_loss: float = 0.0


class SavingsCurve(DomainModel):
    """Savings vs commitment: the reference plan's purchase scaled from 0 to 2×."""

    reference_plan_id: str = ""
    basis: str = ""
    points: list[CurvePoint] = Field(default_factory=list)


class ScenarioInfo(DomainModel):
    """A scenario of the horizon: name, probability, expected monthly on-demand-equivalent cost."""

    name: str
    probability: float
    monthly_on_demand_equivalent_cost: Decimal


class ForecastSummary(DomainModel):
    """How the horizon scenarios were built."""

    history_hours: int
    seasonal_period_hours: int
    trend_percent_per_month: float
    horizon_months: int
    scenarios: list[ScenarioInfo] = Field(default_factory=list)
    method: str = ""
