"""Hourly usage per usage class: the table every lever consumes, and the plain CSV loader.

Plain hourly CSV format (one row per usage class and hour)::

    timestamp,usage_class,quantity
    2026-10-01T00:00:00Z,gcp:asia-south1:c2-standard-8,6.5

``timestamp`` is ISO 8601 (naive = UTC) and must fall on the hour; ``quantity`` is
the usage in that hour (e.g. instance-hours) and must be finite and >= 0. The file
lists usage that happened: a (class, hour) pair that is absent is zero usage.
A pair listed twice is ambiguous and reported, never summed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from recommender.errors import LimitExceededError
from recommender.ingest._io import (
    BoolArray,
    FloatArray,
    IntArray,
    PathLike,
    RowChecker,
    epoch_seconds,
    numeric_values,
    read_csv,
    resolve_columns,
    text_values,
    utc_values,
)
from recommender.ingest.report import IngestReport, file_error

HOUR_SECONDS = 3600
MAX_CELLS = 50_000_000
"""Largest hours x classes matrix a loader will build (400 MB of float64)."""


@dataclass(frozen=True)
class UsageTable:
    """Dense hourly usage: ``quantity[t, j]`` is the usage of ``class_ids[j]`` in hour ``t``.

    Hour ``t`` starts at ``start + t hours`` (UTC). ``quantity`` is float64 and
    read-only. ``report`` accounts for every source row.
    """

    start: pd.Timestamp
    class_ids: tuple[str, ...]
    quantity: FloatArray
    report: IngestReport

    def __post_init__(self) -> None:
        start = pd.Timestamp(self.start)
        if start.tzinfo is None:
            raise ValueError("UsageTable.start must be timezone-aware (UTC)")
        start = start.tz_convert("UTC")
        if start != start.floor("h"):
            raise ValueError(f"UsageTable.start must be on the hour, got {start.isoformat()}")
        quantity = np.array(self.quantity, dtype=np.float64, copy=True)
        if quantity.ndim != 2 or quantity.shape[1] != len(self.class_ids):
            raise ValueError(f"quantity must have shape (hours, {len(self.class_ids)}), got {quantity.shape}")
        if len(set(self.class_ids)) != len(self.class_ids):
            raise ValueError("class_ids must be unique")
        quantity.flags.writeable = False
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "class_ids", tuple(self.class_ids))
        object.__setattr__(self, "quantity", quantity)

    @property
    def hours(self) -> int:
        """Number of hours (rows)."""
        return int(self.quantity.shape[0])

    @property
    def end(self) -> pd.Timestamp:
        """Exclusive end: the start of the hour after the last one."""
        return self.start + pd.Timedelta(hours=self.hours)

    @property
    def index(self) -> pd.DatetimeIndex:
        """The hour starts, UTC."""
        return pd.date_range(self.start, periods=self.hours, freq="h", name="timestamp")

    def column(self, class_id: str) -> FloatArray:
        """Hourly usage of one class (read-only view)."""
        return self.quantity[:, self.class_ids.index(class_id)]

    def to_frame(self) -> pd.DataFrame:
        """Wide frame: UTC hourly index, one column per class."""
        columns = pd.Index(self.class_ids, name="usage_class")
        return pd.DataFrame(self.quantity, index=self.index, columns=columns)

    def to_long(self, drop_zero: bool = True) -> pd.DataFrame:
        """Long frame in the plain CSV layout (``timestamp, usage_class, quantity``)."""
        hours, classes = np.indices(self.quantity.shape)
        values = self.quantity.ravel()
        keep = values != 0 if drop_zero else np.ones(values.shape, dtype=bool)
        stamps = self.index[hours.ravel()[keep]]
        return pd.DataFrame(
            {
                "timestamp": stamps.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "usage_class": np.asarray(self.class_ids, dtype=object)[classes.ravel()[keep]],
                "quantity": values[keep],
            }
        )


def build_usage_table(
    report: IngestReport,
    hour: IntArray,
    class_id: npt.ArrayLike,
    quantity: FloatArray,
) -> UsageTable:
    """Sum ``quantity`` into a dense table; ``hour`` is hours since the Unix epoch (UTC).

    Classes are sorted by id. The table spans the first to the last hour present.
    """
    labels, codes = np.unique(np.asarray(class_id, dtype=str), return_inverse=True)
    return dense_usage(report, hour, codes.astype(np.int64), tuple(str(c) for c in labels), quantity)


def dense_usage(
    report: IngestReport,
    hour: IntArray,
    codes: IntArray,
    class_ids: tuple[str, ...],
    quantity: FloatArray,
    span: tuple[int, int] | None = None,
) -> UsageTable:
    """Like :func:`build_usage_table` with classes already coded (``class_ids[codes[i]]``).

    ``span`` = (first hour, hours) fixes the time axis instead of taking it from ``hour``.
    """
    if span is None:
        if len(hour) == 0:
            raise file_error(report.source, "no usable usage rows")
        first, hours = int(hour.min()), int(hour.max()) - int(hour.min()) + 1
    else:
        first, hours = span
    width = len(class_ids)
    if hours * width > MAX_CELLS:
        raise LimitExceededError(
            f"{report.source}: {hours} hours x {width} classes exceeds {MAX_CELLS} cells "
            f"(from {_iso_hour(first)} to {_iso_hour(first + hours - 1)})",
            limit="usage_cells",
        )
    flat = (hour - first) * width + codes
    dense = np.bincount(flat, weights=quantity, minlength=hours * width).astype(np.float64)
    dense = dense.reshape(hours, width)
    return UsageTable(
        start=pd.Timestamp(first * HOUR_SECONDS, unit="s", tz="UTC"),
        class_ids=class_ids,
        quantity=dense,
        report=report,
    )


def _iso_hour(hour: int) -> str:
    return pd.Timestamp(hour * HOUR_SECONDS, unit="s", tz="UTC").strftime("%Y-%m-%dT%H:00Z")


def load_hourly_usage_csv(path: PathLike, *, strict: bool = True) -> UsageTable:
    """Load the plain hourly CSV (``timestamp, usage_class, quantity``; see module doc).

    Bad rows (unparsable or off-the-hour timestamp, empty class, missing, non-numeric,
    non-finite or negative quantity, repeated (timestamp, class) pair) become
    :class:`RowIssue` s with their line numbers. ``strict`` (default) raises
    :class:`InvalidArgumentError` if there is any; otherwise the table is built from
    the good rows and the issues stay in ``table.report``.
    """
    source = read_csv(path)
    cols = resolve_columns(source, ["timestamp", "usage_class", "quantity"])
    frame = source.frame
    report = source.report()
    check = RowChecker(source)

    raw_ts = frame[cols["timestamp"]]
    stamps, ts_missing, ts_invalid = utc_values(raw_ts)
    check.flag(ts_missing, "timestamp", "missing timestamp")
    check.flag(ts_invalid, "timestamp", "not an ISO 8601 timestamp: {value}", raw_ts)
    ts_ok = ~ts_missing & ~ts_invalid
    seconds = epoch_seconds(stamps, ts_ok)
    off_hour = ts_ok & (seconds % HOUR_SECONDS != 0)
    check.flag(off_hour, "timestamp", "timestamp is not on the hour: {value}", raw_ts)

    classes, class_missing = text_values(frame[cols["usage_class"]])
    check.flag(class_missing, "usage_class", "empty usage_class")

    raw_q = frame[cols["quantity"]]
    values, q_missing, q_invalid = numeric_values(raw_q)
    check.flag_numeric("quantity", values, q_missing, q_invalid, raw_q)

    _flag_duplicates(check, seconds, classes.to_numpy(dtype=str))

    good = ~check.bad
    check.finish(report, good)
    if strict or not good.any():
        report.raise_if_errors()
    return build_usage_table(
        report, seconds[good] // HOUR_SECONDS, classes.to_numpy(dtype=str)[good], values[good]
    )


def _flag_duplicates(check: RowChecker, seconds: IntArray, classes: npt.NDArray[np.str_]) -> None:
    """Flag every row of a repeated (hour, class) pair among rows not already bad."""
    good = np.flatnonzero(~check.bad)
    keys = pd.DataFrame({"s": seconds[good], "c": classes[good], "pos": good})
    repeated = keys.duplicated(["s", "c"], keep=False).to_numpy(dtype=bool)
    if not repeated.any():
        return
    dup = keys[repeated]
    first_pos = dup.groupby(["s", "c"], sort=False)["pos"].transform("min").to_numpy(dtype=np.int64)
    positions = dup["pos"].to_numpy(dtype=np.int64)
    is_first = positions == first_pos
    first_line = np.zeros(len(check.source), dtype=np.int64)
    first_line[positions] = check.source.rows(first_pos)
    mask_first: BoolArray = np.zeros(len(check.source), dtype=bool)
    mask_first[positions[is_first]] = True
    mask_later: BoolArray = np.zeros(len(check.source), dtype=bool)
    mask_later[positions[~is_first]] = True
    check.flag(
        mask_later,
        "usage_class",
        "duplicate of line {value} (same timestamp and usage_class); ambiguous, not summed",
        list(first_line),
    )
    check.flag(
        mask_first,
        "usage_class",
        "(timestamp, usage_class) pair repeated later in the file; ambiguous, not summed",
    )
