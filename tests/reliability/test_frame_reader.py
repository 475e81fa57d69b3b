"""The pool's event-loop reader splits the bytes ``multiprocessing.Connection.send`` writes
back into the messages sent, however the stream is chunked (oracle: the objects sent)."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import random
import struct
import threading

import pytest

from recommender.server.pool import _FrameReader


def _wire_bytes(messages: list[object]) -> bytes:
    """What a worker's ``Connection.send`` puts on a real pipe for ``messages``."""
    reader, writer = multiprocessing.get_context("spawn").Pipe(duplex=False)
    chunks: list[bytes] = []

    def drain() -> None:
        while chunk := os.read(reader.fileno(), 1 << 16):
            chunks.append(chunk)

    thread = threading.Thread(target=drain)
    thread.start()
    for message in messages:
        writer.send(message)
    writer.close()
    thread.join()
    reader.close()
    return b"".join(chunks)


@pytest.mark.parametrize("seed", range(5))
def test_messages_survive_any_chunking(seed: int) -> None:
    rng = random.Random(seed)
    messages: list[object] = [
        ("ready", 1234, None),
        (1, True, b"x" * 10),
        (2, True, rng.randbytes(16_384 - 40)),  # around the size where send() splits header and payload
        (3, True, rng.randbytes(16_385)),
        (4, False, {"error": "boom", "rows": [1, 2]}),
        (5, True, rng.randbytes(3_000_000)),  # several reads of 1 MiB
        (6, True, b""),
    ]
    stream = _wire_bytes(messages)
    frames, got, at = _FrameReader(), [], 0
    while at < len(stream):
        step = rng.choice((1, 3, 4, 5, 100, 4096, 70_000, 1 << 20))
        got += [pickle.loads(p) for p in frames.feed(stream[at : at + step])]
        at += step
    assert got == messages
    assert frames.feed(b"") == []


def test_long_header_for_huge_payloads() -> None:
    """Payloads of 2 GiB or more are sent as length -1 and an 8-byte length (built by hand)."""
    payload = pickle.dumps((7, True, b"abc"))
    stream = struct.pack("!i", -1) + struct.pack("!Q", len(payload)) + payload
    frames = _FrameReader()
    assert frames.feed(stream[:6]) == []
    assert frames.feed(stream[6:]) == [payload]
