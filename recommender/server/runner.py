"""Run a planning function in the solver pool under the caller's deadline.

* The time spent waiting for a free worker counts against the deadline; the
  solver's time limit is computed when the solve starts (deadline minus a margin,
  capped by ``max_solve_seconds``, or ``default_solve_seconds`` without a deadline).
* At the caller's deadline, or when the call is cancelled, the worker is killed
  and replaced: the CPU is freed at once.
* A solver that overruns its own time limit is killed ``kill_grace`` later.
* When the server's cap (not the caller's deadline) is what ended a solve without
  a solution, the answer is RESOURCE_EXHAUSTED naming ``max_solve_seconds``
  (DEADLINE_EXCEEDED is kept for the caller's own deadline).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from recommender.errors import LimitExceededError, SolveTimeoutError
from recommender.server.admission import current_request
from recommender.server.context import Context
from recommender.server.pool import SolverPool
from recommender.server.settings import Settings

D = TypeVar("D")
R = TypeVar("R")


class SolveRunner:
    """Turns the caller's deadline into the solver's time limit and runs the solve."""

    def __init__(self, pool: SolverPool, settings: Settings) -> None:
        self._pool = pool
        self._settings = settings

    @property
    def pool(self) -> SolverPool:
        """The solver pool."""
        return self._pool

    def _cap_error(self, limit: float) -> LimitExceededError:
        setting = (
            "max_solve_seconds" if limit >= self._settings.max_solve_seconds else "default_solve_seconds"
        )
        error = LimitExceededError(
            f"no solution was found within the server's solve time limit of {limit:.3f} s "
            f"({setting}); send a deadline (up to max_solve_seconds = {self._settings.max_solve_seconds} s) "
            "or a smaller problem",
            limit=setting,
        )
        error.metadata["limit_value"] = f"{limit:g}"
        return error

    async def run(self, plan: Callable[[D, float], R], request: D, context: Context) -> R:
        """``plan(request, time_limit)`` in a worker; DEADLINE_EXCEEDED when the deadline ends first."""
        info = current_request()
        small = info is not None and info.request_bytes <= self._settings.small_request_bytes
        remaining = context.time_remaining()
        if remaining is not None and remaining <= 0:
            raise SolveTimeoutError("the deadline ended before the solve could start")
        async with self._pool.lease(wait_timeout=remaining, small=small) as lease:
            remaining = context.time_remaining()
            if remaining is not None and remaining <= 0:
                raise SolveTimeoutError("the deadline ended while waiting for a solver worker")
            time_limit = self._settings.solve_time_limit(remaining)
            capped = remaining is None or time_limit >= self._settings.max_solve_seconds
            kill_after = time_limit + self._settings.kill_grace(time_limit)
            if remaining is not None:
                kill_after = min(kill_after, remaining)
            try:
                return await lease.run(plan, request, time_limit, timeout=kill_after)
            except SolveTimeoutError as error:
                if capped and (remaining is None or kill_after < remaining):
                    raise self._cap_error(time_limit) from error
                raise
