"""Run a planning function in the solver pool under the caller's deadline."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

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

    async def run(self, plan: Callable[[D, float], R], request: D, context: Context) -> R:
        """``plan(request, time_limit)`` in a worker; DEADLINE_EXCEEDED when the deadline ends first."""
        remaining = context.time_remaining()
        time_limit = self._settings.solve_time_limit(remaining)
        timeout = remaining if remaining is not None else time_limit + 30.0
        return await self._pool.run(plan, request, time_limit, timeout=timeout)
