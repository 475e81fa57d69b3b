"""Domain model of a workload-routing request (see ``routing.proto`` for field meanings)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from recommender.domain.common import (
    HOURS_PER_MONTH,
    DomainModel,
    Fraction,
    NonNegative,
    Positive,
    SavingsPlan,
)

Identifier = Annotated[str, Field(min_length=1, max_length=256)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class RequestSlice(DomainModel):
    """A bucket of LLM requests of one size."""

    share: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]
    input_tokens: NonNegative
    output_tokens: Positive


class LlmInferenceDemand(DomainModel):
    """LLM inference demand."""

    model: Identifier
    requests_per_second: Positive
    input_tokens_per_request: NonNegative = 0.0
    output_tokens_per_request: NonNegative = 0.0
    max_time_per_output_token_ms: NonNegative = 0.0
    request_slices: list[RequestSlice] = Field(default_factory=list)
    substitute_models: list[str] = Field(default_factory=list)
    parameters_billion: NonNegative = 0.0
    bytes_per_parameter: Positive = 2.0
    kv_cache_bytes_per_token: NonNegative = 0.0

    @model_validator(mode="after")
    def _slices(self) -> LlmInferenceDemand:
        if self.request_slices:
            total = sum(s.share for s in self.request_slices)
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"request_slices shares must add up to 1, got {total:.6g}")
        elif self.output_tokens_per_request <= 0:
            raise ValueError("output_tokens_per_request must be positive when request_slices is empty")
        return self

    def slices(self) -> list[RequestSlice]:
        """The request slices (one slice of the mean size when none were given)."""
        if self.request_slices:
            return list(self.request_slices)
        return [
            RequestSlice(
                share=1.0,
                input_tokens=self.input_tokens_per_request,
                output_tokens=self.output_tokens_per_request,
            )
        ]

    def tokens_per_request(self) -> float:
        """Mean input + output tokens per request."""
        return sum(s.share * (s.input_tokens + s.output_tokens) for s in self.slices())


class BatchJobDemand(DomainModel):
    """A batch/training job: work to finish by a deadline."""

    gpu_hours: NonNegative = 0.0
    gpu_memory_gib: NonNegative = 0.0
    deadline_hours: Positive
    reference_accelerator: str = "A100-80GB"
    min_gpus_per_instance: Annotated[int, Field(ge=0)] = 0
    vcpu_hours: NonNegative = 0.0
    memory_gib_per_vcpu: NonNegative = 0.0
    runs_per_month: Positive = 1.0

    @model_validator(mode="after")
    def _work(self) -> BatchJobDemand:
        if (self.gpu_hours > 0) == (self.vcpu_hours > 0):
            raise ValueError("exactly one of gpu_hours or vcpu_hours must be positive")
        return self

    @property
    def is_gpu(self) -> bool:
        """Whether the job needs GPUs."""
        return self.gpu_hours > 0


class CpuServiceDemand(DomainModel):
    """A steady CPU service."""

    vcpus: Positive
    memory_gib: NonNegative = 0.0
    architectures: list[str] = Field(default_factory=list)


class ResidencyRule(DomainModel):
    """Where data may be processed; empty lists allow anything."""

    allowed_countries: list[Country] = Field(default_factory=list)
    allowed_regions: list[str] = Field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """No restriction."""
        return not self.allowed_countries and not self.allowed_regions

    def describe(self) -> str:
        """Short text, e.g. ``countries IN; regions asia-south1``."""
        parts = []
        if self.allowed_countries:
            parts.append("countries " + ", ".join(self.allowed_countries))
        if self.allowed_regions:
            parts.append("regions " + ", ".join(self.allowed_regions))
        return "; ".join(parts) or "anywhere"


class DemandKind(StrEnum):
    """Kind of workload."""

    LLM_INFERENCE = "llm_inference"
    BATCH_JOB = "batch_job"
    CPU_SERVICE = "cpu_service"


class Workload(DomainModel):
    """A workload to place (exactly one demand is set)."""

    workload_id: Identifier
    llm_inference: LlmInferenceDemand | None = None
    batch_job: BatchJobDemand | None = None
    cpu_service: CpuServiceDemand | None = None
    residency: ResidencyRule | None = None
    max_carbon_kg_per_hour: NonNegative = 0.0
    must_run_on: list[str] = Field(default_factory=list)
    never_run_on: list[str] = Field(default_factory=list)
    interruptible: bool = False
    current_hourly_cost: NonNegative = 0.0

    @model_validator(mode="after")
    def _one_demand(self) -> Workload:
        count = sum(d is not None for d in (self.llm_inference, self.batch_job, self.cpu_service))
        if count != 1:
            raise ValueError("exactly one of llm_inference, batch_job or cpu_service must be set")
        return self

    @property
    def kind(self) -> DemandKind:
        """Which demand the workload has."""
        if self.llm_inference is not None:
            return DemandKind.LLM_INFERENCE
        if self.batch_job is not None:
            return DemandKind.BATCH_JOB
        return DemandKind.CPU_SERVICE


class OfferInstance(DomainModel):
    """An instance type with its prices in one region (the API's ``InstanceType``)."""

    name: Identifier
    provider: str = ""
    region: str = ""
    family: str = ""
    architecture: str = ""
    vcpus: NonNegative = 0.0
    memory_gib: NonNegative = 0.0
    gpu_count: Annotated[int, Field(ge=0)] = 0
    gpu_model: str = ""
    gpu_memory_gib: NonNegative = 0.0
    hourly_price: Positive
    spot_hourly_price: NonNegative = 0.0


class ComputeOffer(DomainModel):
    """An instance type offered in a provider region."""

    offer_id: Identifier
    instance: OfferInstance
    country: str = ""
    carbon_intensity_g_per_kwh: NonNegative = 0.0
    power_kw: NonNegative = 0.0
    max_instances: Annotated[int, Field(ge=0)] = 0


class ModelApiOffer(DomainModel):
    """A per-token model API."""

    offer_id: Identifier
    provider: str = ""
    model: Identifier
    input_cost_per_token: NonNegative = 0.0
    output_cost_per_token: NonNegative = 0.0
    processing_location: ResidencyRule = Field(default_factory=ResidencyRule)
    tokens_per_minute_quota: NonNegative = 0.0
    substitutes_for: list[str] = Field(default_factory=list)
    max_input_tokens: Annotated[int, Field(ge=0)] = 0
    max_output_tokens: Annotated[int, Field(ge=0)] = 0
    carbon_g_per_million_tokens: NonNegative = 0.0


class ThroughputProfile(DomainModel):
    """Measured throughput of a model on an accelerator or instance type."""

    model: Identifier
    accelerator: Identifier
    output_tokens_per_second: NonNegative = 0.0
    time_per_output_token_ms: NonNegative = 0.0
    requests_per_second: NonNegative = 0.0
    input_tokens: NonNegative = 0.0
    output_tokens: NonNegative = 0.0
    accelerators_per_replica: Annotated[int, Field(ge=1)] = 1

    @model_validator(mode="after")
    def _rate(self) -> ThroughputProfile:
        if self.output_tokens_per_second <= 0 and self.requests_per_second <= 0:
            raise ValueError("one of output_tokens_per_second or requests_per_second must be positive")
        return self


class AcceleratorSpec(DomainModel):
    """GPU specification added to (or overriding) the server's table."""

    name: Identifier
    memory_gib: NonNegative = 0.0
    memory_bandwidth_gb_per_s: NonNegative = 0.0
    bf16_tflops: NonNegative = 0.0
    tdp_watts: NonNegative = 0.0
    relative_speed: NonNegative = 0.0


class CapacityType(StrEnum):
    """Capacity a quota counts."""

    ANY = "unspecified"
    ON_DEMAND = "on_demand"
    SPOT = "spot"


class Quota(DomainModel):
    """Capacity limit of a provider (region)."""

    provider: Identifier
    region: str = ""
    accelerator: str = ""
    limit: NonNegative
    capacity_type: CapacityType = CapacityType.ANY

    def name(self) -> str:
        """Readable id, e.g. ``quota[gcp/asia-south1/A100]``."""
        where = "/".join(p for p in (self.provider, self.region or "*", self.accelerator or "vCPU") if p)
        suffix = "" if self.capacity_type is CapacityType.ANY else f"/{self.capacity_type.value}"
        return f"quota[{where}{suffix}]"


class RoutingPolicy(DomainModel):
    """Policy knobs."""

    carbon_price_per_tonne: NonNegative = 0.0
    default_residency: ResidencyRule = Field(default_factory=ResidencyRule)
    hours_per_month: Positive = HOURS_PER_MONTH
    max_total_carbon_kg_per_hour: NonNegative = 0.0
    whole_slices: bool = False
    slice_factor: Annotated[int, Field(ge=1, le=64)] = 1
    spot_capacity_overhead: Annotated[float, Field(ge=0, le=0.9, allow_inf_nan=False)] = 0.0
    relative_gap: Fraction = 0.0
    optimal_only: bool = False


class RoutingRequest(DomainModel):
    """A validated routing request."""

    currency_code: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    workloads: list[Workload] = Field(min_length=1)
    compute_offers: list[ComputeOffer] = Field(default_factory=list)
    api_offers: list[ModelApiOffer] = Field(default_factory=list)
    throughput_profiles: list[ThroughputProfile] = Field(default_factory=list)
    quotas: list[Quota] = Field(default_factory=list)
    policy: RoutingPolicy = Field(default_factory=RoutingPolicy)
    accelerator_specs: list[AcceleratorSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> RoutingRequest:
        for label, ids in (
            ("workload_id", [w.workload_id for w in self.workloads]),
            ("offer_id", [o.offer_id for o in self.compute_offers] + [o.offer_id for o in self.api_offers]),
        ):
            if len(set(ids)) != len(ids):
                raise ValueError(f"duplicate {label}")
        return self


class PlacementItem(DomainModel):
    """One part of a workload's placement."""

    offer_id: str
    provider: str = ""
    region: str = ""
    instance_type: str = ""
    count: int = 0
    demand_share: float = 0.0
    spot: bool = False
    api: bool = False
    hourly_cost: Decimal = Decimal(0)
    carbon_kg_per_hour: float = 0.0
    country: str = ""
    utilization: float = 0.0
    slice_shares: list[float] = Field(default_factory=list)
    tokens_per_minute: float = 0.0
    throughput_source: str = ""
    accelerator: str = ""


class BreakEven(DomainModel):
    """Make-vs-buy break-even of an LLM workload."""

    tokens_per_day: float = 0.0
    current_tokens_per_day: float = 0.0
    self_hosting_offer_id: str = ""
    api_offer_id: str = ""
    self_hosting_cost_per_million_tokens: Decimal = Decimal(0)
    api_cost_per_million_tokens: Decimal = Decimal(0)
    self_hosting_always_cheaper_above_tokens_per_day: float = 0.0
    self_hosting_cheaper_now: bool = False


class WorkloadPlacement(DomainModel):
    """Placement of one workload."""

    workload_id: str
    items: list[PlacementItem]
    hourly_cost: Decimal
    monthly_cost: Decimal
    carbon_kg_per_hour: float
    cost_per_million_tokens: Decimal | None = None
    break_even: BreakEven | None = None
    job_cost: Decimal | None = None
    explanation: str = ""
    binding_rules: list[str] = Field(default_factory=list)
    baseline_hourly_cost: Decimal = Decimal(0)


class ModelStats(DomainModel):
    """Model size before and after reductions."""

    compute_offers: int = 0
    aggregated_offers: int = 0
    api_offers: int = 0
    candidate_pairs: int = 0
    pruned_pairs: int = 0
    components: int = 0
    largest_component: int = 0
    coupling_rounds: int = 0


class RoutingOutcome(DomainModel):
    """Everything the RPC answers."""

    plans: list[SavingsPlan]
    placements: list[WorkloadPlacement]
    warnings: list[str]
    currency_code: str
    total_hourly_cost: Decimal
    total_carbon_kg_per_hour: float
    stats: ModelStats
