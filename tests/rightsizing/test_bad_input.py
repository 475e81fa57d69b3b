"""Bad RightSize input -> INVALID_ARGUMENT naming every offending field, over real gRPC."""

from __future__ import annotations

import grpc
import numpy as np
import pytest

from clients.client import RecommenderCallError, RecommenderClient
from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.domain.rightsizing import InstanceTypeSpec
from recommender.server.codec.rightsizing import encode_instance_type

CATALOG = [
    InstanceTypeSpec(
        name="m5.large",
        provider="aws",
        region="us-east-1",
        family="m5",
        vcpus=2,
        memory_gib=8,
        hourly_price=0.096,
    ),
    InstanceTypeSpec(
        name="m5.xlarge",
        provider="aws",
        region="us-east-1",
        family="m5",
        vcpus=4,
        memory_gib=16,
        hourly_price=0.192,
    ),
    InstanceTypeSpec(
        name="m5.xlarge",
        provider="aws",
        region="eu-west-1",
        family="m5",
        vcpus=4,
        memory_gib=16,
        hourly_price=0.214,
    ),
]


def _violations(client: RecommenderClient, request: rpb.RightSizeRequest) -> dict[str, str]:
    with pytest.raises(RecommenderCallError) as info:
        client.right_size(request)
    assert info.value.code == grpc.StatusCode.INVALID_ARGUMENT, info.value
    assert info.value.reason == "INVALID_REQUEST"
    return dict(info.value.field_violations)


def _request(
    *series: list[float], current: str = "m5.xlarge", region: str = "us-east-1"
) -> rpb.RightSizeRequest:
    req = rpb.RightSizeRequest(catalog=[encode_instance_type(c) for c in CATALOG])
    r = req.resources.add(resource_id="vm-1", current_type=current, region=region)
    for metric, values in zip((rpb.METRIC_CPU_PERCENT, rpb.METRIC_MEMORY_PERCENT), series, strict=False):
        r.metrics.add(metric=metric, values=values)
    return req


def test_every_problem_is_reported_at_once(client: RecommenderClient) -> None:
    req = rpb.RightSizeRequest(catalog=[encode_instance_type(c) for c in CATALOG])
    ok = list(np.linspace(5, 40, 400))
    nan = ok.copy()
    nan[17] = float("nan")
    # 0: NaN in CPU; memory series with a gap (shorter than CPU)
    r = req.resources.add(resource_id="a", current_type="m5.xlarge", region="us-east-1")
    r.metrics.add(metric=rpb.METRIC_CPU_PERCENT, values=nan)
    r.metrics.add(metric=rpb.METRIC_MEMORY_PERCENT, values=ok[:390])
    # 1: unknown type; empty series
    r = req.resources.add(resource_id="b", current_type="m9.mega", region="us-east-1")
    r.metrics.add(metric=rpb.METRIC_CPU_PERCENT, values=[])
    # 2: duplicate id; percent above 100; negative; GPU series on a CPU-only type
    r = req.resources.add(resource_id="a", current_type="m5.large", region="us-east-1")
    r.metrics.add(metric=rpb.METRIC_CPU_PERCENT, values=[*ok[:399], 140.0])
    r.metrics.add(metric=rpb.METRIC_NETWORK_MBPS, values=[-1.0, *ok[:399]])
    r.metrics.add(metric=rpb.METRIC_GPU_PERCENT, values=ok)
    # 3: no CPU series, unspecified metric, both encodings, ambiguous region
    r = req.resources.add(resource_id="d", current_type="m5.xlarge")
    r.metrics.add(metric=rpb.METRIC_UNSPECIFIED, values=ok)
    r.metrics.add(metric=rpb.METRIC_MEMORY_PERCENT, values=ok, centi_values=[1] * 400)
    # policy and commitments
    req.policy.cpu_percentile = 0
    req.policy.max_options = 50
    req.usage_classes.add(class_id="c1", instance_type="m5.large", region="us-east-1", on_demand_rate=0.096)
    req.existing_commitments.add(
        commitment_id="ri",
        quantity=1,
        terms=pb.CommitmentOffering(
            offering_id="x",
            term=pb.COMMITMENT_TERM_ONE_YEAR,
            payment_option=pb.PAYMENT_OPTION_NO_UPFRONT,
            reserved_instance=pb.ReservedInstanceTerms(covered_class_ids=["ghost"], hourly_per_unit=0.05),
        ),
    )
    req.other_usage.add(class_id="nobody", units=2)
    v = _violations(client, req)
    expected = {
        "resources[0].metrics[0].values[17]": "finite",
        "resources[0].metrics[1].values": "without gaps",
        "resources[1].current_type": "m9.mega",
        "resources[1].metrics[0].values": "empty",
        "resources[2].resource_id": "duplicate",
        "resources[2].metrics[0].values[399]": "at most 100",
        "resources[2].metrics[1].values[0]": "non-negative",
        "resources[2].metrics[2].metric": "no GPUs",
        "resources[3].metrics": "CPU",
        "resources[3].metrics[0].metric": "METRIC_UNSPECIFIED",
        "resources[3].metrics[1]": "one encoding",
        "resources[3].region": "set provider and region",
        "policy.cpu_percentile": "greater than 0",
        "policy.max_options": "less than or equal to 20",
        "existing_commitments[0].terms.reserved_instance.covered_class_ids[0]": "ghost",
        "other_usage[0].class_id": "nobody",
    }
    for field, text in expected.items():
        assert field in v, (field, sorted(v))
        assert text in v[field], (field, v[field])


def test_empty_request(client: RecommenderClient) -> None:
    v = _violations(client, rpb.RightSizeRequest())
    assert "resources" in v


@pytest.mark.parametrize(
    ("request_msg", "field"),
    [
        (_request([float("inf")] * 300), "resources[0].metrics[0].values[0]"),
        (_request([10.0] * 300, current="t9.nano"), "resources[0].current_type"),
        (_request([]), "resources[0].metrics[0].values"),
        (_request([10.0] * 300, [10.0] * 299), "resources[0].metrics[1].values"),
    ],
    ids=["inf", "unknown-type", "empty-series", "gap"],
)
def test_single_problems_name_the_field(
    client: RecommenderClient, request_msg: rpb.RightSizeRequest, field: str
) -> None:
    assert field in _violations(client, request_msg)


def test_fleet_problems(client: RecommenderClient) -> None:
    req = rpb.RightSizeRequest(catalog=[encode_instance_type(c) for c in CATALOG])
    req.fleet.members.add(member_id="p", cpu_request=1, memory_request_gib=2)
    req.fleet.members.add(member_id="p", cpu_usage=[1.0, float("nan")])
    req.fleet.members.add(member_id="q")
    req.fleet.node_types.append("m5.huge")
    req.fleet.node_overhead = 1.5
    v = _violations(client, req)
    assert {
        "fleet.region",
        "fleet.members[1].member_id",
        "fleet.members[1].cpu_usage[1]",
        "fleet.members[2]",
        "fleet.node_types[0]",
        "fleet.node_overhead",
    } <= set(v)


def test_infeasible_fleet_is_failed_precondition(client: RecommenderClient) -> None:
    req = rpb.RightSizeRequest(catalog=[encode_instance_type(c) for c in CATALOG])
    req.fleet.region = "us-east-1"
    req.fleet.members.add(member_id="big", cpu_request=64, memory_request_gib=8)
    with pytest.raises(RecommenderCallError) as info:
        client.right_size(req)
    assert info.value.code == grpc.StatusCode.FAILED_PRECONDITION
    assert "big" in info.value.message
