"""``finops-recommender serve`` in a child process, for tests of the real executable."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class ServeProcess:
    """The child, its loopback address and the first line it printed (``listening on ...``)."""

    proc: subprocess.Popen[str]
    address: str
    first_line: str


@contextmanager
def serve_process(*args: str, env: dict[str, str] | None = None) -> Iterator[ServeProcess]:
    """Start ``serve --port 0 *args``; yield once it listens; kill it if it still runs at exit."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "clients.cli", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        port = re.search(r"listening on [^:]+:(\d+)", line)
        assert port, line
        yield ServeProcess(proc, f"127.0.0.1:{port.group(1)}", line)
    finally:
        if proc.poll() is None:
            proc.kill()
