"""Fixtures for the ingestion tests: the shared public data directory and tmp-file writers."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

# ../shared/data relative to the repository root, or $FINOPS_SHARED_DATA.
DEFAULT_SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def public_data_dir() -> Path:
    return Path(os.environ.get("FINOPS_SHARED_DATA", DEFAULT_SHARED))


@pytest.fixture(scope="session")
def public_data() -> Path:
    path = public_data_dir()
    if not path.is_dir():
        pytest.skip(f"public data not found at {path} (set FINOPS_SHARED_DATA to the shared/data directory)")
    return path


@pytest.fixture()
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write text (or bytes) to a file named ``name`` in a tmp dir and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
