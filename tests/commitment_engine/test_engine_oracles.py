"""The cutting-plane engine against independent oracles.

* random small instances with every feature (reserved-only, spend-only, mixed, held
  commitments with expiries, caps, upfront budget, whole units; crossing scopes where
  billing is not the cheapest allocation): the engine's bound equals the optimum of
  the independent scipy MILP (``scenario_oracle`` with one scenario) and of the
  straightforward PuLP LP, its objective (billed) is never below it, and its gap
  certificate is honest;
* instance families where billing is the cheapest allocation: optimal, gap ≤ 1e-6,
  every cut tight (``exact_billing``);
* scenarios and CVaR: the engine equals the scipy scenario MILP; λ = 0 is the
  expected-cost optimum; β = 0 makes CVaR the mean; β ≥ 1 − min π makes it the max;
  a lock-in cap is respected and priced as in the oracle.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from solvers.commitment_engine import RiskSpec, Scenario, cvar_of, solve_engine, solve_scenarios
from solvers.commitment_problem import CommitmentProblem, HeldCommitment, ReservedOffer, SpendOffer
from solvers.commitments import solve_commitments_lp
from solvers.result import SolveStatus
from tests.commitment_engine.conftest import OracleScenario, oracle_scenarios, scenario_oracle

SEEDS = range(40)


def _scope(rng: np.random.Generator, classes: int) -> tuple[int, ...]:
    size = int(rng.integers(1, classes + 1))
    return tuple(sorted(rng.choice(classes, size=size, replace=False).tolist()))


def random_problem(seed: int, kind: str, whole: bool) -> CommitmentProblem:
    rng = np.random.default_rng([seed, len(kind), int(whole)])
    hours, classes = int(rng.integers(2, 30)), int(rng.integers(1, 4))
    usage = rng.poisson(3.0, size=(hours, classes)).astype(float)
    if rng.random() < 0.5:
        usage = usage * rng.uniform(0.5, 1.5, size=usage.shape)
    usage[rng.random(usage.shape) < 0.1] = 0.0
    price = rng.uniform(0.5, 3.0, classes)
    norm = rng.choice([1.0, 2.0, 4.0], classes) if rng.random() < 0.5 else np.ones(classes)
    reserved, spend, held = [], [], []
    if kind in ("reserved", "mixed"):
        for k in range(int(rng.integers(1, 4))):
            cov = _scope(rng, classes)
            size = float(rng.choice([1.0, 2.0, 4.0]))
            reserved.append(
                ReservedOffer(
                    f"ri{k}",
                    cov,
                    size,
                    size * float(np.mean(price[list(cov)] / norm[list(cov)])) * float(rng.uniform(0.4, 0.95)),
                    upfront_per_unit=float(rng.uniform(0, 50)),
                    whole_units=whole and rng.random() < 0.8,
                    max_units=math.inf if rng.random() < 0.7 else float(rng.integers(0, 5)),
                )
            )
    if kind in ("spend", "mixed"):
        for s in range(int(rng.integers(1, 3))):
            cov = _scope(rng, classes)
            spend.append(
                SpendOffer(
                    f"sp{s}",
                    cov,
                    tuple(float(price[j] * rng.uniform(0.4, 0.95)) for j in cov),
                    cost_per_commitment=1.0 if rng.random() < 0.5 else float(rng.uniform(0.85, 1.05)),
                    upfront_per_commitment=float(rng.uniform(0, 100)),
                    max_commitment=math.inf if rng.random() < 0.7 else float(rng.uniform(0, 4)),
                )
            )
    if rng.random() < 0.6:
        offer = (reserved or spend)[0]
        active = np.arange(hours) < int(rng.integers(0, hours + 1))
        held.append(HeldCommitment(offer, float(rng.integers(1, 3)), active))
    budget = math.inf if rng.random() < 0.5 else float(rng.uniform(0, 150))
    return CommitmentProblem(usage, price, norm, tuple(reserved), tuple(spend), tuple(held), budget)


def _single(problem: CommitmentProblem) -> list[OracleScenario]:
    return oracle_scenarios(problem, [problem.usage], [1.0])


@pytest.mark.parametrize("whole", [False, True], ids=["fractional", "whole"])
@pytest.mark.parametrize("kind", ["reserved", "spend", "mixed"])
@pytest.mark.parametrize("seed", SEEDS)
def test_engine_matches_independent_milp(seed: int, kind: str, whole: bool) -> None:
    problem = random_problem(seed, kind, whole)
    expected, _, _ = scenario_oracle(problem, _single(problem))
    sol = solve_engine(problem)
    rep = sol.report
    tol = 1e-6 * max(1.0, abs(expected))
    # Honest certificate: bound ≤ optimum ≤ objective, and the bound is the optimum.
    assert rep.bound <= expected + tol
    assert rep.objective >= expected - tol
    assert rep.bound == pytest.approx(expected, rel=1e-6, abs=1e-6)
    if sol.exact_billing:
        assert rep.status is SolveStatus.OPTIMAL
        assert rep.objective == pytest.approx(expected, rel=1e-6, abs=1e-6)
    if rep.status is SolveStatus.OPTIMAL:
        assert rep.relative_gap <= 1e-6
    # The purchase is feasible.
    x, c = sol.reserved_units, sol.spend_commitment
    for units, offer in zip(x, problem.reserved, strict=True):
        assert -1e-9 <= units <= offer.max_units + 1e-9
        if offer.whole_units:
            assert units == round(units)
    for q, offer in zip(c, problem.spend, strict=True):
        assert -1e-9 <= q <= offer.max_commitment + 1e-9
    if math.isfinite(problem.max_upfront):
        up = sum(u * o.upfront_per_unit for u, o in zip(x, problem.reserved, strict=True))
        up += sum(q * o.upfront_per_commitment for q, o in zip(c, problem.spend, strict=True))
        assert up <= problem.max_upfront * (1 + 1e-7) + 1e-7


@pytest.mark.parametrize("seed", range(12))
def test_engine_matches_straightforward_lp(seed: int) -> None:
    problem = random_problem(seed, "mixed", seed % 2 == 0)
    lp = solve_commitments_lp(problem).report
    eng = solve_engine(problem).report
    assert eng.bound == pytest.approx(lp.bound, rel=1e-6, abs=1e-6)
    assert eng.objective <= lp.objective + 1e-6 * max(1.0, abs(lp.objective))


def _family(seed: int) -> CommitmentProblem:
    """Billing is the cheapest allocation: a size-flexible pool with linear prices, a
    single-class pool, an instance plan with one discount per class set and a broad
    plan with one discount on the narrow plan's classes; a held plan of the same rates."""
    rng = np.random.default_rng([7, seed])
    hours = int(rng.integers(5, 60))
    norm = np.array([1.0, 2.0, 4.0, 1.0])
    unit_price = float(rng.uniform(0.5, 1.5))
    price = np.array([unit_price, 2 * unit_price, 4 * unit_price, float(rng.uniform(0.5, 3.0))])
    usage = rng.poisson([4.0, 2.0, 1.0, 3.0], size=(hours, 4)).astype(float)
    pool = ReservedOffer(
        "pool",
        (0, 1, 2),
        1.0,
        unit_price * float(rng.uniform(0.45, 0.7)),
        whole_units=bool(rng.random() < 0.5),
    )
    single = ReservedOffer("single", (3,), 1.0, price[3] * float(rng.uniform(0.45, 0.7)), whole_units=True)
    d_narrow = float(rng.uniform(0.25, 0.45))
    narrow = SpendOffer("instance_sp", (0, 1, 2), tuple(float(p * (1 - d_narrow)) for p in price[:3]))
    d_broad = float(rng.uniform(0.1, d_narrow))
    broad = SpendOffer("compute_sp", (0, 1, 2, 3), tuple(float(p * (1 - d_broad)) for p in price))
    held = (HeldCommitment(narrow, 0.5, np.arange(hours) < hours // 2),)
    return CommitmentProblem(usage, price, norm, (pool, single), (narrow, broad), held)


@pytest.mark.parametrize("seed", range(15))
def test_exact_billing_families_are_certified_optimal(seed: int) -> None:
    problem = _family(seed)
    expected, _, _ = scenario_oracle(problem, _single(problem))
    sol = solve_engine(problem)
    assert sol.exact_billing
    assert sol.report.status is SolveStatus.OPTIMAL
    assert sol.report.relative_gap <= 1e-6
    assert sol.report.objective == pytest.approx(expected, rel=1e-6, abs=1e-6)


def _scenario_case(seed: int) -> tuple[CommitmentProblem, list[np.ndarray], list[float]]:
    problem = _family(seed)
    rng = np.random.default_rng([11, seed])
    base = problem.usage
    usages = [base, np.floor(base * rng.uniform(1.1, 1.6)), np.floor(base * rng.uniform(0.2, 0.7))]
    probs = [float(v) for v in rng.dirichlet([3.0, 1.0, 1.0])]
    return problem, usages, probs


@pytest.mark.parametrize("lam,beta", [(0.0, 0.9), (0.5, 0.8), (2.0, 0.5), (1.0, 0.0), (1.0, 0.99)])
@pytest.mark.parametrize("seed", range(6))
def test_cvar_engine_matches_scenario_milp(seed: int, lam: float, beta: float) -> None:
    problem, usages, probs = _scenario_case(seed)
    expected, _, _ = scenario_oracle(problem, oracle_scenarios(problem, usages, probs), lam=lam, beta=beta)
    sol = solve_scenarios(
        problem,
        [Scenario(p, usage=u) for u, p in zip(usages, probs, strict=True)],
        RiskSpec(cvar_weight=lam, cvar_level=beta),
    )
    assert sol.report.status is SolveStatus.OPTIMAL
    assert sol.report.objective == pytest.approx(expected, rel=1e-6, abs=1e-6)
    # The reported figures are those of the purchase, billed in each scenario.
    cvar, _ = cvar_of(sol.scenario_costs, sol.scenario_probabilities, beta)
    assert sol.expected_cost + lam * cvar == pytest.approx(sol.report.objective, rel=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_weighted_objective_on_losses_matches_scenario_milp(seed: int) -> None:
    """(1 − λ)·E[loss] + λ·CVaR[loss], loss = cost − offset (e.g. the do-nothing cost)."""
    problem, usages, probs = _scenario_case(seed)
    rates = problem.on_demand_rate
    offsets = [float((u @ rates).sum()) for u in usages]  # on-demand cost of each scenario
    lam = 0.4
    expected, _, _ = scenario_oracle(
        problem,
        oracle_scenarios(problem, usages, probs),
        lam=lam,
        beta=0.75,
        expected_weight=1 - lam,
        offsets=offsets,
    )
    scen = [Scenario(p, usage=u, offset=o) for u, p, o in zip(usages, probs, offsets, strict=True)]
    sol = solve_scenarios(problem, scen, RiskSpec(cvar_weight=lam, cvar_level=0.75, expected_weight=1 - lam))
    assert sol.report.status is SolveStatus.OPTIMAL
    assert sol.report.objective == pytest.approx(expected, rel=1e-6, abs=1e-6)
    assert sol.report.objective <= 0.0  # never worse than buying nothing


@pytest.mark.parametrize("seed", range(6))
def test_cvar_edge_levels(seed: int) -> None:
    problem, usages, probs = _scenario_case(seed)
    scen = [Scenario(p, usage=u) for u, p in zip(usages, probs, strict=True)]
    # beta = 0: CVaR is the mean, so the optimum is (1 + λ) × the expected-cost optimum.
    neutral = solve_scenarios(problem, scen, RiskSpec(cvar_weight=0.0))
    mean = solve_scenarios(problem, scen, RiskSpec(cvar_weight=1.5, cvar_level=0.0))
    assert mean.report.objective == pytest.approx(2.5 * neutral.report.objective, rel=1e-6)
    # 1 - beta <= min probability: CVaR is the worst scenario's cost.
    beta = 1.0 - min(probs) / (sum(probs) * 1.01)
    worst = solve_scenarios(problem, scen, RiskSpec(cvar_weight=1.0, cvar_level=beta))
    assert worst.cvar == pytest.approx(float(worst.scenario_costs.max()), rel=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_expected_cost_with_hour_weights_equals_stacked_scenarios(seed: int) -> None:
    """Bootstrap-style scenarios (weights on the base hours) = the oracle with those weights."""
    problem = _family(seed)
    rng = np.random.default_rng([13, seed])
    weights = [rng.integers(0, 3, problem.hours).astype(float) for _ in range(3)]
    probs = [0.5, 0.3, 0.2]
    active = [np.ones(problem.hours) if h.active is None else h.active.astype(float) for h in problem.held]
    oracle = [OracleScenario(problem.usage, w, p, active) for w, p in zip(weights, probs, strict=True)]
    expected, _, _ = scenario_oracle(problem, oracle, lam=0.7, beta=0.6)
    sol = solve_scenarios(
        problem,
        [Scenario(p, hour_weights=w) for w, p in zip(weights, probs, strict=True)],
        RiskSpec(cvar_weight=0.7, cvar_level=0.6),
    )
    assert sol.report.objective == pytest.approx(expected, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("seed", range(6))
def test_lock_in_cap(seed: int) -> None:
    problem, usages, probs = _scenario_case(seed)
    terms = {"pool": 26280.0, "single": 8760.0, "instance_sp": 26280.0, "compute_sp": 8760.0}
    hourly = [o.unit_cost for o in problem.reserved] + [o.cost_per_commitment for o in problem.spend]
    lock = np.array(
        [h * terms[o.offering_id] for h, o in zip(hourly, (*problem.reserved, *problem.spend), strict=True)]
    )
    free = solve_scenarios(problem, [Scenario(p, usage=u) for u, p in zip(usages, probs, strict=True)])
    free_lock = float(lock @ np.concatenate([free.reserved_units, free.spend_commitment]))
    cap = 0.5 * free_lock
    expected, _, _ = scenario_oracle(
        problem, oracle_scenarios(problem, usages, probs), lock_in=lock, max_lock_in=cap
    )
    sol = solve_scenarios(
        problem,
        [Scenario(p, usage=u) for u, p in zip(usages, probs, strict=True)],
        RiskSpec(max_lock_in=cap, lock_in_term_hours=terms),
    )
    assert sol.lock_in <= cap * (1 + 1e-7) + 1e-7
    assert sol.report.objective == pytest.approx(expected, rel=1e-6, abs=1e-6)
    if free_lock > 0:
        assert any(b.name == "lock_in" for b in sol.report.binding)


def test_bad_scenarios_are_rejected() -> None:
    problem = _family(0)
    with pytest.raises(ValueError, match=r"scenarios\[1\].usage"):
        solve_scenarios(problem, [Scenario(1.0), Scenario(1.0, usage=np.ones((3, 2)))])
    with pytest.raises(ValueError, match=r"scenarios\[0\].probability"):
        solve_scenarios(problem, [Scenario(0.0)])
    with pytest.raises(ValueError, match="lock_in_term_hours"):
        solve_scenarios(problem, [Scenario(1.0)], RiskSpec(max_lock_in=10.0))


def test_time_limit_returns_a_feasible_purchase_with_an_honest_gap() -> None:
    from bench.commitment_instances import make_instance

    problem = make_instance(12, 24 * 60, 3)
    sol = solve_engine(problem, time_limit=0.05)
    assert sol.report.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    assert sol.report.bound <= sol.report.objective + 1e-9
    if sol.report.status is SolveStatus.FEASIBLE:
        assert sol.report.relative_gap > 1e-6 or not math.isfinite(sol.report.bound)


@pytest.mark.parametrize("whole", [False, True], ids=["fractional", "whole"])
@pytest.mark.parametrize("seed", range(20))
def test_trust_region_stabilisation_matches_independent_milp(seed: int, whole: bool) -> None:
    """The box trust region (default from 50 purchase variables) certifies the same optimum."""
    problem = random_problem(seed, "mixed", whole)
    expected, _, _ = scenario_oracle(problem, _single(problem))
    sol = solve_scenarios(problem, [Scenario()], trust_region=True)
    assert sol.report.bound <= expected + 1e-6 * max(1.0, abs(expected))
    assert sol.report.bound == pytest.approx(expected, rel=1e-6, abs=1e-6)
    assert sol.report.objective >= expected - 1e-6 * max(1.0, abs(expected))
    for units, offer in zip(sol.reserved_units, problem.reserved, strict=True):
        if offer.whole_units:
            assert units == round(units)
