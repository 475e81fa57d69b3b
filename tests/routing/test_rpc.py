"""RouteWorkloads over real gRPC on loopback: answers, oracles on small cases, errors."""

from __future__ import annotations

import math
from decimal import Decimal

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from clients.client import RecommenderCallError, RecommenderClient
from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import recommender_service_pb2_grpc as service_grpc
from recommender.api.v1 import routing_pb2 as wpb
from recommender.routing_defaults import default_compute_offers
from tests.routing.requests import api, cpu_workload, llm_workload, money_value, offer


def _decimal(m: object) -> Decimal:
    return Decimal(getattr(m, "units", 0)) + Decimal(getattr(m, "nanos", 0)) / Decimal(1_000_000_000)


def _binding_rules(channel: grpc.Channel, request: wpb.RouteWorkloadsRequest) -> tuple[str, list[str]]:
    """FAILED_PRECONDITION message and its PreconditionFailure subjects (the binding rules)."""
    stub = service_grpc.RecommenderStub(channel)
    with pytest.raises(grpc.RpcError) as info:
        stub.RouteWorkloads(request, timeout=60)
    error = info.value
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, error.details()
    status = rpc_status.from_call(error)
    assert status is not None
    subjects = []
    for detail in status.details:
        failure = error_details_pb2.PreconditionFailure()
        if detail.Is(failure.DESCRIPTOR):
            detail.Unpack(failure)
            subjects += [v.subject for v in failure.violations]
    return error.details(), subjects


def test_default_catalogue_answers_a_mixed_request(client: RecommenderClient) -> None:
    request = wpb.RouteWorkloadsRequest(
        workloads=[
            llm_workload("chat", "llama-3.1-8b", 5, 500, 200, tpot_ms=80),
            cpu_workload("svc-in", 22, 64, residency=wpb.ResidencyRule(allowed_countries=["IN"])),
            wpb.Workload(
                workload_id="train",
                batch_job=wpb.BatchJobDemand(gpu_hours=400, deadline_hours=48, gpu_memory_gib=40),
                interruptible=True,
            ),
        ]
    )
    first = client.route_workloads(request)
    assert [p.workload_id for p in first.placements] == ["chat", "svc-in", "train"]
    india = first.placements[1]
    assert india.items and all(i.country == "IN" for i in india.items)
    catalogue = default_compute_offers().set_index(["provider", "region", "name"])
    shapes = [catalogue.loc[(i.provider, i.region, i.instance_type)] for i in india.items]
    assert sum(i.count * float(c["vcpus"]) for i, c in zip(india.items, shapes, strict=True)) >= 22
    assert sum(i.count * float(c["memory_gib"]) for i, c in zip(india.items, shapes, strict=True)) >= 64
    assert any("default catalogue" in w for w in first.warnings)
    plan = first.plans[0]
    assert plan.rank == 1 and plan.levers == [pb.LEVER_WORKLOAD_ROUTING]
    assert plan.solver.status == pb.SOLVE_STATUS_OPTIMAL
    # Action savings add up exactly to the plan's; every amount is USD Money.
    total = sum((_decimal(a.monthly_savings) for a in plan.actions), Decimal(0))
    assert total == _decimal(plan.monthly_savings)
    assert _decimal(plan.baseline_monthly_cost) - _decimal(plan.planned_monthly_cost) == _decimal(
        plan.monthly_savings
    )
    assert all(a.monthly_cost.currency_code == "USD" for a in plan.actions)
    hourly = sum(money_value(p.hourly_cost) for p in first.placements)
    assert money_value(first.total_hourly_cost) == pytest.approx(hourly, abs=1e-6)
    # Deterministic: the same request gives the same plans.
    second = client.route_workloads(request)
    assert [p.plan_id for p in second.plans] == [p.plan_id for p in first.plans]
    assert second.placements == first.placements


def test_india_only_without_indian_capacity_is_failed_precondition(channel: grpc.Channel) -> None:
    request = wpb.RouteWorkloadsRequest(
        workloads=[cpu_workload("ledger", 8, 32, residency=wpb.ResidencyRule(allowed_countries=["IN"]))],
        compute_offers=[
            offer("us", "aws", "us-east-1", "m5.2xlarge", 0.384, vcpus=8, memory=32),
            offer("eu", "gcp", "europe-west4", "n2-standard-8", 0.42, vcpus=8, memory=32),
        ],
        api_offers=[api("gpt", "gpt-4o-mini", 1.5e-7, 6e-7)],
    )
    message, rules = _binding_rules(channel, request)
    assert "residency" in message and "IN" in message
    assert rules == ["residency[ledger]"]


def test_shared_gpu_quota_too_small_names_the_quota(channel: grpc.Channel) -> None:
    """Two jobs need 3 A100 each by their deadlines; the only region allows 4."""
    job = wpb.BatchJobDemand(gpu_hours=300, deadline_hours=100, reference_accelerator="A100")
    request = wpb.RouteWorkloadsRequest(
        workloads=[wpb.Workload(workload_id=f"job{i}", batch_job=job) for i in range(2)],
        compute_offers=[
            offer("a100", "gcp", "asia-south1", "a2-highgpu-1g", 3.67, gpus=1, gpu="A100", gpu_memory=40)
        ],
        api_offers=[api("gpt", "gpt-4o-mini", 1.5e-7, 6e-7)],
        quotas=[wpb.Quota(provider="gcp", region="asia-south1", accelerator="A100", limit=4)],
    )
    message, rules = _binding_rules(channel, request)
    assert rules == ["quota[gcp/asia-south1/A100]"]
    assert "allows 4 but the workloads need at least 6" in message


def test_carbon_cap_moves_a_service_to_cleaner_capacity(client: RecommenderClient) -> None:
    """16 vCPUs need 4 x 4-vCPU instances; a cap forces some into the clean region.

    Oracle: enumerate k dirty + (4 - k) clean instances (0.14 vs 0.01 kg/h each) under the cap.
    """
    offers = [
        offer("dirty", "gcp", "asia-south1", "n2-standard-4", 0.19, carbon=700, power_kw=0.2, country="IN"),
        offer("clean", "gcp", "europe-north1", "n2-standard-4", 0.21, carbon=50, power_kw=0.2, country="FI"),
    ]
    base = wpb.RouteWorkloadsRequest(
        workloads=[cpu_workload("web", 16, 64)],
        compute_offers=offers,
        api_offers=[api("x", "gpt-4o", 1e-6, 1e-6)],
    )
    free = client.route_workloads(base).placements[0]
    assert [(i.offer_id, i.count) for i in free.items] == [("dirty", 4)]
    assert free.carbon_kg_per_hour == pytest.approx(4 * 0.2 * 700 / 1000)
    for cap in (0.5, 0.35, 0.05):
        capped = wpb.RouteWorkloadsRequest()
        capped.CopyFrom(base)
        capped.workloads[0].max_carbon_kg_per_hour = cap
        feasible = [
            (0.19 * k + 0.21 * (4 - k), k) for k in range(5) if 0.14 * k + 0.01 * (4 - k) <= cap + 1e-12
        ]
        best_cost, dirty = min(feasible)
        placement = client.route_workloads(capped).placements[0]
        counts = {i.offer_id: i.count for i in placement.items}
        assert counts.get("dirty", 0) == dirty and counts.get("clean", 0) == 4 - dirty
        assert money_value(placement.hourly_cost) == pytest.approx(best_cost)
        assert placement.carbon_kg_per_hour <= cap + 1e-9
        assert "carbon_cap[web]" in placement.binding_rules or dirty in (0, 4)
    # With a carbon price of 1000/t the clean region wins without a cap: 0.19 + 0.14 > 0.21 + 0.01.
    priced = wpb.RouteWorkloadsRequest()
    priced.CopyFrom(base)
    priced.policy.carbon_price_per_tonne = 1000
    assert [i.offer_id for i in client.route_workloads(priced).placements[0].items] == ["clean"]


def test_total_carbon_cap_couples_workloads(client: RecommenderClient) -> None:
    """Two 4-vCPU services; dirty capacity is cheaper. A total cap lets only some run dirty.

    Oracle: enumerate the region of each service (one 4-vCPU instance each).
    """
    offers = [
        offer("dirty", "gcp", "asia-south1", "n2-standard-4", 0.19, carbon=700, power_kw=0.2, country="IN"),
        offer("clean", "gcp", "europe-north1", "n2-standard-4", 0.21, carbon=50, power_kw=0.2, country="FI"),
    ]
    request = wpb.RouteWorkloadsRequest(
        workloads=[cpu_workload("a", 4, 16), cpu_workload("b", 4, 16, current_hourly_cost=0.5)],
        compute_offers=offers,
        api_offers=[api("x", "gpt-4o", 1e-6, 1e-6)],
        policy=wpb.RoutingPolicy(max_total_carbon_kg_per_hour=0.16, optimal_only=True),
    )
    kg = {"dirty": 0.14, "clean": 0.01}
    price = {"dirty": 0.19, "clean": 0.21}
    best = min((price[x] + price[y], x, y) for x in kg for y in kg if kg[x] + kg[y] <= 0.16 + 1e-12)
    response = client.route_workloads(request)
    chosen = [p.items[0].offer_id for p in response.placements]
    assert sum(price[c] for c in chosen) == pytest.approx(best[0]) and sorted(chosen) == sorted(best[1:])
    assert response.total_carbon_kg_per_hour <= 0.16 + 1e-9
    assert "total_carbon_cap" in [b.name for b in response.plans[0].solver.binding_constraints]
    # Savings: b's current cost 0.50/h is its baseline; a's is its best single option (0.19/h, dirty).
    b = response.placements[1]
    assert money_value(b.baseline_hourly_cost) == pytest.approx(0.5)
    assert money_value(response.placements[0].baseline_hourly_cost) == pytest.approx(0.19)


def test_feasible_quota_binds_and_is_reported(client: RecommenderClient) -> None:
    """Three 1-GPU jobs each need 2 L4 in parallel; a quota of 4 in the cheap region forces one out."""
    job = wpb.BatchJobDemand(gpu_hours=48, deadline_hours=24, reference_accelerator="L4")
    request = wpb.RouteWorkloadsRequest(
        workloads=[wpb.Workload(workload_id=f"job{i}", batch_job=job) for i in range(3)],
        compute_offers=[
            offer("cheap", "gcp", "us-central1", "g2-standard-4", 0.70, gpus=1, gpu="L4"),
            offer("dear", "gcp", "us-east4", "g2-standard-4", 0.80, gpus=1, gpu="L4"),
        ],
        api_offers=[api("x", "gpt-4o", 1e-6, 1e-6)],
        quotas=[wpb.Quota(provider="gcp", region="us-central1", accelerator="L4", limit=4)],
        policy=wpb.RoutingPolicy(optimal_only=True),
    )
    response = client.route_workloads(request)
    where = sorted(p.items[0].offer_id for p in response.placements)
    assert where == ["cheap", "cheap", "dear"]
    # cost per job = price x 48 instance-hours per month / 730
    total = sum(money_value(p.hourly_cost) for p in response.placements)
    assert total == pytest.approx((2 * 0.70 + 0.80) * 48 / 730, abs=1e-6)
    names = [b.name for b in response.plans[0].solver.binding_constraints]
    assert names == ["quota[gcp/us-central1/L4]"]
    assert all("quota[gcp/us-central1/L4]" in p.binding_rules for p in response.placements)


def test_spot_only_for_interruptible_workloads(client: RecommenderClient) -> None:
    offers = [offer("n2", "gcp", "us-central1", "n2-standard-8", 0.39, vcpus=8, memory=32, spot=0.09)]
    request = wpb.RouteWorkloadsRequest(
        workloads=[cpu_workload("steady", 8, 32), cpu_workload("batchy", 8, 32, interruptible=True)],
        compute_offers=offers,
        api_offers=[api("x", "gpt-4o", 1e-6, 1e-6)],
    )
    steady, batchy = client.route_workloads(request).placements
    assert [(i.spot, money_value(i.hourly_cost)) for i in steady.items] == [(False, pytest.approx(0.39))]
    assert [(i.spot, money_value(i.hourly_cost)) for i in batchy.items] == [(True, pytest.approx(0.09))]


def test_make_vs_buy_and_break_even_by_hand(client: RecommenderClient) -> None:
    """One slice of 1,000 in + 250 out tokens at 2 req/s; a profiled GPU serves 1.6 req/s for $1.20/h.

    API: 3600 * 2 * (1000 * 1e-6 + 250 * 2e-6) = $10.80/h. Self-hosted: ceil(2 / 1.6) = 2 instances, $2.40/h.
    Break-even: c = 10.80 / (2 * 1250 * 3600) per token; V* = 24 * 1.20 / c tokens/day.
    """
    request = wpb.RouteWorkloadsRequest(
        workloads=[llm_workload("rag", "llama-3.1-8b", 2.0, 1000, 250)],
        compute_offers=[
            offer("l4", "gcp", "us-central1", "g2-standard-8", 1.20, vcpus=8, memory=32, gpus=1, gpu="L4")
        ],
        api_offers=[api("api", "llama-3.1-8b", 1e-6, 2e-6)],
        throughput_profiles=[
            wpb.ThroughputProfile(model="llama-3.1-8b", accelerator="L4", requests_per_second=1.6)
        ],
    )
    response = client.route_workloads(request)
    placement = response.placements[0]
    assert [(i.offer_id, i.count, i.throughput_source) for i in placement.items] == [("l4", 2, "profile")]
    assert money_value(placement.hourly_cost) == pytest.approx(2.40)
    tokens_per_hour = 2.0 * 1250 * 3600
    assert money_value(placement.cost_per_million_tokens) == pytest.approx(
        2.40 / tokens_per_hour * 1e6, abs=1e-9
    )
    c = 10.80 / tokens_per_hour
    be = placement.break_even
    assert be.api_offer_id == "api" and be.self_hosting_offer_id == "l4"
    assert be.tokens_per_day == pytest.approx(24 * 1.20 / c)
    assert be.current_tokens_per_day == pytest.approx(tokens_per_hour * 24)
    assert money_value(be.api_cost_per_million_tokens) == pytest.approx(c * 1e6, abs=1e-9)
    capacity = 1.6 * 1250 * 86400  # tokens/day of one instance
    assert money_value(be.self_hosting_cost_per_million_tokens) == pytest.approx(
        24 * 1.20 / capacity * 1e6, abs=1e-8
    )
    ratio = (
        c * capacity / (24 * 1.20)
    )  # 3.6: one instance is cheaper from V* on, and so is every staircase step
    assert ratio > 2 and be.self_hosting_always_cheaper_above_tokens_per_day == pytest.approx(24 * 1.20 / c)
    assert be.self_hosting_cheaper_now
    # The API-only alternative is offered in the same xor group.
    titles = {p.title for p in response.plans}
    assert "Model APIs for all LLM inference" in titles and len({p.xor_group_id for p in response.plans}) == 1


def test_demand_in_output_tokens_per_second(client: RecommenderClient) -> None:
    """500 output tokens/s of 250-token answers is 2 requests/s: the same placement as above."""
    request = wpb.RouteWorkloadsRequest(
        workloads=[
            wpb.Workload(
                workload_id="rag",
                llm_inference=wpb.LlmInferenceDemand(
                    model="llama-3.1-8b",
                    output_tokens_per_second=500,
                    input_tokens_per_request=1000,
                    output_tokens_per_request=250,
                ),
            )
        ],
        compute_offers=[offer("l4", "gcp", "us-central1", "g2-standard-8", 1.20, gpus=1, gpu="L4")],
        api_offers=[api("api", "llama-3.1-8b", 1e-6, 2e-6)],
        throughput_profiles=[
            wpb.ThroughputProfile(model="llama-3.1-8b", accelerator="L4", requests_per_second=1.6)
        ],
    )
    placement = client.route_workloads(request).placements[0]
    assert [(i.offer_id, i.count) for i in placement.items] == [("l4", 2)]
    both = wpb.RouteWorkloadsRequest()
    both.CopyFrom(request)
    both.workloads[0].llm_inference.requests_per_second = 2
    with pytest.raises(RecommenderCallError) as info:
        client.route_workloads(both)
    assert "workloads[0].llm_inference.requests_per_second" in dict(info.value.field_violations)


def test_token_quota_splits_demand_between_api_and_gpus(client: RecommenderClient) -> None:
    """The API is cheaper but allows 60,000 tokens/min; the rest goes to whole GPU instances.

    1 slice, 10 req/s of 500 tokens (300 in, 200 out): 300,000 tokens/min. The API carries at most
    a share s = 0.2; the GPU serves 4 req/s per instance for $1/h: 8 req/s need 2 instances.
    Oracle: min over s in [0, 0.2] of 1 * ceil(10 (1 - s) / 4) + api(s) -> s = 0.2, 2 instances.
    """
    request = wpb.RouteWorkloadsRequest(
        workloads=[llm_workload("bot", "mistral-7b", 10.0, 300, 200)],
        compute_offers=[offer("gpu", "aws", "us-east-1", "g6.xlarge", 1.0, gpus=1, gpu="L4")],
        api_offers=[api("cheap", "mistral-7b", 1e-8, 1e-8, tpm=60_000)],
        throughput_profiles=[
            wpb.ThroughputProfile(model="mistral-7b", accelerator="L4", requests_per_second=4.0)
        ],
    )
    placement = client.route_workloads(request).placements[0]
    by_offer = {i.offer_id: i for i in placement.items}
    assert by_offer["gpu"].count == 2
    assert by_offer["cheap"].tokens_per_minute == pytest.approx(60_000)
    assert by_offer["cheap"].demand_share == pytest.approx(0.2)
    api_cost = 0.2 * 10 * 3600 * (300 * 1e-8 + 200 * 1e-8)
    assert money_value(placement.hourly_cost) == pytest.approx(2.0 + api_cost, abs=1e-6)
    assert "api_tpm[cheap]" in placement.binding_rules


def test_must_and_never_lists(client: RecommenderClient) -> None:
    offers = [
        offer("aws-a", "aws", "us-east-1", "m5.xlarge", 0.19),
        offer("gcp-b", "gcp", "us-central1", "n2-standard-4", 0.20),
        offer("az-c", "azure", "eastus", "D4s_v5", 0.21),
    ]
    request = wpb.RouteWorkloadsRequest(
        workloads=[
            cpu_workload("a", 4, 16, never_run_on=["aws"]),
            cpu_workload("b", 4, 16, must_run_on=["az-c"]),
            cpu_workload("c", 4, 16, must_run_on=["gcp/us-central1", "azure"]),
        ],
        compute_offers=offers,
        api_offers=[api("x", "gpt-4o", 1e-6, 1e-6)],
    )
    placements = client.route_workloads(request).placements
    assert [[i.offer_id for i in p.items] for p in placements] == [["gcp-b"], ["az-c"], ["gcp-b"]]


def test_bad_input_reports_every_violation(client: RecommenderClient) -> None:
    request = wpb.RouteWorkloadsRequest(
        currency_code="usd",
        workloads=[
            wpb.Workload(llm_inference=wpb.LlmInferenceDemand(model="m", requests_per_second=math.nan)),
            cpu_workload("w", -1, residency=wpb.ResidencyRule(allowed_countries=["India"])),
            wpb.Workload(workload_id="empty"),
        ],
        compute_offers=[
            offer("o", "aws", "us-east-1", "m5.large", 0.1),
            offer("o", "aws", "us-east-1", "x", -2),
        ],
        quotas=[wpb.Quota(provider="aws", limit=-1)],
        policy=wpb.RoutingPolicy(spot_capacity_overhead=2.0),
    )
    with pytest.raises(RecommenderCallError) as info:
        client.route_workloads(request)
    assert info.value.code == grpc.StatusCode.INVALID_ARGUMENT
    fields = dict(info.value.field_violations)
    expected = {
        "currency_code",
        "workloads[0].workload_id",
        "workloads[0].llm_inference.requests_per_second",
        "workloads[0].llm_inference.output_tokens_per_request",
        "workloads[1].cpu_service.vcpus",
        "workloads[1].residency.allowed_countries[0]",
        "workloads[2]",
        "compute_offers[1].offer_id",
        "compute_offers[1].instance.hourly_price",
        "quotas[0].limit",
        "policy.spot_capacity_overhead",
    }
    assert expected <= set(fields), set(fields)


def test_mélange_example_over_grpc(client: RecommenderClient) -> None:
    """melange/main.py inputs sent as a request: 5 x A10G, $5.05/h (see test_melange.py for the oracle)."""
    tputs = {"A10G": [[5, 1], [10, 5]], "A100": [[20, 2], [50, 20]]}
    sizes = (25.0, 100.0)
    distribution = [[0.25, 0.125], [0.375, 0.25]]
    demand = wpb.LlmInferenceDemand(model="llama-2-7b", requests_per_second=16)
    profiles = []
    for i, row in enumerate(distribution):
        for j, share in enumerate(row):
            demand.request_slices.append(
                wpb.RequestSlice(share=share, input_tokens=sizes[i], output_tokens=sizes[j])
            )
            for gpu, table in tputs.items():
                profiles.append(
                    wpb.ThroughputProfile(
                        model="llama-2-7b",
                        accelerator=gpu,
                        requests_per_second=table[i][j],
                        input_tokens=sizes[i],
                        output_tokens=sizes[j],
                    )
                )
    request = wpb.RouteWorkloadsRequest(
        workloads=[wpb.Workload(workload_id="melange", llm_inference=demand)],
        compute_offers=[
            offer("a10g", "aws", "us-west-2", "g5.xlarge", 1.01, gpus=1, gpu="A10G"),
            offer("a100", "azure", "eastus", "NC24ads_A100_v4", 3.67, gpus=1, gpu="A100"),
        ],
        api_offers=[api("x", "gpt-4o", 1e-6, 1e-6)],
        throughput_profiles=profiles,
        policy=wpb.RoutingPolicy(whole_slices=True, optimal_only=True),
    )
    placement = client.route_workloads(request).placements[0]
    assert [(i.offer_id, i.count) for i in placement.items] == [("a10g", 5)]
    assert money_value(placement.hourly_cost) == pytest.approx(5.05)
