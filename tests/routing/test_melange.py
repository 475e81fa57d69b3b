"""The published Mélange example (Griggs et al. 2024, arXiv 2404.14527) reproduced.

Inputs are those of ``tyler-griggs/melange-release`` ``melange/main.py`` (A10G at
$1.01/h with per-bucket max throughputs [[5, 1], [10, 5]] req/s, A100 at $3.67/h with
[[20, 2], [50, 20]], request-size distribution [[0.25, 0.125], [0.375, 0.25]], rate 16
req/s, slice factor 1) and ``melange/config/example.json`` (A100-80GB only, rate 1).
The oracle is an independent exhaustive enumeration of Mélange's ILP: every
assignment of slices to GPU types, with ``y_g = ceil(Σ_s λ_s / T_{g,s})``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from recommender.domain.routing import (
    ComputeOffer,
    LlmInferenceDemand,
    ModelApiOffer,
    OfferInstance,
    RequestSlice,
    RoutingPolicy,
    RoutingRequest,
    ThroughputProfile,
    Workload,
)
from recommender.planning.routing_plans import route_workloads

GPUS = {
    "A10G": {"cost": 1.01, "tputs": [[5, 1], [10, 5]]},
    "A100": {"cost": 3.67, "tputs": [[20, 2], [50, 20]]},
}
DISTRIBUTION = [[0.25, 0.125], [0.375, 0.25]]
INPUT_SIZES = (25.0, 100.0)  # bucket representative sizes (rows: input, columns: output)
OUTPUT_SIZES = (25.0, 100.0)


def melange_brute_force(
    gpus: dict[str, dict], distribution: list[list[float]], rate: float, slice_factor: int
):
    """Cheapest Mélange allocation by enumerating every slice -> GPU assignment."""
    names = list(gpus)
    slices = [
        (i, j, distribution[i][j] * rate / slice_factor)
        for i in range(len(distribution))
        for j in range(len(distribution[0]))
        for _ in range(slice_factor)
        if distribution[i][j] > 0
    ]
    load = np.array(
        [[lam / gpus[g]["tputs"][i][j] for (i, j, lam) in slices] for g in names]
    )  # gpus x slices
    cost = np.array([gpus[g]["cost"] for g in names])
    best = (math.inf, None)
    n = len(slices)
    for choice in itertools.product(range(len(names)), repeat=n):
        per_gpu = np.zeros(len(names))
        np.add.at(per_gpu, list(choice), load[list(choice), np.arange(n)])
        counts = np.ceil(per_gpu - 1e-9)
        total = float(counts @ cost)
        if total < best[0] - 1e-12:
            best = (total, dict(zip(names, counts, strict=True)))
    return best


def melange_request(
    gpus: dict[str, dict], distribution: list[list[float]], rate: float, *, whole: bool, factor: int = 1
) -> RoutingRequest:
    slices, profiles = [], []
    for i, row in enumerate(distribution):
        for j, share in enumerate(row):
            if share > 0:
                slices.append(
                    RequestSlice(share=share, input_tokens=INPUT_SIZES[i], output_tokens=OUTPUT_SIZES[j])
                )
            for name, info in gpus.items():
                profiles.append(
                    ThroughputProfile(
                        model="llama-2-7b",
                        accelerator=name,
                        requests_per_second=info["tputs"][i][j],
                        input_tokens=INPUT_SIZES[i],
                        output_tokens=OUTPUT_SIZES[j],
                    )
                )
    offers = [
        ComputeOffer(
            offer_id=f"{name.lower()}-instance",
            instance=OfferInstance(
                name=f"1x{name}",
                provider="aws",
                region="us-west-2",
                vcpus=8,
                memory_gib=32,
                gpu_count=1,
                gpu_model=name,
                hourly_price=info["cost"],
            ),
        )
        for name, info in gpus.items()
    ]
    unrelated_api = ModelApiOffer(
        offer_id="other", provider="x", model="gpt-4o", input_cost_per_token=1e-6, output_cost_per_token=1e-6
    )
    return RoutingRequest(
        workloads=[
            Workload(
                workload_id="melange",
                llm_inference=LlmInferenceDemand(
                    model="llama-2-7b", requests_per_second=rate, request_slices=slices
                ),
            )
        ],
        compute_offers=offers,
        api_offers=[unrelated_api],
        throughput_profiles=profiles,
        policy=RoutingPolicy(whole_slices=whole, slice_factor=factor, optimal_only=True),
    )


def _counts(outcome) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in outcome.placements[0].items:
        out[item.accelerator] = out.get(item.accelerator, 0) + item.count
    return out


def test_published_example_rate_16() -> None:
    """melange/main.py: the optimum is 5 x A10G and no A100, $5.05/h."""
    oracle_cost, oracle_mix = melange_brute_force(GPUS, DISTRIBUTION, 16.0, 1)
    assert oracle_cost == pytest.approx(5.05)
    assert oracle_mix == {"A10G": 5, "A100": 0}
    outcome = route_workloads(melange_request(GPUS, DISTRIBUTION, 16.0, whole=True))
    assert float(outcome.total_hourly_cost) == pytest.approx(5.05)
    assert _counts(outcome) == {"A10G": 5}
    assert outcome.plans[0].solver.status.value == "optimal"


def test_example_json_single_a100_80gb() -> None:
    """melange/config/example.json: one A100-80GB ($3.67/h) serves rate 1.0."""
    gpus = {"A100-80GB": {"cost": 3.67, "tputs": [[20, 2], [50, 20]]}}
    oracle_cost, oracle_mix = melange_brute_force(gpus, DISTRIBUTION, 1.0, 1)
    assert oracle_cost == pytest.approx(3.67) and oracle_mix == {"A100-80GB": 1}
    outcome = route_workloads(melange_request(gpus, DISTRIBUTION, 1.0, whole=True))
    assert float(outcome.total_hourly_cost) == pytest.approx(3.67)
    assert _counts(outcome) == {"A100-80GB": 1}


@pytest.mark.parametrize("rate", [1, 3, 8, 16, 24, 40])
def test_rate_sweep_matches_brute_force(rate: float) -> None:
    """Rate-based A10G/A100 cases (the paper's Plot 5 setting): whole-slice optimum = enumeration."""
    oracle_cost, oracle_mix = melange_brute_force(GPUS, DISTRIBUTION, float(rate), 1)
    outcome = route_workloads(melange_request(GPUS, DISTRIBUTION, float(rate), whole=True))
    assert float(outcome.total_hourly_cost) == pytest.approx(oracle_cost, abs=1e-9)
    counts = _counts(outcome)
    cost_of = sum(GPUS[g]["cost"] * n for g, n in counts.items())
    assert cost_of == pytest.approx(oracle_cost)
    # Shares never do worse than whole slices (a relaxation of Mélange's assignment).
    split = route_workloads(melange_request(GPUS, DISTRIBUTION, float(rate), whole=False))
    assert float(split.total_hourly_cost) <= oracle_cost + 1e-9


@pytest.mark.parametrize("rate", [29])
def test_slice_factor_four_matches_brute_force(rate: float) -> None:
    """The README's recommended slice factor 4 (16 slices, 65,536 assignments enumerated)."""
    oracle_cost, _ = melange_brute_force(GPUS, DISTRIBUTION, float(rate), 4)
    outcome = route_workloads(melange_request(GPUS, DISTRIBUTION, float(rate), whole=True, factor=4))
    assert float(outcome.total_hourly_cost) == pytest.approx(oracle_cost, abs=1e-9)
    factor_one, _ = melange_brute_force(GPUS, DISTRIBUTION, float(rate), 1)
    assert oracle_cost <= factor_one + 1e-9


def test_mix_beats_single_gpu_type_somewhere() -> None:
    """Mélange's point: across rates a mix is sometimes strictly cheaper than any single GPU type."""
    strictly_better = 0
    for rate in range(1, 41, 3):
        best, mix = melange_brute_force(GPUS, DISTRIBUTION, float(rate), 1)
        singles = [melange_brute_force({g: GPUS[g]}, DISTRIBUTION, float(rate), 1)[0] for g in GPUS]
        outcome = route_workloads(melange_request(GPUS, DISTRIBUTION, float(rate), whole=True))
        assert float(outcome.total_hourly_cost) == pytest.approx(best)
        if best < min(singles) - 1e-9:
            strictly_better += 1
            assert all(n > 0 for n in mix.values())
    assert strictly_better > 0
