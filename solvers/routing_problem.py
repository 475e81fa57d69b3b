"""Data of the workload-routing model (pure arrays; see :mod:`solvers.routing`).

A routing problem is a bipartite structure:

* **workloads** ``w`` (``n_workloads``), each with one or more **demand units**
  ``u`` (LLM request slices, or the whole batch job / CPU service): ``unit_workload[u]``;
* **arcs** ``a``: a (workload, option) pair the workload may use. An *integer* arc
  is a compute option bought in whole instances ``y_a`` at ``arc_price[a]`` per
  instance (0 for batch jobs, whose cost is per unit of work); a *continuous* arc
  is a per-token API (no instances);
* **links** ``l``: demand unit ``link_unit[l]`` may be served by arc
  ``link_arc[l]``; placing the whole unit there needs ``link_load[l]`` instances
  and costs ``link_cost[l]`` (API tokens, batch work) per hour;
* **pools** ``k``: shared capacities (GPU/vCPU quotas, API tokens per minute, offer
  stock, a total carbon cap) with usage ``pool_arc_coef`` per instance of an arc
  and ``pool_link_coef`` per unit share of a link.

Workload carbon caps are per workload (``workload_carbon_cap``, ``inf`` = none),
with carbon ``arc_carbon`` per instance and ``link_carbon`` per unit share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def _ints(values: object) -> IntArray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


def _floats(values: object) -> FloatArray:
    return np.asarray(values, dtype=np.float64).reshape(-1)


@dataclass(frozen=True)
class PoolUsage:
    """Sparse usage of pools: ``coef`` of pool ``pool`` per unit of item ``item`` (arc or link)."""

    pool: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    item: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    coef: FloatArray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))

    @staticmethod
    def of(pool: object, item: object, coef: object) -> PoolUsage:
        """Build from array-likes."""
        return PoolUsage(_ints(pool), _ints(item), _floats(coef))

    def __len__(self) -> int:
        return len(self.pool)

    def select(self, keep_items: BoolArray, new_index: IntArray) -> PoolUsage:
        """Entries of kept items, renumbered with ``new_index`` (old item -> new item)."""
        mask = keep_items[self.item] & (self.coef != 0)
        return PoolUsage(self.pool[mask], new_index[self.item[mask]], self.coef[mask])


@dataclass(frozen=True)
class RoutingProblem:
    """A workload-routing instance (see the module docstring for the notation)."""

    n_workloads: int
    unit_workload: IntArray
    arc_workload: IntArray
    arc_integer: BoolArray
    arc_price: FloatArray
    arc_carbon: FloatArray
    link_unit: IntArray
    link_arc: IntArray
    link_load: FloatArray
    link_cost: FloatArray
    link_carbon: FloatArray
    pool_capacity: FloatArray
    pool_arc: PoolUsage
    pool_link: PoolUsage
    workload_carbon_cap: FloatArray
    whole_units: bool = False
    pool_names: tuple[str, ...] = ()
    workload_names: tuple[str, ...] = ()

    @property
    def n_units(self) -> int:
        """Number of demand units."""
        return len(self.unit_workload)

    @property
    def n_arcs(self) -> int:
        """Number of arcs."""
        return len(self.arc_workload)

    @property
    def n_links(self) -> int:
        """Number of links."""
        return len(self.link_unit)

    @property
    def n_pools(self) -> int:
        """Number of pools."""
        return len(self.pool_capacity)

    def pool_name(self, k: int) -> str:
        """Name of pool ``k`` (``pool[k]`` when unnamed)."""
        return self.pool_names[k] if k < len(self.pool_names) else f"pool[{k}]"

    def workload_name(self, w: int) -> str:
        """Name of workload ``w`` (its index when unnamed)."""
        return self.workload_names[w] if w < len(self.workload_names) else str(w)

    def check(self) -> None:
        """Raise ``ValueError`` when shapes, indices or values are inconsistent."""
        self._check_shapes()
        self._check_indices()
        self.check_values()
        if np.any(self.unit_workload[self.link_unit] != self.arc_workload[self.link_arc]):
            raise ValueError("a link joins a unit and an arc of different workloads")
        if np.any(~self.arc_integer[self.link_arc] & (self.link_load > 0)):
            raise ValueError("continuous (API) arcs carry no instance load")

    def check_values(self) -> None:
        """The value part of :meth:`check` (shapes must be right): finite non-negative data, limits >= 0.

        A problem assembled index by index (the planner's ``build_model``) has the right
        shapes, indices and links by construction, but its numbers are computed from the
        request and may overflow, so ``solve_routing(checked=True)`` still runs this.
        """
        finite = np.concatenate(
            [
                self.arc_price,
                self.arc_carbon,
                self.link_load,
                self.link_cost,
                self.link_carbon,
                self.pool_arc.coef,
                self.pool_link.coef,
            ]
        )
        # min >= 0 is False for NaN and -inf, max < inf for +inf: all finite and >= 0 in two reductions
        if len(finite) and not (finite.min() >= 0 and finite.max() < np.inf):
            raise ValueError("prices, loads, costs, carbon and pool usage must be finite and >= 0")
        limits = np.concatenate([self.pool_capacity, self.workload_carbon_cap])
        if len(limits) and not limits.min() >= 0:  # a NaN or a negative limit
            if np.any(np.isnan(self.pool_capacity)) or np.any(self.pool_capacity < 0):
                raise ValueError("pool capacities must be >= 0 (inf = unlimited)")
            raise ValueError("carbon caps must be >= 0 (inf = none)")

    def _check_shapes(self) -> None:
        n_a, n_l = self.n_arcs, self.n_links
        for name, arr, size in (
            ("arc_integer", self.arc_integer, n_a),
            ("arc_price", self.arc_price, n_a),
            ("arc_carbon", self.arc_carbon, n_a),
            ("link_arc", self.link_arc, n_l),
            ("link_load", self.link_load, n_l),
            ("link_cost", self.link_cost, n_l),
            ("link_carbon", self.link_carbon, n_l),
            ("workload_carbon_cap", self.workload_carbon_cap, self.n_workloads),
        ):
            if len(arr) != size:
                raise ValueError(f"{name} has {len(arr)} entries, expected {size}")

    def _check_indices(self) -> None:
        """Raise ``ValueError`` naming the first index array with an entry out of range."""
        present = [
            (name, idx, bound)
            for name, idx, bound in (
                ("unit_workload", self.unit_workload, self.n_workloads),
                ("arc_workload", self.arc_workload, self.n_workloads),
                ("link_unit", self.link_unit, self.n_units),
                ("link_arc", self.link_arc, self.n_arcs),
                ("pool_arc.pool", self.pool_arc.pool, self.n_pools),
                ("pool_arc.item", self.pool_arc.item, self.n_arcs),
                ("pool_link.pool", self.pool_link.pool, self.n_pools),
                ("pool_link.item", self.pool_link.item, self.n_links),
            )
            if len(idx)
        ]
        if not present:
            return
        flat = np.concatenate([idx for _, idx, _ in present])
        bounds = np.repeat([bound for _, _, bound in present], [len(idx) for _, idx, _ in present])
        if flat.min() >= 0 and np.all(flat < bounds):  # one vectorised test; names only on failure
            return
        for name, idx, bound in present:
            if idx.min() < 0 or idx.max() >= bound:
                raise ValueError(f"{name} has an index outside 0..{bound - 1}")

    def restricted(self, keep_arcs: BoolArray) -> RoutingProblem:
        """The same problem with only the arcs in ``keep_arcs`` (and their links)."""
        keep_arcs = np.asarray(keep_arcs, dtype=bool)
        if (
            len(keep_arcs) == self.n_arcs
            and keep_arcs.all()
            and self.pool_arc.coef.all()
            and self.pool_link.coef.all()
        ):
            return self  # nothing to drop (the arrays are never written to)
        new_arc = np.cumsum(keep_arcs) - 1
        keep_links = keep_arcs[self.link_arc]
        new_link = np.cumsum(keep_links) - 1
        return replace(
            self,
            arc_workload=self.arc_workload[keep_arcs],
            arc_integer=self.arc_integer[keep_arcs],
            arc_price=self.arc_price[keep_arcs],
            arc_carbon=self.arc_carbon[keep_arcs],
            link_unit=self.link_unit[keep_links],
            link_arc=new_arc[self.link_arc[keep_links]].astype(np.int64),
            link_load=self.link_load[keep_links],
            link_cost=self.link_cost[keep_links],
            link_carbon=self.link_carbon[keep_links],
            pool_arc=self.pool_arc.select(keep_arcs, new_arc.astype(np.int64)),
            pool_link=self.pool_link.select(keep_links, new_link.astype(np.int64)),
        )

    def units_without_links(self) -> IntArray:
        """Demand units no link can serve (the problem is then infeasible)."""
        served = np.zeros(self.n_units, dtype=bool)
        served[self.link_unit] = True
        return np.flatnonzero(~served).astype(np.int64)

    def cost_of(self, instances: FloatArray, shares: FloatArray) -> float:
        """Objective of a solution: instance prices plus link costs."""
        return float(self.arc_price @ instances + self.link_cost @ shares)

    def pool_usage(self, instances: FloatArray, shares: FloatArray) -> FloatArray:
        """Usage of every pool by a solution."""
        usage = np.zeros(self.n_pools)
        if not self.n_pools:
            return usage
        np.add.at(usage, self.pool_arc.pool, self.pool_arc.coef * instances[self.pool_arc.item])
        np.add.at(usage, self.pool_link.pool, self.pool_link.coef * shares[self.pool_link.item])
        return usage

    def workload_carbon(self, instances: FloatArray, shares: FloatArray) -> FloatArray:
        """Carbon per workload of a solution."""
        carbon = np.zeros(self.n_workloads)
        np.add.at(carbon, self.arc_workload, self.arc_carbon * instances)
        np.add.at(carbon, self.unit_workload[self.link_unit], self.link_carbon * shares)
        return carbon

    def violations(self, instances: FloatArray, shares: FloatArray, tol: float = 1e-6) -> list[str]:
        """Constraints a solution breaks (empty when feasible), for checks and tests."""
        out = []
        served = np.zeros(self.n_units)
        np.add.at(served, self.link_unit, shares)
        for u in np.flatnonzero(np.abs(served - 1.0) > tol):
            out.append(f"demand[{u}] served {served[u]:.6g}")
        load = np.zeros(self.n_arcs)
        np.add.at(load, self.link_arc, self.link_load * shares)
        for a in np.flatnonzero(load > instances + tol * np.maximum(1.0, instances)):
            out.append(f"capacity[{a}] load {load[a]:.6g} > instances {instances[a]:.6g}")
        if np.any(np.abs(instances - np.round(instances)) > tol):
            out.append("fractional instances")
        if self.whole_units and np.any(np.minimum(shares, 1 - shares) > tol):
            out.append("fractional shares with whole units")
        carbon = self.workload_carbon(instances, shares)
        for w in np.flatnonzero(carbon > self.workload_carbon_cap + tol * np.maximum(1.0, carbon)):
            out.append(f"carbon_cap[{self.workload_name(int(w))}] {carbon[w]:.6g}")
        usage = self.pool_usage(instances, shares)
        for k in np.flatnonzero(usage > self.pool_capacity + tol * np.maximum(1.0, usage)):
            out.append(f"{self.pool_name(int(k))} usage {usage[k]:.6g} > {self.pool_capacity[k]:.6g}")
        return out


def segments(keys: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """Stable order of items by ``keys`` (each in ``0..n-1``) and where each key starts (``n + 1`` bounds)."""
    if n == 1 or not len(keys):  # nothing to sort
        bounds = np.zeros(n + 1, dtype=np.int64)
        bounds[-1] = len(keys)
        return np.arange(len(keys), dtype=np.int64), bounds
    order = np.argsort(keys, kind="stable").astype(np.int64)
    return order, np.searchsorted(keys[order], np.arange(n + 1)).astype(np.int64)


def split_by(keys: IntArray, n: int) -> list[IntArray]:
    """Items of each key ``0..n-1``, in index order."""
    order, bounds = segments(keys, n)
    return [order[bounds[i] : bounds[i + 1]] for i in range(n)]


def min_instances(load: FloatArray, tol: float = 1e-9) -> FloatArray:
    """Whole instances that carry ``load`` (ceil, forgiving float noise just above an integer)."""
    return np.ceil(np.maximum(load, 0.0) - tol * np.maximum(1.0, load))


def is_unlimited(value: float) -> bool:
    """Whether a capacity or cap is unlimited (``inf``)."""
    return math.isinf(value)
