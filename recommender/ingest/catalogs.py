"""Compute pricing catalogues in the SkyPilot ``vms.csv`` schema (anycloud, SkyPilot, RunPod).

Schema: ``InstanceType, vCPUs, MemoryGiB, AcceleratorName, AcceleratorCount,
GpuInfo, Price, SpotPrice, Region[, AvailabilityZone]`` in any column order.
Conventions: an empty ``Price``/``SpotPrice`` means not offered (NaN); a price of
exactly 0 is also read as not offered (NaN) and counted in ``report.notes``
(Vast.ai writes 0.00 for "no spot price"; GCP writes 0 for a4 hosts). GCP rows
with an empty ``InstanceType`` price accelerators (GPUs/TPUs) and go to
``VmCatalog.accelerators``; :func:`attach_accelerators` adds them to their hosts.

The vantage.sh exports and per-token model prices live in
:mod:`recommender.ingest.vantage` and :mod:`recommender.ingest.model_prices` and are
re-exported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from recommender.ingest._io import (
    BoolArray,
    FloatArray,
    PathLike,
    RowChecker,
    numeric_values,
    read_csv,
    resolve_columns,
    text_values,
)
from recommender.ingest.instance_names import infer_architecture, instance_family
from recommender.ingest.model_prices import load_model_prices
from recommender.ingest.report import IngestReport, file_error
from recommender.ingest.vantage import load_azure_vantage_export, load_ec2_vantage_export

__all__ = [
    "ACCELERATOR_COLUMNS",
    "INSTANCE_COLUMNS",
    "VmCatalog",
    "attach_accelerators",
    "infer_provider",
    "load_azure_vantage_export",
    "load_ec2_vantage_export",
    "load_model_prices",
    "load_vms_catalog",
    "per_region",
]

INSTANCE_COLUMNS = [
    "provider",
    "name",
    "region",
    "zone",
    "family",
    "architecture",
    "vcpus",
    "memory_gib",
    "gpu_count",
    "gpu_model",
    "gpu_memory_gib",
    "hourly_price",
    "spot_hourly_price",
]
"""Columns of ``VmCatalog.instances`` (prices in USD per hour; ``gpu_memory_gib`` is the
total over all GPUs; ``zone`` is "" when the catalogue is per region)."""

ACCELERATOR_COLUMNS = [
    "provider",
    "accelerator",
    "count",
    "region",
    "zone",
    "gpu_memory_gib",
    "hourly_price",
    "spot_hourly_price",
]
"""Columns of ``VmCatalog.accelerators`` (price of ``count`` accelerators per hour)."""

_PROVIDER_ALIASES = {
    "google": "gcp",
    "amazon": "aws",
    "ec2": "aws",
    "microsoft": "azure",
    "datacrunch": "verda",
}

# GCP machine series sold with a fixed accelerator: (name pattern with the GPU count
# as group 1, accelerator row name, accelerator row includes the host price).
_GCP_GPU_HOSTS: list[tuple[str, str, bool]] = [
    (r"^a2-highgpu-(\d+)g", "A100", False),
    (r"^a2-megagpu-(\d+)g", "A100", False),
    (r"^a2-ultragpu-(\d+)g", "A100-80GB", False),
    (r"^a3-highgpu-(\d+)g", "H100", False),
    (r"^a3-edgegpu-(\d+)g", "H100", False),
    (r"^a3-megagpu-(\d+)g", "H100-MEGA", False),
    (r"^a3-ultragpu-(\d+)g", "H200", False),
    (r"^a4-highgpu-(\d+)g", "B200", True),
]
# g2-standard-<vCPUs> -> number of L4 GPUs.
_G2_L4 = {4: 1, 8: 1, 12: 1, 16: 1, 32: 1, 24: 2, 48: 4, 96: 8}

# Providers whose GpuInfo ``SizeInMiB`` is the memory of all GPUs of the entry, not
# of one (anycloud's Vast.ai file: 2x RTX 5090 -> 65214 MiB).
_SIZE_IS_TOTAL = frozenset({"vast"})

_GPU_ENTRY = re.compile(r"\{[^{}]*['\"]MemoryInfo['\"]\s*:\s*\{[^{}]*\}[^{}]*\}")
_COUNT = re.compile(r"['\"]Count['\"]\s*:\s*([0-9.]+)")
_SIZE_MIB = re.compile(r"['\"]SizeInMiB['\"]\s*:\s*([0-9.]+)")


@dataclass(frozen=True)
class VmCatalog:
    """A compute catalogue: instances, accelerator price rows (GCP only) and the report.

    Columns: :data:`INSTANCE_COLUMNS` and :data:`ACCELERATOR_COLUMNS`.
    """

    instances: pd.DataFrame
    accelerators: pd.DataFrame
    report: IngestReport


def infer_provider(path: PathLike) -> str:
    """Provider from the file name.

    ``gcp_vms.csv`` -> gcp; ``<dir>/vms.csv`` -> the directory's first ``-``
    separated word (``runpod-pod-catalog/vms.csv`` -> runpod,
    ``catalogs/v8/aws/vms.csv`` -> aws).
    """
    p = Path(path)
    stem = p.name.lower().split(".")[0]
    if stem.endswith("_vms"):
        stem = stem[: -len("_vms")]
    elif stem == "vms":
        stem = p.parent.name.lower().split("-")[0]
    stem = _PROVIDER_ALIASES.get(stem, stem)
    if not stem or not re.fullmatch(r"[a-z0-9_]+", stem):
        raise file_error(p.name, "cannot infer the provider from the file name; pass provider=")
    return stem


def load_vms_catalog(path: PathLike, provider: str | None = None, *, strict: bool = False) -> VmCatalog:
    """Load a SkyPilot-schema ``vms.csv`` (see module doc).

    Rows with unusable values (missing name/region, non-numeric or negative numbers)
    are listed in ``report.issues`` and left out; ``strict=True`` raises instead.
    """
    source = read_csv(path)
    prov = (provider or infer_provider(path)).lower()
    cols = resolve_columns(
        source,
        ["InstanceType", "Price", "Region"],
        [
            "vCPUs",
            "MemoryGiB",
            "AcceleratorName",
            "AcceleratorCount",
            "GpuInfo",
            "SpotPrice",
            "AvailabilityZone",
        ],
    )
    frame = source.frame
    n = len(frame)
    report = source.report()
    check = RowChecker(source)

    def column(name: str) -> pd.Series:
        return frame[cols[name]] if name in cols else pd.Series([""] * n, dtype=str)

    name, name_missing = text_values(column("InstanceType"))
    accel_name, accel_missing = text_values(column("AcceleratorName"))
    is_accel = name_missing & ~accel_missing
    is_vm = ~name_missing
    check.flag(name_missing & accel_missing, "InstanceType", "empty InstanceType and AcceleratorName")
    region, region_missing = text_values(column("Region"))
    check.flag(region_missing, "Region", "missing Region")
    zone, _ = text_values(column("AvailabilityZone"))

    specs: dict[str, FloatArray] = {}
    for col_name, required in (("vCPUs", True), ("MemoryGiB", True), ("AcceleratorCount", False)):
        raw = column(col_name)
        values, missing, invalid = numeric_values(raw)
        scope = is_vm if col_name != "AcceleratorCount" else np.ones(n, dtype=bool)
        need = required and col_name in cols
        check.flag_numeric(col_name, values, missing, invalid, raw, rows=scope, required=need)
        specs[col_name] = values
    _, count_missing, _ = numeric_values(column("AcceleratorCount"))
    check.flag(is_accel & count_missing, "AcceleratorCount", "missing AcceleratorCount on an accelerator row")

    prices: dict[str, FloatArray] = {}
    zeros = 0
    for col_name in ("Price", "SpotPrice"):
        raw = column(col_name)
        values, missing, invalid = numeric_values(raw)
        check.flag_numeric(col_name, values, missing, invalid, raw, required=False)
        zero = ~missing & (values == 0)
        zeros += int(np.count_nonzero(zero & ~check.bad))
        prices[col_name] = np.where(missing | zero | ~np.isfinite(values), np.nan, values)
    if zeros:
        report.notes.append(f"{zeros} zero prices read as not offered (NaN)")

    info_count, per_gpu_mib = _parse_gpu_info(column("GpuInfo"))
    gpu_count = np.where(np.isnan(specs["AcceleratorCount"]), info_count, specs["AcceleratorCount"])
    gpu_count = np.nan_to_num(gpu_count, nan=0.0)
    if prov in _SIZE_IS_TOTAL:
        per_gpu_mib = per_gpu_mib / np.where(gpu_count > 0, gpu_count, 1.0)
    gpu_memory = per_gpu_mib * gpu_count / 1024.0

    good = ~check.bad
    check.finish(report, good)
    if strict:
        report.raise_if_errors()

    vm = good & is_vm
    names = name[vm].reset_index(drop=True)
    instances = pd.DataFrame(
        {
            "provider": prov,
            "name": names,
            "region": region[vm].to_numpy(dtype=str),
            "zone": zone[vm].to_numpy(dtype=str),
            "family": instance_family(prov, names),
            "architecture": infer_architecture(prov, names),
            "vcpus": specs["vCPUs"][vm],
            "memory_gib": specs["MemoryGiB"][vm],
            "gpu_count": gpu_count[vm],
            "gpu_model": accel_name[vm].to_numpy(dtype=str),
            "gpu_memory_gib": gpu_memory[vm],
            "hourly_price": prices["Price"][vm],
            "spot_hourly_price": prices["SpotPrice"][vm],
        }
    )
    acc = good & is_accel
    accelerators = pd.DataFrame(
        {
            "provider": prov,
            "accelerator": accel_name[acc].to_numpy(dtype=str),
            "count": specs["AcceleratorCount"][acc],
            "region": region[acc].to_numpy(dtype=str),
            "zone": zone[acc].to_numpy(dtype=str),
            "gpu_memory_gib": gpu_memory[acc],
            "hourly_price": prices["Price"][acc],
            "spot_hourly_price": prices["SpotPrice"][acc],
        },
        columns=ACCELERATOR_COLUMNS,
    )
    return VmCatalog(instances=instances[INSTANCE_COLUMNS], accelerators=accelerators, report=report)


def _parse_gpu_info(raw: pd.Series) -> tuple[FloatArray, FloatArray]:
    """GPU count and ``SizeInMiB`` (per GPU in SkyPilot's schema) from ``GpuInfo``.

    Handles python-dict, JSON and ``null`` spellings; plain names (``A100_80GB``,
    TPU names) give NaN. ``TotalGpuMemoryInMiB`` is not used (Lambda's file gives
    one GPU's memory there). Parsed once per distinct value.
    """
    text, missing = text_values(raw)
    counts: dict[str, float] = {}
    sizes: dict[str, float] = {}
    for value in pd.unique(text[~missing]):
        entries = _GPU_ENTRY.findall(str(value))
        entry_counts = [float(m.group(1)) for e in entries if (m := _COUNT.search(e))]
        entry_sizes = [float(m.group(1)) for e in entries if (m := _SIZE_MIB.search(e))]
        counts[value] = sum(entry_counts) if entry_counts else np.nan
        sizes[value] = entry_sizes[0] if entry_sizes else np.nan
    count: FloatArray = np.asarray(text.map(counts).to_numpy(na_value=np.nan), dtype=np.float64)
    size: FloatArray = np.asarray(text.map(sizes).to_numpy(na_value=np.nan), dtype=np.float64)
    return count, size


def per_region(
    table: pd.DataFrame,
    how: Literal["min", "first"] = "min",
    keys: list[str] | None = None,
) -> pd.DataFrame:
    """Collapse zones to one row per region.

    ``how="min"`` takes the lowest ``hourly_price`` and the lowest
    ``spot_hourly_price`` over the region's zones (independently; on-demand prices
    rarely differ by zone, spot prices do); ``how="first"`` keeps the first zone's
    row. ``zone`` becomes "" and ``zones`` counts the zones merged. ``keys`` defaults
    to provider+name+region (instances) or provider+accelerator+count+region.
    """
    if keys is None:
        keys = (
            ["provider", "accelerator", "count", "region"]
            if "accelerator" in table.columns
            else ["provider", "name", "region"]
        )
    grouped = table.groupby(keys, sort=False, dropna=False)
    out = grouped.first()
    if how == "min":
        for col in ("hourly_price", "spot_hourly_price"):
            if col in table.columns:
                out[col] = grouped[col].min()
    elif how != "first":
        raise ValueError(f"how must be 'min' or 'first', got {how!r}")
    out["zones"] = grouped.size()
    out = out.reset_index()
    if "zone" in out.columns:
        out["zone"] = ""
    return out[[c for c in table.columns if c in out.columns] + ["zones"]]


def attach_accelerators(catalog: VmCatalog) -> VmCatalog:
    """Price GCP accelerator-optimised hosts (a2, a3, a4, g2) with their GPUs.

    The host rows exclude the GPU price: VM price = host row + the accelerator row
    for the same accelerator and count in the same zone (same region when the
    catalogue has no zones); for a4 the accelerator row already carries the whole
    VM price. Hosts without a matching accelerator price get NaN prices (counted in
    the returned report's notes). Other rows are unchanged.
    """
    inst = catalog.instances.copy()
    accel, count, whole = _gcp_host_accelerators(inst)
    hosts = (inst["provider"] == "gcp").to_numpy(dtype=bool) & (accel != "")
    if not hosts.any():
        return catalog
    zoned = (inst["zone"] != "").to_numpy(dtype=bool)
    table = catalog.accelerators
    wanted = ["hourly_price", "spot_hourly_price", "gpu_memory_gib"]
    by_zone = table.groupby(["accelerator", "count", "zone"])[wanted].min()
    by_region = table.groupby(["accelerator", "count", "region"])[wanted].min()
    place = np.where(zoned, inst["zone"].to_numpy(dtype=str), inst["region"].to_numpy(dtype=str))
    lookup_keys = pd.MultiIndex.from_arrays([accel, count, place])
    zone_hit = by_zone.reindex(lookup_keys).to_numpy(dtype=np.float64)
    region_hit = by_region.reindex(lookup_keys).to_numpy(dtype=np.float64)
    found = np.where(zoned[:, None], zone_hit, region_hit)
    host_share = np.where(whole, 0.0, 1.0)
    od = inst["hourly_price"].to_numpy(dtype=np.float64)
    spot = inst["spot_hourly_price"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        new_od = np.where(whole, found[:, 0], np.nan_to_num(od) * host_share + found[:, 0])
        new_od = np.where(~whole & np.isnan(od), np.nan, new_od)
        new_spot = np.where(whole, found[:, 1], np.nan_to_num(spot) * host_share + found[:, 1])
        new_spot = np.where(~whole & np.isnan(spot), np.nan, new_spot)
    inst.loc[hosts, "hourly_price"] = new_od[hosts]
    inst.loc[hosts, "spot_hourly_price"] = new_spot[hosts]
    inst.loc[hosts, "gpu_count"] = count[hosts]
    inst.loc[hosts, "gpu_model"] = accel[hosts]
    inst.loc[hosts, "gpu_memory_gib"] = found[hosts, 2]
    missing = int(np.count_nonzero(hosts & np.isnan(found[:, 0])))
    priced = f"{int(np.count_nonzero(hosts))} GCP GPU host rows priced with their accelerators"
    notes = [*catalog.report.notes, priced]
    if missing:
        notes.append(f"{missing} GCP GPU host rows had no accelerator price in their zone/region: price NaN")
    report = replace(catalog.report, notes=notes, issues=list(catalog.report.issues))
    return VmCatalog(instances=inst, accelerators=catalog.accelerators, report=report)


def _gcp_host_accelerators(inst: pd.DataFrame) -> tuple[np.ndarray, FloatArray, BoolArray]:
    """Accelerator name ("" if none), count and "accelerator row is the whole VM" per row."""
    names = inst["name"].astype(str)
    accel = np.full(len(inst), "", dtype=object)
    count = np.zeros(len(inst), dtype=np.float64)
    whole = np.zeros(len(inst), dtype=bool)
    for pattern, accelerator, includes_host in _GCP_GPU_HOSTS:
        extracted = names.str.extract(pattern, expand=False)
        n_gpus = pd.to_numeric(extracted, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        hit = ~np.isnan(n_gpus)
        accel[hit] = accelerator
        count[hit] = n_gpus[hit]
        whole[hit] = includes_host
    g2_cpus = pd.to_numeric(names.str.extract(r"^g2-standard-(\d+)$", expand=False), errors="coerce")
    l4 = g2_cpus.map(_G2_L4).to_numpy(dtype=np.float64, na_value=np.nan)
    hit = ~np.isnan(l4)
    accel[hit] = "L4"
    count[hit] = l4[hit]
    return accel.astype(str), count, whole
