from recommender.api.v1 import commitments_pb2 as _commitments_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PlanCommitmentsStreamRequest(_message.Message):
    __slots__ = ("header", "usage")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    header: PlanCommitmentsStreamHeader
    usage: UsageBlock
    def __init__(self, header: _Optional[_Union[PlanCommitmentsStreamHeader, _Mapping]] = ..., usage: _Optional[_Union[UsageBlock, _Mapping]] = ...) -> None: ...

class PlanCommitmentsStreamResponse(_message.Message):
    __slots__ = ("response",)
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    response: _commitments_pb2.PlanCommitmentsResponse
    def __init__(self, response: _Optional[_Union[_commitments_pb2.PlanCommitmentsResponse, _Mapping]] = ...) -> None: ...

class PlanCommitmentsStreamHeader(_message.Message):
    __slots__ = ("request", "hours")
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    request: _commitments_pb2.PlanCommitmentsRequest
    hours: int
    def __init__(self, request: _Optional[_Union[_commitments_pb2.PlanCommitmentsRequest, _Mapping]] = ..., hours: _Optional[int] = ...) -> None: ...

class UsageBlock(_message.Message):
    __slots__ = ("start_hour", "hours", "values")
    START_HOUR_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    start_hour: int
    hours: int
    values: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, start_hour: _Optional[int] = ..., hours: _Optional[int] = ..., values: _Optional[_Iterable[float]] = ...) -> None: ...
