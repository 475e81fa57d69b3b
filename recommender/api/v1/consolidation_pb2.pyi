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
TIER_PRICING_UNSPECIFIED: TierPricing
TIER_PRICING_ALL_UNITS: TierPricing
TIER_PRICING_INCREMENTAL: TierPricing

class Demand(_message.Message):
    __slots__ = ("demand_id", "category", "capability", "quantity", "unit", "current_vendor_id", "migration_cost_per_unit")
    DEMAND_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CAPABILITY_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    CURRENT_VENDOR_ID_FIELD_NUMBER: _ClassVar[int]
    MIGRATION_COST_PER_UNIT_FIELD_NUMBER: _ClassVar[int]
    demand_id: str
    category: _common_pb2.TechnologyCategory
    capability: str
    quantity: float
    unit: str
    current_vendor_id: str
    migration_cost_per_unit: float
    def __init__(self, demand_id: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.TechnologyCategory, str]] = ..., capability: _Optional[str] = ..., quantity: _Optional[float] = ..., unit: _Optional[str] = ..., current_vendor_id: _Optional[str] = ..., migration_cost_per_unit: _Optional[float] = ...) -> None: ...

class PriceTier(_message.Message):
    __slots__ = ("min_quantity", "unit_price")
    MIN_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    min_quantity: float
    unit_price: float
    def __init__(self, min_quantity: _Optional[float] = ..., unit_price: _Optional[float] = ...) -> None: ...

class PriceLine(_message.Message):
    __slots__ = ("capability", "tiers", "tier_pricing")
    CAPABILITY_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    TIER_PRICING_FIELD_NUMBER: _ClassVar[int]
    capability: str
    tiers: _containers.RepeatedCompositeFieldContainer[PriceTier]
    tier_pricing: TierPricing
    def __init__(self, capability: _Optional[str] = ..., tiers: _Optional[_Iterable[_Union[PriceTier, _Mapping]]] = ..., tier_pricing: _Optional[_Union[TierPricing, str]] = ...) -> None: ...

class VendorOffer(_message.Message):
    __slots__ = ("vendor_id", "display_name", "category", "lines", "fixed_monthly_fee", "minimum_monthly_commitment", "contract_end_time", "exit_penalty", "capacity")
    VENDOR_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    FIXED_MONTHLY_FEE_FIELD_NUMBER: _ClassVar[int]
    MINIMUM_MONTHLY_COMMITMENT_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_END_TIME_FIELD_NUMBER: _ClassVar[int]
    EXIT_PENALTY_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    vendor_id: str
    display_name: str
    category: _common_pb2.TechnologyCategory
    lines: _containers.RepeatedCompositeFieldContainer[PriceLine]
    fixed_monthly_fee: float
    minimum_monthly_commitment: float
    contract_end_time: _timestamp_pb2.Timestamp
    exit_penalty: float
    capacity: float
    def __init__(self, vendor_id: _Optional[str] = ..., display_name: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.TechnologyCategory, str]] = ..., lines: _Optional[_Iterable[_Union[PriceLine, _Mapping]]] = ..., fixed_monthly_fee: _Optional[float] = ..., minimum_monthly_commitment: _Optional[float] = ..., contract_end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., exit_penalty: _Optional[float] = ..., capacity: _Optional[float] = ...) -> None: ...

class SeatActivity(_message.Message):
    __slots__ = ("vendor_id", "user_id", "plan", "last_active_time", "features_used")
    VENDOR_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    FEATURES_USED_FIELD_NUMBER: _ClassVar[int]
    vendor_id: str
    user_id: str
    plan: str
    last_active_time: _timestamp_pb2.Timestamp
    features_used: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, vendor_id: _Optional[str] = ..., user_id: _Optional[str] = ..., plan: _Optional[str] = ..., last_active_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., features_used: _Optional[_Iterable[str]] = ...) -> None: ...

class ConsolidationPolicy(_message.Message):
    __slots__ = ("max_vendors", "max_vendors_per_category", "must_keep_vendor_ids", "excluded_vendor_ids", "horizon_months", "forbid_overbuy", "inactive_seat_days", "as_of_time")
    MAX_VENDORS_FIELD_NUMBER: _ClassVar[int]
    MAX_VENDORS_PER_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    MUST_KEEP_VENDOR_IDS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_VENDOR_IDS_FIELD_NUMBER: _ClassVar[int]
    HORIZON_MONTHS_FIELD_NUMBER: _ClassVar[int]
    FORBID_OVERBUY_FIELD_NUMBER: _ClassVar[int]
    INACTIVE_SEAT_DAYS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_TIME_FIELD_NUMBER: _ClassVar[int]
    max_vendors: int
    max_vendors_per_category: int
    must_keep_vendor_ids: _containers.RepeatedScalarFieldContainer[str]
    excluded_vendor_ids: _containers.RepeatedScalarFieldContainer[str]
    horizon_months: int
    forbid_overbuy: bool
    inactive_seat_days: int
    as_of_time: _timestamp_pb2.Timestamp
    def __init__(self, max_vendors: _Optional[int] = ..., max_vendors_per_category: _Optional[int] = ..., must_keep_vendor_ids: _Optional[_Iterable[str]] = ..., excluded_vendor_ids: _Optional[_Iterable[str]] = ..., horizon_months: _Optional[int] = ..., forbid_overbuy: _Optional[bool] = ..., inactive_seat_days: _Optional[int] = ..., as_of_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DemandAllocation(_message.Message):
    __slots__ = ("demand_id", "vendor_id", "quantity")
    DEMAND_ID_FIELD_NUMBER: _ClassVar[int]
    VENDOR_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    demand_id: str
    vendor_id: str
    quantity: float
    def __init__(self, demand_id: _Optional[str] = ..., vendor_id: _Optional[str] = ..., quantity: _Optional[float] = ...) -> None: ...

class VendorOutcome(_message.Message):
    __slots__ = ("vendor_id", "kept", "tier_reached", "overbuy", "monthly_cost")
    class TierReachedEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class OverbuyEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    VENDOR_ID_FIELD_NUMBER: _ClassVar[int]
    KEPT_FIELD_NUMBER: _ClassVar[int]
    TIER_REACHED_FIELD_NUMBER: _ClassVar[int]
    OVERBUY_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    vendor_id: str
    kept: bool
    tier_reached: _containers.ScalarMap[str, int]
    overbuy: _containers.ScalarMap[str, float]
    monthly_cost: _money_pb2.Money
    def __init__(self, vendor_id: _Optional[str] = ..., kept: _Optional[bool] = ..., tier_reached: _Optional[_Mapping[str, int]] = ..., overbuy: _Optional[_Mapping[str, float]] = ..., monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

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
    __slots__ = ("plans", "allocations", "vendors", "warnings")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    ALLOCATIONS_FIELD_NUMBER: _ClassVar[int]
    VENDORS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[_common_pb2.SavingsPlan]
    allocations: _containers.RepeatedCompositeFieldContainer[DemandAllocation]
    vendors: _containers.RepeatedCompositeFieldContainer[VendorOutcome]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plans: _Optional[_Iterable[_Union[_common_pb2.SavingsPlan, _Mapping]]] = ..., allocations: _Optional[_Iterable[_Union[DemandAllocation, _Mapping]]] = ..., vendors: _Optional[_Iterable[_Union[VendorOutcome, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...
