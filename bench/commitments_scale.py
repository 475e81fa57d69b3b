"""Commitment engine at fleet scale vs the straightforward PuLP LP.

Run: ``.venv/bin/python -m bench.commitments_scale [--sizes 30x2160,100x8760,1000x8760]
[--baseline-cap 900] [--whole] [--seed 0]``.

For every size it generates the instance (``bench/commitment_instances.py``, seeded),
solves it with :func:`solvers.commitment_engine.solve_engine` and prints time, peak
memory (max RSS of a fresh child process per solve, so sizes do not contaminate each
other), objective, bound and gap; where ``--baseline-cap`` allows, it also solves the
same instance with the straightforward PuLP LP (``solve_commitments_lp``: a variable
per hour group x instrument x class) in the same run and prints the time ratio and
the relative difference of the optima. Fractional units by default (the baseline is
then an LP, as in the issue); ``--whole`` makes reserved units whole (the baseline is
then a MILP, which does not finish at these sizes).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import time
from typing import Any

from bench.commitment_instances import make_instance


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _engine(classes: int, hours: int, seed: int, whole: bool, limit: float | None, queue: Any) -> None:
    from solvers.commitment_engine import solve_engine

    problem = make_instance(classes, hours, seed, whole_units=whole)
    started, cpu = time.perf_counter(), _cpu()
    sol = solve_engine(problem, time_limit=limit)
    elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
    r = sol.report
    queue.put(
        {
            "seconds": elapsed,
            "cpu": cpu,
            "objective": r.objective,
            "bound": r.bound,
            "gap": r.relative_gap,
            "status": r.status.value,
            "iterations": sol.iterations,
            "cuts": sol.cuts,
            "exact": sol.exact_billing,
            "offers": len(problem.reserved) + len(problem.spend),
            "held": len(problem.held),
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        }
    )


def _baseline(classes: int, hours: int, seed: int, whole: bool, cap: float, queue: Any) -> None:
    from solvers.commitments import solve_commitments_lp

    problem = make_instance(classes, hours, seed, whole_units=whole)
    started, cpu = time.perf_counter(), _cpu()
    sol = solve_commitments_lp(problem, time_limit=cap)
    elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
    queue.put(
        {
            "seconds": elapsed,
            "cpu": cpu,
            "objective": sol.report.objective,
            "bound": sol.report.bound,
            "status": sol.report.status.value,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        }
    )


def _run(target: Any, *args: Any, timeout: float) -> dict[str, Any] | None:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    try:
        return queue.get(timeout=timeout)  # type: ignore[no-any-return]
    except Exception:
        return None
    finally:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.terminate()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30x2160,100x8760,1000x8760")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--whole", action="store_true", help="whole reserved units")
    parser.add_argument("--time-limit", type=float, default=0.0, help="engine time limit (s); 0 = none")
    parser.add_argument(
        "--baseline-cap",
        type=float,
        default=900.0,
        help="time cap (s) of the PuLP LP; 0 skips it; run only up to 200k hour-classes",
    )
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()}")
    header = (
        f"{'size':>12} {'offers':>6} {'held':>4} {'engine s':>9} {'cpu s':>8} {'peak MiB':>9} "
        f"{'objective':>16} {'bound':>16} {'gap':>9} {'it':>4} {'exact':>5} | {'LP s':>8} {'LP cpu':>8} "
        f"{'LP objective':>16} {'ratio':>7} {'cpu ratio':>9} {'rel diff':>9}"
    )
    print(header)
    for size in args.sizes.split(","):
        classes, hours = (int(v) for v in size.split("x"))
        limit = args.time_limit or None
        eng = _run(_engine, classes, hours, args.seed, args.whole, limit, timeout=7200)
        if eng is None:
            print(f"{size:>12} engine failed")
            continue
        base = None
        if args.baseline_cap > 0 and classes * hours <= 200_000:
            base = _run(
                _baseline,
                classes,
                hours,
                args.seed,
                args.whole,
                args.baseline_cap,
                timeout=args.baseline_cap * 3 + 600,
            )
        line = (
            f"{size:>12} {eng['offers']:>6} {eng['held']:>4} {eng['seconds']:>9.2f} {eng['cpu']:>8.2f} "
            f"{eng['peak_mib']:>9.0f} {eng['objective']:>16.4f} {eng['bound']:>16.4f} {eng['gap']:>9.2e} "
            f"{eng['iterations']:>4} {str(eng['exact']):>5} | "
        )
        if base is None:
            line += "(not run)"
        else:
            diff = (eng["objective"] - base["objective"]) / max(abs(base["objective"]), 1e-9)
            line += (
                f"{base['seconds']:>8.1f} {base['cpu']:>8.1f} {base['objective']:>16.4f} "
                f"{base['seconds'] / eng['seconds']:>7.1f} {base['cpu'] / max(eng['cpu'], 1e-9):>9.1f} "
                f"{diff:>9.1e} ({base['status']})"
            )
        print(line, flush=True)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
