"""Row accounting for every loader: what was read, used, skipped by design, or rejected."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from recommender.errors import FieldViolation, InvalidArgumentError

MAX_VIOLATIONS = 100
"""At most this many violations are attached to one :class:`InvalidArgumentError`."""

_RECORD_SUFFIXES = (".parquet", ".pq")
_ENTRY_SUFFIXES = (".json",)


def location_label(file: str) -> str:
    """How rows of ``file`` are counted: ``line`` (text), ``record`` (Parquet) or ``entry`` (JSON)."""
    lower = file.lower()
    if lower.endswith(_RECORD_SUFFIXES):
        return "record"
    if lower.endswith(_ENTRY_SUFFIXES):
        return "entry"
    return "line"


@dataclass(frozen=True)
class RowIssue:
    """One rejected row (or one bad value in it).

    ``row`` is the 1-based line number as a human counts it (header = line 1, first
    data row = line 2) for CSV, the 0-based record index + 1 for Parquet, and the
    1-based entry position for JSON objects.
    """

    file: str
    row: int
    column: str | None
    reason: str

    @property
    def location(self) -> str:
        """``usage.csv:line 42:quantity`` style location."""
        where = f"{self.file}:{location_label(self.file)} {self.row}"
        return f"{where}:{self.column}" if self.column else where

    def as_violation(self) -> FieldViolation:
        """The issue as a :class:`FieldViolation`."""
        return FieldViolation(self.location, self.reason)


def file_error(file: str, reason: str, column: str | None = None) -> InvalidArgumentError:
    """An error about a whole file (unreadable, missing column, empty...)."""
    where = f"{file}:{column}" if column else file
    return InvalidArgumentError([FieldViolation(where, reason)], message=f"{where}: {reason}")


@dataclass
class IngestReport:
    """What a loader did with every row of one source.

    Invariant (checked by :attr:`balanced`): ``rows_read == rows_used +
    rows_with_issues + sum(rows_skipped.values())``. ``rows_skipped`` counts rows
    left out by design (e.g. FOCUS ``ChargeCategory=Tax``) by reason; ``notes``
    records value conventions applied (e.g. zero prices read as "not offered").
    """

    source: str
    rows_read: int
    rows_used: int
    issues: list[RowIssue] = field(default_factory=list)
    rows_skipped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def rows_with_issues(self) -> int:
        """Number of distinct rows with at least one issue."""
        return len({(i.file, i.row) for i in self.issues})

    @property
    def skipped(self) -> int:
        """Rows skipped by design, all reasons."""
        return sum(self.rows_skipped.values())

    @property
    def balanced(self) -> bool:
        """True when every row read is accounted for exactly once."""
        return self.rows_read == self.rows_used + self.rows_with_issues + self.skipped

    def skip(self, reason: str, count: int = 1) -> None:
        """Count ``count`` rows skipped by design for ``reason``."""
        if count > 0:
            self.rows_skipped[reason] = self.rows_skipped.get(reason, 0) + count

    def violations(self) -> list[FieldViolation]:
        """Up to :data:`MAX_VIOLATIONS` violations, one per issue, in file order."""
        ordered = sorted(self.issues, key=lambda i: (i.file, i.row, i.column or ""))
        return [i.as_violation() for i in ordered[:MAX_VIOLATIONS]]

    def raise_if_errors(self) -> None:
        """Raise :class:`InvalidArgumentError` listing the issues, if there are any."""
        if not self.issues:
            return
        violations = self.violations()
        shown = "; ".join(f"{v.field}: {v.description}" for v in violations[:5])
        message = (
            f"{self.source}: {len(self.issues)} issue(s) in {self.rows_with_issues} of "
            f"{self.rows_read} row(s): {shown}"
        )
        if len(self.issues) > 5:
            message += f" (and {len(self.issues) - 5} more"
            unlisted = len(self.issues) - len(violations)
            message += f"; {unlisted} not listed)" if unlisted > 0 else ")"
        raise InvalidArgumentError(violations, message=message)

    def summary(self) -> str:
        """One line: rows read, used, rejected (with the commonest reasons) and skipped."""
        parts = [f"{self.source}: {self.rows_read} rows read, {self.rows_used} used"]
        if self.issues:
            common = Counter(_reason_kind(i) for i in self.issues).most_common(3)
            kinds = ", ".join(f"{k}: {n}" for k, n in common)
            parts.append(f"{self.rows_with_issues} rejected ({len(self.issues)} issues; {kinds})")
        if self.rows_skipped:
            by_reason = ", ".join(f"{k}: {n}" for k, n in sorted(self.rows_skipped.items()))
            parts.append(f"{self.skipped} skipped by design ({by_reason})")
        return "; ".join(parts)


def _reason_kind(issue: RowIssue) -> str:
    """The reason without the quoted offending value, for grouping in summaries."""
    head = issue.reason.split(":", 1)[0]
    return f"{issue.column}: {head}" if issue.column else head
