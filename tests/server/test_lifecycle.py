"""Graceful shutdown: on SIGTERM health turns NOT_SERVING and in-flight calls complete."""

from __future__ import annotations

import signal
import threading
import time

import grpc
import numpy as np
from grpc_health.v1 import health_pb2, health_pb2_grpc

from clients.client import RecommenderClient
from tests.requests import commitment_request, reserved_offering, spend_offering
from tests.serve_process import serve_process


def _slow_request() -> object:
    rng = np.random.default_rng(0)
    usage = {f"c{i}": rng.random(1200).round(4) for i in range(8)}
    return commitment_request(
        usage,
        dict.fromkeys(usage, 1.0),
        [spend_offering("sp", dict.fromkeys(usage, 0.7))]
        + [reserved_offering(f"ri{i}", [c], hourly=0.6) for i, c in enumerate(usage)],
    )


def test_sigterm_drains_in_flight_calls_and_reports_not_serving() -> None:
    with serve_process("--workers", "1", "--grace-seconds", "60") as server:
        proc, address = server.proc, server.address
        channel = grpc.insecure_channel(address)
        statuses: list[int] = []
        watch = health_pb2_grpc.HealthStub(channel).Watch(
            health_pb2.HealthCheckRequest(service=""), timeout=120
        )

        def follow() -> None:
            try:
                for update in watch:
                    statuses.append(update.status)
            except grpc.RpcError:
                pass

        threading.Thread(target=follow, daemon=True).start()
        result: dict[str, object] = {}

        def call() -> None:
            with RecommenderClient(address, timeout=120, retries=0) as client:
                result["response"] = client.plan_commitments(_slow_request())  # type: ignore[arg-type]

        caller = threading.Thread(target=call)
        caller.start()
        time.sleep(1.0)  # the solve is now in flight
        proc.send_signal(signal.SIGTERM)
        caller.join(timeout=120)
        assert "response" in result, "the in-flight call must complete during the grace period"
        assert result["response"].plans  # type: ignore[attr-defined]
        deadline = time.monotonic() + 10
        while health_pb2.HealthCheckResponse.NOT_SERVING not in statuses and time.monotonic() < deadline:
            time.sleep(0.05)
        watch.cancel()  # an open Watch stream is itself an in-flight call the server would wait for
        assert proc.wait(timeout=60) == 0
        assert statuses[0] == health_pb2.HealthCheckResponse.SERVING
        assert statuses[-1] == health_pb2.HealthCheckResponse.NOT_SERVING
        channel.close()
