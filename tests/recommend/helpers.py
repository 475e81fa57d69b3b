"""In-process Recommend runs and checks shared by the tests."""

from __future__ import annotations

from decimal import Decimal

from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import recommend_pb2 as apb
from recommender.planning.recommend import recommend
from recommender.server.codec.common import from_money
from recommender.server.codec.recommend import decode_recommend, encode_recommend


def run(request: apb.RecommendRequest, time_limit: float = 60.0) -> apb.RecommendResponse:
    """decode -> plan -> encode in process (the RPC path without the transport)."""
    domain = decode_recommend(request)
    return encode_recommend(recommend(domain, time_limit), domain.overlay.reporting_currency)


def money(m: object) -> Decimal:
    return from_money(m)  # type: ignore[arg-type]


def plan_by_profile(response: apb.RecommendResponse, profile: int) -> pb.SavingsPlan:
    return next(p for p in response.plans if p.risk_profile == profile)


def breakdown_of(response: apb.RecommendResponse, plan: pb.SavingsPlan) -> apb.PlanBreakdown:
    return next(b for b in response.breakdowns if b.plan_id == plan.plan_id)


def assert_adds_up(response: apb.RecommendResponse) -> None:
    """Every plan's actions, categories and levers add up exactly (Decimal) to its totals."""
    for plan, breakdown in zip(response.plans, response.breakdowns, strict=True):
        assert breakdown.plan_id == plan.plan_id
        total = money(plan.monthly_savings)
        assert sum((money(a.monthly_savings) for a in plan.actions), Decimal(0)) == total
        assert sum((money(c.monthly_savings) for c in plan.category_savings), Decimal(0)) == total
        assert sum((money(ls.monthly_savings) for ls in breakdown.levers), Decimal(0)) == total
        assert money(plan.baseline_monthly_cost) - money(plan.planned_monthly_cost) == total
        assert sum((money(c.monthly_cost) for c in breakdown.baseline_by_category), Decimal(0)) == money(
            plan.baseline_monthly_cost
        )
        assert sum((money(a.upfront_cost) for a in plan.actions), Decimal(0)) == money(plan.upfront_cost)
        assert money(plan.horizon_savings) == total * plan.horizon_months
        assert [a.order for a in plan.actions] == list(range(1, len(plan.actions) + 1))
        assert all(a.attributes["lever"] for a in plan.actions)
    if len(response.plans) > 1:
        assert len({p.xor_group_id for p in response.plans}) == 1 and response.plans[0].xor_group_id
