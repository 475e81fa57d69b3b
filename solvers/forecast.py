"""Usage forecaster for commitment planning: robust trend + seasonal profile + bootstrap.

For each usage class ``j`` (column of an hourly history ``y[t, j]``, t = 0..T-1):

1. **Trend** — Theil–Sen line through the daily means (the median of all pairwise
   day-to-day slopes, robust to spikes and outages; needs ≥ 3 full days, else flat).
   Extrapolation is *damped*: the trend runs on for at most as many hours as the
   history is long and stays flat afterwards (a slope seen over 30 days is not
   projected over 3 years). Levels are clipped at 0.
2. **Seasonality** — an additive profile of period P = 168 hours (hour of week) when
   the history has ≥ 2 weeks, 24 (hour of day) with ≥ 2 days, none otherwise: the
   median detrended value at each hour of day plus (weekly) the median remaining
   offset of each day of week — 31 parameters rather than 168, so a few weeks of
   history do not overfit — centred to mean zero. With ≥ 2 weeks the slope uses
   only day pairs a whole number of weeks apart (unbiased by the weekly pattern). Phases continue from
   the history (hour ``T + h`` has phase ``(T + h) mod P``).
3. **Uncertainty** — residuals ``e = y − trend − season`` are resampled in whole
   blocks (weeks when the history has ≥ 8 of them, else days), the same block for every class so
   cross-class correlation is kept; the slope is resampled from a day-block
   bootstrap of the Theil–Sen fit. A sample path is
   ``max(0, level_T + s_ω · min(h, T) + season + residual block)``, where ``level_T``
   is the trend at the end of the history and ``s_ω`` a bootstrapped slope.
   Quantiles are empirical quantiles of such paths.

:func:`accuracy` scores a forecast on held-out data (WAPE of the median, pinball loss
per quantile, interval coverage) next to the seasonal-naive baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ForecastModel:
    """A fitted forecaster (see the module docstring)."""

    history_hours: int
    intercept: FloatArray  # (J,) trend level at hour 0
    slope: FloatArray  # (J,) trend change per hour
    slope_samples: FloatArray  # (S, J) bootstrapped slopes
    period: int  # seasonal period in hours (1 = none)
    seasonal: FloatArray  # (period, J), mean zero
    residuals: FloatArray  # (T, J)
    block: int  # residual bootstrap block length in hours

    @property
    def classes(self) -> int:
        """Number of usage classes."""
        return int(self.intercept.shape[0])

    def level_at_end(self) -> FloatArray:
        """Trend level at the last hour of the history (clipped at 0)."""
        return np.maximum(self.intercept + self.slope * (self.history_hours - 1), 0.0)

    def _steps(self, hours: int) -> FloatArray:
        """Damped trend steps ``min(h, T)`` for future hours h = 1..hours."""
        return np.minimum(np.arange(1, hours + 1, dtype=np.float64), float(self.history_hours))

    def _season(self, hours: int) -> FloatArray:
        phase = (self.history_hours + np.arange(hours)) % self.period
        return self.seasonal[phase]

    def point(self, hours: int) -> FloatArray:
        """Point forecast (trend + season) for the next ``hours`` hours, shape (hours, J)."""
        trend = self.level_at_end()[None, :] + self.slope[None, :] * self._steps(hours)[:, None]
        return np.maximum(np.maximum(trend, 0.0) + self._season(hours), 0.0)

    def sample_paths(
        self,
        hours: int,
        count: int,
        rng: np.random.Generator,
        *,
        trend: bool = True,
    ) -> FloatArray:
        """``count`` sample paths, shape (count, hours, J). ``trend=False`` freezes the level."""
        steps = self._steps(hours)
        season = self._season(hours)
        level = self.level_at_end()
        n_blocks = max(1, self.history_hours // self.block)
        out = np.empty((count, hours, self.classes))
        future_phase = (self.history_hours + np.arange(hours)) % self.block
        for n in range(count):
            slope = self.slope_samples[rng.integers(len(self.slope_samples))] if trend else 0.0 * self.slope
            trend_path = np.maximum(level[None, :] + np.asarray(slope)[None, :] * steps[:, None], 0.0)
            # one residual block per future block (phase-aligned within the block)
            chosen = rng.integers(0, n_blocks, size=hours // self.block + 2)
            block_of_hour = (np.arange(hours) + (self.history_hours % self.block)) // self.block
            src = chosen[block_of_hour] * self.block + future_phase
            src = np.minimum(src, self.history_hours - 1)
            out[n] = np.maximum(trend_path + season + self.residuals[src], 0.0)
        return out

    def quantiles(
        self, hours: int, levels: tuple[float, ...], *, samples: int = 200, seed: int = 0
    ) -> dict[float, FloatArray]:
        """Empirical quantiles of ``samples`` paths: level -> (hours, J)."""
        paths = self.sample_paths(hours, samples, np.random.default_rng(seed))
        return {q: np.quantile(paths, q, axis=0) for q in levels}


def _theil_sen(x: FloatArray, y: FloatArray, week: bool = False) -> tuple[float, float]:
    """Median pairwise slope and the median intercept (``week``: only pairs a whole number of
    weeks apart, so a day-of-week pattern does not bias the slope).
    """
    if len(x) < 3:
        return 0.0, float(np.median(y)) if len(y) else 0.0
    i, k = np.triu_indices(len(x), 1)
    keep = x[k] != x[i]
    if week:
        keep &= np.isclose(np.mod(x[k] - x[i], 168.0), 0.0)
    if not keep.any():
        return 0.0, float(np.median(y))
    i, k = i[keep], k[keep]
    slope = float(np.median((y[k] - y[i]) / (x[k] - x[i])))
    return slope, float(np.median(y - slope * x))


def fit_forecast(history: FloatArray, *, seed: int = 0, slope_samples: int = 64) -> ForecastModel:
    """Fit the forecaster to an hourly history of shape (T, J), T ≥ 1."""
    y = np.asarray(history, dtype=np.float64)
    if y.ndim != 2 or y.shape[0] < 1 or not np.isfinite(y).all():
        raise ValueError("history must be a finite (hours, classes) array with at least one hour")
    hours, classes = y.shape
    days = hours // 24
    rng = np.random.default_rng(seed)
    intercept, slope = np.zeros(classes), np.zeros(classes)
    samples = np.zeros((slope_samples, classes))
    if days >= 3:
        daily = y[: days * 24].reshape(days, 24, classes).mean(axis=1)
        centre = np.arange(days) * 24.0 + 11.5
        week = days >= 14
        for j in range(classes):
            slope[j], intercept[j] = _theil_sen(centre, daily[:, j], week)
        for s in range(slope_samples):
            pick = np.sort(rng.integers(0, days, size=days))
            if len(np.unique(pick)) < 3:
                samples[s] = slope
                continue
            for j in range(classes):
                samples[s, j] = _theil_sen(centre[pick], daily[pick, j], week)[0]
    else:
        intercept = y.mean(axis=0)
        samples[:] = 0.0
    t = np.arange(hours, dtype=np.float64)
    detrended = y - np.maximum(intercept[None, :] + slope[None, :] * t[:, None], 0.0)
    period = 168 if hours >= 336 else 24 if hours >= 48 else 1
    seasonal = np.zeros((period, classes))
    if period > 1:
        hour = t.astype(int) % 24
        by_hour = np.array([np.median(detrended[hour == h], axis=0) for h in range(24)])
        seasonal = np.tile(by_hour, (period // 24, 1))
        if period == 168:  # hour-of-day profile plus day-of-week offsets: 31 parameters, not 168
            day = (t.astype(int) % 168) // 24
            rest = detrended - by_hour[hour]
            by_day = np.array([np.median(rest[day == d], axis=0) for d in range(7)])
            seasonal = seasonal + np.repeat(by_day, 24, axis=0)
        seasonal -= seasonal.mean(axis=0, keepdims=True)
        params = 24 + (7 if period == 168 else 0) + 2
        residuals = (detrended - seasonal[t.astype(int) % period]) * np.sqrt(hours / max(1, hours - params))
    else:
        residuals = detrended
    # whole weeks only with enough of them (≥ 8) to resample; days otherwise
    block = 168 if hours >= 8 * 168 else 24 if hours >= 48 else max(1, hours)
    return ForecastModel(hours, intercept, slope, samples, period, seasonal, residuals, block)


@dataclass(frozen=True)
class Accuracy:
    """Out-of-sample scores of one forecast (all over the held-out hours)."""

    wape: float  # Σ|median − actual| / Σ actual
    naive_wape: float  # same for the seasonal-naive forecast (last period repeated)
    pinball: dict[float, float]  # mean pinball loss per level / mean actual
    coverage: float  # share of actual values inside [lowest, highest] quantile
    mean_actual: float


def pinball_loss(actual: FloatArray, predicted: FloatArray, level: float) -> float:
    """Mean pinball (quantile) loss."""
    diff = actual - predicted
    return float(np.mean(np.maximum(level * diff, (level - 1.0) * diff)))


def accuracy(
    history: FloatArray,
    actual: FloatArray,
    levels: tuple[float, ...] = (0.1, 0.5, 0.9),
    *,
    seed: int = 0,
) -> Accuracy:
    """Fit on ``history`` (T, J), forecast ``len(actual)`` hours and score against ``actual``."""
    model = fit_forecast(history, seed=seed)
    hours = actual.shape[0]
    qs = model.quantiles(hours, tuple(sorted({*levels, 0.5})), seed=seed)
    median = qs[0.5]
    total = float(np.abs(actual).sum())
    period = model.period if model.period > 1 else 24
    last = history[-period:]
    naive = np.tile(last, (hours // len(last) + 1, 1))[:hours]
    scale = float(actual.mean()) or 1.0
    lo, hi = qs[min(levels)], qs[max(levels)]
    return Accuracy(
        wape=float(np.abs(median - actual).sum()) / total if total else 0.0,
        naive_wape=float(np.abs(naive - actual).sum()) / total if total else 0.0,
        pinball={q: pinball_loss(actual, qs[q], q) / scale for q in levels},
        coverage=float(((actual >= lo) & (actual <= hi)).mean()),
        mean_actual=float(actual.mean()),
    )
