from __future__ import annotations

import pytest

from recommender.errors import InvalidArgumentError
from recommender.ingest.report import IngestReport, RowIssue, file_error


def test_violation_field_names_file_line_and_column() -> None:
    assert RowIssue("usage.csv", 42, "quantity", "negative value: '-1'").as_violation().field == (
        "usage.csv:line 42:quantity"
    )
    assert RowIssue("focus.parquet", 7, None, "x").as_violation().field == "focus.parquet:record 7"
    assert RowIssue("prices.json", 3, "mode", "x").as_violation().field == "prices.json:entry 3:mode"


def test_raise_if_errors_lists_every_issue_up_to_100() -> None:
    issues = [RowIssue("u.csv", i + 2, "quantity", f"bad {i}") for i in range(130)]
    report = IngestReport("u.csv", rows_read=200, rows_used=70, issues=issues)
    assert report.balanced
    with pytest.raises(InvalidArgumentError) as err:
        report.raise_if_errors()
    assert len(err.value.violations) == 100
    assert err.value.violations[0].field == "u.csv:line 2:quantity"
    assert "130 issue(s)" in err.value.message
    assert "30 not listed" in err.value.message


def test_no_issues_does_not_raise_and_summary_counts_everything() -> None:
    report = IngestReport("f.csv", rows_read=10, rows_used=7)
    report.skip("ChargeCategory=Tax", 3)
    report.raise_if_errors()
    assert report.balanced
    assert report.summary() == "f.csv: 10 rows read, 7 used; 3 skipped by design (ChargeCategory=Tax: 3)"


def test_two_issues_on_one_row_count_as_one_rejected_row() -> None:
    report = IngestReport(
        "f.csv",
        rows_read=2,
        rows_used=1,
        issues=[RowIssue("f.csv", 2, "a", "x"), RowIssue("f.csv", 2, "b", "y")],
    )
    assert report.rows_with_issues == 1
    assert report.balanced
    assert "1 rejected (2 issues" in report.summary()


def test_file_error_names_file_and_column() -> None:
    err = file_error("usage.csv", "missing required column(s) quantity", "quantity")
    assert err.violations[0].field == "usage.csv:quantity"
    assert "usage.csv" in err.message
