"""Policy knobs on the real traces: risk limit, upsizes, minimum savings, single profile."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.domain.rightsizing import InstanceTypeSpec
from tests.rightsizing.data import REGION, SAMPLES_14_DAYS, assign_size
from tests.rightsizing.helpers import Vm, assert_actions_add_up, money, request, run
from tests.rightsizing.oracle import Policy, Usage, brute_force


@pytest.fixture(scope="module")
def vms(traces: tuple[tuple[str, ...], np.ndarray]) -> list[Vm]:
    ids, samples = traces
    return [
        Vm(vm, assign_size(vm), samples[i, :SAMPLES_14_DAYS], region=REGION, provider="azure")
        for i, vm in enumerate(ids)
    ]


def test_risk_limit_matches_brute_force(azure: list[InstanceTypeSpec], vms: list[Vm]) -> None:
    resp = run(request(azure, vms[:40], single_profile=True, cpu_percentile=90, max_performance_risk=1))
    specs = {c.name: c for c in azure}
    for vm, rec in zip(vms[:40], resp.recommendations, strict=True):
        usage = Usage(cpu=[float(x) for x in np.asarray(vm.cpu, dtype=np.float32)])
        want = brute_force(
            specs[vm.current_type], usage, azure, Policy(cpu_percentile=90, max_performance_risk=1)
        )
        assert [o.instance_type for o in rec.options] == [w.name for w in want]
        assert all(o.performance_risk <= 1 for o in rec.options)


def test_upsizes_only_when_asked(azure: list[InstanceTypeSpec], vms: list[Vm]) -> None:
    without = run(request(azure, vms, single_profile=True))
    with_up = run(request(azure, vms, single_profile=True, include_upsizes=True))
    under = {r.resource_id for r in without.recommendations if r.finding == rpb.FINDING_UNDER_PROVISIONED}
    assert under, "the real traces have under-provisioned VMs"
    assert not under & {a.target for a in without.plans[0].actions}
    (plan,) = with_up.plans
    assert_actions_add_up(plan)
    upsizes = [a for a in plan.actions if a.target in under]
    assert {a.target for a in upsizes} == {
        r for r in under if any(rec.options for rec in with_up.recommendations if rec.resource_id == r)
    }
    assert all(money(a.monthly_savings) < 0 for a in upsizes)
    assert money(plan.monthly_savings) < money(without.plans[0].monthly_savings)
    assert any("under-provisioned" in w for w in without.warnings)


def test_minimum_saving_filters_small_moves(azure: list[InstanceTypeSpec], vms: list[Vm]) -> None:
    (plan,) = run(request(azure, vms, single_profile=True, min_monthly_savings=100)).plans
    assert plan.actions and all(money(a.monthly_savings) >= 100 for a in plan.actions)
    assert plan.risk_profile == pb.RISK_PROFILE_BALANCED and not plan.xor_group_id
