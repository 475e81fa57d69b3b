"""KPIs before and after against hand-computed values (FinOps Foundation definitions).

Class A (rate 1.0/hour) runs 2 units every hour: two VMs. A held reserved instance of
1.5 units at 0.6/unit-hour covers A. One VM is idle and is stopped.

Before: covered 1.5, on demand 0.5 -> effective (0.5 x 1.0 + 1.5 x 0.6) = 1.4/hour,
on-demand equivalent 2.0/hour: ESR = 0.3, coverage = 1.5 / 2 = 0.75, utilisation 1, waste 0.
After: 1 unit, all covered; the RI has 0.5 unit idle: effective 0.9/hour, on-demand
equivalent 1.0/hour: ESR = 0.1, coverage 1, utilisation 2/3, waste 1/3. The stop saves
the 0.5 unit that was on demand: 0.5 x 730 = 365/month.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import recommend_pb2 as apb
from recommender.api.v1 import rightsizing_pb2 as rpb
from tests.recommend.helpers import assert_adds_up, money, run

HOURS = 168


def _request(**overlay: object) -> apb.RecommendRequest:
    cls = pb.UsageClass(
        class_id="x:r:a.large", provider="x", region="r", instance_type="a.large", on_demand_rate=1.0
    )
    ri = pb.CommitmentOffering(
        offering_id="ri",
        term=pb.COMMITMENT_TERM_ONE_YEAR,
        payment_option=pb.PAYMENT_OPTION_NO_UPFRONT,
        reserved_instance=pb.ReservedInstanceTerms(covered_class_ids=["x:r:a.large"], hourly_per_unit=0.6),
    )
    commitments = cpb.PlanCommitmentsRequest(
        currency_code="USD",
        usage_classes=[cls],
        usage=pb.UsageProfile(series=[pb.UsageSeries(class_id="x:r:a.large", quantity=[2.0] * HOURS)]),
        existing_commitments=[pb.ExistingCommitment(commitment_id="held", terms=ri, quantity=1.5)],
    )
    rs = rpb.RightSizeRequest(
        currency_code="USD",
        catalog=[
            rpb.InstanceType(
                name="a.large", provider="x", region="r", vcpus=2, memory_gib=8, hourly_price=1.0
            )
        ],
    )
    for rid, cpu in (("busy", 60.0), ("idle", 1.0)):
        r = rs.resources.add(resource_id=rid, current_type="a.large", provider="x", region="r")
        r.sample_interval.seconds = 3600
        r.metrics.add(metric=rpb.METRIC_CPU_PERCENT, values=[cpu] * HOURS)
    return apb.RecommendRequest(
        commitments=commitments,
        right_sizing=rs,
        overlay=apb.ReportingOverlay(**overlay),  # type: ignore[arg-type]
    )


def test_kpis_by_hand() -> None:
    response = run(_request())
    assert_adds_up(response)
    plan = response.plans[0]
    assert [a.type for a in plan.actions] == [pb.ACTION_TYPE_TERMINATE]
    assert money(plan.monthly_savings) == Decimal("365")
    before, after = plan.kpis_before, plan.kpis_after
    assert before.effective_savings_rate == pytest.approx(0.3)
    assert before.commitment_coverage == pytest.approx(0.75)
    assert before.commitment_utilization == pytest.approx(1.0)
    assert before.commitment_waste == pytest.approx(0.0)
    assert money(before.on_demand_equivalent_monthly_cost) == Decimal("1460")
    assert money(before.effective_monthly_cost) == Decimal("1022")
    assert after.effective_savings_rate == pytest.approx(0.1)
    assert after.commitment_coverage == pytest.approx(1.0)
    assert after.commitment_utilization == pytest.approx(2 / 3)
    assert after.commitment_waste == pytest.approx(1 / 3)
    assert money(after.on_demand_equivalent_monthly_cost) == Decimal("730")
    assert money(after.effective_monthly_cost) == Decimal("657")
    # The baseline includes the held commitment's cost (sunk, but part of today's bill).
    assert money(plan.baseline_monthly_cost) == Decimal("1022")


def test_kpi_money_is_converted_but_pre_tax() -> None:
    plan = run(_request(reporting_currency_code="EUR", exchange_rate=0.5, tax_rate=0.2)).plans[0]
    assert plan.kpis_after.effective_savings_rate == pytest.approx(0.1)
    assert money(plan.kpis_after.effective_monthly_cost) == Decimal("328.5")
    assert plan.kpis_after.effective_monthly_cost.currency_code == "EUR"
    assert money(plan.monthly_savings) == Decimal("365") * Decimal("0.5") * Decimal("1.2")
