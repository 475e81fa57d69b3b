"""Forecaster against known generating processes (the formulas are the oracle)."""

from __future__ import annotations

import numpy as np
import pytest

from solvers.forecast import accuracy, fit_forecast, pinball_loss


def test_noise_free_trend_and_weekly_season_are_recovered_exactly() -> None:
    hours = 21 * 24
    t = np.arange(hours + 200)
    rng = np.random.default_rng(2)
    hour_of_day, day_of_week = rng.normal(0, 2, 24), rng.normal(0, 3, 7)
    season = hour_of_day[t % 24] + day_of_week[(t % 168) // 24]  # the model's additive family
    truth = 50.0 + 0.01 * t + season
    model = fit_forecast(truth[:hours, None])
    assert model.period == 168
    assert model.slope[0] == pytest.approx(0.01, rel=1e-9)
    # shape exact; the level may shift by the medians' split between hour and day effects
    diff = model.point(200)[:, 0] - truth[hours:]
    assert np.ptp(diff) < 1e-6
    assert abs(diff.mean()) < 0.05 * truth.mean()


def test_trend_is_robust_to_spikes_and_damped_after_one_history_length() -> None:
    rng = np.random.default_rng(0)
    hours = 14 * 24
    t = np.arange(hours)
    y = 10.0 + 0.02 * t
    days = rng.choice(14, 2, replace=False)
    for day in days:
        y[day * 24 : day * 24 + 24] += 40.0  # two outage-like spikes
    model = fit_forecast(y[:, None])
    assert model.slope[0] == pytest.approx(0.02, rel=0.05)
    far = model.point(3 * hours)[:, 0]
    # flat after one history length: weekly averages of the last two weeks are equal
    assert far[-168:].mean() == pytest.approx(far[-336:-168].mean(), rel=1e-9)


def test_interval_coverage_on_iid_noise() -> None:
    rng = np.random.default_rng(3)
    y = 20.0 + rng.normal(0, 2.0, size=(28 * 24, 1))
    result = accuracy(y[: 21 * 24], y[21 * 24 :], levels=(0.1, 0.5, 0.9))
    assert 0.7 <= result.coverage <= 0.9
    assert result.wape < 0.1


def test_pinball_loss_closed_form() -> None:
    actual = np.array([1.0, 2.0, 3.0])
    assert pinball_loss(actual, np.array([2.0, 2.0, 2.0]), 0.9) == pytest.approx((0.1 * 1 + 0 + 0.9 * 1) / 3)


def test_sample_paths_are_non_negative_and_keep_class_correlation() -> None:
    rng = np.random.default_rng(5)
    base = rng.gamma(2.0, 1.0, size=(21 * 24, 1))
    y = np.hstack([base, 2 * base])
    paths = fit_forecast(y).sample_paths(500, 3, np.random.default_rng(1))
    assert (paths >= 0).all()
    corr = np.corrcoef(paths[0, :, 0], paths[0, :, 1])[0, 1]
    assert corr > 0.99
