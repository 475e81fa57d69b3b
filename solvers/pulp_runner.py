"""Solve a PuLP model with HiGHS (highspy) and report status, objective, bound and gap.

Every model in this package goes through :func:`solve`, so the solver, its options
and the way outcomes are read are the same everywhere.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable

import pulp

from solvers.result import BindingConstraint, SolveReport, SolveStatus, solver_name

DEFAULT_MIP_GAP = 1e-9
_TIGHT = 1e-7
FEASIBILITY_JUMP_MIN_COLUMNS = 2_000
"""HiGHS's feasibility-jump heuristic costs about 15 ms of CPU per MIP solve however small
the model (HiGHS 1.16, one thread: a 5-variable MIP takes 16 ms with it, 1 ms without).
It is a primal heuristic only (optimality and gaps are unaffected), so it runs only on
models with at least this many columns, where an early incumbent can matter."""


def solve(
    model: pulp.LpProblem,
    *,
    time_limit: float | None = None,
    mip_gap: float = DEFAULT_MIP_GAP,
    threads: int | None = 1,
    explain: Callable[[str], str] | None = None,
    explain_names: Iterable[str] = (),
) -> SolveReport:
    """Solve ``model`` (minimisation) and describe the outcome.

    ``time_limit`` is in seconds (``None`` = no limit). Constraints named in
    ``explain_names`` that are tight at the solution are reported as binding, with
    ``explain(name)`` as their human explanation.
    """
    solver = pulp.HiGHS(
        msg=False,
        timeLimit=time_limit,
        gapRel=mip_gap,
        threads=threads,
        mip_heuristic_run_feasibility_jump=model.numVariables() >= FEASIBILITY_JUMP_MIN_COLUMNS,
    )
    started = time.perf_counter()
    try:
        model.solve(solver)
    except (pulp.PulpSolverError, RuntimeError, ValueError, OverflowError) as error:
        # A solver failure is an outcome to report, not a crash.
        return SolveReport(
            solver=solver_name(),
            status=SolveStatus.NOT_SOLVED,
            objective=math.inf,
            bound=-math.inf,
            solve_seconds=time.perf_counter() - started,
            variables=model.numVariables(),
            constraints=model.numConstraints(),
            time_limit_seconds=time_limit,
            message=f"solver error: {error}",
        )
    elapsed = time.perf_counter() - started
    highs = model.solverModel
    status = _status(highs, model)
    info = highs.getInfo()
    is_mip = any(v.cat == pulp.const.LpInteger for v in model.variables())
    objective = float(pulp.value(model.objective) or 0.0) if status.has_solution else math.inf
    if not status.has_solution:
        bound = -math.inf
    elif is_mip:
        # HiGHS's dual bound excludes the objective's constant term, which PuLP keeps.
        bound = float(info.mip_dual_bound) + float(
            model.objective.constant if model.objective is not None else 0.0
        )
    else:
        bound = objective if status is SolveStatus.OPTIMAL else -math.inf
    if status is SolveStatus.OPTIMAL and is_mip and math.isfinite(bound):
        bound = min(bound, objective)
    binding = _binding(model, explain, explain_names) if status.has_solution else ()
    return SolveReport(
        solver=solver_name(),
        status=status,
        objective=objective,
        bound=bound,
        solve_seconds=elapsed,
        variables=model.numVariables(),
        constraints=model.numConstraints(),
        time_limit_seconds=time_limit,
        binding=binding,
        message=str(highs.modelStatusToString(highs.getModelStatus())),
    )


def _status(highs: object, model: pulp.LpProblem) -> SolveStatus:
    import highspy

    ms = highs.getModelStatus()  # type: ignore[attr-defined]
    has_primal = highs.getInfo().primal_solution_status == 2  # type: ignore[attr-defined]
    kinds = highspy.HighsModelStatus
    if ms == kinds.kOptimal:
        return SolveStatus.OPTIMAL
    if ms == kinds.kInfeasible:
        return SolveStatus.INFEASIBLE
    if ms in (kinds.kUnbounded, kinds.kUnboundedOrInfeasible):
        return SolveStatus.UNBOUNDED if ms == kinds.kUnbounded else SolveStatus.INFEASIBLE
    if ms == kinds.kModelEmpty:
        return SolveStatus.OPTIMAL
    if has_primal:
        return SolveStatus.FEASIBLE
    return SolveStatus.NOT_SOLVED


def _binding(
    model: pulp.LpProblem, explain: Callable[[str], str] | None, names: Iterable[str]
) -> tuple[BindingConstraint, ...]:
    out = []
    for name in names:
        constraint = model.get_constraint_by_name(name)
        if constraint is None:
            continue
        slack = constraint.slack if constraint.slack is not None else math.inf
        if abs(slack) <= _TIGHT * max(1.0, abs(constraint.constant)):
            text = explain(name) if explain else name
            out.append(BindingConstraint(name, text, float(constraint.pi or 0.0)))
    return tuple(out)
