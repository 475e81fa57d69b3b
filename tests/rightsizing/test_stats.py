"""Percentiles from sorted rows vs numpy's own implementation (the oracle)."""

from __future__ import annotations

import numpy as np
import pytest

from solvers.rightsizing_data import Resources, SeriesBlock
from solvers.rightsizing_stats import compute_stats, sorted_quantiles


@pytest.mark.parametrize("length", [1, 2, 7, 4032])
def test_sorted_quantiles_equal_numpy_percentile(
    traces: tuple[tuple[str, ...], np.ndarray], length: int
) -> None:
    _, samples = traces
    block = samples[:, :length].copy()
    levels = [50.0, 90.0, 95.0, 99.5, 100.0]
    want = np.percentile(block.astype(np.float64), levels, axis=1).T
    got = sorted_quantiles(np.sort(block, axis=1), levels)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


def test_blocks_of_different_lengths_and_missing_dimensions(
    traces: tuple[tuple[str, ...], np.ndarray],
) -> None:
    _, samples = traces
    blocks = [
        SeriesBlock(rows=np.array([0, 2]), samples=samples[:2, :300].copy()),
        SeriesBlock(rows=np.array([1]), samples=samples[2:3, :500].copy()),
    ]
    resources = Resources(
        current=np.zeros(4, dtype=np.int64),
        hours_fraction=np.ones(4),
        history_hours=np.full(4, 48.0),
        required_features=(frozenset(),) * 4,
        series={"cpu": blocks},
    )
    stats = compute_stats(resources, [95.0, 100.0])["cpu"]
    assert stats.samples.tolist() == [300, 500, 300, 0]
    assert stats.at(95.0)[1] == pytest.approx(np.percentile(samples[2, :500].astype(np.float64), 95))
    assert stats.at(100.0)[2] == pytest.approx(samples[1, :300].max())
    assert np.isnan(stats.at(95.0)[3]) and not stats.measured[3]
    assert stats.mean[0] == pytest.approx(samples[0, :300].astype(np.float64).mean())
