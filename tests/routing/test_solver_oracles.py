"""The routing MILP against independent oracles: scipy's MILP and brute force.

The oracles (tests/routing/oracle.py) rebuild the model from the problem arrays with
no pruning, no decomposition and no cuts.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from solvers.routing import assert_feasible, diagnose_infeasibility, solve_routing
from solvers.routing_fast import cover_knapsack
from solvers.routing_problem import PoolUsage, RoutingProblem, segments
from solvers.routing_prune import _group_rows_pandas, _group_rows_plain, _row_groups, group_identical, prune
from tests.routing.generators import random_problem
from tests.routing.oracle import brute_force_optimum, scipy_optimum


def _agree(value: float, reference: float) -> bool:
    if math.isinf(reference):
        return math.isinf(value)
    return abs(value - reference) <= 1e-6 * max(1.0, abs(reference))


def test_random_problems_match_scipy() -> None:
    checked = infeasible = coupled = 0
    for seed in range(120):
        rng = np.random.default_rng(seed)
        problem = random_problem(
            rng, n_workloads=int(rng.integers(1, 8)), max_units=3, max_arcs=5, whole=bool(rng.random() < 0.3)
        )
        if len(problem.units_without_links()):
            continue
        solution = solve_routing(problem)
        reference = scipy_optimum(problem)
        value = solution.report.objective if solution.report.status.has_solution else math.inf
        assert _agree(value, reference), (seed, value, reference, solution.stats)
        if solution.report.status.has_solution:
            assert_feasible(problem, solution)
            assert solution.report.status.value == "optimal"
            assert solution.report.bound <= value + 1e-9
        else:
            infeasible += 1
        checked += 1
        coupled += solution.stats.coupling_rounds > 0
    assert checked > 70 and infeasible > 0 and coupled > 5


def test_tiny_problems_match_brute_force() -> None:
    checked = 0
    for seed in range(1000, 1100):
        rng = np.random.default_rng(seed)
        problem = random_problem(rng, n_workloads=2, max_units=2, max_arcs=2, whole=bool(rng.random() < 0.3))
        if len(problem.units_without_links()) or problem.arc_integer.sum() > 3:
            continue
        solution = solve_routing(problem)
        value = solution.report.objective if solution.report.status.has_solution else math.inf
        assert _agree(value, brute_force_optimum(problem)), seed
        checked += 1
    assert checked > 30


def test_plain_model_matches_reduced_model() -> None:
    """No pruning and one joint model (the benchmark baseline) reach the same optimum."""
    for seed in range(40):
        rng = np.random.default_rng(500 + seed)
        problem = random_problem(rng, n_workloads=5, max_units=2, max_arcs=4)
        if len(problem.units_without_links()):
            continue
        reduced = solve_routing(problem)
        plain = solve_routing(problem, prune=False, decompose=False)
        assert reduced.report.status == plain.report.status
        if reduced.report.status.has_solution:
            assert reduced.report.objective == pytest.approx(plain.report.objective, rel=1e-9, abs=1e-9)


def test_pruning_keeps_the_optimum() -> None:
    """Oracle on the reduced arc set: scipy's optimum is unchanged by the reductions."""
    pruned_any = 0
    for seed in range(80):
        rng = np.random.default_rng(2000 + seed)
        problem = random_problem(rng, n_workloads=4, max_units=2, max_arcs=6, whole=bool(rng.random() < 0.3))
        if len(problem.units_without_links()):
            continue
        result = prune(problem)
        reduced = problem.restricted(result.keep_arcs)
        assert _agree(scipy_optimum(reduced), scipy_optimum(problem)), seed
        pruned_any += result.kept < problem.n_arcs
    assert pruned_any > 20


def _single_unit(
    prices: list[float], loads: list[float], pools: tuple[list, list, list] | None = None
) -> RoutingProblem:
    n = len(prices)
    pa = pools or ([], [], [])
    return RoutingProblem(
        n_workloads=1,
        unit_workload=np.array([0]),
        arc_workload=np.zeros(n, dtype=np.int64),
        arc_integer=np.ones(n, dtype=bool),
        arc_price=np.array(prices, dtype=float),
        arc_carbon=np.zeros(n),
        link_unit=np.zeros(n, dtype=np.int64),
        link_arc=np.arange(n, dtype=np.int64),
        link_load=np.array(loads, dtype=float),
        link_cost=np.zeros(n),
        link_carbon=np.zeros(n),
        pool_capacity=np.array([10.0]) if pools else np.zeros(0),
        pool_arc=PoolUsage.of(*pa),
        pool_link=PoolUsage.of([], [], []),
        workload_carbon_cap=np.array([np.inf]),
    )


def test_linear_size_family_keeps_only_the_smallest() -> None:
    """m5.large..4xlarge priced linearly: k small instances replace a big one, so only the small one stays."""
    # A service needing 30 vCPUs: load = 30 / vCPUs of each size.
    vcpus = [2, 4, 8, 16]
    problem = _single_unit([0.096 * v / 2 for v in vcpus], [30 / v for v in vcpus])
    assert prune(problem).keep_arcs.tolist() == [True, False, False, False]
    # A bigger size that is cheaper per vCPU survives.
    problem = _single_unit([0.096, 0.192, 0.36, 0.768], [15, 7.5, 3.75, 1.875])
    assert prune(problem).keep_arcs.tolist() == [True, False, True, False]


def test_arcs_in_a_quota_pool_are_not_dominated_by_free_ones_using_it() -> None:
    # The cheaper arc 1 counts against a quota; arc 0 (pool-free) is dearer but must stay.
    problem = _single_unit([1.0, 0.5], [2.0, 2.0], pools=([0], [1], [1.0]))
    keep = prune(problem).keep_arcs
    assert keep.tolist() == [True, True]


def test_cost_bound_drops_arcs_dearer_than_a_pool_free_placement() -> None:
    # A pool-free arc covers the unit with 1 instance at 1.0; an arc priced 5.0 per instance can never pay.
    problem = _single_unit([1.0, 5.0], [0.5, 0.1], pools=([0], [1], [1.0]))
    result = prune(problem)
    assert result.keep_arcs.tolist() == [True, False]
    assert result.bound_pruned == 1 and result.workload_bound[0] == pytest.approx(1.0)


def test_group_identical_is_deterministic() -> None:
    first, group = group_identical([np.array(["a", "b", "a", "c", "b"]), np.array([1.0, 2.0, 1.0, 3.0, 2.0])])
    assert first.tolist() == [0, 1, 3]
    assert group.tolist() == [0, 1, 0, 2, 1]


def test_group_identical_small_and_large_paths_agree() -> None:
    """The dict path (small inputs) groups exactly like pandas: NaN == NaN, -0.0 == 0.0."""
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 40))
        columns = [
            rng.choice(np.array(["a", "b", "", "B"]), n)
            if rng.random() < 0.4
            else rng.choice(np.array([0.0, -0.0, np.nan, 1.5, np.inf]), n)
            for _ in range(int(rng.integers(1, 5)))
        ]
        plain, frame = _group_rows_plain(columns), _group_rows_pandas(columns)
        assert plain[0].tolist() == frame[0].tolist() and plain[1].tolist() == frame[1].tolist()


def test_row_groups_partition_like_numpy_unique() -> None:
    """The skyline's dict grouping splits rows exactly as np.unique(axis=0): -0.0 == 0.0, NaN unique."""
    rng = np.random.default_rng(11)
    for _ in range(200):
        rows = rng.choice(np.array([0.0, -0.0, np.nan, 1.0, np.inf]), (int(rng.integers(1, 12)), 3))
        _, inverse = np.unique(rows, axis=0, return_inverse=True)
        inverse = np.asarray(inverse).reshape(-1)
        groups = _row_groups(rows)
        same = groups[:, None] == groups[None, :]
        assert (same == (inverse[:, None] == inverse[None, :])).all()


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_segments_match_a_stable_sort(n: int) -> None:
    rng = np.random.default_rng(n)
    for size in (0, 1, 7):
        keys = rng.integers(0, max(n, 1), size) if n else np.zeros(0, dtype=np.int64)
        order, bounds = segments(keys, n)
        expected = np.argsort(keys, kind="stable")
        assert order.tolist() == expected.tolist()
        assert bounds.tolist() == np.searchsorted(keys[expected], np.arange(n + 1)).tolist()


def _enumerate_cover(price: np.ndarray, load: np.ndarray, carbon: np.ndarray, cap: float) -> float:
    cover = 1.0 / load
    ranges = [range(int(math.ceil(load_i - 1e-9)) + 1) for load_i in load]
    best = math.inf
    for y in itertools.product(*ranges):
        y_arr = np.array(y, dtype=float)
        if y_arr @ cover >= 1 - 1e-9 and y_arr @ carbon <= cap + 1e-9:
            best = min(best, float(y_arr @ price))
    return best


def test_cover_knapsack_matches_enumeration() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 5))
        price = rng.uniform(0.1, 3.0, n)
        load = rng.uniform(0.2, 4.5, n)
        carbon = rng.uniform(0.0, 1.0, n)
        cap = float(rng.uniform(0.5, 4.0)) if rng.random() < 0.5 else math.inf
        expected = _enumerate_cover(price, load, carbon, cap)
        if math.isinf(expected):
            with pytest.raises(ValueError):
                cover_knapsack(price, load, carbon, cap)
            continue
        result = cover_knapsack(price, load, carbon, cap)
        assert result is not None
        assert result.cost == pytest.approx(expected, rel=1e-12)
        assert result.instances @ (1.0 / load) >= 1 - 1e-9
        assert result.instances @ carbon <= cap + 1e-9


def test_cover_knapsack_gives_up_at_the_node_limit() -> None:
    price = np.array([1.0, 1.01, 1.02, 1.03])
    load = np.array([97.3, 101.1, 103.7, 107.9])
    assert cover_knapsack(price, load, node_limit=5) is None


def test_cover_knapsack_gives_up_when_the_carbon_cap_refuses_huge_counts() -> None:
    """A huge load (1e16 instances per unit) on the cheaper, dirty arc; a clean dearer arc keeps
    the node's carbon bound open. The cap refuses every count of the dirty arc from 1e16 down:
    the search stops at the budget (the caller then solves the MILP) instead of stepping
    through them all."""
    price, load, carbon = np.array([1.0, 2.0]), np.array([1e16, 1e16]), np.array([1.0, 0.0])
    assert cover_knapsack(price, load, carbon, carbon_cap=1.0, node_limit=1_000) is None


def test_shared_quota_forces_a_trade_off() -> None:
    """Two workloads each want 3 cheap GPUs; a quota of 4 splits them (lazy coupling finds it)."""
    # workload w: arc 2w cheap (in the quota pool), arc 2w+1 dear (free); each needs 3 instances.
    problem = RoutingProblem(
        n_workloads=2,
        unit_workload=np.array([0, 1]),
        arc_workload=np.array([0, 0, 1, 1]),
        arc_integer=np.ones(4, dtype=bool),
        arc_price=np.array([1.0, 2.0, 1.0, 2.5]),
        arc_carbon=np.zeros(4),
        link_unit=np.array([0, 0, 1, 1]),
        link_arc=np.arange(4),
        link_load=np.array([3.0, 3.0, 3.0, 3.0]),
        link_cost=np.zeros(4),
        link_carbon=np.zeros(4),
        pool_capacity=np.array([4.0]),
        pool_arc=PoolUsage.of([0, 0], [0, 2], [1.0, 1.0]),
        pool_link=PoolUsage.of([], [], []),
        workload_carbon_cap=np.array([np.inf, np.inf]),
        pool_names=("quota[gcp/asia-south1/A100]",),
    )
    solution = solve_routing(problem)
    assert solution.report.objective == pytest.approx(scipy_optimum(problem))
    assert solution.stats.coupling_rounds == 1
    assert [b.name for b in solution.report.binding] == ["quota[gcp/asia-south1/A100]"]
    assert_feasible(problem, solution)


def test_infeasible_quota_is_diagnosed() -> None:
    problem = RoutingProblem(
        n_workloads=2,
        unit_workload=np.array([0, 1]),
        arc_workload=np.array([0, 1]),
        arc_integer=np.ones(2, dtype=bool),
        arc_price=np.array([1.0, 1.0]),
        arc_carbon=np.zeros(2),
        link_unit=np.array([0, 1]),
        link_arc=np.array([0, 1]),
        link_load=np.array([3.0, 3.0]),
        link_cost=np.zeros(2),
        link_carbon=np.zeros(2),
        pool_capacity=np.array([4.0]),
        pool_arc=PoolUsage.of([0, 0], [0, 1], [1.0, 1.0]),
        pool_link=PoolUsage.of([], [], []),
        workload_carbon_cap=np.array([np.inf, np.inf]),
        pool_names=("quota[aws/ap-south-1/A10G]",),
    )
    solution = solve_routing(problem)
    assert solution.report.status.value == "infeasible"
    assert solution.infeasible_workloads == (0, 1)
    relax = diagnose_infeasibility(problem, solution.infeasible_workloads)
    assert [(r.name, r.capacity, r.needed) for r in relax] == [("quota[aws/ap-south-1/A10G]", 4.0, 6.0)]


def test_time_limit_never_crashes() -> None:
    rng = np.random.default_rng(3)
    problem = random_problem(rng, n_workloads=60, max_units=4, max_arcs=8)
    solution = solve_routing(problem, time_limit=0.01, prune=False, decompose=False)
    assert solution.report.status.value in {"optimal", "feasible", "not_solved", "infeasible"}
