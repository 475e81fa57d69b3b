import datetime

from recommender.api.v1 import common_pb2 as _common_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CommitmentPolicy(_message.Message):
    __slots__ = ("annual_cost_of_capital", "horizon_months", "allow_fractional_units", "max_upfront", "allowed_terms", "allowed_payment_options", "stress_usage_drop", "joint_only", "risk", "ladder")
    ANNUAL_COST_OF_CAPITAL_FIELD_NUMBER: _ClassVar[int]
    HORIZON_MONTHS_FIELD_NUMBER: _ClassVar[int]
    ALLOW_FRACTIONAL_UNITS_FIELD_NUMBER: _ClassVar[int]
    MAX_UPFRONT_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_TERMS_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_PAYMENT_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    STRESS_USAGE_DROP_FIELD_NUMBER: _ClassVar[int]
    JOINT_ONLY_FIELD_NUMBER: _ClassVar[int]
    RISK_FIELD_NUMBER: _ClassVar[int]
    LADDER_FIELD_NUMBER: _ClassVar[int]
    annual_cost_of_capital: float
    horizon_months: int
    allow_fractional_units: bool
    max_upfront: float
    allowed_terms: _containers.RepeatedScalarFieldContainer[_common_pb2.CommitmentTerm]
    allowed_payment_options: _containers.RepeatedScalarFieldContainer[_common_pb2.PaymentOption]
    stress_usage_drop: float
    joint_only: bool
    risk: RiskPolicy
    ladder: LadderPolicy
    def __init__(self, annual_cost_of_capital: _Optional[float] = ..., horizon_months: _Optional[int] = ..., allow_fractional_units: _Optional[bool] = ..., max_upfront: _Optional[float] = ..., allowed_terms: _Optional[_Iterable[_Union[_common_pb2.CommitmentTerm, str]]] = ..., allowed_payment_options: _Optional[_Iterable[_Union[_common_pb2.PaymentOption, str]]] = ..., stress_usage_drop: _Optional[float] = ..., joint_only: _Optional[bool] = ..., risk: _Optional[_Union[RiskPolicy, _Mapping]] = ..., ladder: _Optional[_Union[LadderPolicy, _Mapping]] = ...) -> None: ...

class UsageScenario(_message.Message):
    __slots__ = ("name", "probability", "monthly_growth", "level_multiplier", "decommissions")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_GROWTH_FIELD_NUMBER: _ClassVar[int]
    LEVEL_MULTIPLIER_FIELD_NUMBER: _ClassVar[int]
    DECOMMISSIONS_FIELD_NUMBER: _ClassVar[int]
    name: str
    probability: float
    monthly_growth: float
    level_multiplier: float
    decommissions: _containers.RepeatedCompositeFieldContainer[DecommissionEvent]
    def __init__(self, name: _Optional[str] = ..., probability: _Optional[float] = ..., monthly_growth: _Optional[float] = ..., level_multiplier: _Optional[float] = ..., decommissions: _Optional[_Iterable[_Union[DecommissionEvent, _Mapping]]] = ...) -> None: ...

class DecommissionEvent(_message.Message):
    __slots__ = ("class_id", "month", "fraction")
    CLASS_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    class_id: str
    month: int
    fraction: float
    def __init__(self, class_id: _Optional[str] = ..., month: _Optional[int] = ..., fraction: _Optional[float] = ...) -> None: ...

class RiskPolicy(_message.Message):
    __slots__ = ("scenarios", "sample_count", "cvar_level", "balanced_risk_aversion", "conservative_risk_aversion", "max_lock_in_currency_months", "seed", "rows_per_month")
    SCENARIOS_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    CVAR_LEVEL_FIELD_NUMBER: _ClassVar[int]
    BALANCED_RISK_AVERSION_FIELD_NUMBER: _ClassVar[int]
    CONSERVATIVE_RISK_AVERSION_FIELD_NUMBER: _ClassVar[int]
    MAX_LOCK_IN_CURRENCY_MONTHS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    ROWS_PER_MONTH_FIELD_NUMBER: _ClassVar[int]
    scenarios: _containers.RepeatedCompositeFieldContainer[UsageScenario]
    sample_count: int
    cvar_level: float
    balanced_risk_aversion: float
    conservative_risk_aversion: float
    max_lock_in_currency_months: float
    seed: int
    rows_per_month: int
    def __init__(self, scenarios: _Optional[_Iterable[_Union[UsageScenario, _Mapping]]] = ..., sample_count: _Optional[int] = ..., cvar_level: _Optional[float] = ..., balanced_risk_aversion: _Optional[float] = ..., conservative_risk_aversion: _Optional[float] = ..., max_lock_in_currency_months: _Optional[float] = ..., seed: _Optional[int] = ..., rows_per_month: _Optional[int] = ...) -> None: ...

class LadderPolicy(_message.Message):
    __slots__ = ("tranches", "spacing_months")
    TRANCHES_FIELD_NUMBER: _ClassVar[int]
    SPACING_MONTHS_FIELD_NUMBER: _ClassVar[int]
    tranches: int
    spacing_months: int
    def __init__(self, tranches: _Optional[int] = ..., spacing_months: _Optional[int] = ...) -> None: ...

class PlanCommitmentsRequest(_message.Message):
    __slots__ = ("currency_code", "usage_classes", "usage", "offerings", "existing_commitments", "policy")
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    USAGE_CLASSES_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    OFFERINGS_FIELD_NUMBER: _ClassVar[int]
    EXISTING_COMMITMENTS_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    usage_classes: _containers.RepeatedCompositeFieldContainer[_common_pb2.UsageClass]
    usage: _common_pb2.UsageProfile
    offerings: _containers.RepeatedCompositeFieldContainer[_common_pb2.CommitmentOffering]
    existing_commitments: _containers.RepeatedCompositeFieldContainer[_common_pb2.ExistingCommitment]
    policy: CommitmentPolicy
    def __init__(self, currency_code: _Optional[str] = ..., usage_classes: _Optional[_Iterable[_Union[_common_pb2.UsageClass, _Mapping]]] = ..., usage: _Optional[_Union[_common_pb2.UsageProfile, _Mapping]] = ..., offerings: _Optional[_Iterable[_Union[_common_pb2.CommitmentOffering, _Mapping]]] = ..., existing_commitments: _Optional[_Iterable[_Union[_common_pb2.ExistingCommitment, _Mapping]]] = ..., policy: _Optional[_Union[CommitmentPolicy, _Mapping]] = ...) -> None: ...

class PlanCommitmentsResponse(_message.Message):
    __slots__ = ("plans", "warnings", "details", "curve", "forecast")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    CURVE_FIELD_NUMBER: _ClassVar[int]
    FORECAST_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[_common_pb2.SavingsPlan]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    details: _containers.RepeatedCompositeFieldContainer[CommitmentPlanDetail]
    curve: SavingsCurve
    forecast: ForecastSummary
    def __init__(self, plans: _Optional[_Iterable[_Union[_common_pb2.SavingsPlan, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ..., details: _Optional[_Iterable[_Union[CommitmentPlanDetail, _Mapping]]] = ..., curve: _Optional[_Union[SavingsCurve, _Mapping]] = ..., forecast: _Optional[_Union[ForecastSummary, _Mapping]] = ...) -> None: ...

class MonthlyCommitmentFigures(_message.Message):
    __slots__ = ("month", "start_time", "on_demand_equivalent_cost", "commitment_cost", "savings", "worst_scenario_savings", "coverage", "utilization", "waste", "expiring_commitment_ids")
    MONTH_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    ON_DEMAND_EQUIVALENT_COST_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_COST_FIELD_NUMBER: _ClassVar[int]
    SAVINGS_FIELD_NUMBER: _ClassVar[int]
    WORST_SCENARIO_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_FIELD_NUMBER: _ClassVar[int]
    UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    WASTE_FIELD_NUMBER: _ClassVar[int]
    EXPIRING_COMMITMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    month: int
    start_time: _timestamp_pb2.Timestamp
    on_demand_equivalent_cost: _money_pb2.Money
    commitment_cost: _money_pb2.Money
    savings: _money_pb2.Money
    worst_scenario_savings: _money_pb2.Money
    coverage: float
    utilization: float
    waste: float
    expiring_commitment_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, month: _Optional[int] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., on_demand_equivalent_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., commitment_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., worst_scenario_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., coverage: _Optional[float] = ..., utilization: _Optional[float] = ..., waste: _Optional[float] = ..., expiring_commitment_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class LadderTranche(_message.Message):
    __slots__ = ("month", "offering_id", "quantity", "min_quantity", "max_quantity", "quantity_unit", "renewal_of")
    MONTH_FIELD_NUMBER: _ClassVar[int]
    OFFERING_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    MIN_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    MAX_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_UNIT_FIELD_NUMBER: _ClassVar[int]
    RENEWAL_OF_FIELD_NUMBER: _ClassVar[int]
    month: int
    offering_id: str
    quantity: float
    min_quantity: float
    max_quantity: float
    quantity_unit: str
    renewal_of: str
    def __init__(self, month: _Optional[int] = ..., offering_id: _Optional[str] = ..., quantity: _Optional[float] = ..., min_quantity: _Optional[float] = ..., max_quantity: _Optional[float] = ..., quantity_unit: _Optional[str] = ..., renewal_of: _Optional[str] = ...) -> None: ...

class LadderComparison(_message.Message):
    __slots__ = ("buy_now_monthly_savings", "ladder_monthly_savings", "buy_now_cvar_monthly_savings", "ladder_cvar_monthly_savings", "buy_now_lock_in_currency_months", "ladder_lock_in_currency_months", "buy_now_probability_of_loss", "ladder_probability_of_loss")
    BUY_NOW_MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    LADDER_MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    BUY_NOW_CVAR_MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    LADDER_CVAR_MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    BUY_NOW_LOCK_IN_CURRENCY_MONTHS_FIELD_NUMBER: _ClassVar[int]
    LADDER_LOCK_IN_CURRENCY_MONTHS_FIELD_NUMBER: _ClassVar[int]
    BUY_NOW_PROBABILITY_OF_LOSS_FIELD_NUMBER: _ClassVar[int]
    LADDER_PROBABILITY_OF_LOSS_FIELD_NUMBER: _ClassVar[int]
    buy_now_monthly_savings: _money_pb2.Money
    ladder_monthly_savings: _money_pb2.Money
    buy_now_cvar_monthly_savings: _money_pb2.Money
    ladder_cvar_monthly_savings: _money_pb2.Money
    buy_now_lock_in_currency_months: float
    ladder_lock_in_currency_months: float
    buy_now_probability_of_loss: float
    ladder_probability_of_loss: float
    def __init__(self, buy_now_monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., ladder_monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., buy_now_cvar_monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., ladder_cvar_monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., buy_now_lock_in_currency_months: _Optional[float] = ..., ladder_lock_in_currency_months: _Optional[float] = ..., buy_now_probability_of_loss: _Optional[float] = ..., ladder_probability_of_loss: _Optional[float] = ...) -> None: ...

class ScenarioOutcome(_message.Message):
    __slots__ = ("name", "probability", "monthly_savings")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    probability: float
    monthly_savings: _money_pb2.Money
    def __init__(self, name: _Optional[str] = ..., probability: _Optional[float] = ..., monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class CommitmentPlanDetail(_message.Message):
    __slots__ = ("plan_id", "risk_aversion", "commitment_per_hour", "months", "schedule", "ladder_comparison", "scenarios")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    RISK_AVERSION_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    MONTHS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    LADDER_COMPARISON_FIELD_NUMBER: _ClassVar[int]
    SCENARIOS_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    risk_aversion: float
    commitment_per_hour: _money_pb2.Money
    months: _containers.RepeatedCompositeFieldContainer[MonthlyCommitmentFigures]
    schedule: _containers.RepeatedCompositeFieldContainer[LadderTranche]
    ladder_comparison: LadderComparison
    scenarios: _containers.RepeatedCompositeFieldContainer[ScenarioOutcome]
    def __init__(self, plan_id: _Optional[str] = ..., risk_aversion: _Optional[float] = ..., commitment_per_hour: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., months: _Optional[_Iterable[_Union[MonthlyCommitmentFigures, _Mapping]]] = ..., schedule: _Optional[_Iterable[_Union[LadderTranche, _Mapping]]] = ..., ladder_comparison: _Optional[_Union[LadderComparison, _Mapping]] = ..., scenarios: _Optional[_Iterable[_Union[ScenarioOutcome, _Mapping]]] = ...) -> None: ...

class SavingsCurvePoint(_message.Message):
    __slots__ = ("scale", "commitment_per_hour", "monthly_savings", "coverage", "utilization", "waste", "cvar_monthly_savings", "probability_of_loss")
    SCALE_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_FIELD_NUMBER: _ClassVar[int]
    UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    WASTE_FIELD_NUMBER: _ClassVar[int]
    CVAR_MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_OF_LOSS_FIELD_NUMBER: _ClassVar[int]
    scale: float
    commitment_per_hour: _money_pb2.Money
    monthly_savings: _money_pb2.Money
    coverage: float
    utilization: float
    waste: float
    cvar_monthly_savings: _money_pb2.Money
    probability_of_loss: float
    def __init__(self, scale: _Optional[float] = ..., commitment_per_hour: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., coverage: _Optional[float] = ..., utilization: _Optional[float] = ..., waste: _Optional[float] = ..., cvar_monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., probability_of_loss: _Optional[float] = ...) -> None: ...

class SavingsCurve(_message.Message):
    __slots__ = ("reference_plan_id", "basis", "points")
    REFERENCE_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    reference_plan_id: str
    basis: str
    points: _containers.RepeatedCompositeFieldContainer[SavingsCurvePoint]
    def __init__(self, reference_plan_id: _Optional[str] = ..., basis: _Optional[str] = ..., points: _Optional[_Iterable[_Union[SavingsCurvePoint, _Mapping]]] = ...) -> None: ...

class ScenarioInfo(_message.Message):
    __slots__ = ("name", "probability", "monthly_on_demand_equivalent_cost")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_ON_DEMAND_EQUIVALENT_COST_FIELD_NUMBER: _ClassVar[int]
    name: str
    probability: float
    monthly_on_demand_equivalent_cost: _money_pb2.Money
    def __init__(self, name: _Optional[str] = ..., probability: _Optional[float] = ..., monthly_on_demand_equivalent_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class ForecastSummary(_message.Message):
    __slots__ = ("history_hours", "seasonal_period_hours", "trend_percent_per_month", "horizon_months", "scenarios", "method")
    HISTORY_HOURS_FIELD_NUMBER: _ClassVar[int]
    SEASONAL_PERIOD_HOURS_FIELD_NUMBER: _ClassVar[int]
    TREND_PERCENT_PER_MONTH_FIELD_NUMBER: _ClassVar[int]
    HORIZON_MONTHS_FIELD_NUMBER: _ClassVar[int]
    SCENARIOS_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    history_hours: int
    seasonal_period_hours: int
    trend_percent_per_month: float
    horizon_months: int
    scenarios: _containers.RepeatedCompositeFieldContainer[ScenarioInfo]
    method: str
    def __init__(self, history_hours: _Optional[int] = ..., seasonal_period_hours: _Optional[int] = ..., trend_percent_per_month: _Optional[float] = ..., horizon_months: _Optional[int] = ..., scenarios: _Optional[_Iterable[_Union[ScenarioInfo, _Mapping]]] = ..., method: _Optional[str] = ...) -> None: ...
