"""Typed outcomes of optimisation solves: status, objective, bound, gap, solution.

Every solver in this package returns a :class:`SolveReport` (and a model-specific
solution) instead of asserting on the solver's status, so callers can explain an
infeasible or time-limited answer.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from enum import StrEnum


class SolveStatus(StrEnum):
    """Outcome of a solve, in the API's terms."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # incumbent found, optimality not proven (time limit)
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NOT_SOLVED = "not_solved"  # no solution (time limit before an incumbent, error)

    @property
    def has_solution(self) -> bool:
        """Whether a usable solution exists."""
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True)
class BindingConstraint:
    """A named constraint that is tight at the solution."""

    name: str
    explanation: str
    shadow_price: float = 0.0


@dataclass(frozen=True)
class SolveReport:
    """How a model was solved.

    ``bound`` is the best proven lower bound of a minimisation; ``relative_gap`` is
    ``(objective - bound) / max(|objective|, 1e-9)`` and 0 for a proven optimum.
    """

    solver: str
    status: SolveStatus
    objective: float
    bound: float
    solve_seconds: float
    variables: int
    constraints: int
    time_limit_seconds: float | None = None
    binding: tuple[BindingConstraint, ...] = field(default_factory=tuple)
    message: str = ""

    @property
    def relative_gap(self) -> float:
        """Relative optimality gap (0 when proven optimal, inf without a solution)."""
        if not self.status.has_solution or not math.isfinite(self.objective):
            return math.inf
        if not math.isfinite(self.bound):
            return math.inf
        return max(0.0, self.objective - self.bound) / max(abs(self.objective), 1e-9)


@functools.cache
def solver_name() -> str:
    """Name and version of the MILP/LP solver used through PuLP (computed once per process)."""
    import highspy
    import pulp

    version = getattr(highspy.Highs(), "version", lambda: "")()  # type: ignore[no-untyped-call]
    highs = f"HiGHS {version}".strip() if version else "HiGHS"
    return f"{highs} via PuLP {pulp.__version__}"
