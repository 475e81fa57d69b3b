"""Deadlines, cancellation, crash isolation, bounded admission and size limits over real gRPC.

One in-process server (1 solver worker + 1 warm spare, queue of 2) on a loopback
port; the tests look at its pool while calls are in flight.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import recommender_service_pb2_grpc as service_grpc
from recommender.api.v1 import routing_pb2
from tests.reliability.harness import ServerThread, large_request, server_thread, small_request
from tests.reliability.test_pool import alive


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with server_thread(
        workers=1,
        spare_workers=1,
        max_queued_solves=2,
        response_cache_mb=0,
        limits={"usage_points": 100_000, "workloads": 5},
    ) as running:
        yield running


@pytest.fixture()
def stub(server: ServerThread) -> Iterator[service_grpc.RecommenderStub]:
    server.wait_for(lambda s: s.idle == 1 and s.spares_ready == 1 and s.queued == 0)
    with grpc.insecure_channel(server.address) as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        yield service_grpc.RecommenderStub(channel)


def _health_latency(address: str) -> float:
    with grpc.insecure_channel(address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        health.Check(health_pb2.HealthCheckRequest(), timeout=5)  # connect
        started = time.perf_counter()
        reply = health.Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        return time.perf_counter() - started


def _error_info(error: grpc.Call) -> error_details_pb2.ErrorInfo:
    status = rpc_status.from_call(error)
    assert status is not None, "errors must carry google.rpc.Status details"
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Is(info.DESCRIPTOR):
            detail.Unpack(info)
            return info
    raise AssertionError("no ErrorInfo")


def test_100ms_deadline_on_a_large_problem_answers_in_time_and_frees_the_worker(
    server: ServerThread, stub: service_grpc.RecommenderStub
) -> None:
    before = server.stats()
    started = time.perf_counter()
    with pytest.raises(grpc.RpcError) as info:
        stub.PlanCommitments(large_request(), timeout=0.1)
    elapsed = time.perf_counter() - started
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert elapsed < 0.3, f"DEADLINE_EXCEEDED after {elapsed:.3f} s"
    after = server.wait_for(lambda s: s.busy == 0 and s.idle == 1, timeout=0.3)
    stopped = after.killed_deadline - before.killed_deadline
    assert stopped == 1, "the solve must have started and been stopped"
    assert stub.PlanCommitments(small_request(), timeout=30).plans  # the pool serves on


def test_cancelled_call_stops_its_solve(server: ServerThread, stub: service_grpc.RecommenderStub) -> None:
    before = server.stats()
    call = stub.PlanCommitments.future(large_request(seed=1), timeout=60)
    pid = server.wait_for(lambda s: bool(s.busy_pids)).busy_pids[0]
    call.cancel()
    server.wait_for(lambda s: s.killed_cancelled == before.killed_cancelled + 1, timeout=2)
    deadline = time.monotonic() + 5
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not alive(pid), "the cancelled solve's process must be gone"


def test_killed_solver_fails_only_its_call_and_the_pool_recovers(
    server: ServerThread, stub: service_grpc.RecommenderStub
) -> None:
    call = stub.PlanCommitments.future(large_request(seed=2), timeout=60)
    pid = server.wait_for(lambda s: bool(s.busy_pids)).busy_pids[0]
    os.kill(pid, signal.SIGKILL)
    error = call.exception(timeout=10)
    assert isinstance(error, grpc.Call)
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    info = _error_info(error)
    assert info.reason == "SOLVER_CRASHED" and "SIGKILL" in info.metadata["exit"]
    assert f"solver process {pid}" in (error.details() or "")
    assert _health_latency(server.address) < 0.05
    assert stub.PlanCommitments(small_request(seed=3), timeout=30).plans
    server.wait_for(lambda s: s.idle == 1 and s.spares_ready == 1, timeout=30)


def test_excess_solves_are_rejected_at_once_naming_the_limit_and_health_stays_fast(
    server: ServerThread, stub: service_grpc.RecommenderStub
) -> None:
    calls = [stub.PlanCommitments.future(large_request(seed=10 + i), timeout=60) for i in range(3)]
    try:
        server.wait_for(lambda s: s.busy == 1 and s.queued == 2)
        started = time.perf_counter()
        with pytest.raises(grpc.RpcError) as info:
            stub.PlanCommitments(large_request(seed=20), timeout=60)
        assert time.perf_counter() - started < 0.2
        assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert _error_info(info.value).metadata["limit"] == "max_queued_solves"
        assert "max_queued_solves" in (info.value.details() or "")
        assert max(_health_latency(server.address) for _ in range(5)) < 0.05
    finally:
        for call in calls:
            call.cancel()


def test_too_large_request_is_resource_exhausted_naming_the_limit(
    stub: service_grpc.RecommenderStub,
) -> None:
    with pytest.raises(grpc.RpcError) as info:
        stub.PlanCommitments(large_request(classes=11, hours=10_000), timeout=30)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    error = info.value
    assert isinstance(error, grpc.Call)
    status = rpc_status.from_call(error)
    assert status is not None
    quota = error_details_pb2.QuotaFailure()
    assert any(d.Unpack(quota) for d in status.details if d.Is(quota.DESCRIPTOR))
    assert quota.violations[0].subject == "usage_points"
    assert _error_info(error).metadata["limit"] == "usage_points"
    assert _error_info(error).metadata["measured"] == "110000"
    assert "FINOPS_RECOMMENDER_LIMIT_USAGE_POINTS" in (error.details() or "")


def test_limits_apply_to_every_rpc_before_its_handler(stub: service_grpc.RecommenderStub) -> None:
    request = routing_pb2.RouteWorkloadsRequest(
        workloads=[routing_pb2.Workload(workload_id=f"w{i}") for i in range(6)],
        compute_offers=[routing_pb2.ComputeOffer()],
    )
    with pytest.raises(grpc.RpcError) as info:
        stub.RouteWorkloads(request, timeout=10)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert _error_info(info.value).metadata["limit"] == "workloads"  # type: ignore[arg-type]
    del request.workloads[1:]
    with pytest.raises(grpc.RpcError) as small:
        stub.RouteWorkloads(request, timeout=10)
    assert small.value.code() in {grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.INVALID_ARGUMENT}
    assert pb.UsageClass  # the common types stay importable for lever helpers


def test_absurd_magnitudes_are_invalid_argument_naming_the_field(stub: service_grpc.RecommenderStub) -> None:
    # found by bench/fuzz_requests.py: 1.23e287 passed validation and overflowed money arithmetic (INTERNAL)
    request = small_request()
    request.usage.series[0].quantity[5] = 1.2329109638492445e287
    request.usage_classes[1].normalization_factor = -1e300
    with pytest.raises(grpc.RpcError) as info:
        stub.PlanCommitments(request, timeout=30)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(info.value)  # type: ignore[arg-type]
    assert status is not None
    bad = error_details_pb2.BadRequest()
    assert any(d.Unpack(bad) for d in status.details if d.Is(bad.DESCRIPTOR))
    fields = {v.field for v in bad.field_violations}
    assert fields == {"usage.series[0].quantity[5]", "usage_classes[1].normalization_factor"}


def test_amounts_beyond_the_money_range_are_a_named_limit(stub: service_grpc.RecommenderStub) -> None:
    # found by bench/fuzz_requests.py: an on-demand rate of 1e15 (then inside the number bound) made monthly
    # amounts beyond what Decimal at nano precision and google.type.Money can carry (INTERNAL before)
    request = small_request()
    request.usage_classes[0].on_demand_rate = 1e11  # inside the number bound, x 1e6 units x 730 h
    request.offerings[0].spend_commitment.rates[0].rate = 7e10
    request.usage.series[0].quantity[:] = [1e6] * len(request.usage.series[0].quantity)
    with pytest.raises(grpc.RpcError) as info:
        stub.PlanCommitments(request, timeout=60)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert _error_info(info.value).metadata["limit"] == "money_range"  # type: ignore[arg-type]


def test_a_vanishing_instance_capacity_is_invalid_argument(stub: service_grpc.RecommenderStub) -> None:
    # found by bench/fuzz_requests.py after the routing merge: vcpus = 1e-300 overflowed an instance count
    from tests.reliability.fuzzlib import SEEDS

    request = SEEDS["RouteWorkloads"]()[0]
    request.compute_offers[0].instance.vcpus = 1e-300  # type: ignore[attr-defined]
    with pytest.raises(grpc.RpcError) as info:
        stub.RouteWorkloads(request, timeout=60)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "compute_offers[0].instance.vcpus" in (info.value.details() or "")
