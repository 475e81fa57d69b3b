"""Attribution: every action's savings add up exactly to its plan's total, and the totals
match an independent hand computation of the worked example (docs/recommend.md)."""

from __future__ import annotations

from decimal import Decimal

from recommender.api.v1 import common_pb2 as pb
from tests.recommend import scenarios as sc
from tests.recommend.helpers import assert_adds_up, breakdown_of, money, plan_by_profile, run

MONTH = Decimal("730")
D = Decimal


def test_worked_example_totals_by_hand() -> None:
    response = run(sc.worked_example())
    assert_adds_up(response)
    plan = plan_by_profile(response, pb.RISK_PROFILE_BALANCED)
    # Today: 10 m5.2xlarge on demand all month.
    assert money(plan.baseline_monthly_cost) == 10 * D("0.384") * MONTH
    resizes = [a for a in plan.actions if a.type == pb.ACTION_TYPE_RESIZE]
    assert sorted(a.target for a in resizes) == ["vm-06", "vm-07", "vm-08", "vm-09"]
    # Each move saves the list-price difference (no commitment is held yet).
    for a in resizes:
        assert money(a.monthly_savings) == (D("0.384") - D("0.096")) * MONTH
    buys = [a for a in plan.actions if a.type == pb.ACTION_TYPE_PURCHASE_RESERVED_INSTANCES]
    assert len(buys) == 1 and buys[0].quantity == 7  # 6 x 16 + 4 x 4 = 112 normalised units = 7 RIs
    # The RIs save against the post-right-sizing on-demand cost, not today's.
    post = (6 * D("0.384") + 4 * D("0.096")) * MONTH
    assert money(buys[0].monthly_savings) == post - 7 * D("0.242") * MONTH
    assert money(plan.monthly_savings) == 10 * D("0.384") * MONTH - 7 * D("0.242") * MONTH
    # Usage actions come before rate actions.
    levers = [a.attributes["lever"] for a in plan.actions]
    assert levers == ["right_sizing"] * 4 + ["commitments"]


def test_all_levers_add_up_with_overlay() -> None:
    response = run(
        sc.all_levers(
            reporting_currency_code="INR",
            exchange_rate=83.2,
            tax_rate=0.18,
            taxed_categories=[pb.TECHNOLOGY_CATEGORY_PUBLIC_CLOUD, pb.TECHNOLOGY_CATEGORY_AI_ML],
        )
    )
    assert len(response.plans) >= 2
    assert_adds_up(response)
    plan = response.plans[0]
    levers = {a.attributes["lever"] for a in plan.actions}
    assert levers == {"vendor_consolidation", "workload_routing", "right_sizing", "commitments"}


def test_no_usage_counted_twice_routing_lands_on_the_ledger() -> None:
    """The routed service runs 2 x m5.2xlarge: the commitments see them (9 RIs, not 7) and
    the routing action is priced at list before any commitment."""
    response = run(sc.all_levers())
    plan = plan_by_profile(response, pb.RISK_PROFILE_BALANCED)
    place = next(a for a in plan.actions if a.type == pb.ACTION_TYPE_PLACE_WORKLOAD)
    assert money(place.monthly_savings) == (D("2.0") - 2 * D("0.384")) * MONTH
    api = next(a for a in plan.actions if a.type == pb.ACTION_TYPE_ROUTE_TO_API)
    assert money(api.monthly_savings) == (D("3.0") - D("1.008")) * MONTH
    buy = next(a for a in plan.actions if a.type == pb.ACTION_TYPE_PURCHASE_RESERVED_INSTANCES)
    assert buy.quantity == 9  # (6 + 2) x 16 + 4 x 4 = 144 normalised units
    post = (8 * D("0.384") + 4 * D("0.096")) * MONTH
    assert money(buy.monthly_savings) == post - 9 * D("0.242") * MONTH
    consolidation = [a for a in plan.actions if a.attributes["lever"] == "vendor_consolidation"]
    assert sum((money(a.monthly_savings) for a in consolidation), D(0)) == 200 * (D("8.75") - D("4"))
    assert sum((money(a.upfront_cost) for a in consolidation), D(0)) == 200 * D(5)
    b = breakdown_of(response, plan)
    assert money(b.one_time_costs) == 1000  # migrations; commitment upfront is amortised (none here)


def test_held_commitments_make_right_sizing_save_less() -> None:
    """With 10 RIs already held (covering every m5.2xlarge), moving a VM to m5.large strands
    reserved capacity: right-sizing is priced after discounts and saves nothing."""
    held = pb.ExistingCommitment(commitment_id="ri-held", terms=sc.ri_offering(), quantity=10)
    request = sc.worked_example()
    request.commitments.CopyFrom(sc.commitments(held=[held]))
    response = run(request)
    assert_adds_up(response)
    assert not any(a.type == pb.ACTION_TYPE_RESIZE for p in response.plans for a in p.actions)
    assert any("right-sizing move saves money" in w or "nothing to change" in w for w in response.warnings)


def test_ranked_by_risk_adjusted_horizon_savings() -> None:
    """The stated rule: H x ((1 - λ) S + λ min(S, S_stress)) - one-time costs, highest first."""
    response = run(sc.all_levers())
    keys = []
    for plan, b in zip(response.plans, response.breakdowns, strict=True):
        s, stressed = money(plan.monthly_savings), money(b.stressed_monthly_savings)
        key = plan.horizon_months * (D("0.5") * s + D("0.5") * min(s, stressed)) - money(b.one_time_costs)
        assert money(b.risk_adjusted_horizon_savings) == key
        keys.append(key)
    assert keys == sorted(keys, reverse=True) and [p.rank for p in response.plans] == [1, 2]
    # The conservative plan saves less per month but more when usage falls: it ranks first here.
    assert response.plans[0].risk_profile == pb.RISK_PROFILE_CONSERVATIVE
    assert money(response.plans[0].monthly_savings) < money(response.plans[1].monthly_savings)


def test_commitment_frontier_profiles_are_reused() -> None:
    """With a risk policy the commitment lever plans over a horizon with its own
    conservative/balanced/aggressive frontier; each cross-lever plan takes the purchase of
    its own profile (identical ones are merged)."""
    from recommender.api.v1 import commitments_pb2 as cpb

    request = sc.worked_example()
    request.commitments.policy.risk.CopyFrom(cpb.RiskPolicy(sample_count=2, rows_per_month=4, seed=1))
    response = run(request)
    assert_adds_up(response)
    for plan, b in zip(response.plans, response.breakdowns, strict=True):
        commitments = next(ls for ls in b.levers if ls.lever == pb.LEVER_COMMITMENTS)
        assert commitments.source_profile == plan.risk_profile
        assert "λ" in commitments.source_plan_title
        assert "horizon scenarios" in plan.explanation
