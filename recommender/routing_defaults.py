"""Documented defaults of the routing lever: GPU specs, model shapes, throughput, power, carbon.

Every default here is used only when the request leaves the value out, and each
placement says where its throughput came from. docs/routing.md states the formulas.

* **GPU specifications** (:data:`GPU_SPECS`): memory, memory bandwidth, dense BF16
  tensor TFLOPS and board power from the vendors' datasheets.
* **Model shapes** (:data:`MODEL_SHAPES`): parameters, layers, KV heads and head
  size from each model's published ``config.json``; they give the weight bytes and
  the KV-cache bytes per token ``2 (K and V) × layers × kv_heads × head_dim × bytes``.
* **Decode throughput estimate** (:func:`estimate_throughput`): LLM decoding is
  memory-bandwidth bound. A decode step of batch ``B`` reads the weights once plus
  every sequence's KV cache, so ``t(B) = max((W + B·K·L̄) / (η_bw·BW), 2·P·B / (η_f·F))``
  (W weight bytes, K KV bytes/token, L̄ = input + output/2 mean context, BW and F the
  replica's bandwidth and FLOPS). TPOT = ``t(B)``; the batch is the largest that fits
  in memory (``0.9`` of GPU memory, vLLM's default, minus the weights, each sequence
  holding ``input + output`` tokens of KV cache), is at most 256 (vLLM's
  ``max_num_seqs``) and meets the TPOT SLO. Prefill is compute bound:
  ``2·P·input / (η_f·F)`` per request. Requests/s per replica =
  ``1 / (prefill + output·t(B)/B)``. Utilisation factors η_bw = 0.6, η_f = 0.5.
  At batch 1 this is the usual "tokens/s ≈ η·bandwidth / weight bytes" rule.
* **Power** (:func:`instance_power_kw`): Cloud Carbon Footprint's methodology
  (cloudcarbonfootprint.org/docs/methodology): per vCPU ``min + 0.5·(max − min)`` watts
  (50 % utilisation; AWS 0.74–3.5, GCP 0.71–4.26, Azure 0.78–3.76, others their mean),
  0.392 W per GiB of memory, GPUs at 70 % of board power, times the provider's PUE
  (AWS 1.135, GCP 1.1, Azure 1.185; others 1.58, the Uptime Institute 2023 global mean).
* **Carbon intensity** and **region locations**: the bundled tables in
  ``recommender/data/routing`` (codecarbon 3.3.2, MIT; see its PROVENANCE.md).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

import numpy as np
import pandas as pd

from recommender.defaults import default_compute_catalog, default_model_prices
from solvers.routing_problem import FloatArray

ROUTING_DATA = "recommender.data.routing"
BANDWIDTH_UTILISATION = 0.6
FLOPS_UTILISATION = 0.5
GPU_MEMORY_UTILISATION = 0.9
MAX_BATCH = 256
MAX_WEIGHT_SHARE = 0.8  # weights may fill at most 80 % of usable memory (the rest is KV cache)
GPU_POWER_SHARE = 0.7
MEMORY_WATTS_PER_GIB = 0.392
DEFAULT_BYTES_PER_PARAMETER = 2.0
REFERENCE_ACCELERATOR = "A100-80GB"

# (min, max) watts per vCPU; CCF methodology averages.
VCPU_WATTS = {"aws": (0.74, 3.5), "gcp": (0.71, 4.26), "azure": (0.78, 3.76)}
PUE = {"aws": 1.135, "gcp": 1.1, "azure": 1.185}
# (min, max) watts per vCPU of other providers: the mean of the three above.
_MEAN_VCPU_WATTS = (
    float(np.mean([v[0] for v in VCPU_WATTS.values()])),
    float(np.mean([v[1] for v in VCPU_WATTS.values()])),
)
DEFAULT_PUE = 1.58


@dataclass(frozen=True)
class GpuSpec:
    """Datasheet figures of one GPU."""

    name: str
    memory_gib: float
    bandwidth_gb_s: float
    bf16_tflops: float
    tdp_watts: float
    relative_speed: float = 0.0  # 0 = from TFLOPS


GPU_SPECS: dict[str, GpuSpec] = {
    s.name: s
    for s in (
        # NVIDIA datasheets (dense tensor TFLOPS, no sparsity); AMD for MI300X.
        GpuSpec("T4", 16, 320, 65, 70),
        GpuSpec("L4", 24, 300, 121, 72),
        GpuSpec("A10", 24, 600, 125, 150),
        GpuSpec("A10G", 24, 600, 70, 300),
        GpuSpec("A40", 48, 696, 150, 300),
        GpuSpec("A6000", 48, 768, 155, 300),
        GpuSpec("RTX6000", 24, 672, 130, 295),  # Quadro RTX 6000 (Turing)
        GpuSpec("RTX6000-ADA", 48, 960, 365, 300),
        GpuSpec("L40", 48, 864, 181, 300),
        GpuSpec("L40S", 48, 864, 362, 350),
        GpuSpec("RTX3090", 24, 936, 71, 350),
        GpuSpec("RTX4090", 24, 1008, 165, 450),
        GpuSpec("RTX5090", 32, 1792, 209, 575),
        GpuSpec("P100", 16, 732, 18.7, 250),
        GpuSpec("V100", 16, 900, 125, 300),
        GpuSpec("V100-32GB", 32, 900, 125, 300),
        GpuSpec("A100", 40, 1555, 312, 400),
        GpuSpec("A100-80GB", 80, 2039, 312, 400),
        GpuSpec("H100", 80, 3350, 989, 700),
        GpuSpec("H100-PCIE", 80, 2000, 756, 350),
        GpuSpec("H100-NVL", 94, 3900, 835, 400),
        GpuSpec("GH200", 96, 4000, 989, 700),
        GpuSpec("H200", 141, 4800, 989, 700),
        GpuSpec("B200", 180, 8000, 2250, 1000),
        GpuSpec("B300", 262, 8000, 2250, 1100),
        GpuSpec("MI300X", 192, 5300, 1307, 750),
    )
}

# Catalogue spellings -> table names, matched in order on the upper-cased name without spaces,
# dashes and underscores ("A100-80G-PCIe" -> "A10080GPCIE").
_GPU_ALIASES: list[tuple[str, str]] = [
    (r"^A10080G", "A100-80GB"),
    (r"^A100", "A100"),
    (r"^H100NVL", "H100-NVL"),
    (r"^H100.*PCIE", "H100-PCIE"),
    (r"^H100", "H100"),
    (r"^H200", "H200"),
    (r"^GH200", "GH200"),
    (r"^B200", "B200"),
    (r"^B300", "B300"),
    (r"^L40S", "L40S"),
    (r"^L40", "L40"),
    (r"^L4$", "L4"),
    (r"^A10G", "A10G"),
    (r"^A10$", "A10"),
    (r"^A40", "A40"),
    (r"^(RTX)?A6000", "A6000"),
    (r"^RTX6000ADA", "RTX6000-ADA"),
    (r"^(QUADRO)?RTX6000", "RTX6000"),
    (r"^(GEFORCE)?(RTX)?3090", "RTX3090"),
    (r"^(GEFORCE)?(RTX)?4090", "RTX4090"),
    (r"^(GEFORCE)?(RTX)?5090", "RTX5090"),
    (r"^V10032", "V100-32GB"),
    (r"^V100", "V100"),
    (r"^P100", "P100"),
    (r"^T4$", "T4"),
    (r"^(INSTINCT)?MI300X", "MI300X"),
]


@lru_cache(maxsize=4096)
def canonical_gpu(name: str, memory_gib_per_gpu: float = 0.0) -> str:
    """Table name of a catalogue GPU name (e.g. ``A100-80G-PCIe`` -> ``A100-80GB``).

    An ``A100``/``V100`` whose memory says it is the larger variant becomes that
    variant. Unknown names come back upper-cased.
    """
    upper = name.strip().upper().replace("NVIDIA", "").strip()
    key = re.sub(r"[\s_-]+", "", upper)
    for pattern, canonical in _GPU_ALIASES:
        if re.search(pattern, key):
            if canonical == "A100" and memory_gib_per_gpu > 60:
                return "A100-80GB"
            if canonical == "V100" and memory_gib_per_gpu > 24:
                return "V100-32GB"
            if canonical == "RTX6000" and memory_gib_per_gpu > 30:
                return "RTX6000-ADA"
            return canonical
    return re.sub(r"\s+", "", upper)


@lru_cache(maxsize=4096)
def gpu_family(name: str) -> str:
    """The quota family of a GPU: ``A100-80GB`` -> ``A100`` (a quota on ``A100`` covers both)."""
    canonical = canonical_gpu(name)
    return canonical.split("-")[0]


@dataclass(frozen=True)
class ModelShape:
    """Size and attention shape of a model (from its published ``config.json``)."""

    name: str
    parameters_billion: float
    layers: int
    kv_heads: int
    head_dim: int

    def kv_bytes_per_token(self, bytes_per_value: float = DEFAULT_BYTES_PER_PARAMETER) -> float:
        """KV-cache bytes per token of context: K and V for every layer and KV head."""
        return 2.0 * self.layers * self.kv_heads * self.head_dim * bytes_per_value


MODEL_SHAPES: dict[str, ModelShape] = {
    s.name: s
    for s in (
        ModelShape("llama-2-7b", 6.74, 32, 32, 128),
        ModelShape("llama-2-13b", 13.0, 40, 40, 128),
        ModelShape("llama-2-70b", 69.0, 80, 8, 128),
        ModelShape("llama-3-8b", 8.03, 32, 8, 128),
        ModelShape("llama-3-70b", 70.6, 80, 8, 128),
        ModelShape("llama-3.1-8b", 8.03, 32, 8, 128),
        ModelShape("llama-3.1-70b", 70.6, 80, 8, 128),
        ModelShape("llama-3.1-405b", 405.0, 126, 8, 128),
        ModelShape("llama-3.2-1b", 1.24, 16, 8, 64),
        ModelShape("llama-3.2-3b", 3.21, 28, 8, 128),
        ModelShape("llama-3.3-70b", 70.6, 80, 8, 128),
        ModelShape("mistral-7b", 7.24, 32, 8, 128),
        ModelShape("qwen2.5-7b", 7.62, 28, 4, 128),
        ModelShape("qwen2.5-72b", 72.7, 80, 8, 128),
        ModelShape("gemma-2-9b", 9.24, 42, 8, 256),
        ModelShape("gemma-2-27b", 27.2, 46, 16, 128),
    )
}

_MODEL_PREFIXES = re.compile(r"^(meta[-.]|anthropic[.]|accounts-fireworks-models-|mistralai-|qwen-|google-)")
_MODEL_SUFFIXES = re.compile(r"(-instruct|-chat|-turbo|-hf|-it|-basic|-v\d+:\d+|:\d+|-\d{8})+$")


@lru_cache(maxsize=4096)
def canonical_model(name: str) -> str:
    """Provider-neutral model key: ``together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo``,
    ``meta.llama3-1-8b-instruct-v1:0`` and ``llama-v3p1-8b-instruct`` all give ``llama-3.1-8b``.
    """
    key = name.strip().lower()
    key = key.rsplit("/", 1)[-1]
    key = key.replace("_", "-").replace(" ", "-")
    key = _MODEL_PREFIXES.sub("", key)
    if re.search(r"\d(?:\.\d+)?b(?![a-z])|v\d+:\d+$|^llama", key):  # open models, Bedrock ids
        key = _MODEL_SUFFIXES.sub("", key)
    key = re.sub(r"^meta-", "", key)
    key = re.sub(r"^llama-?v?(\d)p(\d)", r"llama-\1.\2", key)  # llama-v3p1 -> llama-3.1
    key = re.sub(r"^llama(\d)-(\d)-", r"llama-\1.\2-", key)  # llama3-1-8b -> llama-3.1-8b
    key = re.sub(r"^llama(\d)", r"llama-\1", key)  # llama3.1 -> llama-3.1
    return key


def parameters_from_name(name: str) -> float:
    """Billions of parameters written in a model name (``-70b``), or 0."""
    match = re.search(r"(?<![\d.])(\d+(?:\.\d+)?)b(?![a-z])", canonical_model(name))
    return float(match.group(1)) if match else 0.0


def model_shape(name: str) -> ModelShape | None:
    """Shape of a known model (after :func:`canonical_model`)."""
    return MODEL_SHAPES.get(canonical_model(name))


def heuristic_kv_bytes_per_token(parameters_billion: float, bytes_per_value: float) -> float:
    """KV bytes/token of an unknown model.

    Grouped-query attention with 8 KV heads of 128 and ``32 × (P / 8B)^(1/3)`` layers
    (Llama-3 8B: 32 layers; 70B: 66 against 80 real).
    """
    layers = 32.0 * (max(parameters_billion, 0.1) / 8.0) ** (1.0 / 3.0)
    return float(2.0 * layers * 8 * 128 * bytes_per_value)


@dataclass(frozen=True)
class ThroughputEstimate:
    """Default estimate for one replica serving requests of one size."""

    requests_per_second: float
    time_per_output_token_ms: float
    batch: int


def tensor_parallel_degree(weight_bytes: float, gpu_memory_gib: float, gpus_per_instance: int) -> int:
    """Smallest power of two of GPUs whose usable memory fits the weights (0 = none fits)."""
    tp = 1
    while tp <= gpus_per_instance:
        usable = tp * gpu_memory_gib * 2**30 * GPU_MEMORY_UTILISATION
        if weight_bytes <= MAX_WEIGHT_SHARE * usable:
            return tp
        tp *= 2
    return 0


def estimate_throughput(
    spec: GpuSpec,
    tp: int,
    parameters_billion: float,
    bytes_per_parameter: float,
    kv_bytes_per_token: float,
    input_tokens: float,
    output_tokens: float,
    max_tpot_ms: float,
) -> ThroughputEstimate | None:
    """Requests/s of one replica of ``tp`` GPUs (module docstring); None when it cannot serve."""
    params = parameters_billion * 1e9
    weights = params * bytes_per_parameter
    usable = tp * spec.memory_gib * 2**30 * GPU_MEMORY_UTILISATION
    per_sequence = kv_bytes_per_token * (input_tokens + output_tokens)
    if weights >= usable or per_sequence <= 0 or spec.bandwidth_gb_s <= 0 or spec.bf16_tflops <= 0:
        return None
    batch_memory = math.floor((usable - weights) / per_sequence)
    batch = min(batch_memory, MAX_BATCH)
    bandwidth = BANDWIDTH_UTILISATION * tp * spec.bandwidth_gb_s * 1e9
    flops = FLOPS_UTILISATION * tp * spec.bf16_tflops * 1e12
    context = kv_bytes_per_token * (input_tokens + output_tokens / 2.0)
    if max_tpot_ms > 0:
        slo = max_tpot_ms / 1000.0
        by_memory = (slo * bandwidth - weights) / context if context > 0 else math.inf
        by_compute = slo * flops / (2.0 * params)
        batch = min(batch, math.floor(by_memory), math.floor(by_compute))
    if batch < 1:
        return None
    step = max((weights + batch * context) / bandwidth, 2.0 * params * batch / flops)
    prefill = 2.0 * params * input_tokens / flops
    per_request = prefill + output_tokens * step / batch
    return ThroughputEstimate(1.0 / per_request, step * 1000.0, int(batch))


def estimate_throughput_many(
    memory_gib: FloatArray,
    bandwidth_gb_s: FloatArray,
    bf16_tflops: FloatArray,
    gpus: FloatArray,
    parameters_billion: float,
    bytes_per_parameter: float,
    kv_bytes_per_token: float,
    input_tokens: float,
    output_tokens: float,
    max_tpot_ms: float,
) -> tuple[FloatArray, FloatArray]:
    """:func:`estimate_throughput` for many instances at once: (requests/s per instance, TPOT ms).

    Each instance runs ``gpus // tp`` replicas, ``tp`` from :func:`tensor_parallel_degree`;
    0 where it cannot serve.
    """
    n = len(memory_gib)
    params = parameters_billion * 1e9
    weights = params * bytes_per_parameter
    tp = np.zeros(n)
    for degree in (16, 8, 4, 2, 1):  # smallest fitting power of two wins (assigned last)
        fits = (degree <= gpus) & (
            weights <= MAX_WEIGHT_SHARE * degree * memory_gib * 2**30 * GPU_MEMORY_UTILISATION
        )
        tp = np.where(fits, float(degree), tp)
    ok = (tp > 0) & (bandwidth_gb_s > 0) & (bf16_tflops > 0)
    safe_tp = np.where(ok, tp, 1.0)
    usable = safe_tp * memory_gib * 2**30 * GPU_MEMORY_UTILISATION
    per_sequence = kv_bytes_per_token * (input_tokens + output_tokens)
    ok &= (weights < usable) & (per_sequence > 0)
    batch = np.minimum(np.floor((usable - weights) / max(per_sequence, 1e-300)), MAX_BATCH)
    bandwidth = BANDWIDTH_UTILISATION * safe_tp * bandwidth_gb_s * 1e9
    flops = FLOPS_UTILISATION * safe_tp * bf16_tflops * 1e12
    flops = np.where(flops > 0, flops, 1.0)
    bandwidth = np.where(bandwidth > 0, bandwidth, 1.0)
    context = kv_bytes_per_token * (input_tokens + output_tokens / 2.0)
    if max_tpot_ms > 0:
        slo = max_tpot_ms / 1000.0
        by_memory = np.floor((slo * bandwidth - weights) / context) if context > 0 else np.full(n, np.inf)
        batch = np.minimum(np.minimum(batch, by_memory), np.floor(slo * flops / (2.0 * params)))
    ok &= batch >= 1
    batch = np.where(ok, batch, 1.0)
    step = np.maximum((weights + batch * context) / bandwidth, 2.0 * params * batch / flops)
    per_request = 2.0 * params * input_tokens / flops + output_tokens * step / batch
    replicas = np.floor(gpus / safe_tp)
    rate = np.where(ok, replicas / per_request, 0.0)
    return np.asarray(rate, dtype=np.float64), np.asarray(np.where(ok, step * 1000.0, 0.0), dtype=np.float64)


def instance_power_kw(
    providers: np.ndarray, vcpus: FloatArray, memory_gib: FloatArray, gpus: FloatArray, gpu_tdp: FloatArray
) -> FloatArray:
    """Average power of running instances in kW, data-centre overhead included (CCF method)."""
    prov = np.char.lower(np.asarray(providers, dtype=str)).tolist()
    watts_range = [VCPU_WATTS.get(p, _MEAN_VCPU_WATTS) for p in prov]
    lo = np.array([low for low, _ in watts_range], dtype=np.float64)
    hi = np.array([high for _, high in watts_range], dtype=np.float64)
    pue = np.array([PUE.get(p, DEFAULT_PUE) for p in prov], dtype=np.float64)
    cpu = vcpus * (lo + 0.5 * (hi - lo))
    watts = cpu + memory_gib * MEMORY_WATTS_PER_GIB + gpus * gpu_tdp * GPU_POWER_SHARE
    return np.asarray(pue * watts / 1000.0, dtype=np.float64)


def _read(name: str) -> pd.DataFrame:
    with files(ROUTING_DATA).joinpath(name).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, keep_default_na=False, na_values=[""])


@cache
def _regions() -> pd.DataFrame:
    return _read("regions.csv")


@cache
def _countries() -> pd.DataFrame:
    return _read("countries.csv")


@cache
def _region_lookup() -> dict[tuple[str, str], tuple[str, float, str]]:
    table = _regions()
    return {
        (str(p), str(r)): (str(c), float(g), str(src))
        for p, r, c, g, src in zip(
            table["provider"], table["region"], table["country"], table["carbon_g_per_kwh"],
            table["carbon_source"], strict=True,
        )
    }  # fmt: skip


@cache
def _country_lookup() -> dict[str, float]:
    table = _countries()
    return {str(c): float(g) for c, g in zip(table["country"], table["carbon_g_per_kwh"], strict=True)}


def region_table() -> pd.DataFrame:
    """Known regions: provider, region, country, city, carbon_g_per_kwh, carbon_source."""
    return _regions().copy()


def country_table() -> pd.DataFrame:
    """Country grid intensities (``ZZ`` = world mean)."""
    return _countries().copy()


_CODE_IN_NAME = re.compile(r",\s*([A-Z]{2})\s*,\s*[A-Z]{2}\s*$")


def region_country(provider: str, region: str) -> str:
    """Country (alpha-2) of a provider region, "" when unknown.

    From the bundled table, a two-letter region (RunPod) or ``..., CC, XX`` (Vast.ai).
    """
    hit = _region_lookup().get((provider.lower(), region))
    if hit is not None:
        return hit[0]
    text = region.strip()
    if re.fullmatch(r"[A-Z]{2}", text):
        return text
    match = _CODE_IN_NAME.search(text)
    return match.group(1) if match else ""


def carbon_intensity(provider: str, region: str, country: str) -> tuple[float, str]:
    """Grid intensity (gCO2e/kWh) and its source: region table, else country, else world mean."""
    hit = _region_lookup().get((provider.lower(), region))
    if hit is not None:
        return hit[1], hit[2]
    by_country = _country_lookup()
    if country and country in by_country:
        return by_country[country], f"country {country} grid mix (codecarbon)"
    return by_country["ZZ"], "world mean grid intensity (codecarbon)"


def default_compute_offers() -> pd.DataFrame:
    """Bundled offers: EC2 CPU/GPU types (libcloud) and GCP c2 with preemptible prices.

    Columns: provider, name, region, family, architecture, vcpus, memory_gib,
    gpu_count, gpu_model, gpu_memory_gib, hourly_price, spot_hourly_price, source.
    """
    offers = _read("offers.csv")
    c2 = default_compute_catalog()
    c2 = c2[c2["provider"] == "gcp"]
    frame = pd.concat([offers, c2[[c for c in offers.columns if c in c2.columns]]], ignore_index=True)
    frame["gpu_model"] = frame["gpu_model"].fillna("").astype(str)
    for column in ("gpu_count", "gpu_memory_gib"):
        frame[column] = frame[column].fillna(0.0)
    return frame


def default_api_offers() -> pd.DataFrame:
    """Bundled per-token prices (litellm; :func:`recommender.defaults.default_model_prices`)."""
    return default_model_prices()
