"""instances.vantage.sh (ec2instances.info) exports: on-demand next to commitment rates.

Prices are strings such as ``$0.0960 hourly``; ``unavailable`` (or empty) means the
price is not offered and reads as NaN without an issue; anything else that is not a
price is a row issue. The AWS export is for us-east-1 and its reserved rate is the
site default, 1-year standard no-upfront; the Azure export is East US with 1-year
savings-plan and reservation terms (see the data README).

Both loaders return a DataFrame whose ``attrs["report"]`` is the
:class:`~recommender.ingest.report.IngestReport`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.ingest._io import (
    BoolArray,
    FloatArray,
    PathLike,
    RowChecker,
    read_csv,
    resolve_columns,
    text_values,
)
from recommender.ingest.instance_names import infer_architecture, instance_family

EC2_COLUMNS = [
    "provider",
    "name",
    "region",
    "family",
    "architecture",
    "vcpus",
    "memory_gib",
    "gpu_count",
    "gpu_model",
    "gpu_memory_gib",
    "on_demand_hourly",
    "reserved_1yr_no_upfront_hourly",
    "spot_min_hourly",
    "spot_max_hourly",
]
"""Columns of :func:`load_ec2_vantage_export` (Linux prices, USD per hour)."""

AZURE_COLUMNS = [
    "provider",
    "name",
    "region",
    "family",
    "architecture",
    "vcpus",
    "memory_gib",
    "gpu_count",
    "gpu_model",
    "gpu_memory_gib",
    "on_demand_hourly",
    "savings_plan_1yr_hourly",
    "reserved_1yr_hourly",
    "spot_hourly",
]
"""Columns of :func:`load_azure_vantage_export` (Linux prices, USD per hour)."""

_PRICE = r"^\$\s*([0-9]*\.?[0-9]+)\s*(?:hourly)?$"
_UNAVAILABLE = {"", "unavailable", "n/a", "na"}
_LEADING_NUMBER = r"^\s*([0-9]*\.?[0-9]+)"
_AZURE_GPUS = (
    r"^\s*(?P<num>\d+)(?:/(?P<den>\d+))?(?:th)?\s*[xX]?\s*(?P<model>[A-Za-z][\w-]*)?"
    r"\s*(?:\((?:(?P<vram>\d+)\s*GB VRAM|[^)]*)\))?\s*$"
)


def _prices(check: RowChecker, raw: pd.Series, column: str) -> FloatArray:
    """Parse ``$x hourly`` strings; unavailable/empty -> NaN; malformed -> issue."""
    text, _ = text_values(raw)
    lower = text.str.lower()
    unavailable = lower.isin(_UNAVAILABLE).to_numpy(dtype=bool)
    number = pd.to_numeric(text.str.extract(_PRICE, expand=False), errors="coerce")
    values = number.to_numpy(dtype=np.float64, na_value=np.nan)
    check.flag(~unavailable & np.isnan(values), column, "not a price: {value}", raw)
    return np.where(unavailable, np.nan, values)


def _leading_number(
    check: RowChecker, raw: pd.Series, column: str, unit: str, *, required: bool = True
) -> FloatArray:
    """The number a spec string starts with (``2 vCPUs ...``, ``8.0 GiB``)."""
    text, missing = text_values(raw)
    values = pd.to_numeric(text.str.extract(_LEADING_NUMBER, expand=False), errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    bad = np.isnan(values) & (~missing if not required else np.ones(len(values), dtype=bool))
    check.flag(bad, column, f"expected a number of {unit}: {{value}}", raw)
    return values


def load_ec2_vantage_export(
    path: PathLike, *, region: str = "us-east-1", strict: bool = False
) -> pd.DataFrame:
    """Load the AWS EC2 export (:data:`EC2_COLUMNS`, one row per instance type).

    Rows with malformed specs or prices are left out and listed in
    ``attrs["report"].issues``; ``strict=True`` raises instead.
    """
    source = read_csv(path)
    cols = resolve_columns(
        source,
        ["API Name", "vCPUs", "Instance Memory", "On Demand", "Linux Reserved cost"],
        [
            "GPUs",
            "GPU model",
            "GPU memory",
            "Physical Processor",
            "Linux Spot Minimum cost",
            "Linux Spot Maximum cost",
        ],
    )
    frame = source.frame
    n = len(frame)
    report = source.report()
    check = RowChecker(source)

    def column(name: str) -> pd.Series:
        return frame[cols[name]] if name in cols else pd.Series([""] * n, dtype=str)

    name, name_missing = text_values(column("API Name"))
    check.flag(name_missing, "API Name", "missing API Name")
    vcpus = _leading_number(check, column("vCPUs"), "vCPUs", "vCPUs")
    memory = _leading_number(check, column("Instance Memory"), "Instance Memory", "GiB")
    gpus = np.nan_to_num(_leading_number(check, column("GPUs"), "GPUs", "GPUs", required=False))
    gpu_mem = np.nan_to_num(_leading_number(check, column("GPU memory"), "GPU memory", "GiB", required=False))
    gpu_model, model_missing = text_values(column("GPU model"))
    gpu_model = gpu_model.where(~(model_missing | (gpu_model == "None")), "")
    sources = {
        "on_demand_hourly": "On Demand",
        "reserved_1yr_no_upfront_hourly": "Linux Reserved cost",
        "spot_min_hourly": "Linux Spot Minimum cost",
        "spot_max_hourly": "Linux Spot Maximum cost",
    }
    prices = {key: _prices(check, column(name), name) for key, name in sources.items()}
    processor, _ = text_values(column("Physical Processor"))
    arm_cpu = processor.str.lower().str.contains(r"graviton|apple", regex=True).to_numpy(dtype=bool)

    good = ~check.bad
    check.finish(report, good)
    if strict:
        report.raise_if_errors()
    names = name[good].reset_index(drop=True)
    arch = np.where(arm_cpu[good], "arm64", infer_architecture("aws", names))
    out = pd.DataFrame(
        {
            "provider": "aws",
            "name": names,
            "region": region,
            "family": instance_family("aws", names),
            "architecture": arch,
            "vcpus": vcpus[good],
            "memory_gib": memory[good],
            "gpu_count": gpus[good],
            "gpu_model": gpu_model[good].to_numpy(dtype=str),
            "gpu_memory_gib": gpu_mem[good],
            **{k: v[good] for k, v in prices.items()},
        }
    )[EC2_COLUMNS]
    out.attrs["report"] = report
    return out


def load_azure_vantage_export(
    path: PathLike, *, region: str = "eastus", strict: bool = False
) -> pd.DataFrame:
    """Load the Azure VM export (:data:`AZURE_COLUMNS`, one row per VM size).

    ``name`` is in ARM form (``B2pts v2`` -> ``Standard_B2pts_v2``).
    ``GPUs`` strings such as ``1/2X A10`` or ``8X V100 (NVlink)`` give a fractional
    count and a model; ``(8GB VRAM)`` gives ``gpu_memory_gib``, otherwise NaN.
    """
    source = read_csv(path)
    cols = resolve_columns(
        source,
        ["API Name", "vCPUs", "Instance Memory", "Linux On Demand cost"],
        ["GPUs", "Linux Savings Plan", "Linux Reserved cost", "Linux Spot cost"],
    )
    frame = source.frame
    n = len(frame)
    report = source.report()
    check = RowChecker(source)

    def column(name: str) -> pd.Series:
        return frame[cols[name]] if name in cols else pd.Series([""] * n, dtype=str)

    api_name, name_missing = text_values(column("API Name"))
    check.flag(name_missing, "API Name", "missing API Name")
    vcpus = _leading_number(check, column("vCPUs"), "vCPUs", "vCPUs")
    memory = _leading_number(check, column("Instance Memory"), "Instance Memory", "GiB")
    gpu_count, gpu_model, gpu_mem, bad_gpu = _azure_gpus(column("GPUs"))
    check.flag(bad_gpu, "GPUs", "unrecognised GPUs value: {value}", column("GPUs"))
    prices = {
        "on_demand_hourly": _prices(check, column("Linux On Demand cost"), "Linux On Demand cost"),
        "savings_plan_1yr_hourly": _prices(check, column("Linux Savings Plan"), "Linux Savings Plan"),
        "reserved_1yr_hourly": _prices(check, column("Linux Reserved cost"), "Linux Reserved cost"),
        "spot_hourly": _prices(check, column("Linux Spot cost"), "Linux Spot cost"),
    }

    good = ~check.bad
    check.finish(report, good)
    if strict:
        report.raise_if_errors()
    names = ("Standard_" + api_name[good].str.replace(r"\s+", "_", regex=True)).reset_index(drop=True)
    out = pd.DataFrame(
        {
            "provider": "azure",
            "name": names,
            "region": region,
            "family": instance_family("azure", names),
            "architecture": infer_architecture("azure", names),
            "vcpus": vcpus[good],
            "memory_gib": memory[good],
            "gpu_count": gpu_count[good],
            "gpu_model": gpu_model[good],
            "gpu_memory_gib": gpu_mem[good],
            **{k: v[good] for k, v in prices.items()},
        }
    )[AZURE_COLUMNS]
    out.attrs["report"] = report
    return out


def _azure_gpus(raw: pd.Series) -> tuple[FloatArray, np.ndarray, FloatArray, BoolArray]:
    """Count (fractions allowed), model, VRAM GiB and the unparsable mask."""
    text, missing = text_values(raw)
    parts = text.str.extract(_AZURE_GPUS)
    num = pd.to_numeric(parts["num"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    den = pd.to_numeric(parts["den"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    count = np.where(np.isnan(den), num, num / np.where(np.isnan(den) | (den == 0), 1.0, den))
    vram = pd.to_numeric(parts["vram"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    model = parts["model"].fillna("").to_numpy(dtype=str)
    bad = ~missing & np.isnan(count)
    return np.nan_to_num(count), model, vram, bad
