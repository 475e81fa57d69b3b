"""Small Recommend requests whose figures can be worked out by hand.

The worked example of docs/recommend.md: ten m5.2xlarge VMs run all month in
aws/us-east-1; four are over-provisioned (CPU 10 %, memory 15 %) and fit an m5.large.
One offering: a size-flexible m5 reserved instance, one unit = 16 normalised units
(one m5.2xlarge; an m5.large uses 4), 0.242 USD/hour, 1 year, no upfront.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import consolidation_pb2 as vpb
from recommender.api.v1 import recommend_pb2 as apb
from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.api.v1 import routing_pb2 as wpb

HOURS = 720
BIG, SMALL = "m5.2xlarge", "m5.large"
RATE = {BIG: 0.384, SMALL: 0.096}
NF = {BIG: 16.0, SMALL: 4.0}
RI_HOURLY = 0.242
BIG_ID, SMALL_ID = f"aws:us-east-1:{BIG}", f"aws:us-east-1:{SMALL}"


def catalog() -> list[rpb.InstanceType]:
    return [
        rpb.InstanceType(
            name=BIG, provider="aws", region="us-east-1", vcpus=8, memory_gib=32, hourly_price=RATE[BIG]
        ),
        rpb.InstanceType(
            name=SMALL, provider="aws", region="us-east-1", vcpus=2, memory_gib=8, hourly_price=RATE[SMALL]
        ),
    ]


def usage_classes() -> list[pb.UsageClass]:
    return [
        pb.UsageClass(
            class_id=f"aws:us-east-1:{t}",
            provider="aws",
            region="us-east-1",
            instance_type=t,
            family="m5",
            on_demand_rate=RATE[t],
            normalization_factor=NF[t],
            category=pb.TECHNOLOGY_CATEGORY_PUBLIC_CLOUD,
        )
        for t in (BIG, SMALL)
    ]


def ri_offering(hourly: float = RI_HOURLY) -> pb.CommitmentOffering:
    return pb.CommitmentOffering(
        offering_id="m5-ri-1yr",
        display_name="m5 us-east-1 1yr no-upfront RI (size-flexible)",
        provider="aws",
        term=pb.COMMITMENT_TERM_ONE_YEAR,
        payment_option=pb.PAYMENT_OPTION_NO_UPFRONT,
        reserved_instance=pb.ReservedInstanceTerms(
            covered_class_ids=[BIG_ID, SMALL_ID], normalized_units_per_unit=16.0, hourly_per_unit=hourly
        ),
    )


def vm_series(busy: bool, seed: int) -> tuple[list[float], list[float]]:
    rng = np.random.default_rng(seed)
    if busy:
        cpu = np.clip(60 + 10 * rng.standard_normal(HOURS), 30, 95)
        mem = np.clip(55 + 5 * rng.standard_normal(HOURS), 40, 80)
    else:
        cpu = np.clip(8 + 1.5 * rng.standard_normal(HOURS), 5, 11)
        mem = np.clip(14 + 1.0 * rng.standard_normal(HOURS), 10, 17)
    return cpu.round(2).tolist(), mem.round(2).tolist()


def right_sizing(n_busy: int = 6, n_idle: int = 4, **policy: object) -> rpb.RightSizeRequest:
    req = rpb.RightSizeRequest(currency_code="USD", catalog=catalog(), policy=rpb.RightSizingPolicy(**policy))  # type: ignore[arg-type]
    for i in range(n_busy + n_idle):
        cpu, mem = vm_series(i < n_busy, i)
        r = req.resources.add(resource_id=f"vm-{i:02d}", current_type=BIG, provider="aws", region="us-east-1")
        r.sample_interval.seconds = 3600
        r.metrics.add(metric=rpb.METRIC_CPU_PERCENT, values=cpu)
        r.metrics.add(metric=rpb.METRIC_MEMORY_PERCENT, values=mem)
    return req


def commitments(
    big: Sequence[float] | float = 10.0,
    offerings: Sequence[pb.CommitmentOffering] | None = None,
    held: Sequence[pb.ExistingCommitment] = (),
) -> cpb.PlanCommitmentsRequest:
    series = np.full(HOURS, big) if np.isscalar(big) else np.asarray(big, dtype=float)
    return cpb.PlanCommitmentsRequest(
        currency_code="USD",
        usage_classes=usage_classes(),
        usage=pb.UsageProfile(
            series=[
                pb.UsageSeries(class_id=BIG_ID, quantity=series.tolist()),
                pb.UsageSeries(class_id=SMALL_ID, quantity=[0.0] * HOURS),
            ]
        ),
        offerings=list(offerings) if offerings is not None else [ri_offering()],
        existing_commitments=list(held),
        policy=cpb.CommitmentPolicy(horizon_months=12),
    )


def worked_example(**overlay: object) -> apb.RecommendRequest:
    """The docs' worked example (optionally with an overlay)."""
    return apb.RecommendRequest(
        commitments=commitments(),
        right_sizing=right_sizing(),
        overlay=apb.ReportingOverlay(**overlay),  # type: ignore[arg-type]
    )


def consolidation() -> vpb.ConsolidateVendorsRequest:
    """200 chat seats on Slack (8.75 USD/seat) vs Teams (4 USD/seat, 5 USD/seat to migrate)."""

    def vendor(vid: str, price: float) -> vpb.VendorOffer:
        return vpb.VendorOffer(
            vendor_id=vid,
            category=pb.TECHNOLOGY_CATEGORY_SAAS,
            lines=[
                vpb.PriceLine(
                    line_id="std",
                    capabilities=["chat"],
                    tiers=[vpb.PriceTier(min_quantity=0, unit_price=price)],
                    whole_units=True,
                    unit="seat",
                )
            ],
        )

    return vpb.ConsolidateVendorsRequest(
        currency_code="USD",
        demands=[
            vpb.Demand(
                demand_id="chat",
                category=pb.TECHNOLOGY_CATEGORY_SAAS,
                capability="chat",
                quantity=200,
                unit="seats",
                current_vendor_id="slack",
                migration_cost_per_unit=5.0,
            )
        ],
        vendors=[vendor("slack", 8.75), vendor("teams", 4.0)],
    )


def routing() -> wpb.RouteWorkloadsRequest:
    """A 16-vCPU service costing 2 USD/hour today (fits 2 x m5.2xlarge, 0.768 USD/hour) and an
    LLM chatbot costing 3 USD/hour today that a per-token API serves for 1.008 USD/hour."""

    return wpb.RouteWorkloadsRequest(
        currency_code="USD",
        workloads=[
            wpb.Workload(
                workload_id="api-service",
                cpu_service=wpb.CpuServiceDemand(vcpus=16, memory_gib=64),
                current_hourly_cost=2.0,
            ),
            wpb.Workload(
                workload_id="chatbot",
                llm_inference=wpb.LlmInferenceDemand(
                    model="llama-3.1-8b",
                    requests_per_second=2,
                    input_tokens_per_request=500,
                    output_tokens_per_request=200,
                ),
                current_hourly_cost=3.0,
            ),
        ],
        compute_offers=[
            wpb.ComputeOffer(
                offer_id="m5-2xl",
                instance=rpb.InstanceType(
                    name=BIG,
                    provider="aws",
                    region="us-east-1",
                    vcpus=8,
                    memory_gib=32,
                    hourly_price=RATE[BIG],
                ),
                country="US",
            )
        ],
        api_offers=[
            wpb.ModelApiOffer(
                offer_id="llama-api",
                provider="together",
                model="llama-3.1-8b",
                input_cost_per_token=0.2e-6,
                output_cost_per_token=0.2e-6,
                processing_location=wpb.ResidencyRule(allowed_countries=["US"]),
            )
        ],
        policy=wpb.RoutingPolicy(optimal_only=True),
    )


def all_levers(**overlay: object) -> apb.RecommendRequest:
    """The worked example plus vendor consolidation and workload routing."""
    request = worked_example(**overlay)
    request.consolidation.CopyFrom(consolidation())
    request.routing.CopyFrom(routing())
    return request
