from recommender.api.v1 import commitments_pb2 as _commitments_pb2
from recommender.api.v1 import common_pb2 as _common_pb2
from recommender.api.v1 import consolidation_pb2 as _consolidation_pb2
from recommender.api.v1 import rightsizing_pb2 as _rightsizing_pb2
from recommender.api.v1 import routing_pb2 as _routing_pb2
from google.type import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReportingOverlay(_message.Message):
    __slots__ = ("reporting_currency_code", "exchange_rate", "tax_rate", "taxed_categories", "default_residency")
    REPORTING_CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_RATE_FIELD_NUMBER: _ClassVar[int]
    TAX_RATE_FIELD_NUMBER: _ClassVar[int]
    TAXED_CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_RESIDENCY_FIELD_NUMBER: _ClassVar[int]
    reporting_currency_code: str
    exchange_rate: float
    tax_rate: float
    taxed_categories: _containers.RepeatedScalarFieldContainer[_common_pb2.TechnologyCategory]
    default_residency: _routing_pb2.ResidencyRule
    def __init__(self, reporting_currency_code: _Optional[str] = ..., exchange_rate: _Optional[float] = ..., tax_rate: _Optional[float] = ..., taxed_categories: _Optional[_Iterable[_Union[_common_pb2.TechnologyCategory, str]]] = ..., default_residency: _Optional[_Union[_routing_pb2.ResidencyRule, _Mapping]] = ...) -> None: ...

class RecommendPolicy(_message.Message):
    __slots__ = ("horizon_months", "risk_weight", "stress_usage_drop")
    HORIZON_MONTHS_FIELD_NUMBER: _ClassVar[int]
    RISK_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    STRESS_USAGE_DROP_FIELD_NUMBER: _ClassVar[int]
    horizon_months: int
    risk_weight: float
    stress_usage_drop: float
    def __init__(self, horizon_months: _Optional[int] = ..., risk_weight: _Optional[float] = ..., stress_usage_drop: _Optional[float] = ...) -> None: ...

class RecommendRequest(_message.Message):
    __slots__ = ("commitments", "right_sizing", "consolidation", "routing", "focus_csv", "overlay", "max_plans", "policy")
    COMMITMENTS_FIELD_NUMBER: _ClassVar[int]
    RIGHT_SIZING_FIELD_NUMBER: _ClassVar[int]
    CONSOLIDATION_FIELD_NUMBER: _ClassVar[int]
    ROUTING_FIELD_NUMBER: _ClassVar[int]
    FOCUS_CSV_FIELD_NUMBER: _ClassVar[int]
    OVERLAY_FIELD_NUMBER: _ClassVar[int]
    MAX_PLANS_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    commitments: _commitments_pb2.PlanCommitmentsRequest
    right_sizing: _rightsizing_pb2.RightSizeRequest
    consolidation: _consolidation_pb2.ConsolidateVendorsRequest
    routing: _routing_pb2.RouteWorkloadsRequest
    focus_csv: bytes
    overlay: ReportingOverlay
    max_plans: int
    policy: RecommendPolicy
    def __init__(self, commitments: _Optional[_Union[_commitments_pb2.PlanCommitmentsRequest, _Mapping]] = ..., right_sizing: _Optional[_Union[_rightsizing_pb2.RightSizeRequest, _Mapping]] = ..., consolidation: _Optional[_Union[_consolidation_pb2.ConsolidateVendorsRequest, _Mapping]] = ..., routing: _Optional[_Union[_routing_pb2.RouteWorkloadsRequest, _Mapping]] = ..., focus_csv: _Optional[bytes] = ..., overlay: _Optional[_Union[ReportingOverlay, _Mapping]] = ..., max_plans: _Optional[int] = ..., policy: _Optional[_Union[RecommendPolicy, _Mapping]] = ...) -> None: ...

class LeverSavings(_message.Message):
    __slots__ = ("lever", "monthly_savings", "upfront_cost", "action_count", "source_plan_title", "source_profile")
    LEVER_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    UPFRONT_COST_FIELD_NUMBER: _ClassVar[int]
    ACTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_PLAN_TITLE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_PROFILE_FIELD_NUMBER: _ClassVar[int]
    lever: _common_pb2.Lever
    monthly_savings: _money_pb2.Money
    upfront_cost: _money_pb2.Money
    action_count: int
    source_plan_title: str
    source_profile: _common_pb2.RiskProfile
    def __init__(self, lever: _Optional[_Union[_common_pb2.Lever, str]] = ..., monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., upfront_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., action_count: _Optional[int] = ..., source_plan_title: _Optional[str] = ..., source_profile: _Optional[_Union[_common_pb2.RiskProfile, str]] = ...) -> None: ...

class SequencingComparison(_message.Message):
    __slots__ = ("commit_first_monthly_cost", "sequenced_monthly_cost", "sequenced_advantage", "commit_first_utilization", "sequenced_utilization", "commit_first_unused_commitment", "sequenced_unused_commitment", "commit_first_commitment_per_hour", "sequenced_commitment_per_hour")
    COMMIT_FIRST_MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    SEQUENCED_MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    SEQUENCED_ADVANTAGE_FIELD_NUMBER: _ClassVar[int]
    COMMIT_FIRST_UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    SEQUENCED_UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    COMMIT_FIRST_UNUSED_COMMITMENT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCED_UNUSED_COMMITMENT_FIELD_NUMBER: _ClassVar[int]
    COMMIT_FIRST_COMMITMENT_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    SEQUENCED_COMMITMENT_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    commit_first_monthly_cost: _money_pb2.Money
    sequenced_monthly_cost: _money_pb2.Money
    sequenced_advantage: _money_pb2.Money
    commit_first_utilization: float
    sequenced_utilization: float
    commit_first_unused_commitment: _money_pb2.Money
    sequenced_unused_commitment: _money_pb2.Money
    commit_first_commitment_per_hour: _money_pb2.Money
    sequenced_commitment_per_hour: _money_pb2.Money
    def __init__(self, commit_first_monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., sequenced_monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., sequenced_advantage: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., commit_first_utilization: _Optional[float] = ..., sequenced_utilization: _Optional[float] = ..., commit_first_unused_commitment: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., sequenced_unused_commitment: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., commit_first_commitment_per_hour: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., sequenced_commitment_per_hour: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class PlanBreakdown(_message.Message):
    __slots__ = ("plan_id", "levers", "sequencing", "risk_adjusted_horizon_savings", "stressed_monthly_savings", "one_time_costs", "commitment_curve", "baseline_by_category")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    LEVERS_FIELD_NUMBER: _ClassVar[int]
    SEQUENCING_FIELD_NUMBER: _ClassVar[int]
    RISK_ADJUSTED_HORIZON_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    STRESSED_MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    ONE_TIME_COSTS_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_CURVE_FIELD_NUMBER: _ClassVar[int]
    BASELINE_BY_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    levers: _containers.RepeatedCompositeFieldContainer[LeverSavings]
    sequencing: SequencingComparison
    risk_adjusted_horizon_savings: _money_pb2.Money
    stressed_monthly_savings: _money_pb2.Money
    one_time_costs: _money_pb2.Money
    commitment_curve: _commitments_pb2.SavingsCurve
    baseline_by_category: _containers.RepeatedCompositeFieldContainer[CategoryCost]
    def __init__(self, plan_id: _Optional[str] = ..., levers: _Optional[_Iterable[_Union[LeverSavings, _Mapping]]] = ..., sequencing: _Optional[_Union[SequencingComparison, _Mapping]] = ..., risk_adjusted_horizon_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., stressed_monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., one_time_costs: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., commitment_curve: _Optional[_Union[_commitments_pb2.SavingsCurve, _Mapping]] = ..., baseline_by_category: _Optional[_Iterable[_Union[CategoryCost, _Mapping]]] = ...) -> None: ...

class CategoryCost(_message.Message):
    __slots__ = ("category", "monthly_cost")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    category: _common_pb2.TechnologyCategory
    monthly_cost: _money_pb2.Money
    def __init__(self, category: _Optional[_Union[_common_pb2.TechnologyCategory, str]] = ..., monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class RecommendResponse(_message.Message):
    __slots__ = ("plans", "warnings", "breakdowns", "input_currency_code", "exchange_rate", "tax_rate")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    BREAKDOWNS_FIELD_NUMBER: _ClassVar[int]
    INPUT_CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_RATE_FIELD_NUMBER: _ClassVar[int]
    TAX_RATE_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[_common_pb2.SavingsPlan]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    breakdowns: _containers.RepeatedCompositeFieldContainer[PlanBreakdown]
    input_currency_code: str
    exchange_rate: float
    tax_rate: float
    def __init__(self, plans: _Optional[_Iterable[_Union[_common_pb2.SavingsPlan, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ..., breakdowns: _Optional[_Iterable[_Union[PlanBreakdown, _Mapping]]] = ..., input_currency_code: _Optional[str] = ..., exchange_rate: _Optional[float] = ..., tax_rate: _Optional[float] = ...) -> None: ...
