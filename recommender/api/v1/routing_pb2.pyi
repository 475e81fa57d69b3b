from recommender.api.v1 import common_pb2 as _common_pb2
from recommender.api.v1 import rightsizing_pb2 as _rightsizing_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.type import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LlmInferenceDemand(_message.Message):
    __slots__ = ("model", "requests_per_second", "input_tokens_per_request", "output_tokens_per_request", "max_time_per_output_token_ms")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_PER_REQUEST_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_PER_REQUEST_FIELD_NUMBER: _ClassVar[int]
    MAX_TIME_PER_OUTPUT_TOKEN_MS_FIELD_NUMBER: _ClassVar[int]
    model: str
    requests_per_second: float
    input_tokens_per_request: float
    output_tokens_per_request: float
    max_time_per_output_token_ms: float
    def __init__(self, model: _Optional[str] = ..., requests_per_second: _Optional[float] = ..., input_tokens_per_request: _Optional[float] = ..., output_tokens_per_request: _Optional[float] = ..., max_time_per_output_token_ms: _Optional[float] = ...) -> None: ...

class BatchJobDemand(_message.Message):
    __slots__ = ("gpu_hours", "gpu_memory_gib", "deadline_hours")
    GPU_HOURS_FIELD_NUMBER: _ClassVar[int]
    GPU_MEMORY_GIB_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_HOURS_FIELD_NUMBER: _ClassVar[int]
    gpu_hours: float
    gpu_memory_gib: float
    deadline_hours: float
    def __init__(self, gpu_hours: _Optional[float] = ..., gpu_memory_gib: _Optional[float] = ..., deadline_hours: _Optional[float] = ...) -> None: ...

class CpuServiceDemand(_message.Message):
    __slots__ = ("vcpus", "memory_gib")
    VCPUS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_GIB_FIELD_NUMBER: _ClassVar[int]
    vcpus: float
    memory_gib: float
    def __init__(self, vcpus: _Optional[float] = ..., memory_gib: _Optional[float] = ...) -> None: ...

class ResidencyRule(_message.Message):
    __slots__ = ("allowed_countries", "allowed_regions")
    ALLOWED_COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_REGIONS_FIELD_NUMBER: _ClassVar[int]
    allowed_countries: _containers.RepeatedScalarFieldContainer[str]
    allowed_regions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, allowed_countries: _Optional[_Iterable[str]] = ..., allowed_regions: _Optional[_Iterable[str]] = ...) -> None: ...

class Workload(_message.Message):
    __slots__ = ("workload_id", "llm_inference", "batch_job", "cpu_service", "residency", "max_carbon_kg_per_hour", "must_run_on", "never_run_on", "interruptible")
    WORKLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    LLM_INFERENCE_FIELD_NUMBER: _ClassVar[int]
    BATCH_JOB_FIELD_NUMBER: _ClassVar[int]
    CPU_SERVICE_FIELD_NUMBER: _ClassVar[int]
    RESIDENCY_FIELD_NUMBER: _ClassVar[int]
    MAX_CARBON_KG_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    MUST_RUN_ON_FIELD_NUMBER: _ClassVar[int]
    NEVER_RUN_ON_FIELD_NUMBER: _ClassVar[int]
    INTERRUPTIBLE_FIELD_NUMBER: _ClassVar[int]
    workload_id: str
    llm_inference: LlmInferenceDemand
    batch_job: BatchJobDemand
    cpu_service: CpuServiceDemand
    residency: ResidencyRule
    max_carbon_kg_per_hour: float
    must_run_on: _containers.RepeatedScalarFieldContainer[str]
    never_run_on: _containers.RepeatedScalarFieldContainer[str]
    interruptible: bool
    def __init__(self, workload_id: _Optional[str] = ..., llm_inference: _Optional[_Union[LlmInferenceDemand, _Mapping]] = ..., batch_job: _Optional[_Union[BatchJobDemand, _Mapping]] = ..., cpu_service: _Optional[_Union[CpuServiceDemand, _Mapping]] = ..., residency: _Optional[_Union[ResidencyRule, _Mapping]] = ..., max_carbon_kg_per_hour: _Optional[float] = ..., must_run_on: _Optional[_Iterable[str]] = ..., never_run_on: _Optional[_Iterable[str]] = ..., interruptible: _Optional[bool] = ...) -> None: ...

class ComputeOffer(_message.Message):
    __slots__ = ("offer_id", "instance", "country", "carbon_intensity_g_per_kwh", "power_kw")
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    CARBON_INTENSITY_G_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    POWER_KW_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    instance: _rightsizing_pb2.InstanceType
    country: str
    carbon_intensity_g_per_kwh: float
    power_kw: float
    def __init__(self, offer_id: _Optional[str] = ..., instance: _Optional[_Union[_rightsizing_pb2.InstanceType, _Mapping]] = ..., country: _Optional[str] = ..., carbon_intensity_g_per_kwh: _Optional[float] = ..., power_kw: _Optional[float] = ...) -> None: ...

class ModelApiOffer(_message.Message):
    __slots__ = ("offer_id", "provider", "model", "input_cost_per_token", "output_cost_per_token", "processing_location", "tokens_per_minute_quota", "substitutes_for")
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    INPUT_COST_PER_TOKEN_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_COST_PER_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_LOCATION_FIELD_NUMBER: _ClassVar[int]
    TOKENS_PER_MINUTE_QUOTA_FIELD_NUMBER: _ClassVar[int]
    SUBSTITUTES_FOR_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    provider: str
    model: str
    input_cost_per_token: float
    output_cost_per_token: float
    processing_location: ResidencyRule
    tokens_per_minute_quota: float
    substitutes_for: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, offer_id: _Optional[str] = ..., provider: _Optional[str] = ..., model: _Optional[str] = ..., input_cost_per_token: _Optional[float] = ..., output_cost_per_token: _Optional[float] = ..., processing_location: _Optional[_Union[ResidencyRule, _Mapping]] = ..., tokens_per_minute_quota: _Optional[float] = ..., substitutes_for: _Optional[_Iterable[str]] = ...) -> None: ...

class ThroughputProfile(_message.Message):
    __slots__ = ("model", "accelerator", "output_tokens_per_second", "time_per_output_token_ms")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ACCELERATOR_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    TIME_PER_OUTPUT_TOKEN_MS_FIELD_NUMBER: _ClassVar[int]
    model: str
    accelerator: str
    output_tokens_per_second: float
    time_per_output_token_ms: float
    def __init__(self, model: _Optional[str] = ..., accelerator: _Optional[str] = ..., output_tokens_per_second: _Optional[float] = ..., time_per_output_token_ms: _Optional[float] = ...) -> None: ...

class Quota(_message.Message):
    __slots__ = ("provider", "region", "accelerator", "limit")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    ACCELERATOR_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    provider: str
    region: str
    accelerator: str
    limit: float
    def __init__(self, provider: _Optional[str] = ..., region: _Optional[str] = ..., accelerator: _Optional[str] = ..., limit: _Optional[float] = ...) -> None: ...

class RoutingPolicy(_message.Message):
    __slots__ = ("carbon_price_per_tonne", "default_residency", "hours_per_month")
    CARBON_PRICE_PER_TONNE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_RESIDENCY_FIELD_NUMBER: _ClassVar[int]
    HOURS_PER_MONTH_FIELD_NUMBER: _ClassVar[int]
    carbon_price_per_tonne: float
    default_residency: ResidencyRule
    hours_per_month: float
    def __init__(self, carbon_price_per_tonne: _Optional[float] = ..., default_residency: _Optional[_Union[ResidencyRule, _Mapping]] = ..., hours_per_month: _Optional[float] = ...) -> None: ...

class PlacementItem(_message.Message):
    __slots__ = ("offer_id", "provider", "region", "instance_type", "count", "demand_share", "spot")
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    DEMAND_SHARE_FIELD_NUMBER: _ClassVar[int]
    SPOT_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    provider: str
    region: str
    instance_type: str
    count: int
    demand_share: float
    spot: bool
    def __init__(self, offer_id: _Optional[str] = ..., provider: _Optional[str] = ..., region: _Optional[str] = ..., instance_type: _Optional[str] = ..., count: _Optional[int] = ..., demand_share: _Optional[float] = ..., spot: _Optional[bool] = ...) -> None: ...

class WorkloadPlacement(_message.Message):
    __slots__ = ("workload_id", "items", "hourly_cost", "cost_per_million_tokens", "carbon_kg_per_hour", "break_even_tokens_per_day", "explanation")
    WORKLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    HOURLY_COST_FIELD_NUMBER: _ClassVar[int]
    COST_PER_MILLION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CARBON_KG_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    BREAK_EVEN_TOKENS_PER_DAY_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    workload_id: str
    items: _containers.RepeatedCompositeFieldContainer[PlacementItem]
    hourly_cost: _money_pb2.Money
    cost_per_million_tokens: _money_pb2.Money
    carbon_kg_per_hour: float
    break_even_tokens_per_day: float
    explanation: str
    def __init__(self, workload_id: _Optional[str] = ..., items: _Optional[_Iterable[_Union[PlacementItem, _Mapping]]] = ..., hourly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., cost_per_million_tokens: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., carbon_kg_per_hour: _Optional[float] = ..., break_even_tokens_per_day: _Optional[float] = ..., explanation: _Optional[str] = ...) -> None: ...

class RouteWorkloadsRequest(_message.Message):
    __slots__ = ("currency_code", "workloads", "compute_offers", "api_offers", "throughput_profiles", "quotas", "policy")
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    WORKLOADS_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_OFFERS_FIELD_NUMBER: _ClassVar[int]
    API_OFFERS_FIELD_NUMBER: _ClassVar[int]
    THROUGHPUT_PROFILES_FIELD_NUMBER: _ClassVar[int]
    QUOTAS_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    workloads: _containers.RepeatedCompositeFieldContainer[Workload]
    compute_offers: _containers.RepeatedCompositeFieldContainer[ComputeOffer]
    api_offers: _containers.RepeatedCompositeFieldContainer[ModelApiOffer]
    throughput_profiles: _containers.RepeatedCompositeFieldContainer[ThroughputProfile]
    quotas: _containers.RepeatedCompositeFieldContainer[Quota]
    policy: RoutingPolicy
    def __init__(self, currency_code: _Optional[str] = ..., workloads: _Optional[_Iterable[_Union[Workload, _Mapping]]] = ..., compute_offers: _Optional[_Iterable[_Union[ComputeOffer, _Mapping]]] = ..., api_offers: _Optional[_Iterable[_Union[ModelApiOffer, _Mapping]]] = ..., throughput_profiles: _Optional[_Iterable[_Union[ThroughputProfile, _Mapping]]] = ..., quotas: _Optional[_Iterable[_Union[Quota, _Mapping]]] = ..., policy: _Optional[_Union[RoutingPolicy, _Mapping]] = ...) -> None: ...

class RouteWorkloadsResponse(_message.Message):
    __slots__ = ("plans", "placements", "warnings")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    PLACEMENTS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[_common_pb2.SavingsPlan]
    placements: _containers.RepeatedCompositeFieldContainer[WorkloadPlacement]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plans: _Optional[_Iterable[_Union[_common_pb2.SavingsPlan, _Mapping]]] = ..., placements: _Optional[_Iterable[_Union[WorkloadPlacement, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...
