"""Reproducible random routing problems for oracle tests."""

from __future__ import annotations

import numpy as np

from solvers.routing_problem import PoolUsage, RoutingProblem


def random_problem(
    rng: np.random.Generator,
    n_workloads: int = 3,
    max_units: int = 2,
    max_arcs: int = 3,
    *,
    pools: bool = True,
    carbon: bool = True,
    whole: bool = False,
    api: bool = True,
) -> RoutingProblem:
    """Workloads with instance arcs (some costless, like batch jobs) and API arcs, random pools and caps."""
    unit_w: list[int] = []
    arc_w: list[int] = []
    arc_int: list[bool] = []
    price: list[float] = []
    arc_carbon: list[float] = []
    link_unit: list[int] = []
    link_arc: list[int] = []
    load: list[float] = []
    cost: list[float] = []
    link_carbon: list[float] = []
    for w in range(n_workloads):
        n_u = int(rng.integers(1, max_units + 1))
        units = list(range(len(unit_w), len(unit_w) + n_u))
        unit_w += [w] * n_u
        for _ in range(int(rng.integers(1, max_arcs + 1))):
            arc = len(arc_w)
            arc_w.append(w)
            is_api = api and rng.random() < 0.25
            arc_int.append(not is_api)
            costless = not is_api and rng.random() < 0.15
            price.append(0.0 if (is_api or costless) else float(rng.uniform(0.5, 4)))
            arc_carbon.append(0.0 if (is_api or costless) else float(rng.uniform(0, 2)))
            for u in units:
                if rng.random() < 0.8:
                    link_unit.append(u)
                    link_arc.append(arc)
                    load.append(0.0 if is_api else float(rng.uniform(0.1, 2.5)))
                    cost.append(float(rng.uniform(0.2, 3)) if (is_api or costless) else 0.0)
                    link_carbon.append(float(rng.uniform(0, 1)) if (is_api or costless) else 0.0)
    n_links, n_arcs = len(link_unit), len(arc_w)
    pa: tuple[list[int], list[int], list[float]] = ([], [], [])
    pl: tuple[list[int], list[int], list[float]] = ([], [], [])
    capacity: list[float] = []
    if pools:
        for k in range(int(rng.integers(1, 3))):
            capacity.append(float(rng.integers(1, 5)))
            for a in range(n_arcs):
                if arc_int[a] and rng.random() < 0.4:
                    pa[0].append(k), pa[1].append(a), pa[2].append(float(rng.choice([1, 2])))
            for lk in range(n_links):
                if not arc_int[link_arc[lk]] and rng.random() < 0.4:
                    pl[0].append(k), pl[1].append(lk), pl[2].append(float(rng.uniform(0.5, 2)))
    caps = np.full(n_workloads, np.inf)
    if carbon:
        for w in range(n_workloads):
            if rng.random() < 0.3:
                caps[w] = float(rng.uniform(0.5, 4))
    return RoutingProblem(
        n_workloads=n_workloads,
        unit_workload=np.array(unit_w, dtype=np.int64),
        arc_workload=np.array(arc_w, dtype=np.int64),
        arc_integer=np.array(arc_int, dtype=bool),
        arc_price=np.array(price),
        arc_carbon=np.array(arc_carbon),
        link_unit=np.array(link_unit, dtype=np.int64),
        link_arc=np.array(link_arc, dtype=np.int64),
        link_load=np.array(load),
        link_cost=np.array(cost),
        link_carbon=np.array(link_carbon),
        pool_capacity=np.array(capacity),
        pool_arc=PoolUsage.of(*pa),
        pool_link=PoolUsage.of(*pl),
        workload_carbon_cap=caps,
        whole_units=whole,
    )
