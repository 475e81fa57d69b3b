"""Sequenced plan vs commit-first, against an independent brute-force computation.

Oracle: the m5 RI is size-flexible (16 normalised units per RI; m5.2xlarge uses 16, m5.large
4; both cost 0.024 per normalised unit-hour on demand). A purchase of n RIs costs, per hour,
n x 0.242 + max(0, units_t - 16 n) x 0.024; the optimum n is found by enumerating n.
Commit-first sizes n on today's usage and bills it on the usage right-sizing leaves; the
sequenced plan sizes n on that usage directly.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from recommender.api.v1 import common_pb2 as pb
from tests.recommend import scenarios as sc
from tests.recommend.helpers import breakdown_of, money, plan_by_profile, run

PER_UNIT = sc.RATE[sc.BIG] / 16


def _cost(units: np.ndarray, n: int) -> float:
    return float((n * sc.RI_HOURLY + np.maximum(units - 16 * n, 0.0) * PER_UNIT).sum())


def _best(units: np.ndarray) -> int:
    costs = [_cost(units, n) for n in range(0, 20)]
    return int(np.argmin(costs))


def _oracle(big: np.ndarray, moved: int) -> tuple[float, float, int, int]:
    """(commit-first monthly cost, sequenced monthly cost, n first, n sequenced) on the ledger."""
    today = 16 * big
    mean = big.mean()
    post = 16 * big * (1 - moved / mean) + 4 * moved * big / mean
    n_first, n_seq = _best(today), _best(post)
    scale = 730 / len(big)
    return _cost(post, n_first) * scale, _cost(post, n_seq) * scale, n_first, n_seq


@pytest.mark.parametrize(
    "big",
    [
        np.full(sc.HOURS, 10.0),
        np.where(np.arange(sc.HOURS) % 24 < 8, 8.0, 11.0),
    ],
    ids=["flat", "daily-cycle"],
)
def test_sequenced_beats_commit_first_by_the_oracle(big: np.ndarray) -> None:
    request = sc.worked_example()
    request.commitments.CopyFrom(sc.commitments(big=big))
    response = run(request)
    plan = plan_by_profile(response, pb.RISK_PROFILE_BALANCED)
    seq = breakdown_of(response, plan).sequencing
    first_cost, seq_cost, n_first, n_seq = _oracle(big, moved=4)
    buy = next(a for a in plan.actions if a.type == pb.ACTION_TYPE_PURCHASE_RESERVED_INSTANCES)
    assert buy.quantity == n_seq
    assert float(money(seq.commit_first_monthly_cost)) == pytest.approx(first_cost, abs=1e-6)
    assert float(money(seq.sequenced_monthly_cost)) == pytest.approx(seq_cost, abs=1e-6)
    assert float(money(seq.sequenced_advantage)) == pytest.approx(first_cost - seq_cost, abs=1e-6)
    assert first_cost > seq_cost and n_first > n_seq
    advantage = f"{first_cost - seq_cost:,.2f} USD/month more"
    assert advantage in plan.explanation


def test_worked_example_figures() -> None:
    """The figures quoted in docs/recommend.md."""
    response = run(sc.worked_example())
    plan = plan_by_profile(response, pb.RISK_PROFILE_BALANCED)
    seq = breakdown_of(response, plan).sequencing
    assert money(seq.commit_first_monthly_cost) == 10 * Decimal("0.242") * 730
    assert money(seq.sequenced_monthly_cost) == 7 * Decimal("0.242") * 730
    assert money(seq.sequenced_advantage) == 3 * Decimal("0.242") * 730
    assert seq.commit_first_utilization == pytest.approx(0.7)
    assert seq.sequenced_utilization == pytest.approx(1.0)
    assert money(seq.commit_first_unused_commitment) == 3 * Decimal("0.242") * 730
