"""Routing on the real public catalogues, token prices and carbon data in ../shared/data.

Oracles are built independently from the raw files: scipy MILPs over the catalogue
rows, residency from boaviztapi's region table, carbon from Google's region files.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from recommender.data.routing.build import ISO3_TO_ISO2
from recommender.domain.routing import (
    BatchJobDemand,
    ComputeOffer,
    CpuServiceDemand,
    LlmInferenceDemand,
    ModelApiOffer,
    OfferInstance,
    ResidencyRule,
    RoutingPolicy,
    RoutingRequest,
    Workload,
)
from recommender.ingest import attach_accelerators, load_model_prices, load_vms_catalog, per_region
from recommender.planning.routing_plans import route_workloads
from recommender.routing_defaults import (
    GPU_SPECS,
    canonical_gpu,
    canonical_model,
    region_country,
    region_table,
)


@pytest.fixture(scope="module")
def catalogue(shared_data: Path) -> pd.DataFrame:
    """GCP (GPUs attached, per region), Azure, Lambda, Nebius, Verda, Hyperstack and RunPod rows."""
    gcp = per_region(
        attach_accelerators(load_vms_catalog(shared_data / "anycloud-catalog" / "gcp_vms.csv")).instances
    )
    frames = [gcp]
    azure = load_vms_catalog(shared_data / "anycloud-catalog" / "azure_vms.csv").instances
    frames.append(
        azure[azure["region"].isin(["centralindia", "southindia", "westeurope", "eastus", "swedencentral"])]
    )
    frames.append(load_vms_catalog(shared_data / "anycloud-catalog" / "lambda_vms.csv").instances)
    for name in ("nebius_vms.csv", "verda_vms.csv", "hyperstack_vms.csv"):
        frames.append(load_vms_catalog(shared_data / "skypilot-catalog" / "v8" / name).instances)
    frames.append(load_vms_catalog(shared_data / "runpod-pod-catalog" / "vms.csv").instances)
    table = pd.concat(frames, ignore_index=True)
    return table[table["hourly_price"].notna() & (table["vcpus"] > 0)].reset_index(drop=True)


def _offers(table: pd.DataFrame) -> list[ComputeOffer]:
    out = []
    for k, row in enumerate(table.to_dict("records")):
        spot = row["spot_hourly_price"]
        out.append(
            ComputeOffer(
                offer_id=f"{row['provider']}:{row['region']}:{row['name']}:{k}",
                instance=OfferInstance(
                    name=str(row["name"]),
                    provider=str(row["provider"]),
                    region=str(row["region"]),
                    architecture=str(row["architecture"] or ""),
                    vcpus=float(row["vcpus"]),
                    memory_gib=float(row["memory_gib"]),
                    gpu_count=int(row["gpu_count"]),
                    gpu_model=str(row["gpu_model"] or ""),
                    gpu_memory_gib=float(row["gpu_memory_gib"]) if pd.notna(row["gpu_memory_gib"]) else 0.0,
                    hourly_price=float(row["hourly_price"]),
                    spot_hourly_price=float(spot) if pd.notna(spot) else 0.0,
                ),
            )
        )
    return out


@pytest.fixture(scope="module")
def litellm_apis(shared_data: Path) -> list[ModelApiOffer]:
    prices = load_model_prices(shared_data / "litellm" / "model_prices_and_context_window.json")
    chat = prices[(prices["mode"] == "chat") & (prices["input_cost_per_token"] > 0)]
    return [
        ModelApiOffer(
            offer_id=f"{r['provider']}:{r['model']}",
            provider=str(r["provider"]),
            model=str(r["model"]),
            input_cost_per_token=float(r["input_cost_per_token"]),
            output_cost_per_token=float(r["output_cost_per_token"]),
        )
        for r in chat.to_dict("records")
    ]


@pytest.fixture(scope="module")
def boavizta_countries(shared_data: Path) -> dict[tuple[str, str], str]:
    """(provider, region) -> ISO alpha-3 from boaviztapi's independent region table."""
    with (shared_data / "boaviztapi" / "cloud_regions.csv").open(encoding="utf-8") as handle:
        return {(r["provider"], r["region"]): r["usage_location"] for r in csv.DictReader(handle)}


def _cpu_oracle(table: pd.DataFrame, allowed: np.ndarray, vcpus: float, memory: float) -> float:
    """Cheapest whole-instance cover of a CPU service over the allowed rows (scipy MILP, shares)."""
    rows = table[allowed]
    rows = rows[(rows["vcpus"] > 0) & (rows["memory_gib"] > 0)]
    load = np.maximum(vcpus / rows["vcpus"].to_numpy(), memory / rows["memory_gib"].to_numpy())
    price = rows["hourly_price"].to_numpy()
    n = len(rows)
    # variables: y (n, integer), x (n, continuous); sum x = 1; load x - y <= 0
    a = np.zeros((1 + n, 2 * n))
    a[0, n:] = 1.0
    a[1:, :n] = -np.eye(n)
    a[1:, n:] = np.diag(load)
    result = milp(
        np.concatenate([price, np.zeros(n)]),
        constraints=LinearConstraint(
            a, np.concatenate([[1.0], np.full(n, -np.inf)]), np.concatenate([[1.0], np.zeros(n)])
        ),
        integrality=np.concatenate([np.ones(n), np.zeros(n)]),
        bounds=Bounds(np.zeros(2 * n), np.concatenate([np.full(n, np.inf), np.ones(n)])),
        options={"mip_rel_gap": 1e-12},
    )
    assert result.success
    return float(result.fun)


def test_india_only_cpu_service_on_real_catalogues(
    catalogue: pd.DataFrame, boavizta_countries: dict[tuple[str, str], str]
) -> None:
    request = RoutingRequest(
        workloads=[
            Workload(
                workload_id="ledger",
                cpu_service=CpuServiceDemand(vcpus=22, memory_gib=80),
                residency=ResidencyRule(allowed_countries=["IN"]),
            )
        ],
        compute_offers=_offers(catalogue),
        api_offers=[ModelApiOffer(offer_id="x", model="gpt-4o", input_cost_per_token=1e-6)],
        policy=RoutingPolicy(optimal_only=True),
    )
    outcome = route_workloads(request)
    placement = outcome.placements[0]
    assert placement.items and all(i.country == "IN" for i in placement.items)
    # Residency from an independent source: boaviztapi says every chosen region is in India (IND).
    for item in placement.items:
        assert boavizta_countries.get((item.provider, item.region), "IND") == "IND"
    indian = np.array(
        [
            boavizta_countries.get((p, r)) == "IND"
            for p, r in zip(catalogue["provider"], catalogue["region"], strict=True)
        ]
    )
    assert indian.sum() > 50
    assert float(placement.hourly_cost) == pytest.approx(_cpu_oracle(catalogue, indian, 22, 80), rel=1e-9)
    assert outcome.stats.aggregated_offers <= outcome.stats.compute_offers


def test_llm_on_real_catalogues_and_litellm_prices(
    catalogue: pd.DataFrame, litellm_apis: list[ModelApiOffer]
) -> None:
    """A small llama-3.1-8b workload goes to the cheapest matching litellm API; an India-only copy
    (APIs of unknown location excluded) self-hosts on Indian GPUs."""
    demand = LlmInferenceDemand(
        model="llama-3.1-8b",
        requests_per_second=0.5,
        input_tokens_per_request=800,
        output_tokens_per_request=200,
    )
    request = RoutingRequest(
        workloads=[
            Workload(workload_id="global", llm_inference=demand),
            Workload(
                workload_id="india", llm_inference=demand, residency=ResidencyRule(allowed_countries=["IN"])
            ),
        ],
        compute_offers=_offers(catalogue),
        api_offers=litellm_apis,
        policy=RoutingPolicy(optimal_only=True),
    )
    outcome = route_workloads(request)
    glob, india = outcome.placements
    matching = [a for a in litellm_apis if canonical_model(a.model) == "llama-3.1-8b"]
    assert len(matching) >= 3
    per_hour = [0.5 * 3600 * (800 * a.input_cost_per_token + 200 * a.output_cost_per_token) for a in matching]
    assert [i.api for i in glob.items] == [True]
    assert float(glob.hourly_cost) == pytest.approx(min(per_hour), rel=1e-6)
    assert india.items and all(not i.api and i.country == "IN" and i.accelerator for i in india.items)
    assert india.break_even is not None and india.break_even.api_offer_id == ""
    assert (
        glob.break_even is not None and glob.break_even.api_offer_id and glob.break_even.self_hosting_offer_id
    )


def test_gpu_batch_job_on_real_catalogues(catalogue: pd.DataFrame) -> None:
    """A 600 A100-hour job due in 24 h: its cost is the cheapest (price / speed) x work over the
    capable offers (a closed form: batch cost is linear in the work placed)."""
    request = RoutingRequest(
        workloads=[
            Workload(
                workload_id="train",
                batch_job=BatchJobDemand(
                    gpu_hours=600, deadline_hours=24, gpu_memory_gib=80, reference_accelerator="A100-80GB"
                ),
                residency=ResidencyRule(allowed_countries=["US"]),
            )
        ],
        compute_offers=_offers(catalogue[catalogue["gpu_count"] > 0]),
        api_offers=[ModelApiOffer(offer_id="x", model="gpt-4o", input_cost_per_token=1e-6)],
        policy=RoutingPolicy(optimal_only=True),
    )
    outcome = route_workloads(request)
    placement = outcome.placements[0]
    assert placement.items and all(i.country == "US" for i in placement.items)
    # Closed form over the raw rows: US, >= 80 GB per GPU, speed = BF16 TFLOPS / A100's 312.
    rows = catalogue[catalogue["gpu_count"] > 0]
    best = math.inf
    for r in rows.to_dict("records"):
        per_gpu = float(r["gpu_memory_gib"]) / r["gpu_count"] if pd.notna(r["gpu_memory_gib"]) else 0.0
        spec = GPU_SPECS.get(canonical_gpu(str(r["gpu_model"]), per_gpu))
        if region_country(str(r["provider"]), str(r["region"])) != "US" or spec is None or per_gpu < 80:
            continue
        best = min(best, float(r["hourly_price"]) / (r["gpu_count"] * spec.bf16_tflops / 312.0))
    assert placement.job_cost is not None
    assert float(placement.job_cost) == pytest.approx(600 * best, rel=1e-6)
    assert float(placement.hourly_cost) == pytest.approx(600 * best / 730, rel=1e-6)
    # Enough instances run in parallel to finish by the deadline.
    item = placement.items[0]
    assert item.count >= 1 and item.utilization <= 1 + 1e-9


def test_region_table_agrees_with_boavizta(boavizta_countries: dict[tuple[str, str], str]) -> None:
    table = region_table()
    to_alpha2 = dict(ISO3_TO_ISO2)
    compared = 0
    for row in table.itertuples():
        theirs = boavizta_countries.get((row.provider, row.region))
        if theirs is None or theirs not in to_alpha2:
            continue
        assert to_alpha2[theirs] == row.country, (row.provider, row.region, theirs)
        compared += 1
    assert compared >= 80


def test_bundled_gcp_intensities_are_googles_2023_figures(shared_data: Path) -> None:
    """codecarbon's impact.csv (bundled) reproduces GoogleCloudPlatform/region-carbon-info 2023."""
    with (shared_data / "google-region-carbon-info" / "2023.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    column = next(c for c in rows[0] if "intensity" in c.lower())
    google = {r["Google Cloud Region"]: float(r[column]) for r in rows}
    table = region_table()
    gcp = table[(table["provider"] == "gcp") & table["carbon_source"].str.contains("impact.csv")]
    assert len(gcp) >= 39
    for row in gcp.itertuples():
        assert row.carbon_g_per_kwh == pytest.approx(google[row.region], abs=1.0), row.region
    shared = pd.read_csv(shared_data / "codecarbon" / "cloud_impact.csv", encoding="utf-8-sig")
    shared = shared[shared["region"] != "me-cenrtal1"].set_index("region")["impact"]
    for row in gcp.itertuples():
        assert row.carbon_g_per_kwh == shared[row.region]


def test_carbon_cap_with_googles_region_intensities(shared_data: Path) -> None:
    """One n2-standard-8 in the cheapest region whose 2024 grid intensity keeps it under the cap.

    Oracle: scan the regions by hand (power fixed at 0.3 kW): min price over {r : 0.3 * ci_r / 1000 <= cap}.
    """
    with (shared_data / "google-region-carbon-info" / "2024.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    column = next(c for c in rows[0] if "intensity" in c.lower())
    intensity = {r["Google Cloud Region"]: float(r[column]) for r in rows}
    gcp = load_vms_catalog(shared_data / "anycloud-catalog" / "gcp_vms.csv").instances
    n2 = per_region(gcp[(gcp["name"] == "n2-standard-8") & gcp["region"].isin(list(intensity))])
    offers = [
        ComputeOffer(
            offer_id=f"n2:{r.region}",
            instance=OfferInstance(
                name="n2-standard-8",
                provider="gcp",
                region=r.region,
                vcpus=8,
                memory_gib=32,
                hourly_price=float(r.hourly_price),
            ),  # fmt: skip
            carbon_intensity_g_per_kwh=intensity[r.region],
            power_kw=0.3,
        )
        for r in n2.itertuples()
    ]
    for cap in (0.2, 0.1, 0.03):
        request = RoutingRequest(
            workloads=[
                Workload(
                    workload_id="svc",
                    cpu_service=CpuServiceDemand(vcpus=8, memory_gib=32),
                    max_carbon_kg_per_hour=cap,
                )
            ],
            compute_offers=offers,
            api_offers=[ModelApiOffer(offer_id="x", model="gpt-4o", input_cost_per_token=1e-6)],
            policy=RoutingPolicy(optimal_only=True),
        )
        ok = [
            (float(r.hourly_price), r.region)
            for r in n2.itertuples()
            if 0.3 * intensity[r.region] / 1000 <= cap
        ]
        expected = min(ok)
        placement = route_workloads(request).placements[0]
        assert float(placement.hourly_cost) == pytest.approx(expected[0])
        assert placement.carbon_kg_per_hour <= cap + 1e-12
        assert math.isclose(placement.carbon_kg_per_hour, 0.3 * intensity[placement.items[0].region] / 1000)
