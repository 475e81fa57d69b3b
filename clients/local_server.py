"""Start a server in a child process for the CLI's ``demo`` and ``--local`` modes."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LISTENING = re.compile(r"listening on (?P<host>[^\s:]+):(?P<port>\d+)")


@contextmanager
def local_server(
    startup_timeout: float = 60.0, extra_args: tuple[str, ...] = (), log_level: str = "WARNING"
) -> Iterator[str]:
    """Run ``finops-recommender serve --port 0``; yield its ``host:port``; stop it with SIGTERM."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "clients.cli", "serve", "--port", "0", "--log-level", log_level, *extra_args],
        stdout=subprocess.PIPE,
        text=True,
    )
    found: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            match = _LISTENING.search(line)
            if match and not found:
                found.append(f"{match['host']}:{match['port']}")
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(startup_timeout) or not found:
            raise RuntimeError("the local server did not start (see its log above)")
        yield found[0]
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
