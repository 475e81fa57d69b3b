"""Domain model of a vendor-consolidation request and its outcome.

Structural rules (unique ids, references between demands, vendors, lines and seats)
are checked by the codec, which knows the request's field paths; the models here
check values and are what the planner receives.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from recommender.domain.common import DomainModel, NonNegative, Positive, SavingsPlan, TechnologyCategory

Identifier = Annotated[str, Field(min_length=1, max_length=256)]


class TierPricing(StrEnum):
    """How volume tiers price a quantity."""

    ALL_UNITS = "all_units"
    INCREMENTAL = "incremental"


class TierBasis(StrEnum):
    """Which quantity selects a line's tier."""

    LINE_QUANTITY = "line_quantity"
    VENDOR_QUANTITY = "vendor_quantity"


class SeatDecision(StrEnum):
    """Outcome of the seat analysis for one seat."""

    KEEP = "keep"
    RECLAIM = "reclaim"
    DOWNGRADE = "downgrade"
    EXEMPT_NEW = "exempt_new"


class PriceTier(DomainModel):
    """Lowest quantity of a tier and its unit price per month."""

    min_quantity: NonNegative
    unit_price: NonNegative


class PriceLine(DomainModel):
    """A priced product (plan, SKU, service) covering one or more capabilities."""

    line_id: Identifier
    display_name: str = ""
    capabilities: list[Identifier] = Field(min_length=1)
    tiers: list[PriceTier] = Field(min_length=1)
    tier_pricing: TierPricing = TierPricing.ALL_UNITS
    tier_basis: TierBasis = TierBasis.LINE_QUANTITY
    max_quantity: Positive | None = None
    whole_units: bool = False
    features: list[str] = Field(default_factory=list)
    unit: str = ""

    def label(self) -> str:
        """Display name or id."""
        return self.display_name or self.line_id


class VendorOffer(DomainModel):
    """A vendor's price lines and commercial terms."""

    vendor_id: Identifier
    display_name: str = ""
    category: TechnologyCategory = TechnologyCategory.UNSPECIFIED
    lines: list[PriceLine] = Field(min_length=1)
    fixed_monthly_fee: NonNegative = 0.0
    minimum_monthly_commitment: NonNegative = 0.0
    contract_end: datetime | None = None
    exit_penalty: NonNegative = 0.0
    locked_until_contract_end: bool = False
    under_contract: bool = False
    onboarding_cost: NonNegative = 0.0
    max_total_quantity: Positive | None = None
    single_plan: bool = False

    def label(self) -> str:
        """Display name or id."""
        return self.display_name or self.vendor_id

    def line(self, line_id: str) -> PriceLine | None:
        """The line with this id, if any."""
        return next((ln for ln in self.lines if ln.line_id == line_id), None)


class Demand(DomainModel):
    """Quantity per month of one capability, and where it is served today."""

    demand_id: Identifier
    category: TechnologyCategory = TechnologyCategory.UNSPECIFIED
    capability: Identifier
    quantity: Positive
    unit: str = ""
    current_vendor_id: str = ""
    current_line_id: str = ""
    migration_cost_per_unit: NonNegative = 0.0
    population: str = ""


class SeatActivity(DomainModel):
    """Activity of one SaaS seat of a demand."""

    demand_id: Identifier
    user_id: Identifier
    line_id: str = ""
    last_active: datetime | None = None
    assigned: datetime | None = None
    features_used: list[str] = Field(default_factory=list)


class ConsolidationPolicy(DomainModel):
    """Portfolio rules and options."""

    max_vendors: int | None = Field(default=None, ge=1)
    max_vendors_per_category: int | None = Field(default=None, ge=1)
    category_limits: dict[TechnologyCategory, int] = Field(default_factory=dict)
    must_keep_vendor_ids: list[str] = Field(default_factory=list)
    excluded_vendor_ids: list[str] = Field(default_factory=list)
    horizon_months: int = Field(default=12, ge=1, le=600)
    allow_overbuy: bool = True
    inactive_seat_days: int = Field(default=90, ge=1)
    as_of: datetime = Field(default_factory=lambda: datetime.now(UTC))
    single_sourcing: bool = False
    reclaim_seats: bool = True
    downgrade_seats: bool = True
    alternatives: bool = True

    def limit_for(self, category: TechnologyCategory) -> int | None:
        """Vendor limit of a category (its own, else the per-category default)."""
        return self.category_limits.get(category, self.max_vendors_per_category)


class ConsolidationRequest(DomainModel):
    """A validated ConsolidateVendors request."""

    currency_code: str = "USD"
    demands: list[Demand] = Field(min_length=1)
    vendors: list[VendorOffer] = Field(min_length=1)
    seats: list[SeatActivity] = Field(default_factory=list)
    policy: ConsolidationPolicy = Field(default_factory=ConsolidationPolicy)

    def vendor(self, vendor_id: str) -> VendorOffer | None:
        """The vendor with this id, if any."""
        return next((v for v in self.vendors if v.vendor_id == vendor_id), None)


class DemandAllocation(DomainModel):
    """Part of a demand served by a vendor's line in the best plan."""

    demand_id: str
    vendor_id: str
    line_id: str
    quantity: float
    migrated: bool
    migration_cost: Decimal
    monthly_cost: Decimal


class LineOutcome(DomainModel):
    """A line's quantities, tier and costs in the best plan and today."""

    line_id: str
    quantity_needed: float
    quantity_bought: float
    overbuy: float
    tier_index: int
    unit_price: Decimal
    monthly_cost: Decimal
    baseline_quantity: float
    baseline_monthly_cost: Decimal


class VendorOutcome(DomainModel):
    """A vendor's outcome in the best plan."""

    vendor_id: str
    kept: bool
    incumbent: bool
    lines: list[LineOutcome]
    monthly_cost: Decimal
    baseline_monthly_cost: Decimal
    commitment_shortfall: Decimal
    exit_penalty: Decimal
    onboarding_cost: Decimal
    reason: str


class SeatOutcome(DomainModel):
    """What the seat analysis concluded for one seat."""

    demand_id: str
    user_id: str
    vendor_id: str
    decision: SeatDecision
    from_line_id: str
    to_line_id: str = ""
    days_inactive: float | None = None
    reason: str = ""


class ConsolidationOutcome(DomainModel):
    """Ranked plans and the details of the best one."""

    plans: list[SavingsPlan]
    allocations: list[DemandAllocation] = Field(default_factory=list)
    vendors: list[VendorOutcome] = Field(default_factory=list)
    seats: list[SeatOutcome] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
