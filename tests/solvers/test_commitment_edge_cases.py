"""Edge cases of ``solve_commitments`` with hand-derived answers, and the solve report."""

from __future__ import annotations

import numpy as np
import pytest

from solvers.commitment_problem import CommitmentProblem, HeldCommitment, ReservedOffer, SpendOffer
from solvers.commitments import solve_commitments
from solvers.result import SolveStatus

PRICE = np.array([1.0, 2.0, 4.0])
NORM = np.array([1.0, 2.0, 4.0])
RI = ReservedOffer("ri", (0, 1, 2), 1.0, 0.5)  # half of the on-demand price per normalised unit
SP = SpendOffer("sp", (0, 1, 2), (0.6, 1.2, 2.4))  # 40 % discount everywhere


def _usage(hours: int = 24, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).poisson([3.0, 2.0, 1.0], size=(hours, 3)).astype(float)


def _on_demand(usage: np.ndarray, price: np.ndarray) -> float:
    return float(sum(usage[t, j] * price[j] for t in range(usage.shape[0]) for j in range(usage.shape[1])))


def _assert_buys_nothing(sol, expected_cost: float) -> None:
    assert sol.report.status is SolveStatus.OPTIMAL
    assert sol.report.objective == pytest.approx(expected_cost, rel=1e-9, abs=1e-9)
    assert np.all(sol.reserved_units == 0)
    assert np.all(sol.spend_commitment <= 1e-9)


@pytest.mark.parametrize("whole_units", [True, False])
def test_zero_usage_buys_nothing(whole_units: bool) -> None:
    """No usage: any commitment is pure cost, so buy nothing; the window costs 0."""
    ri = ReservedOffer("ri", (0, 1, 2), 1.0, 0.5, whole_units=whole_units)
    problem = CommitmentProblem(np.zeros((24, 3)), PRICE, NORM, reserved=(ri,), spend=(SP,))
    _assert_buys_nothing(solve_commitments(problem), 0.0)


def test_no_offers_costs_on_demand() -> None:
    """Nothing for sale: the cost is sum_t sum_j u_tj p_j; empty purchase vectors."""
    usage = _usage()
    sol = solve_commitments(CommitmentProblem(usage, PRICE, NORM))
    assert sol.report.status is SolveStatus.OPTIMAL
    assert sol.report.objective == pytest.approx(_on_demand(usage, PRICE), rel=1e-12)
    assert sol.reserved_units.shape == (0,) and sol.spend_commitment.shape == (0,)


def test_usage_only_on_uncovered_classes_is_constant() -> None:
    """Offers cover classes 0-1 only and all usage is on class 2: nothing can be saved."""
    usage = _usage()
    usage[:, :2] = 0.0
    ri = ReservedOffer("ri", (0, 1), 1.0, 0.1)
    sp = SpendOffer("sp", (0, 1), (0.1, 0.2))
    problem = CommitmentProblem(usage, PRICE, NORM, reserved=(ri,), spend=(sp,))
    _assert_buys_nothing(solve_commitments(problem), _on_demand(usage, PRICE))


def test_uncovered_class_usage_adds_its_on_demand_cost() -> None:
    """Usage on a class no offer covers adds exactly its on-demand cost to the optimum.

    Oracle: the one-class break-even rule on class 0 (RI at 0.5 of the price, so buy k
    units iff at least half the hours use >= k) plus the on-demand cost of class 2.
    """
    counts = np.array(
        [4, 4, 3, 3, 2, 2, 1, 0], dtype=float
    )  # k = 2: 6/8 >= 0.5; k = 3: 4/8 (tie); k = 4: 2/8
    other = np.array([5, 0, 1, 2, 0, 0, 3, 1], dtype=float)
    usage = np.column_stack([counts, np.zeros(8), other])
    problem = CommitmentProblem(usage, PRICE, NORM, reserved=(ReservedOffer("ri", (0,), 1.0, 0.5),))
    k = 2  # k = 3 ties (saves exactly what it costs); both give the same cost
    expected = 8 * 0.5 * k + float(np.maximum(0.0, counts - k).sum()) * 1.0 + float(other.sum()) * 4.0
    sol = solve_commitments(problem)
    assert sol.report.objective == pytest.approx(expected, rel=1e-12)
    assert sol.reserved_units[0] in (2.0, 3.0)


def test_offers_that_never_pay_off_are_not_bought() -> None:
    """An RI dearer than on demand at full use (1.01x) and a spend offer whose
    effective price is 0.9 * 1.2 = 1.08x on demand never save anything."""
    usage = _usage()
    ri = ReservedOffer("ri", (0, 1, 2), 2.0, 1.01 * 2.0)
    sp = SpendOffer("sp", (0, 1, 2), tuple(0.9 * PRICE), cost_per_commitment=1.2)
    ri_frac = ReservedOffer("ri_frac", (1,), 1.0, 2.0 * 1.05, whole_units=False)
    problem = CommitmentProblem(usage, PRICE, NORM, reserved=(ri, ri_frac), spend=(sp,))
    _assert_buys_nothing(solve_commitments(problem), _on_demand(usage, PRICE))


@pytest.mark.parametrize("kind", ["reserved", "spend"])
def test_held_commitment_covering_everything_buys_nothing(kind: str) -> None:
    """A held commitment with capacity for the peak hour covers all usage at no cost
    (held cost is sunk): the window costs 0 and nothing is bought."""
    usage = _usage()
    if kind == "reserved":  # size-flexible: the peak of sum_j n_j u_tj normalised units
        held = HeldCommitment(ReservedOffer("held", (0, 1, 2), 1.0, 0.5), float((usage @ NORM).max()))
    else:
        held = HeldCommitment(SP, float((usage @ np.array(SP.rates)).max()))
    problem = CommitmentProblem(usage, PRICE, NORM, reserved=(RI,), spend=(SP,), held=(held,))
    _assert_buys_nothing(solve_commitments(problem), 0.0)


@pytest.mark.parametrize("expires_after", [0, 6, 9, 12, 18, 24])
def test_expiring_held_commitment_break_even(expires_after: int) -> None:
    """Constant usage u on one class; a held commitment covers it fully for the first
    H of T hours. A new spend commitment at discount d runs the whole window, so
    buying it costs T (1-d) p u and not buying costs (T - H) p u: buy iff H/T < d.
    """
    hours, u, price, d = 24, 3.0, 2.0, 0.375  # d T = 9: H = 9 is a tie
    usage = np.full((hours, 1), u)
    offer = SpendOffer("sp", (0,), ((1 - d) * price,))
    held = HeldCommitment(offer, (1 - d) * price * u, np.arange(hours) < expires_after)
    problem = CommitmentProblem(usage, np.array([price]), np.ones(1), spend=(offer,), held=(held,))
    expected = min(hours * (1 - d) * price * u, (hours - expires_after) * price * u)
    sol = solve_commitments(problem)
    assert sol.report.objective == pytest.approx(expected, rel=1e-12)
    if expires_after < d * hours:
        assert sol.spend_commitment[0] == pytest.approx((1 - d) * price * u, rel=1e-9)
    elif expires_after > d * hours:
        assert sol.spend_commitment[0] == pytest.approx(0.0, abs=1e-9)


def _gap_cases() -> dict[str, tuple[CommitmentProblem, float]]:
    """Problems with hand-computed optima (LP and MILP)."""
    one = np.array([[3.0], [1.0], [2.0], [0.0]])
    cases = {
        # Break-even: k = 1 (3/4 of hours >= 1 >= 0.6), k = 2 fails (2/4): cost 4*0.6 + (2 + 1) = 5.4.
        "whole_ri": (
            CommitmentProblem(one, np.ones(1), np.ones(1), reserved=(ReservedOffer("ri", (0,), 1.0, 0.6),)),
            5.4,
        ),
        # Quantile rule, d = 0.4: q = u_(ceil(1.6)) = u_(2) = 1: cost 4*0.6*1 + (2 + 1) = 5.4.
        "fractional_ri": (
            CommitmentProblem(
                one,
                np.ones(1),
                np.ones(1),
                reserved=(ReservedOffer("ri", (0,), 1.0, 0.6, whole_units=False),),
            ),
            5.4,
        ),
        "spend": (
            CommitmentProblem(one, np.ones(1), np.ones(1), spend=(SpendOffer("sp", (0,), (0.6,)),)),
            5.4,
        ),
        # Held RI of 3 units covers everything: cost 0 (the whole-unit offer stays unbought).
        "whole_ri_fully_held": (
            CommitmentProblem(
                one,
                np.ones(1),
                np.ones(1),
                reserved=(ReservedOffer("ri", (0,), 1.0, 0.6),),
                held=(HeldCommitment(ReservedOffer("old", (0,), 1.0, 0.6), 3.0),),
            ),
            0.0,
        ),
        "no_offers": (CommitmentProblem(one, np.ones(1), np.ones(1)), 6.0),
    }
    return cases


@pytest.mark.parametrize("name", list(_gap_cases()))
def test_proven_optimum_reports_zero_gap(name: str) -> None:
    """A proven optimum reports status OPTIMAL, the true optimum as objective, a bound
    equal to it (a valid lower bound that proves it, up to mip_gap) and relative_gap 0.
    """
    problem, optimum = _gap_cases()[name]
    report = solve_commitments(problem).report
    assert report.status is SolveStatus.OPTIMAL
    assert report.objective == pytest.approx(optimum, abs=1e-9)
    assert report.bound <= optimum + 1e-9
    assert report.bound == pytest.approx(optimum, abs=1e-9), "bound does not prove the optimum"
    assert report.relative_gap <= 1e-9


def test_solver_failure_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing solver returns NOT_SOLVED with the reason instead of raising."""
    import pulp

    from solvers.pulp_runner import solve
    from solvers.result import SolveStatus

    def boom(self: object, *args: object, **kwargs: object) -> None:
        raise pulp.PulpSolverError("simulated HiGHS failure")

    model = pulp.LpProblem("m", pulp.LpMinimize)
    x = model.add_variable("x", 0, 1)
    model += x
    monkeypatch.setattr(pulp.LpProblem, "solve", boom)
    report = solve(model)
    assert report.status is SolveStatus.NOT_SOLVED
    assert "simulated HiGHS failure" in report.message
