"""Rebuild the bundled default data from exact PyPI wheels (reproducible; needs network).

Usage::

    python -m recommender.data.build_defaults            # download wheels, write files here
    python -m recommender.data.build_defaults --wheel-dir DIR   # use wheels already in DIR

Sources (read from the wheel archives, nothing is installed):

* apache-libcloud 3.9.1 (Apache-2.0): ``libcloud/data/pricing.json`` and
  ``libcloud/compute/constants/ec2_instance_types.py``;
* litellm 1.110.2 (MIT): ``litellm/model_prices_and_context_window_backup.json``.

Writes ``catalog_compute.csv``, ``commitment_rates.csv``, ``model_prices.csv``,
``sample_usage.csv`` (synthetic, seeded) and ``PROVENANCE.md``. Output is
deterministic for the same wheels.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from recommender.ingest.instance_names import infer_architecture, instance_family

BUILT = "2026-11-27"
LIBCLOUD = ("apache-libcloud", "3.9.1", "apache_libcloud-3.9.1-*.whl")
LITELLM = ("litellm", "1.110.2", "litellm-1.110.2-*.whl")
# PEP 700 ``upload-time`` of the releases on pypi.org (simple index), looked up on BUILT.
UPLOADED = {"apache-libcloud": "2026-04-21", "litellm": "2026-11-20"}
PRICING_JSON = "libcloud/data/pricing.json"
EC2_TYPES_PY = "libcloud/compute/constants/ec2_instance_types.py"
LIBCLOUD_NOTICE = "apache_libcloud-3.9.1.dist-info/licenses/NOTICE"
LITELLM_JSON = "litellm/model_prices_and_context_window_backup.json"
LITELLM_LICENSE = "litellm-1.110.2.dist-info/licenses/LICENSE"

GCP_REGIONS = ("asia-south1", "us-central1")
C2_SHAPES = {4: 16, 8: 32, 16: 64, 30: 120, 60: 240}  # c2-standard-<vCPUs> -> GiB (4 GiB/vCPU)
EC2_REGIONS = ("us-east-1", "ap-south-1")
EC2_SIZES = ("large", "xlarge", "2xlarge", "4xlarge")
EC2_TYPES = [f"{family}.{size}" for family in ("m5", "c5", "r5", "m6g") for size in EC2_SIZES]
MODELS = [
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "gpt-5",
    "gpt-5-mini",
    "o3",
    "o4-mini",
    "claude-haiku-4-5",
    "claude-sonnet-4-5",
    "claude-opus-4-5",
    "gemini/gemini-2.5-flash",
    "gemini/gemini-2.5-flash-lite",
    "gemini/gemini-2.5-pro",
    "gemini-2.5-pro",
    "vertex_ai/claude-sonnet-4-5",
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-haiku-4-5-20251001-v1:0",
    "meta.llama3-3-70b-instruct-v1:0",
    "meta.llama3-1-8b-instruct-v1:0",
    "amazon.nova-pro-v1:0",
    "amazon.nova-lite-v1:0",
    "mistral/mistral-large-latest",
    "mistral/mistral-small-latest",
    "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo",
    "together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
    "together_ai/meta-llama/Llama-4-Scout-17B-16E-Instruct",
    "fireworks_ai/accounts/fireworks/models/llama-v3p1-70b-instruct",
    "fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct",
    "fireworks_ai/accounts/fireworks/models/llama4-maverick-instruct-basic",
    "deepseek/deepseek-chat",
]

SAMPLE_START = "2026-10-01T00:00:00Z"
SAMPLE_HOURS = 28 * 24
SAMPLE_SEED = 20261001


@dataclass(frozen=True)
class SampleClass:
    """One synthetic usage class: running instances = base x daily/weekly shape + spikes + noise."""

    class_id: str
    base: float  # instances at the nightly/weekend floor
    diurnal: float  # extra fraction of base at the daily peak (15:00 local)
    weekend: float  # fraction removed on Saturday and Sunday
    utc_offset_hours: float  # fixed local offset (no DST) for the daily shape


SAMPLE_CLASSES = [
    SampleClass("gcp:asia-south1:c2-standard-8", 10.0, 0.8, 0.35, 5.5),
    SampleClass("gcp:asia-south1:c2-standard-16", 4.0, 0.5, 0.25, 5.5),
    SampleClass("gcp:us-central1:c2-standard-4", 6.0, 1.0, 0.40, -6.0),
    SampleClass("aws:us-east-1:m5.large", 20.0, 0.6, 0.30, -5.0),
    SampleClass("aws:us-east-1:m6g.large", 12.0, 0.4, 0.20, -5.0),
    SampleClass("aws:ap-south-1:c5.xlarge", 8.0, 0.7, 0.30, 5.5),
]

CATALOG_COLUMNS = [
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
    "normalization_factor",
    "source",
]


@dataclass(frozen=True)
class Wheel:
    """A downloaded wheel and the members read from it."""

    name: str
    version: str
    path: Path

    @property
    def sha256(self) -> str:
        """Digest of the wheel file."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    def read(self, member: str) -> bytes:
        """Bytes of one file inside the wheel."""
        with zipfile.ZipFile(self.path) as archive:
            return archive.read(member)


def fetch_wheel(spec: tuple[str, str, str], directory: Path, download: bool) -> Wheel:
    """Find (or ``pip download --no-deps``) the exact wheel into ``directory``."""
    name, version, pattern = spec
    found = sorted(directory.glob(pattern))
    if not found and download:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                str(directory),
                f"{name}=={version}",
            ],
            check=True,
        )
        found = sorted(directory.glob(pattern))
    if not found:
        raise SystemExit(f"no wheel matching {pattern} in {directory}")
    return Wheel(name, version, found[0])


def libcloud_date(pricing: dict[str, object]) -> str:
    """``pricing.json``'s ``updated`` Unix time as an ISO date (UTC)."""
    updated = pricing["updated"]
    assert isinstance(updated, int | float)
    return dt.datetime.fromtimestamp(updated, tz=dt.UTC).date().isoformat()


def c2_rates(pricing: dict[str, object]) -> dict[tuple[str, str, str], tuple[float, str]]:
    """(resource cpu|ram, pricing model, region) -> (USD per unit-hour, SKU) for GCP c2."""
    compute = pricing["compute"]
    assert isinstance(compute, dict)
    c2 = compute["gce_instances"]["c2"]
    out: dict[tuple[str, str, str], tuple[float, str]] = {}
    for resource in ("cpu", "ram"):
        for model, by_region in c2[resource].items():
            if not isinstance(by_region, dict):
                continue
            for region, entry in by_region.items():
                out[(resource, model, region)] = (float(entry["price"]), str(entry["sku"]))
    return out


def gcp_rows(rates: dict[tuple[str, str, str], tuple[float, str]], date: str) -> list[dict[str, object]]:
    """c2-standard machine prices = vCPUs x core rate + GiB x RAM rate (on-demand, preemptible)."""
    rows: list[dict[str, object]] = []
    for region in GCP_REGIONS:
        for vcpus, gib in C2_SHAPES.items():

            def machine(model: str, region: str = region, vcpus: int = vcpus, gib: int = gib) -> float:
                return vcpus * rates[("cpu", model, region)][0] + gib * rates[("ram", model, region)][0]

            od, pre = machine("on_demand"), machine("preemptible")
            if od <= 0:
                raise SystemExit(f"libcloud has no c2 on-demand rate for {region}")
            rows.append(
                {
                    "provider": "gcp",
                    "name": f"c2-standard-{vcpus}",
                    "region": region,
                    "vcpus": float(vcpus),
                    "memory_gib": float(gib),
                    "hourly_price": round(od, 9),
                    "spot_hourly_price": round(pre, 9) if pre > 0 else np.nan,
                    "source": f"apache-libcloud 3.9.1 pricing.json gce_instances.c2 cpu+ram ({date})",
                }
            )
    return rows


def ec2_rows(
    pricing: dict[str, object], types_py: bytes, date: str
) -> tuple[list[dict[str, object]], list[str]]:
    """EC2 Linux on-demand rows with libcloud specs; zero prices (not offered) are skipped."""
    compute = pricing["compute"]
    assert isinstance(compute, dict)
    linux = compute["ec2_linux"]
    specs = _ec2_instance_types(types_py)
    rows: list[dict[str, object]] = []
    skipped: list[str] = []
    for region in EC2_REGIONS:
        for name in EC2_TYPES:
            price = float(linux.get(name, {}).get(region, 0.0) or 0.0)
            if price <= 0:
                skipped.append(f"{name} in {region}")
                continue
            extra: dict[str, Any] = specs[name]["extra"]
            gpus = str(extra.get("gpu", "0"))
            rows.append(
                {
                    "provider": "aws",
                    "name": name,
                    "region": region,
                    "vcpus": float(extra["vcpu"]),
                    "memory_gib": float(specs[name]["ram"]) / 1024.0,
                    "gpu_count": float(gpus) if gpus.isdigit() else 0.0,
                    "hourly_price": price,
                    "normalization_factor": float(extra["normalizationSizeFactor"]),
                    "arm": "graviton" in str(extra.get("physicalProcessor", "")).lower(),
                    "source": f"apache-libcloud 3.9.1 pricing.json ec2_linux + {EC2_TYPES_PY} ({date})",
                }
            )
    return rows, skipped


def _ec2_instance_types(source: bytes) -> dict[str, dict[str, Any]]:
    """``INSTANCE_TYPES`` from libcloud's generated module, without importing it."""
    tree = ast.parse(source)
    for node in tree.body:
        targets = [getattr(t, "id", "") for t in getattr(node, "targets", [])]
        if isinstance(node, ast.Assign) and "INSTANCE_TYPES" in targets:
            value: dict[str, dict[str, Any]] = ast.literal_eval(node.value)
            return value
    raise SystemExit(f"INSTANCE_TYPES not found in {EC2_TYPES_PY}")


def catalog_frame(gcp: list[dict[str, object]], ec2: list[dict[str, object]]) -> pd.DataFrame:
    """Both providers in the instances layout plus ``normalization_factor`` and ``source``."""
    frames = []
    for provider, rows in (("gcp", gcp), ("aws", ec2)):
        frame = pd.DataFrame(rows)
        names = frame["name"].astype(str)
        frame["family"] = instance_family(provider, names)
        arch = infer_architecture(provider, names)
        if "arm" in frame:
            arch = np.where(frame.pop("arm").to_numpy(dtype=bool), "arm64", arch)
        frame["architecture"] = arch
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["zone"] = ""
    out["gpu_model"] = ""
    out["gpu_count"] = out.get("gpu_count", pd.Series(0.0, index=out.index)).fillna(0.0)
    out["gpu_memory_gib"] = np.nan
    for column in ("spot_hourly_price", "normalization_factor"):
        if column not in out:
            out[column] = np.nan
    return out[CATALOG_COLUMNS]


def commitment_frame(rates: dict[tuple[str, str, str], tuple[float, str]], date: str) -> pd.DataFrame:
    """GCP c2 resource-based CUD rates next to on-demand, per vCPU-hour and GiB-hour."""
    rows = []
    for region in GCP_REGIONS:
        for resource, label, unit in (("cpu", "vcpu", "vCPU-hour"), ("ram", "memory", "GiB-hour")):
            on_demand = rates[(resource, "on_demand", region)][0]
            for term in ("1yr", "3yr"):
                rate, sku = rates[(resource, f"{term}_commitment", region)]
                if rate <= 0:
                    raise SystemExit(f"libcloud has no c2 {term} {resource} rate for {region}")
                rows.append(
                    {
                        "provider": "gcp",
                        "family": "c2",
                        "resource": label,
                        "unit": unit,
                        "region": region,
                        "term": term,
                        "commitment_type": "resource-based CUD",
                        "hourly_rate": rate,
                        "on_demand_rate": on_demand,
                        "discount": round(1.0 - rate / on_demand, 6),
                        "sku": sku,
                        "source": f"apache-libcloud 3.9.1 pricing.json gce_instances.c2.{resource} ({date})",
                    }
                )
    return pd.DataFrame(rows)


def model_frame(prices: dict[str, dict[str, object]]) -> pd.DataFrame:
    """The chosen chat models with per-token prices (fails if one is missing upstream)."""
    rows = []
    for model in MODELS:
        entry = prices.get(model)
        if not isinstance(entry, dict):
            raise SystemExit(f"{model} not in {LITELLM_JSON}")
        for field in ("input_cost_per_token", "output_cost_per_token"):
            value = entry.get(field)
            if not isinstance(value, int | float) or value <= 0:
                raise SystemExit(f"{model}: {field} is {value!r}")
        rows.append(
            {
                "model": model,
                "provider": entry.get("litellm_provider"),
                "mode": entry.get("mode"),
                "input_cost_per_token": entry["input_cost_per_token"],
                "output_cost_per_token": entry["output_cost_per_token"],
                "max_input_tokens": entry.get("max_input_tokens"),
                "max_output_tokens": entry.get("max_output_tokens"),
                "source": "litellm 1.110.2 model_prices_and_context_window_backup.json",
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("max_input_tokens", "max_output_tokens"):
        frame[column] = frame[column].astype("Int64")
    return frame


def sample_usage_frame(catalog: pd.DataFrame) -> pd.DataFrame:
    """Synthetic hourly instance counts (see :class:`SampleClass`), long CSV layout.

    ``q = base * (1 + diurnal * (1 - cos(2 pi (local_hour - 3) / 24)) / 2) *
    (1 - weekend on Sat/Sun) * spikes + noise``, noise ~ N(0, (0.04 base)^2), three
    spikes per class of 3-8 hours at +40..+100 %, clipped at 0, rounded to 0.01.
    """
    rng = np.random.default_rng(SAMPLE_SEED)
    hours = pd.date_range(SAMPLE_START, periods=SAMPLE_HOURS, freq="h")
    known = set(catalog["provider"] + ":" + catalog["region"] + ":" + catalog["name"])
    frames = []
    for cls in SAMPLE_CLASSES:
        if cls.class_id not in known:
            raise SystemExit(f"sample class {cls.class_id} is not in the default catalogue")
        local = hours + pd.Timedelta(hours=cls.utc_offset_hours)
        hour_of_day = local.hour.to_numpy() + local.minute.to_numpy() / 60.0
        daily = 1.0 + cls.diurnal * (1.0 - np.cos(2.0 * np.pi * (hour_of_day - 3.0) / 24.0)) / 2.0
        weekly = np.where(local.day_of_week.to_numpy() >= 5, 1.0 - cls.weekend, 1.0)
        spikes = np.ones(SAMPLE_HOURS)
        for start, length, height in zip(
            rng.integers(0, SAMPLE_HOURS - 8, size=3),
            rng.integers(3, 9, size=3),
            rng.uniform(0.4, 1.0, size=3),
            strict=True,
        ):
            spikes[start : start + length] += height
        noise = rng.normal(0.0, 0.04 * cls.base, size=SAMPLE_HOURS)
        quantity = np.clip(cls.base * daily * weekly * spikes + noise, 0.0, None).round(2)
        frames.append(
            pd.DataFrame(
                {
                    "timestamp": hours.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "usage_class": cls.class_id,
                    "quantity": quantity,
                }
            )
        )
    return pd.concat(frames, ignore_index=True).sort_values(["timestamp", "usage_class"], kind="stable")


def provenance(
    libcloud: Wheel,
    litellm: Wheel,
    digests: dict[str, str],
    libcloud_updated: str,
    skipped_ec2: Iterable[str],
    notices: dict[str, str],
    built: str,
) -> str:
    """PROVENANCE.md text."""
    skipped = ", ".join(skipped_ec2) or "none"
    classes = "\n".join(
        f"| `{c.class_id}` | {c.base:g} | {c.diurnal:g} | {c.weekend:g} | {c.utc_offset_hours:+g} |"
        for c in SAMPLE_CLASSES
    )
    return f"""# Provenance of the bundled default data

Built {built} by `python -m recommender.data.build_defaults` (deterministic: the same
wheels give byte-identical files). Nothing here was copied from `../shared/data`;
every number comes from the PyPI wheels below, read from the wheel archives.

## Sources

* **apache-libcloud {libcloud.version}** (PyPI), licence Apache-2.0.
  Wheel `{libcloud.path.name}`, sha256 `{libcloud.sha256}`,
  uploaded to PyPI {UPLOADED["apache-libcloud"]}.
  * `{PRICING_JSON}` (sha256 `{digests[PRICING_JSON]}`): prices; its own date is
    its `updated` field, {libcloud_updated} (when libcloud scraped the prices).
  * `{EC2_TYPES_PY}` (sha256 `{digests[EC2_TYPES_PY]}`): EC2 specs only.
* **litellm {litellm.version}** (PyPI), licence MIT (the price file is outside litellm's
  `enterprise/` directory). Wheel `{litellm.path.name}`, sha256 `{litellm.sha256}`
  (other platforms' wheels carry the same JSON); release uploaded to PyPI {UPLOADED["litellm"]}.
  * `{LITELLM_JSON}` (sha256 `{digests[LITELLM_JSON]}`): per-token prices as of
    that release.

Both licences are compatible with this project's Apache-2.0 licence; their notices are
reproduced at the end of this file. Prices are list prices in USD.

## Files

### `catalog_compute.csv`
Columns as `VmCatalog.instances` (`provider, name, region, zone, family,
architecture, vcpus, memory_gib, gpu_count, gpu_model, gpu_memory_gib,
hourly_price, spot_hourly_price`) plus `normalization_factor` and `source`.
* GCP `c2-standard-{{4,8,16,30,60}}` in {", ".join(GCP_REGIONS)} (asia-south1 = Mumbai, India):
  libcloud publishes c2 as per-vCPU-hour (`gce_instances.c2.cpu`) and per-GiB-hour
  (`gce_instances.c2.ram`) rates, so `hourly_price = vCPUs x cpu.on_demand + GiB x
  ram.on_demand` with the c2-standard shapes (4 GiB per vCPU: 16/32/64/120/240 GiB),
  and `spot_hourly_price` the same with the `preemptible` rates. Source date {libcloud_updated}.
* AWS EC2 Linux on-demand `m5, c5, r5, m6g` x `large..4xlarge` in {", ".join(EC2_REGIONS)}
  (ap-south-1 = Mumbai) from `compute.ec2_linux.<type>.<region>`; vCPUs, memory
  (`ram` MiB / 1024), GPUs and `normalizationSizeFactor` from
  `ec2_instance_types.py`; architecture arm64 when `physicalProcessor` is Graviton.
  libcloud has a 0 price (not scraped / not offered) for: {skipped}; those rows are
  left out. No spot prices (libcloud has none). Source date {libcloud_updated}.

### `commitment_rates.csv`
GCP c2 resource-based committed-use discount rates from
`gce_instances.c2.{{cpu,ram}}.{{1yr_commitment,3yr_commitment}}` for {", ".join(GCP_REGIONS)}:
`hourly_rate` per vCPU-hour (`resource=vcpu`) or GiB-hour (`resource=memory`), next to
the `on_demand_rate` and `discount = 1 - hourly_rate / on_demand_rate`, with libcloud's
`sku`. Source date {libcloud_updated}.

### `model_prices.csv`
{len(MODELS)} widely used chat models (OpenAI, Anthropic, Gemini/Vertex AI, Bedrock,
Mistral, Together AI and Fireworks AI Llama models, DeepSeek) copied from litellm's
table: `model` (litellm key), `provider` (`litellm_provider`), `mode`,
`input_cost_per_token`, `output_cost_per_token` (USD per token), `max_input_tokens`,
`max_output_tokens`. Values unchanged. Source date: litellm {litellm.version},
uploaded {UPLOADED["litellm"]}.

### `sample_usage.csv`
**Synthetic** - not measured data. {SAMPLE_HOURS} hours (4 weeks) from {SAMPLE_START} of
hourly usage (running instances per hour, i.e. instance-hours) in the plain hourly CSV
format (`timestamp, usage_class, quantity`), class id `provider:region:name` matching
`catalog_compute.csv`. Generated by `sample_usage_frame` with
`numpy.random.default_rng({SAMPLE_SEED})`: `quantity = base x (1 + diurnal x (1 - cos(2
pi (local hour - 3) / 24)) / 2) x (1 - weekend on Sat/Sun) x spikes + noise`, three
spikes per class of 3-8 hours at +40..+100 %, noise N(0, (0.04 x base)^2), clipped at 0
and rounded to 0.01. Local time uses a fixed UTC offset (no DST).

| usage_class | base | diurnal | weekend | UTC offset (h) |
|---|---|---|---|---|
{classes}

## Notices

### apache-libcloud (`{LIBCLOUD_NOTICE}`)

```
{notices["libcloud"].strip()}
```

Licensed under the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0).

### litellm (`{LITELLM_LICENSE}`)

```
{notices["litellm"].strip()}
```
"""


def build(out_dir: Path, wheel_dir: Path, download: bool, built: str) -> None:
    """Write every default-data file into ``out_dir``."""
    libcloud = fetch_wheel(LIBCLOUD, wheel_dir, download)
    litellm = fetch_wheel(LITELLM, wheel_dir, download)
    raw = {
        PRICING_JSON: libcloud.read(PRICING_JSON),
        EC2_TYPES_PY: libcloud.read(EC2_TYPES_PY),
        LITELLM_JSON: litellm.read(LITELLM_JSON),
    }
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in raw.items()}
    pricing = json.loads(raw[PRICING_JSON])
    date = libcloud_date(pricing)
    rates = c2_rates(pricing)
    ec2, skipped = ec2_rows(pricing, raw[EC2_TYPES_PY], date)
    catalog = catalog_frame(gcp_rows(rates, date), ec2)
    files = {
        "catalog_compute.csv": catalog,
        "commitment_rates.csv": commitment_frame(rates, date),
        "model_prices.csv": model_frame(json.loads(raw[LITELLM_JSON])),
        "sample_usage.csv": sample_usage_frame(catalog),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in files.items():
        frame.to_csv(out_dir / name, index=False, lineterminator="\n", float_format="%.10g")
    notices = {
        "libcloud": libcloud.read(LIBCLOUD_NOTICE).decode("utf-8"),
        "litellm": litellm.read(LITELLM_LICENSE).decode("utf-8"),
    }
    text = provenance(libcloud, litellm, digests, date, skipped, notices, built)
    (out_dir / "PROVENANCE.md").write_text(text, encoding="utf-8")
    for name in [*files, "PROVENANCE.md"]:
        print(f"wrote {out_dir / name}")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--wheel-dir", type=Path, help="use (and do not download) wheels in this directory")
    parser.add_argument("--built", default=BUILT, help="build date written to PROVENANCE.md")
    args = parser.parse_args(argv)
    if args.wheel_dir is not None:
        build(args.out, args.wheel_dir, download=False, built=args.built)
        return
    with tempfile.TemporaryDirectory() as tmp:
        build(args.out, Path(tmp), download=True, built=args.built)


if __name__ == "__main__":
    main()
