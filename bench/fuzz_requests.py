"""Fuzz request decoding and validation of every RPC at scale.

    python -m bench.fuzz_requests                      # defaults below
    python -m bench.fuzz_requests --cases 10000 --grpc-cases 2000 --atheris-runs 20000 --seed 1

Three campaigns, all judged by the rule in ``tests/reliability/fuzzlib.py``
(INVALID_ARGUMENT with schema-valid field paths, FAILED_PRECONDITION for
infeasible, RESOURCE_EXHAUSTED naming the limit, OK/admitted for valid requests,
UNIMPLEMENTED only for RPCs not in this build; never INTERNAL, never a crash):

1. hypothesis, in-process: ``--cases`` requests per implemented RPC
   (``--cases-unimplemented`` for RPCs that answer UNIMPLEMENTED), generated from
   the request descriptors and by mutating valid seeds, through the same
   measure + limits + servicer path the server runs before solving;
2. hypothesis over real gRPC: ``--grpc-cases`` per implemented RPC against a
   server on loopback (valid requests are really solved);
3. atheris (libFuzzer, coverage-guided over ``recommender`` and ``solvers``):
   ``--atheris-runs`` executions; each input's first bytes pick the RPC and a mode:
   raw protobuf bytes (through the server's tolerant deserializer), a message whose
   structure is chosen by the input bytes, or a byte-chosen mutation of a valid seed
   (``fuzzlib.request_from_bytes``). Seeded with the valid seeds and hypothesis
   mutants. Runs in a child process; skipped (and said so) when atheris is not
   installed (atheris-libprotobuf-mutator does not build here, hence the byte-driven
   structure).

Prints per campaign: cases, outcome counts, failures, time, cases/s, peak RSS.
Exit status 1 when any case broke the rule.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _print_report(title: str, reports: list[Any], seconds: float) -> int:
    cases = sum(r.cases for r in reports)
    failures = sum(len(r.failures) for r in reports)
    print(
        f"\n== {title}: {cases} cases in {seconds:.1f} s ({cases / max(seconds, 1e-9):.0f}/s), "
        f"peak RSS {_rss_mb():.0f} MiB, failures {failures}"
    )
    for r in reports:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(r.outcomes.items()))
        print(f"   {r.rpc:<20} {r.cases:>6}  {counts}")
        for problem, request in r.failures[:3]:
            print(f"     FAIL {problem}\n       request: {request[:500]!r}")
    return failures


def hypothesis_in_process(cases: int, cases_unimplemented: int, seed: int) -> int:
    from tests.reliability import fuzzlib

    target = fuzzlib.InProcessTarget()
    unimplemented = fuzzlib.unimplemented_rpcs(target)
    started = time.perf_counter()
    reports = []
    for spec in fuzzlib.unary_rpcs():
        n = cases_unimplemented if spec.name in unimplemented else cases
        reports.append(fuzzlib.campaign(target, spec, n, unimplemented=spec.name in unimplemented, seed=seed))
    target.close()
    return _print_report("hypothesis, in-process", reports, time.perf_counter() - started)


def hypothesis_grpc(cases: int, seed: int, workers: int) -> int:
    import grpc

    from clients.local_server import local_server
    from tests.reliability import fuzzlib

    args = ("--workers", str(workers), "--response-cache-mb", "0")
    with local_server(extra_args=args) as address, grpc.insecure_channel(address) as channel:
        grpc.channel_ready_future(channel).result(timeout=30)
        target = fuzzlib.GrpcTarget(channel, timeout=30)
        unimplemented = fuzzlib.unimplemented_rpcs(target)
        started = time.perf_counter()
        reports = []
        for spec in fuzzlib.unary_rpcs():
            n = min(cases, 200) if spec.name in unimplemented else cases
            reports.append(
                fuzzlib.campaign(target, spec, n, unimplemented=spec.name in unimplemented, seed=seed)
            )
        return _print_report(
            f"hypothesis over gRPC ({workers} workers)", reports, time.perf_counter() - started
        )


# --- atheris ---------------------------------------------------------------------------------------


def _atheris_child(runs: int, stats_path: str, corpus: str) -> None:
    import atheris

    with atheris.instrument_imports(include=["recommender", "solvers"]):
        from tests.reliability import fuzzlib

    target = fuzzlib.InProcessTarget()
    specs = fuzzlib.unary_rpcs()
    unimplemented = fuzzlib.unimplemented_rpcs(target)
    counts: dict[str, int] = {"executions": 0, "undecodable": 0}

    def flush() -> None:
        Path(stats_path).write_text(json.dumps(counts))

    def test_one(data: bytes) -> None:
        counts["executions"] += 1
        if counts["executions"] % 500 == 0 or counts["executions"] >= runs:
            flush()
        if not data:
            return
        spec, request = fuzzlib.request_from_bytes(data, specs)
        if isinstance(request, bytes):
            counts["raw bytes"] = counts.get("raw bytes", 0) + 1
            outcome = target.call_bytes(spec, request)  # the server's own tolerant deserializer
            if outcome.reason == "MALFORMED_PROTOBUF":
                counts["undecodable"] += 1
        else:
            counts["structured"] = counts.get("structured", 0) + 1
            outcome = target(spec, request)
        key = f"{spec.name}:{outcome.code}"
        counts[key] = counts.get(key, 0) + 1
        problem = fuzzlib.judge(spec, outcome, unimplemented=spec.name in unimplemented)
        if problem is not None:
            counts["failures"] = counts.get("failures", 0) + 1
            flush()
            raise AssertionError(f"{spec.name}: {problem}\nrequest: {request!r}")

    artifacts = str(
        Path(stats_path).parent / "crash-"
    )  # failing inputs land next to the stats, not in the repo
    args = [
        sys.argv[0],
        f"-runs={runs}",
        "-max_len=16384",
        "-rss_limit_mb=4096",
        f"-artifact_prefix={artifacts}",
    ]
    atheris.Setup([*args, corpus], test_one)
    atheris.Fuzz()


def _mutants(seeds: list[Any], count: int = 20) -> list[bytes]:
    from hypothesis import HealthCheck, given, settings

    from tests.reliability import fuzzlib

    found: list[bytes] = []

    @settings(max_examples=count, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(fuzzlib.mutated(seeds))
    def collect(request: Any) -> None:
        found.append(request.SerializeToString())

    collect()
    return found


def _write_corpus(directory: Path) -> int:
    from tests.reliability import fuzzlib

    count = 0
    specs = fuzzlib.unary_rpcs()
    for index, spec in enumerate(specs):
        seeds = fuzzlib.SEEDS.get(spec.name, lambda: [])()
        for seed in seeds:
            (directory / f"{spec.name}-seed-{count}").write_bytes(
                bytes([index, 0]) + seed.SerializeToString()
            )
            count += 1
        if not seeds:
            continue
        found = _mutants(seeds)
        for data in found:
            (directory / f"{spec.name}-mutant-{count}").write_bytes(bytes([index, 0]) + data)
            count += 1
    return count


def atheris_campaign(runs: int) -> int:
    try:
        import atheris  # noqa: F401
    except ImportError as error:
        print(f"\n== atheris: NOT RUN ({error}); install it with `pip install atheris` (Linux x86_64 wheels)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for crash in Path(tmp).glob("crash-*"):
            crash.unlink()
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        seeds = _write_corpus(corpus)
        stats = Path(tmp) / "stats.json"
        started = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.fuzz_requests",
                "--atheris-child",
                str(runs),
                str(stats),
                str(corpus),
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        seconds = time.perf_counter() - started
        counts = json.loads(stats.read_text()) if stats.exists() else {}
        corpus_size = len(list(corpus.iterdir()))
    tail = [line for line in proc.stderr.splitlines() if "cov:" in line or "Done" in line or "ERROR" in line]
    executions = counts.get("executions", 0)
    failures = counts.get("failures", 0) + (1 if proc.returncode != 0 else 0)
    print(
        f"\n== atheris (coverage-guided, libFuzzer): {executions} executions in {seconds:.1f} s "
        f"({executions / max(seconds, 1e-9):.0f}/s), {seeds} seeds -> corpus {corpus_size}, "
        f"exit {proc.returncode}, failures {failures}"
    )
    for key, value in sorted(counts.items()):
        if ":" in key or key in ("undecodable", "raw bytes", "structured"):
            print(f"   {key:<40} {value}")
    if tail:
        print("   libFuzzer: " + tail[-1].strip())
    if proc.returncode != 0:
        print("\n".join(proc.stderr.splitlines()[-60:]))
    return failures


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--atheris-child":
        _atheris_child(int(sys.argv[2]), sys.argv[3], sys.argv[4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="in-process cases per implemented RPC")
    parser.add_argument("--cases-unimplemented", type=int, default=500, help="in-process cases per other RPC")
    parser.add_argument("--grpc-cases", type=int, default=2_000, help="gRPC cases per implemented RPC")
    parser.add_argument("--atheris-runs", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2, help="solver workers of the gRPC server")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"load: {os.getloadavg()} on {os.cpu_count()} CPUs")
    started = time.perf_counter()
    failures = hypothesis_in_process(args.cases, args.cases_unimplemented, args.seed) if args.cases else 0
    failures += hypothesis_grpc(args.grpc_cases, args.seed, args.workers) if args.grpc_cases else 0
    failures += atheris_campaign(args.atheris_runs) if args.atheris_runs else 0
    print(f"\ntotal {time.perf_counter() - started:.0f} s, failures {failures}, peak RSS {_rss_mb():.0f} MiB")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
