"""Build, start and gracefully stop the gRPC server.

``create_server`` returns a started server and its bound port (port 0 picks a
free one). ``serve`` runs until SIGTERM/SIGINT, then turns health NOT_SERVING and
drains in-flight calls for ``grace_seconds`` before stopping.

Interceptors, outermost first: telemetry (span + duration), auth (credentials,
tenancy), error mapping (domain exceptions -> rich status), admission (size
limits, request info, response cache).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from recommender.api.v1 import recommender_service_pb2, recommender_service_pb2_grpc
from recommender.server.admission import AdmissionInterceptor
from recommender.server.auth import AuthInterceptor, AuthPolicy, load_credentials
from recommender.server.cache import ResponseCache
from recommender.server.pool import SolverPool
from recommender.server.runner import SolveRunner
from recommender.server.servicer import RecommenderServicer
from recommender.server.settings import MIB, Settings
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
    cache: ResponseCache | None = None
    auth: AuthPolicy | None = None

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


def auth_policy(settings: Settings) -> AuthPolicy:
    """The auth policy of the settings (disabled when nothing is configured)."""
    secret = settings.auth_tokens.get_secret_value() if settings.auth_tokens is not None else None
    return AuthPolicy(
        credentials=load_credentials(settings.auth_token_file, secret),
        mtls=settings.tls_client_ca_file is not None,
        exempt=settings.auth_exempt,
        tenant_header=settings.tenant_header.lower(),
    )


def server_credentials(settings: Settings) -> grpc.ServerCredentials | None:
    """TLS credentials (mutual when a client CA is configured), or None for plaintext."""
    if settings.tls_cert_file is None or settings.tls_key_file is None:
        return None
    chain = settings.tls_cert_file.read_bytes()
    key = settings.tls_key_file.read_bytes()
    ca = settings.tls_client_ca_file.read_bytes() if settings.tls_client_ca_file is not None else None
    return grpc.ssl_server_credentials(
        [(key, chain)], root_certificates=ca, require_client_auth=ca is not None
    )


async def create_server(settings: Settings, telemetry: Telemetry | None = None) -> RunningServer:
    """Start a server (health, reflection, Recommender) and its solver pool."""
    policy = auth_policy(settings)  # fail on a bad token file before anything starts
    credentials = server_credentials(settings)
    telemetry = telemetry or configure_telemetry()
    pool = SolverPool(
        settings.workers,
        spares=settings.spare_workers,
        max_queued=settings.max_queued_solves,
        memory_mb=settings.worker_memory_mb,
        nice=settings.worker_nice,
        small_lane=settings.small_lane_workers,
    )
    await pool.warm_up()
    cache = ResponseCache(settings.response_cache_mb * MIB) if settings.response_cache_mb > 0 else None
    interceptors: list[grpc.aio.ServerInterceptor] = [TelemetryInterceptor()]
    if policy.enabled:
        interceptors.append(AuthInterceptor(policy))
    admission = AdmissionInterceptor(settings.limit_values(), cache, max_abs_number=settings.max_abs_number)
    interceptors += [ErrorMappingInterceptor(), admission]
    extra: dict[str, Any] = {}
    if settings.max_concurrent_rpcs > 0:
        extra["maximum_concurrent_rpcs"] = settings.max_concurrent_rpcs
    server = grpc.aio.server(interceptors=interceptors, options=_options(settings), **extra)
    recommender_service_pb2_grpc.add_RecommenderServicer_to_server(
        RecommenderServicer(SolveRunner(pool, settings), settings.max_abs_number), server
    )
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection((SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server)
    address = f"{settings.host}:{settings.port}"
    try:
        port = (
            server.add_secure_port(address, credentials)
            if credentials is not None
            else server.add_insecure_port(address)
        )
    except RuntimeError as error:
        pool.shutdown()
        raise RuntimeError(f"could not bind {address}: {error}") from error
    if port == 0:
        pool.shutdown()
        raise RuntimeError(f"could not bind {address}")
    await server.start()
    for name in ("", SERVICE_NAME):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return RunningServer(server, port, health_servicer, pool, telemetry, settings, cache, policy)


def _describe(settings: Settings, running: RunningServer) -> str:
    policy = running.auth
    auth = "off"
    if policy is not None and policy.enabled:
        parts = []
        if policy.credentials.tokens:
            parts.append(f"bearer tokens ({len(policy.credentials.tokens)})")
        if policy.mtls:
            parts.append("mutual TLS")
        if policy.tenancy:
            parts.append(f"tenancy via '{policy.tenant_header}'")
        auth = ", ".join(parts) + f"; exempt: {', '.join(policy.exempt) or 'none'}"
    return (
        f"{settings.workers} solver workers (+{settings.small_lane_workers} for small requests, "
        f"+{settings.spare_workers} spare), "
        f"queue {settings.max_queued_solves}, TLS {'on' if settings.tls else 'off'}, auth {auth}"
    )


async def serve(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully."""
    running = await create_server(settings)
    print(f"finops-recommender listening on {settings.host}:{running.port}", flush=True)
    _LOG.info("serving on %s:%d: %s", settings.host, running.port, _describe(settings, running))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    _LOG.info("shutting down: draining in-flight calls for up to %.1f s", settings.grace_seconds)
    await running.stop()
    _LOG.info("stopped")
