"""The scenario / CVaR commitment LP against independent oracles.

* random small instances (scenarios, blocks, held commitments, laddered candidates with
  information groups, CVaR, lock-in cap, upfront budget) against the scipy model in
  conftest.py;
* λ = 0: the expected-cost optimum of one class under a uniform discount is the
  probability-weighted d-quantile of pooled hourly usage (closed form);
* one scenario: any λ gives the deterministic optimum (quantile rule, break-even rule);
* λ = 1: the CVaR-optimal coverage found by brute force over the breakpoints.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from solvers.commitment_problem import ReservedOffer, SpendOffer
from solvers.commitment_scenarios import (
    Block,
    Candidate,
    HeldInstrument,
    ScenarioProblem,
    cvar_of,
    solve_scenarios,
)
from solvers.result import SolveStatus


def _random_problem(seed: int) -> ScenarioProblem:
    rng = np.random.default_rng(seed)
    classes = int(rng.integers(1, 4))
    omega = int(rng.integers(1, 4))
    price = rng.uniform(0.5, 2.0, classes)
    norm = rng.choice([1.0, 2.0], classes)
    edges = np.array([0.0, 10.0, 20.0, 30.0])
    blocks = []
    for w in range(omega):
        for b in range(3):
            rows = int(rng.integers(1, 4))
            weight = rng.dirichlet(np.ones(rows)) * 10.0
            usage = rng.gamma(2.0, 1.5, size=(rows, classes)) * rng.uniform(0.5, 1.5)
            usage[rng.random(usage.shape) < 0.1] = 0.0
            blocks.append(Block(w, float(edges[b]), float(edges[b + 1]), usage, weight))
    probs = rng.dirichlet(np.ones(omega))

    def scope() -> tuple[int, ...]:
        size = int(rng.integers(1, classes + 1))
        return tuple(sorted(rng.choice(classes, size=size, replace=False).tolist()))

    def offer(name: str) -> ReservedOffer | SpendOffer:
        cov = scope()
        if rng.random() < 0.5:
            size = float(rng.choice([1.0, 2.0]))
            return ReservedOffer(
                name, cov, size, size * float(np.mean(price[list(cov)] / norm[list(cov)])) * 0.6
            )
        return SpendOffer(name, cov, tuple(float(price[j] * rng.uniform(0.5, 0.9)) for j in cov))

    held = [
        HeldInstrument(
            offer(f"h{h}"), float(rng.uniform(0.5, 2.0)), 0.0, float(rng.choice([10.0, 20.0, math.inf]))
        )
        for h in range(int(rng.integers(0, 3)))
    ]
    candidates = []
    for k in range(int(rng.integers(1, 4))):
        start = float(rng.choice([0.0, 0.0, 10.0, 20.0]))
        groups = None
        if start > 0 and omega > 1 and rng.random() < 0.6:
            groups = tuple(int(g) for g in rng.integers(0, 2, omega))
            groups = tuple(sorted(set(groups)).index(g) for g in groups)
        o = offer(f"c{k}")
        candidates.append(
            Candidate(
                o,
                start_hour=start,
                duration_hours=float(rng.choice([10.0, 20.0, math.inf])),
                max_quantity=math.inf if rng.random() < 0.7 else float(rng.integers(1, 4)),
                whole_units=isinstance(o, ReservedOffer) and rng.random() < 0.6,
                groups=groups,
                lock_in_per_unit=float(rng.uniform(1, 10)),
                upfront_per_unit=float(rng.uniform(0, 5)),
            )
        )
    return ScenarioProblem(
        on_demand_rate=price,
        normalization=norm,
        probabilities=probs,
        blocks=tuple(blocks),
        held=tuple(held),
        candidates=tuple(candidates),
        offsets=rng.uniform(0, 50, omega) if rng.random() < 0.5 else None,
        risk_aversion=float(rng.choice([0.0, 0.3, 0.7, 1.0])),
        cvar_level=float(rng.choice([0.0, 0.5, 0.8])),
        max_lock_in=math.inf if rng.random() < 0.6 else float(rng.uniform(0, 10)),
        max_upfront=math.inf if rng.random() < 0.7 else float(rng.uniform(0, 5)),
    )


@pytest.mark.parametrize("seed", range(40))
def test_matches_independent_scipy_model(seed: int, scenario_oracle) -> None:
    problem = _random_problem(seed)
    oracle = scenario_oracle(problem)
    expected = oracle.solve()
    sol = solve_scenarios(problem)
    assert sol.report.status is SolveStatus.OPTIMAL
    lam, beta = problem.risk_aversion, problem.cvar_level
    probs = problem.probabilities
    ours = (1 - lam) * float(probs @ sol.losses) + lam * sol.cvar
    assert ours == pytest.approx(expected.objective, rel=1e-6, abs=1e-6)
    assert sol.report.objective == pytest.approx(expected.objective, rel=1e-6, abs=1e-6)
    # The plan, costed by the oracle's own risk-neutral model with quantities fixed (each
    # scenario's cheapest allocation), has the same losses (λ = 1 leaves non-tail scenarios free).
    neutral = ScenarioProblem(**{**problem.__dict__, "risk_aversion": 0.0})
    fixed = scenario_oracle(neutral).solve(fixed=sol.quantities)
    if lam < 1:
        np.testing.assert_allclose(fixed.losses, sol.losses, rtol=1e-6, atol=1e-6)
    # Non-anticipativity: quantities are equal within each information group.
    for i, c in enumerate(problem.candidates):
        groups = c.groups or (0,) * problem.scenarios
        for g in set(groups):
            vals = sol.quantities[i, [w for w in range(problem.scenarios) if groups[w] == g]]
            assert np.ptp(vals) == 0.0
    if lam > 0:
        assert sol.cvar == pytest.approx(cvar_of(fixed.losses, probs, beta), rel=1e-6, abs=1e-6)


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, level: float) -> float:
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order]) / weights.sum()
    return float(values[order][np.searchsorted(cum, level - 1e-12)])


@pytest.mark.parametrize("seed", range(6))
def test_risk_neutral_optimum_is_the_weighted_quantile(seed: int) -> None:
    """λ = 0, one class, uniform discount d: q* is the d-quantile of usage weighted by π_ω × hours."""
    rng = np.random.default_rng(100 + seed)
    p, d = 1.3, float(rng.choice([0.27, 0.41, 0.62]))
    omega = 3
    probs = rng.dirichlet(np.ones(omega))
    blocks, values, weights = [], [], []
    for w in range(omega):
        u = rng.gamma(2.0, 3.0, 7) * (0.5 + w)
        wt = rng.dirichlet(np.ones(7)) * 100
        blocks.append(Block(w, 0.0, 100.0, u[:, None], wt))
        values.append(u)
        weights.append(wt * probs[w])
    problem = ScenarioProblem(
        np.array([p]),
        np.ones(1),
        probs,
        tuple(blocks),
        candidates=(Candidate(SpendOffer("sp", (0,), ((1 - d) * p,))),),
    )
    sol = solve_scenarios(problem)
    q = _weighted_quantile(np.concatenate(values), np.concatenate(weights), d)

    def expected_cost(level: float) -> float:
        return sum(
            probs[w] * float(blocks[w].weight @ ((1 - d) * p * level + p * np.maximum(values[w] - level, 0)))
            for w in range(omega)
        )

    assert float(probs @ sol.scenario_costs) == pytest.approx(expected_cost(q), rel=1e-9)
    assert sol.quantities[0, 0] / ((1 - d) * p) == pytest.approx(q, rel=1e-7)


@pytest.mark.parametrize("lam", [0.0, 0.5, 1.0])
def test_one_scenario_gives_the_deterministic_optimum(lam: float) -> None:
    """With one scenario CVaR = expected loss: the quantile and break-even rules hold for any λ."""
    rng = np.random.default_rng(7)
    usage = rng.poisson(6, 200).astype(float)
    p, r, d = 0.2, 0.13, 0.35
    block = Block(0, 0.0, 200.0, usage[:, None], np.ones(200))
    ri = ScenarioProblem(
        np.array([p]),
        np.ones(1),
        np.ones(1),
        (block,),
        candidates=(Candidate(ReservedOffer("ri", (0,), 1.0, r), whole_units=True),),
        risk_aversion=lam,
        cvar_level=0.8,
    )
    k_star = max(k for k in range(0, 20) if k == 0 or (usage >= k).mean() >= r / p)
    assert solve_scenarios(ri).quantities[0, 0] == k_star
    sp = ScenarioProblem(
        np.array([p]),
        np.ones(1),
        np.ones(1),
        (block,),
        candidates=(Candidate(SpendOffer("sp", (0,), ((1 - d) * p,))),),
        risk_aversion=lam,
        cvar_level=0.8,
    )
    sol = solve_scenarios(sp)
    q = np.sort(usage)[math.ceil(d * 200) - 1]
    cost = ((1 - d) * p * q + p * np.maximum(usage - q, 0)).sum()
    assert sol.scenario_costs[0] == pytest.approx(cost, rel=1e-9)


@pytest.mark.parametrize("beta", [0.5, 0.75, 0.9])
def test_cvar_optimum_matches_brute_force(beta: float) -> None:
    """λ = 1 with the do-nothing cost as offset: minimise CVaR_β of the loss against on demand.

    Scenario ω has constant usage u_ω for T hours; loss(q) = T p ((1-d) q - min(u_ω, q)), piecewise
    linear in q with breakpoints at the u_ω, so the CVaR optimum is at 0 or one of them.
    """
    rng = np.random.default_rng(int(beta * 100))
    p, d, hours = 1.0, 0.3, 50.0
    levels = rng.uniform(1, 10, 6)
    probs = rng.dirichlet(np.ones(6))
    blocks = tuple(Block(w, 0.0, hours, np.array([[levels[w]]]), np.array([hours])) for w in range(6))
    problem = ScenarioProblem(
        np.array([p]),
        np.ones(1),
        probs,
        blocks,
        candidates=(Candidate(SpendOffer("sp", (0,), ((1 - d) * p,))),),
        offsets=p * levels * hours,
        risk_aversion=1.0,
        cvar_level=beta,
    )

    def cvar_at(q: float) -> float:
        loss = hours * p * ((1 - d) * q - np.minimum(levels, q))
        order = np.argsort(-loss)
        mass, total = 1 - beta, 0.0
        for i in order:
            take = min(probs[i], mass)
            total += take * loss[i]
            mass -= take
        return total / (1 - beta)

    best = min(cvar_at(q) for q in [0.0, *levels])
    sol = solve_scenarios(problem)
    assert sol.cvar == pytest.approx(best, rel=1e-7, abs=1e-7)
    assert sol.report.objective == pytest.approx(best, rel=1e-7, abs=1e-7)
