"""Fleet packing: real Alibaba pod requests onto real Azure node types (eastus).

For each fleet size: wall/CPU time, peak RSS, objective (USD/hour of the nodes), the
proven bound and gap, the first-fit-decreasing baseline's cost and the ratio, and
for the smallest size the brute-force optimum.

Usage: ``python -m bench.fleet_packing [--sizes 6 30 60 120 300] [--time-limit 10]``
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np

from solvers.fleet_packing import PackingProblem, heuristic, pack
from tests.conftest import shared_data_dir
from tests.rightsizing.data import azure_catalog, pods
from tests.rightsizing.test_fleet import NODES, OVERHEAD, brute_force


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[6, 30, 60, 120, 300])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--symmetry-breaking", action="store_true")
    args = parser.parse_args()
    shared = shared_data_dir()
    frame = pods(shared)
    cpu_only = (frame["num_gpu"] == 0) & (frame["cpu_milli"] <= 30_000)
    frame = frame[cpu_only & (frame["memory_mib"] <= 120 * 1024) & (frame["memory_mib"] > 0)]
    specs = {s.name: s for s in azure_catalog(shared)}
    node_cpu = np.array([specs[n].vcpus * (1 - OVERHEAD) for n in NODES])
    node_mem = np.array([specs[n].memory_gib * (1 - OVERHEAD) for n in NODES])
    price = np.array([specs[n].hourly_price for n in NODES])
    load = os.getloadavg()
    print(
        f"# fleet packing: {len(NODES)} Azure node types, {OVERHEAD:.0%} overhead, "
        f"time limit {args.time_limit} s"
    )
    print(f"# cores {os.cpu_count()}, load average {load[0]:.2f}; symmetry breaking {args.symmetry_breaking}")
    print(
        "pods  shapes  wall_s  cpu_s  peak_rss_mib  status     objective  bound      gap      "
        "ffd        ffd/obj"
    )
    for n in args.sizes:
        rows = frame.sample(n=n, random_state=7, replace=n > len(frame))
        problem = PackingProblem(
            cpu=(rows["cpu_milli"] / 1000).to_numpy(dtype=np.float64),
            memory=(rows["memory_mib"] / 1024).to_numpy(dtype=np.float64),
            replicas=np.ones(n, dtype=np.int64),
            node_cpu=node_cpu,
            node_memory=node_mem,
            node_price=price,
        )
        shapes = len({(c, m) for c, m in zip(problem.cpu, problem.memory, strict=True)})
        w, c = time.perf_counter(), time.process_time()
        packing = pack(problem, time_limit=args.time_limit, symmetry_breaking=args.symmetry_breaking)
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        ffd = sum(price[node.node_type] for node in heuristic(problem))
        r = packing.report
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{n:<5} {shapes:<7} {wall:<7.2f} {cpu:<6.2f} {rss:<13.0f} {r.status.value:<10} "
            f"{packing.hourly_cost:<10.4f} {r.bound:<10.4f} {r.relative_gap:<8.2%} {ffd:<10.4f} "
            f"{ffd / packing.hourly_cost:.3f}"
        )
        if n <= 8:
            best = brute_force(
                problem.cpu.tolist(),
                problem.memory.tolist(),
                node_cpu.tolist(),
                node_mem.tolist(),
                price.tolist(),
            )
            verdict = "matches" if abs(best - packing.hourly_cost) < 1e-9 else "DIFFERS"
            print(f"      brute force optimum {best:.4f} (MILP {verdict})")


if __name__ == "__main__":
    main()
