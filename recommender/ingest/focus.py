"""FOCUS 1.x billing exports (CSV or Parquet) -> hourly usage per usage class.

Rules (each documented here once):

* Only ``ChargeCategory == Usage`` rows become usage. ``Purchase``, ``Tax``,
  ``Credit`` and ``Adjustment`` rows, and usage rows with ``ChargeClass ==
  Correction`` (they restate earlier periods), are skipped by design and counted in
  ``report.rows_skipped`` by reason. Any other category is a row issue.
* Usage class = provider + region + service + SKU + unit, id
  ``"<provider lower-case>:<RegionId or 'global'>:<ServiceName>:<SkuId>:<unit>"``.
* Quantity: ``ConsumedQuantity`` when present (with ``ConsumedUnit``, or
  ``PricingUnit`` if that is null), otherwise ``PricingQuantity`` with
  ``PricingUnit``. Missing, non-numeric, non-finite and negative quantities are
  row issues (negative usage rows are usually corrections; they are not netted).
* Each row's quantity is spread evenly over its charge period: a daily row adds
  quantity/24 to each of its 24 hours; a period that does not start or end on the
  hour contributes to partial hours in proportion to the overlap.
* List rate per row: ``ListUnitPrice`` if positive, else ``ListCost / quantity``
  if the quantity is positive, else 0 when ``ListUnitPrice`` is 0; otherwise the row
  has an issue. A class's ``on_demand_rate`` is the quantity-weighted mean of its
  row rates (plain mean if its quantity is 0); ``effective_rate`` is
  ``sum(EffectiveCost) / sum(quantity)`` (NaN when the quantity is 0).
* Committed usage: rows with ``PricingCategory == Committed`` (or, without that
  column, a non-null ``CommitmentDiscountId``).
* Text ``NULL`` (any case) and empty cells are null in CSV files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from recommender.errors import LimitExceededError
from recommender.ingest._io import (
    BoolArray,
    FloatArray,
    IntArray,
    PathLike,
    RowChecker,
    Source,
    epoch_seconds,
    numeric_values,
    read_csv,
    read_parquet,
    resolve_columns,
    text_values,
    utc_values,
)
from recommender.ingest.report import IngestReport, file_error
from recommender.ingest.usage import HOUR_SECONDS, UsageTable, dense_usage

TECHNOLOGY_CATEGORIES = ("public_cloud", "saas", "licensing", "data_center", "ai_ml")
"""FinOps Framework technology categories used for ``classes.category``."""

MAX_EXPANDED_HOURS = 50_000_000
"""Cap on the sum over rows of hours per charge period (memory guard)."""

_SKIPPED_CATEGORIES = {"purchase": "Purchase", "tax": "Tax", "credit": "Credit", "adjustment": "Adjustment"}
_REQUIRED: list[str | tuple[str, ...]] = [
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    ("ProviderName", "ServiceProviderName"),
    "ServiceName",
    "ServiceCategory",
    "SkuId",
    "PricingUnit",
    "ListCost",
    "EffectiveCost",
    "BilledCost",
]
_OPTIONAL = [
    "ConsumedQuantity",
    "PricingQuantity",
    "ConsumedUnit",
    "ListUnitPrice",
    "RegionId",
    "PricingCategory",
    "CommitmentDiscountId",
    "ChargeClass",
    "BillingCurrency",
    "PublisherName",
    "ChargeDescription",
]
_USED_COLUMNS = frozenset(
    name for spec in [*_REQUIRED, *_OPTIONAL] for name in ((spec,) if isinstance(spec, str) else spec)
)
_CLOUD_VENDORS = (
    r"\b(?:aws|amazon|microsoft|azure|google|gcp|oracle|oci|alibaba|ibm|tencent|huawei|ovh\w*|"
    r"digitalocean|linode|akamai|hetzner|scaleway|vultr|lambda|coreweave|nebius|runpod)\b"
)
_DATA_CENTER = r"on[- ]?prem|data ?cent(?:er|re)|colocation|\bcolo\b"
_LICENSING = r"licen[cs]e"
_CLASS_COLUMNS = [
    "class_id",
    "provider",
    "region",
    "service_name",
    "service_category",
    "sku_id",
    "unit",
    "pricing_unit",
    "category",
    "currency",
    "on_demand_rate",
    "effective_rate",
    "quantity",
    "committed_quantity",
    "list_cost",
    "effective_cost",
    "billed_cost",
    "rows",
]


@dataclass(frozen=True)
class FocusUsage:
    """A FOCUS export as hourly usage plus one descriptive row per usage class.

    ``classes`` rows are in ``usage.class_ids`` order, columns: class_id, provider,
    region, service_name, service_category, sku_id, unit, pricing_unit, category
    (one of :data:`TECHNOLOGY_CATEGORIES`), currency, on_demand_rate,
    effective_rate (per unit of ``unit``), quantity, committed_quantity, list_cost,
    effective_cost, billed_cost (totals over the file) and rows. ``committed`` has
    the shape of ``usage.quantity``: the part of each hour's usage priced as
    committed.
    """

    usage: UsageTable
    classes: pd.DataFrame
    committed: FloatArray
    report: IngestReport


def read_focus_source(path: PathLike) -> Source:
    """Read a FOCUS file by suffix: ``.parquet``/``.pq`` or ``.csv``/``.csv.gz``."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes[-1:] in ([".parquet"], [".pq"]):
        return read_parquet(path)
    if suffixes[-1:] == [".csv"] or suffixes[-2:] == [".csv", ".gz"]:
        return read_csv(path, columns=_USED_COLUMNS)
    raise file_error(Path(path).name, "unsupported file type: expected .csv, .csv.gz, .parquet or .pq")


def load_focus(path: PathLike, *, strict: bool = False) -> FocusUsage:
    """Load a FOCUS 1.x export and aggregate usage rows to hourly usage per class.

    See the module docstring for the rules. Non-strict by default: rows with issues
    are left out and listed in ``report.issues``; ``strict=True`` raises
    :class:`InvalidArgumentError` instead.
    """
    source = read_focus_source(path)
    cols = resolve_columns(source, _REQUIRED, _OPTIONAL)
    if "ConsumedQuantity" not in cols and "PricingQuantity" not in cols:
        raise file_error(
            source.name, "missing required column ConsumedQuantity or PricingQuantity", "PricingQuantity"
        )
    frame = source.frame
    n = len(frame)
    report = source.report()
    check = RowChecker(source)

    def text(name: str) -> tuple[pd.Series, BoolArray]:
        if name not in cols:
            return pd.Series([""] * n, dtype=str), np.ones(n, dtype=bool)
        return text_values(frame[cols[name]])

    def raw(name: str) -> pd.Series:
        return frame[cols[name]] if name in cols else pd.Series([None] * n, dtype=object)

    category, cat_missing = text("ChargeCategory")
    cat = category.str.lower().to_numpy(dtype=str)
    check.flag(cat_missing, "ChargeCategory", "missing ChargeCategory")
    known = (cat == "usage") | np.isin(cat, list(_SKIPPED_CATEGORIES))
    check.flag(~cat_missing & ~known, "ChargeCategory", "unknown ChargeCategory: {value}", category)
    for key, label in _SKIPPED_CATEGORIES.items():
        report.skip(f"ChargeCategory={label}", int(np.count_nonzero(cat == key)))
    charge_class, _ = text("ChargeClass")
    correction = (cat == "usage") & (charge_class.str.lower().to_numpy(dtype=str) == "correction")
    report.skip("ChargeClass=Correction", int(np.count_nonzero(correction)))
    usage = (cat == "usage") & ~correction

    start, start_s = _timestamps(check, raw("ChargePeriodStart"), "ChargePeriodStart", usage)
    end, end_s = _timestamps(check, raw("ChargePeriodEnd"), "ChargePeriodEnd", usage)
    check.flag(
        usage & start & end & (end_s <= start_s),
        "ChargePeriodEnd",
        "ChargePeriodEnd is not after ChargePeriodStart",
    )

    quantity, use_consumed = _quantities(check, frame, cols, usage)

    provider, provider_missing = text("ProviderName")
    check.flag(usage & provider_missing, "ProviderName", "missing ProviderName")
    service, service_missing = text("ServiceName")
    check.flag(usage & service_missing, "ServiceName", "missing ServiceName")
    sku, sku_missing = text("SkuId")
    check.flag(usage & sku_missing, "SkuId", "missing SkuId (usage cannot be assigned to a class)")
    pricing_unit, _ = text("PricingUnit")
    consumed_unit, cu_missing = text("ConsumedUnit")
    unit = consumed_unit.where(use_consumed & ~cu_missing, pricing_unit)
    check.flag(usage & (unit == "").to_numpy(dtype=bool), "PricingUnit", "missing PricingUnit/ConsumedUnit")
    region, region_missing = text("RegionId")
    region = region.where(~region_missing, "global")
    service_category, sc_missing = text("ServiceCategory")
    if (usage & sc_missing).any():
        without = int(np.count_nonzero(usage & sc_missing))
        report.notes.append(f"{without} usage rows without ServiceCategory read as 'Other'")
    service_category = service_category.where(~sc_missing, "Other")

    costs: dict[str, FloatArray] = {}
    for name in ("ListCost", "EffectiveCost", "BilledCost"):
        values, missing, invalid = numeric_values(raw(name))
        check.flag_numeric(name, values, missing, invalid, raw(name), rows=usage, allow_negative=True)
        costs[name] = np.nan_to_num(values)
    rate = _list_rates(check, raw("ListUnitPrice"), costs["ListCost"], quantity, usage)

    good = usage & ~check.bad
    check.finish(report, good)
    if strict:
        report.raise_if_errors()
    if not good.any():
        report.raise_if_errors()
        raise file_error(source.name, "no usable usage rows (ChargeCategory=Usage)")

    committed_rows = _committed(frame, cols, n)
    class_id = (provider.str.lower() + ":" + region + ":" + service + ":" + sku + ":" + unit).to_numpy(
        dtype=str
    )
    idx = np.flatnonzero(good)
    labels, codes = np.unique(class_id[idx], return_inverse=True)
    class_ids = tuple(str(c) for c in labels)
    hours, row_of, share = _spread(start_s[idx], end_s[idx], quantity[idx], source.name)
    first, span = int(hours.min()), int(hours.max() - hours.min() + 1)
    codes64 = codes.astype(np.int64)
    table = dense_usage(report, hours, codes64[row_of], class_ids, share, span=(first, span))
    committed_share = share * committed_rows[idx][row_of]
    committed = dense_usage(report, hours, codes64[row_of], class_ids, committed_share, span=(first, span))

    rows = pd.DataFrame(
        {
            "code": codes64,
            "provider": provider.to_numpy(dtype=str)[idx],
            "region": region.to_numpy(dtype=str)[idx],
            "service_name": service.to_numpy(dtype=str)[idx],
            "service_category": service_category.to_numpy(dtype=str)[idx],
            "sku_id": sku.to_numpy(dtype=str)[idx],
            "unit": unit.to_numpy(dtype=str)[idx],
            "pricing_unit": pricing_unit.to_numpy(dtype=str)[idx],
            "category": _technology_category(frame, cols, provider, service, service_category, unit)[idx],
            "currency": text("BillingCurrency")[0].to_numpy(dtype=str)[idx],
            "quantity": quantity[idx],
            "committed_quantity": quantity[idx] * committed_rows[idx],
            "rate_x_quantity": rate[idx] * quantity[idx],
            "rate": rate[idx],
            "list_cost": costs["ListCost"][idx],
            "effective_cost": costs["EffectiveCost"][idx],
            "billed_cost": costs["BilledCost"][idx],
        }
    )
    classes = _summarise_classes(rows, class_ids)
    return FocusUsage(usage=table, classes=classes, committed=committed.quantity, report=report)


def _timestamps(
    check: RowChecker, raw: pd.Series, column: str, scope: BoolArray
) -> tuple[BoolArray, IntArray]:
    stamps, missing, invalid = utc_values(raw)
    check.flag(scope & missing, column, f"missing {column}")
    check.flag(scope & invalid, column, "not an ISO 8601 timestamp: {value}", raw)
    ok = ~missing & ~invalid
    return ok, epoch_seconds(stamps, ok)


def _quantities(
    check: RowChecker, frame: pd.DataFrame, cols: dict[str, str], usage: BoolArray
) -> tuple[FloatArray, BoolArray]:
    """Usage quantity per row and whether it came from ConsumedQuantity."""
    n = len(frame)
    empty = pd.Series([None] * n, dtype=object)
    raw_c = frame[cols["ConsumedQuantity"]] if "ConsumedQuantity" in cols else empty
    raw_p = frame[cols["PricingQuantity"]] if "PricingQuantity" in cols else empty
    cq, c_missing, c_invalid = numeric_values(raw_c)
    pq, p_missing, p_invalid = numeric_values(raw_p)
    use_consumed = ~c_missing
    check.flag(
        usage & c_missing & p_missing,
        "PricingQuantity",
        "missing quantity (ConsumedQuantity and PricingQuantity are both null)",
    )
    check.flag_numeric(
        "ConsumedQuantity", cq, c_missing, c_invalid, raw_c, rows=usage & use_consumed, required=False
    )
    check.flag_numeric(
        "PricingQuantity", pq, p_missing, p_invalid, raw_p, rows=usage & ~use_consumed, required=False
    )
    quantity = np.where(use_consumed, cq, pq)
    return np.nan_to_num(quantity, nan=0.0, posinf=0.0, neginf=0.0), use_consumed


def _list_rates(
    check: RowChecker, raw: pd.Series, list_cost: FloatArray, quantity: FloatArray, usage: BoolArray
) -> FloatArray:
    """Per-row list rate (see module doc); rows without one get an issue."""
    unit_price, missing, invalid = numeric_values(raw)
    priced = check.flag_numeric(
        "ListUnitPrice", unit_price, missing, invalid, raw, rows=usage, required=False
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        from_cost = np.where(quantity > 0, list_cost / np.where(quantity > 0, quantity, 1.0), np.nan)
    rate = np.where(priced & (unit_price > 0), unit_price, from_cost)
    rate = np.where(np.isnan(rate) & priced & (unit_price == 0), 0.0, rate)
    check.flag(
        usage & np.isnan(rate),
        "ListUnitPrice",
        "no list rate: ListUnitPrice is null and the quantity is zero",
        only_good=True,
    )
    return np.nan_to_num(rate)


def _committed(frame: pd.DataFrame, cols: dict[str, str], n: int) -> FloatArray:
    """1.0 for rows priced as committed, else 0.0."""
    if "PricingCategory" in cols:
        category, _ = text_values(frame[cols["PricingCategory"]])
        mask = category.str.lower().to_numpy(dtype=str) == "committed"
    elif "CommitmentDiscountId" in cols:
        _, missing = text_values(frame[cols["CommitmentDiscountId"]])
        mask = ~missing
    else:
        mask = np.zeros(n, dtype=bool)
    return np.asarray(mask, dtype=np.float64)


def _spread(
    start: IntArray, end: IntArray, quantity: FloatArray, name: str
) -> tuple[IntArray, IntArray, FloatArray]:
    """Split each row over the hours it overlaps: (hour since epoch, row, share)."""
    first = start // HOUR_SECONDS
    last = -(-end // HOUR_SECONDS)  # ceiling
    counts = last - first
    total = int(counts.sum())
    if total > MAX_EXPANDED_HOURS:
        raise LimitExceededError(
            f"{name}: charge periods cover {total} row-hours (limit {MAX_EXPANDED_HOURS})",
            limit="focus_row_hours",
        )
    row = np.repeat(np.arange(len(start), dtype=np.int64), counts)
    offset = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    hour = first[row] + offset
    bucket = hour * HOUR_SECONDS
    overlap = np.minimum(end[row], bucket + HOUR_SECONDS) - np.maximum(start[row], bucket)
    share = quantity[row] * overlap / (end - start)[row]
    return hour, row, share.astype(np.float64)


def _technology_category(
    frame: pd.DataFrame,
    cols: dict[str, str],
    provider: pd.Series,
    service: pd.Series,
    service_category: pd.Series,
    unit: pd.Series,
) -> np.ndarray:
    """Map rows to FinOps technology categories (first matching rule wins).

    ai_ml: ServiceCategory "AI and Machine Learning". data_center: provider or
    service mentions on-premises/data centre/colocation. licensing: service, unit or
    charge description mentions a licence. saas: ServiceCategory "Business
    Applications", a provider that is not a cloud vendor, or a marketplace publisher
    that is neither a cloud vendor nor the provider. public_cloud: everything else.
    """
    n = len(frame)
    description = (
        text_values(frame[cols["ChargeDescription"]])[0]
        if "ChargeDescription" in cols
        else pd.Series([""] * n, dtype=str)
    )
    publisher, publisher_missing = (
        text_values(frame[cols["PublisherName"]])
        if "PublisherName" in cols
        else (pd.Series([""] * n, dtype=str), np.ones(n, dtype=bool))
    )
    prov = provider.str.lower()
    category = service_category.str.lower()
    cloud_provider = prov.str.contains(_CLOUD_VENDORS, regex=True).to_numpy(dtype=bool)
    cloud_publisher = publisher.str.lower().str.contains(_CLOUD_VENDORS, regex=True).to_numpy(dtype=bool)
    marketplace = ~publisher_missing & ~cloud_publisher & (publisher.str.lower() != prov).to_numpy(dtype=bool)
    data_center = (prov + " " + service.str.lower()).str.contains(_DATA_CENTER, regex=True)
    licensing = (service + " " + unit + " " + description).str.lower().str.contains(_LICENSING, regex=True)
    return np.select(
        [
            (category == "ai and machine learning").to_numpy(dtype=bool),
            data_center.to_numpy(dtype=bool),
            licensing.to_numpy(dtype=bool),
            (category == "business applications").to_numpy(dtype=bool) | ~cloud_provider | marketplace,
        ],
        ["ai_ml", "data_center", "licensing", "saas"],
        default="public_cloud",
    )


def _summarise_classes(rows: pd.DataFrame, class_ids: tuple[str, ...]) -> pd.DataFrame:
    """One row per class code, in ``class_ids`` order."""
    grouped = rows.groupby("code", sort=True)
    first = grouped[["provider", "region", "service_name", "service_category", "sku_id", "unit"]].first()
    sums = grouped[
        ["quantity", "committed_quantity", "rate_x_quantity", "list_cost", "effective_cost", "billed_cost"]
    ].sum()
    out = first.join(sums)
    out["pricing_unit"] = _distinct_joined(rows, "pricing_unit", out.index)
    out["currency"] = _distinct_joined(rows, "currency", out.index)
    counts = rows.groupby(["code", "category"]).size().rename("n").reset_index()
    commonest = counts.sort_values(["code", "n", "category"], ascending=[True, False, True])
    out["category"] = commonest.drop_duplicates("code").set_index("code")["category"]
    mean_rate = grouped["rate"].mean()
    positive = out["quantity"] > 0
    out["on_demand_rate"] = (out["rate_x_quantity"] / out["quantity"].where(positive)).fillna(mean_rate)
    out["effective_rate"] = out["effective_cost"] / out["quantity"].where(positive)
    out["rows"] = grouped.size()
    out["class_id"] = [class_ids[int(code)] for code in out.index]
    return out.reset_index(drop=True)[_CLASS_COLUMNS]


def _distinct_joined(rows: pd.DataFrame, column: str, codes: pd.Index) -> pd.Series:
    """Per class code, its distinct non-empty values joined with ``|`` (usually just one)."""
    distinct = rows[["code", column]].drop_duplicates().sort_values(["code", column])
    distinct = distinct[distinct[column] != ""]
    several = distinct["code"].duplicated(keep=False).to_numpy(dtype=bool)
    single = distinct[~several].set_index("code")[column]
    if several.any():
        joined = distinct[several].groupby("code")[column].agg("|".join)
        single = pd.concat([single, joined])
    return single.reindex(codes, fill_value="")
