"""PlanCommitments over real gRPC on loopback, checked against closed-form oracles."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from clients.client import RecommenderClient
from recommender.api.v1 import common_pb2 as pb
from tests.requests import commitment_request, reserved_offering, spend_offering

HOURS_PER_MONTH = 730.0


def _amount(m: object) -> float:
    return float(Decimal(m.units) + Decimal(m.nanos) / Decimal(10**9))  # type: ignore[attr-defined]


def test_savings_plan_matches_quantile_rule(client: RecommenderClient) -> None:
    """One class, uniform discount d: optimal coverage is the d-quantile of hourly usage."""
    rng = np.random.default_rng(11)
    usage = rng.gamma(3.0, 4.0, size=336).round(3)
    p, d = 0.5, 0.34
    request = commitment_request({"vm": usage}, {"vm": p}, [spend_offering("sp1y", {"vm": (1 - d) * p})])
    response = client.plan_commitments(request)
    assert len(response.plans) == 1
    plan = response.plans[0]
    k = math.ceil(d * len(usage))
    q = np.sort(usage)[k - 1]
    closed_form_cost = ((1 - d) * p * q + p * np.maximum(usage - q, 0)).sum()
    expected_savings = (p * usage.sum() - closed_form_cost) / len(usage) * HOURS_PER_MONTH
    assert _amount(plan.monthly_savings) == pytest.approx(expected_savings, rel=1e-7)
    assert plan.currency_code == "USD" and plan.monthly_savings.currency_code == "USD"
    assert plan.actions[0].type == pb.ACTION_TYPE_PURCHASE_SAVINGS_PLAN
    assert plan.solver.status == pb.SOLVE_STATUS_OPTIMAL
    assert plan.solver.relative_gap == 0.0
    assert plan.levers == [pb.LEVER_COMMITMENTS]
    total = sum(_amount(a.monthly_savings) for a in plan.actions)
    assert total == pytest.approx(_amount(plan.monthly_savings), abs=1e-6)


def test_whole_reserved_units_follow_break_even_rule(client: RecommenderClient) -> None:
    """Buy the k-th unit iff the share of hours with usage >= k is at least RI cost / on-demand price."""
    rng = np.random.default_rng(5)
    counts = rng.poisson(6, size=500).astype(float)
    p, r = 0.2, 0.13
    request = commitment_request({"vm": counts}, {"vm": p}, [reserved_offering("ri", ["vm"], hourly=r)])
    plan = client.plan_commitments(request).plans[0]
    shares = [(counts >= k).mean() for k in range(1, int(counts.max()) + 2)]
    k_star = max([k for k, s in enumerate(shares, start=1) if s >= r / p], default=0)
    assert plan.actions[0].quantity == k_star
    cost = len(counts) * r * k_star + p * np.maximum(counts - k_star, 0).sum()
    expected = (p * counts.sum() - cost) / len(counts) * HOURS_PER_MONTH
    assert _amount(plan.monthly_savings) == pytest.approx(expected, rel=1e-9)


def test_joint_plan_returns_alternatives_in_one_xor_group(client: RecommenderClient) -> None:
    rng = np.random.default_rng(3)
    usage = {"a": rng.poisson(8, 400).astype(float), "b": rng.poisson(3, 400).astype(float)}
    rates = {"a": 0.4, "b": 0.3}
    offerings = [
        reserved_offering("ri-a", ["a"], hourly=0.24),
        spend_offering("sp", {"a": 0.28, "b": 0.21}),
    ]
    response = client.plan_commitments(commitment_request(usage, rates, offerings))
    assert len(response.plans) >= 2
    assert [p.rank for p in response.plans] == list(range(1, len(response.plans) + 1))
    groups = {p.xor_group_id for p in response.plans}
    assert len(groups) == 1 and groups.pop()
    joint = next(p for p in response.plans if p.title.startswith("Joint"))
    others = [p for p in response.plans if p is not joint]
    # The joint optimum saves at least as much as any restricted alternative.
    assert all(_amount(joint.monthly_savings) >= _amount(o.monthly_savings) - 1e-6 for o in others)
    assert len({p.plan_id for p in response.plans}) == len(response.plans)


def test_same_request_gives_same_plan_ids(client: RecommenderClient) -> None:
    rng = np.random.default_rng(8)
    request = commitment_request(
        {"a": rng.poisson(5, 200).astype(float)}, {"a": 1.0}, [spend_offering("sp", {"a": 0.7})]
    )
    first, second = client.plan_commitments(request), client.plan_commitments(request)
    assert [p.plan_id for p in first.plans] == [p.plan_id for p in second.plans]
    assert first.plans[0].monthly_savings == second.plans[0].monthly_savings


def test_request_above_default_grpc_limit_is_accepted(client: RecommenderClient) -> None:
    """A 5.6 MB request (the gRPC default receive limit is 4 MiB)."""
    hours = 35_040  # four years of hours repeating one random day: few distinct hours to solve
    rng = np.random.default_rng(2)
    usage = {f"c{i}": np.tile(rng.random(24), hours // 24) for i in range(20)}
    rates = dict.fromkeys(usage, 1.0)
    request = commitment_request(usage, rates, [spend_offering("sp", dict.fromkeys(usage, 0.7))])
    assert request.ByteSize() > 5 * 1024 * 1024
    response = client.plan_commitments(request, timeout=120)
    assert response.plans


def test_held_commitment_reduces_the_purchase_by_its_size(client: RecommenderClient) -> None:
    """A held spend commitment c0 of the same product: the optimal total is still the quantile rule's
    c*, so the purchase is max(0, c* - c0) (cost is sunk, capacity is not)."""
    rng = np.random.default_rng(21)
    usage = rng.gamma(4.0, 3.0, size=240).round(3)
    p, d = 1.0, 0.3
    offering = spend_offering("sp", {"vm": (1 - d) * p})
    k = math.ceil(d * len(usage))
    c_star = (1 - d) * p * np.sort(usage)[k - 1]
    request = commitment_request({"vm": usage}, {"vm": p}, [offering])
    request.existing_commitments.add(commitment_id="held-sp", terms=offering, quantity=c_star / 2)
    plan = client.plan_commitments(request).plans[0]
    assert plan.actions[0].quantity == pytest.approx(c_star - c_star / 2, rel=1e-6)
    # The baseline already includes the held commitment's coverage.
    held_cost = ((usage - np.minimum(usage, (c_star / 2) / ((1 - d) * p))) * p).sum()
    assert _amount(plan.baseline_monthly_cost) == pytest.approx(
        held_cost / len(usage) * HOURS_PER_MONTH, rel=1e-9
    )


def test_all_upfront_reserved_instance_break_even_month(client: RecommenderClient) -> None:
    """All-upfront RI, no cost of capital: effective hourly cost = upfront / 8,760 h. The count follows
    the break-even rule and the break-even month is upfront / monthly on-demand value covered."""
    rng = np.random.default_rng(9)
    counts = rng.poisson(4, size=400).astype(float)
    p, upfront = 0.1, 500.0
    offering = reserved_offering("ri-all-upfront", ["vm"], hourly=0.0, upfront=upfront)
    offering.payment_option = pb.PAYMENT_OPTION_ALL_UPFRONT
    plan = client.plan_commitments(commitment_request({"vm": counts}, {"vm": p}, [offering])).plans[0]
    r = upfront / 8760.0
    k_star = max([k for k in range(1, int(counts.max()) + 1) if (counts >= k).mean() >= r / p], default=0)
    action = plan.actions[0]
    assert action.quantity == k_star
    assert _amount(action.upfront_cost) == pytest.approx(upfront * k_star)
    covered_value_per_month = p * np.minimum(counts, k_star).mean() * HOURS_PER_MONTH
    assert action.break_even_months == pytest.approx(upfront * k_star / covered_value_per_month, rel=1e-6)


def test_break_even_usage_drop_and_stress_test_closed_form(client: RecommenderClient) -> None:
    """Constant usage u fully covered by a savings plan at discount d: savings at a usage drop x are
    (1 - x) u p - (1 - d) u p per hour, so the plan stops saving at x = d, and at the stress drop s
    it saves (d - s) u p per hour."""
    u, p, d, s = 10.0, 0.4, 0.27, 0.2
    request = commitment_request({"vm": [u] * 200}, {"vm": p}, [spend_offering("sp", {"vm": (1 - d) * p})])
    request.policy.stress_usage_drop = s
    plan = client.plan_commitments(request).plans[0]
    assert plan.actions[0].quantity == pytest.approx((1 - d) * p * u)
    assert d - 1 / 1600 - 1e-9 <= plan.risk.break_even_usage_drop <= d + 1e-9
    assert _amount(plan.risk.stressed_monthly_savings) == pytest.approx(
        (d - s) * u * p * HOURS_PER_MONTH, rel=1e-6
    )
