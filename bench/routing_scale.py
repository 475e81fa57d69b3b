"""Routing at scale: 1,000 workloads x 2,000 candidate offers, proven optimal, vs the un-pruned model.

Usage::

    python -m bench.routing_scale                       # full size + baseline comparison
    python -m bench.routing_scale --workloads 200 --offers 800 --baseline-workloads 40

Instances are built reproducibly (seed 20261127) from the public catalogues in
``../shared/data`` (or ``$FINOPS_SHARED_DATA``): GCP per-zone rows with GPU prices
attached (identical zone rows of a region are the offers the aggregation merges),
Azure, Lambda, Nebius, Verda, Hyperstack and RunPod; litellm token prices; request
sizes drawn from the Azure LLM inference trace. Without the shared data a synthetic
catalogue of the same shape is generated. Workloads: 45 % CPU services, 15 % batch
jobs (GPU and CPU, some interruptible), 40 % LLM inference (2-4 request slices,
TPOT SLOs of 40-150 ms or none); residency profiles (any, India only, EU, US, a
region list), must/never lists, per-workload carbon caps, a carbon price, GPU
quotas per provider/region (some binding) and regional APIs with token quotas.

Printed per run: wall time (total and solver), peak memory (max RSS), objective,
bound, gap, status, model size before/after reduction; then the same smaller
instance solved by the reduced pipeline and by the plain model (no aggregation,
no pruning, one joint MILP), with the time ratio and the objectives.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from recommender.domain.routing import (
    BatchJobDemand,
    ComputeOffer,
    CpuServiceDemand,
    LlmInferenceDemand,
    ModelApiOffer,
    OfferInstance,
    Quota,
    RequestSlice,
    ResidencyRule,
    RoutingPolicy,
    RoutingRequest,
    Workload,
)
from recommender.planning.routing_model import build_model
from recommender.planning.routing_options import (
    OptionNotes,
    build_api_options,
    build_compute_options,
    gpu_specs,
)
from recommender.planning.routing_plans import route_workloads
from solvers.routing import solve_routing

SEED = 20261127
REPO = Path(__file__).resolve().parents[1]
EU = [
    "DE",
    "FR",
    "NL",
    "FI",
    "SE",
    "IE",
    "BE",
    "IT",
    "ES",
    "PL",
    "AT",
    "DK",
    "NO",
    "CH",
    "GB",
    "IS",
    "RO",
    "CZ",
    "BG",
    "HR",
]
MODELS = [
    ("llama-3.1-8b", 0.35),
    ("llama-3.1-70b", 0.25),
    ("mistral-7b", 0.1),
    ("qwen2.5-7b", 0.1),
    ("gpt-4o-mini", 0.1),
    ("llama-3.3-70b", 0.1),
]


def shared_dir() -> Path:
    return Path(os.environ.get("FINOPS_SHARED_DATA", REPO.parent / "shared" / "data"))


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _catalogue(data: Path) -> pd.DataFrame:
    """Every public catalogue row (GCP per zone) in the instances layout."""
    from recommender.ingest import attach_accelerators, load_vms_catalog

    frames = []
    gcp = attach_accelerators(load_vms_catalog(data / "anycloud-catalog" / "gcp_vms.csv")).instances
    frames.append(gcp)
    for name in ("azure_vms.csv", "lambda_vms.csv"):
        frames.append(load_vms_catalog(data / "anycloud-catalog" / name).instances)
    for name in ("nebius_vms.csv", "verda_vms.csv", "hyperstack_vms.csv"):
        frames.append(load_vms_catalog(data / "skypilot-catalog" / "v8" / name).instances)
    frames.append(load_vms_catalog(data / "runpod-pod-catalog" / "vms.csv").instances)
    table = pd.concat(frames, ignore_index=True)
    return table[table["hourly_price"].notna() & (table["vcpus"] > 0)].reset_index(drop=True)


def _synthetic_catalogue(rng: np.random.Generator, n: int) -> pd.DataFrame:
    regions = [("gcp", "asia-south1"), ("gcp", "us-central1"), ("gcp", "europe-west4"),
               ("azure", "centralindia"),
               ("azure", "eastus"), ("azure", "westeurope"), ("lambda", "us-east-1")]  # fmt: skip
    rows = []
    for i in range(n):
        provider, region = regions[int(rng.integers(len(regions)))]
        gpu = rng.random() < 0.3
        vcpus = float(rng.choice([2, 4, 8, 16, 32, 64]))
        count = int(rng.choice([1, 2, 4, 8])) if gpu else 0
        model = str(rng.choice(["L4", "A100", "H100", "A10"])) if gpu else ""
        price = vcpus * 0.04 * rng.uniform(0.8, 1.2) + count * {
            "L4": 0.7,
            "A100": 3.0,
            "H100": 9.0,
            "A10": 1.0,
        }.get(model, 0)
        rows.append(dict(provider=provider, name=f"t{i}", region=region, zone=f"{region}-a", vcpus=vcpus,
                         memory_gib=vcpus * 4, gpu_count=count, gpu_model=model,
                         gpu_memory_gib=count * {"L4": 24, "A100": 40, "H100": 80, "A10": 24}.get(model, 0),
                         hourly_price=price, spot_hourly_price=price * 0.4,
                         architecture="x86_64"))  # fmt: skip
    return pd.DataFrame(rows)


def build_offers(rng: np.random.Generator, n: int, data: Path | None) -> list[ComputeOffer]:
    table = _catalogue(data) if data else _synthetic_catalogue(rng, n)
    gpu = table[table["gpu_count"] > 0]
    cpu = table[table["gpu_count"] == 0]
    n_gpu = min(len(gpu), int(0.4 * n))
    picked = pd.concat(
        [
            gpu.iloc[np.sort(rng.choice(len(gpu), n_gpu, replace=False))],
            cpu.iloc[np.sort(rng.choice(len(cpu), n - n_gpu, replace=False))],
        ]
    )
    offers = []
    for k, row in enumerate(picked.to_dict("records")):
        zone = str(row.get("zone", "") or "")
        spot = float(row["spot_hourly_price"]) if pd.notna(row["spot_hourly_price"]) else 0.0
        instance = OfferInstance(
            name=str(row["name"]),
            provider=str(row["provider"]),
            region=str(row["region"]),
            architecture=str(row.get("architecture", "") or ""),
            vcpus=float(row["vcpus"]),
            memory_gib=float(row["memory_gib"]),
            gpu_count=int(row["gpu_count"]),
            gpu_model=str(row["gpu_model"] or ""),
            gpu_memory_gib=float(row["gpu_memory_gib"]) if pd.notna(row["gpu_memory_gib"]) else 0.0,
            hourly_price=float(row["hourly_price"]),
            spot_hourly_price=spot,
        )
        offer_id = f"{row['provider']}:{zone or row['region']}:{row['name']}:{k}"
        offers.append(ComputeOffer(offer_id=offer_id, instance=instance))
    return offers


def build_apis(data: Path | None) -> list[ModelApiOffer]:
    from recommender.defaults import default_model_prices
    from recommender.ingest import load_model_prices

    if data:
        prices = load_model_prices(data / "litellm" / "model_prices_and_context_window.json")
        prices = prices[(prices["mode"] == "chat") & (prices["input_cost_per_token"] > 0)]
        keep = prices["model"].str.contains("llama|mistral-7b|qwen2.5-7b|gpt-4o-mini", case=False, regex=True)
        prices = prices[keep].head(120)
    else:
        prices = default_model_prices()
    apis = [
        ModelApiOffer(
            offer_id=f"{r['provider']}:{r['model']}",
            provider=str(r["provider"]),
            model=str(r["model"]),
            input_cost_per_token=float(r["input_cost_per_token"]),
            output_cost_per_token=float(r["output_cost_per_token"]),
            max_input_tokens=int(r["max_input_tokens"]) if pd.notna(r["max_input_tokens"]) else 0,
        )
        for r in prices.to_dict("records")
    ]
    # Synthetic regional endpoints with known processing location and token quotas.
    for model, country, region, price in (
        ("llama-3.1-8b", "IN", "centralindia", 2.2e-7),
        ("llama-3.1-70b", "IN", "centralindia", 9.0e-7),
        ("gpt-4o-mini", "IN", "centralindia", 4.0e-7),
        ("llama-3.1-8b", "DE", "germanywestcentral", 2.0e-7),
        ("llama-3.3-70b", "FR", "francecentral", 8.5e-7),
        ("gpt-4o-mini", "US", "eastus", 3.0e-7),
    ):
        apis.append(
            ModelApiOffer(
                offer_id=f"regional:{model}:{region}",
                provider="azure-ai",
                model=model,
                input_cost_per_token=price,
                output_cost_per_token=price * 3,
                processing_location=ResidencyRule(allowed_countries=[country], allowed_regions=[region]),
                tokens_per_minute_quota=4_000_000,
            )
        )
    return apis


def _sizes(data: Path | None, rng: np.random.Generator) -> np.ndarray:
    if data:
        trace = pd.read_csv(data / "azure-public-dataset" / "AzureLLMInferenceTrace_conv.csv")
        return trace[["ContextTokens", "GeneratedTokens"]].to_numpy(dtype=float)
    return np.column_stack([rng.lognormal(6.5, 1.0, 5000), rng.lognormal(5.0, 0.8, 5000)])


def build_workloads(rng: np.random.Generator, n: int, data: Path | None) -> list[Workload]:
    sizes = _sizes(data, rng)
    residencies = [
        (0.5, None),
        (0.15, ResidencyRule(allowed_countries=["IN"])),
        (0.15, ResidencyRule(allowed_countries=EU)),
        (0.1, ResidencyRule(allowed_countries=["US"])),
        (0.1, ResidencyRule(allowed_regions=["asia-south1", "centralindia", "europe-west4", "westeurope"])),
    ]
    weights = np.array([r[0] for r in residencies])
    out = []
    for i in range(n):
        residency = residencies[int(rng.choice(len(residencies), p=weights))][1]
        kind = rng.random()
        extra: dict[str, object] = {}
        if rng.random() < 0.05:
            extra["never_run_on"] = [str(rng.choice(["azure", "runpod", "lambda"]))]
        if rng.random() < 0.1:
            extra["max_carbon_kg_per_hour"] = float(rng.uniform(0.5, 20))
        if kind < 0.45:
            vcpus = float(np.round(rng.lognormal(1.8, 0.9), 1) + 0.5)
            demand = {
                "cpu_service": CpuServiceDemand(
                    vcpus=vcpus, memory_gib=vcpus * float(rng.choice([1, 2, 4, 8]))
                )
            }
        elif kind < 0.6:
            if rng.random() < 0.7:
                job = BatchJobDemand(
                    gpu_hours=float(rng.uniform(10, 2000)),
                    deadline_hours=float(rng.uniform(12, 168)),
                    gpu_memory_gib=float(rng.choice([16, 24, 40, 80])),
                    runs_per_month=float(rng.choice([1, 2, 4])),
                )
            else:
                job = BatchJobDemand(
                    vcpu_hours=float(rng.uniform(100, 5000)), deadline_hours=float(rng.uniform(4, 72))
                )
            demand = {"batch_job": job}
            extra["interruptible"] = bool(rng.random() < 0.5)
        else:
            model = MODELS[int(rng.choice(len(MODELS), p=[m[1] for m in MODELS]))][0]
            k = int(rng.integers(2, 5))
            picks = sizes[rng.choice(len(sizes), 400)]
            order = np.argsort(picks[:, 0] + picks[:, 1])
            parts = np.array_split(picks[order], k)
            slices = [
                RequestSlice(
                    share=len(p) / 400,
                    input_tokens=float(np.round(p[:, 0].mean())),
                    output_tokens=float(max(1.0, np.round(p[:, 1].mean()))),
                )
                for p in parts
            ]
            slo = float(rng.choice([0, 40, 60, 100, 150]))
            demand = {
                "llm_inference": LlmInferenceDemand(
                    model=model,
                    requests_per_second=float(np.round(rng.lognormal(0.5, 1.3), 2) + 0.05),
                    request_slices=slices,
                    max_time_per_output_token_ms=slo,
                )
            }
        out.append(Workload(workload_id=f"w{i:04d}", residency=residency, **demand, **extra))  # type: ignore[arg-type]
    return out


def build_request(n_workloads: int, n_offers: int, data: Path | None, seed: int = SEED) -> RoutingRequest:
    rng = np.random.default_rng(seed)
    offers = build_offers(rng, n_offers, data)
    quotas = [
        Quota(provider=p, region=r, accelerator=a, limit=lim)
        for p, r, a, lim in (
            ("gcp", "asia-south1", "L4", 16),
            ("gcp", "asia-south1", "A100", 16),
            ("gcp", "us-central1", "H100", 16),
            ("gcp", "us-central1", "L4", 32),
            ("gcp", "europe-west4", "A100", 16),
            ("azure", "centralindia", "A100", 8),
            ("azure", "eastus", "H100", 16),
            ("azure", "westeurope", "A100", 16),
        )
    ]
    request = RoutingRequest(
        workloads=build_workloads(rng, n_workloads, data),
        compute_offers=offers,
        api_offers=build_apis(data),
        quotas=quotas,
        policy=RoutingPolicy(carbon_price_per_tonne=50.0, optimal_only=True),
    )
    # A sampled workload may have no option at all (e.g. an EU job needing 80 GB GPUs the sample
    # lacks): drop its residency, lists and cap, so every instance is feasible (deterministic).
    built, _ = _model(request)
    bad = {r.workload for r in built.rejections}
    if bad:
        fixed = [
            w.model_copy(update={"residency": None, "never_run_on": [], "max_carbon_kg_per_hour": 0.0})
            if i in bad
            else w
            for i, w in enumerate(request.workloads)
        ]
        request = request.model_copy(update={"workloads": fixed})
    return request


def _model(request: RoutingRequest):  # type: ignore[no-untyped-def]
    notes = OptionNotes()
    specs = gpu_specs(request)
    options = build_compute_options(request, list(request.compute_offers), specs, notes)
    apis = build_api_options(list(request.api_offers), defaulted=False)
    return build_model(request, options, apis, specs), options


def _full_in_child(
    n_workloads: int, n_offers: int, data: Path | None, time_limit: float
) -> dict[str, object]:
    t0 = time.perf_counter()
    request = build_request(n_workloads, n_offers, data)
    t1 = time.perf_counter()
    rss_before = max_rss_mib()
    outcome = route_workloads(request, time_limit=time_limit)
    t2 = time.perf_counter()
    solver = outcome.plans[0].solver
    assert solver is not None
    return {
        "generation": t1 - t0,
        "planning": t2 - t1,
        "solver": solver.solve_seconds,
        "rss_before": rss_before,
        "rss": max_rss_mib(),
        "status": solver.status.value,
        "objective": solver.objective,
        "bound": solver.bound,
        "gap": solver.relative_gap,
        "stats": outcome.stats.model_dump(),
        "binding": [b.name for b in solver.binding],
    }


def _solve_in_child(
    n_workloads: int, n_offers: int, data: Path | None, time_limit: float, plain: bool
) -> dict[str, object]:
    request = build_request(n_workloads, n_offers, data, seed=SEED + 1)
    built, options = _model(request)
    problem = built.problem
    rss_before = max_rss_mib()
    t0 = time.perf_counter()
    solution = solve_routing(problem, time_limit=time_limit, prune=not plain, decompose=not plain)
    seconds = time.perf_counter() - t0
    r = solution.report
    return {
        "seconds": seconds,
        "rss_before": rss_before,
        "rss": max_rss_mib(),
        "status": r.status.value,
        "objective": r.objective,
        "bound": r.bound,
        "gap": r.relative_gap,
        "variables": r.variables,
        "constraints": r.constraints,
        "arcs": problem.n_arcs,
        "links": problem.n_links,
        "offers": len(request.compute_offers),
        "merged": options.n_offers,
    }


def _in_child(fn: Any, *args: object) -> dict[str, object]:
    """Run ``fn`` in a fresh spawned process so its peak memory is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        result: dict[str, object] = pool.submit(fn, *args).result()
        return result


def run_full(n_workloads: int, n_offers: int, data: Path | None, time_limit: float) -> None:
    m: dict[str, Any] = _in_child(_full_in_child, n_workloads, n_offers, data, time_limit)
    stats = m["stats"]
    print(
        f"== full size: {n_workloads} workloads x {n_offers} offers "
        f"({'shared data' if data else 'synthetic'})"
    )
    print(f"instance generation          {m['generation']:8.2f} s")
    print(f"RouteWorkloads planning      {m['planning']:8.2f} s  (build + prune + solve + placements)")
    print(f"  solver (prune + MILPs)     {m['solver']:8.2f} s")
    print(f"peak memory (max RSS)        {m['rss']:8.1f} MiB  ({m['rss_before']:.1f} MiB before planning)")
    print(f"status                       {m['status']}")
    print(f"objective (USD/h, incl. CO2) {m['objective']:14.6f}")
    print(f"bound                        {m['bound']:14.6f}")
    print(f"relative gap                 {m['gap']:14.3e}")
    print(f"offers given / merged        {stats['compute_offers']} / {stats['aggregated_offers']}")
    print(f"candidate pairs / kept       {stats['candidate_pairs']} / {stats['pruned_pairs']}")
    print(
        f"independent groups (largest) {stats['components']} ({stats['largest_component']}); "
        f"coupling rounds {stats['coupling_rounds']}"
    )
    print(f"binding                      {', '.join(m['binding']) or '-'}")


def run_comparison(n_workloads: int, n_offers: int, data: Path | None, time_limit: float) -> None:
    reduced: dict[str, Any] = _in_child(_solve_in_child, n_workloads, n_offers, data, time_limit, False)
    plain: dict[str, Any] = _in_child(_solve_in_child, n_workloads, n_offers, data, time_limit, True)
    print(f"\n== same instance, reduced vs plain model: {n_workloads} workloads x {n_offers} offers")
    print(f"plain model: {plain['arcs']} arcs, {plain['links']} links, {plain['offers']} offers "
          f"(the reduced pipeline also merges them into {reduced['merged']})")  # fmt: skip
    for label, r in (("reduced", reduced), ("plain", plain)):
        print(f"{label:8s} time {r['seconds']:8.2f} s  status {r['status']:10s} "
              f"objective {r['objective']:14.6f} "
              f"bound {r['bound']:14.6f} gap {r['gap']:9.2e}  vars {r['variables']:7d} "
              f"cons {r['constraints']:7d}  peak RSS {r['rss']:7.1f} MiB "
              f"(+{r['rss'] - r['rss_before']:.1f} in the solve)")  # fmt: skip
    print(f"time ratio plain / reduced   {plain['seconds'] / max(reduced['seconds'], 1e-9):8.1f} x")
    if reduced["status"] in ("optimal", "feasible") and plain["status"] in ("optimal", "feasible"):
        diff = plain["objective"] - reduced["objective"]
        print(f"objective plain - reduced    {diff:14.6e}  (>= 0 up to the plain model's gap)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", type=int, default=1000)
    parser.add_argument("--offers", type=int, default=2000)
    parser.add_argument("--baseline-workloads", type=int, default=50)
    parser.add_argument("--baseline-offers", type=int, default=2000)
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--synthetic", action="store_true", help="ignore the shared data")
    args = parser.parse_args(argv)
    data = None if args.synthetic or not shared_dir().is_dir() else shared_dir()
    print("load: " + " ".join(f"{v:.2f}" for v in os.getloadavg()) + f" on {os.cpu_count()} cores")
    run_full(args.workloads, args.offers, data, args.time_limit)
    if args.baseline_workloads > 0:
        run_comparison(args.baseline_workloads, args.baseline_offers, data, args.time_limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
