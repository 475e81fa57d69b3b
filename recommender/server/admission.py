"""Admission of Recommender calls, before any decoding or solving.

1. measure the request (``registry.measure``: repeated-field lengths only) and
   reject it with RESOURCE_EXHAUSTED naming the limit when it is too large; chunks of
   client streams are also scanned for finite numbers beyond ``max_abs_number``
   (INVALID_ARGUMENT, field named) — unary requests are scanned in the solver worker
   before decoding (:func:`~recommender.server.number_bounds.bounded_plan`), off the
   event loop;
2. record what the runner needs (request size, sizes, caller) in a context
   variable (:func:`current_request`);
3. answer from the response cache when the identical request (same method, same
   bytes as received, same tenant) was already solved to proven optimality.

Client-streaming requests are measured chunk by chunk (sizes add up), so a
stream is cut off as soon as it passes a limit.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf.message import DecodeError, Message

from recommender.errors import FieldViolation, InvalidArgumentError
from recommender.server.auth import current_identity
from recommender.server.cache import ResponseCache
from recommender.server.context import Context, Continuation, MethodHandler
from recommender.server.handler_wrapping import HandlerCache, relay, rewrap
from recommender.server.limits import Limits
from recommender.server.number_bounds import out_of_range_numbers
from recommender.server.registry import RpcSpec, all_plans_optimal, measure, spec_for

_MEASURE_INLINE_BYTES = 1024 * 1024
CACHE_METADATA_KEY = "x-finops-cache"


@dataclass(frozen=True)
class RequestInfo:
    """What is known about the call being handled."""

    method: str
    request_bytes: int
    sizes: Mapping[str, int]
    principal: str | None
    tenant: str | None
    payload: bytes | None = None
    """The request's bytes as received (unary calls), so they are not encoded again."""


_CURRENT: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("finops_request", default=None)


def current_request() -> RequestInfo | None:
    """The admitted request being handled (None outside a Recommender call)."""
    return _CURRENT.get()


class MalformedRequestError(InvalidArgumentError):
    """The request bytes are not a valid protobuf encoding of the request type."""

    reason = "MALFORMED_PROTOBUF"


@dataclass(frozen=True)
class Undecodable:
    """Placeholder for a request whose bytes did not parse (answered INVALID_ARGUMENT, not UNKNOWN)."""

    type_name: str
    error: str
    size: int

    def problem(self) -> MalformedRequestError:
        """The error to answer with."""
        text = f"not a valid protobuf encoding of {self.type_name} ({self.size} bytes): {self.error}"
        return MalformedRequestError([FieldViolation("request", text)])


@dataclass(frozen=True)
class Received:
    """A parsed request and the bytes it arrived as (their size and digest need no re-encoding)."""

    message: Message
    data: bytes


def tolerant_deserializer(request_type: type[Message]) -> Callable[[bytes], Received | Undecodable]:
    """Parse request bytes; a corrupt encoding becomes :class:`Undecodable` instead of an exception."""

    def deserialize(data: bytes) -> Received | Undecodable:
        try:
            return Received(request_type.FromString(data), data)
        except DecodeError as error:
            return Undecodable(
                request_type.DESCRIPTOR.full_name, str(error).split(":")[-1].strip(), len(data)
            )

    return deserialize


def _parsed(request: Received | Undecodable) -> Received:
    if isinstance(request, Undecodable):
        raise request.problem()
    return request


@dataclass(frozen=True)
class Admission:
    """The checks every request passes before decoding: size limits and number magnitudes."""

    limits: Limits
    max_abs_number: float = 1e12

    def check(self, spec_name: str, request: Received, numbers: bool) -> dict[str, int]:
        """Sizes of an admitted request; RESOURCE_EXHAUSTED / INVALID_ARGUMENT otherwise
        (number magnitudes only when ``numbers``).
        """
        sizes = measure(request.message)
        self.limits.check(sizes, f"the {spec_name} request")
        if numbers and self.max_abs_number > 0:
            violations = out_of_range_numbers(request.message, self.max_abs_number)
            if violations:
                raise InvalidArgumentError(violations)
        return sizes

    async def check_async(self, spec_name: str, request: Received, numbers: bool) -> dict[str, int]:
        """:meth:`check`, off the event loop for big requests."""
        if len(request.data) <= _MEASURE_INLINE_BYTES:
            return self.check(spec_name, request, numbers)
        return await asyncio.to_thread(self.check, spec_name, request, numbers)


Handler = Callable[[Any, Context], Any]


class AdmissionInterceptor(grpc.aio.ServerInterceptor):
    """Size limits, request info and the response cache for every Recommender RPC."""

    def __init__(
        self,
        limits: Limits,
        cache: ResponseCache | None = None,
        cacheable: Callable[[Message], bool] = all_plans_optimal,
        max_abs_number: float = 1e12,
    ) -> None:
        self._admission = Admission(limits, max_abs_number)
        self._handlers = HandlerCache()
        self._limits = limits
        self._cache = cache
        self._cacheable = cacheable

    def _cache_key(self, spec: RpcSpec, request: Received, tenant: str | None) -> bytes | None:
        if self._cache is None or not self._cache.accepts(len(request.data)):
            return None
        digest = hashlib.sha256()
        for part in (spec.full_method, tenant or ""):
            digest.update(part.encode("utf-8") + b"\0")
        digest.update(request.data)
        return digest.digest()

    def _unary(self, spec: RpcSpec, inner: Handler) -> Handler:
        async def handler(raw: Received | Undecodable, context: Context) -> Any:
            request = _parsed(raw)
            sizes = await self._admission.check_async(spec.name, request, numbers=False)
            identity = current_identity()
            tenant = identity.tenant if identity else None
            principal = identity.principal if identity else None
            info = RequestInfo(spec.name, len(request.data), sizes, principal, tenant, request.data)
            token = _CURRENT.set(info)
            try:
                key = self._cache_key(spec, request, tenant)
                if key is not None and self._cache is not None:
                    hit = self._cache.get(key)
                    if hit is not None:
                        context.set_trailing_metadata(((CACHE_METADATA_KEY, "hit"),))
                        return hit
                response = await inner(request.message, context)
                if key is not None and self._cache is not None and self._cacheable(response):
                    self._cache.put(key, response)
                return response
            finally:
                _CURRENT.reset(token)

        return handler

    def _client_stream(self, spec: RpcSpec, inner: Handler) -> Handler:
        limits, admission = self._limits, self._admission

        async def handler(requests: AsyncIterator[Received | Undecodable], context: Context) -> Any:
            totals: Counter[str] = Counter()
            seen = {"bytes": 0}

            async def checked() -> AsyncIterator[Message]:
                async for raw in requests:
                    chunk = _parsed(raw)
                    sizes = await admission.check_async(spec.name, chunk, numbers=True)
                    seen["bytes"] += len(chunk.data)
                    totals.update(sizes)
                    limits.check(totals, f"the {spec.name} request stream")
                    yield chunk.message

            identity = current_identity()
            token = _CURRENT.set(
                RequestInfo(
                    spec.name,
                    1 << 62,  # unknown until the end: never "small"
                    totals,
                    identity.principal if identity else None,
                    identity.tenant if identity else None,
                )
            )
            try:
                return await inner(checked(), context)
            finally:
                _CURRENT.reset(token)

        return handler

    def _server_stream(self, spec: RpcSpec, inner: Handler) -> Handler:
        async def handler(raw: Received | Undecodable, context: Context) -> AsyncIterator[Any]:
            request = _parsed(raw)
            sizes = await self._admission.check_async(spec.name, request, numbers=True)
            identity = current_identity()
            _CURRENT.set(
                RequestInfo(
                    spec.name,
                    len(request.data),
                    sizes,
                    identity.principal if identity else None,
                    identity.tenant if identity else None,
                )
            )
            async for item in relay(inner(request.message, context)):
                yield item

        return handler

    async def intercept_service(
        self, continuation: Continuation, handler_call_details: grpc.HandlerCallDetails
    ) -> MethodHandler | None:
        """Wrap the Recommender's unary-response handlers; other services pass through."""
        handler = await continuation(handler_call_details)
        spec = spec_for(handler_call_details.method)
        if handler is None or spec is None:
            return handler
        return self._handlers.get(spec.full_method, handler, lambda inner: self._wrap_handler(inner, spec))

    def _wrap_handler(self, handler: MethodHandler, spec: RpcSpec) -> MethodHandler:
        wraps = {
            "unary_unary": lambda inner: self._unary(spec, inner),
            "stream_unary": lambda inner: self._client_stream(spec, inner),
            "unary_stream": lambda inner: self._server_stream(spec, inner),
        }
        return rewrap(handler, wraps, tolerant_deserializer(spec.request_type))
