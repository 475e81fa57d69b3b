"""Benchmark: vendor consolidation at 50 vendors × 200 demands × 5 tiers.

Generates reproducible instances (seeded), solves them with the production MILP
(disaggregated formulation, HiGHS through PuLP, 1 thread) and, as baselines in the same
run, (1) the aggregated formulation with HiGHS and (2) the production model with CBC
(PuLP's bundled solver, 1 thread, time limit ``--cbc-limit``). Prints per instance: wall
and CPU time (the machine is shared, so wall time is inflated by the load printed;
CPU time is not), objective, bound, gap, status, vendors kept, the CPU-time ratios
baseline / production and CBC's objective and status, and peak memory (max RSS).

Instance: 4 technology categories × 10 capabilities; each vendor covers 4-10
capabilities of its category (one line each, a fifth of them bundles of two or
three), every line with 5 volume tiers (breaks 0, 50, 250, 1,000, 5,000 units scaled
per capability; prices falling 4-12 % per tier around a capability base price ±25 %),
half all-units and half incremental; platform fees, minimum commitments on a third of
the vendors, exit penalties on incumbents, onboarding costs on the others; 200 demands
(lognormal quantities), 85 % with a current vendor and a migration cost per unit;
policy: at most 15 vendors, 5 per category, 12-month horizon, over-buying allowed.

Usage: python -m bench.vendor_consolidation [--seeds 3] [--cbc-limit 120] [--no-cbc]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import time
from datetime import UTC, datetime

import numpy as np
import pulp

from recommender.domain.common import TechnologyCategory
from recommender.domain.consolidation import (
    ConsolidationPolicy,
    ConsolidationRequest,
    PriceLine,
    PriceTier,
    TierPricing,
    VendorOffer,
)
from recommender.domain.consolidation import (
    Demand as RequestDemand,
)
from recommender.planning.consolidation_plans import plan_consolidation
from solvers.vendor_problem import Demand, Line, Vendor, VendorProblem
from solvers.vendor_selection import build_model, solve_vendor_selection

N_VENDORS, N_DEMANDS, N_TIERS = 50, 200, 5
N_CATEGORIES, CAPS_PER_CATEGORY = 4, 10


def generate(seed: int) -> VendorProblem:
    """A reproducible 50 × 200 × 5 instance."""
    rng = np.random.default_rng(seed)
    n_caps = N_CATEGORIES * CAPS_PER_CATEGORY
    base_price = rng.lognormal(mean=1.5, sigma=0.8, size=n_caps)  # per unit-month
    scale = rng.choice([1.0, 2.0, 5.0, 10.0], size=n_caps)
    vendors: list[Vendor] = []
    lines: list[Line] = []
    incumbent = rng.random(N_VENDORS) < 0.5
    for v in range(N_VENDORS):
        cat = v % N_CATEGORIES
        caps = cat * CAPS_PER_CATEGORY + rng.choice(
            CAPS_PER_CATEGORY, size=int(rng.integers(4, 11)), replace=False
        )
        level = rng.uniform(0.75, 1.25)
        fee = float(rng.choice([0, 100, 250, 500, 1000]))
        commit = float(rng.choice([0, 2000, 5000])) if rng.random() < 0.33 else 0.0
        vendors.append(
            Vendor(
                fixed_fee=fee,
                min_commitment=commit,
                exit_penalty=float(rng.choice([0, 1000, 5000])) if incumbent[v] else 0.0,
                onboarding_cost=0.0 if incumbent[v] else float(rng.choice([0, 2000, 10000])),
                category=cat,
                name=f"vendor-{v:02d}",
            )
        )
        caps_list = [int(c) for c in caps]
        while caps_list:
            take = (
                1
                if rng.random() < 0.8 or len(caps_list) < 2
                else int(rng.integers(2, min(3, len(caps_list)) + 1))
            )
            group, caps_list = tuple(sorted(caps_list[:take])), caps_list[take:]
            ref = group[0]
            breaks = tuple(float(b * scale[ref]) for b in (0, 50, 250, 1000, 5000))
            price = float(base_price[list(group)].sum() * level * (0.85 if len(group) > 1 else 1.0))
            drops = rng.uniform(0.04, 0.12, size=N_TIERS - 1)
            prices = [price]
            for drop in drops:
                prices.append(prices[-1] * (1 - drop))
            lines.append(
                Line(
                    vendor=v,
                    capabilities=group,
                    breaks=breaks,
                    prices=tuple(round(p, 4) for p in prices),
                    incremental=bool(rng.random() < 0.5),
                    name=f"v{v:02d}-{'+'.join(map(str, group))}",
                )
            )
    demands: list[Demand] = []
    for d in range(N_DEMANDS):
        cap = int(rng.integers(n_caps))
        eligible = tuple(li for li, ln in enumerate(lines) if cap in ln.capabilities)
        if not eligible:
            cap = lines[int(rng.integers(len(lines)))].capabilities[0]
            eligible = tuple(li for li, ln in enumerate(lines) if cap in ln.capabilities)
        qty = float(np.round(rng.lognormal(mean=math.log(200 * scale[cap]), sigma=1.0)))
        owners = sorted({lines[li].vendor for li in eligible if incumbent[lines[li].vendor]})
        current = int(rng.choice(owners)) if owners and rng.random() < 0.85 else -1
        demands.append(
            Demand(
                capability=cap,
                quantity=max(qty, 1.0),
                eligible=eligible,
                current_vendor=current,
                migration_cost_per_unit=float(base_price[cap] * rng.uniform(0.5, 3.0))
                if current >= 0
                else 0.0,
                name=f"demand-{d:03d}",
            )
        )
    return VendorProblem(
        vendors=tuple(vendors),
        lines=tuple(lines),
        demands=tuple(demands),
        horizon_months=12,
        max_vendors=15,
        category_limits=dict.fromkeys(range(N_CATEGORIES), 5),
    )


def as_request(problem: VendorProblem) -> ConsolidationRequest:
    """The same instance as a ConsolidateVendors domain request (for the end-to-end timing)."""
    cats = [
        TechnologyCategory.SAAS,
        TechnologyCategory.PUBLIC_CLOUD,
        TechnologyCategory.LICENSING,
        TechnologyCategory.AI_ML,
    ]
    vendors = []
    for v, vd in enumerate(problem.vendors):
        lines = [
            PriceLine(
                line_id=f"line-{li}",
                capabilities=[f"cap-{c}" for c in ln.capabilities],
                tiers=[
                    PriceTier(min_quantity=b, unit_price=p) for b, p in zip(ln.breaks, ln.prices, strict=True)
                ],
                tier_pricing=TierPricing.INCREMENTAL if ln.incremental else TierPricing.ALL_UNITS,
            )
            for li, ln in enumerate(problem.lines)
            if ln.vendor == v
        ]
        vendors.append(
            VendorOffer(
                vendor_id=vd.name,
                category=cats[vd.category],
                lines=lines,
                fixed_monthly_fee=vd.fixed_fee,
                minimum_monthly_commitment=vd.min_commitment,
                exit_penalty=vd.exit_penalty,
                under_contract=vd.exit_penalty > 0 or vd.onboarding_cost == 0,
                onboarding_cost=vd.onboarding_cost,
            )
        )
    demands = []
    for d in problem.demands:
        current = ""
        line_id = ""
        if d.current_vendor >= 0:
            current = problem.vendors[d.current_vendor].name
            line_id = next(f"line-{li}" for li in d.eligible if problem.lines[li].vendor == d.current_vendor)
        demands.append(
            RequestDemand(
                demand_id=d.name,
                category=cats[d.capability // CAPS_PER_CATEGORY],
                capability=f"cap-{d.capability}",
                quantity=d.quantity,
                current_vendor_id=current,
                current_line_id=line_id,
                migration_cost_per_unit=d.migration_cost_per_unit,
            )
        )
    policy = ConsolidationPolicy(
        max_vendors=problem.max_vendors,
        max_vendors_per_category=5,
        horizon_months=int(problem.horizon_months),
        as_of=datetime(2026, 11, 1, tzinfo=UTC),
    )
    return ConsolidationRequest(demands=demands, vendors=vendors, policy=policy)


def peak_rss_mb() -> float:
    """Peak resident memory of this process (MiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(seed: int, cbc_limit: float, with_cbc: bool) -> dict[str, object]:
    problem = generate(seed)
    wall, cpu = time.perf_counter(), time.process_time()
    sol = solve_vendor_selection(problem, time_limit=120)
    rep = sol.report
    row: dict[str, object] = {
        "seed": seed,
        "lines": len(problem.lines),
        "vars": rep.variables,
        "rows": rep.constraints,
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "objective": rep.objective,
        "bound": rep.bound,
        "gap": rep.relative_gap,
        "status": rep.status.value,
        "kept": sum(sol.kept),
    }
    # Baseline 1: the aggregated (weaker) formulation, same solver.
    wall, cpu = time.perf_counter(), time.process_time()
    agg = solve_vendor_selection(problem, time_limit=120, disaggregate=False)
    row.update(
        agg_wall_s=time.perf_counter() - wall,
        agg_cpu_s=time.process_time() - cpu,
        agg_objective=agg.report.objective,
        agg_status=agg.report.status.value,
    )
    # Baseline 2: the same (disaggregated) model with CBC.
    if with_cbc:
        built = build_model(problem)
        wall, cpu = time.perf_counter(), _children_cpu()
        built.model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=cbc_limit, threads=1, gapRel=1e-9))
        row.update(
            cbc_wall_s=time.perf_counter() - wall,
            cbc_cpu_s=_children_cpu() - cpu,
            cbc_objective=float(pulp.value(built.model.objective) or math.nan),
            cbc_status=pulp.LpStatus[built.model.status],
        )
    row["rss_mb"] = peak_rss_mb()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--cbc-limit", type=float, default=120.0)
    parser.add_argument("--no-cbc", action="store_true")
    parser.add_argument("--end-to-end", type=int, default=1, help="seeds also planned end to end (all plans)")
    args = parser.parse_args()
    print(
        f"vendor consolidation: {N_VENDORS} vendors x {N_DEMANDS} demands x {N_TIERS} tiers; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; HiGHS and CBC single-threaded"
    )
    header = (
        f"{'seed':>4} {'lines':>5} {'vars':>6} {'rows':>6} {'wall s':>7} {'CPU s':>6} {'objective':>14} "
        f"{'bound':>14} {'gap':>8} {'status':>8} {'kept':>4} | "
        f"{'agg wall':>8} {'agg CPU':>7} {'agg/HiGHS':>9}"
    )
    if not args.no_cbc:
        header += (
            f" | {'CBC wall':>8} {'CBC CPU':>7} {'CBC objective':>14} {'CBC status':>10} {'CBC/HiGHS':>9}"
        )
    print(header + f" | {'RSS MB':>6}")
    for seed in range(args.seeds):
        r = run(seed, args.cbc_limit, not args.no_cbc)
        line = (
            f"{r['seed']:>4} {r['lines']:>5} {r['vars']:>6} {r['rows']:>6} "
            f"{r['wall_s']:>7.2f} {r['cpu_s']:>6.2f} "
            f"{r['objective']:>14.2f} {r['bound']:>14.2f} {r['gap']:>8.1e} {r['status']:>8} {r['kept']:>4} | "
            f"{r['agg_wall_s']:>8.2f} {r['agg_cpu_s']:>7.2f} {r['agg_cpu_s'] / r['cpu_s']:>9.2f}"  # type: ignore[operator]
        )
        if not args.no_cbc:
            line += (
                f" | {r['cbc_wall_s']:>8.2f} {r['cbc_cpu_s']:>7.2f} {r['cbc_objective']:>14.2f} "
                f"{r['cbc_status']:>10} {r['cbc_cpu_s'] / r['cpu_s']:>9.2f}"  # type: ignore[operator]
            )
        print(line + f" | {r['rss_mb']:>6.0f}", flush=True)
    for seed in range(args.end_to_end):
        request = as_request(generate(seed))
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = plan_consolidation(request, time_limit=120)
        best = outcome.plans[0]
        wall_s, cpu_s = time.perf_counter() - wall, time.process_time() - cpu
        status = best.solver.status.value if best.solver else "?"
        print(
            f"end to end, seed {seed}: {len(outcome.plans)} plan(s) in {wall_s:.2f} s wall, "
            f"{cpu_s:.2f} s CPU "
            "(seat analysis, optimum, alternatives, attribution, risk); best saves "
            f"{best.monthly_savings:.2f}/month of {best.baseline_monthly_cost:.2f}, "
            f"{len(best.actions)} actions, status {status}"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
