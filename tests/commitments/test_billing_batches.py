"""Batched and memoised billing give bit-for-bit the figures of one ``simulate`` call each."""

from __future__ import annotations

import numpy as np
import pytest

from solvers import billing
from solvers.billing import (
    BillingMemo,
    costs_under_scaling,
    costs_under_scaling_many,
    simulate,
    simulate_many,
)
from solvers.commitment_problem import CommitmentProblem, HeldCommitment, ReservedOffer, SpendOffer

FIELDS = ("capacity", "used", "covered_value", "covered_units", "on_demand_cost")


def _problem(rng: np.random.Generator) -> CommitmentProblem:
    """Random usage, multi-class reserved pools and spend offers, held commitments with gaps."""
    classes, hours = int(rng.integers(1, 30)), int(rng.integers(1, 50))
    usage = rng.gamma(2.0, 2.0, (hours, classes)) * (rng.random((hours, classes)) < 0.8)
    rate = rng.uniform(0.5, 2.0, classes)

    def scope() -> tuple[int, ...]:
        size = int(rng.integers(1, classes + 1))
        return tuple(sorted(rng.choice(classes, size, replace=False).tolist()))

    reserved = tuple(
        ReservedOffer(f"r{k}", scope(), float(rng.choice([1.0, 4.0])), 0.5) for k in range(rng.integers(0, 4))
    )
    spend = []
    for s in range(int(rng.integers(0, 4))):
        covered = scope()
        spend.append(
            SpendOffer(f"s{s}", covered, tuple(float(rate[j] * rng.uniform(0.5, 0.95)) for j in covered))
        )
    held = tuple(
        HeldCommitment(
            offer, float(rng.uniform(0, 5)), rng.random(hours) < 0.7 if rng.random() < 0.5 else None
        )
        for offer in (*reserved[:1], *spend[:1])
    )
    return CommitmentProblem(
        usage, rate, rng.choice([1.0, 2.0, 4.0, 8.0], classes), reserved, tuple(spend), held
    )


@pytest.mark.parametrize("seed", range(40))
def test_simulate_many_is_simulate_bit_for_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    problem = _problem(rng)
    count = int(rng.integers(1, 18))
    xs = [rng.uniform(0, 5, len(problem.reserved)) * rng.choice([0.0, 0.5, 1.0]) for _ in range(count)]
    cs = [rng.uniform(0, 5, len(problem.spend)) for _ in range(count)]
    for x, c, many in zip(xs, cs, simulate_many(problem, xs, cs), strict=True):
        one = simulate(problem, x, c)
        for name in FIELDS:
            assert getattr(many, name).tobytes() == getattr(one, name).tobytes(), name
        assert many.total_cost == one.total_cost
    factors = rng.uniform(0, 1, 5)
    for x, c, totals in zip(xs, cs, costs_under_scaling_many(problem, xs, cs, factors), strict=True):
        assert totals.tobytes() == costs_under_scaling(problem, x, c, factors).tobytes()


def test_memo_returns_the_first_billing_of_an_identical_purchase() -> None:
    problem = _problem(np.random.default_rng(7))
    memo = BillingMemo(problem)
    x, c = np.ones(len(problem.reserved)), np.full(len(problem.spend), 0.5)
    first = memo.bill(x, c)
    assert memo.bill(x.copy(), c.copy()) is first
    again, other = memo.bills([(x, c), (2 * x, c)])
    assert again is first and other.total_cost == simulate(problem, 2 * x, c).total_cost
    factors = np.array([0.5, 1.0])
    (totals,) = memo.costs_under_scaling([(x, c)], factors)
    assert memo.costs_under_scaling([(x, c)], factors.copy())[0] is totals
    assert not totals.flags.writeable


def test_memo_bills_in_bounded_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = _problem(np.random.default_rng(3))
    monkeypatch.setattr(billing, "BATCH_CELLS", 2 * problem.hours * problem.classes)
    calls: list[int] = []
    many = billing.simulate_many
    monkeypatch.setattr(billing, "simulate_many", lambda p, xs, cs: calls.append(len(xs)) or many(p, xs, cs))
    purchases = [(np.full(len(problem.reserved), k), np.full(len(problem.spend), k / 2)) for k in range(5)]
    bills = BillingMemo(problem).bills(purchases)
    assert calls == [2, 2]  # the fifth purchase alone goes through simulate
    for (x, c), bill in zip(purchases, bills, strict=True):
        assert bill.on_demand_cost.tobytes() == simulate(problem, x, c).on_demand_cost.tobytes()
