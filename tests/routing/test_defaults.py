"""Bundled routing data and the documented default estimates (closed forms, shared data)."""

from __future__ import annotations

import csv
import math
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest

from recommender.routing_defaults import (
    BANDWIDTH_UTILISATION,
    FLOPS_UTILISATION,
    GPU_SPECS,
    MODEL_SHAPES,
    VCPU_WATTS,
    canonical_gpu,
    canonical_model,
    carbon_intensity,
    country_table,
    default_compute_offers,
    estimate_throughput,
    estimate_throughput_many,
    instance_power_kw,
    parameters_from_name,
    region_country,
    region_table,
    tensor_parallel_degree,
)


def test_batch_one_decode_is_bandwidth_over_bytes() -> None:
    """At batch 1 the estimate is the rule of thumb tokens/s = η·BW / (weights + KV bytes)."""
    spec, shape = GPU_SPECS["A100-80GB"], MODEL_SHAPES["llama-3.1-8b"]
    params, kv = shape.parameters_billion, shape.kv_bytes_per_token()
    weights = params * 1e9 * 2
    step_one = (weights + kv * (1000 + 100 / 2)) / (BANDWIDTH_UTILISATION * spec.bandwidth_gb_s * 1e9)
    est = estimate_throughput(spec, 1, params, 2.0, kv, 1000, 100, max_tpot_ms=step_one * 1000 * 1.0001)
    assert est is not None and est.batch == 1
    assert est.time_per_output_token_ms == pytest.approx(step_one * 1000)
    prefill = 2 * params * 1e9 * 1000 / (FLOPS_UTILISATION * spec.bf16_tflops * 1e12)
    assert est.requests_per_second == pytest.approx(1 / (prefill + 100 * step_one))
    # without KV the output rate is exactly η·BW / weight bytes
    bare = estimate_throughput(
        spec, 1, params, 2.0, 1e-9, 0, 1, max_tpot_ms=weights / (0.6 * 2039e9) * 1000.0001
    )
    assert bare is not None and 1000 / bare.time_per_output_token_ms == pytest.approx(
        0.6 * 2039e9 / weights, rel=1e-6
    )


def test_estimate_respects_the_slo_and_memory() -> None:
    rng = np.random.default_rng(1)
    for _ in range(200):
        gpu = str(rng.choice(list(GPU_SPECS)))
        shape = MODEL_SHAPES[str(rng.choice(list(MODEL_SHAPES)))]
        spec = GPU_SPECS[gpu]
        tp = tensor_parallel_degree(shape.parameters_billion * 2e9, spec.memory_gib, 8)
        if tp == 0:
            continue
        i, o = float(rng.integers(10, 4000)), float(rng.integers(10, 2000))
        slo = float(rng.choice([0, 20, 40, 80, 150]))
        est = estimate_throughput(
            spec, tp, shape.parameters_billion, 2.0, shape.kv_bytes_per_token(), i, o, slo
        )
        if est is None:
            continue
        if slo:
            assert est.time_per_output_token_ms <= slo * (1 + 1e-9)
            looser = estimate_throughput(
                spec, tp, shape.parameters_billion, 2.0, shape.kv_bytes_per_token(), i, o, slo * 2
            )
            assert looser is not None and looser.requests_per_second >= est.requests_per_second * (1 - 1e-12)
        kv_used = est.batch * shape.kv_bytes_per_token() * (i + o)
        usable = tp * spec.memory_gib * 2**30 * 0.9
        assert shape.parameters_billion * 2e9 + kv_used <= usable * (1 + 1e-9)


def test_vectorised_estimate_equals_the_scalar_one() -> None:
    rng = np.random.default_rng(5)
    names = list(GPU_SPECS)
    specs = [GPU_SPECS[str(rng.choice(names))] for _ in range(60)]
    gpus = rng.choice([1, 2, 4, 8], 60).astype(float)
    for _ in range(40):
        shape = MODEL_SHAPES[str(rng.choice(list(MODEL_SHAPES)))]
        i, o = float(rng.integers(10, 3000)), float(rng.integers(10, 1500))
        slo = float(rng.choice([0, 30, 60, 120]))
        rates, tpots = estimate_throughput_many(
            np.array([s.memory_gib for s in specs]), np.array([s.bandwidth_gb_s for s in specs]),
            np.array([s.bf16_tflops for s in specs]), gpus, shape.parameters_billion, 2.0,
            shape.kv_bytes_per_token(), i, o, slo,
        )  # fmt: skip
        for spec, n, rate, tpot in zip(specs, gpus, rates, tpots, strict=True):
            tp = tensor_parallel_degree(shape.parameters_billion * 2e9, spec.memory_gib, int(n))
            one = (
                estimate_throughput(
                    spec, tp, shape.parameters_billion, 2.0, shape.kv_bytes_per_token(), i, o, slo
                )
                if tp
                else None
            )
            if one is None:
                assert rate == 0
            else:
                assert rate == pytest.approx((n // tp) * one.requests_per_second, rel=1e-12)
                assert tpot == pytest.approx(one.time_per_output_token_ms, rel=1e-12)


def test_tensor_parallel_degree() -> None:
    b70 = MODEL_SHAPES["llama-3.1-70b"].parameters_billion * 2e9
    assert tensor_parallel_degree(b70, 80, 8) == 4
    assert tensor_parallel_degree(b70, 24, 8) == 8
    assert tensor_parallel_degree(MODEL_SHAPES["llama-3.1-8b"].parameters_billion * 2e9, 24, 1) == 1
    assert tensor_parallel_degree(405e9 * 2, 80, 8) == 0
    assert tensor_parallel_degree(405e9 * 1, 141, 8) == 4  # FP8: 405 GB <= 0.8 x 4 x 141 GiB x 0.9


def test_power_model_against_cloud_carbon_coefficients(shared_data: Path) -> None:
    """Per-vCPU watts at 50 % utilisation: within 30 % of the mean of CCF's per-architecture figures."""
    for provider, (low, high) in VCPU_WATTS.items():
        with (
            shared_data / "cloud-carbon-coefficients" / f"coefficients-{provider}-use.csv"
        ).open() as handle:
            rows = list(csv.DictReader(handle))
        mean_low = np.mean([float(r["Min Watts"]) for r in rows])
        mean_high = np.mean([float(r["Max Watts"]) for r in rows])
        ours, theirs = low + 0.5 * (high - low), mean_low + 0.5 * (mean_high - mean_low)
        assert abs(ours - theirs) / theirs < 0.3, provider
        assert min(float(r["Min Watts"]) for r in rows) <= low and high <= max(
            float(r["Max Watts"]) for r in rows
        )
    # closed form for one instance: GCP, 8 vCPUs, 32 GiB, one L4 (72 W)
    kw = instance_power_kw(
        np.array(["gcp"]), np.array([8.0]), np.array([32.0]), np.array([1.0]), np.array([72.0])
    )
    expected = 1.1 * (8 * (0.71 + 0.5 * (4.26 - 0.71)) + 32 * 0.392 + 72 * 0.7) / 1000
    assert kw[0] == pytest.approx(expected)


def test_model_and_gpu_names_from_real_catalogues() -> None:
    assert canonical_model("together_ai/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo") == "llama-3.1-70b"
    assert canonical_model("meta.llama3-1-70b-instruct-v1:0") == "llama-3.1-70b"
    assert canonical_model("fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct") == "llama-3.1-8b"
    assert canonical_model("deepseek/deepseek-chat") == "deepseek-chat"
    assert parameters_from_name("Qwen/Qwen2.5-72B-Instruct") == 72.0
    assert canonical_gpu("A100-80G-PCIe") == "A100-80GB"
    assert canonical_gpu("A100", 80) == "A100-80GB"
    assert canonical_gpu("H100-80G-PCIe") == "H100-PCIE"
    assert canonical_gpu("H100-80GB-HBM3") == "H100"
    assert canonical_gpu("RTX6000", 24) == "RTX6000"
    assert canonical_gpu("RTX-6000-Ada") == "RTX6000-ADA"


def test_region_locations_and_carbon() -> None:
    table = region_table()
    assert not table.duplicated(["provider", "region"]).any()
    assert table["carbon_g_per_kwh"].between(1, 1200).all()
    indian = set(table.loc[table["country"] == "IN", "region"])
    assert {"asia-south1", "asia-south2", "ap-south-1", "ap-south-2", "centralindia", "southindia"} <= indian
    assert region_country("runpod", "IN") == "IN"
    assert region_country("vast", "Ontario, CA, NA") == "CA"
    assert region_country("nowhere", "x") == ""
    value, source = carbon_intensity("aws", "us-west-2", "US")
    assert value == pytest.approx(165.5, abs=0.1) and "oregon" in source  # EPA eGRID2023, lbs/MWh x 0.4536
    value, source = carbon_intensity("someone", "somewhere", "FR")
    assert "country FR" in source and value < 100
    world, source = carbon_intensity("someone", "somewhere", "")
    assert "world" in source and 300 < world < 600
    countries = country_table()
    assert "ZZ" in set(countries["country"]) and not countries.duplicated("country").any()


def test_default_offers_and_provenance() -> None:
    offers = default_compute_offers()
    assert (offers["hourly_price"] > 0).all()
    gpu = offers[offers["gpu_count"] > 0]
    assert {"T4", "A10G", "L4", "A100", "H100"} <= set(gpu["gpu_model"])
    assert len(gpu[gpu["region"] == "ap-south-1"]) >= 5
    c2 = offers[offers["provider"] == "gcp"]
    assert len(c2) == 10 and (c2["spot_hourly_price"] > 0).all()
    data = files("recommender.data.routing")
    provenance = data.joinpath("PROVENANCE.md").read_text(encoding="utf-8")
    needles = ("regions.csv", "countries.csv", "offers.csv", "codecarbon 3.3.2", "MIT")
    for needle in (*needles, "apache-libcloud 3.9.1", "Apache-2.0", "eGRID2023"):
        assert needle in provenance
    shipped = sorted(p.name for p in Path(str(data)).iterdir() if p.suffix == ".csv")
    assert shipped == ["countries.csv", "offers.csv", "regions.csv"]
    assert math.isfinite(float(offers["memory_gib"].sum()))
