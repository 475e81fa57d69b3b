"""Determinism: the same request gives the same plan ids and numbers, on any worker."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import recommender_service_pb2_grpc as service_grpc
from tests.reliability.harness import ServerThread, server_thread, small_request
from tests.requests import commitment_request, reserved_offering, spend_offering


def _normalised(response: cpb.PlanCommitmentsResponse) -> bytes:
    """The response without solve time and time limit (they follow the clock and the deadline)."""
    copy = cpb.PlanCommitmentsResponse()
    copy.CopyFrom(response)
    for plan in copy.plans:
        plan.solver.ClearField("solve_time")
        plan.solver.ClearField("time_limit")
    return copy.SerializeToString(deterministic=True)


def _tied_request() -> cpb.PlanCommitmentsRequest:
    """Three identical classes and interchangeable offerings: many optimal purchases tie."""
    usage = {c: [2.0, 3.0, 1.0, 2.0, 4.0, 2.0] for c in ("x", "y", "z")}
    return commitment_request(
        usage,
        dict.fromkeys(usage, 1.0),
        [spend_offering("sp1", dict.fromkeys(usage, 0.7)), spend_offering("sp2", dict.fromkeys(usage, 0.7))]
        + [reserved_offering(f"ri-{c}", list(usage), hourly=0.6) for c in usage],
    )


@pytest.fixture(scope="module")
def uncached() -> Iterator[ServerThread]:
    with server_thread(workers=2, spare_workers=0, response_cache_mb=0) as running:
        yield running


@pytest.mark.parametrize("request_factory", [small_request, _tied_request], ids=["small", "ties"])
def test_same_request_same_plan_ids_and_numbers_on_every_worker(
    uncached: ServerThread, request_factory: object
) -> None:
    request = request_factory()  # type: ignore[operator]
    with grpc.insecure_channel(uncached.address) as channel:
        stub = service_grpc.RecommenderStub(channel)
        with ThreadPoolExecutor(4) as pool:  # concurrent calls land on both worker processes
            responses = list(pool.map(lambda _: stub.PlanCommitments(request, timeout=60), range(6)))
    assert uncached.stats().completed >= 6
    first = _normalised(responses[0])
    assert all(_normalised(r) == first for r in responses[1:])
    assert [p.plan_id for p in responses[0].plans] == [p.plan_id for p in responses[-1].plans]
    assert all(p.plan_id for p in responses[0].plans)
