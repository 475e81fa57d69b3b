"""Right-sizing at scale: 10,000 VMs x 14 days of 5-minute CPU samples (~40 M points).

Instances come from the 100 real Azure VM traces (``bench/_rightsizing_data.py``) and
the real anycloud Azure catalogue (eastus, 1,377 sizes). Reported, each with wall and
CPU seconds (the machine is shared, so CPU seconds are the steadier figure):

1. request size in both series encodings, and the decode cost of each;
2. the service pipeline (parse, decode, statistics + sizing + plans, encode) in a fresh
   process, with its peak RSS;
3. the same request end to end over gRPC on loopback to a real server
   (``--workers 1``), with the server's and its worker's peak RSS;
4. a naive baseline — per VM, ``np.percentile`` then a Python loop over every
   catalogue type — measured on a subset and scaled to all VMs, and the ratio.

Objective = monthly savings of the balanced plan (the per-resource choice is an
exact scan, so bound = objective and gap = 0).

Usage: ``python -m bench.rightsizing_scale [--vms 10000] [--naive-subset 200] [--no-rpc]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench._rightsizing_data import build_request, cpu_matrix
from tests.conftest import shared_data_dir
from tests.rightsizing.data import REGION, assign_size, azure_catalog

MIB = 2**20


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    wall, cpu = _clock()
    return {"wall_s": round(wall - start[0], 3), "cpu_s": round(cpu - start[1], 3)}


def _hwm_mib() -> float:
    """Peak RSS of this process (VmHWM; unlike ru_maxrss it is not inherited across exec)."""
    status = Path("/proc/self/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+)", status)
    return int(match.group(1)) / 1024 if match else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: str) -> None:
    """The service pipeline on a serialized request, stage by stage (run in a fresh process)."""
    from recommender.api.v1 import rightsizing_pb2 as rpb
    from recommender.planning.rightsizing_plans import plan_right_size
    from recommender.server.codec.rightsizing import decode_right_size, encode_right_size

    payload = Path(path).read_bytes()
    base_rss = _hwm_mib()
    stages: dict[str, dict[str, float]] = {}
    t = _clock()
    request = rpb.RightSizeRequest.FromString(payload)
    stages["parse"] = _since(t)
    t = _clock()
    domain = decode_right_size(request)
    stages["decode"] = _since(t)
    del request
    t = _clock()
    outcome = plan_right_size(domain, 60.0)
    stages["plan"] = _since(t)
    t = _clock()
    answer = encode_right_size(outcome).SerializeToString()
    stages["encode"] = _since(t)
    total = {k: round(sum(s[k] for s in stages.values()), 3) for k in ("wall_s", "cpu_s")}
    balanced = next(p for p in outcome.plans if p.risk_profile.value == "balanced")
    findings: dict[str, int] = {}
    for r in outcome.recommendations:
        findings[r.finding] = findings.get(r.finding, 0) + 1
    print(
        json.dumps(
            {
                "stages": stages,
                "total": total,
                "peak_rss_mib": round(_hwm_mib(), 1),
                "rss_before_mib": round(base_rss, 1),
                "response_mib": round(len(answer) / MIB, 1),
                "objective_monthly_savings": float(balanced.monthly_savings),
                "baseline_monthly_cost": float(balanced.baseline_monthly_cost),
                "plans": {
                    p.risk_profile.value: [len(p.actions), float(p.monthly_savings)] for p in outcome.plans
                },
                "findings": findings,
                "cells_scanned": balanced.solver.variables if balanced.solver else 0,
            }
        )
    )


def _decode_cost(vms: int, encoding: str) -> dict[str, float]:
    from recommender.api.v1 import rightsizing_pb2 as rpb
    from recommender.server.codec.rightsizing import decode_right_size

    payload = build_request(shared_data_dir(), vms, encoding=encoding).SerializeToString()
    t = _clock()
    decode_right_size(rpb.RightSizeRequest.FromString(payload))
    out = _since(t)
    out["mib"] = round(len(payload) / MIB, 2)
    return out


def naive(vms: int) -> dict[str, float]:
    """Per VM: np.percentile, then a Python loop over every catalogue type (same rules
    as the service for CPU-only VMs: same provider/region/architecture, no burstable,
    capacity, cheapest first)."""
    shared = shared_data_dir()
    catalog = azure_catalog(shared)
    by_name = {c.name: c for c in catalog}
    ids, matrix = cpu_matrix(shared, vms)
    t = _clock()
    for i, vm in enumerate(ids):
        cur = by_name[assign_size(vm)]
        need_cpu = float(np.percentile(matrix[i], 95)) / 100 * cur.vcpus * 1.2
        best: list[tuple[float, str]] = []
        for t_ in catalog:
            if t_.name == cur.name or t_.region != REGION or t_.architecture != cur.architecture:
                continue
            if t_.burstable or t_.gpu_count > 0 or t_.vcpus < need_cpu or t_.memory_gib < cur.memory_gib:
                continue
            best.append((t_.hourly_price, t_.name))
        best.sort()
        _ = best[:3]
    out = _since(t)
    out["per_vm_ms"] = round(1000 * out["wall_s"] / vms, 3)
    return out


def _server_tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for c in children:
            pids += _server_tree(int(c))
    return pids


def _proc_stats(pid: int) -> tuple[float, float]:
    """(peak RSS MiB, CPU seconds) of a process."""
    status = Path(f"/proc/{pid}/status").read_text()
    hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return hwm, (int(fields[11]) + int(fields[12])) / ticks


def rpc(payload_request: Any) -> dict[str, Any]:
    """Send the request to a real server on loopback; server + worker peak RSS and CPU."""
    from clients.client import RecommenderClient
    from recommender.api.v1 import rightsizing_pb2 as rpb

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "clients.cli",
            "serve",
            "--port",
            "0",
            "--workers",
            "1",
            "--max-message-mb",
            "512",
            "--log-level",
            "WARNING",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    address: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            m = re.search(r"listening on (\S+):(\d+)", line)
            if m and not address:
                address.append(f"{m[1]}:{m[2]}")
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        ready.wait(60)
        with RecommenderClient(address[0], timeout=300, retries=0, max_message_bytes=512 * MIB) as client:
            client.wait_ready(60)
            small = rpb.RightSizeRequest()
            small.CopyFrom(payload_request)
            del small.resources[20:]
            client.right_size(small)  # warm the worker (imports)
            before = {p: _proc_stats(p)[1] for p in _server_tree(proc.pid)}
            t = _clock()
            response = client.right_size(payload_request)
            out: dict[str, Any] = _since(t)
            tree = _server_tree(proc.pid)
            stats = {p: _proc_stats(p) for p in tree}
            out["server_cpu_s"] = round(sum(stats[p][1] - before.get(p, 0.0) for p in tree), 3)
            out["server_peak_rss_mib"] = {
                ("server" if p == proc.pid else f"worker-{p}"): round(stats[p][0], 1) for p in tree
            }
            out["response_mib"] = round(response.ByteSize() / MIB, 1)
            out["plans"] = len(response.plans)
            out["recommendations"] = len(response.recommendations)
            return out
    finally:
        proc.terminate()
        proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vms", type=int, default=10_000)
    parser.add_argument("--naive-subset", type=int, default=200)
    parser.add_argument("--decode-subset", type=int, default=2_000)
    parser.add_argument("--no-rpc", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    load = os.getloadavg()
    print(
        f"# right-sizing scale benchmark: {args.vms} VMs x 4032 samples = "
        f"{args.vms * 4032 / 1e6:.1f} M points"
    )
    print(f"# cores: {os.cpu_count()}, load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    t = _clock()
    request = build_request(shared_data_dir(), args.vms, encoding="centi")
    payload = request.SerializeToString()
    print(f"client build (not part of the service): {_since(t)}")
    float_size = _decode_cost(args.decode_subset, "float")
    centi_size = _decode_cost(args.decode_subset, "centi")
    scale = args.vms / args.decode_subset
    print(
        f"request size: centi_values {len(payload) / MIB:.1f} MiB; "
        f"values (float32) ~{float_size['mib'] * scale:.1f} MiB "
        f"(measured on {args.decode_subset} VMs, scaled)"
    )
    print(f"decode cost on {args.decode_subset} VMs: float {float_size}  centi {centi_size}")
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as handle:
        handle.write(payload)
        path = handle.name
    try:
        run = subprocess.run(
            [sys.executable, "-m", "bench.rightsizing_scale", "--child", path],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(path)
    pipeline = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"pipeline (fresh process): {json.dumps(pipeline['stages'])}")
    print(
        f"pipeline total: {pipeline['total']}  peak RSS {pipeline['peak_rss_mib']} MiB "
        f"(interpreter + imports {pipeline['rss_before_mib']} MiB); response {pipeline['response_mib']} MiB"
    )
    print(
        f"objective (balanced plan monthly savings): {pipeline['objective_monthly_savings']:,.2f} USD of "
        f"{pipeline['baseline_monthly_cost']:,.2f}; bound = objective; gap 0 (exact scan)"
    )
    print(
        f"plans [actions, savings]: {pipeline['plans']}; findings: {pipeline['findings']}; "
        f"cells scanned per profile: {pipeline['cells_scanned']:,}"
    )
    base = naive(args.naive_subset)
    scale_up = args.vms / args.naive_subset
    projected = {k: base[k] * scale_up for k in ("wall_s", "cpu_s")}
    plan_stage = pipeline["stages"]["plan"]
    print(
        f"naive per-VM loop on {args.naive_subset} VMs: {base}; projected for {args.vms} VMs: "
        f"{projected['wall_s']:.1f} s wall, {projected['cpu_s']:.1f} s CPU"
    )
    print(
        f"ratio naive / vectorised planning stage: {projected['wall_s'] / plan_stage['wall_s']:.1f}x wall, "
        f"{projected['cpu_s'] / plan_stage['cpu_s']:.1f}x CPU "
        "(the naive loop sizes one profile and builds no "
        "plans, risk scores or reasons; the planning stage does three profiles)"
    )
    if not args.no_rpc:
        end_to_end = rpc(request)
        print(f"gRPC end to end (loopback, 1 worker): {json.dumps(end_to_end)}")
    load = os.getloadavg()
    print(f"# load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
