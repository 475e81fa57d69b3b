"""Rebuild the bundled routing data from exact PyPI wheels (reproducible; needs network once).

Usage::

    python -m recommender.data.routing.build                   # download wheels, write files here
    python -m recommender.data.routing.build --wheel-dir DIR   # use wheels already in DIR

Sources (read from the wheel archives, nothing is installed):

* codecarbon 3.3.2 (MIT): ``codecarbon/data/cloud/impact.csv`` (Google Cloud region
  grid intensities), ``codecarbon/data/private_infra/global_energy_mix.json``
  (country grid intensities, 2023), ``.../2023/usa_emissions.json`` (EPA eGRID2023
  state emission rates), ``.../nordic_emissions.json`` (Nordic bidding zones);
* apache-libcloud 3.9.1 (Apache-2.0): ``libcloud/data/pricing.json`` and
  ``libcloud/compute/constants/ec2_instance_types.py`` (EC2 on-demand prices and
  specs of the default routing catalogue).

Where each cloud region is (country, US state, Nordic bidding zone) is this
module's own table :data:`REGIONS`, from the providers' public region lists.

Writes ``regions.csv``, ``countries.csv``, ``offers.csv`` and ``PROVENANCE.md``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.data.build_defaults import Wheel, _ec2_instance_types, fetch_wheel, libcloud_date

BUILT = "2026-11-27"
CODECARBON = ("codecarbon", "3.3.2", "codecarbon-3.3.2-*.whl")
LIBCLOUD = ("apache-libcloud", "3.9.1", "apache_libcloud-3.9.1-*.whl")
UPLOADED = {"codecarbon": "2026-10-23", "apache-libcloud": "2026-04-21"}
IMPACT_CSV = "codecarbon/data/cloud/impact.csv"
ENERGY_MIX = "codecarbon/data/private_infra/global_energy_mix.json"
USA_EMISSIONS = "codecarbon/data/private_infra/2023/usa_emissions.json"
NORDIC = "codecarbon/data/private_infra/nordic_emissions.json"
CODECARBON_LICENSE = "codecarbon-3.3.2.dist-info/licenses/LICENSE"
PRICING_JSON = "libcloud/data/pricing.json"
EC2_TYPES_PY = "libcloud/compute/constants/ec2_instance_types.py"
LBS_PER_MWH_TO_G_PER_KWH = 0.45359237  # 1 lb = 453.59237 g; 1 MWh = 1000 kWh
# impact.csv lists Hong Kong (asia-east2) under China; ISO 3166-1 (and data-residency rules) use HK.
COUNTRY_FIXES = {("gcp", "asia-east2"): "HK"}

# ISO 3166-1 alpha-3 -> alpha-2 for the countries carried into countries.csv.
ISO3_TO_ISO2 = {
    "ARE": "AE", "ARG": "AR", "AUS": "AU", "AUT": "AT", "BEL": "BE", "BGD": "BD", "BGR": "BG",
    "BHR": "BH", "BRA": "BR", "CAN": "CA", "CHE": "CH", "CHL": "CL", "CHN": "CN", "COL": "CO",
    "CYP": "CY", "CZE": "CZ", "DEU": "DE", "DNK": "DK", "EGY": "EG", "ESP": "ES", "EST": "EE",
    "FIN": "FI", "FRA": "FR", "GBR": "GB", "GRC": "GR", "HKG": "HK", "HRV": "HR", "HUN": "HU",
    "IDN": "ID", "IND": "IN", "IRL": "IE", "ISL": "IS", "ISR": "IL", "ITA": "IT", "JPN": "JP",
    "KAZ": "KZ", "KEN": "KE", "KOR": "KR", "KWT": "KW", "LTU": "LT", "LUX": "LU", "LVA": "LV",
    "MAR": "MA", "MEX": "MX", "MLT": "MT", "MYS": "MY", "NGA": "NG", "NLD": "NL", "NOR": "NO",
    "NZL": "NZ", "OMN": "OM", "PAK": "PK", "PER": "PE", "PHL": "PH", "POL": "PL", "PRT": "PT",
    "QAT": "QA", "ROU": "RO", "RUS": "RU", "SAU": "SA", "SGP": "SG", "SRB": "RS", "SVK": "SK",
    "SVN": "SI", "SWE": "SE", "THA": "TH", "TUR": "TR", "TWN": "TW", "UKR": "UA", "URY": "UY",
    "USA": "US", "VNM": "VN", "ZAF": "ZA",
}  # fmt: skip

# (provider, region, country alpha-2, US state or Nordic bidding zone, city). Regions whose
# carbon comes from Google's own data (codecarbon impact.csv) need only their country here.
REGIONS: list[tuple[str, str, str, str, str]] = [
    # AWS (aws.amazon.com/about-aws/global-infrastructure/regions_az)
    ("aws", "us-east-1", "US", "virginia", "N. Virginia"),
    ("aws", "us-east-2", "US", "ohio", "Ohio"),
    ("aws", "us-west-1", "US", "california", "N. California"),
    ("aws", "us-west-2", "US", "oregon", "Oregon"),
    ("aws", "af-south-1", "ZA", "", "Cape Town"),
    ("aws", "ap-east-1", "HK", "", "Hong Kong"),
    ("aws", "ap-south-1", "IN", "", "Mumbai"),
    ("aws", "ap-south-2", "IN", "", "Hyderabad"),
    ("aws", "ap-southeast-1", "SG", "", "Singapore"),
    ("aws", "ap-southeast-2", "AU", "", "Sydney"),
    ("aws", "ap-southeast-3", "ID", "", "Jakarta"),
    ("aws", "ap-southeast-4", "AU", "", "Melbourne"),
    ("aws", "ap-southeast-5", "MY", "", "Malaysia"),
    ("aws", "ap-northeast-1", "JP", "", "Tokyo"),
    ("aws", "ap-northeast-2", "KR", "", "Seoul"),
    ("aws", "ap-northeast-3", "JP", "", "Osaka"),
    ("aws", "ca-central-1", "CA", "", "Montreal"),
    ("aws", "ca-west-1", "CA", "", "Calgary"),
    ("aws", "eu-central-1", "DE", "", "Frankfurt"),
    ("aws", "eu-central-2", "CH", "", "Zurich"),
    ("aws", "eu-west-1", "IE", "", "Ireland"),
    ("aws", "eu-west-2", "GB", "", "London"),
    ("aws", "eu-west-3", "FR", "", "Paris"),
    ("aws", "eu-south-1", "IT", "", "Milan"),
    ("aws", "eu-south-2", "ES", "", "Spain"),
    ("aws", "eu-north-1", "SE", "SE3", "Stockholm"),
    ("aws", "il-central-1", "IL", "", "Tel Aviv"),
    ("aws", "me-south-1", "BH", "", "Bahrain"),
    ("aws", "me-central-1", "AE", "", "UAE"),
    ("aws", "sa-east-1", "BR", "", "Sao Paulo"),
    ("aws", "mx-central-1", "MX", "", "Mexico"),
    # Azure (learn.microsoft.com/azure/reliability/regions-list)
    ("azure", "australiacentral", "AU", "", "Canberra"),
    ("azure", "australiacentral2", "AU", "", "Canberra"),
    ("azure", "australiaeast", "AU", "", "New South Wales"),
    ("azure", "australiasoutheast", "AU", "", "Victoria"),
    ("azure", "austriaeast", "AT", "", "Vienna"),
    ("azure", "belgiumcentral", "BE", "", "Brussels"),
    ("azure", "brazilsouth", "BR", "", "Sao Paulo"),
    ("azure", "brazilsoutheast", "BR", "", "Rio de Janeiro"),
    ("azure", "canadacentral", "CA", "", "Toronto"),
    ("azure", "canadaeast", "CA", "", "Quebec City"),
    ("azure", "centralindia", "IN", "", "Pune"),
    ("azure", "centralus", "US", "iowa", "Iowa"),
    ("azure", "chilecentral", "CL", "", "Santiago"),
    ("azure", "denmarkeast", "DK", "", "Copenhagen"),
    ("azure", "eastasia", "HK", "", "Hong Kong"),
    ("azure", "eastus", "US", "virginia", "Virginia"),
    ("azure", "eastus2", "US", "virginia", "Virginia"),
    ("azure", "francecentral", "FR", "", "Paris"),
    ("azure", "francesouth", "FR", "", "Marseille"),
    ("azure", "germanynorth", "DE", "", "Berlin"),
    ("azure", "germanywestcentral", "DE", "", "Frankfurt"),
    ("azure", "indonesiacentral", "ID", "", "Jakarta"),
    ("azure", "israelcentral", "IL", "", "Israel"),
    ("azure", "italynorth", "IT", "", "Milan"),
    ("azure", "japaneast", "JP", "", "Tokyo"),
    ("azure", "japanwest", "JP", "", "Osaka"),
    ("azure", "jioindiacentral", "IN", "", "Nagpur"),
    ("azure", "jioindiawest", "IN", "", "Jamnagar"),
    ("azure", "koreacentral", "KR", "", "Seoul"),
    ("azure", "koreasouth", "KR", "", "Busan"),
    ("azure", "malaysiawest", "MY", "", "Kuala Lumpur"),
    ("azure", "mexicocentral", "MX", "", "Queretaro"),
    ("azure", "newzealandnorth", "NZ", "", "Auckland"),
    ("azure", "northcentralus", "US", "illinois", "Illinois"),
    ("azure", "northeurope", "IE", "", "Ireland"),
    ("azure", "norwayeast", "NO", "NO1", "Oslo"),
    ("azure", "norwaywest", "NO", "NO2", "Stavanger"),
    ("azure", "polandcentral", "PL", "", "Warsaw"),
    ("azure", "qatarcentral", "QA", "", "Doha"),
    ("azure", "southafricanorth", "ZA", "", "Johannesburg"),
    ("azure", "southafricawest", "ZA", "", "Cape Town"),
    ("azure", "southcentralus", "US", "texas", "Texas"),
    ("azure", "southeastasia", "SG", "", "Singapore"),
    ("azure", "southindia", "IN", "", "Chennai"),
    ("azure", "spaincentral", "ES", "", "Madrid"),
    ("azure", "swedencentral", "SE", "SE3", "Gavle"),
    ("azure", "switzerlandnorth", "CH", "", "Zurich"),
    ("azure", "switzerlandwest", "CH", "", "Geneva"),
    ("azure", "uaecentral", "AE", "", "Abu Dhabi"),
    ("azure", "uaenorth", "AE", "", "Dubai"),
    ("azure", "uksouth", "GB", "", "London"),
    ("azure", "ukwest", "GB", "", "Cardiff"),
    ("azure", "westcentralus", "US", "wyoming", "Wyoming"),
    ("azure", "westeurope", "NL", "", "Netherlands"),
    ("azure", "westindia", "IN", "", "Mumbai"),
    ("azure", "westus", "US", "california", "California"),
    ("azure", "westus2", "US", "washington", "Washington"),
    ("azure", "westus3", "US", "arizona", "Arizona"),
    # Google Cloud regions codecarbon's impact.csv lacks (cloud.google.com/compute/docs/regions-zones)
    ("gcp", "asia-southeast3", "TH", "", "Bangkok"),
    ("gcp", "europe-north2", "SE", "SE3", "Stockholm"),
    ("gcp", "me-central1", "QA", "", "Doha"),
    ("gcp", "northamerica-south1", "MX", "", "Queretaro"),
    ("gcp", "us-central2", "US", "oklahoma", "Oklahoma"),
    # Neoclouds (providers' region pages; SkyPilot catalogue region names)
    ("nebius", "eu-north1", "FI", "FI", "Finland"),
    ("nebius", "eu-west1", "FR", "", "Paris"),
    ("nebius", "us-central1", "US", "missouri", "Kansas City"),
    ("verda", "FIN-01", "FI", "FI", "Helsinki"),
    ("verda", "FIN-02", "FI", "FI", "Helsinki"),
    ("verda", "FIN-03", "FI", "FI", "Helsinki"),
    ("hyperstack", "CANADA-1", "CA", "", "Canada"),
    ("hyperstack", "NORWAY-1", "NO", "", "Norway"),
    ("hyperstack", "US-1", "US", "", "United States"),
    # Lambda Cloud (lambda.ai regions; only the regions whose country the name states plainly)
    ("lambda", "us-east-1", "US", "", "United States"),
    ("lambda", "us-east-2", "US", "", "United States"),
    ("lambda", "us-east-3", "US", "", "United States"),
    ("lambda", "us-midwest-1", "US", "", "United States"),
    ("lambda", "us-south-1", "US", "", "United States"),
    ("lambda", "us-south-2", "US", "", "United States"),
    ("lambda", "us-south-3", "US", "", "United States"),
    ("lambda", "us-west-1", "US", "", "United States"),
    ("lambda", "us-west-2", "US", "", "United States"),
    ("lambda", "us-west-3", "US", "", "United States"),
    ("lambda", "europe-central-1", "DE", "", "Germany"),
    ("lambda", "asia-northeast-1", "JP", "", "Tokyo"),
    ("lambda", "asia-northeast-2", "KR", "", "Seoul"),
    ("lambda", "asia-south-1", "IN", "", "India"),
    ("lambda", "me-west-1", "IL", "", "Israel"),
    ("lambda", "australia-east-1", "AU", "", "Australia"),
]

EC2_FAMILIES_CPU = ("m5", "c5", "r5", "m6g", "c6g", "m7i")
EC2_SIZES_CPU = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge")
# EC2 GPU family -> GPU model (aws.amazon.com/ec2/instance-types/#Accelerated_Computing)
EC2_GPU_FAMILIES = {
    "g4dn": "T4",
    "g5": "A10G",
    "g6": "L4",
    "g6e": "L40S",
    "p3": "V100",
    "p4d": "A100",
    "p4de": "A100-80GB",
    "p5": "H100",
    "p5e": "H200",
}
EC2_GPU_TYPES = (
    "g4dn.xlarge g4dn.12xlarge g5.xlarge g5.2xlarge g5.12xlarge g5.48xlarge g6.xlarge g6.12xlarge "
    "g6e.xlarge g6e.12xlarge p3.2xlarge p4d.24xlarge p4de.24xlarge p5.48xlarge p5e.48xlarge"
).split()

OFFER_COLUMNS = [
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
    "hourly_price",
    "spot_hourly_price",
    "source",
]


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def country_frame(mix: dict[str, Any]) -> pd.DataFrame:
    """Country grid intensity (gCO2e/kWh) for the mapped countries, plus the world mean."""
    rows = []
    total_twh = weighted = 0.0
    for iso3, entry in sorted(mix.items()):
        if not isinstance(entry, dict) or "carbon_intensity" not in entry:
            continue
        twh = float(entry.get("total_TWh") or 0.0)
        total_twh += twh
        weighted += twh * float(entry["carbon_intensity"])
        if iso3 in ISO3_TO_ISO2:
            rows.append(
                {
                    "country": ISO3_TO_ISO2[iso3],
                    "iso3": iso3,
                    "name": entry.get("country_name", ""),
                    "carbon_g_per_kwh": round(float(entry["carbon_intensity"]), 3),
                    "year": int(entry.get("year", 0)),
                    "source": f"codecarbon 3.3.2 {ENERGY_MIX}",
                }
            )
    rows.append(
        {
            "country": "ZZ",
            "iso3": "WLD",
            "name": "World (generation-weighted mean of every country in the file)",
            "carbon_g_per_kwh": round(weighted / total_twh, 3),
            "year": 2023,
            "source": f"codecarbon 3.3.2 {ENERGY_MIX} (derived)",
        }
    )
    return pd.DataFrame(rows)


def region_frame(
    impact: bytes, usa: dict[str, Any], nordic: dict[str, Any], countries: pd.DataFrame
) -> pd.DataFrame:
    """Every known region with its country and grid intensity, most specific source first."""
    by_country = countries.set_index("country")["carbon_g_per_kwh"].to_dict()
    states = {
        k: float(v["emissions"]) * LBS_PER_MWH_TO_G_PER_KWH for k, v in usa.items() if not k.startswith("_")
    }
    zones = {k: float(v["emission_factor"]) for k, v in nordic["data"].items()}
    rows = []
    for entry in _csv_rows(impact):
        region = entry["region"].strip()
        if region == "me-cenrtal1":  # upstream typo; me-central1 is listed in REGIONS
            continue
        iso3 = entry["countryIsoCode"].strip()
        provider = entry["provider"].strip()
        rows.append(
            {
                "provider": provider,
                "region": region,
                "country": COUNTRY_FIXES.get((provider, region), ISO3_TO_ISO2[iso3]),
                "city": entry["city"].strip(),
                "carbon_g_per_kwh": float(entry["impact"]),
                "carbon_source": f"codecarbon 3.3.2 {IMPACT_CSV} (Google Cloud region data)",
            }
        )
    for provider, region, country, zone, city in REGIONS:
        if zone in zones:
            value, source = zones[zone], f"codecarbon 3.3.2 {NORDIC} zone {zone}"
        elif zone:
            value = states[zone]
            source = f"codecarbon 3.3.2 {USA_EMISSIONS} (EPA eGRID2023) state {zone}"
        else:
            value = by_country[country]
            source = f"codecarbon 3.3.2 {ENERGY_MIX} country {country}"
        rows.append(
            {
                "provider": provider,
                "region": region,
                "country": country,
                "city": city,
                "carbon_g_per_kwh": round(value, 3),
                "carbon_source": source,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.duplicated(["provider", "region"]).any():
        raise SystemExit("duplicate region rows")
    return frame.sort_values(["provider", "region"], kind="stable").reset_index(drop=True)


def offer_frame(pricing: dict[str, Any], types_py: bytes, regions: pd.DataFrame) -> pd.DataFrame:
    """EC2 Linux on-demand offers (CPU and GPU types) in every region of the region table."""
    linux = pricing["compute"]["ec2_linux"]
    specs = _ec2_instance_types(types_py)
    date = libcloud_date(pricing)
    aws_regions = sorted(regions.loc[regions["provider"] == "aws", "region"])
    names = [f"{f}.{s}" for f in EC2_FAMILIES_CPU for s in EC2_SIZES_CPU if f"{f}.{s}" in specs]
    names += EC2_GPU_TYPES
    rows = []
    for name in names:
        extra = specs[name]["extra"]
        family = name.split(".")[0]
        gpus = int(str(extra.get("gpu", "0")) or 0) if str(extra.get("gpu", "0")).isdigit() else 0
        arm = "graviton" in str(extra.get("physicalProcessor", "")).lower()
        gpu_mem = 0.0
        if gpus:
            gpu_mem = float(str(extra.get("gpuMemory", "0")).split()[0])
        for region in aws_regions:
            price = float(linux.get(name, {}).get(region, 0.0) or 0.0)
            if price <= 0:
                continue
            rows.append(
                {
                    "provider": "aws",
                    "name": name,
                    "region": region,
                    "family": family,
                    "architecture": "arm64" if arm else "x86_64",
                    "vcpus": float(extra["vcpu"]),
                    "memory_gib": float(specs[name]["ram"]) / 1024.0,
                    "gpu_count": gpus,
                    "gpu_model": EC2_GPU_FAMILIES.get(family, "") if gpus else "",
                    "gpu_memory_gib": gpu_mem,
                    "hourly_price": price,
                    "spot_hourly_price": "",
                    "source": f"apache-libcloud 3.9.1 pricing.json ec2_linux + {EC2_TYPES_PY} ({date})",
                }
            )
    return pd.DataFrame(rows, columns=OFFER_COLUMNS)


def provenance(codecarbon: Wheel, libcloud: Wheel, digests: dict[str, str], libcloud_updated: str) -> str:
    """PROVENANCE.md for the routing data."""
    license_text = codecarbon.read(CODECARBON_LICENSE).decode("utf-8").strip()
    return f"""# Provenance of the bundled routing data

Built {BUILT} by `python -m recommender.data.routing.build` (deterministic: the same
wheels give byte-identical files). Nothing here was copied from `../shared/data`;
the numbers come from the PyPI wheels below, read from the wheel archives, and from
the region table in `build.py` (where each provider's regions are, from the
providers' public region lists).

## Sources

* **codecarbon 3.3.2** (PyPI), licence MIT. Wheel `{codecarbon.path.name}`, sha256
  `{codecarbon.sha256}`, uploaded to PyPI {UPLOADED["codecarbon"]}.
  * `{IMPACT_CSV}` (sha256 `{digests[IMPACT_CSV]}`): grid carbon intensity of 39
    Google Cloud regions (gCO2e/kWh, Google's published region data).
  * `{ENERGY_MIX}` (sha256 `{digests[ENERGY_MIX]}`): country electricity mix and
    carbon intensity (gCO2e/kWh), year 2023 (Ember / Our World in Data).
  * `{USA_EMISSIONS}` (sha256 `{digests[USA_EMISSIONS]}`): EPA eGRID2023 state
    emission rates in lbs/MWh, converted with 1 lb/MWh = 0.45359237 g/kWh.
  * `{NORDIC}` (sha256 `{digests[NORDIC]}`): Nordic bidding-zone factors (2025).
* **apache-libcloud 3.9.1** (PyPI), licence Apache-2.0. Wheel `{libcloud.path.name}`,
  sha256 `{libcloud.sha256}`, uploaded {UPLOADED["apache-libcloud"]}.
  * `{PRICING_JSON}`: EC2 Linux on-demand prices (its `updated` field: {libcloud_updated}).
  * `{EC2_TYPES_PY}`: EC2 vCPUs, memory, GPU count and GPU memory.

## Files

### `regions.csv`
`provider, region, country, city, carbon_g_per_kwh, carbon_source`. Google Cloud
regions from `impact.csv` (its `me-cenrtal1` typo row is dropped; `me-central1` is in
the table; `asia-east2`, Hong Kong, is listed there under China and is corrected to `HK`).
These intensities equal GoogleCloudPlatform/region-carbon-info's 2023 figures. Other
regions from `build.py`'s `REGIONS` table, each with the most specific intensity
available: the Nordic bidding zone (`nordic_emissions.json`), the
US state (eGRID2023), else the country (`global_energy_mix.json`). RunPod (country
code regions) and Vast.ai (`..., CC, XX` regions) need no rows: the country is in the
region name.

### `countries.csv`
`country` (ISO 3166-1 alpha-2), `iso3`, `name`, `carbon_g_per_kwh`, `year`, `source`
for the countries of `build.py`'s `ISO3_TO_ISO2` map (others in the source file are
left out), plus `ZZ`/`WLD`: the generation-weighted mean over every country of the
file, the fallback for regions of unknown country.

### `offers.csv`
Default compute offers of `RouteWorkloads` (with no `compute_offers` in the request):
EC2 `{", ".join(EC2_FAMILIES_CPU)}` x `{", ".join(EC2_SIZES_CPU)}` and GPU types
`{", ".join(EC2_GPU_TYPES)}` in every AWS region of the region table where libcloud
has a non-zero Linux on-demand price (0 = not offered / not scraped: left out). The
GPU model per family is AWS's documented accelerator (g4dn T4, g5 A10G, g6 L4, g6e
L40S, p3 V100, p4d A100 40 GB, p4de A100 80 GB, p5 H100, p5e H200);
`gpu_memory_gib` is the total over the instance's GPUs. No spot prices (libcloud has
none). The GCP c2 rows of `../catalog_compute.csv` (with preemptible prices) are
added at run time.

## Notices

### codecarbon (`{CODECARBON_LICENSE}`)

```
{license_text}
```

### apache-libcloud
Licensed under the Apache License, Version 2.0; see `../PROVENANCE.md` for its NOTICE.
"""


def build(out_dir: Path, wheel_dir: Path, download: bool) -> None:
    """Read the wheels and write every file."""
    codecarbon = fetch_wheel(CODECARBON, wheel_dir, download)
    libcloud = fetch_wheel(LIBCLOUD, wheel_dir, download)
    members = {m: codecarbon.read(m) for m in (IMPACT_CSV, ENERGY_MIX, USA_EMISSIONS, NORDIC)}
    digests = {m: hashlib.sha256(data).hexdigest() for m, data in members.items()}
    countries = country_frame(json.loads(members[ENERGY_MIX]))
    regions = region_frame(
        members[IMPACT_CSV], json.loads(members[USA_EMISSIONS]), json.loads(members[NORDIC]), countries
    )
    pricing = json.loads(libcloud.read(PRICING_JSON))
    offers = offer_frame(pricing, libcloud.read(EC2_TYPES_PY), regions)
    out_dir.mkdir(parents=True, exist_ok=True)
    options = {"index": False, "lineterminator": "\n", "float_format": "%.10g"}
    countries.to_csv(out_dir / "countries.csv", **options)  # type: ignore[call-overload]
    regions.to_csv(out_dir / "regions.csv", **options)  # type: ignore[call-overload]
    offers.to_csv(out_dir / "offers.csv", **options)  # type: ignore[call-overload]
    text = provenance(codecarbon, libcloud, digests, libcloud_date(pricing))
    (out_dir / "PROVENANCE.md").write_text(text, encoding="utf-8")


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel-dir", type=Path, help="directory holding (or receiving) the wheels")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    if args.wheel_dir:
        build(args.out, args.wheel_dir, download=True)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build(args.out, Path(tmp), download=True)


if __name__ == "__main__":
    main()
