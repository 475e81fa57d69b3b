"""The solver report of a plan, in domain terms (one conversion for every lever)."""

from __future__ import annotations

import math

from recommender.domain.common import BindingRule, SolverSummary, SolveStatus
from solvers.result import SolveReport


def _finite(value: float, fallback: float) -> float:
    return value if math.isfinite(value) else fallback


def solver_summary(report: SolveReport, binding: list[BindingRule] | None = None) -> SolverSummary:
    """Domain summary of ``report``; ``binding`` replaces the report's own binding rules.

    An unknown gap (no finite bound) is reported as 1.0 (100 %), never as 0.
    """
    if binding is None:
        binding = [
            BindingRule(name=b.name, explanation=b.explanation, shadow_price=b.shadow_price)
            for b in report.binding
        ]
    return SolverSummary(
        solver=report.solver,
        status=SolveStatus(report.status.value),
        objective=_finite(report.objective, 0.0),
        bound=_finite(report.bound, 0.0),
        relative_gap=_finite(report.relative_gap, 1.0),
        solve_seconds=report.solve_seconds,
        variables=report.variables,
        constraints=report.constraints,
        time_limit_seconds=report.time_limit_seconds,
        binding=binding,
    )
