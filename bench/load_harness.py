"""Load, deadline and crash-recovery harness on loopback.

    python -m bench.load_harness                        # full run (about 2.5 minutes)
    python -m bench.load_harness --duration 20 --throughput-seconds 5 --probes 3   # quick look

Phases (every figure is printed with ``os.getloadavg()``: the machine may be shared):

1. **Deadline probe** (in-process server, 1 worker + 1 spare, real gRPC): a
   100 ms deadline on a large problem; client-observed latency, and the time until
   the pool shows the worker freed (killed and replaced by the warm spare) and
   until a new spare is warm again.
2. **Crash probe** (same server): SIGKILL the solver process mid-solve; the
   failed call's code and latency, the latency of the next call, and the time
   until the pool is back at full strength.
3. **Mixed load** (server subprocess, ``--workers`` solver processes): ``--callers``
   concurrent callers for ``--duration`` s, each call large (6 classes x 720 h,
   about 4 s of solving) with probability ``--large-share``, else small
   (2 classes x 24 h, a fresh request every time so the cache never answers);
   a health checker polls ``grpc.health.v1.Health/Check`` every 20 ms meanwhile.
   Reported: errors by code, p50/p90/p99/max latency per kind, health p50/p99/max.
4. **Small-request throughput**, ``--callers`` callers for ``--throughput-seconds``
   each: (a) health checks (the gRPC ceiling of this machine), (b) distinct small
   requests of each lever (every one solved; built before the clock starts, since
   the load generator shares the two cores with the server; cache hits are counted
   and must be 0), (c) a working set of 32 small PlanCommitments requests repeated
   (answered from the response cache after the first solve of each).

Baseline ratios: health p99 under load vs idle; small p50 under load vs idle; each
throughput row as a share of the health-check rate of the same run (this ratio stays
put when the shared VM runs faster or slower, the req/s do not).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import grpc
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc

from clients.local_server import local_server
from recommender.api.v1 import recommender_service_pb2_grpc as service_grpc
from recommender.server.admission import CACHE_METADATA_KEY
from tests.reliability.harness import (
    ServerThread,
    large_request,
    server_thread,
    small_consolidation_request,
    small_request,
    small_right_size_request,
    small_routing_request,
)

LARGE = (6, 720)


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} (1/5 min) on {os.cpu_count()} CPUs"


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def _ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (
        f"n={len(values)} p50 {_pct(values, 50) * 1e3:.1f} ms, p90 {_pct(values, 90) * 1e3:.1f} ms, "
        f"p99 {_pct(values, 99) * 1e3:.1f} ms, max {max(values) * 1e3:.1f} ms"
    )


# --- phases 1 and 2: probes on an in-process server ------------------------------------------------


def _wait(server: ServerThread, predicate: object, timeout: float = 60.0) -> float:
    started = time.perf_counter()
    server.wait_for(predicate, timeout=timeout)  # type: ignore[arg-type]
    return time.perf_counter() - started


def probes(count: int) -> None:
    print(f"\n== 1-2. deadline and crash probes (in-process server, 1 worker + 1 spare) [{_load()}]")
    with server_thread(workers=1, spare_workers=1, response_cache_mb=0) as server:
        with grpc.insecure_channel(server.address) as channel:
            stub = service_grpc.RecommenderStub(channel)
            stub.PlanCommitments(small_request(), timeout=60)
            latencies, freed, warm, codes = [], [], [], Counter()
            for i in range(count):
                server.wait_for(lambda s: s.idle == 1 and s.spares_ready == 1)
                request = large_request(*LARGE, seed=100 + i)
                started = time.perf_counter()
                try:
                    stub.PlanCommitments(request, timeout=0.1)
                    codes["OK"] += 1
                except grpc.RpcError as error:
                    codes[error.code().name] += 1
                latencies.append(time.perf_counter() - started)
                freed.append(_wait(server, lambda s: s.busy == 0 and s.idle == 1) + latencies[-1] - 0.1)
                warm.append(_wait(server, lambda s: s.spares_ready == 1) + freed[-1])
            stats = server.stats()
            print(f"   100 ms deadline on a large problem ({LARGE[0]} classes x {LARGE[1]} h): {dict(codes)}")
            print(f"   client latency: {_ms(latencies)}")
            print(f"   worker freed (killed, spare promoted) after the deadline: {_ms(freed)}")
            print(f"   new spare warm after the deadline: {_ms(warm)}")
            print(f"   pool: killed at deadline {stats.killed_deadline}, on cancel {stats.killed_cancelled}")

            errors, failed_after, next_call, recovered = Counter(), [], [], []
            for i in range(count):
                server.wait_for(lambda s: s.idle == 1 and s.spares_ready == 1)
                call = stub.PlanCommitments.future(large_request(*LARGE, seed=200 + i), timeout=60)
                pid = server.wait_for(lambda s: bool(s.busy_pids)).busy_pids[0]
                killed = time.perf_counter()
                os.kill(pid, signal.SIGKILL)
                error = call.exception(timeout=30)
                failed_after.append(time.perf_counter() - killed)
                errors[error.code().name if isinstance(error, grpc.Call) else "OK"] += 1
                started = time.perf_counter()
                stub.PlanCommitments(small_request(seed=300 + i), timeout=60)
                next_call.append(time.perf_counter() - started)
                recovered.append(
                    _wait(server, lambda s: s.idle == 1 and s.spares_ready == 1) + (started - killed)
                )
            print(
                f"   SIGKILL of the solver mid-solve: caller got {dict(errors)}; {_ms(failed_after)} after it"
            )
            print(f"   next (small) call on the same server: {_ms(next_call)}")
            print(f"   pool back to full strength (worker + warm spare) after the kill: {_ms(recovered)}")


# --- phases 3 and 4: load on a server subprocess ---------------------------------------------------


@dataclass
class Tally:
    small: list[float] = field(default_factory=list)
    large: list[float] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)


async def _caller(
    stub: service_grpc.RecommenderStub, stop: float, large_share: float, rng: random.Random, tally: Tally
) -> None:
    while time.perf_counter() < stop:
        large = rng.random() < large_share
        request = (
            large_request(*LARGE, seed=rng.randrange(10**9))
            if large
            else small_request(seed=rng.randrange(10**9))
        )
        started = time.perf_counter()
        try:
            await stub.PlanCommitments(request, timeout=120)
            (tally.large if large else tally.small).append(time.perf_counter() - started)
        except grpc.aio.AioRpcError as error:
            tally.errors[f"{'large' if large else 'small'}:{error.code().name}"] += 1


async def _health(channel: grpc.aio.Channel, stop: float, tally: Tally, period: float = 0.02) -> None:
    stub = health_pb2_grpc.HealthStub(channel)
    while time.perf_counter() < stop:
        started = time.perf_counter()
        try:
            await stub.Check(health_pb2.HealthCheckRequest(), timeout=5)
            tally.health.append(time.perf_counter() - started)
        except grpc.aio.AioRpcError as error:
            tally.errors[f"health:{error.code().name}"] += 1
        await asyncio.sleep(max(0.0, period - (time.perf_counter() - started)))


async def _idle_baseline(address: str) -> tuple[list[float], list[float]]:
    async with grpc.aio.insecure_channel(address) as channel:
        stub, tally = service_grpc.RecommenderStub(channel), Tally()
        await _health(channel, time.perf_counter() + 2.0, tally)
        small = []
        for i in range(10):
            started = time.perf_counter()
            await stub.PlanCommitments(small_request(seed=10**6 + i), timeout=60)
            small.append(time.perf_counter() - started)
        return tally.health, small


async def mixed_load(address: str, callers: int, duration: float, large_share: float) -> None:
    idle_health, idle_small = await _idle_baseline(address)
    print(f"\n== 3. mixed load: {callers} callers x {duration:.0f} s, {large_share:.0%} large [{_load()}]")
    tally = Tally()
    async with grpc.aio.insecure_channel(address) as channel:
        stub = service_grpc.RecommenderStub(channel)
        stop = time.perf_counter() + duration
        started = time.perf_counter()
        await asyncio.gather(
            _health(channel, stop, tally),
            *(_caller(stub, stop, large_share, random.Random(i), tally) for i in range(callers)),
        )
        elapsed = time.perf_counter() - started
    total = len(tally.small) + len(tally.large)
    print(
        f"   calls {total} in {elapsed:.1f} s ({total / elapsed:.1f}/s): small {len(tally.small)}, "
        f"large {len(tally.large)}; errors {sum(tally.errors.values())} {dict(tally.errors)}"
    )
    print(f"   small latency: {_ms(tally.small)}")
    print(f"   large latency: {_ms(tally.large)}")
    print(f"   health latency under load: {_ms(tally.health)}")
    print(
        f"   health latency idle:       {_ms(idle_health)}  (p99 ratio load/idle "
        f"{_pct(tally.health, 99) / max(_pct(idle_health, 99), 1e-9):.1f}x)"
    )
    print(
        f"   small latency idle:        {_ms(idle_small)}  (p50 ratio load/idle "
        f"{_pct(tally.small, 50) / max(_pct(idle_small, 50), 1e-9):.1f}x)"
    )
    print(f"   after the run [{_load()}]")


_SMALL_BUILDERS: dict[str, Callable[..., Message]] = {
    "PlanCommitments": small_request,
    "RightSize": small_right_size_request,
    "RouteWorkloads": small_routing_request,
    "ConsolidateVendors": small_consolidation_request,
}


TARGET_RATE = 300
"""Issue 8's small-request throughput target, req/s on two cores."""


def _distinct_requests(kind: str, count: int, first_seed: int) -> Iterator[Message]:
    """Distinct small requests of one lever: ``count`` built before the clock starts (the load
    generator shares the machine's two cores with the server), more on the fly if needed."""
    build = _SMALL_BUILDERS[kind]
    yield from [build(seed=first_seed + i) for i in range(count)]
    seed = first_seed + count
    while True:
        yield build(seed=seed)
        seed += 1


async def _throughput(
    address: str, callers: int, seconds: float, kind: str
) -> tuple[int, int, int, list[float]]:
    """``(answered, errors, cache hits, latencies)`` of ``callers`` callers for ``seconds``."""
    working_set = [small_request(seed=i) for i in range(32)]
    distinct = (
        _distinct_requests(kind, int(seconds * 500), 10**8 * (1 + list(_SMALL_BUILDERS).index(kind)))
        if kind in _SMALL_BUILDERS
        else None
    )
    async with grpc.aio.insecure_channel(address) as channel:
        stub, health = service_grpc.RecommenderStub(channel), health_pb2_grpc.HealthStub(channel)
        if kind == "repeated":  # warm the cache: each request of the working set solved once
            await asyncio.gather(*(stub.PlanCommitments(r, timeout=60) for r in working_set))
        done, errors, hits, latencies = 0, 0, 0, []
        stop = time.perf_counter() + seconds

        async def one(index: int) -> None:
            nonlocal done, errors, hits
            rng = random.Random(index)
            while time.perf_counter() < stop:
                started = time.perf_counter()
                try:
                    if kind == "health":
                        await health.Check(health_pb2.HealthCheckRequest(), timeout=5)
                    else:
                        request = next(distinct) if distinct is not None else rng.choice(working_set)
                        call = getattr(stub, kind if distinct is not None else "PlanCommitments")(
                            request, timeout=60
                        )
                        await call
                        hits += (CACHE_METADATA_KEY, "hit") in tuple(await call.trailing_metadata() or ())
                    done += 1
                    latencies.append(time.perf_counter() - started)
                except grpc.aio.AioRpcError:
                    errors += 1

        await asyncio.gather(*(one(i) for i in range(callers)))
        return done, errors, hits, latencies


async def throughput(address: str, callers: int, seconds: float) -> None:
    print(f"\n== 4. small-request throughput: {callers} callers x {seconds:.0f} s each [{_load()}]")
    ceiling = 0.0
    for kind, label in (
        ("health", "health checks (gRPC ceiling)"),
        ("PlanCommitments", "distinct small PlanCommitments (2 classes x 24 h, all solved)"),
        ("RightSize", "distinct small RightSize (1 VM x 288 samples, 12 types)"),
        ("RouteWorkloads", "distinct small RouteWorkloads (1 service, 3 offers)"),
        ("ConsolidateVendors", "distinct small ConsolidateVendors (2 demands, 2 vendors)"),
        ("repeated", "repeated small PlanCommitments (32-request working set, cached)"),
    ):
        done, errors, hits, latencies = await _throughput(address, callers, seconds, kind)
        rate = done / seconds
        if kind == "health":  # the first row: the same-run baseline of the others
            ceiling = rate
        verdict = "" if kind == "health" else f"{'meets' if rate >= TARGET_RATE else 'below'} {TARGET_RATE}, "
        print(
            f"   {label:<66} {rate:8.1f} req/s ({rate / max(ceiling, 1e-9):.3f} x health), {verdict}"
            f"errors {errors}, cache hits {hits}, {_ms(latencies)}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--callers", type=int, default=8)
    parser.add_argument("--large-share", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--throughput-seconds", type=float, default=15.0)
    parser.add_argument("--probes", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"finops-recommender load harness [{_load()}]")
    if args.probes:
        probes(args.probes)
    server_args = ("--workers", str(args.workers), "--max-queued-solves", str(4 * args.callers))
    with local_server(extra_args=server_args) as address:
        print(f"\nserver subprocess at {address}: {args.workers} solver workers + 1 spare, cache on")
        with grpc.insecure_channel(address) as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
        asyncio.run(mixed_load(address, args.callers, args.duration, args.large_share))
        if args.throughput_seconds:
            asyncio.run(throughput(address, args.callers, args.throughput_seconds))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"\ntotal {time.perf_counter() - started:.0f} s; peak RSS harness {rss:.0f} MiB, "
        f"largest child (server or solver) {children:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
