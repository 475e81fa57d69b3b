"""SaaS plans from Pricing2Yaml pricings (the ISA group's SaaS dataset, JSON form).

A Pricing2Yaml pricing has ``features`` (name -> ``valueType``, ``defaultValue``),
``plans`` (name -> ``price``, ``unit``, per-plan ``features`` overrides
``{name: {"value": v}}``), ``billing`` (e.g. ``{"monthly": 1.0, "annual": 0.8}``) and
``currency``. Each plan priced per seat becomes one price line of a
:class:`~recommender.domain.consolidation.VendorOffer`:

* its features are the defaults overridden by the plan; a feature is included when
  its value is true, a positive number or a non-empty text other than ``NONE``; text
  and numeric values are also listed as ``name=value`` (``canvas=FULL``), so a user
  of the full variant only fits plans that have it;
* its price is the plan's price times the billing factor (``annual`` = 0.8 × monthly
  list price in most files), per seat per month, whole seats.

Plans skipped by design, and counted in the report: a price that is not a number
("Contact Sales"), a unit that is not per seat (``/month`` flat plans, per channel,
per site, per 500 contacts) and, unless ``include_free``, free plans (their usage
limits, which are not compared, are what makes them free). Usage limits are not
compared (noted).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from recommender.domain.common import TechnologyCategory
from recommender.domain.consolidation import PriceLine, PriceTier, VendorOffer
from recommender.ingest._io import PathLike, read_text
from recommender.ingest.report import IngestReport, RowIssue, file_error

PER_SEAT_UNIT = re.compile(r"^\s*(user|member|editor|seat|person|agent|license)s?\s*/\s*month\s*$", re.I)


@dataclass(frozen=True)
class SaasPricing:
    """A vendor offer built from one Pricing2Yaml file, with its provenance."""

    offer: VendorOffer
    currency: str
    source_url: str
    report: IngestReport


def _included(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value > 0 and not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, str):
        return value.strip() != "" and value.strip().upper() not in {"NONE", "FALSE", "NO"}
    if isinstance(value, list):
        return len(value) > 0
    return False


def _feature_names(values: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    for name, value in values.items():
        if not _included(value):
            continue
        out.append(name)
        if not isinstance(value, bool) and isinstance(value, str | int | float):
            shown = f"{value:g}" if isinstance(value, float) and math.isfinite(value) else str(value)
            out.append(f"{name}={shown}")
    return sorted(out)


def load_saas_pricing(
    path: PathLike,
    *,
    capabilities: Sequence[str],
    vendor_id: str | None = None,
    billing: str = "monthly",
    category: TechnologyCategory = TechnologyCategory.SAAS,
    include_free: bool = False,
) -> SaasPricing:
    """Load one Pricing2Yaml JSON file as a vendor offer whose lines cover ``capabilities``.

    The vendor id defaults to the file name without its year (``zoom_2025.json`` -> ``zoom``).
    """
    file, text = read_text(path)
    name = file.name
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise file_error(name, f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("plans"), dict) or not data["plans"]:
        raise file_error(name, "no plans: expected an object with a non-empty 'plans' object", "plans")
    if not capabilities:
        raise file_error(name, "at least one capability is required for the vendor's lines")
    factors = data.get("billing") or {"monthly": 1.0}
    if billing not in factors:
        raise file_error(
            name, f"billing '{billing}' not offered (has {', '.join(sorted(factors))})", "billing"
        )
    factor = float(factors[billing])
    features = data.get("features") or {}
    defaults = {fname: spec.get("defaultValue") for fname, spec in features.items() if isinstance(spec, dict)}
    plans: dict[str, Any] = data["plans"]
    report = IngestReport(source=name, rows_read=len(plans), rows_used=0)
    lines: list[PriceLine] = []
    for row, (plan_name, plan) in enumerate(plans.items(), start=1):
        if not isinstance(plan, dict):
            report.issues.append(RowIssue(name, row, "plans", f"plan '{plan_name}' is not an object"))
            continue
        price = plan.get("price")
        if isinstance(price, bool) or not isinstance(price, int | float):
            report.skip("price on request (not a number)")
            continue
        if not math.isfinite(price) or price < 0:
            report.issues.append(RowIssue(name, row, "price", f"plan '{plan_name}' has price {price!r}"))
            continue
        if price == 0 and not include_free:
            report.skip("free plan (usage-limited)")
            continue
        unit = plan.get("unit") or ""
        if not PER_SEAT_UNIT.match(str(unit)):
            report.skip("not priced per seat")
            continue
        values = dict(defaults)
        for fname, override in (plan.get("features") or {}).items():
            if isinstance(override, dict) and "value" in override:
                values[fname] = override["value"]
        lines.append(
            PriceLine(
                line_id=plan_name,
                display_name=f"{data.get('saasName', name)} {plan_name}",
                capabilities=list(capabilities),
                tiers=[PriceTier(min_quantity=0.0, unit_price=round(float(price) * factor, 6))],
                whole_units=True,
                features=_feature_names(values),
                unit="seat",
            )
        )
        report.rows_used += 1
    if data.get("usageLimits"):
        report.notes.append("usage limits (e.g. message history days) are not compared; features only")
    if billing != "monthly":
        report.notes.append(f"prices are the monthly list prices × {factor:g} ({billing} billing)")
    report.raise_if_errors()
    if not lines:
        raise file_error(name, "no plan is priced per seat with a numeric price", "plans")
    saas = str(data.get("saasName") or file.stem)
    offer = VendorOffer(
        vendor_id=vendor_id or re.sub(r"_\d{4}$", "", file.stem).lower(),
        display_name=saas,
        category=category,
        lines=lines,
    )
    return SaasPricing(
        offer=offer,
        currency=str(data.get("currency") or "USD"),
        source_url=str(data.get("url") or ""),
        report=report,
    )
