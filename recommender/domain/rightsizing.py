"""Domain model of a right-sizing request.

Utilisation is columnar: one :class:`UtilizationBlock` per (dimension, history
length) holds a ``(resources, samples)`` float32 matrix, so 40 M samples stay one
numpy allocation per dimension instead of millions of Python objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from recommender.domain.commitments import ExistingCommitment, UsageClass
from recommender.domain.common import DomainModel, NonNegative, Positive, SavingsPlan, SolverSummary

Identifier = Annotated[str, Field(min_length=1, max_length=256)]
Percentile = Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)]
Headroom = Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)]

DIMENSIONS = ("cpu", "memory", "gpu", "gpu_memory", "network", "disk")
"""Measured dimensions (same order as :data:`solvers.rightsizing_data.DIMENSIONS`)."""
PERCENT_DIMENSIONS = frozenset({"cpu", "memory", "gpu", "gpu_memory"})

_BURSTABLE = {
    "aws": re.compile(r"^t\d[a-z]*\."),
    "azure": re.compile(r"^(?:Standard_)?B\d"),
    "gcp": re.compile(r"^(?:e2-(?:micro|small|medium)|f1-micro|g1-small)$"),
}


def is_burstable_name(provider: str, name: str) -> bool:
    """Whether a type name is a well-known burstable (CPU-credit) type."""
    pattern = _BURSTABLE.get(provider.lower())
    return bool(pattern and pattern.search(name))


class InstanceTypeSpec(DomainModel):
    """A catalogue row: a type priced in one region (see the API's ``InstanceType``)."""

    name: Identifier
    provider: str = ""
    region: str = ""
    family: str = ""
    architecture: str = "x86_64"
    vcpus: Positive
    memory_gib: Positive
    gpu_count: NonNegative = 0.0
    gpu_model: str = ""
    gpu_memory_gib: NonNegative = 0.0
    hourly_price: Positive
    spot_hourly_price: NonNegative = 0.0
    features: frozenset[str] = frozenset()
    network_gbps: NonNegative = 0.0
    disk_iops: NonNegative = 0.0

    @property
    def burstable(self) -> bool:
        """Burstable, by feature or by name."""
        return "burstable" in self.features or is_burstable_name(self.provider, self.name)


class ResourceSpec(DomainModel):
    """A resource to size; ``catalog_index`` is the row of its current type."""

    resource_id: Identifier
    current_type: Identifier
    provider: str = ""
    region: str = ""
    catalog_index: Annotated[int, Field(ge=0)]
    tags: dict[str, str] = Field(default_factory=dict)
    sample_interval_seconds: Positive = 300.0
    samples: Annotated[int, Field(ge=1)]
    required_features: frozenset[str] = frozenset()
    hours_per_month: Annotated[float, Field(gt=0, le=744, allow_inf_nan=False)] = 730.0
    dimensions: frozenset[str] = frozenset()

    @property
    def history_hours(self) -> float:
        """Length of the history."""
        return self.samples * self.sample_interval_seconds / 3600.0


class UtilizationBlock(DomainModel):
    """Samples of one dimension for the resources ``rows`` (all of one length).

    Percent dimensions are in percent of the current type's capacity; network in
    Mbit/s; disk in IOPS.
    """

    dimension: str
    rows: npt.NDArray[np.int64]
    samples: npt.NDArray[np.float32]

    @model_validator(mode="after")
    def _shape(self) -> UtilizationBlock:
        if self.dimension not in DIMENSIONS:
            raise ValueError(f"unknown dimension {self.dimension!r}")
        if self.samples.ndim != 2 or self.samples.shape[0] != self.rows.shape[0]:
            raise ValueError("samples must be (len(rows), samples)")
        return self


class RightSizingPolicy(DomainModel):
    """Sizing policy (defaults and reasoning in ``docs/rightsizing.md``)."""

    cpu_percentile: Percentile = 95.0
    cpu_headroom: Headroom = 0.2
    memory_headroom: Headroom = 0.2
    memory_percentile: Percentile | None = None
    gpu_headroom: Headroom | None = None
    allow_region_change: bool = False
    allow_architecture_change: bool = False
    allow_gpu_model_change: bool = False
    allow_burstable: bool = False
    include_families: frozenset[str] = frozenset()
    exclude_families: frozenset[str] = frozenset()
    max_options: Annotated[int, Field(ge=1, le=20)] = 3
    idle_cpu_percent: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] = 3.0
    idle_network_mbps: NonNegative = 1.0
    min_history_hours: NonNegative = 24.0
    max_performance_risk: Annotated[int, Field(ge=0, le=4)] = 4
    min_monthly_savings: NonNegative = 0.0
    include_upsizes: bool = False
    single_profile: bool = False


class FleetMemberSpec(DomainModel):
    """A container/pod with its requests (derived from usage when not given)."""

    member_id: Identifier
    cpu_request: NonNegative = 0.0
    memory_request_gib: NonNegative = 0.0
    cpu_usage: npt.NDArray[np.float32] | None = None
    memory_usage_gib: npt.NDArray[np.float32] | None = None
    replicas: Annotated[int, Field(ge=1, le=100_000)] = 1


class FleetSpec(DomainModel):
    """Fleet packing request; ``node_indices`` are the catalogue rows allowed as nodes."""

    members: list[FleetMemberSpec] = Field(min_length=1)
    node_indices: list[int] = Field(min_length=1)
    region: Identifier
    provider: str = ""
    node_overhead: Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)] = 0.0
    node_overhead_vcpus: NonNegative = 0.0
    node_overhead_memory_gib: NonNegative = 0.0
    current_nodes: dict[int, int] = Field(default_factory=dict)


class RightSizeRequest(DomainModel):
    """A validated right-sizing request (catalogue resolved, series columnar)."""

    currency_code: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    catalog: list[InstanceTypeSpec] = Field(min_length=1)
    catalog_is_default: bool = False
    resources: list[ResourceSpec] = Field(default_factory=list)
    utilization: list[UtilizationBlock] = Field(default_factory=list)
    policy: RightSizingPolicy = Field(default_factory=RightSizingPolicy)
    existing_commitments: list[ExistingCommitment] = Field(default_factory=list)
    usage_classes: list[UsageClass] = Field(default_factory=list)
    other_usage: dict[str, float] = Field(default_factory=dict)
    fleet: FleetSpec | None = None


# --- outcome ---------------------------------------------------------------------------
# Plain frozen dataclasses (not pydantic): a 10,000-resource answer builds ~50,000 of
# them, and they are produced by the planner, never parsed from input.


@dataclass(frozen=True, slots=True)
class SizingOptionResult:
    """One ranked option of a resource (amounts per month in the request currency)."""

    rank: int
    instance_type: str
    region: str
    monthly_cost: float
    monthly_savings: float
    on_demand_monthly_cost: float
    savings_percent: float
    performance_risk: int
    risk_by_metric: dict[str, int]
    projected_cpu_percent: float
    projected_memory_percent: float
    projected_gpu_percent: float
    projected_gpu_memory_percent: float
    vcpus: float
    memory_gib: float
    gpu_count: float
    platform_differences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MetricSummaryResult:
    """Summary of one dimension's history."""

    dimension: str
    samples: int
    mean: float
    at_policy_percentile: float
    p95: float
    p99_5: float
    max: float


@dataclass(frozen=True, slots=True)
class ResourceRecommendationResult:
    """Finding, reasons and options of one resource."""

    resource_id: str
    current_type: str
    region: str
    finding: str  # idle | over_provisioned | under_provisioned | optimized | insufficient_data
    reasons: tuple[str, ...]
    current_monthly_cost: float
    current_on_demand_monthly_cost: float
    options: tuple[SizingOptionResult, ...]
    required_vcpus: float
    required_memory_gib: float
    required_gpus: float
    required_gpu_memory_gib: float
    required_network_mbps: float
    current_performance_risk: int
    utilization: tuple[MetricSummaryResult, ...]


@dataclass(frozen=True, slots=True)
class FleetNodeResult:
    """One node of the packed fleet."""

    node_type: str
    index: int
    placements: tuple[tuple[str, int], ...]
    cpu_requested: float
    memory_requested_gib: float
    cpu_allocatable: float
    memory_allocatable_gib: float


@dataclass(frozen=True)
class FleetPlanResult:
    """Packed fleet: nodes per type, the nodes, costs and the solve."""

    node_counts: dict[str, int]
    nodes: tuple[FleetNodeResult, ...]
    monthly_cost: float
    current_monthly_cost: float
    solver: SolverSummary
    member_cpu_requests: dict[str, float]
    member_memory_requests_gib: dict[str, float]


@dataclass(frozen=True)
class RightSizeOutcome:
    """Everything a RightSize call answers."""

    currency_code: str
    plans: list[SavingsPlan]
    recommendations: list[ResourceRecommendationResult]
    fleet_plan: FleetPlanResult | None
    warnings: list[str]
