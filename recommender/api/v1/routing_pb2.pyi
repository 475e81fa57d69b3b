from recommender.api.v1 import common_pb2 as _common_pb2
from recommender.api.v1 import rightsizing_pb2 as _rightsizing_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.type import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CapacityType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CAPACITY_TYPE_UNSPECIFIED: _ClassVar[CapacityType]
    CAPACITY_TYPE_ON_DEMAND: _ClassVar[CapacityType]
    CAPACITY_TYPE_SPOT: _ClassVar[CapacityType]
CAPACITY_TYPE_UNSPECIFIED: CapacityType
CAPACITY_TYPE_ON_DEMAND: CapacityType
CAPACITY_TYPE_SPOT: CapacityType

class RequestSlice(_message.Message):
    __slots__ = ("share", "input_tokens", "output_tokens")
    SHARE_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    share: float
    input_tokens: float
    output_tokens: float
    def __init__(self, share: _Optional[float] = ..., input_tokens: _Optional[float] = ..., output_tokens: _Optional[float] = ...) -> None: ...

class LlmInferenceDemand(_message.Message):
    __slots__ = ("model", "requests_per_second", "input_tokens_per_request", "output_tokens_per_request", "max_time_per_output_token_ms", "request_slices", "substitute_models", "parameters_billion", "bytes_per_parameter", "kv_cache_bytes_per_token", "output_tokens_per_second")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_PER_REQUEST_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_PER_REQUEST_FIELD_NUMBER: _ClassVar[int]
    MAX_TIME_PER_OUTPUT_TOKEN_MS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_SLICES_FIELD_NUMBER: _ClassVar[int]
    SUBSTITUTE_MODELS_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_BILLION_FIELD_NUMBER: _ClassVar[int]
    BYTES_PER_PARAMETER_FIELD_NUMBER: _ClassVar[int]
    KV_CACHE_BYTES_PER_TOKEN_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    model: str
    requests_per_second: float
    input_tokens_per_request: float
    output_tokens_per_request: float
    max_time_per_output_token_ms: float
    request_slices: _containers.RepeatedCompositeFieldContainer[RequestSlice]
    substitute_models: _containers.RepeatedScalarFieldContainer[str]
    parameters_billion: float
    bytes_per_parameter: float
    kv_cache_bytes_per_token: float
    output_tokens_per_second: float
    def __init__(self, model: _Optional[str] = ..., requests_per_second: _Optional[float] = ..., input_tokens_per_request: _Optional[float] = ..., output_tokens_per_request: _Optional[float] = ..., max_time_per_output_token_ms: _Optional[float] = ..., request_slices: _Optional[_Iterable[_Union[RequestSlice, _Mapping]]] = ..., substitute_models: _Optional[_Iterable[str]] = ..., parameters_billion: _Optional[float] = ..., bytes_per_parameter: _Optional[float] = ..., kv_cache_bytes_per_token: _Optional[float] = ..., output_tokens_per_second: _Optional[float] = ...) -> None: ...

class BatchJobDemand(_message.Message):
    __slots__ = ("gpu_hours", "gpu_memory_gib", "deadline_hours", "reference_accelerator", "min_gpus_per_instance", "vcpu_hours", "memory_gib_per_vcpu", "runs_per_month")
    GPU_HOURS_FIELD_NUMBER: _ClassVar[int]
    GPU_MEMORY_GIB_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_HOURS_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_ACCELERATOR_FIELD_NUMBER: _ClassVar[int]
    MIN_GPUS_PER_INSTANCE_FIELD_NUMBER: _ClassVar[int]
    VCPU_HOURS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_GIB_PER_VCPU_FIELD_NUMBER: _ClassVar[int]
    RUNS_PER_MONTH_FIELD_NUMBER: _ClassVar[int]
    gpu_hours: float
    gpu_memory_gib: float
    deadline_hours: float
    reference_accelerator: str
    min_gpus_per_instance: int
    vcpu_hours: float
    memory_gib_per_vcpu: float
    runs_per_month: float
    def __init__(self, gpu_hours: _Optional[float] = ..., gpu_memory_gib: _Optional[float] = ..., deadline_hours: _Optional[float] = ..., reference_accelerator: _Optional[str] = ..., min_gpus_per_instance: _Optional[int] = ..., vcpu_hours: _Optional[float] = ..., memory_gib_per_vcpu: _Optional[float] = ..., runs_per_month: _Optional[float] = ...) -> None: ...

class CpuServiceDemand(_message.Message):
    __slots__ = ("vcpus", "memory_gib", "architectures")
    VCPUS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_GIB_FIELD_NUMBER: _ClassVar[int]
    ARCHITECTURES_FIELD_NUMBER: _ClassVar[int]
    vcpus: float
    memory_gib: float
    architectures: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, vcpus: _Optional[float] = ..., memory_gib: _Optional[float] = ..., architectures: _Optional[_Iterable[str]] = ...) -> None: ...

class ResidencyRule(_message.Message):
    __slots__ = ("allowed_countries", "allowed_regions")
    ALLOWED_COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_REGIONS_FIELD_NUMBER: _ClassVar[int]
    allowed_countries: _containers.RepeatedScalarFieldContainer[str]
    allowed_regions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, allowed_countries: _Optional[_Iterable[str]] = ..., allowed_regions: _Optional[_Iterable[str]] = ...) -> None: ...

class Workload(_message.Message):
    __slots__ = ("workload_id", "llm_inference", "batch_job", "cpu_service", "residency", "max_carbon_kg_per_hour", "must_run_on", "never_run_on", "interruptible", "current_hourly_cost")
    WORKLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    LLM_INFERENCE_FIELD_NUMBER: _ClassVar[int]
    BATCH_JOB_FIELD_NUMBER: _ClassVar[int]
    CPU_SERVICE_FIELD_NUMBER: _ClassVar[int]
    RESIDENCY_FIELD_NUMBER: _ClassVar[int]
    MAX_CARBON_KG_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    MUST_RUN_ON_FIELD_NUMBER: _ClassVar[int]
    NEVER_RUN_ON_FIELD_NUMBER: _ClassVar[int]
    INTERRUPTIBLE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_HOURLY_COST_FIELD_NUMBER: _ClassVar[int]
    workload_id: str
    llm_inference: LlmInferenceDemand
    batch_job: BatchJobDemand
    cpu_service: CpuServiceDemand
    residency: ResidencyRule
    max_carbon_kg_per_hour: float
    must_run_on: _containers.RepeatedScalarFieldContainer[str]
    never_run_on: _containers.RepeatedScalarFieldContainer[str]
    interruptible: bool
    current_hourly_cost: float
    def __init__(self, workload_id: _Optional[str] = ..., llm_inference: _Optional[_Union[LlmInferenceDemand, _Mapping]] = ..., batch_job: _Optional[_Union[BatchJobDemand, _Mapping]] = ..., cpu_service: _Optional[_Union[CpuServiceDemand, _Mapping]] = ..., residency: _Optional[_Union[ResidencyRule, _Mapping]] = ..., max_carbon_kg_per_hour: _Optional[float] = ..., must_run_on: _Optional[_Iterable[str]] = ..., never_run_on: _Optional[_Iterable[str]] = ..., interruptible: _Optional[bool] = ..., current_hourly_cost: _Optional[float] = ...) -> None: ...

class ComputeOffer(_message.Message):
    __slots__ = ("offer_id", "instance", "country", "carbon_intensity_g_per_kwh", "power_kw", "max_instances")
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    CARBON_INTENSITY_G_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    POWER_KW_FIELD_NUMBER: _ClassVar[int]
    MAX_INSTANCES_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    instance: _rightsizing_pb2.InstanceType
    country: str
    carbon_intensity_g_per_kwh: float
    power_kw: float
    max_instances: int
    def __init__(self, offer_id: _Optional[str] = ..., instance: _Optional[_Union[_rightsizing_pb2.InstanceType, _Mapping]] = ..., country: _Optional[str] = ..., carbon_intensity_g_per_kwh: _Optional[float] = ..., power_kw: _Optional[float] = ..., max_instances: _Optional[int] = ...) -> None: ...

class ModelApiOffer(_message.Message):
    __slots__ = ("offer_id", "provider", "model", "input_cost_per_token", "output_cost_per_token", "processing_location", "tokens_per_minute_quota", "substitutes_for", "max_input_tokens", "max_output_tokens", "carbon_g_per_million_tokens")
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    INPUT_COST_PER_TOKEN_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_COST_PER_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_LOCATION_FIELD_NUMBER: _ClassVar[int]
    TOKENS_PER_MINUTE_QUOTA_FIELD_NUMBER: _ClassVar[int]
    SUBSTITUTES_FOR_FIELD_NUMBER: _ClassVar[int]
    MAX_INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CARBON_G_PER_MILLION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    provider: str
    model: str
    input_cost_per_token: float
    output_cost_per_token: float
    processing_location: ResidencyRule
    tokens_per_minute_quota: float
    substitutes_for: _containers.RepeatedScalarFieldContainer[str]
    max_input_tokens: int
    max_output_tokens: int
    carbon_g_per_million_tokens: float
    def __init__(self, offer_id: _Optional[str] = ..., provider: _Optional[str] = ..., model: _Optional[str] = ..., input_cost_per_token: _Optional[float] = ..., output_cost_per_token: _Optional[float] = ..., processing_location: _Optional[_Union[ResidencyRule, _Mapping]] = ..., tokens_per_minute_quota: _Optional[float] = ..., substitutes_for: _Optional[_Iterable[str]] = ..., max_input_tokens: _Optional[int] = ..., max_output_tokens: _Optional[int] = ..., carbon_g_per_million_tokens: _Optional[float] = ...) -> None: ...

class ThroughputProfile(_message.Message):
    __slots__ = ("model", "accelerator", "output_tokens_per_second", "time_per_output_token_ms", "requests_per_second", "input_tokens", "output_tokens", "accelerators_per_replica")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ACCELERATOR_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    TIME_PER_OUTPUT_TOKEN_MS_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    ACCELERATORS_PER_REPLICA_FIELD_NUMBER: _ClassVar[int]
    model: str
    accelerator: str
    output_tokens_per_second: float
    time_per_output_token_ms: float
    requests_per_second: float
    input_tokens: float
    output_tokens: float
    accelerators_per_replica: int
    def __init__(self, model: _Optional[str] = ..., accelerator: _Optional[str] = ..., output_tokens_per_second: _Optional[float] = ..., time_per_output_token_ms: _Optional[float] = ..., requests_per_second: _Optional[float] = ..., input_tokens: _Optional[float] = ..., output_tokens: _Optional[float] = ..., accelerators_per_replica: _Optional[int] = ...) -> None: ...

class AcceleratorSpec(_message.Message):
    __slots__ = ("name", "memory_gib", "memory_bandwidth_gb_per_s", "bf16_tflops", "tdp_watts", "relative_speed")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MEMORY_GIB_FIELD_NUMBER: _ClassVar[int]
    MEMORY_BANDWIDTH_GB_PER_S_FIELD_NUMBER: _ClassVar[int]
    BF16_TFLOPS_FIELD_NUMBER: _ClassVar[int]
    TDP_WATTS_FIELD_NUMBER: _ClassVar[int]
    RELATIVE_SPEED_FIELD_NUMBER: _ClassVar[int]
    name: str
    memory_gib: float
    memory_bandwidth_gb_per_s: float
    bf16_tflops: float
    tdp_watts: float
    relative_speed: float
    def __init__(self, name: _Optional[str] = ..., memory_gib: _Optional[float] = ..., memory_bandwidth_gb_per_s: _Optional[float] = ..., bf16_tflops: _Optional[float] = ..., tdp_watts: _Optional[float] = ..., relative_speed: _Optional[float] = ...) -> None: ...

class Quota(_message.Message):
    __slots__ = ("provider", "region", "accelerator", "limit", "capacity_type")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    ACCELERATOR_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    provider: str
    region: str
    accelerator: str
    limit: float
    capacity_type: CapacityType
    def __init__(self, provider: _Optional[str] = ..., region: _Optional[str] = ..., accelerator: _Optional[str] = ..., limit: _Optional[float] = ..., capacity_type: _Optional[_Union[CapacityType, str]] = ...) -> None: ...

class RoutingPolicy(_message.Message):
    __slots__ = ("carbon_price_per_tonne", "default_residency", "hours_per_month", "max_total_carbon_kg_per_hour", "whole_slices", "slice_factor", "spot_capacity_overhead", "relative_gap", "optimal_only")
    CARBON_PRICE_PER_TONNE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_RESIDENCY_FIELD_NUMBER: _ClassVar[int]
    HOURS_PER_MONTH_FIELD_NUMBER: _ClassVar[int]
    MAX_TOTAL_CARBON_KG_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    WHOLE_SLICES_FIELD_NUMBER: _ClassVar[int]
    SLICE_FACTOR_FIELD_NUMBER: _ClassVar[int]
    SPOT_CAPACITY_OVERHEAD_FIELD_NUMBER: _ClassVar[int]
    RELATIVE_GAP_FIELD_NUMBER: _ClassVar[int]
    OPTIMAL_ONLY_FIELD_NUMBER: _ClassVar[int]
    carbon_price_per_tonne: float
    default_residency: ResidencyRule
    hours_per_month: float
    max_total_carbon_kg_per_hour: float
    whole_slices: bool
    slice_factor: int
    spot_capacity_overhead: float
    relative_gap: float
    optimal_only: bool
    def __init__(self, carbon_price_per_tonne: _Optional[float] = ..., default_residency: _Optional[_Union[ResidencyRule, _Mapping]] = ..., hours_per_month: _Optional[float] = ..., max_total_carbon_kg_per_hour: _Optional[float] = ..., whole_slices: _Optional[bool] = ..., slice_factor: _Optional[int] = ..., spot_capacity_overhead: _Optional[float] = ..., relative_gap: _Optional[float] = ..., optimal_only: _Optional[bool] = ...) -> None: ...

class PlacementItem(_message.Message):
    __slots__ = ("offer_id", "provider", "region", "instance_type", "count", "demand_share", "spot", "api", "hourly_cost", "carbon_kg_per_hour", "country", "utilization", "slice_shares", "tokens_per_minute", "throughput_source", "accelerator")
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    DEMAND_SHARE_FIELD_NUMBER: _ClassVar[int]
    SPOT_FIELD_NUMBER: _ClassVar[int]
    API_FIELD_NUMBER: _ClassVar[int]
    HOURLY_COST_FIELD_NUMBER: _ClassVar[int]
    CARBON_KG_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    SLICE_SHARES_FIELD_NUMBER: _ClassVar[int]
    TOKENS_PER_MINUTE_FIELD_NUMBER: _ClassVar[int]
    THROUGHPUT_SOURCE_FIELD_NUMBER: _ClassVar[int]
    ACCELERATOR_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    provider: str
    region: str
    instance_type: str
    count: int
    demand_share: float
    spot: bool
    api: bool
    hourly_cost: _money_pb2.Money
    carbon_kg_per_hour: float
    country: str
    utilization: float
    slice_shares: _containers.RepeatedScalarFieldContainer[float]
    tokens_per_minute: float
    throughput_source: str
    accelerator: str
    def __init__(self, offer_id: _Optional[str] = ..., provider: _Optional[str] = ..., region: _Optional[str] = ..., instance_type: _Optional[str] = ..., count: _Optional[int] = ..., demand_share: _Optional[float] = ..., spot: _Optional[bool] = ..., api: _Optional[bool] = ..., hourly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., carbon_kg_per_hour: _Optional[float] = ..., country: _Optional[str] = ..., utilization: _Optional[float] = ..., slice_shares: _Optional[_Iterable[float]] = ..., tokens_per_minute: _Optional[float] = ..., throughput_source: _Optional[str] = ..., accelerator: _Optional[str] = ...) -> None: ...

class BreakEven(_message.Message):
    __slots__ = ("tokens_per_day", "current_tokens_per_day", "self_hosting_offer_id", "api_offer_id", "self_hosting_cost_per_million_tokens", "api_cost_per_million_tokens", "self_hosting_always_cheaper_above_tokens_per_day", "self_hosting_cheaper_now")
    TOKENS_PER_DAY_FIELD_NUMBER: _ClassVar[int]
    CURRENT_TOKENS_PER_DAY_FIELD_NUMBER: _ClassVar[int]
    SELF_HOSTING_OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    API_OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    SELF_HOSTING_COST_PER_MILLION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    API_COST_PER_MILLION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    SELF_HOSTING_ALWAYS_CHEAPER_ABOVE_TOKENS_PER_DAY_FIELD_NUMBER: _ClassVar[int]
    SELF_HOSTING_CHEAPER_NOW_FIELD_NUMBER: _ClassVar[int]
    tokens_per_day: float
    current_tokens_per_day: float
    self_hosting_offer_id: str
    api_offer_id: str
    self_hosting_cost_per_million_tokens: _money_pb2.Money
    api_cost_per_million_tokens: _money_pb2.Money
    self_hosting_always_cheaper_above_tokens_per_day: float
    self_hosting_cheaper_now: bool
    def __init__(self, tokens_per_day: _Optional[float] = ..., current_tokens_per_day: _Optional[float] = ..., self_hosting_offer_id: _Optional[str] = ..., api_offer_id: _Optional[str] = ..., self_hosting_cost_per_million_tokens: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., api_cost_per_million_tokens: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., self_hosting_always_cheaper_above_tokens_per_day: _Optional[float] = ..., self_hosting_cheaper_now: _Optional[bool] = ...) -> None: ...

class WorkloadPlacement(_message.Message):
    __slots__ = ("workload_id", "items", "hourly_cost", "cost_per_million_tokens", "carbon_kg_per_hour", "break_even", "explanation", "monthly_cost", "job_cost", "binding_rules", "baseline_hourly_cost")
    WORKLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    HOURLY_COST_FIELD_NUMBER: _ClassVar[int]
    COST_PER_MILLION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CARBON_KG_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    BREAK_EVEN_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    JOB_COST_FIELD_NUMBER: _ClassVar[int]
    BINDING_RULES_FIELD_NUMBER: _ClassVar[int]
    BASELINE_HOURLY_COST_FIELD_NUMBER: _ClassVar[int]
    workload_id: str
    items: _containers.RepeatedCompositeFieldContainer[PlacementItem]
    hourly_cost: _money_pb2.Money
    cost_per_million_tokens: _money_pb2.Money
    carbon_kg_per_hour: float
    break_even: BreakEven
    explanation: str
    monthly_cost: _money_pb2.Money
    job_cost: _money_pb2.Money
    binding_rules: _containers.RepeatedScalarFieldContainer[str]
    baseline_hourly_cost: _money_pb2.Money
    def __init__(self, workload_id: _Optional[str] = ..., items: _Optional[_Iterable[_Union[PlacementItem, _Mapping]]] = ..., hourly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., cost_per_million_tokens: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., carbon_kg_per_hour: _Optional[float] = ..., break_even: _Optional[_Union[BreakEven, _Mapping]] = ..., explanation: _Optional[str] = ..., monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., job_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., binding_rules: _Optional[_Iterable[str]] = ..., baseline_hourly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class RoutingModelStats(_message.Message):
    __slots__ = ("compute_offers", "aggregated_offers", "api_offers", "candidate_pairs", "pruned_pairs", "components", "largest_component", "coupling_rounds")
    COMPUTE_OFFERS_FIELD_NUMBER: _ClassVar[int]
    AGGREGATED_OFFERS_FIELD_NUMBER: _ClassVar[int]
    API_OFFERS_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_PAIRS_FIELD_NUMBER: _ClassVar[int]
    PRUNED_PAIRS_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    LARGEST_COMPONENT_FIELD_NUMBER: _ClassVar[int]
    COUPLING_ROUNDS_FIELD_NUMBER: _ClassVar[int]
    compute_offers: int
    aggregated_offers: int
    api_offers: int
    candidate_pairs: int
    pruned_pairs: int
    components: int
    largest_component: int
    coupling_rounds: int
    def __init__(self, compute_offers: _Optional[int] = ..., aggregated_offers: _Optional[int] = ..., api_offers: _Optional[int] = ..., candidate_pairs: _Optional[int] = ..., pruned_pairs: _Optional[int] = ..., components: _Optional[int] = ..., largest_component: _Optional[int] = ..., coupling_rounds: _Optional[int] = ...) -> None: ...

class RouteWorkloadsRequest(_message.Message):
    __slots__ = ("currency_code", "workloads", "compute_offers", "api_offers", "throughput_profiles", "quotas", "policy", "accelerator_specs")
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    WORKLOADS_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_OFFERS_FIELD_NUMBER: _ClassVar[int]
    API_OFFERS_FIELD_NUMBER: _ClassVar[int]
    THROUGHPUT_PROFILES_FIELD_NUMBER: _ClassVar[int]
    QUOTAS_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    ACCELERATOR_SPECS_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    workloads: _containers.RepeatedCompositeFieldContainer[Workload]
    compute_offers: _containers.RepeatedCompositeFieldContainer[ComputeOffer]
    api_offers: _containers.RepeatedCompositeFieldContainer[ModelApiOffer]
    throughput_profiles: _containers.RepeatedCompositeFieldContainer[ThroughputProfile]
    quotas: _containers.RepeatedCompositeFieldContainer[Quota]
    policy: RoutingPolicy
    accelerator_specs: _containers.RepeatedCompositeFieldContainer[AcceleratorSpec]
    def __init__(self, currency_code: _Optional[str] = ..., workloads: _Optional[_Iterable[_Union[Workload, _Mapping]]] = ..., compute_offers: _Optional[_Iterable[_Union[ComputeOffer, _Mapping]]] = ..., api_offers: _Optional[_Iterable[_Union[ModelApiOffer, _Mapping]]] = ..., throughput_profiles: _Optional[_Iterable[_Union[ThroughputProfile, _Mapping]]] = ..., quotas: _Optional[_Iterable[_Union[Quota, _Mapping]]] = ..., policy: _Optional[_Union[RoutingPolicy, _Mapping]] = ..., accelerator_specs: _Optional[_Iterable[_Union[AcceleratorSpec, _Mapping]]] = ...) -> None: ...

class RouteWorkloadsResponse(_message.Message):
    __slots__ = ("plans", "placements", "warnings", "total_hourly_cost", "total_carbon_kg_per_hour", "model_stats")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    PLACEMENTS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_HOURLY_COST_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CARBON_KG_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    MODEL_STATS_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[_common_pb2.SavingsPlan]
    placements: _containers.RepeatedCompositeFieldContainer[WorkloadPlacement]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    total_hourly_cost: _money_pb2.Money
    total_carbon_kg_per_hour: float
    model_stats: RoutingModelStats
    def __init__(self, plans: _Optional[_Iterable[_Union[_common_pb2.SavingsPlan, _Mapping]]] = ..., placements: _Optional[_Iterable[_Union[WorkloadPlacement, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ..., total_hourly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., total_carbon_kg_per_hour: _Optional[float] = ..., model_stats: _Optional[_Union[RoutingModelStats, _Mapping]] = ...) -> None: ...
