"""Independent brute-force oracle for single resources: plain Python, no numpy.

Percentiles come from :func:`statistics.quantiles` (``method="inclusive"`` is the same
type-7 definition the service documents), every catalogue row is checked one by one
against the rules written out again here from ``docs/rightsizing.md``, and the best
row is the cheapest, then lowest risk, then ``name|region``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from recommender.domain.rightsizing import InstanceTypeSpec

HOURS = 730.0


def percentile(samples: Sequence[float], q: float) -> float:
    """Type-7 percentile via the standard library (q in (0, 100])."""
    data = [float(x) for x in samples]
    if q >= 100:
        return max(data)
    if len(data) == 1:
        return data[0]
    # quantiles(n=2000) gives the 0.05 % grid: P90 = index 1799, P95 = 1899, P99.5 = 1989.
    cuts = statistics.quantiles(data, n=2000, method="inclusive")
    idx = round(q * 20) - 1
    assert abs((idx + 1) / 20 - q) < 1e-9, f"percentile {q} not on the 0.05 grid"
    return cuts[idx]


@dataclass
class Policy:
    cpu_percentile: float = 95.0
    cpu_headroom: float = 0.2
    memory_headroom: float = 0.2
    gpu_headroom: float = 0.2
    allow_architecture_change: bool = False
    allow_region_change: bool = False
    allow_gpu_model_change: bool = False
    allow_burstable: bool = False
    include_families: tuple[str, ...] = ()
    exclude_families: tuple[str, ...] = ()
    max_performance_risk: int = 4


@dataclass
class Usage:
    cpu: Sequence[float]
    memory: Sequence[float] | None = None
    gpu: Sequence[float] | None = None
    gpu_memory: Sequence[float] | None = None
    required_features: frozenset[str] = frozenset()


def _risk_compressible(levels: dict[float, float], capacity: float) -> int:
    if capacity <= 0:
        return 4 if levels[100.0] > 0 else 0
    if levels[95.0] / capacity > 1 + 1e-9:
        return 4
    if levels[99.5] / capacity > 1 + 1e-9:
        return 3
    if levels[100.0] / capacity > 1 + 1e-9:
        return 2
    if levels[100.0] / capacity > 0.8 + 1e-9:
        return 1
    return 0


def _risk_memory(peak: float, capacity: float) -> int:
    u = peak / capacity if capacity > 0 else (math.inf if peak > 0 else 0.0)
    for limit, score in ((1.0, 4), (0.95, 3), (0.9, 2), (0.8, 1)):
        if u > limit + 1e-9:
            return score
    return 0


def _burstable(t: InstanceTypeSpec) -> bool:
    return t.burstable


@dataclass
class Best:
    name: str
    region: str
    monthly_cost: float
    risk: int


def brute_force(
    current: InstanceTypeSpec,
    usage: Usage,
    catalog: Sequence[InstanceTypeSpec],
    policy: Policy,
    *,
    hours_fraction: float = 1.0,
    top: int = 3,
) -> list[Best]:
    """The ``top`` cheapest fitting rows for one resource, by the documented rules."""
    p = policy.cpu_percentile
    cpu_levels = {q: percentile(usage.cpu, q) / 100 * current.vcpus for q in (p, 95.0, 99.5, 100.0)}
    need_cpu = cpu_levels[p] * (1 + policy.cpu_headroom)
    if usage.memory is not None:
        mem_peak = max(usage.memory) / 100 * current.memory_gib
        need_mem = mem_peak * (1 + policy.memory_headroom)
    else:
        mem_peak, need_mem = math.nan, current.memory_gib
    gpu_levels: dict[float, float] | None = None
    if current.gpu_count > 0:
        if usage.gpu is not None:
            gpu_levels = {
                q: percentile(usage.gpu, q) / 100 * current.gpu_count for q in (p, 95.0, 99.5, 100.0)
            }
            need_gpu = max(gpu_levels[p] * (1 + policy.gpu_headroom), gpu_levels[100.0])
        else:
            need_gpu = current.gpu_count
        if usage.gpu_memory is not None:
            gmem_peak = max(usage.gpu_memory) / 100 * current.gpu_memory_gib
            need_gmem = gmem_peak * (1 + policy.memory_headroom)
        else:
            gmem_peak, need_gmem = math.nan, current.gpu_memory_gib
    else:
        need_gpu = need_gmem = 0.0
        gmem_peak = math.nan
    found: list[tuple[float, int, str, InstanceTypeSpec]] = []
    for t in catalog:
        if t is current or (
            t.name == current.name and t.region == current.region and t.provider == current.provider
        ):
            continue
        if t.provider != current.provider:
            continue
        if not policy.allow_region_change and t.region != current.region:
            continue
        if not policy.allow_architecture_change and t.architecture != current.architecture:
            continue
        if policy.include_families and t.family not in policy.include_families:
            continue
        if t.family in policy.exclude_families:
            continue
        if not usage.required_features <= t.features:
            continue
        if _burstable(t) and not policy.allow_burstable and not _burstable(current):
            continue
        if need_cpu > 0 and t.vcpus < need_cpu * (1 - 1e-9) - 1e-9:
            continue
        if need_mem > 0 and t.memory_gib < need_mem * (1 - 1e-9) - 1e-9:
            continue
        cpu_only = need_gpu <= 0 and not need_gmem > 0
        if cpu_only:
            if t.gpu_count > 0:
                continue
        else:
            if t.gpu_count < need_gpu * (1 - 1e-9):
                continue
            if need_gmem > 0 and t.gpu_memory_gib < need_gmem * (1 - 1e-9) - 1e-9:
                continue
            if not policy.allow_gpu_model_change and t.gpu_model != current.gpu_model:
                continue
        risk = _risk_compressible(cpu_levels, t.vcpus)
        if not math.isnan(mem_peak):
            risk = max(risk, _risk_memory(mem_peak, t.memory_gib))
        if gpu_levels is not None and t.gpu_count > 0:
            risk = max(risk, _risk_compressible(gpu_levels, t.gpu_count))
        if not math.isnan(gmem_peak) and t.gpu_memory_gib > 0:
            risk = max(risk, _risk_memory(gmem_peak, t.gpu_memory_gib))
        if risk > policy.max_performance_risk:
            continue
        cost = hours_fraction * t.hourly_price * HOURS
        found.append((round(cost, 6), risk, f"{t.name}|{t.region}", t))
    found.sort(key=lambda x: (x[0], x[1], x[2]))
    return [
        Best(t.name, t.region, hours_fraction * t.hourly_price * HOURS, risk) for _, risk, _, t in found[:top]
    ]
