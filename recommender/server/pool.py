"""Solver worker processes that can be killed per task.

Each worker is a ``spawn``-ed process (gRPC core does not support ``fork`` once the
server exists) with a task pipe and a result pipe of its own. A solve is sent to
one idle worker; if the caller's deadline ends or the call is cancelled, *that*
worker is killed (SIGKILL) and replaced, so the CPU is freed at once instead of
when the solver's own time limit ends. A worker that dies while solving (killed,
out of memory) fails only its own call, with the exit reason, and is replaced.

Optional *small-lane* workers take only small requests, so a small call never
waits behind large solves. Workers run at a lower CPU priority (``nice``, default +5) than the server
process, so health checks and small calls are answered promptly while large
models solve. Replacement is instant while a warm *spare* process is ready (it has already
imported the solver stack); a new spare is then started in the background.

Admission is bounded: when every worker is busy, up to ``max_queued`` solves wait
(small requests first, then in arrival order, each until its own deadline); more
are rejected at once with RESOURCE_EXHAUSTED naming ``max_queued_solves``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import importlib
import itertools
import logging
import multiprocessing
import os
import pickle
import pkgutil
import resource
import signal
import struct
import time
import traceback
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from recommender.errors import LimitExceededError, RecommenderError, SolverCrashedError, SolveTimeoutError

T = TypeVar("T")
_LOG = logging.getLogger(__name__)
_SPAWN = multiprocessing.get_context("spawn")
_INLINE_SEND_BYTES = 256 * 1024
_PR_SET_PDEATHSIG = 1
_READ_CHUNK = 1 << 20
_SHORT = struct.Struct("!i")
_LONG = struct.Struct("!Q")
_EXIT_POLL = 0.01  # s between checks for a closed worker's exit status
_EXIT_WAIT = 5.0  # s after which a worker that closed its pipe counts as "stopped responding"


def default_warm_modules() -> tuple[str, ...]:
    """Modules every worker imports before it reports ready: the solver stack and all planners."""
    import recommender.planning as planning

    planners = tuple(f"recommender.planning.{m.name}" for m in pkgutil.iter_modules(planning.__path__))
    return ("numpy", "pulp", "highspy", *planners)


# --- inside the worker process ------------------------------------------------------------------


class WorkerError(RuntimeError):
    """An unexpected exception inside a worker, carried back as text (type, message, traceback)."""


def _portable(exc: BaseException) -> BaseException:
    """An exception that pickles: domain errors as they are, anything else as WorkerError."""
    if isinstance(exc, RecommenderError):
        try:
            pickle.dumps(exc)
            return exc
        except Exception:  # noqa: BLE001 (fall back to text)
            pass
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return WorkerError(f"{type(exc).__name__}: {exc}\n{text}")


def _die_with_parent() -> None:
    """Linux: get SIGKILL when the server process dies, so no solve outlives it."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _worker_main(
    tasks: Connection, results: Connection, warm: tuple[str, ...], memory_mb: int, nice: int
) -> None:
    """Worker loop: receive ``(task_id, fn, args)``, send ``(task_id, ok, value)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server handles Ctrl-C and drains
    _die_with_parent()
    if nice > 0:
        with contextlib.suppress(OSError):
            os.nice(nice)  # solving yields the CPU to the server's event loop (health checks, I/O)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # native solver banners (HiGHS) must not reach the server's stdout
    os.close(devnull)
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    for name in warm:
        importlib.import_module(name)
    results.send(("ready", os.getpid(), None))
    while True:
        try:
            task_id, fn, args = pickle.loads(tasks.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            reply: tuple[object, bool, object] = (task_id, True, fn(*args))
        except MemoryError:
            reply = (
                task_id,
                False,
                LimitExceededError(
                    f"the solve needed more than the worker memory limit of {memory_mb} MiB",
                    limit="worker_memory_mb",
                ),
            )
        except BaseException as exc:  # noqa: BLE001 (every failure goes back to the caller)
            reply = (task_id, False, _portable(exc))
        try:
            results.send(reply)
        except Exception as exc:  # noqa: BLE001 (an unpicklable result)
            results.send((task_id, False, _portable(exc)))


# --- in the server process ------------------------------------------------------------------------


def _exit_reason(exitcode: int | None) -> str:
    if exitcode is None:
        return "it stopped responding"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (killed; out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"it was terminated by {name}{hint}"
    return f"it exited with code {exitcode}"


class _FrameReader:
    """Split a byte stream written by ``multiprocessing.Connection.send`` into its messages.

    A message is a 4-byte big-endian signed length and the payload; a payload of 2 GiB or
    more is marked by length -1 and followed by an 8-byte length.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, chunk: bytes) -> list[bytes]:
        """Append ``chunk``; return the payloads completed by it, in order."""
        buffer = self._buffer
        buffer += chunk
        done: list[bytes] = []
        start = 0
        while True:
            if len(buffer) - start < 4:
                break
            (size,) = _SHORT.unpack_from(buffer, start)
            header = 4
            if size == -1:
                if len(buffer) - start < 12:
                    break
                (size,) = _LONG.unpack_from(buffer, start + 4)
                header = 12
            end = start + header + size
            if len(buffer) < end:
                break
            with memoryview(buffer) as view:
                done.append(bytes(view[start + header : end]))
            start = end
        if start:
            del buffer[:start]
        return done


class _Worker:
    """One worker process, its pipes, and the event-loop reader of its results."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, warm: tuple[str, ...], memory_mb: int, nice: int
    ) -> None:
        self.loop = loop
        task_read, self.tasks = _SPAWN.Pipe(duplex=False)
        self.results, result_write = _SPAWN.Pipe(duplex=False)
        self.process = _SPAWN.Process(
            target=_worker_main, args=(task_read, result_write, warm, memory_mb, nice), daemon=True
        )
        self.process.start()
        task_read.close()  # the child owns these ends now; closing ours makes EOF visible
        result_write.close()
        self.pid = self.process.pid or 0
        self.ready: asyncio.Future[None] = loop.create_future()
        self.current: asyncio.Future[Any] | None = None
        self.task_id: int | None = None
        self.dead = False
        self.lane = "any"  # "small": reserved for small requests
        self.exit_reason = ""
        self.on_exit: Callable[[_Worker], None] = lambda w: None
        self._frames = _FrameReader()
        self._fd = self.results.fileno()
        os.set_blocking(self._fd, False)
        loop.add_reader(self._fd, self._on_readable)

    def _on_readable(self) -> None:
        """The result pipe is readable: take what is there, deliver every complete message.

        Read on the event loop without blocking (no reader thread, no cross-thread wake-up);
        a large result arrives over several callbacks while the loop keeps serving.
        """
        try:
            chunk = os.read(self._fd, _READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._on_eof()
            return
        for payload in self._frames.feed(chunk):
            try:
                message = pickle.loads(payload)
            except Exception as exc:  # noqa: BLE001 (a result that cannot be unpickled)
                message = (self.task_id, False, _portable(exc))
            self._deliver(message)

    def _on_eof(self, waited: float = 0.0) -> None:
        """The worker closed its result pipe (it exited): report the exit once its status is known."""
        if waited == 0.0:
            with contextlib.suppress(Exception):
                self.loop.remove_reader(self._fd)
            with contextlib.suppress(OSError):
                self.results.close()
        if self.process.exitcode is None and waited < _EXIT_WAIT:
            self.loop.call_later(_EXIT_POLL, self._on_eof, waited + _EXIT_POLL)
            return
        self._exited(_exit_reason(self.process.exitcode))

    def _deliver(self, message: tuple[Any, bool, Any]) -> None:
        tag, ok, value = message
        if tag == "ready":
            if not self.ready.done():
                self.ready.set_result(None)
            return
        if tag != self.task_id or self.current is None or self.current.done():
            return  # the caller gave up on this task already
        if ok:
            self.current.set_result(value)
        else:
            self.current.set_exception(value)

    def _exited(self, reason: str) -> None:
        if not self.exit_reason:
            self.exit_reason = reason
        self.dead = True
        doing = "while solving" if self.ready.done() else "while starting (importing the solver stack)"
        error = SolverCrashedError(
            f"solver process {self.pid} died {doing}: {self.exit_reason}; "
            "the server replaced it and keeps serving (retrying is safe)"
        )
        error.metadata["exit"] = self.exit_reason
        if not self.ready.done():
            self.ready.set_exception(error)
            self.ready.exception()  # mark retrieved
        if self.current is not None and not self.current.done():
            self.current.set_exception(error)
        self.on_exit(self)

    def kill(self, why: str) -> None:
        """SIGKILL the process (the end of its result pipe then reports the exit)."""
        if not self.exit_reason:
            self.exit_reason = why
        self.dead = True
        if self.current is not None and not self.current.done():
            self.current.cancel()  # abandoned: nobody will read it
        with contextlib.suppress(Exception):
            self.process.kill()

    async def send(self, task_id: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        payload = pickle.dumps((task_id, fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        if len(payload) <= _INLINE_SEND_BYTES:
            self.tasks.send_bytes(payload)
        else:  # a big problem: write it without blocking the event loop
            await asyncio.to_thread(self.tasks.send_bytes, payload)

    def stop(self) -> None:
        """Close the task pipe (the worker exits when idle); kill it if it is solving."""
        with contextlib.suppress(Exception):
            self.tasks.close()
        if self.current is not None and not self.current.done():
            self.kill("the server shut down")


@dataclass
class PoolStats:
    """Counters and gauges of the pool (for tests, logs and the load harness)."""

    workers: int
    small_lane: int
    idle: int
    busy: int
    starting: int
    spares_ready: int
    queued: int
    completed: int = 0
    killed_deadline: int = 0
    killed_cancelled: int = 0
    crashed: int = 0
    replaced: int = 0
    rejected: int = 0
    busy_pids: list[int] = field(default_factory=list)


@dataclass(order=True)
class _Waiter:
    priority: int
    seq: int
    future: asyncio.Future[_Worker] = field(compare=False)


class SolverPool:
    """A fixed number of killable solver processes, warm spares, and a bounded queue."""

    def __init__(
        self,
        workers: int,
        *,
        spares: int = 1,
        max_queued: int = 16,
        memory_mb: int = 0,
        nice: int = 5,
        small_lane: int = 0,
        warm_modules: Iterable[str] | None = None,
    ) -> None:
        self._workers = max(1, workers)
        self._small_lane = max(0, small_lane)
        self._spare_target = max(0, spares)
        self._max_queued = max(0, max_queued)
        self._memory_mb = memory_mb
        self._nice = nice
        self._warm = tuple(warm_modules) if warm_modules is not None else default_warm_modules()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._active: list[_Worker] = []
        self._idle: deque[_Worker] = deque()
        self._spares: list[_Worker] = []
        self._waiters: list[_Waiter] = []
        self._seq = itertools.count()
        self._task_ids = itertools.count(1)
        self._closed = False
        self._counters = dict.fromkeys(
            ("completed", "killed_deadline", "killed_cancelled", "crashed", "replaced", "rejected"), 0
        )

    @property
    def workers(self) -> int:
        """Number of solver processes that solve at the same time."""
        return self._workers

    # -- lifecycle --

    def _spawn(self, lane: str = "any") -> _Worker:
        assert self._loop is not None
        worker = _Worker(self._loop, self._warm, self._memory_mb, self._nice)
        worker.lane = lane
        worker.on_exit = self._on_exit
        return worker

    async def warm_up(self) -> None:
        """Start every worker and spare and wait until each has imported the solver stack."""
        self._loop = asyncio.get_running_loop()
        self._active = [self._spawn() for _ in range(self._workers)]
        self._active += [self._spawn("small") for _ in range(self._small_lane)]
        self._spares = [self._spawn() for _ in range(self._spare_target)]
        await asyncio.gather(*(w.ready for w in self._active + self._spares))
        self._idle.extend(self._active)

    def shutdown(self) -> None:
        """Stop every process (solves still running are killed)."""
        self._closed = True
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.cancel()
        for worker in self._active + self._spares:
            worker.stop()
        deadline = time.monotonic() + 2.0
        for worker in self._active + self._spares:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.kill("the server shut down")
                worker.process.join(timeout=1.0)

    def stats(self) -> PoolStats:
        """A snapshot of the pool."""
        busy = [w for w in self._active if w.current is not None and not w.current.done()]
        return PoolStats(
            workers=self._workers,
            small_lane=self._small_lane,
            idle=len(self._idle),
            busy=len(busy),
            starting=sum(1 for w in self._active if not w.ready.done()),
            spares_ready=sum(1 for w in self._spares if w.ready.done() and not w.dead),
            queued=sum(1 for w in self._waiters if not w.future.done()),
            busy_pids=[w.pid for w in busy],
            **self._counters,
        )

    # -- replacement --

    def _on_exit(self, worker: _Worker) -> None:
        if worker in self._spares:
            self._spares.remove(worker)
            if not self._closed:
                self._start_spare()
            return
        if worker not in self._active or self._closed:
            return
        self._active.remove(worker)
        with contextlib.suppress(ValueError):
            self._idle.remove(worker)
        self._counters["crashed"] += 1
        _LOG.error("solver process %d died: %s; replacing it", worker.pid, worker.exit_reason)
        if worker.ready.done() and worker.ready.exception() is not None and self._loop is not None:
            self._loop.call_later(1.0, self._replace, worker.lane)  # it died while starting: do not spin
        else:
            self._replace(worker.lane)

    def _replace(self, lane: str) -> None:
        if self._closed:
            return
        self._counters["replaced"] += 1
        ready = [s for s in self._spares if s.ready.done() and not s.dead]
        if ready:
            spare = ready[0]
            spare.lane = lane
            self._spares.remove(spare)
            self._active.append(spare)
            self._release(spare)
        else:
            fresh = self._spawn(lane)
            self._active.append(fresh)
            fresh.ready.add_done_callback(functools.partial(self._fresh_ready, fresh))
        self._start_spare()

    def _fresh_ready(self, worker: _Worker, fut: asyncio.Future[None]) -> None:
        if fut.cancelled() or fut.exception() is not None or worker.dead:
            return
        self._release(worker)

    def _start_spare(self) -> None:
        while not self._closed and len(self._spares) < self._spare_target:
            spare = self._spawn()
            self._spares.append(spare)

    def _retire(self, worker: _Worker, why: str) -> None:
        """Kill a worker whose task was abandoned and put a replacement in its place."""
        worker.kill(why)
        if worker in self._active:
            self._active.remove(worker)
            self._replace(worker.lane)

    # -- admission --

    def _release(self, worker: _Worker) -> None:
        worker.current = None
        worker.task_id = None
        if worker.dead or worker not in self._active:
            return
        self._waiters = [w for w in self._waiters if not w.future.done()]
        for waiter in self._waiters:  # in priority order: small first, then by arrival
            if worker.lane == "any" or waiter.priority == 0:
                self._waiters.remove(waiter)
                waiter.future.set_result(worker)
                return
        self._idle.append(worker)

    async def _acquire(self, timeout: float | None, small: bool) -> _Worker:
        if self._closed:
            raise SolverCrashedError("the server is shutting down")
        for lane in ("small", "any") if small else ("any",):
            for worker in list(self._idle):
                if worker.lane == lane:
                    self._idle.remove(worker)
                    if not worker.dead:
                        return worker
        queued = sum(1 for w in self._waiters if not w.future.done())
        if queued >= self._max_queued:
            self._counters["rejected"] += 1
            error = LimitExceededError(
                f"all {self._workers} solver workers are busy and {queued} solves are already queued "
                f"(limit max_queued_solves = {self._max_queued}); retry later",
                limit="max_queued_solves",
            )
            error.metadata["limit_value"] = str(self._max_queued)
            raise error
        assert self._loop is not None
        waiter = _Waiter(0 if small else 1, next(self._seq), self._loop.create_future())
        self._waiters.append(waiter)
        self._waiters.sort()
        try:
            worker = await asyncio.wait_for(asyncio.shield(waiter.future), timeout=timeout)
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                # Granted in the same step as the caller cancelled: Python 3.11's wait_for
                # returns the result and drops the cancellation; honour it (the worker is handed on).
                raise asyncio.CancelledError
            return worker
        except BaseException as exc:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            if waiter.future.done() and not waiter.future.cancelled():
                self._release(waiter.future.result())  # granted just as we gave up: hand it on
            else:
                waiter.future.cancel()
            if isinstance(exc, TimeoutError):
                raise SolveTimeoutError(
                    f"the deadline ended while waiting {timeout or 0.0:.3f} s for a free solver worker"
                ) from exc
            raise

    @contextlib.asynccontextmanager
    async def lease(self, *, wait_timeout: float | None = None, small: bool = False) -> AsyncIterator[Lease]:
        """Hold one worker for one solve; it is killed if the solve is abandoned.

        gRPC cancels the handler when the caller's deadline passes; such a
        cancellation (at or after ``wait_timeout``) counts as a deadline kill.
        """
        started = time.monotonic()
        worker = await self._acquire(wait_timeout, small)
        lease = Lease(self, worker)
        try:
            yield lease
        except asyncio.CancelledError:
            if lease.running:
                at_deadline = wait_timeout is not None and time.monotonic() - started >= wait_timeout - 0.01
                self._counters["killed_deadline" if at_deadline else "killed_cancelled"] += 1
                self._retire(worker, "deadline" if at_deadline else "cancelled by the caller")
            else:
                self._release(worker)
            raise
        except SolveTimeoutError:
            if lease.running:
                self._counters["killed_deadline"] += 1
                self._retire(worker, "deadline: the solve outlived the caller's deadline")
            else:
                self._release(worker)
            raise
        except SolverCrashedError:
            raise  # the exit handler replaces it
        except BaseException:
            if lease.running:
                self._retire(worker, "abandoned")
            else:
                self._release(worker)
            raise
        else:
            self._counters["completed"] += 1
            self._release(worker)

    async def run(self, fn: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        """Run ``fn(*args)`` in a worker; SolveTimeoutError (worker killed) after ``timeout`` s."""
        started = time.monotonic()
        async with self.lease(wait_timeout=timeout) as lease:
            left = None if timeout is None else max(0.0, timeout - (time.monotonic() - started))
            return await lease.run(fn, *args, timeout=left)


class Lease:
    """One worker held for one solve."""

    def __init__(self, pool: SolverPool, worker: _Worker) -> None:
        self._pool = pool
        self._worker = worker
        self.running = False

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self._worker.pid

    async def run(self, fn: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        """Send the task and wait for its result; SolveTimeoutError after ``timeout`` s."""
        worker = self._worker
        assert self._pool._loop is not None
        task_id = next(self._pool._task_ids)
        result: asyncio.Future[T] = self._pool._loop.create_future()
        worker.task_id = task_id
        worker.current = result
        self.running = True
        try:
            await worker.send(task_id, fn, args)
        except (BrokenPipeError, OSError) as exc:
            if not result.done():
                result.set_exception(SolverCrashedError(f"solver process {worker.pid} is gone: {exc}"))
        try:
            return await asyncio.wait_for(asyncio.shield(result), timeout=timeout)
        except TimeoutError as exc:
            raise SolveTimeoutError(
                f"the solve did not finish within the deadline ({timeout or 0.0:.3f} s); "
                "its solver process was stopped"
            ) from exc
        finally:
            if result.done():
                self.running = False  # the worker answered (a value or an error): it is free
