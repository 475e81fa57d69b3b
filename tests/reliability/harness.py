"""An in-process server on a loopback port, run on its own event-loop thread.

Tests talk to it over real gRPC (sync channels) and can look inside it (pool
statistics, worker pids) while calls are in flight.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import consolidation_pb2 as vpb
from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.api.v1 import routing_pb2 as wpb
from recommender.server.app import RunningServer, create_server
from recommender.server.pool import PoolStats
from recommender.server.settings import Settings
from recommender.server.telemetry import Telemetry
from tests.requests import commitment_request, reserved_offering, spend_offering

T = TypeVar("T")


class ServerThread:
    """``create_server`` on a private event loop in a daemon thread."""

    def __init__(self, settings: Settings) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="test-server", daemon=True)
        self._thread.start()
        self.running: RunningServer = self.run(create_server(settings, telemetry=Telemetry(None, None)))
        self.address = f"127.0.0.1:{self.running.port}"

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 120.0) -> T:
        """Run a coroutine on the server's loop and wait for it."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call(self, fn: Callable[[], T]) -> T:
        """Call ``fn`` on the server's loop thread (pool state is loop-confined)."""

        async def wrapper() -> T:
            return fn()

        return self.run(wrapper())

    def stats(self) -> PoolStats:
        """Pool statistics."""
        return self.call(self.running.pool.stats)

    def wait_for(self, predicate: Callable[[PoolStats], bool], timeout: float = 30.0) -> PoolStats:
        """Poll the pool until ``predicate`` holds; return the stats (raise on timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            stats = self.stats()
            if predicate(stats):
                return stats
            if time.monotonic() > deadline:
                raise AssertionError(f"pool never reached the expected state: {stats}")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop the server and the loop."""
        try:
            self.run(self.running.stop(), timeout=60)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10)


@contextmanager
def server_thread(**settings: Any) -> Iterator[ServerThread]:
    """A started in-process server with the given settings (port 0, loopback)."""
    values: dict[str, Any] = {"port": 0, "workers": 1, "small_lane_workers": 0, "grace_seconds": 1.0}
    values.update(settings)
    server = ServerThread(Settings(**values))
    try:
        yield server
    finally:
        server.stop()


def large_request(classes: int = 12, hours: int = 2000, seed: int = 0) -> cpb.PlanCommitmentsRequest:
    """A commitment problem that takes many seconds to solve but milliseconds to decode."""
    rng = np.random.default_rng(seed)
    usage = {f"c{i}": rng.random(hours).round(4) for i in range(classes)}
    return commitment_request(
        usage,
        dict.fromkeys(usage, 1.0),
        [spend_offering("sp", dict.fromkeys(usage, 0.7))]
        + [reserved_offering(f"ri{i}", [c], hourly=0.6) for i, c in enumerate(usage)],
    )


def small_request(seed: int = 0, hours: int = 24) -> cpb.PlanCommitmentsRequest:
    """A two-class day of usage with a spend commitment and a reserved instance."""
    rng = np.random.default_rng(seed)
    usage = {"a": (1.0 + rng.random(hours)).round(3), "b": rng.random(hours).round(3)}
    return commitment_request(
        usage,
        {"a": 1.0, "b": 0.5},
        [spend_offering("sp", {"a": 0.7, "b": 0.35}), reserved_offering("ri-a", ["a"], hourly=0.6)],
    )


def _instance(name: str, vcpus: float, memory: float, price: float) -> rpb.InstanceType:
    return rpb.InstanceType(
        name=name, provider="aws", region="us-east-1", vcpus=vcpus, memory_gib=memory, hourly_price=price
    )


_SMALL_CATALOG = [
    _instance(f"{family}.{size}", 2**k, ratio * 2**k, price * 2**k)
    for family, ratio, price in (("m5", 4, 0.048), ("c5", 2, 0.0425), ("r5", 8, 0.063))
    for k, size in enumerate(("large", "xlarge", "2xlarge", "4xlarge"), start=1)
]


def small_right_size_request(seed: int = 0, samples: int = 288) -> rpb.RightSizeRequest:
    """One VM, a day of 5-minute CPU and memory samples, a 12-type catalogue."""
    rng = np.random.default_rng(seed)
    resource = rpb.ResourceUtilization(
        resource_id=f"i-{seed}",
        current_type="m5.2xlarge",
        provider="aws",
        region="us-east-1",
        metrics=[
            rpb.MetricSeries(
                metric=rpb.METRIC_CPU_PERCENT, values=rng.uniform(2, 40, samples).round(2).tolist()
            ),
            rpb.MetricSeries(
                metric=rpb.METRIC_MEMORY_PERCENT, values=rng.uniform(10, 45, samples).round(2).tolist()
            ),
        ],
    )
    resource.sample_interval.seconds = 300
    return rpb.RightSizeRequest(currency_code="USD", resources=[resource], catalog=_SMALL_CATALOG)


def small_routing_request(seed: int = 0) -> wpb.RouteWorkloadsRequest:
    """One CPU service and three instance offers in two countries."""
    rng = np.random.default_rng(seed)
    vcpus = float(rng.integers(2, 12))
    return wpb.RouteWorkloadsRequest(
        currency_code="USD",
        workloads=[
            wpb.Workload(
                workload_id=f"w{seed}", cpu_service=wpb.CpuServiceDemand(vcpus=vcpus, memory_gib=2 * vcpus)
            )
        ],
        compute_offers=[
            wpb.ComputeOffer(offer_id="o1", instance=_instance("m5.xlarge", 4, 16, 0.192), country="US"),
            wpb.ComputeOffer(offer_id="o2", instance=_instance("c5.2xlarge", 8, 16, 0.34), country="US"),
            wpb.ComputeOffer(offer_id="o3", instance=_instance("m5.large", 2, 8, 0.11), country="DE"),
        ],
    )


def small_consolidation_request(seed: int = 0) -> vpb.ConsolidateVendorsRequest:
    """Two CRM demands, two vendors with two all-units tiers each."""
    rng = np.random.default_rng(seed)

    def line(line_id: str, price: float) -> vpb.PriceLine:
        return vpb.PriceLine(
            line_id=line_id,
            capabilities=["crm"],
            tiers=[
                vpb.PriceTier(min_quantity=0, unit_price=price),
                vpb.PriceTier(min_quantity=50, unit_price=round(price * 0.8, 4)),
            ],
        )

    return vpb.ConsolidateVendorsRequest(
        currency_code="USD",
        demands=[
            vpb.Demand(demand_id="d1", capability="crm", quantity=10, unit="seat", current_vendor_id="v1"),
            vpb.Demand(demand_id="d2", capability="crm", quantity=float(rng.integers(20, 80)), unit="seat"),
        ],
        vendors=[
            vpb.VendorOffer(vendor_id="v1", lines=[line("v1-crm", 12.0)], fixed_monthly_fee=50.0),
            vpb.VendorOffer(
                vendor_id="v2", lines=[line("v2-crm", float(rng.uniform(9, 13)))], onboarding_cost=100.0
            ),
        ],
        policy=vpb.ConsolidationPolicy(max_vendors=2, horizon_months=12),
    )
