"""RightSize over real gRPC on loopback, on the real Azure traces and catalogue."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from clients.client import RecommenderClient
from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.domain.rightsizing import InstanceTypeSpec
from tests.rightsizing.data import REGION, SAMPLES_14_DAYS, assign_size
from tests.rightsizing.helpers import Vm, assert_actions_add_up, money, request
from tests.rightsizing.oracle import Policy, Usage, brute_force


@pytest.fixture(scope="module")
def vms(traces: tuple[tuple[str, ...], np.ndarray]) -> list[Vm]:
    ids, samples = traces
    window = np.round(samples[:, :SAMPLES_14_DAYS], 2)  # 0.01 resolution: both encodings are exact
    return [Vm(vm, assign_size(vm), window[i], region=REGION, provider="azure") for i, vm in enumerate(ids)]


def test_ranked_plans_on_real_traces(
    client: RecommenderClient, azure: list[InstanceTypeSpec], vms: list[Vm]
) -> None:
    resp = client.right_size(request(azure, vms))
    assert len(resp.recommendations) == len(vms)
    assert [r.resource_id for r in resp.recommendations] == [v.resource_id for v in vms]
    assert [p.rank for p in resp.plans] == list(range(1, len(resp.plans) + 1))
    assert (
        len(resp.plans) == 3 and len({p.xor_group_id for p in resp.plans}) == 1 and resp.plans[0].xor_group_id
    )
    profiles = {p.risk_profile for p in resp.plans}
    assert profiles == {pb.RISK_PROFILE_CONSERVATIVE, pb.RISK_PROFILE_BALANCED, pb.RISK_PROFILE_AGGRESSIVE}
    savings = [money(p.monthly_savings) for p in resp.plans]
    assert savings == sorted(savings, reverse=True) and savings[-1] > 0
    by_profile = {p.risk_profile: p for p in resp.plans}
    assert (
        by_profile[pb.RISK_PROFILE_CONSERVATIVE].monthly_savings.units
        < by_profile[pb.RISK_PROFILE_BALANCED].monthly_savings.units
    )
    for plan in resp.plans:
        assert plan.levers == [pb.LEVER_RIGHT_SIZING]
        assert_actions_add_up(plan)
        assert plan.explanation and plan.solver.status == pb.SOLVE_STATUS_OPTIMAL
        assert plan.risk.max_performance_risk == max(
            int(a.attributes["performance_risk"]) for a in plan.actions
        )
        assert all(a.type == pb.ACTION_TYPE_RESIZE and money(a.monthly_savings) > 0 for a in plan.actions)
    assert by_profile[pb.RISK_PROFILE_AGGRESSIVE].risk.max_performance_risk <= 3
    # Balanced plan actions are each resource's rank-1 option.
    best = {r.resource_id: r.options[0].instance_type for r in resp.recommendations if r.options}
    for a in by_profile[pb.RISK_PROFILE_BALANCED].actions:
        assert a.to_value == best[a.target]
    # Deterministic: the same request gives the same plan ids and numbers.
    again = client.right_size(request(azure, vms))
    assert [p.plan_id for p in again.plans] == [p.plan_id for p in resp.plans]
    assert again.plans[0].monthly_savings == resp.plans[0].monthly_savings


def test_centi_encoding_gives_the_same_answer(
    client: RecommenderClient, azure: list[InstanceTypeSpec], vms: list[Vm]
) -> None:
    floats = client.right_size(request(azure, vms[:30], single_profile=True))
    centi = client.right_size(request(azure, vms[:30], centi=True, single_profile=True))
    for resp in (floats, centi):
        for plan in resp.plans:
            plan.solver.ClearField("solve_time")
    assert floats.SerializeToString(deterministic=True) == centi.SerializeToString(deterministic=True)


def test_default_catalogue_is_used_when_none_is_given(
    client: RecommenderClient, traces: tuple[tuple[str, ...], np.ndarray]
) -> None:
    from recommender.planning.rightsizing_inputs import default_catalog

    _, samples = traces
    vm = Vm(
        "i-1",
        "m5.2xlarge",
        samples[5, :SAMPLES_14_DAYS],
        region="us-east-1",
        provider="aws",
        memory=np.full(SAMPLES_14_DAYS, 20.0),
    )
    req = request([], [vm])
    del req.catalog[:]
    rec = client.right_size(req).recommendations[0]
    catalog = default_catalog()
    current = next(c for c in catalog if c.name == "m5.2xlarge" and c.region == "us-east-1")
    want = brute_force(
        current, Usage(cpu=[float(x) for x in vm.cpu], memory=[20.0] * SAMPLES_14_DAYS), catalog, Policy()
    )
    assert [o.instance_type for o in rec.options] == [w.name for w in want]


def test_idle_vm_is_stopped_except_in_the_conservative_plan(
    client: RecommenderClient, azure: list[InstanceTypeSpec], vms: list[Vm]
) -> None:
    idle = Vm(
        "idle-1",
        "Standard_D8s_v5",
        np.full(SAMPLES_14_DAYS, 0.7),
        region=REGION,
        provider="azure",
        hours_per_month=365,
    )
    resp = client.right_size(request(azure, [idle, *vms[:5]]))
    rec = resp.recommendations[0]
    assert rec.finding == rpb.FINDING_IDLE and "Idle" in rec.reasons[0]
    price = next(c.hourly_price for c in azure if c.name == "Standard_D8s_v5")
    for plan in resp.plans:
        stop = [a for a in plan.actions if a.target == "idle-1"]
        if plan.risk_profile == pb.RISK_PROFILE_CONSERVATIVE:
            assert stop and stop[0].type == pb.ACTION_TYPE_RESIZE
        else:
            assert stop and stop[0].type == pb.ACTION_TYPE_TERMINATE
            assert float(money(stop[0].monthly_savings)) == pytest.approx(price * 365, abs=1e-6)


def test_short_history_is_insufficient_data(
    client: RecommenderClient, azure: list[InstanceTypeSpec], vms: list[Vm]
) -> None:
    short = Vm("new-1", "Standard_D8s_v5", vms[0].cpu[:100], region=REGION, provider="azure")  # 8.3 h
    rec = client.right_size(request(azure, [short])).recommendations[0]
    assert rec.finding == rpb.FINDING_INSUFFICIENT_DATA and not rec.options
    assert "hours of history" in rec.reasons[0]


def test_fleet_packing_over_grpc(client: RecommenderClient, azure: list[InstanceTypeSpec]) -> None:
    req = request(azure, [])
    req.fleet.CopyFrom(
        rpb.FleetSpec(
            region=REGION,
            provider="azure",
            node_types=["Standard_D4s_v5", "Standard_D8s_v5", "Standard_E4s_v5"],
            members=[
                rpb.FleetMember(member_id=f"web-{i}", cpu_request=1.5, memory_request_gib=3, replicas=2)
                for i in range(3)
            ],
            current_nodes={"Standard_D8s_v5": 3},
        )
    )
    resp = client.right_size(req)
    assert resp.fleet_plan.solver.status == pb.SOLVE_STATUS_OPTIMAL
    assert sum(p.replicas for n in resp.fleet_plan.nodes for p in n.placements) == 6
    (plan,) = resp.plans
    assert_actions_add_up(plan)
    assert money(plan.monthly_savings) > 0


def test_features_region_and_architecture_rules(
    shared_data: Path, client: RecommenderClient, vms: list[Vm]
) -> None:
    """A small hand-made catalogue (rule checks) against the brute-force oracle."""
    specs = [
        InstanceTypeSpec(
            name="a.small",
            provider="p",
            region="r1",
            family="a",
            vcpus=2,
            memory_gib=8,
            hourly_price=0.10,
            features=frozenset({"local-disk"}),
        ),
        InstanceTypeSpec(
            name="b.small", provider="p", region="r1", family="b", vcpus=2, memory_gib=8, hourly_price=0.08
        ),
        InstanceTypeSpec(
            name="g.small",
            provider="p",
            region="r1",
            family="g",
            architecture="arm64",
            vcpus=2,
            memory_gib=8,
            hourly_price=0.07,
            features=frozenset({"local-disk"}),
        ),
        InstanceTypeSpec(
            name="a.small",
            provider="p",
            region="r2",
            family="a",
            vcpus=2,
            memory_gib=8,
            hourly_price=0.05,
            features=frozenset({"local-disk"}),
        ),
        InstanceTypeSpec(
            name="a.large",
            provider="p",
            region="r1",
            family="a",
            vcpus=8,
            memory_gib=32,
            hourly_price=0.40,
            features=frozenset({"local-disk"}),
        ),
        InstanceTypeSpec(
            name="t.small",
            provider="p",
            region="r1",
            family="t",
            vcpus=2,
            memory_gib=8,
            hourly_price=0.02,
            features=frozenset({"burstable", "local-disk"}),
        ),
    ]
    low = vms[0].cpu * 0.2
    memory = np.full(low.size, 10.0)
    cases = [
        ({}, Policy()),
        ({"allow_architecture_change": True}, Policy(allow_architecture_change=True)),
        ({"allow_region_change": True}, Policy(allow_region_change=True)),
        (
            {"allow_burstable": True, "allow_region_change": True},
            Policy(allow_burstable=True, allow_region_change=True),
        ),
    ]
    current = specs[4]
    for kwargs, policy in cases:
        vm = Vm("x", "a.large", low, memory=memory, region="r1", required_features=["local-disk"])
        rec = client.right_size(request(specs, [vm], single_profile=True, **kwargs)).recommendations[0]
        usage = Usage(
            cpu=[float(x) for x in np.asarray(low, dtype=np.float32)],
            memory=[10.0] * low.size,
            required_features=frozenset({"local-disk"}),
        )
        want = brute_force(current, usage, specs, policy)
        assert [(o.instance_type, o.region) for o in rec.options] == [(w.name, w.region) for w in want], (
            kwargs
        )
    assert want[0].name == "t.small"
