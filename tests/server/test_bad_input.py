"""Bad input gets INVALID_ARGUMENT with field violations; the server keeps serving."""

from __future__ import annotations

import grpc
import numpy as np
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from clients.client import RecommenderCallError, RecommenderClient
from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import recommend_pb2, routing_pb2
from tests.requests import commitment_request, reserved_offering, spend_offering


def _violations(client: RecommenderClient, request: cpb.PlanCommitmentsRequest) -> dict[str, str]:
    with pytest.raises(RecommenderCallError) as info:
        client.plan_commitments(request)
    assert info.value.code == grpc.StatusCode.INVALID_ARGUMENT, info.value
    assert info.value.reason == "INVALID_REQUEST"
    assert info.value.field_violations, "INVALID_ARGUMENT must carry BadRequest field violations"
    return dict(info.value.field_violations)


def _ok(usage: dict[str, list[float]] | None = None) -> cpb.PlanCommitmentsRequest:
    usage = usage or {"a": [1.0, 2.0, 3.0], "b": [0.0, 1.0, 1.0]}
    return commitment_request(
        usage, dict.fromkeys(usage, 1.0), [spend_offering("sp", dict.fromkeys(usage, 0.7))]
    )


def test_negative_usage(client: RecommenderClient) -> None:
    v = _violations(client, _ok({"a": [1.0, -2.0, 3.0]}))
    assert "usage.series[0].quantity[1]" in v and "non-negative" in v["usage.series[0].quantity[1]"]


def test_nan_and_inf_usage(client: RecommenderClient) -> None:
    v = _violations(client, _ok({"a": [1.0, float("nan"), float("inf")]}))
    assert {"usage.series[0].quantity[1]", "usage.series[0].quantity[2]"} <= set(v)


def test_mismatched_series_lengths(client: RecommenderClient) -> None:
    v = _violations(client, _ok({"a": [1.0, 2.0, 3.0], "b": [1.0, 2.0]}))
    assert "usage.series[1].quantity" in v and "expected 3" in v["usage.series[1].quantity"]


def test_offering_for_unknown_usage_class(client: RecommenderClient) -> None:
    request = _ok()
    request.offerings.append(reserved_offering("ri", ["ghost"], hourly=0.5))
    v = _violations(client, request)
    assert "offerings[1].reserved_instance.covered_class_ids[0]" in v
    assert "ghost" in v["offerings[1].reserved_instance.covered_class_ids[0]"]


def test_series_for_unknown_class_and_bad_rate(client: RecommenderClient) -> None:
    request = _ok()
    request.usage.series.append(pb.UsageSeries(class_id="nobody", quantity=[1, 1, 1]))
    request.usage_classes[0].on_demand_rate = -1
    v = _violations(client, request)
    assert "usage.series[2].class_id" in v
    assert "usage_classes[0].on_demand_rate" in v


def test_empty_catalogue(client: RecommenderClient) -> None:
    request = _ok()
    del request.offerings[:]
    v = _violations(client, request)
    assert "offerings" in v


def test_empty_request(client: RecommenderClient) -> None:
    v = _violations(client, cpb.PlanCommitmentsRequest())
    assert "usage_classes" in v and "usage.series" in v


def test_unspecified_enums_and_missing_instrument(client: RecommenderClient) -> None:
    request = _ok()
    request.offerings.append(pb.CommitmentOffering(offering_id="x"))
    v = _violations(client, request)
    assert {"offerings[1].term", "offerings[1].payment_option", "offerings[1]"} <= set(v)


def test_discount_rate_not_below_on_demand(client: RecommenderClient) -> None:
    request = _ok()
    request.offerings[0].spend_commitment.rates[0].rate = 1.5
    v = _violations(client, request)
    assert "offerings[0].spend_commitment.rates[0].rate" in v


def test_empty_recommend_request_is_invalid(client: RecommenderClient) -> None:
    """Recommend is implemented: an empty request is bad input, not UNIMPLEMENTED."""
    with pytest.raises(RecommenderCallError) as info:
        client.recommend(recommend_pb2.RecommendRequest())
    assert info.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert {"commitments", "focus_csv"} <= set(dict(info.value.field_violations))


def test_empty_route_workloads_request_is_invalid(client: RecommenderClient) -> None:
    """RouteWorkloads is implemented: an empty request is bad input, not UNIMPLEMENTED."""
    with pytest.raises(RecommenderCallError) as info:
        client.route_workloads(routing_pb2.RouteWorkloadsRequest())
    assert info.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "workloads" in dict(info.value.field_violations)


def test_tiny_deadline_on_large_problem_is_deadline_exceeded(
    client: RecommenderClient, channel: grpc.Channel
) -> None:
    rng = np.random.default_rng(0)
    usage = {f"c{i}": rng.random(2000).round(4) for i in range(12)}
    request = commitment_request(
        usage,
        dict.fromkeys(usage, 1.0),
        [spend_offering("sp", dict.fromkeys(usage, 0.7))]
        + [reserved_offering(f"ri{i}", [c], hourly=0.6) for i, c in enumerate(usage)],
    )
    with pytest.raises(RecommenderCallError) as info:
        client.plan_commitments(request, timeout=0.3)
    assert info.value.code == grpc.StatusCode.DEADLINE_EXCEEDED


def test_server_keeps_serving_after_bad_requests(client: RecommenderClient, channel: grpc.Channel) -> None:
    for bad in (cpb.PlanCommitmentsRequest(), _ok({"a": [float("nan")]})):
        with pytest.raises(RecommenderCallError):
            client.plan_commitments(bad)
    health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    assert client.plan_commitments(_ok()).plans
