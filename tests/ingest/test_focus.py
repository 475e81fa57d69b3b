from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.errors import InvalidArgumentError
from recommender.ingest.focus import TECHNOLOGY_CATEGORIES, load_focus

Write = Callable[[str, str | bytes], Path]

SAMPLE = "focus-sample-data/focus_1.0_sample.csv"


def _independent_usage(path: Path) -> pd.DataFrame:
    """Usage rows and their quantity, computed directly with pandas (not the loader)."""
    raw = pd.read_csv(path, na_values=["NULL"], keep_default_na=False)
    usage = raw[raw["ChargeCategory"] == "Usage"].copy()
    usage["q"] = usage["ConsumedQuantity"].fillna(usage["PricingQuantity"])
    usage["line"] = usage.index + 2
    return usage


@pytest.fixture(scope="module")
def sample(public_data: Path) -> Path:
    return public_data / SAMPLE


def test_sample_every_row_accounted_for(sample: Path) -> None:
    focus = load_focus(sample)
    report = focus.report
    assert report.rows_read == 1000
    assert report.rows_read == report.rows_used + report.rows_with_issues + report.skipped
    assert report.rows_skipped == {"ChargeCategory=Adjustment": 2, "ChargeCategory=Credit": 1}
    usage = _independent_usage(sample)
    negative = usage[usage["q"] < 0]
    assert sorted({i.row for i in report.issues}) == sorted(negative["line"])
    assert all(i.reason.startswith("negative value") for i in report.issues)
    assert report.rows_used == len(usage) - len(negative)


def test_sample_hourly_totals_equal_usage_quantities(sample: Path) -> None:
    focus = load_focus(sample)
    usage = _independent_usage(sample)
    used = usage[usage["q"] >= 0]
    assert focus.usage.quantity.sum() == pytest.approx(used["q"].sum(), rel=1e-12)
    assert (focus.usage.quantity >= 0).all()
    # the sample covers September 2024 (hourly and daily charge periods)
    assert focus.usage.start == pd.Timestamp("2024-09-01T00:00Z")
    assert focus.usage.hours == 30 * 24
    # per-class totals, independently
    unit = used["ConsumedUnit"].where(used["ConsumedUnit"].notna(), used["PricingUnit"])
    keys = (
        used["ProviderName"].str.lower()
        + ":"
        + used["RegionId"].fillna("global")
        + ":"
        + used["ServiceName"]
        + ":"
        + used["SkuId"]
        + ":"
        + unit
    )
    expected = used.groupby(keys)["q"].sum()
    got = pd.Series(focus.usage.quantity.sum(axis=0), index=list(focus.usage.class_ids))
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False, rtol=1e-12)


def test_sample_daily_row_is_spread_over_24_hours(sample: Path) -> None:
    focus = load_focus(sample)
    usage = _independent_usage(sample)
    start = pd.to_datetime(usage["ChargePeriodStart"], utc=True)
    end = pd.to_datetime(usage["ChargePeriodEnd"], utc=True)
    daily = usage[((end - start) == pd.Timedelta(days=1)) & (usage["q"] > 0)]
    row = daily.iloc[0]
    classes = focus.classes
    cls = classes[(classes["sku_id"] == row["SkuId"]) & (classes["unit"] == row["ConsumedUnit"])]
    assert len(cls) == 1
    column = focus.usage.column(cls.iloc[0]["class_id"])
    offset = pd.Timestamp(row["ChargePeriodStart"], tz="UTC") - focus.usage.start
    first = int(offset / pd.Timedelta(hours=1))
    day = column[first : first + 24]
    assert (day > 0).all()  # every hour of the day got a share (other rows may add more)


def test_sample_classes_frame(sample: Path) -> None:
    focus = load_focus(sample)
    classes = focus.classes
    assert list(classes["class_id"]) == list(focus.usage.class_ids)
    assert set(classes["category"]) <= set(TECHNOLOGY_CATEGORIES)
    ai = classes[classes["service_category"] == "AI and Machine Learning"]
    assert len(ai) > 0 and (ai["category"] == "ai_ml").all()
    assert set(classes["provider"]) == {"AWS", "Microsoft", "Oracle"}
    assert (classes.loc[classes["provider"] == "Oracle", "region"] == "global").all()
    assert (classes["on_demand_rate"] >= 0).all()
    committed = classes[classes["committed_quantity"] > 0]
    assert len(committed) == 4  # the four PricingCategory=Committed rows
    assert focus.committed.sum() == pytest.approx(committed["committed_quantity"].sum())
    assert focus.committed.shape == focus.usage.quantity.shape
    sqs = classes[classes["service_name"] == "Amazon Simple Queue Service"].iloc[0]
    assert sqs["unit"] == "Requests"
    assert sqs["on_demand_rate"] == pytest.approx(4e-7)


def test_sample_parquet_matches_csv(sample: Path, tmp_path: Path) -> None:
    frame = pd.read_csv(sample, na_values=["NULL"], keep_default_na=False)
    for column in ("ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd"):
        frame[column] = pd.to_datetime(frame[column]).dt.tz_localize("UTC")
    parquet = tmp_path / "focus_sample.parquet"
    frame.to_parquet(parquet)
    from_csv, from_parquet = load_focus(sample), load_focus(parquet)
    assert from_parquet.usage.class_ids == from_csv.usage.class_ids
    np.testing.assert_allclose(from_parquet.usage.quantity, from_csv.usage.quantity, rtol=1e-12)
    pd.testing.assert_frame_equal(from_parquet.classes, from_csv.classes)
    assert from_parquet.report.balanced
    # Parquet rows are numbered record index + 1 (the CSV line minus one)
    parquet_rows = sorted(i.row for i in from_parquet.report.issues)
    assert parquet_rows == sorted(i.row - 1 for i in from_csv.report.issues)
    assert from_parquet.report.issues[0].as_violation().field.startswith("focus_sample.parquet:record ")


HEADER = (
    "ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ChargeClass,ProviderName,RegionId,ServiceName,"
    "ServiceCategory,SkuId,ConsumedQuantity,ConsumedUnit,PricingQuantity,PricingUnit,ListUnitPrice,"
    "ListCost,EffectiveCost,BilledCost,PricingCategory\n"
)


def _row(
    start: str = "2026-10-01 00:00:00",
    end: str = "2026-10-01 01:00:00",
    category: str = "Usage",
    consumed: str = "2",
    pricing: str = "2",
    unit_price: str = "0.5",
    list_cost: str = "1",
    charge_class: str = "NULL",
    service_category: str = "Compute",
    pricing_category: str = "Standard",
    sku: str = "SKU1",
) -> str:
    return (
        f"{start},{end},{category},{charge_class},AWS,us-east-1,Amazon EC2,{service_category},{sku},"
        f"{consumed},Hours,{pricing},Hours,{unit_price},{list_cost},0.8,0.8,{pricing_category}\n"
    )


def test_spreading_daily_and_partial_periods(write: Write) -> None:
    content = HEADER + _row(end="2026-10-02 00:00:00", consumed="48", pricing="48", list_cost="24")
    content += _row(start="2026-10-01T02:30:00Z", end="2026-10-01T03:30:00Z", consumed="1", list_cost="0.5")
    focus = load_focus(write("f.csv", content), strict=True)
    q = focus.usage.column(focus.usage.class_ids[0])
    assert focus.usage.hours == 24
    assert q[0] == pytest.approx(2.0)
    assert q[2] == pytest.approx(2.5) and q[3] == pytest.approx(2.5)
    assert q.sum() == pytest.approx(49.0)


def test_non_usage_rows_skipped_by_design_and_counted(write: Write) -> None:
    content = HEADER + _row() + _row(category="Tax") + _row(category="Purchase")
    content += _row(charge_class="Correction")
    focus = load_focus(write("f.csv", content))
    assert focus.report.rows_skipped == {
        "ChargeCategory=Tax": 1,
        "ChargeCategory=Purchase": 1,
        "ChargeClass=Correction": 1,
    }
    assert focus.report.rows_used == 1 and focus.report.balanced


def test_unusable_rows_are_issues_with_lines(write: Write) -> None:
    content = HEADER
    content += _row(category="Refund")  # 2
    content += _row(start="soon")  # 3
    content += _row(end="2026-10-01 00:00:00")  # 4 end == start
    content += _row(consumed="NULL", pricing="NULL")  # 5
    content += _row(consumed="many")  # 6
    content += _row(consumed="-1")  # 7
    content += _row(unit_price="NULL", consumed="0", pricing="0", list_cost="0")  # 8 no rate
    content += _row(list_cost="NULL")  # 9
    content += _row(sku="NULL")  # 10
    content += _row()  # 11 good
    focus = load_focus(write("f.csv", content))
    lines = {i.row: (i.column, i.reason) for i in focus.report.issues}
    assert lines[2] == ("ChargeCategory", "unknown ChargeCategory: 'Refund'")
    assert lines[3][0] == "ChargePeriodStart"
    assert lines[4] == ("ChargePeriodEnd", "ChargePeriodEnd is not after ChargePeriodStart")
    assert lines[5][1].startswith("missing quantity")
    assert lines[6] == ("ConsumedQuantity", "not a number: 'many'")
    assert lines[7] == ("ConsumedQuantity", "negative value: '-1'")
    assert lines[8][0] == "ListUnitPrice"
    assert lines[9] == ("ListCost", "missing value")
    assert lines[10][0] == "SkuId"
    assert 11 not in lines
    assert focus.report.rows_used == 1 and focus.report.balanced
    with pytest.raises(InvalidArgumentError) as err:
        load_focus(write("f.csv", content), strict=True)
    assert len(err.value.violations) == 9


def test_rate_falls_back_to_list_cost_over_quantity(write: Write) -> None:
    content = HEADER + _row(unit_price="NULL", consumed="4", pricing="4", list_cost="2")
    content += _row(unit_price="0", consumed="2", pricing="2", list_cost="0", sku="FREE")
    focus = load_focus(write("f.csv", content), strict=True)
    rates = dict(zip(focus.classes["sku_id"], focus.classes["on_demand_rate"], strict=True))
    assert rates == {"SKU1": pytest.approx(0.5), "FREE": 0.0}


def test_committed_and_categories(write: Write) -> None:
    content = HEADER + _row(pricing_category="Committed")
    content += _row(service_category="AI and Machine Learning", sku="AI")
    focus = load_focus(write("f.csv", content), strict=True)
    by_sku = focus.classes.set_index("sku_id")
    assert by_sku.loc["SKU1", "committed_quantity"] == 2.0
    assert by_sku.loc["AI", "category"] == "ai_ml"
    assert by_sku.loc["SKU1", "category"] == "public_cloud"


def test_missing_required_column_and_bad_suffix(write: Write) -> None:
    header = HEADER.replace("ChargeCategory,", "")
    with pytest.raises(InvalidArgumentError) as err:
        load_focus(write("f.csv", header))
    assert err.value.violations[0].field == "f.csv:ChargeCategory"
    with pytest.raises(InvalidArgumentError, match="unsupported file type"):
        load_focus(write("f.xlsx", "x"))
    with pytest.raises(InvalidArgumentError, match="not a readable Parquet"):
        load_focus(write("f.parquet", b"PAR1 not really"))


def test_only_non_usage_rows_raise(write: Write) -> None:
    with pytest.raises(InvalidArgumentError, match="no usable usage rows"):
        load_focus(write("f.csv", HEADER + _row(category="Tax")))
