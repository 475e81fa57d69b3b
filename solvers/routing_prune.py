"""Exact reductions of a routing problem before the MILP: aggregation, bounds, dominance.

Every reduction keeps at least one optimal solution (nothing here is a heuristic):

* :func:`group_identical` merges identical rows (offers that differ only in their
  id): they are perfect substitutes, so one representative with the summed stock
  stands for all of them.
* **Cost bound.** Let ``UB_w`` be the cost of a placement of workload ``w`` that
  uses no pool (quota, stock, API tokens per minute, total carbon) and respects its
  own carbon cap: one pool-free instance arc carrying every unit, or every unit on
  its cheapest pool-free costless-instance link. Switching ``w`` to that placement
  frees pool capacity and breaks nothing, so in an optimal solution ``w`` costs at
  most ``UB_w``; an integer arc used at all costs at least its price, so arcs with
  ``price > UB_w`` are dropped.
* **Costless arcs** (APIs, batch jobs: no price per instance) whose every link costs
  more than the cheapest pool-free costless link of the same unit are dropped (no
  carbon cap): the share moves there for less, using no pool.
* **Dominance by multiples.** Arc ``b`` dominates arc ``a`` of the same workload if
  ``k`` instances of ``b`` (``k`` the smallest integer with ``k·load_b ≥ load_a`` for
  every unit) cost no more than one instance of ``a``, serve every unit ``a`` serves
  at no higher per-share cost, carbon and pool usage, and use no more of any pool
  (``k·usage_b ≤ usage_a``). Replacing each instance of ``a`` by ``k`` of ``b`` keeps
  a solution feasible and no dearer, so ``a`` can go. Continuous (API) arcs are
  compared share for share (``k = 1``). Ties between equal arcs keep the lowest index.
  Dominance is transitive, so an undominated dominator always remains.

Carbon is compared only when the workload has a carbon cap (a total cap is a pool,
compared with the pools); the carbon price is already part of the prices.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from solvers.routing_problem import BoolArray, FloatArray, IntArray, RoutingProblem, min_instances, segments

_REL = 1e-9
_MAX_PAIRWISE_CELLS = 40_000_000
_PLAIN_GROUPING_ROWS = 5_000  # below this a dict of row tuples beats a pandas groupby
_NAN = object()
_TINY_ARCS = 8  # a one-workload, pool-free problem up to this size is pruned in plain Python
_TINY_UNITS = 4


def _cap_limit(value: Any) -> Any:
    """Largest amount counted as "no more than ``value``" (prices, costs, pools, the cap); float or array."""
    return value * (1 + _REL) + 1e-12


def _carbon_limit(value: Any) -> Any:
    """:func:`_cap_limit` for carbon compared between arcs (a finer absolute slack); float or array."""
    return value * (1 + _REL) + 1e-15


def _carbon_floor(value: Any) -> Any:
    """Carbon must be below this to count as "less than ``value``" (the skyline); float or array."""
    return value * (1 - _REL) - 1e-15


def _link_cost_limit(cost: Any) -> Any:
    """Largest link cost counted as "no more than ``cost``" in the dominance test; float or array."""
    return cost + (1e-12 + _REL * abs(cost))


@dataclass(frozen=True)
class PruneResult:
    """Arcs kept, and how many each rule removed."""

    keep_arcs: BoolArray
    bound_pruned: int
    dominance_pruned: int
    workload_bound: FloatArray  # UB_w (inf when no pool-free placement exists)

    @property
    def kept(self) -> int:
        """Arcs kept."""
        return int(self.keep_arcs.sum())


def group_identical(columns: list[np.ndarray]) -> tuple[IntArray, IntArray]:
    """Groups of identical rows over ``columns``: (first row of each group, group of each row).

    Groups are numbered in order of first appearance, so the result is deterministic.
    NaNs equal each other and ``-0.0`` equals ``0.0`` (pandas' grouping semantics).
    """
    if not columns or len(columns[0]) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if len(columns[0]) <= _PLAIN_GROUPING_ROWS:
        return _group_rows_plain(columns)
    return _group_rows_pandas(columns)


def _group_rows_plain(columns: list[np.ndarray]) -> tuple[IntArray, IntArray]:
    """:func:`group_identical` with a dict of row tuples (fast on small inputs)."""
    cells: list[list[object]] = [c.tolist() for c in columns]
    floats = [i for i, c in enumerate(columns) if c.dtype.kind == "f"]
    if floats and np.isnan(np.concatenate([columns[i] for i in floats])).any():
        for i in floats:  # NaN != NaN: one sentinel stands for every NaN
            cells[i] = [cell if cell == cell else _NAN for cell in cells[i]]
    index: dict[tuple[object, ...], int] = {}
    first: list[int] = []
    group: list[int] = []
    for j, row in enumerate(zip(*cells, strict=True)):
        g = index.setdefault(row, len(first))
        if g == len(first):
            first.append(j)
        group.append(g)
    return np.array(first, dtype=np.int64), np.array(group, dtype=np.int64)


def _group_rows_pandas(columns: list[np.ndarray]) -> tuple[IntArray, IntArray]:
    """:func:`group_identical` with a pandas groupby (fast on large inputs)."""
    frame = pd.DataFrame({f"c{i}": c for i, c in enumerate(columns)})
    codes = frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy(dtype=np.int64)
    _, first = np.unique(codes, return_index=True)
    order = np.argsort(first, kind="stable")
    renumber = np.empty_like(order)
    renumber[order] = np.arange(len(order))
    return first[order].astype(np.int64), renumber[codes].astype(np.int64)


@dataclass(frozen=True)
class _Block:
    """One workload's arcs as dense matrices (arcs × units, arcs × pools)."""

    arcs: IntArray
    integer: BoolArray
    price: FloatArray
    carbon: FloatArray
    load: FloatArray  # inf where no link
    cost: FloatArray
    link_carbon: FloatArray
    arc_pool: FloatArray  # arcs × pools
    link_pool: FloatArray  # arcs × units × pools
    cap: float

    def pool_free(self) -> BoolArray:
        """Arcs that use no pool, per instance or per share (computed once; read-only)."""
        return self._pool_free

    @cached_property
    def _pool_free(self) -> BoolArray:
        if not self.arc_pool.shape[1]:
            free = np.ones(len(self.arcs), dtype=bool)
        else:
            free = np.asarray(~(self.arc_pool > 0).any(axis=1) & ~(self.link_pool > 0).any(axis=(1, 2)))
        free.flags.writeable = False
        return free

    @cached_property
    def linked(self) -> BoolArray:
        """Which (arc, unit) pairs have a link (finite load); computed once, read-only."""
        linked = np.isfinite(self.load)
        linked.flags.writeable = False
        return linked


def prune(problem: RoutingProblem) -> PruneResult:
    """Exact reductions (see the module docstring); returns the arcs to keep."""
    return _prune_tiny(problem) if _is_tiny(problem) else _prune_dense(problem)


def _prune_dense(problem: RoutingProblem) -> PruneResult:
    """:func:`prune` with numpy matrices per workload (any size)."""
    keep = np.ones(problem.n_arcs, dtype=bool)
    ub = np.full(problem.n_workloads, np.inf)
    n_bound = n_dom = 0
    for w, block in _blocks(problem):
        alive: BoolArray = np.asarray(block.linked.any(axis=1))  # unused if it serves nothing
        n_dom += int((~alive).sum())
        ub[w] = _fallback_cost(block)
        if np.isfinite(ub[w]):
            over = alive & block.integer & (block.price > _cap_limit(ub[w]))
            alive &= ~over
            n_bound += int(over.sum())
        survivors = _pairwise(block, _skyline(block, _costless(block, alive)))
        n_dom += int(alive.sum() - survivors.sum())
        keep[block.arcs[~survivors]] = False
    return PruneResult(keep, n_bound, n_dom, ub)


def _blocks(problem: RoutingProblem) -> Iterator[tuple[int, _Block]]:
    """Dense per-workload matrices, one workload at a time, in index order."""
    n_w = problem.n_workloads
    if n_w == 1:  # one workload: every item is its own, in index order (no sorting needed)
        arc_order, arc_bounds = _whole(problem.n_arcs)
        unit_order, unit_bounds = _whole(problem.n_units)
        unit_pos, arc_pos = unit_order, arc_order
        link_order, link_bounds = _whole(problem.n_links)
        pa_order, pa_bounds = _whole(len(problem.pool_arc))
        pl_order, pl_bounds = _whole(len(problem.pool_link))
    else:
        arc_order, arc_bounds = segments(problem.arc_workload, n_w)
        unit_order, unit_bounds = segments(problem.unit_workload, n_w)
        unit_pos = np.empty(problem.n_units, dtype=np.int64)
        unit_pos[unit_order] = np.arange(problem.n_units) - np.repeat(unit_bounds[:-1], np.diff(unit_bounds))
        arc_pos = np.empty(problem.n_arcs, dtype=np.int64)
        arc_pos[arc_order] = np.arange(problem.n_arcs) - np.repeat(arc_bounds[:-1], np.diff(arc_bounds))
        link_w = problem.arc_workload[problem.link_arc]
        link_order, link_bounds = segments(link_w, n_w)
        pa_w = problem.arc_workload[problem.pool_arc.item]
        pa_order, pa_bounds = segments(pa_w, n_w)
        pl_w = link_w[problem.pool_link.item]
        pl_order, pl_bounds = segments(pl_w, n_w)
    for w in range(n_w):
        arcs = arc_order[arc_bounds[w] : arc_bounds[w + 1]]
        if len(arcs) == 0:
            continue
        n_a, n_u = len(arcs), int(unit_bounds[w + 1] - unit_bounds[w])
        links = link_order[link_bounds[w] : link_bounds[w + 1]]
        rows, cols = arc_pos[problem.link_arc[links]], unit_pos[problem.link_unit[links]]
        load = np.full((n_a, n_u), np.inf)
        cost = np.full((n_a, n_u), np.inf)
        link_carbon = np.full((n_a, n_u), np.inf)
        load[rows, cols] = problem.link_load[links]
        cost[rows, cols] = problem.link_cost[links]
        link_carbon[rows, cols] = problem.link_carbon[links]
        pa = pa_order[pa_bounds[w] : pa_bounds[w + 1]]
        pl = pl_order[pl_bounds[w] : pl_bounds[w + 1]]
        arc_pool, link_pool = _pool_matrices(problem, pa, pl, arc_pos, unit_pos, n_a, n_u)
        block = _Block(
            arcs=arcs,
            integer=problem.arc_integer[arcs],
            price=problem.arc_price[arcs],
            carbon=problem.arc_carbon[arcs],
            load=load,
            cost=cost,
            link_carbon=link_carbon,
            arc_pool=arc_pool,
            link_pool=link_pool,
            cap=float(problem.workload_carbon_cap[w]),
        )
        yield w, block


def _whole(n: int) -> tuple[IntArray, IntArray]:
    """:func:`segments` of ``n`` items that all have key 0 (of one key): identity order, bounds ``[0, n]``."""
    return np.arange(n, dtype=np.int64), np.array([0, n], dtype=np.int64)


def _pool_matrices(
    problem: RoutingProblem,
    pa: IntArray,
    pl: IntArray,
    arc_pos: IntArray,
    unit_pos: IntArray,
    n_a: int,
    n_u: int,
) -> tuple[FloatArray, FloatArray]:
    """Pool usage of one workload's arcs (arcs × pools) and links (arcs × units × pools).

    ``pa``/``pl`` are its entries of ``pool_arc``/``pool_link``; the pools are those they name, in order.
    """
    if not len(pa) and not len(pl):
        return np.zeros((n_a, 0)), np.zeros((n_a, n_u, 0))
    pools, inverse = np.unique(
        np.concatenate([problem.pool_arc.pool[pa], problem.pool_link.pool[pl]]), return_inverse=True
    )
    inverse = np.asarray(inverse).reshape(-1)
    arc_pool = np.zeros((n_a, len(pools)))
    arc_rows = arc_pos[problem.pool_arc.item[pa]]
    np.add.at(arc_pool, (arc_rows, inverse[: len(pa)]), problem.pool_arc.coef[pa])
    link_pool = np.zeros((n_a, n_u, len(pools)))
    lk = problem.pool_link.item[pl]
    np.add.at(
        link_pool,
        (arc_pos[problem.link_arc[lk]], unit_pos[problem.link_unit[lk]], inverse[len(pa) :]),
        problem.pool_link.coef[pl],
    )
    return arc_pool, link_pool


def _fallback_cost(block: _Block) -> float:
    """Cost of the cheapest pool-free placement found by two simple rules (inf if none)."""
    linked = block.linked
    pool_free = block.pool_free()
    best = np.inf
    full = pool_free & block.integer & linked.all(axis=1)
    if full.any():
        load = np.where(linked, block.load, 0.0)[full].sum(axis=1)
        n = min_instances(load)
        cost = block.price[full] * n + np.where(linked, block.cost, 0.0)[full].sum(axis=1)
        carbon = block.carbon[full] * n + np.where(linked, block.link_carbon, 0.0)[full].sum(axis=1)
        ok = carbon <= _cap_limit(block.cap)
        if ok.any():
            best = float(cost[ok].min())
    costless = pool_free & (~block.integer | ((block.price == 0) & (block.carbon == 0)))
    if costless.any():
        cost = np.where(costless[:, None] & linked, block.cost, np.inf)
        pick = np.argmin(cost, axis=0)
        cols = np.arange(cost.shape[1])
        chosen = cost[pick, cols]
        if np.all(np.isfinite(chosen)):
            carbon = float(block.link_carbon[pick, cols].sum())
            if carbon <= _cap_limit(block.cap):
                best = min(best, float(chosen.sum()))
    return best


def _costless(block: _Block, alive: BoolArray) -> BoolArray:
    """Drop arcs costless in instances (APIs, batch) that pool-free costless arcs beat unit by unit.

    Without a carbon cap, a share of unit ``u`` on such an arc can move to the cheapest
    pool-free costless link of ``u`` (ties: an arc using no pool beats one that does)
    at no higher cost and with less pool usage. With a carbon cap the pairwise test
    decides.
    """
    if np.isfinite(block.cap):
        return alive
    costless = alive & (~block.integer | ((block.price == 0) & (block.carbon == 0)))
    free = costless & block.pool_free()
    if not free.any():
        return alive
    linked = block.linked
    cost = np.where(linked, block.cost, np.inf)
    best = np.where(free[:, None], cost, np.inf).min(axis=0)
    beaten = (cost > _cap_limit(best[None, :])) | ((cost >= best[None, :]) & ~free[:, None])
    dominated = costless & np.where(linked, beaten, True).all(axis=1) & linked.any(axis=1)
    return np.asarray(alive & ~dominated, dtype=bool)


def _features(block: _Block, carbon_matters: bool) -> np.ndarray:
    parts = [block.load, block.cost, block.integer[:, None].astype(np.float64)]
    if carbon_matters:
        parts.append(block.link_carbon)
    parts.append(block.arc_pool)
    parts.append(block.link_pool.reshape(len(block.arcs), -1))
    return np.hstack(parts)


def _row_groups(rows: np.ndarray) -> IntArray:
    """Group of every row of a 2-D array, identical rows sharing one (``np.unique(axis=0)``'s
    partition: ``-0.0 == 0.0``, a NaN equals nothing), numbered in order of first appearance.
    """
    index: dict[tuple[float, ...], int] = {}
    return np.array([index.setdefault(tuple(row), len(index)) for row in rows.tolist()], dtype=np.int64)


def _skyline(block: _Block, alive: BoolArray) -> BoolArray:
    """Among arcs identical except price (and carbon), keep the Pareto-cheapest."""
    idx = np.flatnonzero(alive)
    if len(idx) <= 1:
        return alive.copy()
    carbon_matters = bool(np.isfinite(block.cap))
    group = _row_groups(_features(block, carbon_matters)[idx])
    if int(group.max()) + 1 == len(idx):  # groups are numbered 0, 1, ...: no two arcs alike
        return alive.copy()
    price, carbon = block.price[idx], block.carbon[idx]
    order = np.lexsort((idx, carbon, price, group))
    sorted_group = group[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = sorted_group[1:] != sorted_group[:-1]
    if carbon_matters:
        e_sorted = carbon[order]
        frame = pd.DataFrame({"g": sorted_group, "e": e_sorted})
        running = frame.groupby("g", sort=False)["e"].cummin()
        prior = running.groupby(frame["g"], sort=False).shift(1).fillna(np.inf).to_numpy(dtype=np.float64)
        keep_sorted = first | (e_sorted < _carbon_floor(prior))
    else:
        keep_sorted = first
    out = np.zeros_like(alive)
    out[idx[order[keep_sorted]]] = True
    return out


def _pairwise(block: _Block, alive: BoolArray) -> BoolArray:
    """Remove arcs dominated by a multiple of another (see the module docstring)."""
    idx = np.flatnonzero(alive)
    n = len(idx)
    if n <= 1:
        return alive.copy()
    n_u = block.load.shape[1]
    n_p = block.arc_pool.shape[1]
    if n * n * max(1, n_u) * max(1, n_p) > _MAX_PAIRWISE_CELLS:
        return alive.copy()
    carbon_matters = bool(np.isfinite(block.cap))
    load, cost = block.load[idx], block.cost[idx]
    linked = np.isfinite(load)
    integer = block.integer[idx]
    # b (axis 0) dominates a (axis 1)
    covers = ~(linked[None, :, :] & ~linked[:, None, :]).any(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(linked[None, :, :], load[:, None, :] / load[None, :, :], 0.0)
    ratio = np.where(np.isnan(ratio), 1.0, ratio)
    k = np.maximum(1.0, np.ceil(ratio.max(axis=2) - 1e-9))
    both_int = integer[:, None] & integer[None, :]
    both_cont = ~integer[:, None] & ~integer[None, :]
    k = np.where(both_int & covers, k, 1.0)
    cheaper_links = np.where(
        linked[None, :, :], cost[:, None, :] <= _link_cost_limit(cost[None, :, :]), True
    ).all(axis=2)
    price = block.price[idx]
    dom = (both_int | both_cont) & covers & cheaper_links
    dom &= k * price[:, None] <= _cap_limit(price[None, :])
    if carbon_matters:
        lc = block.link_carbon[idx]
        dom &= np.where(linked[None, :, :], lc[:, None, :] <= _carbon_limit(lc[None, :, :]), True).all(axis=2)
        carbon = block.carbon[idx]
        dom &= k * carbon[:, None] <= _carbon_limit(carbon[None, :])
    if n_p:
        ap = block.arc_pool[idx]
        dom &= (k[:, :, None] * ap[:, None, :] <= _cap_limit(ap[None, :, :])).all(axis=2)
        lp = block.link_pool[idx]
        ok = lp[:, None, :, :] <= _cap_limit(lp[None, :, :, :])
        dom &= np.where(linked[None, :, :, None], ok, True).all(axis=(2, 3))
    np.fill_diagonal(dom, False)
    order = np.arange(n)
    strict = dom & (~dom.T | (order[:, None] < order[None, :]))
    dominated = strict.any(axis=0)
    out = np.zeros_like(alive)
    out[idx[~dominated]] = True
    return out


# --- Plain-Python pruning of tiny problems -----------------------------------------------
# On a handful of arcs numpy's per-call overhead dominates, so a one-workload, pool-free
# problem of at most _TINY_ARCS arcs and _TINY_UNITS units is pruned with lists instead.
# The rules are those above, step for step, with the same tolerance helpers; sums run
# left to right from 0.0 (numpy's order for rows this short), minima and argmins keep the
# first of equal values, ties in sorting are broken by the same keys.
# tests/routing/test_prune_tiny.py compares both paths on thousands of random problems.


def _is_tiny(problem: RoutingProblem) -> bool:
    return (
        problem.n_workloads == 1
        and 0 < problem.n_arcs <= _TINY_ARCS
        and problem.n_units <= _TINY_UNITS
        and not len(problem.pool_arc)
        and not len(problem.pool_link)
    )


def _total(values: list[float]) -> float:
    """Sum left to right from 0.0, as numpy sums a row of at most eight values."""
    out = 0.0
    for v in values:
        out += v
    return out


def _ceil(x: float) -> float:
    """``np.ceil`` of a float (infinities and NaN pass through, a zero result keeps the sign of ``x``)."""
    if not math.isfinite(x):
        return x
    return math.copysign(float(math.ceil(x)), x) if -1.0 < x <= 0.0 else float(math.ceil(x))


def _min_instances(load: float, tol: float = 1e-9) -> float:
    """:func:`solvers.routing_problem.min_instances` of one load."""
    return _ceil(_maximum(load, 0.0) - tol * _maximum(1.0, load))


def _maximum(a: float, b: float) -> float:
    """``np.maximum`` of two floats: NaN wins, on a tie the second."""
    return a if a != a or a > b else b


def _minimum(a: float, b: float) -> float:
    """``np.minimum`` of two floats: NaN wins, on a tie the second."""
    return a if a != a or a < b else b


def _greatest(values: list[float]) -> float:
    """``np.max`` of a short non-empty list (a fold of :func:`_maximum`)."""
    out = values[0]
    for v in values[1:]:
        out = _maximum(out, v)
    return out


def _least(values: list[float]) -> float:
    """``np.min`` of a short non-empty list (a fold of :func:`_minimum`)."""
    out = values[0]
    for v in values[1:]:
        out = _minimum(out, v)
    return out


def _divide(x: float, y: float) -> float:
    """``x / y`` with numpy's IEEE results for a zero divisor."""
    if y != 0.0:
        return x / y
    if x != x or x == 0.0:
        return math.nan
    return math.copysign(math.inf, x) * math.copysign(1.0, y)


def _argmin(values: list[float]) -> int:
    """``np.argmin``: first minimum, or the first NaN."""
    best = 0
    for i, v in enumerate(values):
        if v != v:
            return i
        if v < values[best]:
            best = i
    return best


@dataclass
class _TinyBlock:
    """The dense rows of :class:`_Block` as lists (one workload, no pools)."""

    integer: list[bool]
    price: list[float]
    carbon: list[float]
    load: list[list[float]]
    cost: list[list[float]]
    link_carbon: list[list[float]]
    linked: list[list[bool]]
    cap: float


def _tiny_block(problem: RoutingProblem) -> _TinyBlock:
    n_a, n_u = problem.n_arcs, problem.n_units
    load = [[math.inf] * n_u for _ in range(n_a)]
    cost = [[math.inf] * n_u for _ in range(n_a)]
    link_carbon = [[math.inf] * n_u for _ in range(n_a)]
    for a, u, ld, c, e in zip(
        problem.link_arc.tolist(),
        problem.link_unit.tolist(),
        problem.link_load.tolist(),
        problem.link_cost.tolist(),
        problem.link_carbon.tolist(),
        strict=True,
    ):
        load[a][u], cost[a][u], link_carbon[a][u] = ld, c, e
    return _TinyBlock(
        integer=problem.arc_integer.tolist(),
        price=problem.arc_price.tolist(),
        carbon=problem.arc_carbon.tolist(),
        load=load,
        cost=cost,
        link_carbon=link_carbon,
        linked=[[math.isfinite(v) for v in row] for row in load],
        cap=float(problem.workload_carbon_cap[0]),
    )


def _prune_tiny(problem: RoutingProblem) -> PruneResult:
    """:func:`prune` of a tiny problem (see :func:`_is_tiny`), in plain Python."""
    block = _tiny_block(problem)
    alive = [any(row) for row in block.linked]
    n_dom = alive.count(False)
    ub = _tiny_fallback_cost(block)
    n_bound = 0
    if math.isfinite(ub):
        limit = _cap_limit(ub)
        over = [al and i and p > limit for al, i, p in zip(alive, block.integer, block.price, strict=True)]
        alive = [al and not o for al, o in zip(alive, over, strict=True)]
        n_bound = over.count(True)
    survivors = _tiny_pairwise(block, _tiny_skyline(block, _tiny_costless(block, alive)))
    n_dom += alive.count(True) - survivors.count(True)
    return PruneResult(np.array(survivors, dtype=bool), n_bound, n_dom, np.array([ub]))


def _tiny_costless_arcs(block: _TinyBlock) -> list[bool]:
    return [
        not i or (p == 0 and e == 0) for i, p, e in zip(block.integer, block.price, block.carbon, strict=True)
    ]


def _tiny_fallback_cost(block: _TinyBlock) -> float:
    """:func:`_fallback_cost` (every arc is pool-free)."""
    best = math.inf
    costs: list[float] = []
    for a, linked in enumerate(block.linked):
        if not (block.integer[a] and all(linked)):
            continue
        n = _min_instances(_total([v if ok else 0.0 for v, ok in zip(block.load[a], linked, strict=True)]))
        cost = block.price[a] * n + _total(
            [v if ok else 0.0 for v, ok in zip(block.cost[a], linked, strict=True)]
        )
        carbon = block.carbon[a] * n + _total(
            [v if ok else 0.0 for v, ok in zip(block.link_carbon[a], linked, strict=True)]
        )
        if carbon <= _cap_limit(block.cap):
            costs.append(cost)
    if costs:
        best = _least(costs)
    costless = _tiny_costless_arcs(block)
    if any(costless):
        n_u = len(block.load[0])
        chosen, carbon_parts = [], []
        for u in range(n_u):
            column = [
                block.cost[a][u] if costless[a] and block.linked[a][u] else math.inf
                for a in range(len(costless))
            ]
            pick = _argmin(column)
            chosen.append(column[pick])
            carbon_parts.append(block.link_carbon[pick][u])
        if all(math.isfinite(c) for c in chosen) and _total(carbon_parts) <= _cap_limit(block.cap):
            best = min(best, _total(chosen))
    return best


def _tiny_costless(block: _TinyBlock, alive: list[bool]) -> list[bool]:
    """:func:`_costless`."""
    if math.isfinite(block.cap):
        return alive
    costless = [al and c for al, c in zip(alive, _tiny_costless_arcs(block), strict=True)]
    free = costless  # every arc is pool-free
    if not any(free):
        return alive
    n_a, n_u = len(alive), len(block.load[0])
    cost = [
        [c if ok else math.inf for c, ok in zip(block.cost[a], block.linked[a], strict=True)]
        for a in range(n_a)
    ]
    best = [_least([cost[a][u] if free[a] else math.inf for a in range(n_a)]) for u in range(n_u)]
    out = []
    for a in range(n_a):
        beaten = all(
            (cost[a][u] > _cap_limit(best[u]) or (cost[a][u] >= best[u] and not free[a]))
            if block.linked[a][u]
            else True
            for u in range(n_u)
        )
        dominated = costless[a] and beaten and any(block.linked[a])
        out.append(alive[a] and not dominated)
    return out


def _tiny_skyline(block: _TinyBlock, alive: list[bool]) -> list[bool]:
    """:func:`_skyline` (no pools)."""
    idx = [a for a, al in enumerate(alive) if al]
    if len(idx) <= 1:
        return list(alive)
    carbon_matters = math.isfinite(block.cap)
    index: dict[tuple[float, ...], int] = {}
    group = []
    for a in idx:
        row = [*block.load[a], *block.cost[a], float(block.integer[a])]
        if carbon_matters:
            row += block.link_carbon[a]
        group.append(index.setdefault(tuple(row), len(index)))
    if len(index) == len(idx):
        return list(alive)
    order = sorted(
        range(len(idx)), key=lambda i: (group[i], block.price[idx[i]], block.carbon[idx[i]], idx[i])
    )
    out = [False] * len(alive)
    running = math.inf
    previous = -1
    for i in order:
        e = block.carbon[idx[i]]
        if group[i] != previous:  # first of its group
            previous, running = group[i], e
            out[idx[i]] = True
            continue
        if carbon_matters and e < _carbon_floor(running):
            out[idx[i]] = True
        running = min(running, e)
    return out


def _tiny_pairwise(block: _TinyBlock, alive: list[bool]) -> list[bool]:
    """:func:`_pairwise` (no pools)."""
    idx = [a for a, al in enumerate(alive) if al]
    n = len(idx)
    if n <= 1:
        return list(alive)
    carbon_matters = math.isfinite(block.cap)
    n_u = len(block.load[0])
    dom = [[False] * n for _ in range(n)]  # dom[b][a]: b dominates a
    for jb, b in enumerate(idx):
        load_b, cost_b, lc_b, linked_b = block.load[b], block.cost[b], block.link_carbon[b], block.linked[b]
        for ja, a in enumerate(idx):
            if ja == jb:
                continue
            load_a, cost_a, lc_a, linked_a = (
                block.load[a],
                block.cost[a],
                block.link_carbon[a],
                block.linked[a],
            )
            both_int = block.integer[a] and block.integer[b]
            if not (both_int or (not block.integer[a] and not block.integer[b])):
                continue
            if any(linked_a[u] and not linked_b[u] for u in range(n_u)):
                continue  # b does not cover a
            if not all(cost_b[u] <= _link_cost_limit(cost_a[u]) for u in range(n_u) if linked_a[u]):
                continue
            k = 1.0
            if both_int:
                ratios = [_divide(load_b[u], load_a[u]) if linked_a[u] else 0.0 for u in range(n_u)]
                top = _greatest([r if r == r else 1.0 for r in ratios])
                k = _maximum(1.0, _ceil(top - 1e-9))
            if not k * block.price[b] <= _cap_limit(block.price[a]):
                continue
            if carbon_matters:
                if not all(lc_b[u] <= _carbon_limit(lc_a[u]) for u in range(n_u) if linked_a[u]):
                    continue
                if not k * block.carbon[b] <= _carbon_limit(block.carbon[a]):
                    continue
            dom[jb][ja] = True
    out = [False] * len(alive)
    for ja, a in enumerate(idx):
        if not any(dom[jb][ja] and (not dom[ja][jb] or jb < ja) for jb in range(n)):
            out[a] = True
    return out
