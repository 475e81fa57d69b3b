"""Build, start and gracefully stop the gRPC server.

``create_server`` returns a started server and its bound port (port 0 picks a
free one). ``serve`` runs until SIGTERM/SIGINT, then turns health NOT_SERVING and
drains in-flight calls for ``grace_seconds`` before stopping.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from recommender.api.v1 import recommender_service_pb2, recommender_service_pb2_grpc
from recommender.server.pool import SolverPool
from recommender.server.runner import SolveRunner
from recommender.server.servicer import RecommenderServicer
from recommender.server.settings import Settings
from recommender.server.status import ErrorMappingInterceptor
from recommender.server.telemetry import Telemetry, TelemetryInterceptor, configure_telemetry

SERVICE_NAME = recommender_service_pb2.DESCRIPTOR.services_by_name["Recommender"].full_name
_LOG = logging.getLogger(__name__)


@dataclass
class RunningServer:
    """A started server with what it owns."""

    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer
    pool: SolverPool
    telemetry: Telemetry
    settings: Settings

    async def stop(self) -> None:
        """Health NOT_SERVING, drain in-flight calls within the grace period, stop workers."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(self.settings.grace_seconds)
        self.pool.shutdown()
        self.telemetry.shutdown()


def _options(settings: Settings) -> list[tuple[str, int]]:
    return [
        ("grpc.max_receive_message_length", settings.max_message_bytes),
        ("grpc.max_send_message_length", settings.max_message_bytes),
        # Tolerate client keepalive pings every 10 s without data.
        ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
        ("grpc.so_reuseport", 0),
    ]


async def create_server(settings: Settings, telemetry: Telemetry | None = None) -> RunningServer:
    """Start a server (health, reflection, Recommender) and its solver pool."""
    telemetry = telemetry or configure_telemetry()
    pool = SolverPool(settings.workers)
    await pool.warm_up()
    server = grpc.aio.server(
        interceptors=[TelemetryInterceptor(), ErrorMappingInterceptor()],
        options=_options(settings),
    )
    recommender_service_pb2_grpc.add_RecommenderServicer_to_server(
        RecommenderServicer(SolveRunner(pool, settings)), server
    )
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection((SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server)
    port = server.add_insecure_port(f"{settings.host}:{settings.port}")
    if port == 0:
        raise RuntimeError(f"could not bind {settings.host}:{settings.port}")
    await server.start()
    for name in ("", SERVICE_NAME):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return RunningServer(server, port, health_servicer, pool, telemetry, settings)


async def serve(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully."""
    running = await create_server(settings)
    print(f"finops-recommender listening on {settings.host}:{running.port}", flush=True)
    _LOG.info("serving on %s:%d with %d solver workers", settings.host, running.port, running.pool.workers)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    _LOG.info("shutting down: draining in-flight calls for up to %.1f s", settings.grace_seconds)
    await running.stop()
    _LOG.info("stopped")
