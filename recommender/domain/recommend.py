"""Domain model of a cross-lever Recommend request and its outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

from recommender.domain.commitments import (
    CommitmentRequest,
    SavingsCurve,
)
from recommender.domain.common import (
    DomainModel,
    Lever,
    RiskProfile,
    SavingsPlan,
    TechnologyCategory,
)
from recommender.domain.consolidation import ConsolidationRequest
from recommender.domain.rightsizing import RightSizeRequest
from recommender.domain.routing import RoutingRequest

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class ResidencyRule(DomainModel):
    """Where data may be processed: countries (ISO 3166-1 alpha-2) and regions.

    Regions are ``region`` or ``provider/region``; empty lists allow anything.
    """

    allowed_countries: frozenset[str] = frozenset()
    allowed_regions: frozenset[str] = frozenset()

    @property
    def is_set(self) -> bool:
        """Whether the rule restricts anything."""
        return bool(self.allowed_countries or self.allowed_regions)

    def describe(self) -> str:
        """``countries IN; regions asia-south1``."""
        parts = []
        if self.allowed_countries:
            parts.append("countries " + ", ".join(sorted(self.allowed_countries)))
        if self.allowed_regions:
            parts.append("regions " + ", ".join(sorted(self.allowed_regions)))
        return "; ".join(parts) or "anywhere"


class ReportingOverlay(DomainModel):
    """Reporting currency, exchange rate, non-creditable tax and default residency."""

    reporting_currency: Currency
    exchange_rate: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 1.0
    tax_rate: Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)] = 0.0
    taxed_categories: frozenset[TechnologyCategory] = frozenset()  # empty = all
    default_residency: ResidencyRule = Field(default_factory=ResidencyRule)

    def taxed(self, category: TechnologyCategory) -> bool:
        """Whether spend of ``category`` carries the tax."""
        return self.tax_rate > 0 and (not self.taxed_categories or category in self.taxed_categories)

    def factor(self, category: TechnologyCategory) -> Decimal:
        """Multiplier from input-currency pre-tax amounts to reporting amounts of ``category``."""
        rate = Decimal(repr(self.exchange_rate))
        if self.taxed(category):
            return rate * (Decimal(1) + Decimal(repr(self.tax_rate)))
        return rate


class RecommendPolicy(DomainModel):
    """Cross-lever policy: horizon, stress test and risk weight of the ranking key."""

    horizon_months: Annotated[int, Field(ge=1, le=120)] = 12
    risk_weight: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.5
    stress_usage_drop: Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)] = 0.2


class RecommendRequest(DomainModel):
    """A validated Recommend request.

    ``commitments`` is the commitment ledger (usage classes with hourly usage, offerings,
    held commitments, policy), from the request or built from ``focus_csv``;
    ``focus`` is what the FOCUS export contributed besides the ledger (SaaS demands,
    AI/ML spend, notes). ``routing`` is the routing lever's domain request.
    """

    currency_code: Currency = "USD"
    commitments: CommitmentRequest | None = None
    right_sizing: RightSizeRequest | None = None
    consolidation: ConsolidationRequest | None = None
    routing: RoutingRequest | None = None
    focus: Any | None = None  # recommender.planning.recommend_focus.FocusExtract
    overlay: ReportingOverlay
    max_plans: Annotated[int, Field(ge=1, le=3)] = 3
    policy: RecommendPolicy = Field(default_factory=RecommendPolicy)
    warnings: list[str] = Field(default_factory=list)


# --- outcome ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LeverSavings:
    """A lever's part of a cross-lever plan (reporting currency)."""

    lever: Lever
    monthly_savings: Decimal
    upfront_cost: Decimal
    action_count: int
    source_plan_title: str = ""
    source_profile: RiskProfile = RiskProfile.UNSPECIFIED


@dataclass(frozen=True)
class SequencingComparison:
    """Commit-first against sequenced, billed on the same post-action usage (reporting currency)."""

    commit_first_monthly_cost: Decimal
    sequenced_monthly_cost: Decimal
    commit_first_utilization: float
    sequenced_utilization: float
    commit_first_unused_commitment: Decimal
    sequenced_unused_commitment: Decimal
    commit_first_commitment_per_hour: Decimal
    sequenced_commitment_per_hour: Decimal

    @property
    def advantage(self) -> Decimal:
        """Commit-first minus sequenced monthly cost."""
        return self.commit_first_monthly_cost - self.sequenced_monthly_cost


@dataclass(frozen=True)
class PlanBreakdown:
    """How a cross-lever plan was built and ranked."""

    plan_id: str
    levers: list[LeverSavings]
    sequencing: SequencingComparison | None
    risk_adjusted_horizon_savings: Decimal
    stressed_monthly_savings: Decimal
    one_time_costs: Decimal
    commitment_curve: SavingsCurve | None
    baseline_by_category: dict[TechnologyCategory, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class RecommendOutcome:
    """Ranked cross-lever plans with their breakdowns (same order) and notes."""

    plans: list[SavingsPlan]
    breakdowns: list[PlanBreakdown]
    warnings: list[str]
    input_currency_code: str
    exchange_rate: float
    tax_rate: float
