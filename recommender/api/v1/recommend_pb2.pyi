from recommender.api.v1 import commitments_pb2 as _commitments_pb2
from recommender.api.v1 import common_pb2 as _common_pb2
from recommender.api.v1 import consolidation_pb2 as _consolidation_pb2
from recommender.api.v1 import rightsizing_pb2 as _rightsizing_pb2
from recommender.api.v1 import routing_pb2 as _routing_pb2
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

class RecommendRequest(_message.Message):
    __slots__ = ("commitments", "right_sizing", "consolidation", "routing", "focus_csv", "overlay", "max_plans")
    COMMITMENTS_FIELD_NUMBER: _ClassVar[int]
    RIGHT_SIZING_FIELD_NUMBER: _ClassVar[int]
    CONSOLIDATION_FIELD_NUMBER: _ClassVar[int]
    ROUTING_FIELD_NUMBER: _ClassVar[int]
    FOCUS_CSV_FIELD_NUMBER: _ClassVar[int]
    OVERLAY_FIELD_NUMBER: _ClassVar[int]
    MAX_PLANS_FIELD_NUMBER: _ClassVar[int]
    commitments: _commitments_pb2.PlanCommitmentsRequest
    right_sizing: _rightsizing_pb2.RightSizeRequest
    consolidation: _consolidation_pb2.ConsolidateVendorsRequest
    routing: _routing_pb2.RouteWorkloadsRequest
    focus_csv: bytes
    overlay: ReportingOverlay
    max_plans: int
    def __init__(self, commitments: _Optional[_Union[_commitments_pb2.PlanCommitmentsRequest, _Mapping]] = ..., right_sizing: _Optional[_Union[_rightsizing_pb2.RightSizeRequest, _Mapping]] = ..., consolidation: _Optional[_Union[_consolidation_pb2.ConsolidateVendorsRequest, _Mapping]] = ..., routing: _Optional[_Union[_routing_pb2.RouteWorkloadsRequest, _Mapping]] = ..., focus_csv: _Optional[bytes] = ..., overlay: _Optional[_Union[ReportingOverlay, _Mapping]] = ..., max_plans: _Optional[int] = ...) -> None: ...

class RecommendResponse(_message.Message):
    __slots__ = ("plans", "warnings")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[_common_pb2.SavingsPlan]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plans: _Optional[_Iterable[_Union[_common_pb2.SavingsPlan, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...
