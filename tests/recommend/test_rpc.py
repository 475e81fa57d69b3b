"""Recommend over real gRPC (loopback server): the FOCUS sample end to end, bad input."""

from __future__ import annotations

import math
from pathlib import Path

import grpc
import numpy as np
import pytest

from clients.client import RecommenderCallError, RecommenderClient
from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import consolidation_pb2 as vpb
from recommender.api.v1 import recommend_pb2 as apb
from recommender.api.v1 import rightsizing_pb2 as rpb
from tests.recommend import scenarios as sc
from tests.recommend.helpers import assert_adds_up, money

OPENSHIFT = "Red Hat OpenShift Service on AWS"


def _sample(shared_data: Path) -> bytes:
    return (shared_data / "focus-sample-data" / "focus_1.0_sample.csv").read_bytes()


def test_focus_sample_alone_explains_why_nothing_saves(client: RecommenderClient, shared_data: Path) -> None:
    response = client.recommend(apb.RecommendRequest(focus_csv=_sample(shared_data)))
    assert not response.plans
    notes = " ".join(response.warnings)
    assert "985 used" in notes  # the ingest report of the 1,000-row sample
    assert "No commitment offering" in notes and "no effective cost" in notes
    assert "No plan saves money" in notes and "right_sizing.resources" in notes


def _sample_levers() -> tuple[rpb.RightSizeRequest, vpb.ConsolidateVendorsRequest]:
    """Two of the sample's EC2 instances with (generated) low utilisation, and a cheaper
    offer for its marketplace OpenShift usage."""
    rs = rpb.RightSizeRequest(currency_code="USD")  # empty catalogue: the server's default one
    rng = np.random.default_rng(1)
    for rid, itype in (("i-sample-c5", "c5.2xlarge"), ("i-sample-c5-4x", "c5.4xlarge")):
        r = rs.resources.add(resource_id=rid, current_type=itype, provider="aws", region="us-east-1")
        r.sample_interval.seconds = 3600
        r.metrics.add(
            metric=rpb.METRIC_CPU_PERCENT, values=np.clip(6 + rng.normal(0, 1, 720), 1, 12).tolist()
        )
        r.metrics.add(
            metric=rpb.METRIC_MEMORY_PERCENT, values=np.clip(10 + rng.normal(0, 1, 720), 5, 15).tolist()
        )
    consolidation = vpb.ConsolidateVendorsRequest(
        currency_code="USD",
        vendors=[
            vpb.VendorOffer(
                vendor_id="redhat-direct",
                category=pb.TECHNOLOGY_CATEGORY_SAAS,
                lines=[
                    vpb.PriceLine(
                        line_id="rosa-hourly",
                        capabilities=[OPENSHIFT],
                        tiers=[vpb.PriceTier(min_quantity=0, unit_price=0.171)],
                    )
                ],
            )
        ],
    )
    return rs, consolidation


def test_focus_sample_across_levers(client: RecommenderClient, shared_data: Path) -> None:
    rs, consolidation = _sample_levers()
    request = apb.RecommendRequest(
        focus_csv=_sample(shared_data),
        right_sizing=rs,
        consolidation=consolidation,
        overlay=apb.ReportingOverlay(reporting_currency_code="INR", exchange_rate=83.2, tax_rate=0.18),
    )
    response = client.recommend(request)
    assert response.plans
    assert_adds_up(response)
    plan = response.plans[0]
    assert plan.currency_code == "INR"
    levers = {a.attributes["lever"] for a in plan.actions}
    assert {"right_sizing", "vendor_consolidation"} <= levers
    resized = {a.target: a.to_value for a in plan.actions if a.type == pb.ACTION_TYPE_RESIZE}
    assert set(resized) == {"i-sample-c5", "i-sample-c5-4x"}
    migrate = next(a for a in plan.actions if a.type == pb.ACTION_TYPE_MIGRATE_DEMAND)
    assert migrate.attributes["capability"] == OPENSHIFT
    factor = 83.2 * 1.18
    quantity = 1.0 * 730 / 720  # one OpenShift hour in the 720-hour export, per month
    assert float(money(migrate.monthly_savings)) == pytest.approx(
        (0.342 - 0.171) * quantity * factor, abs=1e-6
    )
    assert any(c.category == pb.TECHNOLOGY_CATEGORY_SAAS for c in plan.category_savings)


def test_worked_example_over_grpc(client: RecommenderClient) -> None:
    response = client.recommend(sc.worked_example(reporting_currency_code="INR", exchange_rate=83.2))
    assert_adds_up(response)
    assert response.plans[0].risk_profile in (pb.RISK_PROFILE_BALANCED, pb.RISK_PROFILE_CONSERVATIVE)
    assert len(response.breakdowns) == len(response.plans)
    assert response.breakdowns[0].commitment_curve.points


def test_bad_input_names_every_field(client: RecommenderClient) -> None:
    request = sc.worked_example(reporting_currency_code="INR")  # no exchange rate
    request.right_sizing.resources[2].metrics[0].values[5] = math.nan
    request.commitments.usage.series[0].quantity[3] = -1.0
    request.consolidation.CopyFrom(vpb.ConsolidateVendorsRequest(vendors=[vpb.VendorOffer(vendor_id="v")]))
    with pytest.raises(RecommenderCallError) as info:
        client.recommend(request)
    assert info.value.code == grpc.StatusCode.INVALID_ARGUMENT
    fields = dict(info.value.field_violations)
    assert "right_sizing.resources[2].metrics[0].values[5]" in fields
    assert "commitments.usage.series[0].quantity[3]" in fields
    assert "overlay.exchange_rate" in fields
    assert "consolidation.demands" in fields
    assert any(f.startswith("consolidation.vendors[0].lines") for f in fields)


def test_bad_focus_rows_are_named(client: RecommenderClient) -> None:
    csv = b"ChargePeriodStart,ChargePeriodEnd\n2024-01-01T00:00:00Z,2024-01-01T01:00:00Z\n"
    with pytest.raises(RecommenderCallError) as info:
        client.recommend(apb.RecommendRequest(focus_csv=csv))
    assert info.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert any(f.startswith("focus_csv") for f in dict(info.value.field_violations))
