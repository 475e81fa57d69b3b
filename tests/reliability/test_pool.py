"""The killable solver pool: deadlines, crashes, bad results, memory, queueing.

Real spawned processes; the functions they run are in ``workfns.py``. Workers import
only that module (not the solver stack), so each pool starts in well under a second.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from recommender.errors import InfeasibleError, LimitExceededError, SolverCrashedError, SolveTimeoutError
from recommender.server.pool import SolverPool, WorkerError
from recommender.server.runner import SolveRunner
from recommender.server.settings import Settings
from tests.reliability import workfns


class FakeContext:
    """Just what the runner reads from a grpc.aio context."""

    def __init__(self, deadline_seconds: float | None) -> None:
        self._deadline = None if deadline_seconds is None else time.monotonic() + deadline_seconds

    def time_remaining(self) -> float | None:
        return None if self._deadline is None else self._deadline - time.monotonic()


class PoolThread:
    """One pool on a private event loop, shared by the tests of this module (it must recover)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.pool = SolverPool(
            1, spares=1, max_queued=2, memory_mb=1024, warm_modules=("tests.reliability.workfns",)
        )
        self.run(self.pool.warm_up)

    def run(self, scenario: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(scenario(*args), self.loop).result(120)

    def settle(self) -> None:
        """Wait until the worker is idle and the spare is warm again (between tests)."""

        async def wait() -> None:
            while True:
                stats = self.pool.stats()
                if stats.idle == 1 and stats.spares_ready == 1 and stats.queued == 0:
                    return
                await asyncio.sleep(0.01)

        self.run(wait)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.pool.shutdown)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="module")
def shared() -> Iterator[PoolThread]:
    env = PoolThread()
    yield env
    env.close()


@pytest.fixture()
def pool_run(shared: PoolThread) -> Callable[..., Any]:
    shared.settle()

    def run(scenario: Callable[[SolverPool], Awaitable[Any]]) -> Any:
        return shared.run(scenario, shared.pool)

    return run


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie of ours counts as gone
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_result_round_trip_and_worker_reuse(pool_run: Callable[..., Any]) -> None:
    async def scenario(pool: SolverPool) -> None:
        before = pool.stats()
        first = await pool.run(workfns.echo, {"x": [1, 2]}, 1.5, timeout=10)
        second = await pool.run(workfns.echo, "again", 2.0, timeout=10)
        assert first[:2] == ({"x": [1, 2]}, 1.5) and second[:2] == ("again", 2.0)
        assert first[2] == second[2] != os.getpid()  # same warm worker, another process
        assert pool.stats().completed - before.completed == 2

    pool_run(scenario)


def test_deadline_kills_the_worker_and_a_spare_takes_over_at_once(pool_run: Callable[..., Any]) -> None:
    async def scenario(pool: SolverPool) -> None:
        before = pool.stats()
        started = time.monotonic()
        with pytest.raises(SolveTimeoutError):
            await pool.run(workfns.sleep_past_limit, None, 60.0, timeout=0.1)
        assert time.monotonic() - started < 0.3
        stats = pool.stats()
        assert stats.killed_deadline - before.killed_deadline == 1 and stats.busy == 0 and stats.idle == 1
        # the spare was promoted: the next solve needs no process start-up
        began = time.monotonic()
        await pool.run(workfns.echo, 1, 1.0, timeout=5)
        assert time.monotonic() - began < 0.2

    pool_run(scenario)


def test_killed_worker_process_is_gone(pool_run: Callable[..., Any]) -> None:
    async def scenario(pool: SolverPool) -> None:
        before = pool.stats()
        task = asyncio.create_task(pool.run(workfns.sleep_past_limit, None, 60.0, timeout=30))
        while not pool.stats().busy_pids:
            await asyncio.sleep(0.01)
        pid = pool.stats().busy_pids[0]
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        deadline = time.monotonic() + 5
        while alive(pid) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert not alive(pid)
        assert pool.stats().killed_cancelled - before.killed_cancelled == 1

    pool_run(scenario)


@pytest.mark.parametrize(
    ("fn", "reason"),
    [(workfns.exits, "exited with code 3"), (workfns.killed_by_signal, "terminated by SIGSEGV")],
)
def test_crash_fails_only_that_call_with_its_reason(
    pool_run: Callable[..., Any], fn: Any, reason: str
) -> None:
    async def scenario(pool: SolverPool) -> None:
        before = pool.stats()
        with pytest.raises(SolverCrashedError) as info:
            await pool.run(fn, None, 1.0, timeout=10)
        assert reason in info.value.message
        assert await pool.run(workfns.echo, "ok", 1.0, timeout=10)
        stats = pool.stats()
        assert stats.crashed - before.crashed == 1 and stats.replaced - before.replaced == 1

    pool_run(scenario)


def test_domain_errors_and_bugs_come_back_without_killing_the_worker(pool_run: Callable[..., Any]) -> None:
    async def scenario(pool: SolverPool) -> None:
        before = pool.stats()
        with pytest.raises(InfeasibleError) as infeasible:
            await pool.run(workfns.infeasible, None, 1.0, timeout=10)
        assert infeasible.value.binding == ["capacity[x]"]
        with pytest.raises(WorkerError, match="ZeroDivisionError: a bug in a planner"):
            await pool.run(workfns.buggy, None, 1.0, timeout=10)
        with pytest.raises(WorkerError, match="pickle"):
            await pool.run(workfns.unpicklable_result, None, 1.0, timeout=10)
        stats = pool.stats()
        assert (stats.crashed, stats.replaced, stats.idle) == (before.crashed, before.replaced, 1)

    pool_run(scenario)


def test_memory_cap_is_a_named_limit(pool_run: Callable[..., Any]) -> None:
    async def scenario(pool: SolverPool) -> None:
        with pytest.raises(LimitExceededError) as info:
            await pool.run(workfns.allocate, 2 * 1024**3, 1.0, timeout=30)
        assert info.value.limit == "worker_memory_mb"
        assert await pool.run(workfns.allocate, 1024, 1.0, timeout=10) == 1024

    pool_run(scenario)


def test_queue_is_bounded_and_excess_is_rejected_at_once(pool_run: Callable[..., Any]) -> None:
    async def scenario(pool: SolverPool) -> None:
        before = pool.stats()
        running = asyncio.create_task(pool.run(workfns.sleep_past_limit, None, 60.0, timeout=30))
        queued = [
            asyncio.create_task(pool.run(workfns.echo, f"queued{i}", 1.0, timeout=30)) for i in range(2)
        ]
        while pool.stats().queued < 2:
            await asyncio.sleep(0.01)
        started = time.monotonic()
        with pytest.raises(LimitExceededError) as info:
            await pool.run(workfns.echo, "rejected", 1.0, timeout=30)
        assert time.monotonic() - started < 0.05
        assert info.value.limit == "max_queued_solves"
        running.cancel()  # frees the worker (killed, replaced by the spare) for the queued call
        assert [(await q)[0] for q in queued] == ["queued0", "queued1"]
        assert pool.stats().rejected - before.rejected == 1

    pool_run(scenario)


def test_small_requests_jump_the_queue(pool_run: Callable[..., Any]) -> None:
    async def scenario(pool: SolverPool) -> None:
        order: list[str] = []
        blocker = asyncio.create_task(pool.run(workfns.sleep_past_limit, None, 60.0, timeout=30))
        while not pool.stats().busy:
            await asyncio.sleep(0.01)

        async def solve(name: str, small: bool) -> None:
            async with pool.lease(wait_timeout=30, small=small) as lease:
                await lease.run(workfns.echo, name, 1.0, timeout=10)
                order.append(name)

        large = asyncio.create_task(solve("large", False))
        await asyncio.sleep(0.05)
        small = asyncio.create_task(solve("small", True))
        await asyncio.sleep(0.05)
        blocker.cancel()
        await asyncio.gather(large, small)
        assert order == ["small", "large"]

    pool_run(scenario)


def test_waiting_in_the_queue_counts_against_the_deadline(pool_run: Callable[..., Any]) -> None:
    async def scenario(pool: SolverPool) -> None:
        blocker = asyncio.create_task(pool.run(workfns.sleep_past_limit, None, 60.0, timeout=30))
        while not pool.stats().busy:
            await asyncio.sleep(0.01)
        started = time.monotonic()
        with pytest.raises(SolveTimeoutError, match="waiting"):
            await pool.run(workfns.echo, 1, 1.0, timeout=0.1)
        assert time.monotonic() - started < 0.3
        blocker.cancel()
        await asyncio.gather(blocker, return_exceptions=True)

    pool_run(scenario)


def test_runner_maps_the_server_cap_to_a_named_limit_and_the_deadline_to_a_timeout(
    pool_run: Callable[..., Any],
) -> None:
    async def scenario(pool: SolverPool) -> None:
        runner = SolveRunner(pool, Settings(max_solve_seconds=0.2, default_solve_seconds=0.2))
        # the solver overran the server's cap (no caller deadline): killed, RESOURCE_EXHAUSTED
        started = time.monotonic()
        with pytest.raises(LimitExceededError) as cap:
            await runner.run(workfns.sleep_past_limit, None, FakeContext(None))  # type: ignore[arg-type]
        assert cap.value.limit in {"max_solve_seconds", "default_solve_seconds"}
        assert time.monotonic() - started < 0.2 + Settings.kill_grace(0.2) + 0.5
        # the solver itself reported no solution within the capped limit
        with pytest.raises(LimitExceededError):
            await runner.run(workfns.no_solution_in_time, None, FakeContext(30.0))  # type: ignore[arg-type]
        # the caller's own deadline is binding: DEADLINE_EXCEEDED
        with pytest.raises(SolveTimeoutError):
            await runner.run(workfns.sleep_past_limit, None, FakeContext(0.1))  # type: ignore[arg-type]
        # the time limit handed to the solver follows the remaining deadline
        runner = SolveRunner(pool, Settings())
        context = FakeContext(20.0)
        _, limit, _ = await runner.run(workfns.echo, None, context)  # type: ignore[arg-type]
        remaining = context.time_remaining()
        assert remaining is not None and remaining - 0.3 < limit < remaining + 0.1

    pool_run(scenario)


def test_small_lane_serves_small_requests_while_large_ones_occupy_every_worker() -> None:
    async def main() -> None:
        pool = SolverPool(1, spares=0, small_lane=1, warm_modules=("tests.reliability.workfns",))
        await pool.warm_up()
        try:
            large = asyncio.create_task(pool.run(workfns.sleep_past_limit, None, 60.0, timeout=30))
            while not pool.stats().busy:
                await asyncio.sleep(0.01)

            async def solve(small: bool, wait: float = 2.0) -> str:
                async with pool.lease(wait_timeout=wait, small=small) as lease:
                    return str((await lease.run(workfns.echo, "done", 1.0, timeout=5))[0])

            assert await solve(small=True) == "done"  # the lane answers at once
            with pytest.raises(SolveTimeoutError):
                await solve(small=False)  # a large request may not take the lane
            large.cancel()
            await asyncio.gather(large, return_exceptions=True)
            assert await solve(small=False, wait=60) == "done"  # on the replacement worker
        finally:
            pool.shutdown()

    asyncio.run(main())


def test_a_call_cancelled_as_its_worker_is_granted_does_not_solve(pool_run: Callable[..., Any]) -> None:
    """The grant and the caller's cancellation land in the same loop step (Python 3.11's
    ``asyncio.wait_for`` then returns the result and drops the cancellation)."""

    async def scenario(pool: SolverPool) -> None:
        before = pool.stats()
        blocker = asyncio.create_task(pool.run(workfns.pause, 0.5, 1.0, timeout=30))
        while not pool.stats().busy:
            await asyncio.sleep(0.01)
        queued = asyncio.create_task(pool.run(workfns.echo, "queued", 1.0, timeout=30))
        while pool.stats().queued < 1:
            await asyncio.sleep(0.01)
        release = pool._release

        def grant_then_cancel(worker: Any) -> None:
            release(worker)  # hands the worker to the queued call ...
            queued.cancel()  # ... which its caller cancels in the same instant

        pool._release = grant_then_cancel  # type: ignore[method-assign]
        try:
            assert (await blocker)[0] == 0.5
        finally:
            pool._release = release  # type: ignore[method-assign]
        with pytest.raises(asyncio.CancelledError):
            await queued
        after = pool.stats()
        assert after.completed - before.completed == 1  # the cancelled call never ran
        assert after.idle == 1 and after.busy == 0

    pool_run(scenario)
