"""Request builders and in-process runners for the right-sizing tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.domain.rightsizing import InstanceTypeSpec
from recommender.planning.rightsizing_plans import plan_right_size
from recommender.server.codec.common import from_money
from recommender.server.codec.rightsizing import decode_right_size, encode_instance_type, encode_right_size


@dataclass
class Vm:
    resource_id: str
    current_type: str
    cpu: Sequence[float]
    memory: Sequence[float] | None = None
    gpu: Sequence[float] | None = None
    gpu_memory: Sequence[float] | None = None
    region: str = ""
    provider: str = ""
    hours_per_month: float = 0.0
    required_features: list[str] = field(default_factory=list)
    interval_seconds: int = 0


def request(
    catalog: Sequence[InstanceTypeSpec],
    vms: Sequence[Vm],
    *,
    centi: bool = False,
    **policy: object,
) -> rpb.RightSizeRequest:
    req = rpb.RightSizeRequest(
        currency_code="USD",
        catalog=[encode_instance_type(c) for c in catalog],
        policy=rpb.RightSizingPolicy(**policy),  # type: ignore[arg-type]
    )
    for vm in vms:
        r = req.resources.add(
            resource_id=vm.resource_id,
            current_type=vm.current_type,
            region=vm.region,
            provider=vm.provider,
            hours_per_month=vm.hours_per_month,
            required_features=vm.required_features,
        )
        if vm.interval_seconds:
            r.sample_interval.seconds = vm.interval_seconds
        for metric, series in (
            (rpb.METRIC_CPU_PERCENT, vm.cpu),
            (rpb.METRIC_MEMORY_PERCENT, vm.memory),
            (rpb.METRIC_GPU_PERCENT, vm.gpu),
            (rpb.METRIC_GPU_MEMORY_PERCENT, vm.gpu_memory),
        ):
            if series is None:
                continue
            values = np.asarray(series, dtype=np.float64)
            if centi:
                r.metrics.add(metric=metric, centi_values=np.round(values * 100).astype(np.uint32).tolist())
            else:
                r.metrics.add(metric=metric, values=values.astype(np.float32).tolist())
    return req


def run(req: rpb.RightSizeRequest, time_limit: float | None = 30.0) -> rpb.RightSizeResponse:
    """decode -> plan -> encode, in process (the RPC path without the transport)."""
    return encode_right_size(plan_right_size(decode_right_size(req), time_limit))


def money(m: object) -> Decimal:
    return from_money(m)  # type: ignore[arg-type]


def assert_actions_add_up(plan: pb.SavingsPlan) -> None:
    total = sum((money(a.monthly_savings) for a in plan.actions), start=Decimal(0))
    assert total == money(plan.monthly_savings), (total, money(plan.monthly_savings))
    assert money(plan.baseline_monthly_cost) - money(plan.planned_monthly_cost) == money(plan.monthly_savings)
