"""Requests with no placement are refused with the rule that makes them infeasible."""

from __future__ import annotations

import pytest

from recommender.domain.routing import (
    BatchJobDemand,
    ComputeOffer,
    CpuServiceDemand,
    LlmInferenceDemand,
    ModelApiOffer,
    OfferInstance,
    RequestSlice,
    ResidencyRule,
    RoutingRequest,
    ThroughputProfile,
    Workload,
)
from recommender.errors import InfeasibleError
from recommender.planning.routing_plans import route_workloads

OFFERS = [
    ComputeOffer(
        offer_id="us-l4",
        instance=OfferInstance(
            name="g6.xlarge", provider="aws", region="us-east-1", vcpus=4, memory_gib=16, gpu_count=1,
            gpu_model="L4", gpu_memory_gib=24, hourly_price=0.8,
        ),
    ),
    ComputeOffer(
        offer_id="in-cpu",
        instance=OfferInstance(name="m5.xlarge", provider="aws", region="ap-south-1", vcpus=4, memory_gib=16,
                               hourly_price=0.2),
    ),
]  # fmt: skip
API = ModelApiOffer(
    offer_id="api", provider="p", model="llama-3.1-8b", input_cost_per_token=1e-7, max_input_tokens=8000
)


def _refusal(*workloads: Workload, **extra: object) -> InfeasibleError:
    request = RoutingRequest(workloads=list(workloads), compute_offers=OFFERS, api_offers=[API], **extra)
    with pytest.raises(InfeasibleError) as info:
        route_workloads(request)
    return info.value


def test_india_only_gpu_work_without_indian_gpus() -> None:
    job = Workload(
        workload_id="train",
        batch_job=BatchJobDemand(gpu_hours=10, deadline_hours=5),
        residency=ResidencyRule(allowed_countries=["IN"]),
    )
    error = _refusal(job)
    assert error.binding == ["residency[train]"]
    assert "countries IN" in error.message and "in: US" in error.message


def test_capability() -> None:
    error = _refusal(
        Workload(
            workload_id="big", batch_job=BatchJobDemand(gpu_hours=10, deadline_hours=5, gpu_memory_gib=80)
        )
    )
    assert error.binding == ["capability[big]"] and "80 GiB" in error.message


def test_slo_alone_and_with_residency() -> None:
    demand = LlmInferenceDemand(
        model="llama-3.1-70b", requests_per_second=1, input_tokens_per_request=100,
        output_tokens_per_request=50, max_time_per_output_token_ms=5,
    )  # fmt: skip
    error = _refusal(Workload(workload_id="fast", llm_inference=demand))
    assert error.binding == ["slo[fast]"] and "5 ms" in error.message
    substitute = demand.model_copy(update={"substitute_models": ["llama-3.1-8b"]})
    error = _refusal(
        Workload(
            workload_id="fast-in", llm_inference=substitute, residency=ResidencyRule(allowed_countries=["IN"])
        )
    )
    assert error.binding == ["residency[fast-in]", "slo[fast-in]"]


def test_must_and_never_lists() -> None:
    service = CpuServiceDemand(vcpus=2)
    error = _refusal(Workload(workload_id="m", cpu_service=service, must_run_on=["gcp"]))
    assert error.binding == ["must_run_on[m]"]
    error = _refusal(Workload(workload_id="n", cpu_service=service, never_run_on=["aws"]))
    assert error.binding == ["never_run_on[n]"]


def test_a_slice_too_long_for_every_option() -> None:
    """The API takes prompts up to 8,000 tokens and the GPU profile covers short requests only."""
    demand = LlmInferenceDemand(
        model="llama-3.1-8b",
        requests_per_second=1,
        request_slices=[
            RequestSlice(share=0.9, input_tokens=500, output_tokens=100),
            RequestSlice(share=0.1, input_tokens=20000, output_tokens=100),
        ],
    )
    profile = ThroughputProfile(
        model="llama-3.1-8b", accelerator="L4", requests_per_second=3, input_tokens=500, output_tokens=100
    )
    request = RoutingRequest(
        workloads=[Workload(workload_id="rag", llm_inference=demand, must_run_on=["us-l4", "api"])],
        compute_offers=OFFERS,
        api_offers=[API],
        throughput_profiles=[profile],
        accelerator_specs=[],
    )
    # The profile covers the short slice; the default estimate covers the long one on the L4.
    items = route_workloads(request).placements[0].items
    assert [i.throughput_source for i in items if not i.api] == ["profile+estimate"]
    with_spec = request.model_copy(update={"api_offers": [API.model_copy(update={"max_input_tokens": 1000})]})
    tiny = with_spec.model_copy(
        update={
            "workloads": [
                Workload(
                    workload_id="rag",
                    llm_inference=demand.model_copy(
                        update={"model": "unknown-model", "substitute_models": ["llama-3.1-8b"]}
                    ),
                )
            ],
            "throughput_profiles": [profile.model_copy(update={"model": "unknown-model"})],
        }
    )
    with pytest.raises(InfeasibleError) as info:
        route_workloads(tiny)
    assert info.value.binding == ["slice[rag]"] and "slice(s) 1" in info.value.message
