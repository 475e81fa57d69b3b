import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Lever(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LEVER_UNSPECIFIED: _ClassVar[Lever]
    LEVER_COMMITMENTS: _ClassVar[Lever]
    LEVER_RIGHT_SIZING: _ClassVar[Lever]
    LEVER_VENDOR_CONSOLIDATION: _ClassVar[Lever]
    LEVER_WORKLOAD_ROUTING: _ClassVar[Lever]

class TechnologyCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TECHNOLOGY_CATEGORY_UNSPECIFIED: _ClassVar[TechnologyCategory]
    TECHNOLOGY_CATEGORY_PUBLIC_CLOUD: _ClassVar[TechnologyCategory]
    TECHNOLOGY_CATEGORY_SAAS: _ClassVar[TechnologyCategory]
    TECHNOLOGY_CATEGORY_LICENSING: _ClassVar[TechnologyCategory]
    TECHNOLOGY_CATEGORY_DATA_CENTER: _ClassVar[TechnologyCategory]
    TECHNOLOGY_CATEGORY_AI_ML: _ClassVar[TechnologyCategory]
    TECHNOLOGY_CATEGORY_DATA_CLOUD_PLATFORM: _ClassVar[TechnologyCategory]

class RiskProfile(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RISK_PROFILE_UNSPECIFIED: _ClassVar[RiskProfile]
    RISK_PROFILE_CONSERVATIVE: _ClassVar[RiskProfile]
    RISK_PROFILE_BALANCED: _ClassVar[RiskProfile]
    RISK_PROFILE_AGGRESSIVE: _ClassVar[RiskProfile]

class ActionType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACTION_TYPE_UNSPECIFIED: _ClassVar[ActionType]
    ACTION_TYPE_PURCHASE_RESERVED_INSTANCES: _ClassVar[ActionType]
    ACTION_TYPE_PURCHASE_SAVINGS_PLAN: _ClassVar[ActionType]
    ACTION_TYPE_RENEW_COMMITMENT: _ClassVar[ActionType]
    ACTION_TYPE_LET_COMMITMENT_EXPIRE: _ClassVar[ActionType]
    ACTION_TYPE_RESIZE: _ClassVar[ActionType]
    ACTION_TYPE_TERMINATE: _ClassVar[ActionType]
    ACTION_TYPE_PROVISION_NODES: _ClassVar[ActionType]
    ACTION_TYPE_PLACE_WORKLOAD: _ClassVar[ActionType]
    ACTION_TYPE_ROUTE_TO_API: _ClassVar[ActionType]
    ACTION_TYPE_KEEP_VENDOR: _ClassVar[ActionType]
    ACTION_TYPE_DROP_VENDOR: _ClassVar[ActionType]
    ACTION_TYPE_MIGRATE_DEMAND: _ClassVar[ActionType]
    ACTION_TYPE_RECLAIM_SEATS: _ClassVar[ActionType]
    ACTION_TYPE_DOWNGRADE_SEATS: _ClassVar[ActionType]

class CommitmentTerm(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMMITMENT_TERM_UNSPECIFIED: _ClassVar[CommitmentTerm]
    COMMITMENT_TERM_ONE_YEAR: _ClassVar[CommitmentTerm]
    COMMITMENT_TERM_THREE_YEARS: _ClassVar[CommitmentTerm]

class PaymentOption(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_OPTION_UNSPECIFIED: _ClassVar[PaymentOption]
    PAYMENT_OPTION_NO_UPFRONT: _ClassVar[PaymentOption]
    PAYMENT_OPTION_PARTIAL_UPFRONT: _ClassVar[PaymentOption]
    PAYMENT_OPTION_ALL_UPFRONT: _ClassVar[PaymentOption]

class SolveStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SOLVE_STATUS_UNSPECIFIED: _ClassVar[SolveStatus]
    SOLVE_STATUS_OPTIMAL: _ClassVar[SolveStatus]
    SOLVE_STATUS_FEASIBLE: _ClassVar[SolveStatus]
    SOLVE_STATUS_INFEASIBLE: _ClassVar[SolveStatus]
    SOLVE_STATUS_UNBOUNDED: _ClassVar[SolveStatus]
    SOLVE_STATUS_NOT_SOLVED: _ClassVar[SolveStatus]
LEVER_UNSPECIFIED: Lever
LEVER_COMMITMENTS: Lever
LEVER_RIGHT_SIZING: Lever
LEVER_VENDOR_CONSOLIDATION: Lever
LEVER_WORKLOAD_ROUTING: Lever
TECHNOLOGY_CATEGORY_UNSPECIFIED: TechnologyCategory
TECHNOLOGY_CATEGORY_PUBLIC_CLOUD: TechnologyCategory
TECHNOLOGY_CATEGORY_SAAS: TechnologyCategory
TECHNOLOGY_CATEGORY_LICENSING: TechnologyCategory
TECHNOLOGY_CATEGORY_DATA_CENTER: TechnologyCategory
TECHNOLOGY_CATEGORY_AI_ML: TechnologyCategory
TECHNOLOGY_CATEGORY_DATA_CLOUD_PLATFORM: TechnologyCategory
RISK_PROFILE_UNSPECIFIED: RiskProfile
RISK_PROFILE_CONSERVATIVE: RiskProfile
RISK_PROFILE_BALANCED: RiskProfile
RISK_PROFILE_AGGRESSIVE: RiskProfile
ACTION_TYPE_UNSPECIFIED: ActionType
ACTION_TYPE_PURCHASE_RESERVED_INSTANCES: ActionType
ACTION_TYPE_PURCHASE_SAVINGS_PLAN: ActionType
ACTION_TYPE_RENEW_COMMITMENT: ActionType
ACTION_TYPE_LET_COMMITMENT_EXPIRE: ActionType
ACTION_TYPE_RESIZE: ActionType
ACTION_TYPE_TERMINATE: ActionType
ACTION_TYPE_PROVISION_NODES: ActionType
ACTION_TYPE_PLACE_WORKLOAD: ActionType
ACTION_TYPE_ROUTE_TO_API: ActionType
ACTION_TYPE_KEEP_VENDOR: ActionType
ACTION_TYPE_DROP_VENDOR: ActionType
ACTION_TYPE_MIGRATE_DEMAND: ActionType
ACTION_TYPE_RECLAIM_SEATS: ActionType
ACTION_TYPE_DOWNGRADE_SEATS: ActionType
COMMITMENT_TERM_UNSPECIFIED: CommitmentTerm
COMMITMENT_TERM_ONE_YEAR: CommitmentTerm
COMMITMENT_TERM_THREE_YEARS: CommitmentTerm
PAYMENT_OPTION_UNSPECIFIED: PaymentOption
PAYMENT_OPTION_NO_UPFRONT: PaymentOption
PAYMENT_OPTION_PARTIAL_UPFRONT: PaymentOption
PAYMENT_OPTION_ALL_UPFRONT: PaymentOption
SOLVE_STATUS_UNSPECIFIED: SolveStatus
SOLVE_STATUS_OPTIMAL: SolveStatus
SOLVE_STATUS_FEASIBLE: SolveStatus
SOLVE_STATUS_INFEASIBLE: SolveStatus
SOLVE_STATUS_UNBOUNDED: SolveStatus
SOLVE_STATUS_NOT_SOLVED: SolveStatus

class UsageSeries(_message.Message):
    __slots__ = ("class_id", "quantity")
    CLASS_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    class_id: str
    quantity: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, class_id: _Optional[str] = ..., quantity: _Optional[_Iterable[float]] = ...) -> None: ...

class UsageProfile(_message.Message):
    __slots__ = ("start_time", "step", "series")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    step: _duration_pb2.Duration
    series: _containers.RepeatedCompositeFieldContainer[UsageSeries]
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., step: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., series: _Optional[_Iterable[_Union[UsageSeries, _Mapping]]] = ...) -> None: ...

class UsageClass(_message.Message):
    __slots__ = ("class_id", "provider", "region", "instance_type", "family", "platform", "on_demand_rate", "normalization_factor", "category")
    CLASS_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    FAMILY_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    ON_DEMAND_RATE_FIELD_NUMBER: _ClassVar[int]
    NORMALIZATION_FACTOR_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    class_id: str
    provider: str
    region: str
    instance_type: str
    family: str
    platform: str
    on_demand_rate: float
    normalization_factor: float
    category: TechnologyCategory
    def __init__(self, class_id: _Optional[str] = ..., provider: _Optional[str] = ..., region: _Optional[str] = ..., instance_type: _Optional[str] = ..., family: _Optional[str] = ..., platform: _Optional[str] = ..., on_demand_rate: _Optional[float] = ..., normalization_factor: _Optional[float] = ..., category: _Optional[_Union[TechnologyCategory, str]] = ...) -> None: ...

class ReservedInstanceTerms(_message.Message):
    __slots__ = ("covered_class_ids", "normalized_units_per_unit", "upfront_per_unit", "hourly_per_unit")
    COVERED_CLASS_IDS_FIELD_NUMBER: _ClassVar[int]
    NORMALIZED_UNITS_PER_UNIT_FIELD_NUMBER: _ClassVar[int]
    UPFRONT_PER_UNIT_FIELD_NUMBER: _ClassVar[int]
    HOURLY_PER_UNIT_FIELD_NUMBER: _ClassVar[int]
    covered_class_ids: _containers.RepeatedScalarFieldContainer[str]
    normalized_units_per_unit: float
    upfront_per_unit: float
    hourly_per_unit: float
    def __init__(self, covered_class_ids: _Optional[_Iterable[str]] = ..., normalized_units_per_unit: _Optional[float] = ..., upfront_per_unit: _Optional[float] = ..., hourly_per_unit: _Optional[float] = ...) -> None: ...

class CoveredRate(_message.Message):
    __slots__ = ("class_id", "rate")
    CLASS_ID_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    class_id: str
    rate: float
    def __init__(self, class_id: _Optional[str] = ..., rate: _Optional[float] = ...) -> None: ...

class SpendCommitmentTerms(_message.Message):
    __slots__ = ("rates",)
    RATES_FIELD_NUMBER: _ClassVar[int]
    rates: _containers.RepeatedCompositeFieldContainer[CoveredRate]
    def __init__(self, rates: _Optional[_Iterable[_Union[CoveredRate, _Mapping]]] = ...) -> None: ...

class CommitmentOffering(_message.Message):
    __slots__ = ("offering_id", "display_name", "provider", "term", "payment_option", "reserved_instance", "spend_commitment", "max_quantity")
    OFFERING_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    TERM_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_OPTION_FIELD_NUMBER: _ClassVar[int]
    RESERVED_INSTANCE_FIELD_NUMBER: _ClassVar[int]
    SPEND_COMMITMENT_FIELD_NUMBER: _ClassVar[int]
    MAX_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    offering_id: str
    display_name: str
    provider: str
    term: CommitmentTerm
    payment_option: PaymentOption
    reserved_instance: ReservedInstanceTerms
    spend_commitment: SpendCommitmentTerms
    max_quantity: float
    def __init__(self, offering_id: _Optional[str] = ..., display_name: _Optional[str] = ..., provider: _Optional[str] = ..., term: _Optional[_Union[CommitmentTerm, str]] = ..., payment_option: _Optional[_Union[PaymentOption, str]] = ..., reserved_instance: _Optional[_Union[ReservedInstanceTerms, _Mapping]] = ..., spend_commitment: _Optional[_Union[SpendCommitmentTerms, _Mapping]] = ..., max_quantity: _Optional[float] = ...) -> None: ...

class ExistingCommitment(_message.Message):
    __slots__ = ("commitment_id", "terms", "quantity", "start_time", "end_time")
    COMMITMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    commitment_id: str
    terms: CommitmentOffering
    quantity: float
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, commitment_id: _Optional[str] = ..., terms: _Optional[_Union[CommitmentOffering, _Mapping]] = ..., quantity: _Optional[float] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Action(_message.Message):
    __slots__ = ("order", "type", "description", "target", "offering_id", "from_value", "to_value", "quantity", "quantity_unit", "provider", "region", "upfront_cost", "monthly_cost", "monthly_savings", "utilization", "coverage", "break_even_months", "marginal_value", "attributes")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ORDER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    OFFERING_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_VALUE_FIELD_NUMBER: _ClassVar[int]
    TO_VALUE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_UNIT_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    UPFRONT_COST_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_FIELD_NUMBER: _ClassVar[int]
    BREAK_EVEN_MONTHS_FIELD_NUMBER: _ClassVar[int]
    MARGINAL_VALUE_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    order: int
    type: ActionType
    description: str
    target: str
    offering_id: str
    from_value: str
    to_value: str
    quantity: float
    quantity_unit: str
    provider: str
    region: str
    upfront_cost: _money_pb2.Money
    monthly_cost: _money_pb2.Money
    monthly_savings: _money_pb2.Money
    utilization: float
    coverage: float
    break_even_months: float
    marginal_value: _money_pb2.Money
    attributes: _containers.ScalarMap[str, str]
    def __init__(self, order: _Optional[int] = ..., type: _Optional[_Union[ActionType, str]] = ..., description: _Optional[str] = ..., target: _Optional[str] = ..., offering_id: _Optional[str] = ..., from_value: _Optional[str] = ..., to_value: _Optional[str] = ..., quantity: _Optional[float] = ..., quantity_unit: _Optional[str] = ..., provider: _Optional[str] = ..., region: _Optional[str] = ..., upfront_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., utilization: _Optional[float] = ..., coverage: _Optional[float] = ..., break_even_months: _Optional[float] = ..., marginal_value: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., attributes: _Optional[_Mapping[str, str]] = ...) -> None: ...

class RiskFigures(_message.Message):
    __slots__ = ("committed_spend", "lock_in_currency_months", "weighted_term_months", "worst_month_savings", "stress_usage_drop", "stressed_monthly_savings", "break_even_usage_drop", "probability_of_loss", "cvar_monthly_savings", "cvar_level", "max_performance_risk")
    COMMITTED_SPEND_FIELD_NUMBER: _ClassVar[int]
    LOCK_IN_CURRENCY_MONTHS_FIELD_NUMBER: _ClassVar[int]
    WEIGHTED_TERM_MONTHS_FIELD_NUMBER: _ClassVar[int]
    WORST_MONTH_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    STRESS_USAGE_DROP_FIELD_NUMBER: _ClassVar[int]
    STRESSED_MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    BREAK_EVEN_USAGE_DROP_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_OF_LOSS_FIELD_NUMBER: _ClassVar[int]
    CVAR_MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    CVAR_LEVEL_FIELD_NUMBER: _ClassVar[int]
    MAX_PERFORMANCE_RISK_FIELD_NUMBER: _ClassVar[int]
    committed_spend: _money_pb2.Money
    lock_in_currency_months: float
    weighted_term_months: float
    worst_month_savings: _money_pb2.Money
    stress_usage_drop: float
    stressed_monthly_savings: _money_pb2.Money
    break_even_usage_drop: float
    probability_of_loss: float
    cvar_monthly_savings: _money_pb2.Money
    cvar_level: float
    max_performance_risk: int
    def __init__(self, committed_spend: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., lock_in_currency_months: _Optional[float] = ..., weighted_term_months: _Optional[float] = ..., worst_month_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., stress_usage_drop: _Optional[float] = ..., stressed_monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., break_even_usage_drop: _Optional[float] = ..., probability_of_loss: _Optional[float] = ..., cvar_monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., cvar_level: _Optional[float] = ..., max_performance_risk: _Optional[int] = ...) -> None: ...

class Kpis(_message.Message):
    __slots__ = ("effective_savings_rate", "commitment_coverage", "commitment_utilization", "commitment_waste", "on_demand_equivalent_monthly_cost", "effective_monthly_cost")
    EFFECTIVE_SAVINGS_RATE_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_COVERAGE_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_WASTE_FIELD_NUMBER: _ClassVar[int]
    ON_DEMAND_EQUIVALENT_MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    effective_savings_rate: float
    commitment_coverage: float
    commitment_utilization: float
    commitment_waste: float
    on_demand_equivalent_monthly_cost: _money_pb2.Money
    effective_monthly_cost: _money_pb2.Money
    def __init__(self, effective_savings_rate: _Optional[float] = ..., commitment_coverage: _Optional[float] = ..., commitment_utilization: _Optional[float] = ..., commitment_waste: _Optional[float] = ..., on_demand_equivalent_monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., effective_monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class CategorySavings(_message.Message):
    __slots__ = ("category", "monthly_savings")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    category: TechnologyCategory
    monthly_savings: _money_pb2.Money
    def __init__(self, category: _Optional[_Union[TechnologyCategory, str]] = ..., monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class BindingConstraint(_message.Message):
    __slots__ = ("name", "explanation", "shadow_price")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    SHADOW_PRICE_FIELD_NUMBER: _ClassVar[int]
    name: str
    explanation: str
    shadow_price: float
    def __init__(self, name: _Optional[str] = ..., explanation: _Optional[str] = ..., shadow_price: _Optional[float] = ...) -> None: ...

class SolverReport(_message.Message):
    __slots__ = ("solver", "status", "objective", "bound", "relative_gap", "solve_time", "variables", "constraints", "binding_constraints", "time_limit")
    SOLVER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OBJECTIVE_FIELD_NUMBER: _ClassVar[int]
    BOUND_FIELD_NUMBER: _ClassVar[int]
    RELATIVE_GAP_FIELD_NUMBER: _ClassVar[int]
    SOLVE_TIME_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    CONSTRAINTS_FIELD_NUMBER: _ClassVar[int]
    BINDING_CONSTRAINTS_FIELD_NUMBER: _ClassVar[int]
    TIME_LIMIT_FIELD_NUMBER: _ClassVar[int]
    solver: str
    status: SolveStatus
    objective: float
    bound: float
    relative_gap: float
    solve_time: _duration_pb2.Duration
    variables: int
    constraints: int
    binding_constraints: _containers.RepeatedCompositeFieldContainer[BindingConstraint]
    time_limit: _duration_pb2.Duration
    def __init__(self, solver: _Optional[str] = ..., status: _Optional[_Union[SolveStatus, str]] = ..., objective: _Optional[float] = ..., bound: _Optional[float] = ..., relative_gap: _Optional[float] = ..., solve_time: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., variables: _Optional[int] = ..., constraints: _Optional[int] = ..., binding_constraints: _Optional[_Iterable[_Union[BindingConstraint, _Mapping]]] = ..., time_limit: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class SavingsPlan(_message.Message):
    __slots__ = ("plan_id", "rank", "levers", "title", "risk_profile", "xor_group_id", "actions", "currency_code", "baseline_monthly_cost", "planned_monthly_cost", "monthly_savings", "horizon_savings", "horizon_months", "savings_percent", "upfront_cost", "break_even_months", "commitment_utilization", "commitment_coverage", "risk", "explanation", "solver", "kpis_before", "kpis_after", "category_savings")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    LEVERS_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    RISK_PROFILE_FIELD_NUMBER: _ClassVar[int]
    XOR_GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    BASELINE_MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    PLANNED_MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    HORIZON_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    HORIZON_MONTHS_FIELD_NUMBER: _ClassVar[int]
    SAVINGS_PERCENT_FIELD_NUMBER: _ClassVar[int]
    UPFRONT_COST_FIELD_NUMBER: _ClassVar[int]
    BREAK_EVEN_MONTHS_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_COVERAGE_FIELD_NUMBER: _ClassVar[int]
    RISK_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    SOLVER_FIELD_NUMBER: _ClassVar[int]
    KPIS_BEFORE_FIELD_NUMBER: _ClassVar[int]
    KPIS_AFTER_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    rank: int
    levers: _containers.RepeatedScalarFieldContainer[Lever]
    title: str
    risk_profile: RiskProfile
    xor_group_id: str
    actions: _containers.RepeatedCompositeFieldContainer[Action]
    currency_code: str
    baseline_monthly_cost: _money_pb2.Money
    planned_monthly_cost: _money_pb2.Money
    monthly_savings: _money_pb2.Money
    horizon_savings: _money_pb2.Money
    horizon_months: int
    savings_percent: float
    upfront_cost: _money_pb2.Money
    break_even_months: float
    commitment_utilization: float
    commitment_coverage: float
    risk: RiskFigures
    explanation: str
    solver: SolverReport
    kpis_before: Kpis
    kpis_after: Kpis
    category_savings: _containers.RepeatedCompositeFieldContainer[CategorySavings]
    def __init__(self, plan_id: _Optional[str] = ..., rank: _Optional[int] = ..., levers: _Optional[_Iterable[_Union[Lever, str]]] = ..., title: _Optional[str] = ..., risk_profile: _Optional[_Union[RiskProfile, str]] = ..., xor_group_id: _Optional[str] = ..., actions: _Optional[_Iterable[_Union[Action, _Mapping]]] = ..., currency_code: _Optional[str] = ..., baseline_monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., planned_monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., horizon_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., horizon_months: _Optional[int] = ..., savings_percent: _Optional[float] = ..., upfront_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., break_even_months: _Optional[float] = ..., commitment_utilization: _Optional[float] = ..., commitment_coverage: _Optional[float] = ..., risk: _Optional[_Union[RiskFigures, _Mapping]] = ..., explanation: _Optional[str] = ..., solver: _Optional[_Union[SolverReport, _Mapping]] = ..., kpis_before: _Optional[_Union[Kpis, _Mapping]] = ..., kpis_after: _Optional[_Union[Kpis, _Mapping]] = ..., category_savings: _Optional[_Iterable[_Union[CategorySavings, _Mapping]]] = ...) -> None: ...
