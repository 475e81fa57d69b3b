"""The plain-Python pruning of tiny problems against the numpy path, on random tiny problems.

Both paths must agree exactly (kept arcs, counts per rule, the workload bound with the
sign of a zero). The values come from a small palette so that ties, zeros (both signs),
equal rows and exact multiples are common, plus a few extreme magnitudes where the
order of a sum matters. Independent correctness of pruning is covered by the oracle
tests in test_solver_oracles.py (scipy and brute force), which run tiny problems
through this path too.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from solvers.routing_problem import PoolUsage, RoutingProblem
from solvers.routing_prune import _TINY_ARCS, _TINY_UNITS, _is_tiny, _prune_dense, _prune_tiny, prune

# near-ties just inside and outside the rules' tolerances, next to exact ties
_PALETTE = [0.0, -0.0, 0.25, 0.5, 1.0, 1.0, 1.5, 2.0, 2.0, 3.0, 4.0, 1e-12, 1e16, 7.3]
_PALETTE += [1.0 + 5e-10, 1.0 + 5e-9, 2.0 - 5e-10, 2.0 * (1 + 1e-9), 3.0 + 3e-9, 1e-15, 2e-12]


def _value(rng: np.random.Generator) -> float:
    if rng.random() < 0.8:
        return float(_PALETTE[int(rng.integers(len(_PALETTE)))])
    return float(rng.choice([rng.random() * 10, rng.random() * 1e-9, rng.random() * 1e17]))


def _tiny_problem(rng: np.random.Generator) -> RoutingProblem:
    n_a = int(rng.integers(1, _TINY_ARCS + 1))
    n_u = int(rng.integers(0, _TINY_UNITS + 1))
    integer = rng.random(n_a) < 0.7
    price = [_value(rng) if integer[a] else 0.0 for a in range(n_a)]
    carbon = [_value(rng) if integer[a] and rng.random() < 0.5 else 0.0 for a in range(n_a)]
    if rng.random() < 0.3:  # identical arcs apart from price/carbon, for the skyline
        for a in range(1, n_a):
            if rng.random() < 0.5:
                integer[a] = integer[0]
    links: list[tuple[int, int, float, float, float]] = []
    template = {u: (_value(rng), _value(rng), _value(rng)) for u in range(n_u)}
    for a in range(n_a):
        for u in range(n_u):
            if rng.random() < 0.6:
                same = rng.random() < 0.4
                load, cost, kg = template[u] if same else (_value(rng), _value(rng), _value(rng))
                if rng.random() < 0.3:
                    load = template[u][0] * float(rng.integers(1, 4))  # exact multiples
                if not integer[a]:
                    load = 0.0 if rng.random() < 0.5 else -0.0
                if rng.random() < 0.3:
                    kg = 0.0
                links.append((a, u, load, cost, kg))
    if rng.random() < 0.3 and n_a > 1:  # arcs with arc 0's links exactly (skyline groups)
        clones = [a for a in range(1, n_a) if integer[a] == integer[0] and rng.random() < 0.7]
        links = [lk for lk in links if lk[0] not in clones]
        links += [(a, *lk[1:]) for a in clones for lk in links if lk[0] == 0]
    cap = math.inf if rng.random() < 0.5 else float(rng.choice([0.0, 0.5, 2.0, 10.0, _value(rng)]))
    columns = list(zip(*links, strict=True)) if links else [(), (), (), (), ()]
    return RoutingProblem(
        n_workloads=1,
        unit_workload=np.zeros(n_u, dtype=np.int64),
        arc_workload=np.zeros(n_a, dtype=np.int64),
        arc_integer=np.asarray(integer, dtype=bool),
        arc_price=np.array(price, dtype=np.float64),
        arc_carbon=np.array(carbon, dtype=np.float64),
        link_arc=np.array(columns[0], dtype=np.int64),
        link_unit=np.array(columns[1], dtype=np.int64),
        link_load=np.array(columns[2], dtype=np.float64),
        link_cost=np.array(columns[3], dtype=np.float64),
        link_carbon=np.array(columns[4], dtype=np.float64),
        pool_capacity=np.zeros(0),
        pool_arc=PoolUsage(),
        pool_link=PoolUsage(),
        workload_carbon_cap=np.array([cap]),
    )


def _same_floats(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b)))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # inf * 0 in the numpy path (NaN, as in Python)
@pytest.mark.parametrize("chunk", range(4))
def test_tiny_prune_matches_dense(chunk: int) -> None:
    rng = np.random.default_rng(9000 + chunk)
    pruned = bound = 0
    for _ in range(1000):
        problem = _tiny_problem(rng)
        problem.check()
        assert _is_tiny(problem)
        plain, dense = _prune_tiny(problem), _prune_dense(problem)
        assert np.array_equal(plain.keep_arcs, dense.keep_arcs), problem
        assert plain.keep_arcs.dtype == dense.keep_arcs.dtype
        assert (plain.bound_pruned, plain.dominance_pruned) == (dense.bound_pruned, dense.dominance_pruned)
        assert _same_floats(plain.workload_bound, dense.workload_bound), problem
        pruned += problem.n_arcs - dense.kept
        bound += dense.bound_pruned
    assert pruned > 1000 and bound > 50  # the rules actually fire on these problems


def test_tiny_path_selected_by_shape_only() -> None:
    rng = np.random.default_rng(1)
    problem = _tiny_problem(rng)
    assert _is_tiny(problem)
    with_pool = RoutingProblem(
        **{
            **problem.__dict__,
            "pool_capacity": np.array([1.0]),
            "pool_arc": PoolUsage.of([0], [0], [1.0]),
        }
    )
    assert not _is_tiny(with_pool)
    assert np.array_equal(prune(with_pool).keep_arcs, _prune_dense(with_pool).keep_arcs)
