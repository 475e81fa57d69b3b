"""Wrapping method handlers in interceptors, built once per method.

:func:`rewrap` gives a handler the same kind (unary/stream request and response)
with its behaviour wrapped; every interceptor uses it. gRPC asks each interceptor
for a handler on every call; the registered handlers are the same objects each
time and the wrappers hold no per-call state, so :class:`HandlerCache` builds a
wrapper once per (method, inner handler) and reuses it.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc

from recommender.server.context import MethodHandler

Wrap = Callable[[Any], Any]

_FACTORIES = (
    ("unary_unary", grpc.unary_unary_rpc_method_handler),
    ("stream_unary", grpc.stream_unary_rpc_method_handler),
    ("unary_stream", grpc.unary_stream_rpc_method_handler),
    ("stream_stream", grpc.stream_stream_rpc_method_handler),
)


def rewrap(
    handler: MethodHandler,
    wraps: dict[str, Wrap],
    request_deserializer: Callable[[bytes], Any] | None = None,
) -> MethodHandler:
    """``handler`` with its behaviour replaced by ``wraps[kind](behaviour)`` for its kind
    (``unary_unary``, ``stream_unary``, ``unary_stream`` or ``stream_stream``); a kind
    without a wrapper is returned unchanged. ``request_deserializer`` replaces the
    handler's own when given.
    """
    for kind, factory in _FACTORIES:
        behaviour = getattr(handler, kind)
        if behaviour is None:
            continue
        wrap = wraps.get(kind)
        if wrap is None:
            return handler
        return factory(
            wrap(behaviour),
            request_deserializer=request_deserializer or handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    return handler


async def relay(result: Any) -> AsyncIterator[Any]:
    """What a response-streaming behaviour produced: the items of an async iterator, or
    nothing once an awaitable (a handler that writes its own responses) is done.
    """
    if inspect.isawaitable(result):
        await result
        return
    async for item in result:
        yield item


class HandlerCache:
    """``method -> (inner handler, wrapped handler)``, rebuilt when the inner handler changes."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[MethodHandler, MethodHandler]] = {}

    def get(
        self, method: str, inner: MethodHandler, wrap: Callable[[MethodHandler], MethodHandler]
    ) -> MethodHandler:
        """The wrapper of ``inner`` for ``method`` (built by ``wrap`` the first time)."""
        entry = self._entries.get(method)
        if entry is None or entry[0] is not inner:
            entry = (inner, wrap(inner))
            self._entries[method] = entry
        return entry[1]
