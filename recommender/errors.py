"""Domain exceptions. The gRPC layer maps each to one status code in one place."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldViolation:
    """One bad field or row: ``field`` is a request path (``usage.series[3].quantity[17]``)
    or a file location (``usage.csv:row 42:quantity``).
    """

    field: str
    description: str


class RecommenderError(Exception):
    """Base of all domain errors; ``reason`` is an UPPER_SNAKE machine-readable code."""

    reason = "RECOMMENDER_ERROR"

    def __init__(self, message: str, *, metadata: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.metadata = dict(metadata or {})

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by state so errors cross the solver process pool intact."""
        return (_rebuild, (type(self), self.__dict__))


class InvalidArgumentError(RecommenderError):
    """The request (or an input file) is malformed; lists every violation found."""

    reason = "INVALID_REQUEST"

    def __init__(self, violations: list[FieldViolation], message: str | None = None) -> None:
        self.violations = list(violations)
        if message is None:
            shown = "; ".join(f"{v.field}: {v.description}" for v in self.violations[:5])
            more = len(self.violations) - 5
            message = f"invalid request: {shown}" + (f" (and {more} more)" if more > 0 else "")
        super().__init__(message)


class InfeasibleError(RecommenderError):
    """The problem has no solution; ``binding`` names the rules that make it so."""

    reason = "INFEASIBLE"

    def __init__(self, message: str, binding: list[str] | None = None) -> None:
        super().__init__(message, metadata={"binding_rules": ", ".join(binding or [])})
        self.binding = list(binding or [])


class LimitExceededError(RecommenderError):
    """A configured size or concurrency limit was exceeded."""

    reason = "LIMIT_EXCEEDED"

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message, metadata={"limit": limit})
        self.limit = limit


class SolveTimeoutError(RecommenderError):
    """The deadline or solve time limit ended before any solution was found."""

    reason = "SOLVE_TIMEOUT"


class SolverCrashedError(RecommenderError):
    """A solver process died while solving (killed, out of memory)."""

    reason = "SOLVER_CRASHED"


class NotImplementedLeverError(RecommenderError):
    """The lever exists in the API but is not available yet."""

    reason = "LEVER_NOT_IMPLEMENTED"


class UnauthenticatedError(RecommenderError):
    """The call carries no valid credentials (``reason`` says which problem)."""

    reason = "UNAUTHENTICATED"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class PermissionDeniedError(RecommenderError):
    """The caller is authenticated but not allowed (e.g. for that tenant)."""

    reason = "PERMISSION_DENIED"

    def __init__(self, message: str, reason: str, *, metadata: dict[str, str] | None = None) -> None:
        super().__init__(message, metadata=metadata)
        self.reason = reason


def _rebuild(cls: type[RecommenderError], state: dict[str, object]) -> RecommenderError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


@dataclass
class ViolationCollector:
    """Collects field violations while validating, then raises them all at once."""

    violations: list[FieldViolation] = field(default_factory=list)
    limit: int = 100

    def add(self, field_path: str, description: str) -> None:
        """Record a violation (keeps the first ``limit``)."""
        if len(self.violations) < self.limit:
            self.violations.append(FieldViolation(field_path, description))

    def raise_if_any(self) -> None:
        """Raise :class:`InvalidArgumentError` if anything was recorded."""
        if self.violations:
            raise InvalidArgumentError(self.violations)
