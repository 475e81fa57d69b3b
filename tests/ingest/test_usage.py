from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.errors import InvalidArgumentError
from recommender.ingest.report import IngestReport, RowIssue
from recommender.ingest.usage import UsageTable, build_usage_table, load_hourly_usage_csv

Write = Callable[[str, str | bytes], Path]

GOOD = """timestamp,usage_class,quantity
2026-10-01T00:00:00Z,a,1.5
2026-10-01T02:00:00Z,a,2
2026-10-01T01:00:00,b,3
2026-10-01T05:30:00+05:30,b,4
"""


def test_loads_dense_table_with_missing_pairs_as_zero(write: Write) -> None:
    table = load_hourly_usage_csv(write("usage.csv", GOOD))
    assert table.start == pd.Timestamp("2026-10-01T00:00:00Z")
    assert table.class_ids == ("a", "b")
    assert table.hours == 3
    # naive = UTC; +05:30 converted to UTC (00:00Z)
    np.testing.assert_array_equal(table.quantity, [[1.5, 4.0], [0.0, 3.0], [2.0, 0.0]])
    assert table.quantity.dtype == np.float64
    assert table.report.rows_read == table.report.rows_used == 4
    assert table.report.balanced


def test_frames_round_trip(write: Write, tmp_path: Path) -> None:
    table = load_hourly_usage_csv(write("usage.csv", GOOD))
    wide = table.to_frame()
    assert list(wide.columns) == ["a", "b"]
    assert str(wide.index.tz) == "UTC"
    out = tmp_path / "again.csv"
    table.to_long().to_csv(out, index=False)
    again = load_hourly_usage_csv(out)
    np.testing.assert_array_equal(again.quantity, table.quantity)


def test_table_is_read_only(write: Write) -> None:
    table = load_hourly_usage_csv(write("usage.csv", GOOD))
    with pytest.raises(ValueError):
        table.quantity[0, 0] = 9.0


def test_table_rejects_naive_or_off_hour_start() -> None:
    report = IngestReport("x", 0, 0)
    with pytest.raises(ValueError):
        UsageTable(pd.Timestamp("2026-01-01"), ("a",), np.zeros((1, 1)), report)
    with pytest.raises(ValueError):
        UsageTable(pd.Timestamp("2026-01-01T00:30Z"), ("a",), np.zeros((1, 1)), report)


BAD = (
    "timestamp,usage_class,quantity\n"  # line 1
    "2026-10-01T00:00:00Z,a,1\n"  # 2 ok (but repeated on line 12)
    "\n"  # 3 blank: skipped, still counted as a line
    "2026-10-01T01:00:00Z,a,NaN\n"  # 4
    "2026-10-01T01:00:00Z,b,-2\n"  # 5
    "2026-10-01T01:00:00Z,c,lots\n"  # 6
    "yesterday,a,1\n"  # 7
    "2026-10-01T01:30:00Z,a,1\n"  # 8
    '"2026-10-01T02:00:00Z", ,1\n'  # 9 empty class
    "2026-10-01T02:00:00Z,d,inf\n"  # 10
    "2026-10-01T02:00:00Z,e,\n"  # 11 missing quantity
    "2026-10-01T00:00:00Z,a,1\n"  # 12 duplicate of line 2
    '2026-10-01T03:00:00Z,"multi\nline",1\n'  # 13-14 (a quoted newline)
    "2026-10-01T04:00:00Z,f,2\n"  # 15 ok
)


def test_bad_rows_reported_with_line_and_reason(write: Write) -> None:
    with pytest.raises(InvalidArgumentError) as err:
        load_hourly_usage_csv(write("usage.csv", BAD))
    found = {v.field: v.description for v in err.value.violations}
    assert found["usage.csv:line 4:quantity"].startswith("not a finite number")
    assert found["usage.csv:line 5:quantity"] == "negative value: '-2'"
    assert found["usage.csv:line 6:quantity"] == "not a number: 'lots'"
    assert found["usage.csv:line 7:timestamp"] == "not an ISO 8601 timestamp: 'yesterday'"
    assert found["usage.csv:line 8:timestamp"].startswith("timestamp is not on the hour")
    assert found["usage.csv:line 9:usage_class"] == "empty usage_class"
    assert found["usage.csv:line 10:quantity"].startswith("not a finite number")
    assert found["usage.csv:line 11:quantity"] == "missing value"
    assert found["usage.csv:line 12:usage_class"].startswith("duplicate of line 2")
    assert "repeated" in found["usage.csv:line 2:usage_class"]
    assert "usage.csv:line 13:usage_class" not in found  # quoted newline is a valid class name
    assert len(found) == 10
    assert "usage.csv" in err.value.message


def test_non_strict_keeps_good_rows_and_accounts_for_all(write: Write) -> None:
    table = load_hourly_usage_csv(write("usage.csv", BAD), strict=False)
    report = table.report
    assert report.rows_read == 12  # the blank line is not a row
    assert report.rows_used == 2
    assert report.rows_with_issues == 10  # lines 2 and 12 are both rejected (ambiguous)
    assert report.balanced
    assert table.class_ids == ("f", "multi\nline")
    assert table.quantity.sum() == 3.0


def test_all_rows_bad_raises_even_when_not_strict(write: Write) -> None:
    with pytest.raises(InvalidArgumentError):
        load_hourly_usage_csv(write("usage.csv", "timestamp,usage_class,quantity\nx,a,1\n"), strict=False)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("timestamp,usage_class\n2026-10-01T00:00:00Z,a\n", "usage.csv:quantity"),
        ("time,class,qty\n", "usage.csv:timestamp"),
        ("", "usage.csv"),
        ("timestamp,usage_class,quantity\n", "usage.csv"),
    ],
)
def test_missing_columns_and_empty_files(write: Write, content: str, expected: str) -> None:
    with pytest.raises(InvalidArgumentError) as err:
        load_hourly_usage_csv(write("usage.csv", content))
    assert err.value.violations[0].field == expected


def test_non_utf8_bytes_name_the_line(write: Write) -> None:
    data = b"timestamp,usage_class,quantity\n2026-10-01T00:00:00Z,a,1\n2026-10-01T01:00:00Z,caf\xe9,1\n"
    with pytest.raises(InvalidArgumentError) as err:
        load_hourly_usage_csv(write("usage.csv", data))
    assert err.value.violations[0].field == "usage.csv"
    assert "line 3: not valid UTF-8" in err.value.violations[0].description


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="file not found"):
        load_hourly_usage_csv(tmp_path / "nope.csv")
    with pytest.raises(InvalidArgumentError, match="directory"):
        load_hourly_usage_csv(tmp_path)


def test_rows_with_wrong_field_counts_are_row_issues(write: Write) -> None:
    content = (
        "timestamp,usage_class,quantity\n"
        "2026-10-01T00:00:00Z,a,1,2,3\n"  # 2: too many fields
        "2026-10-01T00:00:00Z,a\n"  # 3: too few
        '"2026-10-01T01:00:00Z","b\n",1\n'  # 4-5: quoted newline, fine
        "2026-10-01T02:00:00Z,b,2\n"  # 6
    )
    with pytest.raises(InvalidArgumentError) as err:
        load_hourly_usage_csv(write("usage.csv", content))
    fields = [v.field for v in err.value.violations]
    assert fields == ["usage.csv:line 2", "usage.csv:line 3"]
    assert "expected 3 fields" in err.value.violations[0].description
    table = load_hourly_usage_csv(write("usage.csv", content), strict=False)
    assert table.report.rows_read == 4 and table.report.rows_used == 2 and table.report.balanced
    assert table.class_ids == ("b",)  # values are stripped


def test_unterminated_quote_is_reported(write: Write) -> None:
    content = 'timestamp,usage_class,quantity\n2026-10-01T00:00:00Z,a,1\n"2026-10-01T01:00:00Z,a,1\n'
    with pytest.raises(InvalidArgumentError) as err:
        load_hourly_usage_csv(write("usage.csv", content))
    assert err.value.violations[0].field == "usage.csv:line 3"


def test_bom_and_column_case_are_accepted(write: Write) -> None:
    content = "\ufeffTimestamp, Usage_Class ,QUANTITY\n2026-10-01T00:00Z,a,1\n"
    table = load_hourly_usage_csv(write("usage.csv", content))
    assert table.class_ids == ("a",)


def test_build_usage_table_sums_and_orders_classes() -> None:
    report = IngestReport("x", 3, 3)
    table = build_usage_table(report, np.array([10, 10, 12]), ["b", "a", "b"], np.array([1.0, 2.0, 3.0]))
    assert table.start == pd.Timestamp(10 * 3600, unit="s", tz="UTC")
    assert table.class_ids == ("a", "b")
    np.testing.assert_array_equal(table.quantity, [[2.0, 1.0], [0.0, 0.0], [0.0, 3.0]])


def test_crlf_and_gzip(write: Write) -> None:
    content = "timestamp,usage_class,quantity\r\n2026-10-01T00:00:00Z,a,1\r\n\r\n2026-10-01T01:00:00Z,a,x\r\n"
    table = load_hourly_usage_csv(write("usage.csv", content), strict=False)
    assert [(i.row, i.reason) for i in table.report.issues] == [(4, "not a number: 'x'")]
    zipped = load_hourly_usage_csv(write("usage.csv.gz", gzip.compress(content.encode())), strict=False)
    assert zipped.report.issues == [RowIssue("usage.csv.gz", 4, "quantity", "not a number: 'x'")]
