import datetime

from recommender.api.v1 import common_pb2 as _common_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TierPricing(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIER_PRICING_UNSPECIFIED: _ClassVar[TierPricing]
    TIER_PRICING_ALL_UNITS: _ClassVar[TierPricing]
    TIER_PRICING_INCREMENTAL: _ClassVar[TierPricing]

class TierBasis(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIER_BASIS_UNSPECIFIED: _ClassVar[TierBasis]
    TIER_BASIS_LINE_QUANTITY: _ClassVar[TierBasis]
    TIER_BASIS_VENDOR_QUANTITY: _ClassVar[TierBasis]

class SeatDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEAT_DECISION_UNSPECIFIED: _ClassVar[SeatDecision]
    SEAT_DECISION_KEEP: _ClassVar[SeatDecision]
    SEAT_DECISION_RECLAIM: _ClassVar[SeatDecision]
    SEAT_DECISION_DOWNGRADE: _ClassVar[SeatDecision]
    SEAT_DECISION_EXEMPT_NEW: _ClassVar[SeatDecision]
TIER_PRICING_UNSPECIFIED: TierPricing
TIER_PRICING_ALL_UNITS: TierPricing
TIER_PRICING_INCREMENTAL: TierPricing
TIER_BASIS_UNSPECIFIED: TierBasis
TIER_BASIS_LINE_QUANTITY: TierBasis
TIER_BASIS_VENDOR_QUANTITY: TierBasis
SEAT_DECISION_UNSPECIFIED: SeatDecision
SEAT_DECISION_KEEP: SeatDecision
SEAT_DECISION_RECLAIM: SeatDecision
SEAT_DECISION_DOWNGRADE: SeatDecision
SEAT_DECISION_EXEMPT_NEW: SeatDecision

class Demand(_message.Message):
    __slots__ = ("demand_id", "category", "capability", "quantity", "unit", "current_vendor_id", "current_line_id", "migration_cost_per_unit", "population")
    DEMAND_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CAPABILITY_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    CURRENT_VENDOR_ID_FIELD_NUMBER: _ClassVar[int]
    CURRENT_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    MIGRATION_COST_PER_UNIT_FIELD_NUMBER: _ClassVar[int]
    POPULATION_FIELD_NUMBER: _ClassVar[int]
    demand_id: str
    category: _common_pb2.TechnologyCategory
    capability: str
    quantity: float
    unit: str
    current_vendor_id: str
    current_line_id: str
    migration_cost_per_unit: float
    population: str
    def __init__(self, demand_id: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.TechnologyCategory, str]] = ..., capability: _Optional[str] = ..., quantity: _Optional[float] = ..., unit: _Optional[str] = ..., current_vendor_id: _Optional[str] = ..., current_line_id: _Optional[str] = ..., migration_cost_per_unit: _Optional[float] = ..., population: _Optional[str] = ...) -> None: ...

class PriceTier(_message.Message):
    __slots__ = ("min_quantity", "unit_price")
    MIN_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    min_quantity: float
    unit_price: float
    def __init__(self, min_quantity: _Optional[float] = ..., unit_price: _Optional[float] = ...) -> None: ...

class PriceLine(_message.Message):
    __slots__ = ("line_id", "display_name", "capabilities", "tiers", "tier_pricing", "tier_basis", "max_quantity", "whole_units", "features", "unit")
    LINE_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    TIER_PRICING_FIELD_NUMBER: _ClassVar[int]
    TIER_BASIS_FIELD_NUMBER: _ClassVar[int]
    MAX_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    WHOLE_UNITS_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    line_id: str
    display_name: str
    capabilities: _containers.RepeatedScalarFieldContainer[str]
    tiers: _containers.RepeatedCompositeFieldContainer[PriceTier]
    tier_pricing: TierPricing
    tier_basis: TierBasis
    max_quantity: float
    whole_units: bool
    features: _containers.RepeatedScalarFieldContainer[str]
    unit: str
    def __init__(self, line_id: _Optional[str] = ..., display_name: _Optional[str] = ..., capabilities: _Optional[_Iterable[str]] = ..., tiers: _Optional[_Iterable[_Union[PriceTier, _Mapping]]] = ..., tier_pricing: _Optional[_Union[TierPricing, str]] = ..., tier_basis: _Optional[_Union[TierBasis, str]] = ..., max_quantity: _Optional[float] = ..., whole_units: _Optional[bool] = ..., features: _Optional[_Iterable[str]] = ..., unit: _Optional[str] = ...) -> None: ...

class VendorOffer(_message.Message):
    __slots__ = ("vendor_id", "display_name", "category", "lines", "fixed_monthly_fee", "minimum_monthly_commitment", "contract_end_time", "exit_penalty", "locked_until_contract_end", "under_contract", "onboarding_cost", "max_total_quantity", "single_plan")
    VENDOR_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    FIXED_MONTHLY_FEE_FIELD_NUMBER: _ClassVar[int]
    MINIMUM_MONTHLY_COMMITMENT_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_END_TIME_FIELD_NUMBER: _ClassVar[int]
    EXIT_PENALTY_FIELD_NUMBER: _ClassVar[int]
    LOCKED_UNTIL_CONTRACT_END_FIELD_NUMBER: _ClassVar[int]
    UNDER_CONTRACT_FIELD_NUMBER: _ClassVar[int]
    ONBOARDING_COST_FIELD_NUMBER: _ClassVar[int]
    MAX_TOTAL_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    SINGLE_PLAN_FIELD_NUMBER: _ClassVar[int]
    vendor_id: str
    display_name: str
    category: _common_pb2.TechnologyCategory
    lines: _containers.RepeatedCompositeFieldContainer[PriceLine]
    fixed_monthly_fee: float
    minimum_monthly_commitment: float
    contract_end_time: _timestamp_pb2.Timestamp
    exit_penalty: float
    locked_until_contract_end: bool
    under_contract: bool
    onboarding_cost: float
    max_total_quantity: float
    single_plan: bool
    def __init__(self, vendor_id: _Optional[str] = ..., display_name: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.TechnologyCategory, str]] = ..., lines: _Optional[_Iterable[_Union[PriceLine, _Mapping]]] = ..., fixed_monthly_fee: _Optional[float] = ..., minimum_monthly_commitment: _Optional[float] = ..., contract_end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., exit_penalty: _Optional[float] = ..., locked_until_contract_end: _Optional[bool] = ..., under_contract: _Optional[bool] = ..., onboarding_cost: _Optional[float] = ..., max_total_quantity: _Optional[float] = ..., single_plan: _Optional[bool] = ...) -> None: ...

class SeatActivity(_message.Message):
    __slots__ = ("demand_id", "user_id", "line_id", "last_active_time", "assigned_time", "features_used")
    DEMAND_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    LINE_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    ASSIGNED_TIME_FIELD_NUMBER: _ClassVar[int]
    FEATURES_USED_FIELD_NUMBER: _ClassVar[int]
    demand_id: str
    user_id: str
    line_id: str
    last_active_time: _timestamp_pb2.Timestamp
    assigned_time: _timestamp_pb2.Timestamp
    features_used: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, demand_id: _Optional[str] = ..., user_id: _Optional[str] = ..., line_id: _Optional[str] = ..., last_active_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., assigned_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., features_used: _Optional[_Iterable[str]] = ...) -> None: ...

class CategoryVendorLimit(_message.Message):
    __slots__ = ("category", "max_vendors")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    MAX_VENDORS_FIELD_NUMBER: _ClassVar[int]
    category: _common_pb2.TechnologyCategory
    max_vendors: int
    def __init__(self, category: _Optional[_Union[_common_pb2.TechnologyCategory, str]] = ..., max_vendors: _Optional[int] = ...) -> None: ...

class ConsolidationPolicy(_message.Message):
    __slots__ = ("max_vendors", "max_vendors_per_category", "category_limits", "must_keep_vendor_ids", "excluded_vendor_ids", "horizon_months", "forbid_overbuy", "inactive_seat_days", "as_of_time", "single_sourcing", "keep_inactive_seats", "keep_seat_plans", "best_only")
    MAX_VENDORS_FIELD_NUMBER: _ClassVar[int]
    MAX_VENDORS_PER_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_LIMITS_FIELD_NUMBER: _ClassVar[int]
    MUST_KEEP_VENDOR_IDS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_VENDOR_IDS_FIELD_NUMBER: _ClassVar[int]
    HORIZON_MONTHS_FIELD_NUMBER: _ClassVar[int]
    FORBID_OVERBUY_FIELD_NUMBER: _ClassVar[int]
    INACTIVE_SEAT_DAYS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_TIME_FIELD_NUMBER: _ClassVar[int]
    SINGLE_SOURCING_FIELD_NUMBER: _ClassVar[int]
    KEEP_INACTIVE_SEATS_FIELD_NUMBER: _ClassVar[int]
    KEEP_SEAT_PLANS_FIELD_NUMBER: _ClassVar[int]
    BEST_ONLY_FIELD_NUMBER: _ClassVar[int]
    max_vendors: int
    max_vendors_per_category: int
    category_limits: _containers.RepeatedCompositeFieldContainer[CategoryVendorLimit]
    must_keep_vendor_ids: _containers.RepeatedScalarFieldContainer[str]
    excluded_vendor_ids: _containers.RepeatedScalarFieldContainer[str]
    horizon_months: int
    forbid_overbuy: bool
    inactive_seat_days: int
    as_of_time: _timestamp_pb2.Timestamp
    single_sourcing: bool
    keep_inactive_seats: bool
    keep_seat_plans: bool
    best_only: bool
    def __init__(self, max_vendors: _Optional[int] = ..., max_vendors_per_category: _Optional[int] = ..., category_limits: _Optional[_Iterable[_Union[CategoryVendorLimit, _Mapping]]] = ..., must_keep_vendor_ids: _Optional[_Iterable[str]] = ..., excluded_vendor_ids: _Optional[_Iterable[str]] = ..., horizon_months: _Optional[int] = ..., forbid_overbuy: _Optional[bool] = ..., inactive_seat_days: _Optional[int] = ..., as_of_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., single_sourcing: _Optional[bool] = ..., keep_inactive_seats: _Optional[bool] = ..., keep_seat_plans: _Optional[bool] = ..., best_only: _Optional[bool] = ...) -> None: ...

class DemandAllocation(_message.Message):
    __slots__ = ("demand_id", "vendor_id", "line_id", "quantity", "migrated", "migration_cost", "monthly_cost")
    DEMAND_ID_FIELD_NUMBER: _ClassVar[int]
    VENDOR_ID_FIELD_NUMBER: _ClassVar[int]
    LINE_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    MIGRATED_FIELD_NUMBER: _ClassVar[int]
    MIGRATION_COST_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    demand_id: str
    vendor_id: str
    line_id: str
    quantity: float
    migrated: bool
    migration_cost: _money_pb2.Money
    monthly_cost: _money_pb2.Money
    def __init__(self, demand_id: _Optional[str] = ..., vendor_id: _Optional[str] = ..., line_id: _Optional[str] = ..., quantity: _Optional[float] = ..., migrated: _Optional[bool] = ..., migration_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class LineOutcome(_message.Message):
    __slots__ = ("line_id", "quantity_needed", "quantity_bought", "overbuy", "tier_index", "unit_price", "monthly_cost", "baseline_quantity", "baseline_monthly_cost")
    LINE_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_NEEDED_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_BOUGHT_FIELD_NUMBER: _ClassVar[int]
    OVERBUY_FIELD_NUMBER: _ClassVar[int]
    TIER_INDEX_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    BASELINE_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    BASELINE_MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    line_id: str
    quantity_needed: float
    quantity_bought: float
    overbuy: float
    tier_index: int
    unit_price: _money_pb2.Money
    monthly_cost: _money_pb2.Money
    baseline_quantity: float
    baseline_monthly_cost: _money_pb2.Money
    def __init__(self, line_id: _Optional[str] = ..., quantity_needed: _Optional[float] = ..., quantity_bought: _Optional[float] = ..., overbuy: _Optional[float] = ..., tier_index: _Optional[int] = ..., unit_price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., baseline_quantity: _Optional[float] = ..., baseline_monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class VendorOutcome(_message.Message):
    __slots__ = ("vendor_id", "kept", "incumbent", "lines", "monthly_cost", "baseline_monthly_cost", "commitment_shortfall", "exit_penalty", "onboarding_cost", "reason")
    VENDOR_ID_FIELD_NUMBER: _ClassVar[int]
    KEPT_FIELD_NUMBER: _ClassVar[int]
    INCUMBENT_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    BASELINE_MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_SHORTFALL_FIELD_NUMBER: _ClassVar[int]
    EXIT_PENALTY_FIELD_NUMBER: _ClassVar[int]
    ONBOARDING_COST_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    vendor_id: str
    kept: bool
    incumbent: bool
    lines: _containers.RepeatedCompositeFieldContainer[LineOutcome]
    monthly_cost: _money_pb2.Money
    baseline_monthly_cost: _money_pb2.Money
    commitment_shortfall: _money_pb2.Money
    exit_penalty: _money_pb2.Money
    onboarding_cost: _money_pb2.Money
    reason: str
    def __init__(self, vendor_id: _Optional[str] = ..., kept: _Optional[bool] = ..., incumbent: _Optional[bool] = ..., lines: _Optional[_Iterable[_Union[LineOutcome, _Mapping]]] = ..., monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., baseline_monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., commitment_shortfall: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., exit_penalty: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., onboarding_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class SeatOutcome(_message.Message):
    __slots__ = ("demand_id", "user_id", "vendor_id", "decision", "from_line_id", "to_line_id", "days_inactive", "reason")
    DEMAND_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    VENDOR_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    FROM_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    TO_LINE_ID_FIELD_NUMBER: _ClassVar[int]
    DAYS_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    demand_id: str
    user_id: str
    vendor_id: str
    decision: SeatDecision
    from_line_id: str
    to_line_id: str
    days_inactive: float
    reason: str
    def __init__(self, demand_id: _Optional[str] = ..., user_id: _Optional[str] = ..., vendor_id: _Optional[str] = ..., decision: _Optional[_Union[SeatDecision, str]] = ..., from_line_id: _Optional[str] = ..., to_line_id: _Optional[str] = ..., days_inactive: _Optional[float] = ..., reason: _Optional[str] = ...) -> None: ...

class ConsolidateVendorsRequest(_message.Message):
    __slots__ = ("currency_code", "demands", "vendors", "seats", "policy")
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    DEMANDS_FIELD_NUMBER: _ClassVar[int]
    VENDORS_FIELD_NUMBER: _ClassVar[int]
    SEATS_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    demands: _containers.RepeatedCompositeFieldContainer[Demand]
    vendors: _containers.RepeatedCompositeFieldContainer[VendorOffer]
    seats: _containers.RepeatedCompositeFieldContainer[SeatActivity]
    policy: ConsolidationPolicy
    def __init__(self, currency_code: _Optional[str] = ..., demands: _Optional[_Iterable[_Union[Demand, _Mapping]]] = ..., vendors: _Optional[_Iterable[_Union[VendorOffer, _Mapping]]] = ..., seats: _Optional[_Iterable[_Union[SeatActivity, _Mapping]]] = ..., policy: _Optional[_Union[ConsolidationPolicy, _Mapping]] = ...) -> None: ...

class ConsolidateVendorsResponse(_message.Message):
    __slots__ = ("plans", "allocations", "vendors", "warnings", "seats")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    ALLOCATIONS_FIELD_NUMBER: _ClassVar[int]
    VENDORS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    SEATS_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[_common_pb2.SavingsPlan]
    allocations: _containers.RepeatedCompositeFieldContainer[DemandAllocation]
    vendors: _containers.RepeatedCompositeFieldContainer[VendorOutcome]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    seats: _containers.RepeatedCompositeFieldContainer[SeatOutcome]
    def __init__(self, plans: _Optional[_Iterable[_Union[_common_pb2.SavingsPlan, _Mapping]]] = ..., allocations: _Optional[_Iterable[_Union[DemandAllocation, _Mapping]]] = ..., vendors: _Optional[_Iterable[_Union[VendorOutcome, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ..., seats: _Optional[_Iterable[_Union[SeatOutcome, _Mapping]]] = ...) -> None: ...
