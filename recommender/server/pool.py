"""Process pool for CPU-bound solves, so the event loop (health checks, small calls)
stays responsive while a large model solves.

Workers are started with the ``spawn`` method: gRPC core does not support fork
once the server exists. A solve that outlives its deadline is abandoned by the
caller (DEADLINE_EXCEEDED); the solver's own time limit, set from the same
deadline, makes the worker stop shortly after.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from recommender.errors import SolverCrashedError, SolveTimeoutError

T = TypeVar("T")
_LOG = logging.getLogger(__name__)


def _init_worker() -> None:
    """Silence native solver banners on stdout (HiGHS prints one) in workers."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def _warm() -> int:
    import pulp  # noqa: F401  (import the heavy modules once per worker)

    import recommender.planning.commitment_plans  # noqa: F401

    return os.getpid()


class SolverPool:
    """A restartable spawn-based process pool."""

    def __init__(self, workers: int) -> None:
        self._workers = max(1, workers)
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
        )

    @property
    def workers(self) -> int:
        """Number of worker processes."""
        return self._workers

    async def warm_up(self) -> None:
        """Start every worker and import the solver stack."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._executor, _warm) for _ in range(self._workers)))

    async def run(self, fn: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        """Run ``fn(*args)`` in a worker; raise SolveTimeoutError after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(self._executor, fn, *args)
            return await asyncio.wait_for(future, timeout=timeout)
        except TimeoutError as exc:
            raise SolveTimeoutError(
                f"the solve did not finish within the deadline ({timeout:.3f} s)"
            ) from exc
        except BrokenProcessPool as exc:
            _LOG.error("solver process died; restarting the pool")
            self._restart()
            raise SolverCrashedError("the solver process died while solving; the pool was restarted") from exc

    def _restart(self) -> None:
        old = self._executor
        self._executor = self._new_executor()
        old.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        """Stop the workers (pending work is cancelled)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
