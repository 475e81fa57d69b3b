"""Single resources on real traces and real catalogues vs a brute-force oracle.

The oracle (``tests/rightsizing/oracle.py``) re-implements the documented rules in
plain Python with standard-library percentiles and scans every catalogue row; the
service's ranked options must be exactly its top rows, with the same monthly cost
and performance risk.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recommender.domain.rightsizing import InstanceTypeSpec
from tests.rightsizing.data import REGION, SAMPLES_14_DAYS, assign_size, gpu_traces, memory_shape
from tests.rightsizing.helpers import Vm, money, request, run
from tests.rightsizing.oracle import Policy, Usage, brute_force

EC2_SIZES = (
    "m5.large",
    "m5.xlarge",
    "m5.2xlarge",
    "m5.4xlarge",
    "c5.xlarge",
    "c5.2xlarge",
    "r5.large",
    "r5.xlarge",
    "r5.2xlarge",
    "m6g.xlarge",
)


def _compare(
    response_options: list[tuple[str, str, float, int]],
    expected: list[tuple[str, str, float, int]],
    vm: str,
) -> None:
    assert [o[:2] for o in response_options] == [e[:2] for e in expected], vm
    for got, want in zip(response_options, expected, strict=True):
        assert got[2] == pytest.approx(want[2], abs=1e-6), vm
        assert got[3] == want[3], (vm, got, want)


def _check(
    catalog: list[InstanceTypeSpec],
    vms: list[Vm],
    usages: list[Usage],
    policy: Policy,
    **request_policy: object,
) -> int:
    resp = run(request(catalog, vms, single_profile=True, **request_policy))
    specs = {(c.provider, c.region, c.name): c for c in catalog}
    compared = 0
    for vm, usage, rec in zip(vms, usages, resp.recommendations, strict=True):
        current = next(
            s for k, s in specs.items() if k[2] == vm.current_type and (not vm.region or k[1] == vm.region)
        )
        expected = brute_force(current, usage, catalog, policy)
        got = [
            (o.instance_type, o.region, float(money(o.monthly_cost)), o.performance_risk) for o in rec.options
        ]
        want = [(e.name, e.region, e.monthly_cost, e.risk) for e in expected]
        _compare(got, want, vm.resource_id)
        assert float(money(rec.current_monthly_cost)) == pytest.approx(current.hourly_price * 730, abs=1e-6)
        compared += len(want)
    return compared


@pytest.mark.parametrize(
    ("percentile", "headroom"),
    [(95.0, 0.2), (90.0, 0.15), (99.5, 0.2), (95.0, 0.0)],
    ids=["P95+20", "VPA-P90+15", "CO-P99.5+20", "P95+0"],
)
def test_azure_traces_match_brute_force(
    traces: tuple[tuple[str, ...], np.ndarray],
    azure: list[InstanceTypeSpec],
    percentile: float,
    headroom: float,
) -> None:
    ids, samples = traces
    window = samples[:, :SAMPLES_14_DAYS]
    vms = [Vm(vm, assign_size(vm), window[i], region=REGION, provider="azure") for i, vm in enumerate(ids)]
    usages = [Usage(cpu=[float(x) for x in window[i]]) for i in range(len(ids))]
    compared = _check(
        azure,
        vms,
        usages,
        Policy(cpu_percentile=percentile, cpu_headroom=headroom),
        cpu_percentile=percentile,
        cpu_headroom=headroom,
    )
    assert compared >= 250  # 100 VMs x up to 3 options


def test_memory_from_maximum_with_real_memory_shape(
    shared_data: Path, traces: tuple[tuple[str, ...], np.ndarray], azure: list[InstanceTypeSpec]
) -> None:
    ids, samples = traces
    shape = memory_shape(shared_data)
    n = shape.size
    vms, usages = [], []
    for i, vm in enumerate(ids[:40]):
        # A different real day-phase per VM, scaled so some VMs use little and some most of their memory.
        memory = np.roll(shape, 37 * i) * (0.3 + 0.015 * i)
        cpu = samples[i, :n]
        vms.append(
            Vm(vm, assign_size(vm), cpu, memory=memory.astype(np.float32), region=REGION, provider="azure")
        )
        usages.append(
            Usage(cpu=[float(x) for x in cpu], memory=[float(x) for x in memory.astype(np.float32)])
        )
    _check(azure, vms, usages, Policy(memory_headroom=0.15), memory_headroom=0.15)


def test_ec2_catalogue_with_architecture_change_and_family_rules(
    traces: tuple[tuple[str, ...], np.ndarray], ec2: list[InstanceTypeSpec]
) -> None:
    ids, samples = traces
    window = samples[:30, :SAMPLES_14_DAYS]
    vms = [Vm(vm, assign_size(vm, EC2_SIZES), window[i]) for i, vm in enumerate(ids[:30])]
    usages = [Usage(cpu=[float(x) for x in window[i]]) for i in range(30)]
    excluded = ("t2", "t3", "t3a", "t4g", "m1", "m2", "m3", "c1", "c3", "r3")
    _check(
        ec2,
        vms,
        usages,
        Policy(allow_architecture_change=True, exclude_families=excluded),
        allow_architecture_change=True,
        exclude_families=list(excluded),
    )
    _check(
        ec2,
        vms,
        usages,
        Policy(include_families=("m5", "m6i", "c5", "r5", "m6g")),
        include_families=["m5", "m6i", "c5", "r5", "m6g"],
    )


def test_gpu_count_fits_observed_peak_on_real_gpu_traces(
    shared_data: Path, traces: tuple[tuple[str, ...], np.ndarray], azure: list[InstanceTypeSpec]
) -> None:
    gpus = gpu_traces(shared_data)
    assert len(gpus) >= 10
    _, samples = traces
    hosts = ("Standard_NC64as_T4_v3", "Standard_NC96ads_A100_v4", "Standard_NC24s_v3")
    memory = (memory_shape(shared_data) * 0.25).astype(np.float32)
    vms, usages = [], []
    for i, gpu in enumerate(gpus[:12]):
        cpu = samples[i, : gpu.size]
        mem = np.roll(memory, 53 * i)[: gpu.size]
        vm = Vm(
            f"gpu-{i}",
            hosts[i % 3],
            cpu,
            memory=mem,
            gpu=gpu,
            region=REGION,
            provider="azure",
            interval_seconds=60,
        )
        vms.append(vm)
        usages.append(
            Usage(
                cpu=[float(x) for x in cpu],
                memory=[float(x) for x in mem],
                gpu=[float(x) for x in gpu.astype(np.float32)],
            )
        )
    resp = run(request(azure, vms, single_profile=True))
    specs = {c.name: c for c in azure}
    for vm, usage, rec in zip(vms, usages, resp.recommendations, strict=True):
        current = specs[vm.current_type]
        want = brute_force(current, usage, azure, Policy())
        got = [
            (o.instance_type, o.region, float(money(o.monthly_cost)), o.performance_risk) for o in rec.options
        ]
        _compare(got, [(e.name, e.region, e.monthly_cost, e.risk) for e in want], vm.resource_id)
        peak_gpus = max(usage.gpu or [0]) / 100 * current.gpu_count
        for o in rec.options:
            assert o.gpu_count >= peak_gpus - 1e-9
            assert specs[o.instance_type].gpu_model == current.gpu_model
    assert any(
        rec.options and rec.options[0].gpu_count < specs[vm.current_type].gpu_count
        for vm, rec in zip(vms, resp.recommendations, strict=True)
    )
