"""Fixtures: real traces and catalogues from ``shared/data``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recommender.domain.rightsizing import InstanceTypeSpec
from tests.rightsizing.data import azure_catalog, ec2_catalog, load_traces


@pytest.fixture(scope="module")
def traces(shared_data: Path) -> tuple[tuple[str, ...], np.ndarray]:
    return load_traces(shared_data)


@pytest.fixture(scope="module")
def azure(shared_data: Path) -> list[InstanceTypeSpec]:
    return azure_catalog(shared_data)


@pytest.fixture(scope="module")
def ec2(shared_data: Path) -> list[InstanceTypeSpec]:
    return ec2_catalog(shared_data)
