"""Loader of Pricing2Yaml SaaS pricings (real files from isa-saas-pricings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommender.errors import InvalidArgumentError
from recommender.ingest.saas_plans import load_saas_pricing


def _dir(shared_data: Path) -> Path:
    return shared_data / "isa-saas-pricings" / "latest_json"


def test_slack_plans_prices_and_skips(shared_data: Path) -> None:
    raw = json.loads((_dir(shared_data) / "slack_2025.json").read_text())
    pricing = load_saas_pricing(_dir(shared_data) / "slack_2025.json", capabilities=["chat"])
    lines = {ln.line_id: ln for ln in pricing.offer.lines}
    # FREE is skipped (free plan), ENTERPRISE_GRID is "Contact Sales".
    assert set(lines) == {"PRO", "BUSINESS_PLUS"}
    assert lines["PRO"].tiers[0].unit_price == raw["plans"]["PRO"]["price"] == 8.75
    assert lines["BUSINESS_PLUS"].tiers[0].unit_price == 15
    assert pricing.offer.vendor_id == "slack" and pricing.currency == "USD"
    report = pricing.report
    assert report.balanced and report.rows_read == 4 and report.rows_used == 2
    assert report.rows_skipped == {"free plan (usage-limited)": 1, "price on request (not a number)": 1}
    # Plan features = defaults overridden by the plan.
    defaults = {k for k, f in raw["features"].items() if f.get("defaultValue") is True}
    pro_overrides = {k for k, v in raw["plans"]["PRO"]["features"].items() if v["value"] is True}
    assert (defaults | pro_overrides) <= set(lines["PRO"].features)
    assert "singleSignOn" in lines["BUSINESS_PLUS"].features and "singleSignOn" not in lines["PRO"].features
    assert "canvas=LIMITED" in lines["PRO"].features


def test_annual_billing_and_free_plans(shared_data: Path) -> None:
    path = _dir(shared_data) / "zoom_2025.json"
    raw = json.loads(path.read_text())
    factor = raw["billing"]["annual"]
    annual = load_saas_pricing(path, capabilities=["video"], billing="annual", include_free=True)
    pro = next(ln for ln in annual.offer.lines if ln.line_id == "PRO")
    assert pro.tiers[0].unit_price == pytest.approx(raw["plans"]["PRO"]["price"] * factor)
    assert annual.report.rows_skipped == {"not priced per seat": 1}  # BASIC is 0 "/month", not per seat


def test_every_dataset_file_loads_or_is_refused_with_a_reason(shared_data: Path) -> None:
    loaded = refused = 0
    for path in sorted(_dir(shared_data).glob("*.json")):
        try:
            pricing = load_saas_pricing(path, capabilities=["x"])
        except InvalidArgumentError as exc:
            refused += 1
            assert exc.violations and exc.violations[0].description
            continue
        loaded += 1
        assert pricing.report.balanced
        assert all(ln.whole_units and ln.tiers[0].unit_price > 0 for ln in pricing.offer.lines)
    assert loaded == 23 and refused == 14  # 14 have no numeric per-seat plan (flat, per site, on request)


def test_unknown_billing_is_refused(shared_data: Path) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        load_saas_pricing(_dir(shared_data) / "slack_2025.json", capabilities=["chat"], billing="annual")
    assert "billing" in info.value.violations[0].field
