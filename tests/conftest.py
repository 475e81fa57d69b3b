"""Shared fixtures: a real server on a loopback port, the shared public data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from clients.client import RecommenderClient
from clients.local_server import local_server

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """``../shared/data`` next to the repository (or $FINOPS_SHARED_DATA)."""
    return Path(os.environ.get("FINOPS_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"public data not found at {path} (set FINOPS_SHARED_DATA to the shared/data directory)")
    return path


@pytest.fixture(scope="session")
def server_address() -> Iterator[str]:
    """A real server process on 127.0.0.1 with a free port, shared by the session."""
    with local_server(extra_args=("--workers", "2")) as address:
        yield address


@pytest.fixture()
def client(server_address: str) -> Iterator[RecommenderClient]:
    with RecommenderClient(server_address, timeout=60, retries=2) as c:
        c.wait_ready(timeout=30)
        yield c


@pytest.fixture()
def channel(server_address: str) -> Iterator[grpc.Channel]:
    ch = grpc.insecure_channel(server_address)
    yield ch
    ch.close()
