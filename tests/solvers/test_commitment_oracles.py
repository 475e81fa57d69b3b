"""Closed-form and brute-force oracles for ``solve_commitments``.

Every expected value here is computed in the test from the problem data (plain numpy,
exact fractions, or a per-hour ``scipy.optimize.linprog``); nothing is taken from
``solvers.commitments`` or ``solvers.billing``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy.optimize import linprog

from solvers.commitment_problem import CommitmentProblem, ReservedOffer, SpendOffer
from solvers.commitments import solve_commitments
from solvers.result import SolveStatus

REL = 1e-7


def _series(kind: str, hours: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "gamma":
        return rng.gamma(2.0, 3.0, hours)
    if kind == "uniform":
        return rng.uniform(0.0, 10.0, hours)
    if kind == "integer_ties":
        return rng.poisson(3.0, hours).astype(float)
    if kind == "few_levels":
        return rng.choice([0.0, 1.0, 5.0], hours)
    if kind == "constant":
        return np.full(hours, 4.2)
    if kind == "with_zeros":
        u = rng.gamma(1.5, 2.0, hours)
        u[rng.random(hours) < 0.4] = 0.0
        return u
    raise AssertionError(kind)


SERIES = ["gamma", "uniform", "integer_ties", "few_levels", "constant", "with_zeros"]
DISCOUNTS = ["0.1", "0.25", "0.3", "0.5", "0.7"]  # strings: d*T is computed exactly with Fraction
HOURS = [1, 7, 10, 20, 24, 48, 100]  # 10, 20, 24, 48, 100 make d*T an integer for several d


# --------------------------------------------------------------------------- 1. quantile rule


@pytest.mark.parametrize("instrument", ["spend", "fractional_reserved"])
@pytest.mark.parametrize("kind", SERIES)
@pytest.mark.parametrize("d_text", DISCOUNTS)
def test_quantile_rule_single_class_uniform_discount(kind: str, d_text: str, instrument: str) -> None:
    """One class, price p, one instrument giving a uniform discount d.

    Covering q units/hour costs cost(q) = sum_t [(1-d) p q + p max(0, u_t - q)], a convex
    piecewise-linear function with slope p (T(1-d) - #{t: u_t > q}). It is minimal at
    the k-th smallest usage u_(k), k = ceil(dT); if dT is an integer every q in
    [u_(dT), u_(dT+1)] is optimal (a tie), otherwise u_(k) is the unique minimiser.
    The instrument is a spend offer (rate (1-d)p, commitment c = (1-d) p q) or a
    fractional reserved offer (unit_cost (1-d)p, one unit per unit of usage).
    """
    d = Fraction(d_text)
    rng = np.random.default_rng([SERIES.index(kind), DISCOUNTS.index(d_text), len(instrument)])
    for hours in HOURS:
        usage = _series(kind, hours, rng)
        price = float(rng.uniform(0.5, 3.0))
        rate = (1.0 - float(d)) * price
        if instrument == "spend":
            offers: dict = {"spend": (SpendOffer("sp", (0,), (rate,)),)}
        else:
            offers = {"reserved": (ReservedOffer("ri", (0,), 1.0, rate, whole_units=False),)}
        problem = CommitmentProblem(usage[:, None], np.array([price]), np.ones(1), **offers)

        def cost(q: float, usage: np.ndarray = usage, price: float = price, rate: float = rate) -> float:
            return float(np.sum(rate * q + price * np.maximum(0.0, usage - q)))

        ordered = np.sort(usage)
        dt = d * hours
        k = math.ceil(dt)
        expected = cost(ordered[k - 1])
        # Self-check of the derivation: a convex PWL function with kinks at the u_t
        # attains its minimum over q >= 0 at 0 or at one of the u_t.
        assert expected <= min(cost(q) for q in [0.0, *usage]) * (1 + 1e-12) + 1e-12

        sol = solve_commitments(problem)
        assert sol.report.status is SolveStatus.OPTIMAL
        assert sol.report.objective == pytest.approx(expected, rel=REL, abs=1e-9)
        bought = sol.spend_commitment[0] if instrument == "spend" else sol.reserved_units[0] * rate
        tol = 1e-6 * max(1.0, rate * ordered[-1])
        if dt.denominator == 1:  # tie: any q in [u_(dT), u_(dT+1)] is optimal
            assert rate * ordered[int(dt) - 1] - tol <= bought <= rate * ordered[int(dt)] + tol
        else:
            assert bought == pytest.approx(rate * ordered[k - 1], abs=tol)


# ------------------------------------------------------------------ 2. break-even utilisation


def _break_even_units(counts: np.ndarray, unit_cost: float, price: float) -> int:
    """Largest k with #{t: n_t >= k} / T >= r / p, in exact rational arithmetic (0 if none)."""
    ratio = Fraction(unit_cost) / Fraction(price)
    hours = len(counts)
    best = 0
    for k in range(1, int(counts.max(initial=0)) + 1):
        if Fraction(int((counts >= k).sum()), hours) >= ratio:
            best = k
    return best


BREAK_EVEN_USAGE = ["poisson", "uniform_int", "bursty", "constant", "mostly_zero"]


def _counts(kind: str, hours: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "poisson":
        return rng.poisson(3.0, hours).astype(float)
    if kind == "uniform_int":
        return rng.integers(0, 7, hours).astype(float)
    if kind == "bursty":
        return np.where(rng.random(hours) < 0.2, rng.integers(3, 10, hours), 1).astype(float)
    if kind == "constant":
        return np.full(hours, 2.0)
    if kind == "mostly_zero":
        return np.where(rng.random(hours) < 0.7, 0, rng.integers(1, 4, hours)).astype(float)
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", BREAK_EVEN_USAGE)
@pytest.mark.parametrize("ratio", [0.3, 0.45, 0.5, 0.6, 0.75, 0.9])
def test_break_even_utilisation_whole_units(kind: str, ratio: float) -> None:
    """Whole RIs on one class with integer usage n_t, on-demand price p, unit cost r.

    The k-th unit saves p in every hour with n_t >= k and costs r in every hour, so it
    pays off iff #{t: n_t >= k} / T >= r / p; since that share decreases in k, the
    optimum is k* = the largest such k and the window cost is
    T r k* + sum_t p max(0, n_t - k*). When the share at k* is strictly above r/p and
    at k*+1 strictly below, k* is the unique optimum; otherwise only costs are compared.
    """
    rng = np.random.default_rng([BREAK_EVEN_USAGE.index(kind), int(ratio * 100)])
    for hours in [8, 10, 24, 40, 168]:
        counts = _counts(kind, hours, rng)
        price = float(rng.choice([1.0, 0.8, 2.5]))
        unit_cost = ratio * price
        problem = CommitmentProblem(
            counts[:, None],
            np.array([price]),
            np.ones(1),
            reserved=(ReservedOffer("ri", (0,), 1.0, unit_cost),),
        )
        k_star = _break_even_units(counts, unit_cost, price)
        expected = hours * unit_cost * k_star + float(np.sum(price * np.maximum(0.0, counts - k_star)))

        sol = solve_commitments(problem)
        assert sol.report.status is SolveStatus.OPTIMAL
        assert sol.report.objective == pytest.approx(expected, rel=REL, abs=1e-9)

        def share(k: int, counts: np.ndarray = counts, hours: int = hours) -> float:
            return float((counts >= k).sum()) / hours

        margin = 1e-9
        strict_at = k_star == 0 or share(k_star) > unit_cost / price + margin
        strict_after = share(k_star + 1) < unit_cost / price - margin
        if strict_at and strict_after:
            assert sol.reserved_units[0] == k_star


@pytest.mark.parametrize("unit_size", [1.0, 2.0, 8.0])
@pytest.mark.parametrize("seed", range(6))
def test_size_flexible_pool_with_linear_pricing(unit_size: float, seed: int) -> None:
    """Classes with normalisation 1, 2, 4 and prices base * n_j share one RI pool.

    With linear pricing one normalised unit is worth ``base`` in every class, so an
    hour with normalised usage m_t = sum_j n_j u_tj saves base * min(N x, m_t): the
    problem is a single-class one in normalised units,
        cost(x) = T r x + base * sum_t max(0, m_t - N x),
    minimised here by enumerating x = 0..ceil(max m / N). With N = 1 and integer m_t
    the break-even rule on m_t must give the same x.
    """
    rng = np.random.default_rng([seed, int(unit_size)])
    hours = int(rng.integers(6, 60))
    norm = np.array([1.0, 2.0, 4.0])
    base = float(rng.uniform(0.05, 0.2))
    usage = rng.poisson([2.0, 1.0, 0.7], size=(hours, 3)).astype(float)
    usage[rng.random(hours) < 0.2] = 0.0
    unit_cost = unit_size * base * float(rng.uniform(0.35, 0.9))
    problem = CommitmentProblem(
        usage, base * norm, norm, reserved=(ReservedOffer("family", (0, 1, 2), unit_size, unit_cost),)
    )
    m = usage @ norm
    candidates = np.arange(int(np.ceil(m.max() / unit_size)) + 2)
    costs = np.array(
        [hours * unit_cost * x + base * np.maximum(0.0, m - unit_size * x).sum() for x in candidates]
    )
    best = int(np.argmin(costs))
    if unit_size == 1.0:
        assert best == _break_even_units(m, unit_cost, base) or costs[best] == pytest.approx(
            costs[_break_even_units(m, unit_cost, base)], rel=1e-12
        )

    sol = solve_commitments(problem)
    assert sol.report.status is SolveStatus.OPTIMAL
    assert sol.report.objective == pytest.approx(costs[best], rel=REL)
    runner_up = np.partition(costs, 1)[1] if len(costs) > 1 else np.inf
    if runner_up - costs[best] > 1e-6 * costs[best]:
        assert sol.reserved_units[0] == candidates[best]


# -------------------------------------------------------------- 3. brute force, two instruments

STEP = 0.125  # every spend rate is a multiple of STEP (exact in binary)


def _window_cost_fixed(
    usage: np.ndarray,
    price: np.ndarray,
    ri: ReservedOffer,
    sp: SpendOffer,
    units: float,
    commitment: float,
) -> float:
    """Cheapest allocation of fixed capacity, hour by hour, as one block-diagonal LP.

    Identical hours are merged with their count as weight. Per hour: variables
    a_j (reserved, j in ri.covered) and b_j (spend, j in sp.covered), all >= 0, with
    sum_j a_j <= N x (normalisation 1), sum_j r_j b_j <= c, a_j + b_j <= u_tj;
    maximise the on-demand value covered, sum_j p_j (a_j + b_j).
    """
    rows, weights = np.unique(usage, axis=0, return_counts=True)
    ra, rb = list(ri.covered), list(sp.covered)
    nv = len(ra) + len(rb)
    obj, a_ub, b_ub = [], [], []
    for g, (row, w) in enumerate(zip(rows, weights, strict=True)):
        obj += [-w * price[j] for j in ra] + [-w * price[j] for j in rb]
        base = g * nv
        cap = np.zeros(nv * len(rows))
        cap[base : base + len(ra)] = 1.0
        a_ub.append(cap)
        b_ub.append(ri.normalized_units * units)
        spend = np.zeros(nv * len(rows))
        spend[base + len(ra) : base + nv] = sp.rates
        a_ub.append(spend)
        b_ub.append(commitment)
        for j in range(usage.shape[1]):
            cover = np.zeros(nv * len(rows))
            for pos, jj in enumerate(ra):
                cover[base + pos] = 1.0 if jj == j else 0.0
            for pos, jj in enumerate(rb):
                cover[base + len(ra) + pos] = 1.0 if jj == j else 0.0
            if cover.any():
                a_ub.append(cover)
                b_ub.append(row[j])
    res = linprog(obj, A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=(0, None), method="highs")
    assert res.status == 0, res.message
    hours = usage.shape[0]
    on_demand = float((usage @ price).sum())
    return on_demand + float(res.fun) + hours * (ri.unit_cost * units + sp.cost_per_commitment * commitment)


@pytest.mark.parametrize("seed", range(10))
def test_brute_force_reserved_plus_spend(seed: int, oracle_lp) -> None:
    """One whole-unit reserved offer and one spend offer over 2-3 classes.

    Enumerate x = 0..K (K = enough units to cover the peak: more only adds cost) and
    c on the grid {0, STEP, ..., C_max} (C_max = the largest hourly on-demand-at-rate
    spend: more is never used), costing each pair with the per-hour allocation LP.

    Why the grid contains the optimum: usage and N x are integers and normalisation
    is 1, so for fixed x each hour's reserved/cover rows form a totally unimodular
    (bipartite) system. For fixed x the cost is an LP in (c, z); at an optimal vertex
    c is either 0 or equals sum_j r_j b_tj for an hour t whose b_t is pinned by that
    hour's TU rows alone, hence integral, so c is a multiple of STEP.
    The brute-force minimum is also checked against the full-LP oracle.
    """
    rng = np.random.default_rng(seed)
    classes = int(rng.integers(2, 4))
    hours = int(rng.integers(6, 13))
    base_load = rng.integers(0, 3, classes)
    usage = np.minimum(base_load + rng.poisson(0.8, size=(hours, classes)), 3).astype(float)
    price = rng.choice([1.0, 1.5, 2.0], classes)
    ri_cov = tuple(sorted(rng.choice(classes, size=int(rng.integers(1, 3)), replace=False).tolist()))
    sp_cov = tuple(
        sorted(rng.choice(classes, size=int(rng.integers(2, classes + 1)), replace=False).tolist())
    )
    rates = tuple(
        STEP * float(rng.integers(math.ceil(0.4 * price[j] / STEP), math.floor(0.95 * price[j] / STEP) + 1))
        for j in sp_cov
    )
    size = float(rng.choice([1.0, 2.0]))
    ri = ReservedOffer(
        "ri", ri_cov, size, size * float(price[list(ri_cov)].min()) * float(rng.uniform(0.3, 0.7))
    )
    sp = SpendOffer("sp", sp_cov, rates, cost_per_commitment=float(rng.choice([1.0, 0.97])))
    problem = CommitmentProblem(usage, price, np.ones(classes), reserved=(ri,), spend=(sp,))

    max_units = int(np.ceil(usage[:, list(ri_cov)].sum(axis=1).max() / size))
    c_max = float((usage[:, list(sp_cov)] @ np.array(rates)).max())
    grid = STEP * np.arange(int(np.ceil(c_max / STEP)) + 1)
    table = np.array(
        [[_window_cost_fixed(usage, price, ri, sp, x, c) for c in grid] for x in range(max_units + 1)]
    )
    brute = float(table.min())

    sol = solve_commitments(problem)
    assert sol.report.status is SolveStatus.OPTIMAL
    assert sol.report.objective == pytest.approx(brute, rel=REL, abs=1e-9)
    # The purchase the solver returns achieves its objective under the oracle allocation.
    got = _window_cost_fixed(usage, price, ri, sp, sol.reserved_units[0], sol.spend_commitment[0])
    assert got == pytest.approx(sol.report.objective, rel=REL, abs=1e-9)
    assert sol.reserved_units[0] == round(sol.reserved_units[0])
    # The grid argument, cross-checked: the continuous optimum is not below the grid's.
    assert oracle_lp(problem).solve().cost == pytest.approx(brute, rel=REL, abs=1e-9)
