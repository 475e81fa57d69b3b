"""Benchmark: Recommend end to end on a synthetic FOCUS export (bench/synthetic_focus.py).

For each size (VMs x days) it generates the export and the companion lever inputs, then
runs, in this process: the decoding (FOCUS export read, ledger built), the Recommend
planning, and — as the baseline measured in the same run — the four levers called one
by one on the same inputs (what a caller would do without Recommend). Prints wall and CPU
time, peak memory (max RSS), the rank-1 plan's monthly savings and planned cost (the
objective), the largest relative gap among the lever solves (the bound), the sequencing
advantage over commit-first, and the ratios Recommend / separate levers (time) and
sequenced / commit-first commitment savings.

Usage: python -m bench.recommend_focus [--sizes 60x35,200x35] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from google.protobuf import json_format

from bench.synthetic_focus import companion_requests, generate
from recommender.api.v1 import recommend_pb2 as apb
from recommender.planning.commitment_plans import plan_commitments
from recommender.planning.consolidation_plans import plan_consolidation
from recommender.planning.recommend import recommend
from recommender.planning.recommend_levers import merged_consolidation
from recommender.planning.rightsizing_plans import plan_right_size
from recommender.planning.routing_plans import route_workloads
from recommender.server.codec.common import from_money
from recommender.server.codec.recommend import decode_recommend, encode_recommend


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def _run(vms: int, days: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        stats = generate(out / "focus.csv", days=days, instances=vms, seed=seed)
        files = companion_requests(out, days=days, instances=vms, seed=seed)
        request = apb.RecommendRequest(focus_csv=(out / "focus.csv").read_bytes())
        for name, path in files.items():
            json_format.Parse(path.read_text(), getattr(request, name))
        request.overlay.reporting_currency_code = "INR"
        request.overlay.exchange_rate = 83.2
        request.overlay.tax_rate = 0.18
        size_mb = (out / "focus.csv").stat().st_size / 1e6

        w0, c0 = time.perf_counter(), _cpu()
        domain = decode_recommend(request)
        w1, c1 = time.perf_counter(), _cpu()
        outcome = recommend(domain, 120.0)
        response = encode_recommend(outcome, domain.overlay.reporting_currency)
        w2, c2 = time.perf_counter(), _cpu()

        # Baseline in the same run: each lever alone on the same inputs.
        assert domain.commitments is not None and domain.right_sizing is not None
        cons = merged_consolidation(domain.consolidation, domain.focus)
        offerings = domain.focus.derived_offerings if domain.focus is not None else []
        plan_commitments(domain.commitments.model_copy(update={"offerings": offerings}), 120.0)
        plan_right_size(domain.right_sizing, 120.0)
        if cons is not None:
            plan_consolidation(cons, 120.0)
        if domain.routing is not None:
            route_workloads(domain.routing, 120.0)
        w3, c3 = time.perf_counter(), _cpu()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    plan = response.plans[0]
    b = response.breakdowns[0]
    gap = max((p.solver.relative_gap for p in response.plans), default=0.0)
    seq = b.sequencing
    commit = next((from_money(ls.monthly_savings) for ls in b.levers if ls.lever == 1), Decimal(0))
    first_savings = commit - from_money(seq.sequenced_advantage) if b.HasField("sequencing") else Decimal(0)
    ratio_savings = float(commit / first_savings) if first_savings > 0 else float("nan")
    print(
        f"{vms} VMs x {days} days: {int(stats['rows']):,} FOCUS rows ({size_mb:.1f} MB), "
        f"{len(domain.commitments.usage_classes)} ledger classes, {len(domain.right_sizing.resources)} "
        "resources"
    )
    print(
        f"  decode {w1 - w0:.2f} s wall / {c1 - c0:.2f} s CPU; plan {w2 - w1:.2f} s wall / {c2 - c1:.2f} s "
        "CPU; "
        f"peak RSS {peak:.0f} MiB"
    )
    print(
        f"  rank-1 {plan.title.split(':')[0]}: saves {from_money(plan.monthly_savings):,.2f} INR/month "
        f"({plan.savings_percent:.1f} %), planned cost (objective) "
        f"{from_money(plan.planned_monthly_cost):,.2f} "
        f"INR/month, max lever gap {gap:.1e}, {len(plan.actions)} actions, {len(response.plans)} plans"
    )
    if b.HasField("sequencing"):
        print(
            f"  sequencing: commit-first {from_money(seq.commit_first_monthly_cost):,.2f} vs sequenced "
            f"{from_money(seq.sequenced_monthly_cost):,.2f} INR/month on the ledger (advantage "
            f"{from_money(seq.sequenced_advantage):,.2f}); commitment savings sequenced / commit-first "
            f"= {ratio_savings:.3f}; utilisation {100 * seq.commit_first_utilization:.1f} % -> "
            f"{100 * seq.sequenced_utilization:.1f} %"
        )
    print(
        f"  baseline (the four levers called separately): {w3 - w2:.2f} s wall / {c3 - c2:.2f} s CPU; "
        f"Recommend / separate = {(w2 - w0) / (w3 - w2):.2f} (wall), {(c2 - c0) / max(c3 - c2, 1e-9):.2f} "
        "(CPU)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="60x35,200x35", help="VMsxdays, comma separated")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 shared cores)")
    for size in args.sizes.split(","):
        vms, days = (int(x) for x in size.lower().split("x"))
        _run(vms, days, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
