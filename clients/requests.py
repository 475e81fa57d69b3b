"""Build PlanCommitments requests from files (the CLI's ``plan``) or the bundled sample (``demo``).

Usage classes of a plain hourly CSV are named ``provider:region:instance_type``;
their on-demand rates and normalisation factors come from the catalogue given
(SkyPilot/anycloud ``vms.csv`` or an ec2instances-style export) or the bundled
default catalogue. A FOCUS export carries its own list prices.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
from google.protobuf import json_format, timestamp_pb2

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import common_pb2 as pb
from recommender.domain.commitments import (
    CommitmentOffering,
    CoveredRate,
    PaymentOption,
    SpendCommitmentTerms,
    Term,
    UsageClass,
)
from recommender.domain.common import TechnologyCategory
from recommender.ingest import (
    UsageTable,
    load_ec2_vantage_export,
    load_focus,
    load_hourly_usage_csv,
    load_vms_catalog,
)
from recommender.ingest.catalogs import per_region
from recommender.planning.default_offerings import default_offerings
from recommender.server.codec.commitments import encode_offering, encode_usage_class

# Illustrative caller assumption used by the demo (not bundled catalogue data): Google Cloud's
# published Compute flexible CUD discounts for most machine series, 1 year 28 %, 3 years 46 %
# (cloud.google.com "Compute flexible committed use discounts", as of 2025).
DEMO_FLEXIBLE_CUD_DISCOUNTS = {"1yr": (Term.ONE_YEAR, 0.28), "3yr": (Term.THREE_YEARS, 0.46)}

_CATEGORY = {
    "public_cloud": TechnologyCategory.PUBLIC_CLOUD,
    "saas": TechnologyCategory.SAAS,
    "licensing": TechnologyCategory.LICENSING,
    "data_center": TechnologyCategory.DATA_CENTER,
    "ai_ml": TechnologyCategory.AI_ML,
}


class RequestBuildError(ValueError):
    """The files given cannot make a request (message says why)."""


def _catalog_frame(path: Path | None) -> pd.DataFrame:
    """Catalogue rows with provider, name, region, hourly_price, vcpus, normalization_factor, family."""
    if path is None:
        from recommender.defaults import default_compute_catalog

        return default_compute_catalog()
    header = path.read_text(errors="replace").splitlines()[0] if path.exists() else ""
    if "On Demand" in header and "API Name" in header:
        frame = load_ec2_vantage_export(path).rename(columns={"on_demand_hourly": "hourly_price"})
        frame["normalization_factor"] = float("nan")
        return frame
    catalog = load_vms_catalog(path)
    frame = per_region(catalog.instances)
    frame["normalization_factor"] = float("nan")
    return frame


def _classes_from_catalog(class_ids: tuple[str, ...], catalog: pd.DataFrame) -> list[UsageClass]:
    rows: list[dict[str, Any]] = catalog.to_dict("records")  # type: ignore[assignment]
    index = {(str(r["provider"]), str(r["region"]), str(r["name"])): r for r in rows}
    classes, missing = [], []
    for cid in class_ids:
        parts = cid.split(":")
        row = index.get((parts[0], parts[1], parts[2])) if len(parts) >= 3 else None
        price = float(row["hourly_price"]) if row is not None else math.nan
        if row is None or not price > 0:
            missing.append(cid)
            continue
        nf = float(row["normalization_factor"])
        nf = nf if math.isfinite(nf) and nf > 0 else 1.0
        if parts[0] == "gcp" and str(row["name"]).startswith("c2-"):
            nf = float(row["vcpus"])  # resource CUDs are per vCPU: size-flexible in normalised vCPUs
        classes.append(
            UsageClass(
                class_id=cid,
                provider=parts[0],
                region=parts[1],
                instance_type=parts[2],
                family=str(row["family"]),
                platform=parts[3] if len(parts) > 3 else "linux",
                on_demand_rate=price,
                normalization_factor=nf,
                category=TechnologyCategory.PUBLIC_CLOUD,
            )
        )
    if missing:
        raise RequestBuildError(
            "no on-demand price in the catalogue for usage class(es) "
            + ", ".join(missing[:10])
            + " (class ids must be provider:region:instance_type and appear in the catalogue)"
        )
    return classes


def _usage_profile(table: UsageTable) -> pb.UsageProfile:
    start = timestamp_pb2.Timestamp()
    start.FromDatetime(table.start.to_pydatetime())
    return pb.UsageProfile(
        start_time=start,
        series=[
            pb.UsageSeries(class_id=c, quantity=table.quantity[:, j].tolist())
            for j, c in enumerate(table.class_ids)
        ],
    )


def _read_offerings(path: Path) -> list[pb.CommitmentOffering]:
    data = json.loads(path.read_text())
    items = data.get("offerings", []) if isinstance(data, dict) else data
    return [json_format.ParseDict(item, pb.CommitmentOffering()) for item in items]


def flexible_cud_offerings(classes: list[UsageClass]) -> list[CommitmentOffering]:
    """The demo's illustrative GCP flexible (spend-based) CUDs over its GCP classes."""
    gcp = [c for c in classes if c.provider == "gcp"]
    if not gcp:
        return []
    return [
        CommitmentOffering(
            offering_id=f"gcp-flex-cud-{key}",
            display_name=f"GCP Compute flexible CUD {key} ({100 * discount:.0f} % off, illustrative)",
            provider="gcp",
            term=term,
            payment_option=PaymentOption.NO_UPFRONT,
            spend_commitment=SpendCommitmentTerms(
                rates=[CoveredRate(class_id=c.class_id, rate=c.on_demand_rate * (1 - discount)) for c in gcp]
            ),
        )
        for key, (term, discount) in DEMO_FLEXIBLE_CUD_DISCOUNTS.items()
    ]


def demo_request() -> cpb.PlanCommitmentsRequest:
    """The bundled sample usage priced with the default catalogue, with its c2 CUDs and
    illustrative flexible CUDs, at an 8 % cost of capital.
    """
    from recommender.defaults import default_compute_catalog, sample_usage

    table = sample_usage()
    classes = _classes_from_catalog(table.class_ids, default_compute_catalog())
    offerings = default_offerings(classes) + flexible_cud_offerings(classes)
    return cpb.PlanCommitmentsRequest(
        currency_code="USD",
        usage_classes=[encode_usage_class(c) for c in classes],
        usage=_usage_profile(table),
        offerings=[encode_offering(o) for o in offerings],
        policy=cpb.CommitmentPolicy(annual_cost_of_capital=0.08, horizon_months=12),
    )


def build_request(
    *,
    usage: Path,
    catalog: Path | None,
    offerings: Path | None,
    currency: str,
    cost_of_capital: float,
) -> cpb.PlanCommitmentsRequest:
    """A request from a usage file (hourly CSV or FOCUS), a catalogue and optional offerings."""
    is_focus = (
        usage.suffix.lower() in (".parquet", ".pq")
        or "ChargePeriodStart" in usage.read_text(errors="replace").splitlines()[0]
    )
    if is_focus:
        focus = load_focus(usage)
        table = focus.usage
        records: list[dict[str, Any]] = focus.classes.to_dict("records")  # type: ignore[assignment]
        classes = [
            UsageClass(
                class_id=str(r["class_id"]),
                provider=str(r["provider"]),
                region=str(r["region"]),
                instance_type=str(r["sku_id"]),
                on_demand_rate=float(r["on_demand_rate"]),
                category=_CATEGORY.get(str(r["category"]), TechnologyCategory.UNSPECIFIED),
            )
            for r in records
            if float(r["on_demand_rate"]) > 0
        ]
        keep = {c.class_id for c in classes}
        columns = [j for j, c in enumerate(table.class_ids) if c in keep]
        table = UsageTable(
            table.start, tuple(table.class_ids[j] for j in columns), table.quantity[:, columns], table.report
        )
    else:
        table = load_hourly_usage_csv(usage)
        classes = _classes_from_catalog(table.class_ids, _catalog_frame(catalog))
    request = cpb.PlanCommitmentsRequest(
        currency_code=currency,
        usage_classes=[encode_usage_class(c) for c in classes],
        usage=_usage_profile(table),
        policy=cpb.CommitmentPolicy(annual_cost_of_capital=cost_of_capital),
    )
    if offerings is not None:
        request.offerings.extend(_read_offerings(offerings))
    elif catalog is not None and not is_focus:
        request.offerings.extend(_vantage_ri_offerings(catalog, classes))
    return request


def _vantage_ri_offerings(catalog: Path, classes: list[UsageClass]) -> list[pb.CommitmentOffering]:
    """1-year no-upfront RIs per class from an ec2instances-style export (its Reserved column)."""
    header = catalog.read_text(errors="replace").splitlines()[0]
    if "Linux Reserved cost" not in header:
        return []
    frame = load_ec2_vantage_export(catalog).set_index("name")
    out = []
    for cls in classes:
        if cls.instance_type not in frame.index:
            continue
        rate = float(frame.at[cls.instance_type, "reserved_1yr_no_upfront_hourly"])  # type: ignore[arg-type]
        if not (0 < rate < cls.on_demand_rate):
            continue
        out.append(
            pb.CommitmentOffering(
                offering_id=f"ri-1yr-no-upfront-{cls.class_id}",
                display_name=f"{cls.instance_type} 1yr no-upfront RI",
                provider=cls.provider,
                term=pb.COMMITMENT_TERM_ONE_YEAR,
                payment_option=pb.PAYMENT_OPTION_NO_UPFRONT,
                reserved_instance=pb.ReservedInstanceTerms(
                    covered_class_ids=[cls.class_id],
                    normalized_units_per_unit=cls.normalization_factor,
                    hourly_per_unit=rate,
                ),
            )
        )
    return out
