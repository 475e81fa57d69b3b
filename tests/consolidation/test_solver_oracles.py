"""The vendor-selection MILP against published cases and brute force.

Published cases (optimum stated in each test, with how it is known):

* LINDO Systems model library, ``QdiscSupL.lng`` ("Two vendors each offer their own
  price discount schedule", https://www.lindo.com/library/modelf.php?mdl=QdiscSupL.lng):
  buy 6,000 units; vendor A all-units (0: 9, 1,000: 8, 2,500: 7, 7,500: 5, 15,000: 3),
  vendor B incremental (0: 8, 1,200: 7, 3,000: 6, 7,500: 4, 14,000: 2), both up to
  20,000. The page gives no optimum; it follows by hand (below) and is 37,500 with
  over-buying (A bought at 7,500, its 5/unit tier) and 40,200 without (all from B).
* Ravindran & Warsing, *Supply Chain Engineering: Models and Applications* (CRC 2013),
  Exercise 5.5 / Table 5.15: buy 2,000 units; supplier 1 fixed $100, capacity 600,
  $10 for the first 300 then $7; supplier 2 fixed $500, capacity 800, $2 for all;
  supplier 3 fixed $300, capacity 1,200, $6 for the first 500 then $4 (incremental).
  Optimum by hand: 8,200 (below).
* IBM ILOG CPLEX OPL example "Outsource" (``opl/examples/opl/models/Outsource``, read
  from the public copy in github.com/cswaroop-opensource/opl): 3 items × 3 suppliers,
  two all-units and one incremental supplier, setup costs, supplier capacities, integer
  quantities. The documentation states no optimum; the oracle re-states the published
  OPL model literally for scipy's MILP (a different formulation) and gets 377.7.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from solvers.vendor_problem import Demand, Keep, Line, Vendor, VendorProblem, evaluate
from solvers.vendor_selection import solve_vendor_selection
from tests.consolidation.oracles import (
    OUTSOURCE_AUD,
    OUTSOURCE_BREAKS,
    OUTSOURCE_CAPACITY,
    OUTSOURCE_COST,
    OUTSOURCE_DEMAND,
    OUTSOURCE_SETUP,
    BDemand,
    BLine,
    BVendor,
    brute_force,
    outsource_opl_optimum,
)


def _lindo(overbuy: bool) -> VendorProblem:
    a = Line(0, (0,), (0, 1000, 2500, 7500, 15000), (9, 8, 7, 5, 3), max_quantity=20000)
    b = Line(1, (0,), (0, 1200, 3000, 7500, 14000), (8, 7, 6, 4, 2), incremental=True, max_quantity=20000)
    return VendorProblem(
        vendors=(Vendor(name="A"), Vendor(name="B")),
        lines=(a, b),
        demands=(Demand(0, 6000, (0, 1)),),
        horizon_months=1,
        allow_overbuy=overbuy,
    )


def test_lindo_qdiscsupl_with_overbuying_reaches_the_cheaper_all_units_tier() -> None:
    """By hand: A alone at 6,000 is in its 7/unit tier (42,000); bought up to 7,500 it
    is in the 5/unit tier: 37,500. B alone costs 9,600 + 12,600 + 18,000 = 40,200; any
    mix costs 40,200 + q_A or more. So 37,500, over-buying 1,500 units on A."""
    sol = solve_vendor_selection(_lindo(True))
    assert sol.report.status.value == "optimal"
    assert sol.horizon_cost == pytest.approx(37500.0, abs=1e-6)
    assert sol.bought[0] == pytest.approx(7500.0)
    assert sol.allocation == {(0, 0): pytest.approx(6000.0)}
    assert sol.evaluation is not None and sol.evaluation.line_tier[0] == 3


def test_lindo_qdiscsupl_without_overbuying_buys_all_from_the_incremental_vendor() -> None:
    """By hand (exactly 6,000): A alone 42,000; B alone 40,200; mixes with A in its 7, 8
    or 9 tier cost 40,200 + q_A, + 2 q_A, + 3 q_A (q_B ≥ 3,000) or 43,200. So 40,200."""
    sol = solve_vendor_selection(_lindo(False))
    assert sol.horizon_cost == pytest.approx(40200.0, abs=1e-6)
    assert sol.allocation == {(0, 1): pytest.approx(6000.0)}
    assert sol.kept == (False, True)


def test_ravindran_warsing_exercise_5_5_fixed_costs_and_incremental_breaks() -> None:
    """By hand: suppliers 1 and 3 together hold 1,800 < 2,000, so supplier 2 is needed;
    its $2 is the cheapest unit price, so it supplies its 800 (500 + 1,600). The other
    1,200 cost 300 + 6·500 + 4·700 = 6,100 at supplier 3; supplier 1's every unit
    ($10/$7) is dearer than supplier 3's ($6/$4). Optimum 2,100 + 6,100 = 8,200."""
    lines = (
        Line(0, (0,), (0, 300), (10, 7), incremental=True, max_quantity=600),
        Line(1, (0,), (0,), (2,), max_quantity=800),
        Line(2, (0,), (0, 500), (6, 4), incremental=True, max_quantity=1200),
    )
    vendors = (Vendor(fixed_fee=100), Vendor(fixed_fee=500), Vendor(fixed_fee=300))
    problem = VendorProblem(vendors, lines, (Demand(0, 2000, (0, 1, 2)),), horizon_months=1)
    sol = solve_vendor_selection(problem)
    assert sol.horizon_cost == pytest.approx(8200.0, abs=1e-6)
    assert sol.kept == (False, True, True)
    assert sol.bought == pytest.approx([0, 800, 1200])
    assert [b.name for b in sol.report.binding] == ["line_capacity_1", "line_capacity_2"]


def test_cplex_opl_outsource_matches_the_published_model_solved_independently() -> None:
    lines = []
    for s in range(3):
        for i in range(3):
            aud = OUTSOURCE_AUD[s]
            lines.append(
                Line(
                    s,
                    (i,),
                    OUTSOURCE_BREAKS[:4],
                    OUTSOURCE_COST[i][s],
                    incremental=not aud,
                    whole_units=True,
                    max_quantity=999 if aud else 1000,
                )
            )
    vendors = tuple(
        Vendor(fixed_fee=OUTSOURCE_SETUP[s], max_total_quantity=OUTSOURCE_CAPACITY[s]) for s in range(3)
    )
    demands = tuple(
        Demand(i, OUTSOURCE_DEMAND[i], tuple(li for li, ln in enumerate(lines) if ln.capabilities == (i,)))
        for i in range(3)
    )
    sol = solve_vendor_selection(VendorProblem(vendors, tuple(lines), demands, horizon_months=1))
    expected = outsource_opl_optimum()
    assert expected == pytest.approx(377.7, abs=1e-6)
    assert sol.horizon_cost == pytest.approx(expected, abs=1e-6)
    assert np.all(sol.bought == np.round(sol.bought))


def _random_case(seed: int) -> tuple[VendorProblem, dict[str, object]]:
    rng = np.random.default_rng(seed)
    n_vendors, n_caps = 3, 2
    b_vendors, vendors, b_lines, lines = [], [], [], []
    for v in range(n_vendors):
        fee = float(rng.choice([0, 20, 60]))
        commit = float(rng.choice([0, 0, 150]))
        penalty = float(rng.choice([0, 0, 80]))
        b_vendors.append(BVendor(fee=fee, min_commitment=commit, exit_penalty=penalty))
        vendors.append(Vendor(fixed_fee=fee, min_commitment=commit, exit_penalty=penalty))
        for cap in range(n_caps):
            if rng.random() < 0.3 and cap == 1:
                continue
            n_tiers = int(rng.integers(1, 4))
            breaks = tuple(
                float(b)
                for b in np.concatenate(
                    [[0], np.sort(rng.choice(np.arange(5, 40, 5), n_tiers - 1, replace=False))]
                )
            )
            base = float(rng.uniform(2, 6))
            prices = tuple(float(round(base * (1 - 0.15 * r), 2)) for r in range(n_tiers))
            incremental = bool(rng.random() < 0.5)
            b_lines.append(BLine(v, (cap,), breaks, prices, incremental))
            lines.append(Line(v, (cap,), breaks, prices, incremental=incremental, name=f"{v}-{cap}"))
    demands, b_demands = [], []
    for cap in range(n_caps):
        for _ in range(2):
            qty = float(rng.integers(3, 25))
            cur = int(rng.integers(-1, n_vendors))
            mig = float(rng.choice([0, 1, 4]))
            eligible = tuple(li for li, ln in enumerate(lines) if cap in ln.capabilities)
            demands.append(Demand(cap, qty, eligible, current_vendor=cur, migration_cost_per_unit=mig))
            b_demands.append(BDemand(cap, qty, cur, mig))
    horizon = float(rng.choice([1, 6]))
    max_vendors = int(rng.choice([2, 3]))
    overbuy = bool(rng.random() < 0.6)
    problem = VendorProblem(
        tuple(vendors),
        tuple(lines),
        tuple(demands),
        horizon_months=horizon,
        max_vendors=max_vendors,
        allow_overbuy=overbuy,
    )
    oracle = dict(
        vendors=b_vendors,
        lines=b_lines,
        demands=b_demands,
        horizon=horizon,
        max_vendors=max_vendors,
        overbuy=overbuy,
    )
    return problem, oracle


@pytest.mark.parametrize("seed", range(8))
def test_random_small_cases_match_brute_force(seed: int) -> None:
    problem, oracle = _random_case(seed)
    expected = brute_force(
        oracle["vendors"],  # type: ignore[arg-type]
        oracle["lines"],  # type: ignore[arg-type]
        oracle["demands"],  # type: ignore[arg-type]
        horizon=oracle["horizon"],  # type: ignore[arg-type]
        max_vendors=oracle["max_vendors"],  # type: ignore[arg-type]
        overbuy=oracle["overbuy"],  # type: ignore[arg-type]
    )
    sol = solve_vendor_selection(problem)
    if math.isinf(expected):
        assert sol.report.status.value == "infeasible"
        return
    assert sol.report.status.value == "optimal"
    assert sol.horizon_cost == pytest.approx(expected, rel=1e-7, abs=1e-6)
    assert sol.evaluation is not None and sol.evaluation.feasible, sol.evaluation.violations


def test_forced_and_excluded_vendors_match_brute_force() -> None:
    problem, oracle = _random_case(3)
    vendors = list(problem.vendors)
    vendors[0] = Vendor(**{**vendors[0].__dict__, "keep": Keep.FORCED})
    vendors[2] = Vendor(**{**vendors[2].__dict__, "keep": Keep.EXCLUDED})
    b_vendors = list(oracle["vendors"])  # type: ignore[call-overload]
    b_vendors[0] = BVendor(**{**b_vendors[0].__dict__, "forced": True})
    b_vendors[2] = BVendor(**{**b_vendors[2].__dict__, "excluded": True})
    from dataclasses import replace

    problem = replace(problem, vendors=tuple(vendors), max_vendors=None)
    expected = brute_force(
        b_vendors,
        oracle["lines"],
        oracle["demands"],
        horizon=oracle["horizon"],  # type: ignore[arg-type]
        overbuy=oracle["overbuy"],  # type: ignore[arg-type]
    )
    sol = solve_vendor_selection(problem)
    assert sol.horizon_cost == pytest.approx(expected, rel=1e-7, abs=1e-6)
    assert sol.kept[0] and not sol.kept[2]


def test_evaluate_prices_all_units_and_incremental_by_hand() -> None:
    line_a = Line(0, (0,), (0, 10), (5, 4))
    line_i = Line(1, (0,), (0, 10), (5, 4), incremental=True)
    problem = VendorProblem((Vendor(), Vendor(fixed_fee=3)), (line_a, line_i), (Demand(0, 24, (0, 1)),))
    ev = evaluate(problem, {(0, 0): 12, (0, 1): 12})
    assert ev.line_cost.tolist() == [48.0, 50 + 8.0]
    assert ev.monthly == pytest.approx(48 + 58 + 3)


def _rich_case(seed: int) -> tuple[VendorProblem, list[BVendor], list[BLine], list[BDemand]]:
    """Total-quantity discounts (vendor 0), a bundle line (vendor 1), populations."""
    rng = np.random.default_rng(100 + seed)
    fees = [float(rng.choice([0, 30])) for _ in range(3)]
    vendors = [Vendor(fixed_fee=f) for f in fees]
    b_vendors = [BVendor(fee=f) for f in fees]
    lines: list[Line] = []
    b_lines: list[BLine] = []
    breaks = (0.0, float(rng.integers(10, 30)), float(rng.integers(35, 60)))
    for cap in (0, 1):
        base = float(rng.uniform(3, 6))
        prices = (base, round(base * 0.8, 2), round(base * 0.6, 2))
        lines.append(Line(0, (cap,), breaks, prices, vendor_basis=True))
        b_lines.append(BLine(0, (cap,), breaks, prices, vendor_basis=True))
    bundle_price = float(rng.uniform(5, 9))
    bundle_breaks = (0.0, float(rng.integers(15, 40)))
    bundle_prices = (bundle_price, round(bundle_price * 0.85, 2))
    lines.append(Line(1, (0, 1), bundle_breaks, bundle_prices))
    b_lines.append(BLine(1, (0, 1), bundle_breaks, bundle_prices))
    for cap in (0, 1):
        price = float(rng.uniform(3.5, 6.5))
        lines.append(Line(2, (cap,), (0.0,), (price,)))
        b_lines.append(BLine(2, (cap,), (0.0,), (price,)))
    demands: list[Demand] = []
    b_demands: list[BDemand] = []
    for cap in (0, 1):
        for k in range(2):
            qty = float(rng.integers(4, 30))
            pop = 0 if k == 0 else -1
            cur = int(rng.integers(-1, 3))
            eligible = tuple(li for li, ln in enumerate(lines) if cap in ln.capabilities)
            demands.append(
                Demand(cap, qty, eligible, current_vendor=cur, migration_cost_per_unit=1.0, population=pop)
            )
            b_demands.append(BDemand(cap, qty, cur, 1.0, pop))
    problem = VendorProblem(tuple(vendors), tuple(lines), tuple(demands), horizon_months=3)
    return problem, b_vendors, b_lines, b_demands


@pytest.mark.parametrize("seed", range(5))
def test_total_quantity_discounts_and_bundles_match_brute_force(seed: int) -> None:
    problem, b_vendors, b_lines, b_demands = _rich_case(seed)
    expected = brute_force(b_vendors, b_lines, b_demands, horizon=3)
    sol = solve_vendor_selection(problem)
    assert sol.horizon_cost == pytest.approx(expected, rel=1e-7, abs=1e-6)
    assert sol.evaluation is not None and sol.evaluation.feasible, sol.evaluation.violations


def test_bundle_line_serves_a_population_once() -> None:
    """Chat (300 users, Slack) and video (250 of the same users, Zoom); a suite seat
    covers both. By hand: 250 suite seats serve both needs of the 250 (3,125); the other
    50 chat users cost 437.50 on Slack vs 625 on the suite, so 3,562.50 in all. With a
    $200/month Slack platform fee, Slack's 50 seats cost 637.50 > 625: 300 suite seats,
    3,750 (not 550 seats: the population is served once)."""
    lines = (
        Line(0, (0,), (0.0,), (8.75,), name="slack-pro"),
        Line(1, (1,), (0.0,), (13.33,), name="zoom-pro"),
        Line(2, (0, 1), (0.0,), (12.5,), name="suite"),
    )
    demands = (
        Demand(0, 300, (0, 2), current_vendor=0, population=0),
        Demand(1, 250, (1, 2), current_vendor=1, population=0),
    )
    problem = VendorProblem((Vendor(), Vendor(), Vendor()), lines, demands, horizon_months=1)
    sol = solve_vendor_selection(problem)
    assert sol.bought.tolist() == pytest.approx([50, 0, 250])
    assert sol.horizon_cost == pytest.approx(3562.5)
    with_fee = VendorProblem((Vendor(fixed_fee=200), Vendor(), Vendor()), lines, demands, horizon_months=1)
    sol = solve_vendor_selection(with_fee)
    assert sol.bought.tolist() == pytest.approx([0, 0, 300])
    assert sol.horizon_cost == pytest.approx(3750.0)
    assert sol.kept == (False, False, True)


@pytest.mark.parametrize("seed", [0, 5])
def test_aggregated_formulation_has_the_same_optimum(seed: int) -> None:
    """The benchmark baseline (aggregated allocation) solves the same problem."""
    problem, oracle = _random_case(seed)
    strong = solve_vendor_selection(problem)
    weak = solve_vendor_selection(problem, disaggregate=False)
    assert weak.horizon_cost == pytest.approx(strong.horizon_cost, rel=1e-9, abs=1e-6)


def test_single_plan_vendor_puts_every_seat_on_one_plan() -> None:
    """By hand: 10 seats need plan B (12/seat), 30 fit plan A (8/seat). Mixing plans costs
    120 + 240 = 360; a single workspace plan must be B for everyone: 40 × 12 = 480."""
    lines = (
        Line(0, (0,), (0.0,), (8.0,), whole_units=True, name="A"),
        Line(0, (0,), (0.0,), (12.0,), whole_units=True, name="B"),
    )
    demands = (Demand(0, 30, (0, 1)), Demand(0, 10, (1,)))
    mixed = solve_vendor_selection(VendorProblem((Vendor(),), lines, demands, horizon_months=1))
    single = solve_vendor_selection(
        VendorProblem((Vendor(single_line=True),), lines, demands, horizon_months=1)
    )
    assert mixed.horizon_cost == pytest.approx(360.0)
    assert single.horizon_cost == pytest.approx(480.0)
    assert single.bought.tolist() == [0.0, 40.0]


def test_whole_units_round_the_purchase_up() -> None:
    """12.5 units needed of a whole-unit line at 10/unit: 13 bought, 130."""
    lines = (Line(0, (0,), (0.0,), (10.0,), whole_units=True),)
    sol = solve_vendor_selection(
        VendorProblem((Vendor(),), lines, (Demand(0, 12.5, (0,)),), horizon_months=1)
    )
    assert sol.bought.tolist() == [13.0] and sol.horizon_cost == pytest.approx(130.0)


def test_whole_units_without_overbuying_still_round_up() -> None:
    lines = (Line(0, (0,), (0.0, 13.0), (10.0, 5.0), whole_units=True),)
    problem = VendorProblem(
        (Vendor(),), lines, (Demand(0, 12.5, (0,)),), horizon_months=1, allow_overbuy=False
    )
    sol = solve_vendor_selection(problem)
    assert sol.bought.tolist() == [13.0] and sol.horizon_cost == pytest.approx(65.0)
