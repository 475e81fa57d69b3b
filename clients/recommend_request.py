"""Build a RecommendRequest from files (the CLI's ``recommend``).

* ``--focus FILE``: a FOCUS 1.x export (CSV, or Parquet converted to CSV here) sent as
  ``focus_csv``; the server builds the commitment ledger, SaaS demands and offerings from it.
* ``--usage FILE``: plain hourly usage CSV instead (as ``plan`` reads it, priced with
  ``--catalog``).
* ``--right-sizing``, ``--consolidation``, ``--routing``: the levers' requests as proto3
  JSON; ``--catalog`` fills an empty right-sizing catalogue (SkyPilot/anycloud ``vms.csv``
  or an ec2instances export).
* ``--offerings``: commitment offerings (proto3 JSON list or ``{"offerings": [...]}``).
* ``--request``: a whole RecommendRequest in proto3 JSON; the other options add to it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from google.protobuf import json_format

from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import recommend_pb2 as apb

_CATEGORIES: dict[str, int] = {
    "public_cloud": pb.TECHNOLOGY_CATEGORY_PUBLIC_CLOUD,
    "saas": pb.TECHNOLOGY_CATEGORY_SAAS,
    "licensing": pb.TECHNOLOGY_CATEGORY_LICENSING,
    "data_center": pb.TECHNOLOGY_CATEGORY_DATA_CENTER,
    "ai_ml": pb.TECHNOLOGY_CATEGORY_AI_ML,
    "data_cloud_platform": pb.TECHNOLOGY_CATEGORY_DATA_CLOUD_PLATFORM,
}


def focus_bytes(path: Path) -> bytes:
    """The export as CSV bytes (Parquet files are converted)."""
    if path.suffix.lower() in (".parquet", ".pq"):
        buffer = io.StringIO()
        pd.read_parquet(path).to_csv(buffer, index=False)
        return buffer.getvalue().encode("utf-8")
    return path.read_bytes()


def taxed_categories(text: str) -> list[int]:
    """``public_cloud,ai_ml`` -> enum values (ValueError on an unknown name)."""
    out: list[int] = []
    for name in (t.strip().lower() for t in text.split(",") if t.strip()):
        if name not in _CATEGORIES:
            raise ValueError(f"unknown category '{name}' (one of {', '.join(_CATEGORIES)})")
        out.append(_CATEGORIES[name])
    return out


def build_recommend_request(
    *,
    request: Path | None = None,
    focus: Path | None = None,
    usage: Path | None = None,
    catalog: Path | None = None,
    offerings: Path | None = None,
    right_sizing: Path | None = None,
    consolidation: Path | None = None,
    routing: Path | None = None,
    currency: str | None = None,
    exchange_rate: float = 0.0,
    tax_rate: float = 0.0,
    taxed: str = "",
    residency_countries: str = "",
    residency_regions: str = "",
    max_plans: int = 0,
    horizon_months: int = 0,
) -> apb.RecommendRequest:
    """A RecommendRequest from the files and options given (see the module docstring)."""
    from clients.requests import _catalog_frame, _read_offerings, build_request
    from recommender.planning.rightsizing_inputs import catalog_from_frame
    from recommender.server.codec.rightsizing_encode import encode_instance_type

    msg = apb.RecommendRequest()
    if request is not None:
        json_format.Parse(request.read_text(), msg)
    if focus is not None:
        msg.focus_csv = focus_bytes(focus)
    if usage is not None:
        msg.commitments.CopyFrom(
            build_request(usage=usage, catalog=catalog, offerings=None, currency="USD", cost_of_capital=0.0)
        )
    if offerings is not None:
        msg.commitments.offerings.extend(_read_offerings(offerings))
    for path, field in (
        (right_sizing, msg.right_sizing),
        (consolidation, msg.consolidation),
        (routing, msg.routing),
    ):
        if path is not None:
            json_format.Parse(path.read_text(), field)
    if catalog is not None and msg.HasField("right_sizing") and not msg.right_sizing.catalog:
        specs = catalog_from_frame(_catalog_frame(catalog))
        msg.right_sizing.catalog.extend(encode_instance_type(s) for s in specs)
    if currency:
        msg.overlay.reporting_currency_code = currency.upper()
    if exchange_rate:
        msg.overlay.exchange_rate = exchange_rate
    if tax_rate:
        msg.overlay.tax_rate = tax_rate
    if taxed:
        msg.overlay.taxed_categories.extend(taxed_categories(taxed))  # type: ignore[arg-type]
    if residency_countries:
        msg.overlay.default_residency.allowed_countries.extend(
            c.strip().upper() for c in residency_countries.split(",") if c.strip()
        )
    if residency_regions:
        msg.overlay.default_residency.allowed_regions.extend(
            r.strip() for r in residency_regions.split(",") if r.strip()
        )
    if max_plans:
        msg.max_plans = max_plans
    if horizon_months:
        msg.policy.horizon_months = horizon_months
    return msg
