"""Domain types shared by every lever: money, enums and the ranked savings plan."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from recommender.errors import LimitExceededError

HOURS_PER_MONTH = 730.0

Finite = Annotated[float, Field(allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class DomainModel(BaseModel):
    """Base: immutable, strict about unknown fields, no NaN/inf anywhere."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, arbitrary_types_allowed=True)


class Lever(StrEnum):
    """Optimisation levers."""

    COMMITMENTS = "commitments"
    RIGHT_SIZING = "right_sizing"
    VENDOR_CONSOLIDATION = "vendor_consolidation"
    WORKLOAD_ROUTING = "workload_routing"


class TechnologyCategory(StrEnum):
    """FinOps Framework 2026 technology categories."""

    UNSPECIFIED = "unspecified"
    PUBLIC_CLOUD = "public_cloud"
    SAAS = "saas"
    LICENSING = "licensing"
    DATA_CENTER = "data_center"
    AI_ML = "ai_ml"
    DATA_CLOUD_PLATFORM = "data_cloud_platform"


class RiskProfile(StrEnum):
    """Risk appetite a plan was built for."""

    UNSPECIFIED = "unspecified"
    CONSERVATIVE = "conservative"
    BALANCED = "balanced"
    AGGRESSIVE = "aggressive"


class ActionType(StrEnum):
    """Kinds of plan actions (mirrors the API enum)."""

    PURCHASE_RESERVED_INSTANCES = "purchase_reserved_instances"
    PURCHASE_SAVINGS_PLAN = "purchase_savings_plan"
    RENEW_COMMITMENT = "renew_commitment"
    LET_COMMITMENT_EXPIRE = "let_commitment_expire"
    RESIZE = "resize"
    TERMINATE = "terminate"
    PROVISION_NODES = "provision_nodes"
    PLACE_WORKLOAD = "place_workload"
    ROUTE_TO_API = "route_to_api"
    KEEP_VENDOR = "keep_vendor"
    DROP_VENDOR = "drop_vendor"
    MIGRATE_DEMAND = "migrate_demand"
    RECLAIM_SEATS = "reclaim_seats"
    DOWNGRADE_SEATS = "downgrade_seats"


class SolveStatus(StrEnum):
    """Solve outcome (mirrors :class:`solvers.result.SolveStatus`)."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NOT_SOLVED = "not_solved"


MAX_MONEY = 1e18
"""Largest amount reported: google.type.Money carries int64 units, and nano precision
needs 27 significant digits (Python's default decimal precision is 28)."""


def money(amount: float, places: int = 9) -> Decimal:
    """Round a float amount to a Decimal (nano precision by default).

    A finite amount beyond ±:data:`MAX_MONEY` (inputs whose product is absurd) is a
    named limit (``money_range``, RESOURCE_EXHAUSTED), not a crash.
    """
    value = float(amount)
    if math.isfinite(value) and abs(value) >= MAX_MONEY:
        raise LimitExceededError(
            f"an amount of {value:.3g} is beyond ±{MAX_MONEY:g}, the largest this service reports; "
            "the request's quantities or prices are too large",
            limit="money_range",
        )
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


class Action(DomainModel):
    """One ordered step of a plan. Amounts are in the plan's currency."""

    order: int
    type: ActionType
    description: str
    target: str = ""
    offering_id: str = ""
    from_value: str = ""
    to_value: str = ""
    quantity: float = 0.0
    quantity_unit: str = ""
    provider: str = ""
    region: str = ""
    upfront_cost: Decimal = Decimal(0)
    monthly_cost: Decimal = Decimal(0)
    monthly_savings: Decimal = Decimal(0)
    utilization: float = 0.0
    coverage: float = 0.0
    break_even_months: float | None = None
    marginal_value: Decimal = Decimal(0)
    attributes: dict[str, str] = Field(default_factory=dict)


class RiskFigures(DomainModel):
    """Risk figures of a plan (see the API for definitions)."""

    committed_spend: Decimal = Decimal(0)
    lock_in_currency_months: float = 0.0
    weighted_term_months: float = 0.0
    worst_month_savings: Decimal = Decimal(0)
    stress_usage_drop: float = 0.0
    stressed_monthly_savings: Decimal = Decimal(0)
    break_even_usage_drop: float = 0.0
    probability_of_loss: float = 0.0
    cvar_monthly_savings: Decimal = Decimal(0)
    cvar_level: float = 0.0
    max_performance_risk: int = 0


class Kpis(DomainModel):
    """FinOps KPIs (FinOps Foundation definitions)."""

    effective_savings_rate: float = 0.0
    commitment_coverage: float = 0.0
    commitment_utilization: float = 0.0
    commitment_waste: float = 0.0
    on_demand_equivalent_monthly_cost: Decimal = Decimal(0)
    effective_monthly_cost: Decimal = Decimal(0)


class CategorySavings(DomainModel):
    """Monthly savings in one technology category."""

    category: TechnologyCategory
    monthly_savings: Decimal


class BindingRule(DomainModel):
    """A constraint tight at the optimum, explained."""

    name: str
    explanation: str
    shadow_price: float = 0.0


class SolverSummary(DomainModel):
    """How a plan's optimisation was solved."""

    solver: str
    status: SolveStatus
    objective: float
    bound: float
    relative_gap: float
    solve_seconds: float
    variables: int
    constraints: int
    time_limit_seconds: float | None = None
    binding: list[BindingRule] = Field(default_factory=list)


class SavingsPlan(DomainModel):
    """A ranked savings plan (see the API's ``SavingsPlan``)."""

    plan_id: str = ""
    rank: int = 0
    levers: list[Lever]
    title: str
    risk_profile: RiskProfile = RiskProfile.UNSPECIFIED
    xor_group_id: str = ""
    actions: list[Action]
    currency_code: str
    baseline_monthly_cost: Decimal
    planned_monthly_cost: Decimal
    monthly_savings: Decimal
    horizon_savings: Decimal
    horizon_months: int
    savings_percent: float
    upfront_cost: Decimal
    break_even_months: float | None = None
    commitment_utilization: float = 0.0
    commitment_coverage: float = 0.0
    risk: RiskFigures = Field(default_factory=RiskFigures)
    explanation: str = ""
    solver: SolverSummary | None = None
    kpis_before: Kpis | None = None
    kpis_after: Kpis | None = None
    category_savings: list[CategorySavings] = Field(default_factory=list)
