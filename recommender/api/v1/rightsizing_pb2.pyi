import datetime

from recommender.api.v1 import common_pb2 as _common_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.type import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Metric(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    METRIC_UNSPECIFIED: _ClassVar[Metric]
    METRIC_CPU_PERCENT: _ClassVar[Metric]
    METRIC_MEMORY_PERCENT: _ClassVar[Metric]
    METRIC_GPU_PERCENT: _ClassVar[Metric]
    METRIC_GPU_MEMORY_PERCENT: _ClassVar[Metric]
    METRIC_NETWORK_MBPS: _ClassVar[Metric]
    METRIC_DISK_IOPS: _ClassVar[Metric]

class Finding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FINDING_UNSPECIFIED: _ClassVar[Finding]
    FINDING_IDLE: _ClassVar[Finding]
    FINDING_OVER_PROVISIONED: _ClassVar[Finding]
    FINDING_UNDER_PROVISIONED: _ClassVar[Finding]
    FINDING_OPTIMIZED: _ClassVar[Finding]
    FINDING_INSUFFICIENT_DATA: _ClassVar[Finding]
METRIC_UNSPECIFIED: Metric
METRIC_CPU_PERCENT: Metric
METRIC_MEMORY_PERCENT: Metric
METRIC_GPU_PERCENT: Metric
METRIC_GPU_MEMORY_PERCENT: Metric
METRIC_NETWORK_MBPS: Metric
METRIC_DISK_IOPS: Metric
FINDING_UNSPECIFIED: Finding
FINDING_IDLE: Finding
FINDING_OVER_PROVISIONED: Finding
FINDING_UNDER_PROVISIONED: Finding
FINDING_OPTIMIZED: Finding
FINDING_INSUFFICIENT_DATA: Finding

class MetricSeries(_message.Message):
    __slots__ = ("metric", "values", "centi_values")
    METRIC_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    CENTI_VALUES_FIELD_NUMBER: _ClassVar[int]
    metric: Metric
    values: _containers.RepeatedScalarFieldContainer[float]
    centi_values: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, metric: _Optional[_Union[Metric, str]] = ..., values: _Optional[_Iterable[float]] = ..., centi_values: _Optional[_Iterable[int]] = ...) -> None: ...

class ResourceUtilization(_message.Message):
    __slots__ = ("resource_id", "current_type", "provider", "region", "tags", "sample_interval", "metrics", "required_features", "hours_per_month")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    CURRENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FEATURES_FIELD_NUMBER: _ClassVar[int]
    HOURS_PER_MONTH_FIELD_NUMBER: _ClassVar[int]
    resource_id: str
    current_type: str
    provider: str
    region: str
    tags: _containers.ScalarMap[str, str]
    sample_interval: _duration_pb2.Duration
    metrics: _containers.RepeatedCompositeFieldContainer[MetricSeries]
    required_features: _containers.RepeatedScalarFieldContainer[str]
    hours_per_month: float
    def __init__(self, resource_id: _Optional[str] = ..., current_type: _Optional[str] = ..., provider: _Optional[str] = ..., region: _Optional[str] = ..., tags: _Optional[_Mapping[str, str]] = ..., sample_interval: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., metrics: _Optional[_Iterable[_Union[MetricSeries, _Mapping]]] = ..., required_features: _Optional[_Iterable[str]] = ..., hours_per_month: _Optional[float] = ...) -> None: ...

class InstanceType(_message.Message):
    __slots__ = ("name", "provider", "region", "family", "architecture", "vcpus", "memory_gib", "gpu_count", "gpu_model", "gpu_memory_gib", "hourly_price", "spot_hourly_price", "features", "network_gbps", "disk_iops")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    FAMILY_FIELD_NUMBER: _ClassVar[int]
    ARCHITECTURE_FIELD_NUMBER: _ClassVar[int]
    VCPUS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_GIB_FIELD_NUMBER: _ClassVar[int]
    GPU_COUNT_FIELD_NUMBER: _ClassVar[int]
    GPU_MODEL_FIELD_NUMBER: _ClassVar[int]
    GPU_MEMORY_GIB_FIELD_NUMBER: _ClassVar[int]
    HOURLY_PRICE_FIELD_NUMBER: _ClassVar[int]
    SPOT_HOURLY_PRICE_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    NETWORK_GBPS_FIELD_NUMBER: _ClassVar[int]
    DISK_IOPS_FIELD_NUMBER: _ClassVar[int]
    name: str
    provider: str
    region: str
    family: str
    architecture: str
    vcpus: float
    memory_gib: float
    gpu_count: float
    gpu_model: str
    gpu_memory_gib: float
    hourly_price: float
    spot_hourly_price: float
    features: _containers.RepeatedScalarFieldContainer[str]
    network_gbps: float
    disk_iops: float
    def __init__(self, name: _Optional[str] = ..., provider: _Optional[str] = ..., region: _Optional[str] = ..., family: _Optional[str] = ..., architecture: _Optional[str] = ..., vcpus: _Optional[float] = ..., memory_gib: _Optional[float] = ..., gpu_count: _Optional[float] = ..., gpu_model: _Optional[str] = ..., gpu_memory_gib: _Optional[float] = ..., hourly_price: _Optional[float] = ..., spot_hourly_price: _Optional[float] = ..., features: _Optional[_Iterable[str]] = ..., network_gbps: _Optional[float] = ..., disk_iops: _Optional[float] = ...) -> None: ...

class RightSizingPolicy(_message.Message):
    __slots__ = ("cpu_percentile", "cpu_headroom", "memory_headroom", "memory_percentile", "allow_region_change", "allow_architecture_change", "include_families", "exclude_families", "max_options", "idle_cpu_percent", "idle_network_mbps", "gpu_headroom", "allow_gpu_model_change", "allow_burstable", "min_history_hours", "max_performance_risk", "min_monthly_savings", "include_upsizes", "single_profile")
    CPU_PERCENTILE_FIELD_NUMBER: _ClassVar[int]
    CPU_HEADROOM_FIELD_NUMBER: _ClassVar[int]
    MEMORY_HEADROOM_FIELD_NUMBER: _ClassVar[int]
    MEMORY_PERCENTILE_FIELD_NUMBER: _ClassVar[int]
    ALLOW_REGION_CHANGE_FIELD_NUMBER: _ClassVar[int]
    ALLOW_ARCHITECTURE_CHANGE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_FAMILIES_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_FAMILIES_FIELD_NUMBER: _ClassVar[int]
    MAX_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    IDLE_CPU_PERCENT_FIELD_NUMBER: _ClassVar[int]
    IDLE_NETWORK_MBPS_FIELD_NUMBER: _ClassVar[int]
    GPU_HEADROOM_FIELD_NUMBER: _ClassVar[int]
    ALLOW_GPU_MODEL_CHANGE_FIELD_NUMBER: _ClassVar[int]
    ALLOW_BURSTABLE_FIELD_NUMBER: _ClassVar[int]
    MIN_HISTORY_HOURS_FIELD_NUMBER: _ClassVar[int]
    MAX_PERFORMANCE_RISK_FIELD_NUMBER: _ClassVar[int]
    MIN_MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_UPSIZES_FIELD_NUMBER: _ClassVar[int]
    SINGLE_PROFILE_FIELD_NUMBER: _ClassVar[int]
    cpu_percentile: float
    cpu_headroom: float
    memory_headroom: float
    memory_percentile: float
    allow_region_change: bool
    allow_architecture_change: bool
    include_families: _containers.RepeatedScalarFieldContainer[str]
    exclude_families: _containers.RepeatedScalarFieldContainer[str]
    max_options: int
    idle_cpu_percent: float
    idle_network_mbps: float
    gpu_headroom: float
    allow_gpu_model_change: bool
    allow_burstable: bool
    min_history_hours: float
    max_performance_risk: int
    min_monthly_savings: float
    include_upsizes: bool
    single_profile: bool
    def __init__(self, cpu_percentile: _Optional[float] = ..., cpu_headroom: _Optional[float] = ..., memory_headroom: _Optional[float] = ..., memory_percentile: _Optional[float] = ..., allow_region_change: _Optional[bool] = ..., allow_architecture_change: _Optional[bool] = ..., include_families: _Optional[_Iterable[str]] = ..., exclude_families: _Optional[_Iterable[str]] = ..., max_options: _Optional[int] = ..., idle_cpu_percent: _Optional[float] = ..., idle_network_mbps: _Optional[float] = ..., gpu_headroom: _Optional[float] = ..., allow_gpu_model_change: _Optional[bool] = ..., allow_burstable: _Optional[bool] = ..., min_history_hours: _Optional[float] = ..., max_performance_risk: _Optional[int] = ..., min_monthly_savings: _Optional[float] = ..., include_upsizes: _Optional[bool] = ..., single_profile: _Optional[bool] = ...) -> None: ...

class SizingOption(_message.Message):
    __slots__ = ("rank", "instance_type", "region", "monthly_cost", "monthly_savings", "performance_risk", "projected_cpu_percent", "projected_memory_percent", "platform_differences", "on_demand_monthly_cost", "savings_percent", "vcpus", "memory_gib", "gpu_count", "projected_gpu_percent", "projected_gpu_memory_percent", "risk_by_metric")
    class RiskByMetricEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    RANK_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    PERFORMANCE_RISK_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_CPU_PERCENT_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_MEMORY_PERCENT_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_DIFFERENCES_FIELD_NUMBER: _ClassVar[int]
    ON_DEMAND_MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    SAVINGS_PERCENT_FIELD_NUMBER: _ClassVar[int]
    VCPUS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_GIB_FIELD_NUMBER: _ClassVar[int]
    GPU_COUNT_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_GPU_PERCENT_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_GPU_MEMORY_PERCENT_FIELD_NUMBER: _ClassVar[int]
    RISK_BY_METRIC_FIELD_NUMBER: _ClassVar[int]
    rank: int
    instance_type: str
    region: str
    monthly_cost: _money_pb2.Money
    monthly_savings: _money_pb2.Money
    performance_risk: int
    projected_cpu_percent: float
    projected_memory_percent: float
    platform_differences: _containers.RepeatedScalarFieldContainer[str]
    on_demand_monthly_cost: _money_pb2.Money
    savings_percent: float
    vcpus: float
    memory_gib: float
    gpu_count: float
    projected_gpu_percent: float
    projected_gpu_memory_percent: float
    risk_by_metric: _containers.ScalarMap[str, int]
    def __init__(self, rank: _Optional[int] = ..., instance_type: _Optional[str] = ..., region: _Optional[str] = ..., monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., monthly_savings: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., performance_risk: _Optional[int] = ..., projected_cpu_percent: _Optional[float] = ..., projected_memory_percent: _Optional[float] = ..., platform_differences: _Optional[_Iterable[str]] = ..., on_demand_monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., savings_percent: _Optional[float] = ..., vcpus: _Optional[float] = ..., memory_gib: _Optional[float] = ..., gpu_count: _Optional[float] = ..., projected_gpu_percent: _Optional[float] = ..., projected_gpu_memory_percent: _Optional[float] = ..., risk_by_metric: _Optional[_Mapping[str, int]] = ...) -> None: ...

class MetricSummary(_message.Message):
    __slots__ = ("metric", "samples", "mean", "at_policy_percentile", "p95", "p99_5", "max")
    METRIC_FIELD_NUMBER: _ClassVar[int]
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    MEAN_FIELD_NUMBER: _ClassVar[int]
    AT_POLICY_PERCENTILE_FIELD_NUMBER: _ClassVar[int]
    P95_FIELD_NUMBER: _ClassVar[int]
    P99_5_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    metric: Metric
    samples: int
    mean: float
    at_policy_percentile: float
    p95: float
    p99_5: float
    max: float
    def __init__(self, metric: _Optional[_Union[Metric, str]] = ..., samples: _Optional[int] = ..., mean: _Optional[float] = ..., at_policy_percentile: _Optional[float] = ..., p95: _Optional[float] = ..., p99_5: _Optional[float] = ..., max: _Optional[float] = ...) -> None: ...

class ResourceRecommendation(_message.Message):
    __slots__ = ("resource_id", "current_type", "finding", "reasons", "current_monthly_cost", "options", "required_vcpus", "required_memory_gib", "region", "required_gpus", "required_gpu_memory_gib", "required_network_mbps", "current_performance_risk", "utilization", "current_on_demand_monthly_cost")
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    CURRENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    FINDING_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_VCPUS_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_MEMORY_GIB_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_GPUS_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_GPU_MEMORY_GIB_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_NETWORK_MBPS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_PERFORMANCE_RISK_FIELD_NUMBER: _ClassVar[int]
    UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    CURRENT_ON_DEMAND_MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    resource_id: str
    current_type: str
    finding: Finding
    reasons: _containers.RepeatedScalarFieldContainer[str]
    current_monthly_cost: _money_pb2.Money
    options: _containers.RepeatedCompositeFieldContainer[SizingOption]
    required_vcpus: float
    required_memory_gib: float
    region: str
    required_gpus: float
    required_gpu_memory_gib: float
    required_network_mbps: float
    current_performance_risk: int
    utilization: _containers.RepeatedCompositeFieldContainer[MetricSummary]
    current_on_demand_monthly_cost: _money_pb2.Money
    def __init__(self, resource_id: _Optional[str] = ..., current_type: _Optional[str] = ..., finding: _Optional[_Union[Finding, str]] = ..., reasons: _Optional[_Iterable[str]] = ..., current_monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., options: _Optional[_Iterable[_Union[SizingOption, _Mapping]]] = ..., required_vcpus: _Optional[float] = ..., required_memory_gib: _Optional[float] = ..., region: _Optional[str] = ..., required_gpus: _Optional[float] = ..., required_gpu_memory_gib: _Optional[float] = ..., required_network_mbps: _Optional[float] = ..., current_performance_risk: _Optional[int] = ..., utilization: _Optional[_Iterable[_Union[MetricSummary, _Mapping]]] = ..., current_on_demand_monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class FleetMember(_message.Message):
    __slots__ = ("member_id", "cpu_request", "memory_request_gib", "cpu_usage", "memory_usage_gib", "replicas")
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    CPU_REQUEST_FIELD_NUMBER: _ClassVar[int]
    MEMORY_REQUEST_GIB_FIELD_NUMBER: _ClassVar[int]
    CPU_USAGE_FIELD_NUMBER: _ClassVar[int]
    MEMORY_USAGE_GIB_FIELD_NUMBER: _ClassVar[int]
    REPLICAS_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    cpu_request: float
    memory_request_gib: float
    cpu_usage: _containers.RepeatedScalarFieldContainer[float]
    memory_usage_gib: _containers.RepeatedScalarFieldContainer[float]
    replicas: int
    def __init__(self, member_id: _Optional[str] = ..., cpu_request: _Optional[float] = ..., memory_request_gib: _Optional[float] = ..., cpu_usage: _Optional[_Iterable[float]] = ..., memory_usage_gib: _Optional[_Iterable[float]] = ..., replicas: _Optional[int] = ...) -> None: ...

class FleetSpec(_message.Message):
    __slots__ = ("members", "node_types", "region", "node_overhead", "provider", "current_nodes", "node_overhead_vcpus", "node_overhead_memory_gib")
    class CurrentNodesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    NODE_TYPES_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    NODE_OVERHEAD_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    CURRENT_NODES_FIELD_NUMBER: _ClassVar[int]
    NODE_OVERHEAD_VCPUS_FIELD_NUMBER: _ClassVar[int]
    NODE_OVERHEAD_MEMORY_GIB_FIELD_NUMBER: _ClassVar[int]
    members: _containers.RepeatedCompositeFieldContainer[FleetMember]
    node_types: _containers.RepeatedScalarFieldContainer[str]
    region: str
    node_overhead: float
    provider: str
    current_nodes: _containers.ScalarMap[str, int]
    node_overhead_vcpus: float
    node_overhead_memory_gib: float
    def __init__(self, members: _Optional[_Iterable[_Union[FleetMember, _Mapping]]] = ..., node_types: _Optional[_Iterable[str]] = ..., region: _Optional[str] = ..., node_overhead: _Optional[float] = ..., provider: _Optional[str] = ..., current_nodes: _Optional[_Mapping[str, int]] = ..., node_overhead_vcpus: _Optional[float] = ..., node_overhead_memory_gib: _Optional[float] = ...) -> None: ...

class FleetPlacement(_message.Message):
    __slots__ = ("member_id", "replicas")
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    REPLICAS_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    replicas: int
    def __init__(self, member_id: _Optional[str] = ..., replicas: _Optional[int] = ...) -> None: ...

class FleetNode(_message.Message):
    __slots__ = ("node_type", "index", "placements", "cpu_requested", "memory_requested_gib", "cpu_allocatable", "memory_allocatable_gib")
    NODE_TYPE_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    PLACEMENTS_FIELD_NUMBER: _ClassVar[int]
    CPU_REQUESTED_FIELD_NUMBER: _ClassVar[int]
    MEMORY_REQUESTED_GIB_FIELD_NUMBER: _ClassVar[int]
    CPU_ALLOCATABLE_FIELD_NUMBER: _ClassVar[int]
    MEMORY_ALLOCATABLE_GIB_FIELD_NUMBER: _ClassVar[int]
    node_type: str
    index: int
    placements: _containers.RepeatedCompositeFieldContainer[FleetPlacement]
    cpu_requested: float
    memory_requested_gib: float
    cpu_allocatable: float
    memory_allocatable_gib: float
    def __init__(self, node_type: _Optional[str] = ..., index: _Optional[int] = ..., placements: _Optional[_Iterable[_Union[FleetPlacement, _Mapping]]] = ..., cpu_requested: _Optional[float] = ..., memory_requested_gib: _Optional[float] = ..., cpu_allocatable: _Optional[float] = ..., memory_allocatable_gib: _Optional[float] = ...) -> None: ...

class FleetPlan(_message.Message):
    __slots__ = ("node_counts", "nodes", "monthly_cost", "solver", "current_monthly_cost", "member_cpu_requests", "member_memory_requests_gib")
    class NodeCountsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class MemberCpuRequestsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class MemberMemoryRequestsGibEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    NODE_COUNTS_FIELD_NUMBER: _ClassVar[int]
    NODES_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    SOLVER_FIELD_NUMBER: _ClassVar[int]
    CURRENT_MONTHLY_COST_FIELD_NUMBER: _ClassVar[int]
    MEMBER_CPU_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    MEMBER_MEMORY_REQUESTS_GIB_FIELD_NUMBER: _ClassVar[int]
    node_counts: _containers.ScalarMap[str, int]
    nodes: _containers.RepeatedCompositeFieldContainer[FleetNode]
    monthly_cost: _money_pb2.Money
    solver: _common_pb2.SolverReport
    current_monthly_cost: _money_pb2.Money
    member_cpu_requests: _containers.ScalarMap[str, float]
    member_memory_requests_gib: _containers.ScalarMap[str, float]
    def __init__(self, node_counts: _Optional[_Mapping[str, int]] = ..., nodes: _Optional[_Iterable[_Union[FleetNode, _Mapping]]] = ..., monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., solver: _Optional[_Union[_common_pb2.SolverReport, _Mapping]] = ..., current_monthly_cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., member_cpu_requests: _Optional[_Mapping[str, float]] = ..., member_memory_requests_gib: _Optional[_Mapping[str, float]] = ...) -> None: ...

class OtherUsage(_message.Message):
    __slots__ = ("class_id", "units")
    CLASS_ID_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    class_id: str
    units: float
    def __init__(self, class_id: _Optional[str] = ..., units: _Optional[float] = ...) -> None: ...

class RightSizeRequest(_message.Message):
    __slots__ = ("currency_code", "resources", "catalog", "policy", "existing_commitments", "usage_classes", "fleet", "other_usage")
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    CATALOG_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    EXISTING_COMMITMENTS_FIELD_NUMBER: _ClassVar[int]
    USAGE_CLASSES_FIELD_NUMBER: _ClassVar[int]
    FLEET_FIELD_NUMBER: _ClassVar[int]
    OTHER_USAGE_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    resources: _containers.RepeatedCompositeFieldContainer[ResourceUtilization]
    catalog: _containers.RepeatedCompositeFieldContainer[InstanceType]
    policy: RightSizingPolicy
    existing_commitments: _containers.RepeatedCompositeFieldContainer[_common_pb2.ExistingCommitment]
    usage_classes: _containers.RepeatedCompositeFieldContainer[_common_pb2.UsageClass]
    fleet: FleetSpec
    other_usage: _containers.RepeatedCompositeFieldContainer[OtherUsage]
    def __init__(self, currency_code: _Optional[str] = ..., resources: _Optional[_Iterable[_Union[ResourceUtilization, _Mapping]]] = ..., catalog: _Optional[_Iterable[_Union[InstanceType, _Mapping]]] = ..., policy: _Optional[_Union[RightSizingPolicy, _Mapping]] = ..., existing_commitments: _Optional[_Iterable[_Union[_common_pb2.ExistingCommitment, _Mapping]]] = ..., usage_classes: _Optional[_Iterable[_Union[_common_pb2.UsageClass, _Mapping]]] = ..., fleet: _Optional[_Union[FleetSpec, _Mapping]] = ..., other_usage: _Optional[_Iterable[_Union[OtherUsage, _Mapping]]] = ...) -> None: ...

class RightSizeResponse(_message.Message):
    __slots__ = ("plans", "recommendations", "fleet_plan", "warnings")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    FLEET_PLAN_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[_common_pb2.SavingsPlan]
    recommendations: _containers.RepeatedCompositeFieldContainer[ResourceRecommendation]
    fleet_plan: FleetPlan
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plans: _Optional[_Iterable[_Union[_common_pb2.SavingsPlan, _Mapping]]] = ..., recommendations: _Optional[_Iterable[_Union[ResourceRecommendation, _Mapping]]] = ..., fleet_plan: _Optional[_Union[FleetPlan, _Mapping]] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...
