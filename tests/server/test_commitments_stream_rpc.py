"""PlanCommitmentsStream over real gRPC on loopback: large usage in blocks of hours.

* > 64 MiB of usage (1,000 classes x 8,760 hours of float64) in ~2 MiB blocks; one
  reserved offering on one class, so the answer has a closed form: the break-even
  rule (buy the k-th whole unit iff the k-th unit is used in at least r/p of hours);
* a small request gives the same plans streamed (blocks sent out of order) as unary;
* bad blocks are INVALID_ARGUMENT with field violations naming chunk and value.
"""

from __future__ import annotations

import numpy as np
import pytest

from clients.client import RecommenderCallError, RecommenderClient
from clients.usage_stream import usage_chunks
from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import commitments_stream_pb2 as spb
from recommender.api.v1 import common_pb2 as pb
from tests.requests import commitment_request, reserved_offering


def _header_request(classes: list[str], rates: dict[str, float], offerings: list[pb.CommitmentOffering]):
    return cpb.PlanCommitmentsRequest(
        currency_code="USD",
        usage_classes=[pb.UsageClass(class_id=c, on_demand_rate=rates[c]) for c in classes],
        offerings=offerings,
    )


def test_stream_of_more_than_64_mib_follows_break_even_rule(client: RecommenderClient) -> None:
    rng = np.random.default_rng(5)
    hours, classes = 8760, 1000
    usage = rng.poisson(3.0, size=(hours, classes)).astype(float)
    assert usage.nbytes > 64 * 1024 * 1024
    ids = [f"c{j}" for j in range(classes)]
    rates = {c: 1.0 for c in ids}
    p, r = 1.0, 0.62
    request = _header_request(ids, rates, [reserved_offering("ri", ["c7"], hourly=r)])
    response = client.plan_commitments_stream(request, usage, timeout=600)
    counts = usage[:, 7]
    k_star = max((k for k in range(1, int(counts.max()) + 1) if (counts >= k).mean() >= r / p), default=0)
    assert len(response.plans) == 1
    plan = response.plans[0]
    assert plan.actions[0].quantity == k_star
    assert plan.solver.status == pb.SOLVE_STATUS_OPTIMAL


def test_streamed_equals_unary(client: RecommenderClient) -> None:
    rng = np.random.default_rng(9)
    usage = {c: rng.poisson(lam, 200).astype(float) for c, lam in (("a", 4.0), ("b", 2.0))}
    request = commitment_request(
        usage, {"a": 0.4, "b": 0.3}, [reserved_offering("ri-a", ["a"], hourly=0.25)], joint_only=True
    )
    unary = client.plan_commitments(request)
    streamed = client.plan_commitments_stream(request, chunk_bytes=160)  # many small blocks
    assert [p.plan_id for p in streamed.plans] == [p.plan_id for p in unary.plans]
    assert [p.monthly_savings for p in streamed.plans] == [p.monthly_savings for p in unary.plans]


def _raw_stream(
    client: RecommenderClient, chunks: list[spb.PlanCommitmentsStreamRequest]
) -> RecommenderCallError:
    with pytest.raises(RecommenderCallError) as info:
        client._call(
            lambda _, timeout, metadata: client._stub.PlanCommitmentsStream(  # noqa: SLF001
                iter(chunks), timeout=timeout, metadata=metadata
            ),
            None,
            30,
        )
    return info.value


def test_bad_blocks_name_chunk_and_value(client: RecommenderClient) -> None:
    request = commitment_request(
        {"a": [1.0] * 10, "b": [2.0] * 10}, {"a": 1.0, "b": 1.0}, [reserved_offering("ri", ["a"], hourly=0.5)]
    )
    usage = np.ones((10, 2))
    usage[7, 1] = -3.0  # block 2 (hours 4..7 with 4-hour blocks), value index (7-4)*2+1 = 7
    chunks = list(usage_chunks(request, usage, chunk_bytes=64))
    del chunks[3]  # drop hours 8..9
    error = _raw_stream(client, chunks)
    assert error.code.name == "INVALID_ARGUMENT"
    fields = dict(error.field_violations)
    assert "chunks[2].usage.values[7]" in fields
    assert "2 hour(s) have no usage block" in fields["chunks"]


def test_first_chunk_must_be_a_header_and_series_empty(client: RecommenderClient) -> None:
    block = spb.PlanCommitmentsStreamRequest(usage=spb.UsageBlock(start_hour=0, hours=1, values=[1.0]))
    error = _raw_stream(client, [block])
    assert error.code.name == "INVALID_ARGUMENT"
    assert "chunks[0]" in dict(error.field_violations)
    request = commitment_request({"a": [1.0, 2.0]}, {"a": 1.0}, [reserved_offering("ri", ["a"], hourly=0.5)])
    header = spb.PlanCommitmentsStreamRequest(
        header=spb.PlanCommitmentsStreamHeader(request=request, hours=2)
    )
    error = _raw_stream(
        client,
        [
            header,
            spb.PlanCommitmentsStreamRequest(usage=spb.UsageBlock(start_hour=0, hours=2, values=[1.0, 2.0])),
        ],
    )
    assert "chunks[0].header.request.usage.series" in dict(error.field_violations)
