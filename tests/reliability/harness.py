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
