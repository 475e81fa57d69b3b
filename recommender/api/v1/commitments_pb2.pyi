from recommender.api.v1 import common_pb2 as _common_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CommitmentPolicy(_message.Message):
    __slots__ = ("annual_cost_of_capital", "horizon_months", "allow_fractional_units", "max_upfront", "allowed_terms", "allowed_payment_options", "stress_usage_drop", "joint_only")
    ANNUAL_COST_OF_CAPITAL_FIELD_NUMBER: _ClassVar[int]
    HORIZON_MONTHS_FIELD_NUMBER: _ClassVar[int]
    ALLOW_FRACTIONAL_UNITS_FIELD_NUMBER: _ClassVar[int]
    MAX_UPFRONT_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_TERMS_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_PAYMENT_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    STRESS_USAGE_DROP_FIELD_NUMBER: _ClassVar[int]
    JOINT_ONLY_FIELD_NUMBER: _ClassVar[int]
    annual_cost_of_capital: float
    horizon_months: int
    allow_fractional_units: bool
    max_upfront: float
    allowed_terms: _containers.RepeatedScalarFieldContainer[_common_pb2.CommitmentTerm]
    allowed_payment_options: _containers.RepeatedScalarFieldContainer[_common_pb2.PaymentOption]
    stress_usage_drop: float
    joint_only: bool
    def __init__(self, annual_cost_of_capital: _Optional[float] = ..., horizon_months: _Optional[int] = ..., allow_fractional_units: _Optional[bool] = ..., max_upfront: _Optional[float] = ..., allowed_terms: _Optional[_Iterable[_Union[_common_pb2.CommitmentTerm, str]]] = ..., allowed_payment_options: _Optional[_Iterable[_Union[_common_pb2.PaymentOption, str]]] = ..., stress_usage_drop: _Optional[float] = ..., joint_only: _Optional[bool] = ...) -> None: ...

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
    __slots__ = ("plans", "warnings")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[_common_pb2.SavingsPlan]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plans: _Optional[_Iterable[_Union[_common_pb2.SavingsPlan, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...
