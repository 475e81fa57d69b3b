"""Horizon planning over real gRPC: expiries and renewals, the risk frontier, ladders, the curve.

Usage histories here are constant, so the forecaster's paths are exactly that constant
(no trend, no seasonality, zero residuals) and every expected value below is a closed form
computed in the test from the request's numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from clients.client import RecommenderCallError, RecommenderClient
from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import common_pb2 as pb
from tests.requests import commitment_request, spend_offering

MONTH = 730
HISTORY = 24 * 14


def _amount(m: object) -> float:
    return float(Decimal(m.units) + Decimal(m.nanos) / Decimal(10**9))  # type: ignore[attr-defined]


def _constant_request(u: float, p: float, offerings: list[pb.CommitmentOffering], **policy: object):
    return commitment_request({"vm": np.full(HISTORY, u)}, {"vm": p}, offerings, **policy)


def _details(response: cpb.PlanCommitmentsResponse) -> dict[str, cpb.CommitmentPlanDetail]:
    return {d.plan_id: d for d in response.details}


@pytest.mark.parametrize("renewal_cheaper", [True, False], ids=["renew", "let_expire"])
def test_expiring_commitment_is_renewed_or_replaced(client: RecommenderClient, renewal_cheaper: bool) -> None:
    """A held savings plan covers constant usage u until month 4 of a 12-month horizon.

    Afterwards the cheapest cover of u is the held terms renewed (rate r_h) or the new offering
    (rate r_n), whichever rate is lower; buying the new offering now would only overlap the held
    plan. Savings over the horizon = (p - min(r_h, r_n)) u (8 months of 730 h).
    """
    u, p = 10.0, 1.0
    r_held, r_new = (0.6, 0.7) if renewal_cheaper else (0.7, 0.6)
    request = _constant_request(u, p, [spend_offering("new-sp", {"vm": r_new})], horizon_months=12)
    request.existing_commitments.append(
        pb.ExistingCommitment(
            commitment_id="held-sp", terms=spend_offering("held-terms", {"vm": r_held}), quantity=u * r_held
        )
    )
    start = datetime(1970, 1, 1, tzinfo=UTC)
    request.existing_commitments[0].end_time.FromDatetime(start + timedelta(hours=HISTORY + 4 * MONTH))
    response = client.plan_commitments(request, timeout=120)
    assert response.plans, response.warnings
    best = response.plans[0]
    expected = (p - min(r_held, r_new)) * u * 8 * MONTH / 12
    assert _amount(best.monthly_savings) == pytest.approx(expected, rel=1e-6)
    kinds = [a.type for a in best.actions]
    if renewal_cheaper:
        renew = next(a for a in best.actions if a.type == pb.ACTION_TYPE_RENEW_COMMITMENT)
        assert renew.quantity == pytest.approx(u * r_held, rel=1e-6)
        assert pb.ACTION_TYPE_LET_COMMITMENT_EXPIRE not in kinds
    else:
        assert pb.ACTION_TYPE_LET_COMMITMENT_EXPIRE in kinds
        buy = next(a for a in best.actions if a.type == pb.ACTION_TYPE_PURCHASE_SAVINGS_PLAN)
        assert buy.quantity == pytest.approx(u * r_new, rel=1e-6)
        assert buy.attributes["start_month"] == "4"
    total = sum(_amount(a.monthly_savings) for a in best.actions)
    assert total == pytest.approx(_amount(best.monthly_savings), abs=1e-9)
    months = _details(response)[best.plan_id].months
    assert len(months) == 12
    assert [m.month for m in months] == list(range(12))
    assert months[4].expiring_commitment_ids == ["held-sp"]
    for m in months:  # full coverage throughout: held, then renewal/replacement
        assert m.coverage == pytest.approx(1.0, abs=1e-9)
        assert m.utilization == pytest.approx(1.0, abs=1e-9)
        saving = 0.0 if m.month < 4 else (p - min(r_held, r_new)) * u * MONTH
        assert _amount(m.savings) == pytest.approx(saving, rel=1e-6, abs=1e-6)


def _two_scenarios(u: float, p: float, d: float, low: float, **risk: object) -> cpb.PlanCommitmentsRequest:
    request = _constant_request(u, p, [spend_offering("sp", {"vm": (1 - d) * p})], horizon_months=6)
    request.policy.risk.CopyFrom(
        cpb.RiskPolicy(
            scenarios=[
                cpb.UsageScenario(name="steady", probability=1.0),
                cpb.UsageScenario(name="shrink", probability=1.0, level_multiplier=low),
            ],
            sample_count=2,
            **risk,  # type: ignore[arg-type]
        )
    )
    return request


def test_risk_frontier_matches_closed_forms(client: RecommenderClient) -> None:
    """Two equally likely scenarios: usage u or low·u, discount d = 0.6 (coverage q in usage units).

    E[loss](q) has slope (1-d) - 1/2 < 0 on [low·u, u] so the risk-neutral (aggressive) optimum is
    q = u; the tail (β = 0.9) is the shrink scenario whose loss has slope 1-d > 0 there, so any
    λ ≥ 0.5 stops at q = low·u: balanced and conservative coincide (one plan). Monthly savings:
    steady (p u - (1-d) p q)·730, shrink (p min(low u, q) - (1-d) p q)·730.
    """
    u, p, d, low = 8.0, 1.0, 0.6, 0.3
    response = client.plan_commitments(_two_scenarios(u, p, d, low), timeout=120)
    profiles = {plan.risk_profile: plan for plan in response.plans}
    assert set(profiles) == {pb.RISK_PROFILE_BALANCED, pb.RISK_PROFILE_AGGRESSIVE}
    assert len({plan.xor_group_id for plan in response.plans}) == 1 and response.plans[0].xor_group_id

    def savings(q: float) -> tuple[float, float]:
        return (p * min(u, q) - (1 - d) * p * q) * MONTH, (p * min(low * u, q) - (1 - d) * p * q) * MONTH

    for profile, q in ((pb.RISK_PROFILE_AGGRESSIVE, u), (pb.RISK_PROFILE_BALANCED, low * u)):
        plan = profiles[profile]
        steady, shrink = savings(q)
        assert plan.actions[0].quantity == pytest.approx((1 - d) * p * q, rel=1e-6)
        assert _amount(plan.monthly_savings) == pytest.approx(0.5 * steady + 0.5 * shrink, rel=1e-6)
        assert _amount(plan.risk.cvar_monthly_savings) == pytest.approx(min(steady, shrink), rel=1e-6)
        assert plan.risk.cvar_level == pytest.approx(0.9)
        assert plan.risk.probability_of_loss == pytest.approx(0.5 if shrink < 0 else 0.0)
        per_scenario = {
            s.name: _amount(s.monthly_savings) for s in _details(response)[plan.plan_id].scenarios
        }
        assert per_scenario == pytest.approx({"steady": steady, "shrink": shrink}, rel=1e-6)
    # Ranking rule: 0.5 E + 0.5 CVaR of monthly savings, highest first.
    keys = [
        0.5 * _amount(x.monthly_savings) + 0.5 * _amount(x.risk.cvar_monthly_savings) for x in response.plans
    ]
    assert keys == sorted(keys, reverse=True)
    assert response.forecast.horizon_months == 6 and len(response.forecast.scenarios) == 2
    # The curve scales the rank-1 plan's purchase: closed-form savings at every point.
    points = response.curve.points
    assert len(points) >= 10 and response.curve.reference_plan_id == response.plans[0].plan_id
    q_ref = response.plans[0].actions[0].quantity / ((1 - d) * p)
    for pt in points:
        steady, shrink = savings(pt.scale * q_ref)
        assert _amount(pt.monthly_savings) == pytest.approx(0.5 * (steady + shrink), rel=1e-6, abs=1e-6)
        assert _amount(pt.cvar_monthly_savings) == pytest.approx(min(steady, shrink), rel=1e-6, abs=1e-6)


def test_lock_in_cap_limits_what_is_bought_now(client: RecommenderClient) -> None:
    """Lock-in of a 1-year no-upfront spend commitment = c × 8760 × 12; the cap bounds c."""
    u, p, d = 8.0, 1.0, 0.6
    cap = 0.5 * (1 - d) * p * u * 8760 * 12
    request = _two_scenarios(u, p, d, 0.3, max_lock_in_currency_months=cap)
    response = client.plan_commitments(request, timeout=120)
    for plan in response.plans:
        assert plan.risk.lock_in_currency_months <= cap * (1 + 1e-9)
    aggressive = next(x for x in response.plans if x.risk_profile == pb.RISK_PROFILE_AGGRESSIVE)
    assert aggressive.actions[0].quantity == pytest.approx(0.5 * (1 - d) * p * u, rel=1e-6)
    assert any(b.name == "lock_in_cap" for b in aggressive.solver.binding_constraints)


def test_ladder_buys_a_third_now_and_reports_the_risk_removed(client: RecommenderClient) -> None:
    u, p, d = 8.0, 1.0, 0.6
    request = _two_scenarios(u, p, d, 0.3)
    request.policy.ladder.CopyFrom(cpb.LadderPolicy(tranches=3, spacing_months=1))
    response = client.plan_commitments(request, timeout=120)
    aggressive = next(x for x in response.plans if x.risk_profile == pb.RISK_PROFILE_AGGRESSIVE)
    detail = _details(response)[aggressive.plan_id]
    now = [t for t in detail.schedule if t.month == 0]
    assert len(now) == 1 and now[0].quantity == pytest.approx((1 - d) * p * u / 3, rel=1e-6)
    comparison = detail.ladder_comparison
    assert comparison.ladder_lock_in_currency_months == pytest.approx(
        comparison.buy_now_lock_in_currency_months / 3, rel=1e-6
    )
    assert {t.month for t in detail.schedule} <= {0, 1, 2}
    # scenarios are told apart after month 0: later tranches adapt (none bought in the shrink case)
    later = [t for t in detail.schedule if t.month > 0]
    assert later and all(t.min_quantity == 0.0 for t in later)


def test_window_mode_curve_and_months(client: RecommenderClient) -> None:
    """Window mode: ≥ 10 curve points at the closed-form savings S(q) = Σ min(u,q) p - (1-d) p q T."""
    rng = np.random.default_rng(4)
    usage = rng.gamma(3.0, 2.0, 2 * MONTH + 100)
    p, d = 0.5, 0.3
    request = commitment_request({"vm": usage}, {"vm": p}, [spend_offering("sp", {"vm": (1 - d) * p})])
    response = client.plan_commitments(request)
    plan = response.plans[0]
    points = response.curve.points
    assert len(points) >= 10
    q_star = plan.actions[0].quantity / ((1 - d) * p)
    hours = len(usage)
    for pt in points:
        q = pt.scale * q_star
        s = (p * np.minimum(usage, q).sum() - (1 - d) * p * q * hours) / hours * MONTH
        assert _amount(pt.monthly_savings) == pytest.approx(s, rel=1e-6, abs=1e-6)
        covered = np.minimum(usage, q).sum() / usage.sum()
        assert pt.coverage == pytest.approx(covered, rel=1e-9)
        if q > 0:
            assert pt.utilization == pytest.approx(np.minimum(usage, q).sum() / (q * hours), rel=1e-9)
    scale_one = next(pt for pt in points if pt.scale == 1.0)
    assert _amount(scale_one.monthly_savings) == pytest.approx(_amount(plan.monthly_savings), rel=1e-9)
    months = response.details[0].months
    assert len(months) == 3  # two full months and a partial one
    assert sum(_amount(m.savings) for m in months) == pytest.approx(
        _amount(plan.monthly_savings) * hours / MONTH, rel=1e-9
    )


def test_bad_scenarios_are_invalid_arguments(client: RecommenderClient) -> None:
    request = _two_scenarios(8.0, 1.0, 0.6, 0.3)
    request.policy.risk.scenarios[1].decommissions.append(
        cpb.DecommissionEvent(class_id="nope", month=40, fraction=2)
    )
    request.policy.risk.scenarios[0].probability = -1
    with pytest.raises(RecommenderCallError) as info:
        client.plan_commitments(request)
    fields = dict(info.value.field_violations)
    assert "policy.risk.scenarios[1].decommissions[0].class_id" in fields
    assert "policy.risk.scenarios[1].decommissions[0].month" in fields
    assert any(f.startswith("policy.risk.scenarios[0].probability") for f in fields)
    assert any("fraction" in f for f in fields)
