"""``solve_commitments`` against an independently written time-expanded LP/MILP.

The oracle (``TimeExpandedLP`` in conftest.py) is built from the mathematical
definition with one variable per hour x instrument x class (no hour merging, no
objective constant) and solved with ``scipy.optimize.milp``. Random small instances
mix every feature: reserved offers with overlapping scopes and size normalisation,
spend offers with different rates and scopes, held commitments (reserved and spend)
with activity masks, max_units / max_commitment caps and an upfront budget.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from solvers.commitment_problem import CommitmentProblem, HeldCommitment, ReservedOffer, SpendOffer
from solvers.commitments import solve_commitments
from solvers.result import SolveStatus

SEEDS = range(100)


def _scope(rng: np.random.Generator, classes: int) -> tuple[int, ...]:
    size = int(rng.integers(1, classes + 1))
    return tuple(sorted(rng.choice(classes, size=size, replace=False).tolist()))


def random_problem(seed: int, whole_units: bool) -> CommitmentProblem:
    """A small random instance; ``whole_units`` makes most reserved offers integral."""
    rng = np.random.default_rng([seed, int(whole_units)])
    hours, classes = int(rng.integers(2, 49)), int(rng.integers(1, 5))
    shape = rng.integers(0, 3)
    if shape == 0:
        usage = rng.gamma(2.0, 2.0, size=(hours, classes))
    elif shape == 1:
        usage = rng.poisson(3.0, size=(hours, classes)).astype(float)
    else:  # few distinct hours: exercises merging of identical hours
        usage = rng.poisson(2.0, size=(4, classes)).astype(float)[rng.integers(0, 4, size=hours)]
    usage[rng.random((hours, classes)) < 0.1] = 0.0
    price = rng.uniform(0.5, 3.0, classes)
    norm = rng.choice([1.0, 2.0, 4.0], classes) if rng.random() < 0.5 else np.ones(classes)

    reserved = []
    for k in range(int(rng.integers(0, 4))):
        cov = _scope(rng, classes)
        size = float(rng.choice([0.5, 1.0, 2.0, 4.0]))
        unit_cost = size * float(np.mean(price[list(cov)] / norm[list(cov)])) * float(rng.uniform(0.4, 0.95))
        reserved.append(
            ReservedOffer(
                f"ri{k}",
                cov,
                size,
                unit_cost,
                upfront_per_unit=float(rng.uniform(0, 100)) if rng.random() < 0.5 else 0.0,
                whole_units=bool(whole_units and rng.random() < 0.8),
                max_units=math.inf if rng.random() < 0.7 else float(rng.integers(0, 4)),
            )
        )
    spend = []
    for s in range(int(rng.integers(0, 4))):
        cov = _scope(rng, classes)
        spend.append(
            SpendOffer(
                f"sp{s}",
                cov,
                tuple(float(price[j] * rng.uniform(0.4, 0.95)) for j in cov),
                cost_per_commitment=1.0 if rng.random() < 0.5 else float(rng.uniform(0.85, 1.05)),
                upfront_per_commitment=float(rng.uniform(0, 200)) if rng.random() < 0.5 else 0.0,
                max_commitment=math.inf if rng.random() < 0.7 else float(rng.uniform(0, 5)),
            )
        )
    held = []
    for h in range(int(rng.integers(0, 3))):
        cov = _scope(rng, classes)
        if rng.random() < 0.5:
            offer: ReservedOffer | SpendOffer = ReservedOffer(
                f"held{h}", cov, float(rng.choice([1.0, 2.0])), 0.3
            )
            quantity = float(rng.integers(1, 4))
        else:
            offer = SpendOffer(f"held{h}", cov, tuple(float(price[j] * rng.uniform(0.4, 0.95)) for j in cov))
            quantity = float(rng.uniform(0.5, 4.0))
        draw = rng.random()
        if draw < 0.4:
            active = None
        elif draw < 0.8:  # expires part-way through the window
            active = np.arange(hours) < rng.integers(0, hours + 1)
        else:
            active = rng.random(hours) < 0.5
        held.append(HeldCommitment(offer, quantity, active))
    budget = math.inf if rng.random() < 0.5 else float(rng.uniform(0, 300))
    return CommitmentProblem(usage, price, norm, tuple(reserved), tuple(spend), tuple(held), budget)


@pytest.mark.parametrize("whole_units", [False, True], ids=["fractional", "whole"])
@pytest.mark.parametrize("seed", SEEDS)
def test_objective_matches_independent_lp(seed: int, whole_units: bool, oracle_lp) -> None:
    """The model's optimum equals the independent LP/MILP's, to 1e-6 relative.

    The solver reports the provider-billed cost of its purchase as the objective and
    the model's value as the bound; they coincide when the billing order is the
    cheapest allocation, and otherwise the billed cost is higher (FEASIBLE, gap > 0).
    Also: the purchase is feasible (integral where required, within caps and budget)
    and, allocated by the oracle's cheapest allocation, costs the model's value.
    """
    problem = random_problem(seed, whole_units)
    oracle = oracle_lp(problem)
    expected = oracle.solve().cost

    sol = solve_commitments(problem)
    assert sol.report.bound == pytest.approx(expected, rel=1e-6, abs=1e-6)
    assert sol.report.objective >= expected - 1e-6 * max(1.0, abs(expected))
    if sol.report.status is SolveStatus.OPTIMAL:
        assert sol.report.objective == pytest.approx(expected, rel=1e-6, abs=1e-6)
    else:
        assert sol.report.status is SolveStatus.FEASIBLE and sol.report.objective > expected

    x, c = sol.reserved_units, sol.spend_commitment
    assert x.shape == (len(problem.reserved),) and c.shape == (len(problem.spend),)
    assert (x >= 0).all() and (c >= 0).all()
    for units, offer in zip(x, problem.reserved, strict=True):
        assert units <= offer.max_units + 1e-9
        if offer.whole_units:
            assert units == round(units)
    for commitment, offer in zip(c, problem.spend, strict=True):
        assert commitment <= offer.max_commitment + 1e-9
    upfront = sum(u * o.upfront_per_unit for u, o in zip(x, problem.reserved, strict=True))
    upfront += sum(q * o.upfront_per_commitment for q, o in zip(c, problem.spend, strict=True))
    assert upfront <= problem.max_upfront + 1e-6 * max(
        1.0, problem.max_upfront if math.isfinite(problem.max_upfront) else 1.0
    )
    assert oracle.cost_of(x, c) == pytest.approx(sol.report.bound, rel=1e-6, abs=1e-6)


def test_random_instances_exercise_every_feature() -> None:
    """Guard against a generator that silently stops producing the hard features."""
    problems = [random_problem(seed, whole) for seed in SEEDS for whole in (False, True)]
    assert sum(any(o.whole_units for o in p.reserved) for p in problems) >= 30
    assert sum(any(not o.whole_units for o in p.reserved) for p in problems) >= 30
    assert sum(len(p.spend) >= 2 for p in problems) >= 20
    assert sum(any(h.active is not None for h in p.held) for p in problems) >= 20
    assert sum(math.isfinite(p.max_upfront) for p in problems) >= 30
    assert sum(any(math.isfinite(o.max_units) for o in p.reserved) for p in problems) >= 10
    assert sum(any(math.isfinite(o.max_commitment) for o in p.spend) for p in problems) >= 10
    assert sum(len(set(p.normalization)) > 1 for p in problems) >= 20
