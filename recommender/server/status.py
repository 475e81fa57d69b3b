"""The one place that maps domain exceptions to gRPC status codes.

Errors are sent as ``google.rpc.Status`` (``grpc-status-details-bin``) carrying an
``ErrorInfo`` (reason, domain, metadata) and, for bad input, a ``BadRequest`` with
one field violation per offending field or row (AIP-193).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from recommender.errors import (
    InfeasibleError,
    InvalidArgumentError,
    LimitExceededError,
    NotImplementedLeverError,
    PermissionDeniedError,
    RecommenderError,
    SolverCrashedError,
    SolveTimeoutError,
    UnauthenticatedError,
)
from recommender.server.context import Context, Continuation, MethodHandler
from recommender.server.handler_wrapping import HandlerCache, relay, rewrap

DOMAIN = "recommender.finops.dev"
_LOG = logging.getLogger(__name__)

_CODES: list[tuple[type[RecommenderError], int]] = [
    (InvalidArgumentError, code_pb2.INVALID_ARGUMENT),
    (InfeasibleError, code_pb2.FAILED_PRECONDITION),
    (LimitExceededError, code_pb2.RESOURCE_EXHAUSTED),
    (SolveTimeoutError, code_pb2.DEADLINE_EXCEEDED),
    (NotImplementedLeverError, code_pb2.UNIMPLEMENTED),
    (SolverCrashedError, code_pb2.UNAVAILABLE),
    (UnauthenticatedError, code_pb2.UNAUTHENTICATED),
    (PermissionDeniedError, code_pb2.PERMISSION_DENIED),
]


def _pack(message: Any) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def to_status(error: Exception) -> status_pb2.Status:
    """google.rpc.Status for any exception (unknown ones become a generic INTERNAL)."""
    if not isinstance(error, RecommenderError):
        info = error_details_pb2.ErrorInfo(reason="INTERNAL_ERROR", domain=DOMAIN)
        return status_pb2.Status(
            code=code_pb2.INTERNAL,
            message="internal error; the server logged the details",
            details=[_pack(info)],
        )
    code = next((c for cls, c in _CODES if isinstance(error, cls)), code_pb2.INTERNAL)
    metadata = {k: v for k, v in error.metadata.items() if v}
    details = [_pack(error_details_pb2.ErrorInfo(reason=error.reason, domain=DOMAIN, metadata=metadata))]
    if isinstance(error, InvalidArgumentError):
        bad = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
                for v in error.violations
            ]
        )
        details.append(_pack(bad))
    if isinstance(error, InfeasibleError) and error.binding:
        failure = error_details_pb2.PreconditionFailure(
            violations=[
                error_details_pb2.PreconditionFailure.Violation(
                    type="BINDING_RULE", subject=rule, description=rule
                )
                for rule in error.binding
            ]
        )
        details.append(_pack(failure))
    if isinstance(error, LimitExceededError):
        quota = error_details_pb2.QuotaFailure(
            violations=[
                error_details_pb2.QuotaFailure.Violation(subject=error.limit, description=error.message)
            ]
        )
        details.append(_pack(quota))
    return status_pb2.Status(code=code, message=error.message, details=details)


async def abort_with_error(context: Context, error: Exception) -> None:
    """Abort the RPC with the rich status of ``error`` (raises ``grpc.aio.AbortError``)."""
    status = rpc_status.to_status(to_status(error))
    await context.abort(status.code, status.details, status.trailing_metadata)


Handler = Callable[[Any, Context], Awaitable[Any]]


async def _fail(context: Context, error: Exception) -> None:
    """Abort with ``error``'s status; an unexpected error is logged with its traceback first."""
    if not isinstance(error, RecommenderError):
        _LOG.exception("unhandled error in RPC")
    await abort_with_error(context, error)


def _wrap(inner: Handler) -> Handler:
    async def handler(request: Any, context: Context) -> Any:
        try:
            return await inner(request, context)
        except grpc.aio.AbortError:
            raise
        except Exception as error:  # every failure becomes a proper status
            await _fail(context, error)

    return handler


def _wrap_stream(inner: Callable[[Any, Context], Any]) -> Callable[[Any, Context], AsyncIterator[Any]]:
    async def handler(request: Any, context: Context) -> AsyncIterator[Any]:
        try:
            async for item in relay(inner(request, context)):
                yield item
        except grpc.aio.AbortError:
            raise
        except Exception as error:  # every failure becomes a proper status
            await _fail(context, error)

    return handler


class ErrorMappingInterceptor(grpc.aio.ServerInterceptor):
    """Wraps every unary-request or unary-response handler so domain errors become rich statuses.

    Server-streaming handlers of the services in ``streaming_services`` are wrapped
    too (health's Watch is left alone: it is not a Recommender call).
    """

    def __init__(self, streaming_services: tuple[str, ...] = ("finops.recommender.v1.Recommender",)) -> None:
        self._streaming_services = streaming_services
        self._handlers = HandlerCache()

    async def intercept_service(
        self,
        continuation: Continuation,
        handler_call_details: grpc.HandlerCallDetails,
    ) -> MethodHandler | None:
        """Replace the method handler with one that maps exceptions."""
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        return self._handlers.get(method, handler, lambda inner: self._wrap_handler(inner, method))

    def _wrap_handler(self, handler: MethodHandler, method: str) -> MethodHandler:
        wraps: dict[str, Callable[[Any], Any]] = {"unary_unary": _wrap, "stream_unary": _wrap}
        if method.lstrip("/").rpartition("/")[0] in self._streaming_services:
            wraps["unary_stream"] = _wrap_stream
        return rewrap(handler, wraps)
