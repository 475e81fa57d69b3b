"""Currency and tax overlay arithmetic, checked by hand; overlay validation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from recommender.api.v1 import common_pb2 as pb
from recommender.errors import InvalidArgumentError
from tests.recommend import scenarios as sc
from tests.recommend.helpers import assert_adds_up, breakdown_of, money, plan_by_profile, run

D = Decimal
RESIZE_USD = (D("0.384") - D("0.096")) * 730  # 210.24
RI_USD = (6 * D("0.384") + 4 * D("0.096")) * 730 - 7 * D("0.242") * 730  # 725.62


def test_inr_with_gst_on_cloud() -> None:
    """18 % GST on public cloud, INR at 83.2 per USD: every cloud amount x 83.2 x 1.18."""
    response = run(
        sc.worked_example(
            reporting_currency_code="INR",
            exchange_rate=83.2,
            tax_rate=0.18,
            taxed_categories=[pb.TECHNOLOGY_CATEGORY_PUBLIC_CLOUD],
        )
    )
    assert_adds_up(response)
    plan = plan_by_profile(response, pb.RISK_PROFILE_BALANCED)
    factor = D("83.2") * D("1.18")
    assert plan.currency_code == "INR" and response.input_currency_code == "USD"
    for a in plan.actions:
        assert a.monthly_savings.currency_code == "INR"
        expected = RESIZE_USD if a.type == pb.ACTION_TYPE_RESIZE else RI_USD
        assert money(a.monthly_savings) == expected * factor
    assert money(plan.baseline_monthly_cost) == 10 * D("0.384") * 730 * factor
    assert money(plan.monthly_savings) == (4 * RESIZE_USD + RI_USD) * factor
    seq = breakdown_of(response, plan).sequencing
    assert money(seq.sequenced_advantage) == 3 * D("0.242") * 730 * factor
    assert "83.2 INR per USD" in plan.explanation and "18 %" in plan.explanation
    assert response.exchange_rate == 83.2 and response.tax_rate == 0.18


def test_tax_only_on_the_categories_it_concerns() -> None:
    """GST on SaaS only: cloud savings are converted but not taxed, SaaS savings are taxed."""
    response = run(
        sc.all_levers(
            reporting_currency_code="INR",
            exchange_rate=83.2,
            tax_rate=0.18,
            taxed_categories=[pb.TECHNOLOGY_CATEGORY_SAAS],
        )
    )
    assert_adds_up(response)
    plan = plan_by_profile(response, pb.RISK_PROFILE_BALANCED)
    by_cat = {c.category: money(c.monthly_savings) for c in plan.category_savings}
    assert by_cat[pb.TECHNOLOGY_CATEGORY_SAAS] == 200 * (D("8.75") - D(4)) * D("83.2") * D("1.18")
    assert by_cat[pb.TECHNOLOGY_CATEGORY_AI_ML] == (D(3) - D("1.008")) * 730 * D("83.2")
    resize = next(a for a in plan.actions if a.type == pb.ACTION_TYPE_RESIZE)
    assert money(resize.monthly_savings) == RESIZE_USD * D("83.2")
    consolidation = [a for a in plan.actions if a.attributes["lever"] == "vendor_consolidation"]
    assert sum((money(a.upfront_cost) for a in consolidation), D(0)) == 1000 * D("83.2") * D("1.18")


@pytest.mark.parametrize(
    ("overlay", "field"),
    [
        ({"reporting_currency_code": "INR"}, "overlay.exchange_rate"),
        ({"reporting_currency_code": "INR", "exchange_rate": -2.0}, "overlay.exchange_rate"),
        ({"tax_rate": 1.5}, "overlay.tax_rate"),
        ({"reporting_currency_code": "rupees", "exchange_rate": 83.2}, "overlay.reporting_currency_code"),
        ({"exchange_rate": 2.0}, "overlay.exchange_rate"),
        ({"taxed_categories": [pb.TECHNOLOGY_CATEGORY_SAAS]}, "overlay.taxed_categories"),
    ],
)
def test_bad_overlay(overlay: dict[str, object], field: str) -> None:
    from recommender.server.codec.recommend import decode_recommend

    with pytest.raises(InvalidArgumentError) as info:
        decode_recommend(sc.worked_example(**overlay))
    assert field in {v.field for v in info.value.violations}


def test_default_residency_reaches_every_lever() -> None:
    """Residency IN: right-sizing may not leave for another country (every row here is in
    us-east-1, so the resources are flagged), and routing cannot use the US-only offers."""
    from recommender.errors import InfeasibleError

    request = sc.worked_example()
    request.right_sizing.policy.allow_region_change = True
    request.overlay.default_residency.allowed_countries.append("IN")
    response = run(request)
    notes = " ".join(response.warnings)
    assert "10 right-sized resource(s) run outside the residency rule (countries IN)" in notes
    explanation = response.plans[0].explanation
    assert "Default residency (countries IN) applied to every lever" in explanation
    assert "2 usage class(es) run outside it" in explanation
    routed = sc.all_levers()
    routed.overlay.default_residency.allowed_countries.append("IN")
    with pytest.raises(InfeasibleError) as info:
        run(routed)
    assert info.value.message.startswith("routing:")


def test_residency_keeps_region_changes_inside_it() -> None:
    """Right-sizing with region changes allowed, residency = us-east-1: a cheaper type
    offered only in another region is withdrawn."""
    request = sc.worked_example()
    request.right_sizing.policy.allow_region_change = True
    cheap = request.right_sizing.catalog.add()
    cheap.CopyFrom(request.right_sizing.catalog[1])
    cheap.region, cheap.hourly_price = "us-west-2", 0.05
    free = run(request)
    moved = {a.region for p in free.plans for a in p.actions if a.type == pb.ACTION_TYPE_RESIZE}
    assert moved == {"us-west-2"}
    request.overlay.default_residency.allowed_regions.append("aws/us-east-1")
    kept = run(request)
    regions = {a.region for p in kept.plans for a in p.actions if a.type == pb.ACTION_TYPE_RESIZE}
    assert regions == {"us-east-1"}
    assert any("1 catalogue row(s) in other regions are not offered" in w for w in kept.warnings)
