"""Typed Python client of the Recommender service.

Every call carries a deadline; calls are retried (with exponential backoff) only
when the server answers UNAVAILABLE, which is safe because every RPC is a pure
computation. Errors surface as :class:`RecommenderCallError` with the decoded
``google.rpc`` details (ErrorInfo reason, field violations).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import grpc
import numpy as np
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from clients.usage_stream import DEFAULT_CHUNK_BYTES, usage_chunks
from recommender.api.v1 import (
    commitments_pb2,
    commitments_stream_pb2,
    consolidation_pb2,
    recommend_pb2,
    rightsizing_pb2,
    routing_pb2,
)
from recommender.api.v1 import recommender_service_pb2_grpc as service_grpc

Response = TypeVar("Response")
DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024 * 1024
TOKEN_ENV = "FINOPS_RECOMMENDER_TOKEN"
TENANT_HEADER = "x-finops-tenant"


@dataclass
class RecommenderCallError(Exception):
    """A failed call with its status code, message and rich error details."""

    code: grpc.StatusCode
    message: str
    reason: str = ""
    field_violations: list[tuple[str, str]] = field(default_factory=list)
    error_metadata: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        lines = [f"{self.code.name}: {self.message}"]
        lines += [f"  {f}: {d}" for f, d in self.field_violations]
        return "\n".join(lines)

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError) -> RecommenderCallError:
        """Decode ``grpc-status-details-bin`` when present."""
        code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
        message = error.details() if hasattr(error, "details") else str(error)
        reason, violations, info_metadata = "", [], {}
        status = rpc_status.from_call(error) if isinstance(error, grpc.Call) else None
        details: list[Any] = list(status.details) if status else []
        for detail in details:
            info = error_details_pb2.ErrorInfo()
            bad = error_details_pb2.BadRequest()
            if detail.Is(info.DESCRIPTOR):
                detail.Unpack(info)
                reason = info.reason
                info_metadata = dict(info.metadata)
            elif detail.Is(bad.DESCRIPTOR):
                detail.Unpack(bad)
                violations = [(v.field, v.description) for v in bad.field_violations]
        return cls(code, message or "", reason, violations, info_metadata)


@dataclass(frozen=True)
class TlsOptions:
    """TLS to the server: its CA (None = system roots) and, for mutual TLS, a client certificate."""

    root_certificates: bytes | None = None
    certificate_chain: bytes | None = None
    private_key: bytes | None = None
    server_name: str | None = None

    @classmethod
    def from_files(
        cls,
        ca: str | Path | None = None,
        cert: str | Path | None = None,
        key: str | Path | None = None,
        server_name: str | None = None,
    ) -> TlsOptions:
        """Read PEM files (any may be None)."""

        def read(path: str | Path | None) -> bytes | None:
            return Path(path).read_bytes() if path else None

        return cls(read(ca), read(cert), read(key), server_name)

    def credentials(self) -> grpc.ChannelCredentials:
        """GRPC channel credentials."""
        return grpc.ssl_channel_credentials(self.root_certificates, self.private_key, self.certificate_chain)


def read_token(path: str | Path | None = None) -> str | None:
    """A bearer token from a file, else from ``$FINOPS_RECOMMENDER_TOKEN``, else None."""
    if path:
        return Path(path).read_text(encoding="utf-8").strip() or None
    return os.environ.get(TOKEN_ENV, "").strip() or None


def open_channel(
    target: str,
    *,
    tls: TlsOptions | None = None,
    credentials: grpc.ChannelCredentials | None = None,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
) -> grpc.Channel:
    """A channel: TLS when ``tls``/``credentials`` is given, plaintext otherwise."""
    options: list[tuple[str, Any]] = [
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes),
    ]
    if tls is not None and tls.server_name:
        options.append(("grpc.ssl_target_name_override", tls.server_name))
    creds = credentials if credentials is not None else (tls.credentials() if tls is not None else None)
    if creds is not None:
        return grpc.secure_channel(target, creds, options)
    return grpc.insecure_channel(target, options)


class RecommenderClient:
    """Blocking client; use as a context manager or call :meth:`close`.

    ``token`` is sent as ``authorization: Bearer <token>`` and ``tenant`` as
    ``x-finops-tenant`` on every call; ``tls`` (or raw ``credentials``) makes the
    channel TLS, with a client certificate for mutual TLS. Without TLS a token
    travels in clear text: use that only on loopback or behind a TLS proxy.
    """

    def __init__(
        self,
        target: str,
        *,
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 0.2,
        credentials: grpc.ChannelCredentials | None = None,
        metadata: tuple[tuple[str, str], ...] = (),
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
        token: str | None = None,
        tenant: str | None = None,
        tls: TlsOptions | None = None,
    ) -> None:
        self._channel = open_channel(
            target, tls=tls, credentials=credentials, max_message_bytes=max_message_bytes
        )
        self._stub = service_grpc.RecommenderStub(self._channel)
        self._timeout = timeout
        self._retries = retries
        self._backoff = backoff
        extra: list[tuple[str, str]] = []
        if token:
            extra.append(("authorization", f"Bearer {token}"))
        if tenant:
            extra.append((TENANT_HEADER, tenant))
        self._metadata = tuple(metadata) + tuple(extra)

    def __repr__(self) -> str:
        return f"RecommenderClient(timeout={self._timeout}, retries={self._retries})"  # never the token

    def __enter__(self) -> RecommenderClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the channel."""
        self._channel.close()

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Block until the channel connects."""
        grpc.channel_ready_future(self._channel).result(timeout=timeout)

    def _call(self, method: Callable[..., Response], request: Any, timeout: float | None) -> Response:
        deadline = timeout if timeout is not None else self._timeout
        attempt = 0
        while True:
            try:
                return method(request, timeout=deadline, metadata=self._metadata)
            except grpc.RpcError as error:
                if error.code() == grpc.StatusCode.UNAVAILABLE and attempt < self._retries:
                    time.sleep(self._backoff * (2**attempt))
                    attempt += 1
                    continue
                raise RecommenderCallError.from_rpc_error(error) from error

    def plan_commitments(
        self, request: commitments_pb2.PlanCommitmentsRequest, timeout: float | None = None
    ) -> commitments_pb2.PlanCommitmentsResponse:
        """Joint commitment plan."""
        return self._call(self._stub.PlanCommitments, request, timeout)

    def plan_commitments_stream(
        self,
        request: commitments_pb2.PlanCommitmentsRequest,
        usage: np.ndarray | None = None,
        *,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
        timeout: float | None = None,
    ) -> commitments_pb2.PlanCommitmentsResponse:
        """Joint commitment plan for usage of any size, streamed in blocks of hours.

        ``usage`` (hours x classes, columns in ``request.usage_classes`` order)
        replaces the request's series; without it the series are streamed. Each
        message stays below ``chunk_bytes`` of values plus the header.
        """

        def call(_: object, timeout: float | None, metadata: tuple[tuple[str, str], ...]) -> Any:
            chunks = usage_chunks(request, usage, chunk_bytes=chunk_bytes)  # fresh on each retry
            return self._stub.PlanCommitmentsStream(chunks, timeout=timeout, metadata=metadata)

        wrapped: commitments_stream_pb2.PlanCommitmentsStreamResponse = self._call(call, None, timeout)
        return wrapped.response

    def right_size(
        self, request: rightsizing_pb2.RightSizeRequest, timeout: float | None = None
    ) -> rightsizing_pb2.RightSizeResponse:
        """Right-sizing."""
        return self._call(self._stub.RightSize, request, timeout)

    def consolidate_vendors(
        self, request: consolidation_pb2.ConsolidateVendorsRequest, timeout: float | None = None
    ) -> consolidation_pb2.ConsolidateVendorsResponse:
        """Vendor consolidation."""
        return self._call(self._stub.ConsolidateVendors, request, timeout)

    def route_workloads(
        self, request: routing_pb2.RouteWorkloadsRequest, timeout: float | None = None
    ) -> routing_pb2.RouteWorkloadsResponse:
        """Workload routing."""
        return self._call(self._stub.RouteWorkloads, request, timeout)

    def recommend(
        self, request: recommend_pb2.RecommendRequest, timeout: float | None = None
    ) -> recommend_pb2.RecommendResponse:
        """Ranked plans across levers."""
        return self._call(self._stub.Recommend, request, timeout)
