"""The plain-Python fast path of a single unit on a few links against the numpy path.

Random one-unit, pool-free problems with ties, zeros, extreme magnitudes, carbon caps
(none, binding, infeasible) and whole units; both paths must return the same outcome
exactly. Optimality itself is checked against scipy and brute force in
test_solver_oracles.py, whose one-workload problems take this path.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from solvers import routing_fast
from solvers.routing import _TINY_LINKS, _fast_general, _fast_tiny_cover, _Outcome
from solvers.routing_fast import _TINY, cover_knapsack
from solvers.routing_problem import PoolUsage, RoutingProblem

# (no huge loads: cover_knapsack steps through every instance count of an arc, ~load of them)
_PALETTE = [0.0, 0.5, 1.0, 1.0, 2.0, 2.0, 3.0, 0.3, 1.7, 2.5, 1e-12, 1e4, 1.0 + 5e-10, 2.0 - 5e-10]


def _value(rng: np.random.Generator) -> float:
    if rng.random() < 0.8:
        return float(_PALETTE[int(rng.integers(len(_PALETTE)))])
    return float(rng.random() * 10.0 ** int(rng.integers(-3, 3)))


def _one_unit_problem(rng: np.random.Generator) -> RoutingProblem:
    n_a = int(rng.integers(1, _TINY_LINKS + 2))  # one more than the tiny limit now and then
    integer = rng.random(n_a) < 0.9
    price = [_value(rng) if integer[a] else 0.0 for a in range(n_a)]
    carbon = [_value(rng) if integer[a] and rng.random() < 0.6 else 0.0 for a in range(n_a)]
    arcs = [a for a in range(n_a) if rng.random() < 0.9] or [0]
    if rng.random() < 0.1:
        arcs.append(arcs[0])  # two links on one arc
    load = [_value(rng) if integer[a] else 0.0 for a in arcs]
    cost = [0.0 if rng.random() < 0.9 else _value(rng) for _ in arcs]
    kg = [0.0 if rng.random() < 0.9 else _value(rng) for _ in arcs]
    cap = math.inf if rng.random() < 0.4 else float(rng.choice([0.0, 0.5, 3.0, 20.0, _value(rng)]))
    return RoutingProblem(
        n_workloads=1,
        unit_workload=np.zeros(1, dtype=np.int64),
        arc_workload=np.zeros(n_a, dtype=np.int64),
        arc_integer=np.asarray(integer, dtype=bool),
        arc_price=np.array(price),
        arc_carbon=np.array(carbon),
        link_unit=np.zeros(len(arcs), dtype=np.int64),
        link_arc=np.array(arcs, dtype=np.int64),
        link_load=np.array(load),
        link_cost=np.array(cost),
        link_carbon=np.array(kg),
        pool_capacity=np.zeros(0),
        pool_arc=PoolUsage(),
        pool_link=PoolUsage(),
        workload_carbon_cap=np.array([cap]),
        whole_units=bool(rng.random() < 0.3),
    )


def _same(a: _Outcome | None, b: _Outcome | None) -> bool:
    if a is None or b is None:
        return a is b
    same_report = (a.report.status, a.report.objective, a.report.bound, a.report.variables) == (
        b.report.status,
        b.report.objective,
        b.report.bound,
        b.report.variables,
    )
    return same_report and a.instances == b.instances and a.shares == b.shares and a.milp == b.milp


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # 1/0 in the numpy path: inf, as expected
def test_tiny_cover_matches_numpy_path() -> None:
    rng = np.random.default_rng(77)
    handled = solved = 0
    for _ in range(4000):
        problem = _one_unit_problem(rng)
        problem.check()
        links = np.arange(problem.n_links, dtype=np.int64)
        units = np.zeros(1, dtype=np.int64)
        cap = float(problem.workload_carbon_cap[0])
        general = _fast_general(problem, units, links, cap)
        if len(links) > _TINY_LINKS:
            continue
        done, tiny = _fast_tiny_cover(problem, links, cap)
        if done:
            handled += 1
            solved += tiny is not None and tiny.report.status.has_solution
            assert _same(tiny, general), problem
    assert handled > 800 and solved > 400


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_cover_knapsack_tiny_order_matches_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    cases = []
    for _ in range(2000):
        n = int(rng.integers(1, _TINY + 1))
        price = np.array([_value(rng) for _ in range(n)])
        load = np.array([_value(rng) for _ in range(n)])  # zeros: the numpy set-up decides
        carbon = np.array([_value(rng) for _ in range(n)])
        cap = math.inf if rng.random() < 0.5 else float(rng.random() * 20)
        cases.append((price, load, carbon, cap))
    plain = [_try(lambda c=c: cover_knapsack(*c)) for c in cases]
    monkeypatch.setattr(routing_fast, "_TINY", 0)  # numpy set-up for every size
    for case, fast in zip(cases, plain, strict=True):
        reference = _try(lambda c=case: cover_knapsack(*c))
        if isinstance(fast, routing_fast.KnapsackResult) and isinstance(
            reference, routing_fast.KnapsackResult
        ):
            assert (fast.cost, fast.nodes) == (reference.cost, reference.nodes)
            assert np.array_equal(fast.instances, reference.instances)
        else:
            assert fast == reference


def _try(call: Callable[[], object]) -> object:
    try:
        return call()
    except ValueError as error:
        return str(error)
