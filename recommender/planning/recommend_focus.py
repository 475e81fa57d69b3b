"""A FOCUS export as Recommend's inputs: the commitment ledger, SaaS demands, offerings.

:func:`recommender.ingest.focus.load_focus` turns the export into hourly usage per
FOCUS class (``provider:region:service:sku:unit``) with a technology category. This
module decides where each class goes (``docs/recommend.md``, "From a FOCUS export"):

* **Ledger** (commitments, right-sizing, routing placements): public cloud, data
  centre and data-cloud-platform usage with a positive list rate; AI/ML usage unless
  routing workloads are given (then it is their spend, and the routing baseline stands
  for it); SaaS and licensing usage unless vendor offers are given to consolidate it.
  A class whose rows name an instance type (``SkuPriceDetails`` key ``InstanceType``,
  an ``x_InstanceType`` column, or an AWS ``ChargeDescription`` such as ``$0.096 per
  On Demand Linux m5.large Instance Hour``) is re-keyed
  ``provider:region:instance_type`` (provider as ``aws``/``azure``/``gcp``/``oci``;
  classes sharing a key are merged, the rate quantity-weighted), so right-sizing moves
  and routing placements land on it.
* **Commitments the export shows** (``PricingCategory = Committed`` rows with a
  ``CommitmentDiscountId`` and an ``EffectiveCost``): unless the caller describes the held
  commitments (``commitments.existing_commitments``), each commitment id becomes a held
  spend commitment: currency per hour = the effective cost of the usage it covered per hour
  of the window, at the effective rates observed. Committed usage without a cost or id is
  kept out of the ledger at its effective cost, so no new commitment is bought for it.
* **SaaS and licensing** with vendor offers given: one demand per class (capability =
  ``ServiceSubcategory`` (FOCUS 1.1+), else ``ServiceName``; quantity per month; current
  vendor = the publisher, or the provider), served today by a one-line vendor priced at the
  export's effective unit cost.
* **Offerings** derived from the export's own committed-use rows: per provider, the
  discount ``1 - sum(EffectiveCost) / sum(ListCost)`` of its committed usage rows
  (when it lies in [2 %, 80 %]) becomes a 1-year no-upfront spend commitment over the
  provider's instance-type classes at that discount.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from recommender.domain.commitments import (
    CommitmentOffering,
    CoveredRate,
    ExistingCommitment,
    PaymentOption,
    SpendCommitmentTerms,
    Term,
    UsageClass,
)
from recommender.domain.common import HOURS_PER_MONTH, TechnologyCategory
from recommender.domain.consolidation import Demand, PriceLine, PriceTier, VendorOffer
from recommender.ingest._io import numeric_values, read_csv, text_values
from recommender.ingest.focus import FocusUsage, load_focus
from solvers.commitment_problem import FloatArray

CATEGORY_OF = {
    "public_cloud": TechnologyCategory.PUBLIC_CLOUD,
    "saas": TechnologyCategory.SAAS,
    "licensing": TechnologyCategory.LICENSING,
    "data_center": TechnologyCategory.DATA_CENTER,
    "ai_ml": TechnologyCategory.AI_ML,
}
DERIVED_DISCOUNT_RANGE = (0.02, 0.80)
_ROW_COLUMNS = (
    "ChargeCategory",
    "ChargeClass",
    "ProviderName",
    "ServiceProviderName",
    "PublisherName",
    "RegionId",
    "ServiceName",
    "ServiceSubcategory",
    "SkuId",
    "ConsumedQuantity",
    "ConsumedUnit",
    "PricingQuantity",
    "PricingUnit",
    "PricingCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountType",
    "ChargeDescription",
    "SkuPriceDetails",
    "x_InstanceType",
    "ListCost",
    "EffectiveCost",
    "ResourceId",
)
_AWS_INSTANCE = re.compile(
    r"\b([a-z][a-z0-9-]*\d[a-z0-9-]*\.[0-9]*[a-z][a-z0-9]*)\s+(?:Dedicated\s+)?Instance Hour"
)
_DETAIL_KEYS = ("instancetype", "instance_type", "vmsize", "machinetype")


def provider_key(name: str) -> str:
    """Short provider id: ``aws``, ``azure``, ``gcp``, ``oci`` or the name in kebab case."""
    n = name.strip().lower()
    if n in ("aws", "amazon") or "amazon" in n:
        return "aws"
    if "microsoft" in n or "azure" in n:
        return "azure"
    if "google" in n or n == "gcp":
        return "gcp"
    if "oracle" in n or n == "oci":
        return "oci"
    return re.sub(r"[^a-z0-9]+", "-", n).strip("-") or "unknown"


@dataclass(frozen=True)
class FocusExtract:
    """What a FOCUS export contributes to a Recommend request (amounts in its currency)."""

    currency: str
    start: datetime
    hours: int
    ledger_classes: list[UsageClass]
    ledger_usage: FloatArray
    instance_classes: frozenset[str]
    committed_monthly: dict[TechnologyCategory, float]
    saas_demands: list[Demand]
    saas_vendors: list[VendorOffer]
    saas_monthly: float
    ai_ml_monthly: float
    derived_offerings: list[CommitmentOffering]
    held_commitments: list[ExistingCommitment]
    monthly_by_category: dict[TechnologyCategory, float]
    notes: list[str] = field(default_factory=list)


def _row_frame(path: Path, focus: FocusUsage) -> pd.DataFrame:
    """Per usage row: its FOCUS class id (the rule of ``load_focus``) and the extra columns."""
    source = read_csv(path, columns=_ROW_COLUMNS)
    frame = source.frame
    by_lower = {str(c).lower(): str(c) for c in frame.columns}
    n = len(frame)

    def text(name: str) -> tuple[pd.Series, np.ndarray]:
        col = by_lower.get(name.lower())
        if col is None:
            return pd.Series([""] * n, dtype=str), np.ones(n, dtype=bool)
        return text_values(frame[col])

    def number(name: str) -> np.ndarray:
        col = by_lower.get(name.lower())
        if col is None:
            return np.full(n, np.nan)
        values, _, _ = numeric_values(frame[col])
        return values

    category, _ = text("ChargeCategory")
    charge_class, _ = text("ChargeClass")
    usage = (category.str.lower() == "usage") & (charge_class.str.lower() != "correction")
    provider, missing = text("ProviderName")
    if missing.all():
        provider, _ = text("ServiceProviderName")
    region, region_missing = text("RegionId")
    region = region.where(~region_missing, "global")
    service, _ = text("ServiceName")
    sku, _ = text("SkuId")
    consumed_unit, cu_missing = text("ConsumedUnit")
    pricing_unit, _ = text("PricingUnit")
    has_consumed = ~np.isnan(number("ConsumedQuantity"))
    unit = consumed_unit.where(has_consumed & ~cu_missing, pricing_unit)
    class_id = provider.str.lower() + ":" + region + ":" + service + ":" + sku + ":" + unit
    pricing_category, pc_missing = text("PricingCategory")
    if by_lower.get("pricingcategory") is not None:
        committed = (pricing_category.str.lower() == "committed").to_numpy(dtype=bool)
    else:
        committed = ~text("CommitmentDiscountId")[1]
    publisher, publisher_missing = text("PublisherName")
    consumed = number("ConsumedQuantity")
    quantity = np.where(np.isnan(consumed), number("PricingQuantity"), consumed)
    out = pd.DataFrame(
        {
            "class_id": class_id,
            "provider": provider,
            "publisher": publisher.where(~publisher_missing, provider),
            "subcategory": text("ServiceSubcategory")[0],
            "instance_type": _instance_hints(
                text("SkuPriceDetails")[0], text("x_InstanceType")[0], text("ChargeDescription")[0]
            ),
            "committed": committed,
            "commitment_type": text("CommitmentDiscountType")[0],
            "commitment_id": text("CommitmentDiscountId")[0],
            "quantity": np.nan_to_num(quantity),
            "list_cost": np.nan_to_num(number("ListCost")),
            "effective_cost": np.nan_to_num(number("EffectiveCost")),
        }
    )
    known = set(focus.usage.class_ids)
    out = out[usage.to_numpy(dtype=bool) & out["class_id"].isin(known).to_numpy(dtype=bool)]
    return out.reset_index(drop=True)


def _instance_hints(details: pd.Series, x_type: pd.Series, description: pd.Series) -> list[str]:
    out: list[str] = []
    for d, x, desc in zip(details.tolist(), x_type.tolist(), description.tolist(), strict=True):
        hint = x.strip()
        if not hint and d.startswith("{"):
            try:
                parsed = json.loads(d)
            except ValueError:
                parsed = {}
            if isinstance(parsed, dict):
                for key, value in parsed.items():
                    if str(key).lower() in _DETAIL_KEYS and isinstance(value, str):
                        hint = value.strip()
                        break
        if not hint and desc:
            match = _AWS_INSTANCE.search(desc)
            hint = match.group(1) if match else ""
        out.append(hint)
    return out


def _mode(values: pd.Series) -> str:
    counts = Counter(v for v in values.tolist() if v)
    return counts.most_common(1)[0][0] if counts else ""


def extract_focus(
    data: bytes,
    *,
    consolidate_saas: bool,
    route_ai: bool,
    held_commitments_given: bool,
    caller_vendors: dict[str, VendorOffer] | None = None,
) -> FocusExtract:
    """Read a FOCUS export (CSV bytes) into Recommend's inputs (module docstring)."""
    with tempfile.TemporaryDirectory(prefix="recommend-focus-") as tmp:
        path = Path(tmp) / "focus.csv"
        path.write_bytes(data)
        focus = load_focus(path)
        rows = _row_frame(path, focus)
    table = focus.usage
    hours = int(table.quantity.shape[0])
    to_month = HOURS_PER_MONTH / hours
    classes = focus.classes.reset_index(drop=True)
    notes = [focus.report.summary()] if focus.report.issues or focus.report.rows_skipped else []
    currencies = sorted({c for c in "|".join(classes["currency"].astype(str)).split("|") if c})
    currency = currencies[0] if currencies else "USD"
    if len(currencies) > 1:
        notes.append(
            f"The export bills in several currencies ({', '.join(currencies)}); all read as {currency}."
        )

    grouped = rows.groupby("class_id", sort=False)
    hint = grouped["instance_type"].agg(_mode)
    publisher = grouped["publisher"].agg(_mode)
    subcategory = grouped["subcategory"].agg(_mode)
    committed_rows = rows[rows["committed"]]
    committed_effective = committed_rows.groupby("class_id")["effective_cost"].sum()

    ledger_cols: list[int] = []
    categories: list[TechnologyCategory] = []
    monthly_by_category: dict[TechnologyCategory, float] = {}
    committed_monthly: dict[TechnologyCategory, float] = {}
    saas_cols: list[int] = []
    ai_ml = 0.0
    zero_rate = 0
    for j in range(len(classes)):
        row = classes.iloc[j]
        cat = CATEGORY_OF.get(str(row["category"]), TechnologyCategory.PUBLIC_CLOUD)
        categories.append(cat)
        spend = float(row["effective_cost"]) if float(row["effective_cost"]) > 0 else float(row["list_cost"])
        monthly_by_category[cat] = monthly_by_category.get(cat, 0.0) + spend * to_month
        if cat in (TechnologyCategory.SAAS, TechnologyCategory.LICENSING) and consolidate_saas:
            saas_cols.append(j)
            continue
        if cat is TechnologyCategory.AI_ML and route_ai:
            ai_ml += spend * to_month
            continue
        if not float(row["on_demand_rate"]) > 0:
            zero_rate += 1
            continue
        ledger_cols.append(j)
    if zero_rate:
        notes.append(
            f"{zero_rate} FOCUS class(es) with a zero list rate (free tiers, data transfer in) cost nothing "
            "and are left out."
        )
    if route_ai and ai_ml > 0:
        notes.append(
            f"AI/ML spend of {ai_ml:,.2f} {currency}/month in the export is taken to be the routing "
            "workloads' "
            "spend: it leaves the commitment ledger and the routing baseline stands for it."
        )

    usage = np.asarray(table.quantity, dtype=np.float64)
    committed = np.asarray(focus.committed, dtype=np.float64)
    ledger_usage = usage[:, ledger_cols].copy()
    billable = committed_rows[
        (committed_rows["effective_cost"] > 0) & (committed_rows["commitment_id"] != "")
    ]
    derivable = (
        set()
        if held_commitments_given
        else set(billable["class_id"])
        - set(
            committed_rows[(committed_rows["effective_cost"] <= 0) | (committed_rows["commitment_id"] == "")][
                "class_id"
            ]
        )
    )
    if not held_commitments_given:
        covered = 0.0
        for pos, j in enumerate(ledger_cols):
            cid = table.class_ids[j]
            if cid in committed_effective.index and cid not in derivable:
                ledger_usage[:, pos] = np.maximum(ledger_usage[:, pos] - committed[:, j], 0.0)
                amount = float(committed_effective[cid]) * to_month
                committed_monthly[categories[j]] = committed_monthly.get(categories[j], 0.0) + amount
                covered += float(committed[:, j].sum())
        if covered > 0:
            notes.append(
                f"{covered:,.1f} unit-hours of the export are covered by commitments whose cost the export "
                "does "
                "not show (PricingCategory=Committed without EffectiveCost or CommitmentDiscountId): kept "
                "at their "
                f"effective cost ({sum(committed_monthly.values()):,.2f} {currency}/month) and not offered "
                "to new "
                "commitments; describe the held commitments in commitments.existing_commitments to bill "
                "them instead."
            )

    ledger_classes, merged_usage, instance_classes, key_of = _rekey(
        classes, ledger_cols, categories, hint, ledger_usage
    )
    held = _held_commitments(
        billable[billable["class_id"].isin(derivable)], ledger_classes, key_of, hours, notes
    )
    demands, vendors, saas_monthly = _saas(
        classes, saas_cols, categories, publisher, subcategory, usage, to_month, caller_vendors or {}, notes
    )
    derived = _derived_offerings(rows, ledger_classes, instance_classes, notes)
    start = pd.Timestamp(table.start).to_pydatetime()
    return FocusExtract(
        currency=currency,
        start=start,
        hours=hours,
        ledger_classes=ledger_classes,
        ledger_usage=merged_usage,
        instance_classes=frozenset(instance_classes),
        committed_monthly=committed_monthly,
        saas_demands=demands,
        saas_vendors=vendors,
        saas_monthly=saas_monthly,
        ai_ml_monthly=ai_ml,
        derived_offerings=derived,
        held_commitments=held,
        monthly_by_category=monthly_by_category,
        notes=notes,
    )


def _rekey(
    classes: pd.DataFrame,
    cols: list[int],
    categories: list[TechnologyCategory],
    hint: pd.Series,
    usage: FloatArray,
) -> tuple[list[UsageClass], FloatArray, set[str], dict[str, str]]:
    """Ledger classes: ``provider:region:instance_type`` where an instance type is known
    (and the ledger key of every FOCUS class id).
    """
    keys: dict[str, list[int]] = {}
    key_of: dict[str, str] = {}
    meta: dict[str, tuple[str, str, str, TechnologyCategory]] = {}
    for pos, j in enumerate(cols):
        row = classes.iloc[j]
        fid = str(row["class_id"])
        itype = str(hint.get(fid, "") or "")
        prov = provider_key(str(row["provider"]))
        region = str(row["region"])
        key = f"{prov}:{region}:{itype}" if itype else fid
        key_of[fid] = key
        keys.setdefault(key, []).append(pos)
        meta.setdefault(key, (prov, region, itype, categories[j]))
    out_classes: list[UsageClass] = []
    out_usage = np.zeros((usage.shape[0], len(keys)))
    instance_classes: set[str] = set()
    for k, (key, members) in enumerate(keys.items()):
        prov, region, itype, cat = meta[key]
        rates = np.array([float(classes.iloc[cols[p]]["on_demand_rate"]) for p in members])
        qty = np.array([float(usage[:, p].sum()) for p in members])
        rate = float((rates * qty).sum() / qty.sum()) if qty.sum() > 0 else float(rates.mean())
        out_usage[:, k] = usage[:, members].sum(axis=1)
        if itype:
            instance_classes.add(key)
        out_classes.append(
            UsageClass(
                class_id=key,
                provider=prov,
                region=region,
                instance_type=itype,
                family=itype.split(".")[0] if "." in itype else "",
                platform="",
                on_demand_rate=rate,
                category=cat,
            )
        )
    return out_classes, out_usage, instance_classes, key_of


def _held_commitments(
    rows: pd.DataFrame, ledger: list[UsageClass], key_of: dict[str, str], hours: int, notes: list[str]
) -> list[ExistingCommitment]:
    """A held spend commitment per CommitmentDiscountId of the export: currency per hour = its
    committed usage's effective cost per hour of the window, covering its classes at the
    effective rates observed (each below the class's list rate).
    """
    rates = {c.class_id: c.on_demand_rate for c in ledger}
    out = []
    for commitment_id, part in rows.groupby("commitment_id"):
        by_key: dict[str, list[float]] = {}
        for fid, qty, cost in zip(part["class_id"], part["quantity"], part["effective_cost"], strict=True):
            acc = by_key.setdefault(key_of[str(fid)], [0.0, 0.0])
            acc[0] += float(qty)
            acc[1] += float(cost)
        covered = [
            CoveredRate(class_id=k, rate=cost / qty)
            for k, (qty, cost) in by_key.items()
            if qty > 0 and 0 < cost / qty < rates[k]
        ]
        if not covered:
            continue
        per_hour = float(part["effective_cost"].sum()) / hours
        kinds = sorted({k for k in part["commitment_type"].tolist() if k})
        out.append(
            ExistingCommitment(
                commitment_id=str(commitment_id),
                terms=CommitmentOffering(
                    offering_id=f"held:{commitment_id}",
                    display_name=(
                        f"{', '.join(kinds) or 'commitment'} {commitment_id} (from the FOCUS export)"
                    ),
                    term=Term.ONE_YEAR,
                    payment_option=PaymentOption.NO_UPFRONT,
                    spend_commitment=SpendCommitmentTerms(rates=covered),
                ),
                quantity=per_hour,
            )
        )
    if out:
        notes.append(
            f"{len(out)} commitment(s) held according to the export (CommitmentDiscountId) are billed as "
            "held spend "
            "commitments: the effective cost per hour of the usage they covered, at the rates observed, "
            "applied "
            "before any new commitment (describe them in commitments.existing_commitments to override)."
        )
    return out


def _saas(
    classes: pd.DataFrame,
    cols: list[int],
    categories: list[TechnologyCategory],
    publisher: pd.Series,
    subcategory: pd.Series,
    usage: FloatArray,
    to_month: float,
    caller_vendors: dict[str, VendorOffer],
    notes: list[str],
) -> tuple[list[Demand], list[VendorOffer], float]:
    """One demand per SaaS/licensing class, served today by its vendor at the export's unit cost."""
    demands: list[Demand] = []
    lines_by_vendor: dict[str, list[PriceLine]] = {}
    categories_by_vendor: dict[str, TechnologyCategory] = {}
    total = 0.0
    skipped = []
    for j in cols:
        row = classes.iloc[j]
        fid = str(row["class_id"])
        quantity = float(usage[:, j].sum()) * to_month
        cost = (
            float(row["effective_cost"]) if float(row["effective_cost"]) > 0 else float(row["list_cost"])
        ) * to_month
        if quantity <= 0 or cost <= 0:
            continue
        total += cost
        vendor = str(publisher.get(fid, "") or row["provider"])
        capability = str(subcategory.get(fid, "") or row["service_name"])
        unit = str(row["unit"])
        line_id = f"{row['sku_id']}"
        if vendor in caller_vendors:
            offer = caller_vendors[vendor]
            covering = [ln for ln in offer.lines if capability in ln.capabilities]
            if len(covering) != 1:
                skipped.append(f"{capability} at {vendor}")
                continue
            line_id = covering[0].line_id
        else:
            lines_by_vendor.setdefault(vendor, []).append(
                PriceLine(
                    line_id=line_id,
                    display_name=f"{capability} ({unit}) from the FOCUS export",
                    capabilities=[capability],
                    tiers=[PriceTier(min_quantity=0.0, unit_price=cost / quantity)],
                    unit=unit,
                )
            )
            categories_by_vendor.setdefault(vendor, categories[j])
        demands.append(
            Demand(
                demand_id=f"focus:{fid}",
                category=categories[j],
                capability=capability,
                quantity=quantity,
                unit=unit,
                current_vendor_id=vendor,
                current_line_id=line_id,
            )
        )
    vendors = []
    for vendor, lines in lines_by_vendor.items():
        unique: dict[str, PriceLine] = {}
        for ln in lines:
            if ln.line_id in unique:  # the same SKU in two regions: one line at the mean price
                old = unique[ln.line_id]
                price = (old.tiers[0].unit_price + ln.tiers[0].unit_price) / 2
                unique[ln.line_id] = old.model_copy(
                    update={"tiers": [PriceTier(min_quantity=0.0, unit_price=price)]}
                )
            else:
                unique[ln.line_id] = ln
        vendors.append(
            VendorOffer(
                vendor_id=vendor,
                display_name=f"{vendor} (from the FOCUS export)",
                category=categories_by_vendor[vendor],
                lines=list(unique.values()),
                under_contract=True,
            )
        )
    if skipped:
        notes.append(
            f"{len(skipped)} SaaS/licensing class(es) of the export not matched to exactly one line of the "
            "vendor "
            f"offer with the same id: {', '.join(skipped[:5])}; they stay as they are."
        )
    return demands, vendors, total


def _derived_offerings(
    rows: pd.DataFrame, ledger: list[UsageClass], instance_classes: set[str], notes: list[str]
) -> list[CommitmentOffering]:
    """Spend commitments at the discount the export's committed rows show, per provider."""
    committed = rows[rows["committed"] & (rows["list_cost"] > 0) & (rows["effective_cost"] > 0)]
    out: list[CommitmentOffering] = []
    lo, hi = DERIVED_DISCOUNT_RANGE
    for prov_name, part in committed.groupby("provider"):
        prov = provider_key(str(prov_name))
        discount = 1.0 - float(part["effective_cost"].sum()) / float(part["list_cost"].sum())
        covered = [c for c in ledger if c.class_id in instance_classes and c.provider == prov]
        kinds = sorted({k for k in part["commitment_type"].tolist() if k})
        if not covered:
            continue
        if not lo <= discount <= hi:
            notes.append(
                f"The export's committed {prov} usage shows a discount of {100 * discount:.1f} % (effective "
                "vs list "
                f"cost of {len(part)} rows), outside {100 * lo:.0f}-{100 * hi:.0f} %: no offering derived "
                "from it."
            )
            continue
        out.append(
            CommitmentOffering(
                offering_id=f"focus-derived-{prov}-1yr",
                display_name=(
                    f"{prov} 1yr no-upfront spend commitment at the export's observed "
                    f"{100 * discount:.1f} % discount ({', '.join(kinds) or 'committed usage'})"
                ),
                provider=prov,
                term=Term.ONE_YEAR,
                payment_option=PaymentOption.NO_UPFRONT,
                spend_commitment=SpendCommitmentTerms(
                    rates=[
                        CoveredRate(class_id=c.class_id, rate=c.on_demand_rate * (1.0 - discount))
                        for c in covered
                    ]
                ),
            )
        )
        notes.append(
            f"Offering derived from the export: {prov} committed usage was billed {100 * discount:.1f} % "
            "below list "
            f"({len(part)} rows); assumed available as a 1-year no-upfront spend commitment over its "
            f"{len(covered)} instance-type class(es)."
        )
    no_effective = rows[rows["committed"] & (rows["effective_cost"] <= 0)]
    if len(no_effective) and not out:
        notes.append(
            f"{len(no_effective)} committed usage row(s) of the export carry no effective cost, so no "
            "commitment "
            "discount can be derived from them."
        )
    return out
