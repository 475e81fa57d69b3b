"""Throughput of an LLM workload's request slices on every compute offer.

Per (offer, slice) the requests per second one instance sustains at the workload's
TPOT SLO: from the request's throughput profiles when one matches, else the
documented roofline estimate of :func:`recommender.routing_defaults.estimate_throughput`.

Profile matching: the model (or a substitute) must match after normalisation; the
profile's ``accelerator`` names the instance type (figures per instance) or the GPU
model (figures per replica of ``accelerators_per_replica`` GPUs; an instance hosts
``floor(gpus / per_replica)`` replicas). A profile measured at the slice's size wins
over a size-independent one (``input_tokens = output_tokens = 0``); a profile whose
TPOT exceeds the SLO is not used (TPOT 0 = measured at the workload's SLO). Among
the usable profiles the fastest counts. Slices no profile covers get the estimate
(source ``profile+estimate``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from recommender.domain.routing import LlmInferenceDemand, RequestSlice, ThroughputProfile
from recommender.planning.routing_options import ComputeOptions
from recommender.routing_defaults import (
    GpuSpec,
    canonical_gpu,
    canonical_model,
    estimate_throughput_many,
    heuristic_kv_bytes_per_token,
    model_shape,
    parameters_from_name,
)
from solvers.routing_problem import FloatArray

PROFILE = "profile"
ESTIMATE = "estimate"
MIXED = "profile+estimate"  # profiles for some request sizes, the estimate for the others


@dataclass(frozen=True)
class SliceThroughput:
    """Requests/s per instance of each merged offer (rows) for each slice (columns); 0 = cannot."""

    requests_per_second: FloatArray
    source: list[str]  # per offer: profile | estimate | ""
    tpot_ms: FloatArray
    model_known: bool


@dataclass(frozen=True)
class ModelSize:
    """What the estimate needs to know about the model."""

    parameters_billion: float
    bytes_per_parameter: float
    kv_bytes_per_token: float


def model_size(demand: LlmInferenceDemand) -> ModelSize | None:
    """Parameters and KV bytes: the request, else the model table, else the name (+ heuristic)."""
    shape = model_shape(demand.model)
    params = demand.parameters_billion or (shape.parameters_billion if shape else 0.0)
    params = params or parameters_from_name(demand.model)
    if params <= 0:
        return None
    bytes_pp = demand.bytes_per_parameter
    kv = demand.kv_cache_bytes_per_token
    if kv <= 0:
        # KV cache stays 16-bit unless the caller says otherwise.
        kv = shape.kv_bytes_per_token() if shape else heuristic_kv_bytes_per_token(params, 2.0)
    return ModelSize(params, bytes_pp, kv)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _profile_rate(profile: ThroughputProfile, piece: RequestSlice) -> float:
    if profile.requests_per_second > 0:
        return profile.requests_per_second
    return profile.output_tokens_per_second / piece.output_tokens


@dataclass(frozen=True)
class HardwareIndex:
    """Merged offers grouped by what their LLM throughput depends on (GPU model, count, memory,
    and the instance name when a profile names it); CPU-only offers without a profile are left out.
    """

    representatives: list[int]  # one merged offer per group
    group_of: np.ndarray  # group of every merged offer (-1 = none)


def hardware_index(options: ComputeOptions, profiles: list[ThroughputProfile]) -> HardwareIndex:
    """Group offers once per request (see :class:`HardwareIndex`)."""
    named = {p.accelerator.lower() for p in profiles}
    groups: dict[tuple[str, int, float, str], int] = {}
    representatives: list[int] = []
    group_of = np.full(options.n_offers, -1, dtype=np.int64)
    for g in range(options.n_offers):
        count = int(options.gpu_count[g])
        name = str(options.name[g]).lower()
        profiled = name in named
        if not count and not profiled:
            continue
        key = (
            str(options.gpu_model[g]),
            count,
            float(options.gpu_memory_per_gpu[g]),
            name if profiled else "",
        )
        if key not in groups:
            groups[key] = len(representatives)
            representatives.append(g)
        group_of[g] = groups[key]
    return HardwareIndex(representatives, group_of)


def llm_throughput(
    demand: LlmInferenceDemand,
    slices: list[RequestSlice],
    options: ComputeOptions,
    profiles: list[ThroughputProfile],
    specs: dict[str, GpuSpec],
    hardware: HardwareIndex | None = None,
) -> SliceThroughput:
    """Requests/s per instance for every merged offer and slice (module docstring)."""
    hardware = hardware or hardware_index(options, profiles)
    models = {canonical_model(demand.model), *(canonical_model(m) for m in demand.substitute_models)}
    usable = [p for p in profiles if canonical_model(p.model) in models]
    slo = demand.max_time_per_output_token_ms
    size = model_size(demand)
    n_h, n_s = len(hardware.representatives), len(slices)
    rate = np.zeros((n_h + 1, n_s))  # last row: offers outside every group
    tpot = np.zeros((n_h + 1, n_s))
    source = [""] * (n_h + 1)
    by_instance: dict[str, list[ThroughputProfile]] = {}
    by_gpu: dict[str, list[ThroughputProfile]] = {}
    for p in usable:
        by_instance.setdefault(p.accelerator.lower(), []).append(p)
        by_gpu.setdefault(canonical_gpu(p.accelerator), []).append(p)
    estimate_rows: list[int] = []
    estimate_specs: list[GpuSpec] = []
    from_profile = np.zeros((n_h + 1, n_s), dtype=bool)
    for h, g in enumerate(hardware.representatives):
        count = int(options.gpu_count[g])
        per_instance = by_instance.get(str(options.name[g]).lower(), [])
        per_gpu = by_gpu.get(str(options.gpu_model[g]), []) if count else []
        if per_instance or per_gpu:
            for s, piece in enumerate(slices):
                rate[h, s], tpot[h, s] = _best_profile(per_instance, per_gpu, count, piece, slo)
            from_profile[h] = rate[h] > 0
            if from_profile[h].all():
                source[h] = PROFILE
                continue
        spec = specs.get(str(options.gpu_model[g])) if count else None
        if spec is None or size is None:
            source[h] = PROFILE if from_profile[h].any() else ""
            continue
        estimate_rows.append(h)
        estimate_specs.append(spec)
    if estimate_rows and size is not None:
        reps = np.array([hardware.representatives[h] for h in estimate_rows], dtype=np.int64)
        catalogue_memory = options.gpu_memory_per_gpu[reps]
        # the catalogue's memory per GPU wins (e.g. a 40 or 80 GB variant)
        memory = np.where(catalogue_memory > 0, catalogue_memory, [sp.memory_gib for sp in estimate_specs])
        bandwidth = np.array([sp.bandwidth_gb_s for sp in estimate_specs])
        tflops = np.array([sp.bf16_tflops for sp in estimate_specs])
        gpus = options.gpu_count[reps]
        rows = np.array(estimate_rows, dtype=np.int64)
        for s, piece in enumerate(slices):
            est_rate, est_tpot = estimate_throughput_many(
                memory, bandwidth, tflops, gpus, size.parameters_billion, size.bytes_per_parameter,
                size.kv_bytes_per_token, piece.input_tokens, piece.output_tokens, slo,
            )  # fmt: skip
            fill = ~from_profile[rows, s]  # a measured profile wins over the estimate
            rate[rows[fill], s] = est_rate[fill]
            tpot[rows[fill], s] = est_tpot[fill]
        for h in estimate_rows:
            estimated = (rate[h] > 0) & ~from_profile[h]
            if from_profile[h].any():
                source[h] = MIXED if estimated.any() else PROFILE
            elif estimated.any():
                source[h] = ESTIMATE
    groups = np.where(hardware.group_of >= 0, hardware.group_of, n_h)
    labels = np.array(source, dtype=object)[groups]
    return SliceThroughput(rate[groups], labels.tolist(), tpot[groups], size is not None)


def _best_profile(
    per_instance: list[ThroughputProfile],
    per_gpu: list[ThroughputProfile],
    gpus: int,
    piece: RequestSlice,
    slo: float,
) -> tuple[float, float]:
    """Fastest usable profile figure for one slice: exact size first, then size-independent."""
    candidates: list[tuple[ThroughputProfile, int]] = [(p, 1) for p in per_instance]
    candidates += [(p, gpus // p.accelerators_per_replica) for p in per_gpu]
    for exact in (True, False):
        best = (0.0, 0.0)
        for profile, replicas in candidates:
            if replicas <= 0:
                continue
            sized = profile.input_tokens > 0 or profile.output_tokens > 0
            if exact != sized:
                continue
            if sized and not (
                _same(profile.input_tokens, piece.input_tokens)
                and _same(profile.output_tokens, piece.output_tokens)
            ):
                continue
            if slo > 0 and profile.time_per_output_token_ms > slo * (1 + 1e-9):
                continue
            value = replicas * _profile_rate(profile, piece)
            if value > best[0]:
                best = (value, profile.time_per_output_token_ms)
        if best[0] > 0:
            return best
    return 0.0, 0.0


def batch_speed(spec: GpuSpec | None, reference: GpuSpec | None) -> float:
    """Work rate of one GPU relative to the batch job's reference GPU (0 = unknown)."""
    if spec is None:
        return 0.0
    if spec.relative_speed > 0:
        return spec.relative_speed
    if reference is None or reference.bf16_tflops <= 0 or spec.bf16_tflops <= 0:
        return 0.0
    return spec.bf16_tflops / reference.bf16_tflops


def is_finite_positive(value: float) -> bool:
    """Positive and finite."""
    return value > 0 and math.isfinite(value)
