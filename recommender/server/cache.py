"""A bounded LRU cache of responses, keyed by a digest of (method, tenant, request bytes).

Every RPC is a deterministic function of its request, so an identical request
(retries, dashboards polling the same plan) can be answered from memory. Only
responses whose plans were all solved to proven optimality are stored (a plan
found under a time limit could improve with a longer deadline). The cache is
bounded by the serialized size of the responses it holds; only requests up to
``max_request_bytes`` are considered (hashing a huge request costs more than it saves).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from google.protobuf.message import Message


@dataclass
class CacheStats:
    """Counters of the cache."""

    entries: int
    bytes: int
    hits: int
    misses: int


class ResponseCache:
    """LRU by total response bytes."""

    def __init__(self, max_bytes: int, max_request_bytes: int = 1024 * 1024) -> None:
        self._max_bytes = max_bytes
        self._max_request_bytes = max_request_bytes
        self._entries: OrderedDict[bytes, tuple[Message, int]] = OrderedDict()
        self._bytes = 0
        self._hits = 0
        self._misses = 0

    def accepts(self, request_bytes: int) -> bool:
        """Whether a request of this size is looked up at all."""
        return self._max_bytes > 0 and request_bytes <= self._max_request_bytes

    def get(self, key: bytes) -> Message | None:
        """The cached response (and mark it recently used), or None."""
        entry = self._entries.get(key)
        if entry is None:
            self._misses += 1
            return None
        self._entries.move_to_end(key)
        self._hits += 1
        return entry[0]

    def put(self, key: bytes, response: Message) -> None:
        """Store a response, evicting the least recently used ones beyond the budget."""
        size = response.ByteSize()
        if size > self._max_bytes // 4:
            return  # one response must not flush the cache
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        self._entries[key] = (response, size)
        self._bytes += size
        while self._bytes > self._max_bytes and self._entries:
            _, (_, evicted) = self._entries.popitem(last=False)
            self._bytes -= evicted

    def stats(self) -> CacheStats:
        """A snapshot of the counters."""
        return CacheStats(len(self._entries), self._bytes, self._hits, self._misses)
