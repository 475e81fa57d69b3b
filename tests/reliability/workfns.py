"""Picklable module-level functions run inside solver workers by the pool tests."""

from __future__ import annotations

import os
import signal
import time

from recommender.errors import InfeasibleError, SolveTimeoutError


def echo(request: object, time_limit: float) -> tuple[object, float, int]:
    return request, time_limit, os.getpid()


def pause(request: object, time_limit: float) -> tuple[object, float, int]:
    time.sleep(float(request))  # type: ignore[arg-type]
    return request, time_limit, os.getpid()


def sleep_past_limit(request: object, time_limit: float) -> str:
    time.sleep(3600)  # ignores its time limit, like a model build that overruns
    return "never"


def no_solution_in_time(request: object, time_limit: float) -> str:
    raise SolveTimeoutError(f"no solution within {time_limit} s")


def infeasible(request: object, time_limit: float) -> str:
    raise InfeasibleError("demand exceeds capacity", binding=["capacity[x]"])


def buggy(request: object, time_limit: float) -> str:
    raise ZeroDivisionError("a bug in a planner")


def exits(request: object, time_limit: float) -> str:
    os._exit(3)


def killed_by_signal(request: object, time_limit: float) -> str:
    os.kill(os.getpid(), signal.SIGSEGV)
    time.sleep(10)
    return "never"


def unpicklable_result(request: object, time_limit: float) -> object:
    return lambda: None


def allocate(request: object, time_limit: float) -> int:
    block = bytearray(int(request))  # type: ignore[call-overload]
    return len(block)
