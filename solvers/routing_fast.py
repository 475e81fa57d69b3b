"""Exact fast paths for one workload with no pool, where a MILP call would be overkill.

HiGHS spends ~10 ms on even a tiny MILP, and a routing request has up to
thousands of independent workloads, so the common single-workload shapes are
solved here exactly, each in well under a millisecond:

* :func:`cover_knapsack` — one demand unit on instance arcs only (a CPU service,
  a single-slice LLM workload with no API, ...):

      min Σ_a p_a y_a   s.t.  Σ_a c_a y_a ≥ 1 (coverage),  Σ_a e_a y_a ≤ E,  y ∈ Z+

  where ``c_a = 1 / load_a`` is the share of the demand one instance carries. Depth-
  first branch and bound over the arcs in order of cost per coverage, bounding
  with the fractional (LP) completion; the first dive is the greedy solution.
  Every node is explored or pruned by a valid bound, so the result is optimal; it
  gives up (returns ``None``) after ``node_limit`` nodes and the caller falls back
  to the MILP.
* :func:`cheapest_links` — every arc costless in instances (APIs, batch jobs): each
  unit goes whole to its cheapest link, which is optimal without a carbon cap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from solvers.routing_problem import FloatArray, IntArray

_TOL = 1e-9


@dataclass(frozen=True)
class KnapsackResult:
    """Instances per arc of an optimal cover, its cost and the nodes explored."""

    instances: FloatArray
    cost: float
    nodes: int


def cover_knapsack(
    price: FloatArray,
    load: FloatArray,
    carbon: FloatArray | None = None,
    carbon_cap: float = math.inf,
    *,
    whole_unit: bool = False,
    node_limit: int = 20_000,
) -> KnapsackResult | None:
    """Cheapest whole instances covering one demand unit (see the module docstring).

    ``load[a]`` is the number of instances of arc ``a`` the whole unit needs. With
    ``whole_unit`` the unit may not be split (one arc carries it all). Returns
    ``None`` when the node limit is hit (by nodes, or by instance counts the carbon cap
    refuses); raises ``ValueError`` when no cover exists.
    """
    n = len(price)
    carbon_arr = np.zeros(n) if carbon is None else np.asarray(carbon, dtype=np.float64)
    if n == 0:
        raise ValueError("no arc can serve the unit")
    if whole_unit:
        counts = np.ceil(load - _TOL * np.maximum(1.0, load))
        costs = price * counts
        feasible = carbon_arr * counts <= carbon_cap * (1 + _TOL) + 1e-12
        if not feasible.any():
            raise ValueError("no arc can carry the unit within the carbon cap")
        best = int(np.flatnonzero(feasible)[np.argmin(costs[feasible])])
        out = np.zeros(n)
        out[best] = counts[best]
        return KnapsackResult(out, float(costs[best]), n)
    order: IntArray | list[int]
    p: FloatArray | list[float]
    c: FloatArray | list[float]
    e: FloatArray | list[float]
    suffix_ratio: FloatArray | list[float]
    suffix_carbon: FloatArray | list[float]
    tiny = _tiny_order(price, load, carbon_arr)
    if tiny is not None:  # the same numbers as below, without numpy's per-call overhead
        order, p, c, e, suffix_ratio, suffix_carbon = tiny
    else:
        cover = 1.0 / load
        ratio = price / cover
        order = np.lexsort((np.arange(n), price, ratio))
        pa, ca, ea = price[order], cover[order], carbon_arr[order]
        p, c, e = pa, ca, ea
        suffix_ratio = np.minimum.accumulate((pa / ca)[::-1])[::-1]
        suffix_carbon = np.minimum.accumulate((ea / ca)[::-1])[::-1]
    has_cap = math.isfinite(carbon_cap)
    best_cost = math.inf
    best_y: list[int] | None = None
    y = [0] * n
    nodes = 0
    over_cap = 0  # instance counts refused by the carbon cap (bounded like nodes: a huge load
    # on a capped arc would otherwise step through every count)

    def limit() -> float:
        """Costs at or above this cannot improve on the incumbent."""
        return best_cost - 1e-12 * max(1.0, best_cost) if math.isfinite(best_cost) else math.inf

    def dfs(i: int, remaining: float, cost: float, spent: float) -> bool:
        nonlocal best_cost, best_y, nodes, over_cap
        nodes += 1
        if nodes > node_limit:
            return False
        if remaining <= _TOL:
            if cost < limit():
                best_cost, best_y = cost, list(y)
            return True
        if i == n:
            return True
        if cost + remaining * suffix_ratio[i] >= limit():
            return True
        if has_cap and spent + remaining * suffix_carbon[i] > carbon_cap * (1 + _TOL) + 1e-12:
            return True
        top = math.ceil(remaining / c[i] - _TOL)
        rest_ratio = suffix_ratio[i + 1] if i + 1 < n else math.inf
        for count in range(top, -1, -1):
            left = remaining - count * c[i]
            new_cost = cost + count * p[i]
            if left > _TOL and new_cost + left * rest_ratio >= limit():
                if count < top:
                    break  # fewer instances here only leaves more for dearer arcs
                continue
            new_spent = spent + count * e[i]
            if has_cap and new_spent > carbon_cap * (1 + _TOL) + 1e-12:
                over_cap += 1
                if over_cap > node_limit:
                    return False
                continue
            y[i] = count
            finished = dfs(i + 1, left, new_cost, new_spent)
            y[i] = 0
            if not finished:
                return False
        return True

    if not dfs(0, 1.0, 0.0, 0.0):
        return None
    if best_y is None:
        raise ValueError("no cover satisfies the carbon cap")
    out = np.zeros(n)
    out[order] = best_y
    return KnapsackResult(out, best_cost, nodes)


_TINY = 8  # arcs up to which the search order is set up in plain Python


def _tiny_order(
    price: FloatArray, load: FloatArray, carbon: FloatArray
) -> tuple[list[int], list[float], list[float], list[float], list[float], list[float]] | None:
    """:func:`cover_knapsack`'s search order and suffix bounds as lists, for a few ordinary arcs.

    ``None`` (use numpy) above ``_TINY`` arcs or unless every load is finite and > 0 and
    every price and carbon finite and >= 0, where no division by zero, NaN or signed zero
    arises: the arithmetic is then the same IEEE operations, the sort the same keys.
    """
    n = len(price)
    if n > _TINY:
        return None
    prices, loads, kgs = price.tolist(), load.tolist(), carbon.tolist()
    if not all(0 < x < math.inf for x in loads) or not all(0 <= x < math.inf for x in (*prices, *kgs)):
        return None
    cover = [1.0 / x for x in loads]
    ratio = [pr / cv for pr, cv in zip(prices, cover, strict=True)]
    order = sorted(range(n), key=lambda i: (ratio[i], prices[i], i))
    p, c, e = [prices[i] for i in order], [cover[i] for i in order], [kgs[i] for i in order]
    return (
        order,
        p,
        c,
        e,
        _suffix_min([a / b for a, b in zip(p, c, strict=True)]),
        _suffix_min([a / b for a, b in zip(e, c, strict=True)]),
    )


def _suffix_min(values: list[float]) -> list[float]:
    """Minimum of each suffix (no NaN here)."""
    out = list(values)
    for i in range(len(out) - 2, -1, -1):
        out[i] = min(out[i], out[i + 1])
    return out


def cheapest_links(unit_of_link: IntArray, cost: FloatArray, n_units: int) -> IntArray:
    """Index of the cheapest link of every unit (ties: lowest link index); -1 when a unit has none."""
    best = np.full(n_units, -1, dtype=np.int64)
    order = np.lexsort((np.arange(len(cost)), cost, unit_of_link))
    first = np.ones(len(order), dtype=bool)
    first[1:] = unit_of_link[order][1:] != unit_of_link[order][:-1]
    best[unit_of_link[order[first]]] = order[first]
    return best
