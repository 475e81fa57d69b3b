"""Shared reading and vectorised validation helpers for the loaders (private)."""

from __future__ import annotations

import csv
import gzip
import importlib
import io
import os
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from recommender.ingest.report import IngestReport, RowIssue, file_error

PathLike = str | os.PathLike[str]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

NULL_TOKENS = frozenset({"", "null", "none", "n/a", "na", "<na>"})
"""Strings read as a missing value (case-insensitive, after stripping)."""

_MAX_VALUE_CHARS = 40

# pyarrow ships no type hints; its modules are used untyped.
pa: Any = importlib.import_module("pyarrow")
pa_csv: Any = importlib.import_module("pyarrow.csv")


@dataclass
class Source:
    """One file's rows as a DataFrame plus how to turn row positions into row numbers.

    ``parse_issues`` are rows the CSV parser could not split into the header's fields;
    they are not in ``frame`` but count as rows read.
    """

    path: Path
    frame: pd.DataFrame
    kind: str  # "csv", "parquet" or "json"
    data: bytes | None = field(default=None, repr=False)
    parse_issues: list[RowIssue] = field(default_factory=list)
    _lines: IntArray | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """File name used in issues."""
        return self.path.name

    def __len__(self) -> int:
        return len(self.frame)

    def rows(self, positions: npt.ArrayLike) -> IntArray:
        """Row numbers (see :class:`RowIssue`) of 0-based frame positions."""
        pos = np.asarray(positions, dtype=np.int64)
        if self.kind != "csv":
            return pos + 1
        if self._lines is None:
            self._lines = self._frame_lines()
        return self._lines[pos]

    def _frame_lines(self) -> IntArray:
        lines = record_lines(self.data or b"")
        skipped = np.asarray(sorted(i.row for i in self.parse_issues), dtype=np.int64)
        if len(lines) != len(self.frame) + len(skipped):
            return np.arange(len(self.frame), dtype=np.int64) + 2
        return lines[~np.isin(lines, skipped)]

    def report(self) -> IngestReport:
        """A report for this source: every row read, parse issues included."""
        return IngestReport(
            source=self.name,
            rows_read=len(self.frame) + len(self.parse_issues),
            rows_used=0,
            issues=list(self.parse_issues),
        )


def record_lines(data: bytes) -> IntArray:
    """1-based first line of each CSV data record (header excluded), vectorised.

    A newline ends a record when the number of quote characters before it is even
    (RFC 4180; doubled quotes keep the parity); empty records (blank lines) are
    skipped, as the parser skips them.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    if len(raw) == 0:
        return np.zeros(0, dtype=np.int64)
    newlines = np.flatnonzero(raw == 10)
    quotes_before = np.searchsorted(np.flatnonzero(raw == 34), newlines)
    ends = newlines[quotes_before % 2 == 0]
    starts = np.concatenate(([0], ends + 1))
    starts = starts[starts < len(raw)]
    stops = np.concatenate((ends, [len(raw)]))[: len(starts)]
    length = stops - starts
    first = raw[np.minimum(starts, len(raw) - 1)]
    blank = (length == 0) | ((length == 1) & (first == 13))
    lines = 1 + np.searchsorted(newlines, starts)
    return np.asarray(lines[~blank][1:], dtype=np.int64)


def read_bytes(path: PathLike) -> tuple[Path, bytes, str]:
    """Read a UTF-8 text file (BOM and gzip allowed): path, bytes without BOM, text."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise file_error(p.name, f"file not found: {p}") from None
    except IsADirectoryError:
        raise file_error(p.name, f"is a directory, not a file: {p}") from None
    except OSError as exc:
        raise file_error(p.name, f"cannot read file: {exc.strerror or exc}") from None
    if p.suffix.lower() == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise file_error(p.name, f"not a valid gzip file: {exc}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise file_error(
            p.name, f"line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    return p, data, text


def read_text(path: PathLike) -> tuple[Path, str]:
    """Read a UTF-8 (optionally BOM-prefixed, optionally gzip) text file or raise a file error."""
    p, _, text = read_bytes(path)
    return p, text


def _lines(data: bytes) -> Iterator[str]:
    """Lazily decoded lines (with their newline), for reading just the header."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        yield data[start:end].decode("utf-8")
        start = end


def read_csv(path: PathLike, columns: Collection[str] | None = None) -> Source:
    """Read a CSV with every column as text, values as written (empty cell = "").

    ``columns`` limits reading to those names (case-insensitive; others are ignored).
    Rows with more or fewer fields than the header become parse issues (pyarrow
    reports their record numbers only when reading single-threaded).
    """
    p, data, _ = read_bytes(path)
    header = next((r for r in csv.reader(_lines(data)) if r), None)
    if header is None:
        raise file_error(p.name, "file is empty (no header row)")
    stripped = [h.strip() for h in header]
    duplicates = sorted({h for h in stripped if stripped.count(h) > 1})
    if duplicates:
        raise file_error(p.name, f"duplicate column name(s) {', '.join(map(repr, duplicates))}")
    wanted = None if columns is None else {c.lower() for c in columns}
    include = [
        raw for raw, name in zip(header, stripped, strict=True) if wanted is None or name.lower() in wanted
    ]
    bad_rows: list[tuple[int | None, int, int]] = []

    def invalid(row: Any) -> str:
        bad_rows.append((row.number, row.expected_columns, row.actual_columns))
        return "skip"

    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(use_threads=False, block_size=1 << 22),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, invalid_row_handler=invalid),
            convert_options=pa_csv.ConvertOptions(
                column_types={raw: pa.string() for raw in header},
                include_columns=include,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException as exc:
        raise file_error(p.name, f"not a well-formed CSV file: {_one_line(str(exc))}") from None
    frame = table.to_pandas()
    frame.columns = pd.Index([str(c).strip() for c in frame.columns])
    source = Source(path=p, frame=frame, kind="csv", data=data)
    if bad_rows:
        lines = record_lines(data)
        for number, expected, actual in bad_rows:
            index = (number or 0) - 2
            line = int(lines[index]) if 0 <= index < len(lines) else 0
            reason = f"expected {expected} fields like the header, found {actual}"
            source.parse_issues.append(RowIssue(p.name, line, None, reason))
    return source


def read_parquet(path: PathLike) -> Source:
    """Read a Parquet file (columns keep their stored types)."""
    p = Path(path)
    if not p.is_file():
        raise file_error(p.name, f"file not found: {p}")
    try:
        frame = pd.read_parquet(p)
    except Exception as exc:  # pyarrow raises many types for corrupt files
        raise file_error(p.name, f"not a readable Parquet file: {_one_line(str(exc))}") from None
    frame.columns = pd.Index([str(c).strip() for c in frame.columns])
    return Source(path=p, frame=frame.reset_index(drop=True), kind="parquet")


def _one_line(message: str) -> str:
    return " ".join(message.split())[:300]


def resolve_columns(
    source: Source,
    required: Sequence[str | tuple[str, ...]],
    optional: Iterable[str | tuple[str, ...]] = (),
) -> dict[str, str]:
    """Map canonical column names to the file's columns (case-insensitive).

    A tuple lists accepted aliases; its first name is the canonical one. Raises one
    :class:`InvalidArgumentError` naming every missing required column.
    """
    by_lower: dict[str, str] = {}
    for column in source.frame.columns:
        by_lower.setdefault(str(column).lower(), str(column))
    found: dict[str, str] = {}
    missing: list[str] = []
    for spec, needed in [(s, True) for s in required] + [(s, False) for s in optional]:
        names = (spec,) if isinstance(spec, str) else spec
        hit = next((by_lower[n.lower()] for n in names if n.lower() in by_lower), None)
        if hit is not None:
            found[names[0]] = hit
        elif needed:
            missing.append(" or ".join(names))
    if missing:
        have = ", ".join(map(str, source.frame.columns[:12]))
        raise file_error(
            source.name,
            f"missing required column(s) {', '.join(missing)} (found: {have})",
            column=missing[0],
        )
    return found


def text_values(series: pd.Series) -> tuple[pd.Series, BoolArray]:
    """Stripped strings (missing -> "") and the missing mask (empty/NULL/None/NaN)."""
    missing_na = series.isna().to_numpy(dtype=bool)
    text = series.astype("string").fillna("").str.strip()
    missing = missing_na | text.str.lower().isin(NULL_TOKENS).to_numpy(dtype=bool)
    return text.where(~missing, "").astype(str), missing


def numeric_values(series: pd.Series) -> tuple[FloatArray, BoolArray, BoolArray]:
    """Float values, the missing mask and the not-a-number mask (present but unparsable).

    The strings ``nan``/``inf`` parse to non-finite floats; callers decide about them.
    """
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        numbers: FloatArray = np.asarray(series.astype("float64").to_numpy(na_value=np.nan), dtype=np.float64)
        return numbers, series.isna().to_numpy(dtype=bool), np.zeros(len(series), dtype=bool)
    text, missing = text_values(series)
    parsed = pd.to_numeric(text.where(~missing), errors="coerce")
    values: FloatArray = np.asarray(parsed.to_numpy(na_value=np.nan), dtype=np.float64)
    literal_nan = text.str.lower().isin({"nan", "+nan", "-nan"}).to_numpy(dtype=bool)
    invalid: BoolArray = np.asarray(~missing & np.isnan(values) & ~literal_nan, dtype=np.bool_)
    return values, missing, invalid


def utc_values(series: pd.Series) -> tuple[pd.Series, BoolArray, BoolArray]:
    """UTC timestamps (naive = UTC), the missing mask and the unparsable mask (ISO 8601)."""
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series.dtype):
        stamps = pd.to_datetime(series, utc=True)
        missing = stamps.isna().to_numpy(dtype=bool)
        return stamps, missing, np.zeros(len(series), dtype=bool)
    text, missing = text_values(series)
    stamps = pd.to_datetime(text.where(~missing), utc=True, format="ISO8601", errors="coerce")
    invalid = ~missing & stamps.isna().to_numpy(dtype=bool)
    return stamps, missing, invalid


def epoch_seconds(stamps: pd.Series, valid: BoolArray) -> IntArray:
    """Seconds since the epoch (0 where not ``valid``)."""
    out = np.zeros(len(stamps), dtype=np.int64)
    if valid.any():
        chosen = stamps[valid].dt.tz_convert("UTC").dt.tz_localize(None)
        out[valid] = chosen.to_numpy().astype("datetime64[s]").astype(np.int64)
    return out


def shown(value: object) -> str:
    """A short printable rendering of an offending value."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 3] + "..."


@dataclass
class RowChecker:
    """Collects row issues from boolean masks; ``bad`` marks rows that must not be used."""

    source: Source
    bad: BoolArray = field(init=False)
    issues: list[RowIssue] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.bad = np.zeros(len(self.source), dtype=bool)

    def flag(
        self,
        mask: npt.ArrayLike,
        column: str | None,
        reason: str,
        values: pd.Series | Sequence[object] | None = None,
        only_good: bool = False,
    ) -> None:
        """Record ``reason`` for every row in ``mask``.

        ``reason`` may contain ``{value}``, filled from ``values`` (same length as the
        source). With ``only_good`` rows already flagged are not flagged again.
        """
        m = np.asarray(mask, dtype=bool)
        if only_good:
            m = m & ~self.bad
        positions = np.flatnonzero(m)
        if len(positions) == 0:
            return
        rows = self.source.rows(positions)
        if values is not None and "{value}" in reason:
            if isinstance(values, pd.Series):
                vals: Sequence[object] = values.iloc[positions].tolist()
            else:
                vals = [values[int(i)] for i in positions]
            reasons = [reason.format(value=shown(v)) for v in vals]
        else:
            reasons = [reason] * len(positions)
        self.issues.extend(
            RowIssue(self.source.name, int(r), column, why) for r, why in zip(rows, reasons, strict=True)
        )
        self.bad |= m

    def flag_numeric(
        self,
        column: str,
        values: FloatArray,
        missing: BoolArray,
        invalid: BoolArray,
        raw: pd.Series,
        *,
        rows: BoolArray | None = None,
        required: bool = True,
        allow_negative: bool = False,
    ) -> BoolArray:
        """Flag missing/unparsable/non-finite/negative values; returns the usable mask."""
        scope = np.ones(len(values), dtype=bool) if rows is None else rows
        if required:
            self.flag(scope & missing, column, "missing value")
        self.flag(scope & invalid, column, "not a number: {value}", raw)
        nonfinite = scope & ~missing & ~invalid & ~np.isfinite(values)
        self.flag(nonfinite, column, "not a finite number: {value}", raw)
        ok = scope & ~missing & ~invalid & ~nonfinite
        if not allow_negative:
            negative = ok & (np.nan_to_num(values) < 0)
            self.flag(negative, column, "negative value: {value}", raw)
            ok &= ~negative
        return ok

    def finish(self, report: IngestReport, used: BoolArray) -> None:
        """Move issues into ``report`` and set ``rows_used`` from ``used & ~bad``."""
        report.issues.extend(self.issues)
        report.rows_used = int(np.count_nonzero(used & ~self.bad))
