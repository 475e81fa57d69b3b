"""Wrapped method handlers kept per method, so interceptors do not rebuild them on every call.

gRPC asks each interceptor for a handler on every call; the registered handlers
are the same objects each time, and the wrappers hold no per-call state, so a
wrapper is built once per (method, inner handler) and reused.
"""

from __future__ import annotations

from collections.abc import Callable

from recommender.server.context import MethodHandler


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
