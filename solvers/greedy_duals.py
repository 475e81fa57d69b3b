"""Provider billing with its LP duals, vectorised over hours (for cutting planes).

For fixed capacities ``C_i`` (instrument ``i``: held commitments, then reserved
offers, then spend offers, as in :func:`solvers.commitment_problem.instruments`),
the cheapest allocation of one hour is the LP

    f_t(C) = min Σ_j p_j o_j   s.t.  o_j + Σ_{i∋j} z_ij = u_tj,  Σ_j a_ij z_ij ≤ C_i,  z, o ≥ 0

(``a_ij = n_j`` for reserved capacity in normalised units, ``a_ij = r_ij`` for spend
capacity in currency). Its dual is

    max Σ_j u_tj v_j − Σ_i C_i w_i   s.t.  v_j ≤ p_j,  v_j ≤ a_ij w_i,  w ≥ 0,

so **any** dual-feasible ``(v, w)`` gives the valid cut ``f_t(C') ≥ u_t·v − C'·w``
for every capacity ``C'``: a Benders (Kelley) cut, linear in the purchase.

The duals are read off the billing fill (:mod:`solvers.billing`), in reverse
billing order. Let ``g`` be the marginal cost of one more unit of each class's
residual usage *after* a stage (``g = p`` after the last stage: it goes on demand).
For a stage (a reserved pool, or a spend instrument) that filled its classes in
order, its capacity is binding when used up; its marginal class ``m`` is the first
class in its order with residual left. Then

* ``w = g_m / a_m`` if binding and such a class exists, else ``w = 0`` (a spare
  dollar/unit covers more of ``m``, or is worthless);
* ``g_j ← a_j w`` for the classes before ``m`` (fully covered: one more unit of
  them displaces ``a_j`` capacity from ``m``), unchanged for ``m`` and after.

This is where reserved capacity "frees spend dollars": a pool that covers a class
otherwise covered by a savings plan is worth the plan's marginal value per unit,
not the on-demand price. Finally ``v_j = min(p_j, min_i a_ij w_i)`` makes ``(v, w)``
dual-feasible whatever the instance, so cuts are always valid. When the billing
order is the cheapest allocation (conditions in :mod:`solvers.billing`), the
recursion yields an optimal dual and the cut is tight: ``u·v − C·w = f_t(C)``.
Elsewhere it is a valid, possibly loose, bound on the LP relaxation.

Stages with disjoint scopes are processed together ("layers"): a segmented
cumulative sum performs every pool's fill in one numpy pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from solvers.commitment_problem import (
    BoolArray,
    CommitmentProblem,
    FloatArray,
    HeldCommitment,
    ReservedOffer,
    SpendOffer,
)

IntArray = npt.NDArray[np.intp]
_TOL = 1e-9


@dataclass(frozen=True)
class Layer:
    """Billing stages with pairwise disjoint scopes, filled in one pass.

    ``cols`` (positions in the coverable-class index) concatenates every segment's
    classes in fill order; ``coef`` is the capacity one unit of usage consumes;
    ``starts`` the first element of each segment; ``members[s]`` the instrument
    indices whose capacity forms segment ``s`` (a reserved pool, or one spend
    instrument).
    """

    cols: IntArray
    coef: FloatArray
    seg_of: IntArray
    starts: IntArray
    members: tuple[IntArray, ...]
    reserved: bool

    @property
    def segments(self) -> int:
        """Number of segments (stages) in the layer."""
        return len(self.starts)

    @property
    def singletons(self) -> bool:
        """Whether every segment has one class (no cumulative fill needed)."""
        return len(self.starts) == len(self.cols)

    @property
    def bounds(self) -> list[int]:
        """Segment boundaries: segment ``s`` is elements ``bounds[s]:bounds[s+1]``."""
        return [*self.starts.tolist(), len(self.cols)]

    @property
    def positions(self) -> IntArray:
        """0..n-1, the position of each element in the layer."""
        return np.arange(len(self.cols), dtype=np.intp)


@dataclass(frozen=True)
class Structure:
    """Compiled billing order of a problem's instruments.

    Instruments are indexed as in :func:`solvers.commitment_problem.instruments`:
    held commitments ``0..H-1``, then reserved offers, then spend offers.
    ``classes`` are the coverable classes (positions in the problem's columns);
    ``per_unit[i]`` is the capacity one unit of instrument ``i`` provides.
    """

    classes: IntArray
    rate: FloatArray  # on-demand rate of the coverable classes
    layers: tuple[Layer, ...]
    per_unit: FloatArray
    held: int
    reserved: int
    spend: int
    segment_of: tuple[tuple[int, int], ...]  # instrument -> (layer, segment)

    @property
    def instruments(self) -> int:
        """Number of instruments (held + reserved + spend)."""
        return self.held + self.reserved + self.spend

    def held_capacity(
        self, held: tuple[HeldCommitment, ...], active: tuple[BoolArray | None, ...] | None, hours: int
    ) -> tuple[FloatArray | None, ...]:
        """Per layer, the (segments, T) capacity of held commitments (None if none)."""
        out: list[FloatArray | None] = [None] * len(self.layers)
        for h, commitment in enumerate(held):
            mask = commitment.active if active is None else active[h]
            layer, seg = self.segment_of[h]
            cap = out[layer]
            if cap is None:
                cap = np.zeros((self.layers[layer].segments, hours))
                out[layer] = cap
            amount = commitment.quantity * self.per_unit[h]
            if mask is None:
                cap[seg] += amount
            else:
                if mask.shape != (hours,):
                    raise ValueError(f"held commitment {h} activity must have one flag per hour ({hours})")
                cap[seg] += amount * mask
        return tuple(out)


def compile_structure(problem: CommitmentProblem) -> Structure:
    """Billing order of ``problem``'s instruments as layers of disjoint stages."""
    offers: list[ReservedOffer | SpendOffer] = [h.offer for h in problem.held]
    offers += list(problem.reserved) + list(problem.spend)
    n_held = len(problem.held)
    rate, norm = problem.on_demand_rate, problem.normalization
    classes = np.array(sorted({j for o in offers for j in o.covered}), dtype=np.intp)
    pos = {int(j): p for p, j in enumerate(classes)}
    per_unit = np.array(
        [o.normalized_units if isinstance(o, ReservedOffer) else 1.0 for o in offers], dtype=np.float64
    )

    # Stages in billing order: reserved pools narrowest first (members: held first, then
    # purchases in order), then spend instruments narrowest first, held before new.
    pools: dict[tuple[int, ...], list[int]] = {}
    for i, o in enumerate(offers):
        if isinstance(o, ReservedOffer):
            pools.setdefault(tuple(sorted(o.covered)), []).append(i)
    stages: list[tuple[bool, tuple[int, ...], list[int], list[int], list[float]]] = []
    for scope in sorted(pools, key=len):
        order = sorted(scope, key=lambda j: (-rate[j] / norm[j], j))
        stages.append((True, scope, pools[scope], order, [float(norm[j]) for j in order]))
    spend_idx = [i for i, o in enumerate(offers) if isinstance(o, SpendOffer)]
    spend_idx.sort(key=lambda i: (len(offers[i].covered), i >= n_held, i))
    for i in spend_idx:
        o = offers[i]
        assert isinstance(o, SpendOffer)
        r = np.array(o.rates, dtype=np.float64)
        cov = np.array(o.covered)
        by_discount = np.argsort(-(1.0 - r / rate[cov]), kind="stable")
        fill = [int(j) for j in cov[by_discount]]
        stages.append((False, tuple(o.covered), [i], fill, [float(x) for x in r[by_discount]]))

    # Layering: a stage goes one layer after the last layer holding an overlapping
    # stage (and reserved and spend stages never share a layer).
    layer_of: list[int] = []
    scopes: list[set[int]] = []
    for s, (is_res, scope, _, _, _) in enumerate(stages):
        level = 0
        for prev in range(s):
            if scopes[prev] & set(scope) or stages[prev][0] != is_res:
                level = max(level, layer_of[prev] + 1)
        layer_of.append(level)
        scopes.append(set(scope))
    layers: list[Layer] = []
    segment_of: list[tuple[int, int]] = [(-1, -1)] * len(offers)
    for level in range(max(layer_of) + 1 if layer_of else 0):
        members = [s for s in range(len(stages)) if layer_of[s] == level]
        cols: list[int] = []
        coef: list[float] = []
        seg_of: list[int] = []
        starts: list[int] = []
        mem: list[IntArray] = []
        for seg, s in enumerate(members):
            is_res, _, insts, scols, scoef = stages[s]
            starts.append(len(cols))
            cols += [pos[j] for j in scols]
            coef += scoef
            seg_of += [seg] * len(scols)
            mem.append(np.array(insts, dtype=np.intp))
            for i in insts:
                segment_of[i] = (len(layers), seg)
        layers.append(
            Layer(
                cols=np.array(cols, dtype=np.intp),
                coef=np.array(coef, dtype=np.float64),
                seg_of=np.array(seg_of, dtype=np.intp),
                starts=np.array(starts, dtype=np.intp),
                members=tuple(mem),
                reserved=stages[members[0]][0],
            )
        )
    return Structure(
        classes=classes,
        rate=rate[classes].astype(np.float64),
        layers=tuple(layers),
        per_unit=per_unit,
        held=n_held,
        reserved=len(problem.reserved),
        spend=len(problem.spend),
        segment_of=tuple(segment_of),
    )


@dataclass(frozen=True)
class HourDuals:
    """Billing of a set of hours with dual prices (class-major arrays).

    ``cost[t]``: residual on-demand cost of the coverable classes in hour ``t``;
    ``w[L]``: (segments, T) dual price of each stage's capacity;
    ``held_term[t]``: Σ_held C_ti w_ti; ``uv[t]``: Σ_j u_tj v_tj. The hour's cut is
    ``f_t(C) ≥ uv[t] − held_term[t] − Σ_bought C_i w_ti``.
    """

    cost: FloatArray
    w: tuple[FloatArray, ...]
    uv: FloatArray
    held_term: FloatArray


def bill_with_duals(
    structure: Structure,
    usage: FloatArray,
    held_capacity: tuple[FloatArray | None, ...],
    bought: FloatArray,
    *,
    duals: bool = True,
) -> HourDuals:
    """Bill ``usage`` with held capacity and ``bought`` levels; class-major arrays.

    ``usage`` is (coverable classes, T) C-contiguous; ``held_capacity[L]`` is
    (segments, T) or None. ``bought`` holds the purchase of every reserved then spend
    offer (units or currency/hour). Every operation is a numpy operation over all
    hours at once; the Python loops run over stage elements (class x stage), whose
    number is small next to the hours.
    """
    hours = usage.shape[1]
    residual = np.array(usage, dtype=np.float64, copy=True)
    levels = np.concatenate([np.zeros(structure.held), bought]) * structure.per_unit
    tol = _TOL * max(1.0, float(np.abs(usage).max(initial=0.0)))
    cols, coefs = structure_lists(structure)
    records: list[tuple[list[BoolArray], list[BoolArray]]] = []  # per layer: flags, binding
    for li, (layer, held_cap) in enumerate(zip(structure.layers, held_capacity, strict=True)):
        flags: list[BoolArray] = []
        binding: list[BoolArray] = []
        bounds = layer.bounds
        for seg, members in enumerate(layer.members):
            amount = float(levels[members].sum())
            rem = np.full(hours, amount) if held_cap is None else held_cap[seg] + amount
            cap_tol = _TOL * np.maximum(1.0, rem)
            for e in range(bounds[seg], bounds[seg + 1]):
                col, coef = cols[li][e], coefs[li][e]
                need = residual[col] * coef
                alloc = np.minimum(need, rem)
                rem -= alloc
                residual[col] -= alloc / coef
                if duals:
                    flags.append(need - alloc > tol * coef)
            if duals:
                binding.append(rem <= cap_tol)
        records.append((flags, binding))
    np.maximum(residual, 0.0, out=residual)
    cost = structure.rate @ residual
    if not duals:
        return HourDuals(cost, (), np.zeros(0), np.zeros(0))

    g = np.repeat(structure.rate[:, None], hours, axis=1)
    w_layers: list[FloatArray] = [np.zeros(0)] * len(structure.layers)
    for li in range(len(structure.layers) - 1, -1, -1):
        layer = structure.layers[li]
        flags, binding = records[li]
        bounds = layer.bounds
        w_layer = np.zeros((layer.segments, hours))
        for seg in range(layer.segments):
            found = np.zeros(hours, dtype=bool)
            w = np.zeros(hours)
            ahead: list[BoolArray] = []
            for e in range(bounds[seg], bounds[seg + 1]):
                ahead.append(~found)
                take = flags[e] & ~found
                w = np.where(take, g[cols[li][e]] / coefs[li][e], w)
                found |= flags[e]
            w *= binding[seg]
            w_layer[seg] = w
            for k, e in enumerate(range(bounds[seg], bounds[seg + 1])):
                # Fully covered before the marginal class: worth a_e w (else unchanged).
                before = ahead[k] & ~flags[e]
                col = cols[li][e]
                g[col] = np.where(before, coefs[li][e] * w, g[col])
        w_layers[li] = w_layer

    # Dual feasibility: v_j = min(p_j, min_i a_ij w_i).
    v = np.repeat(structure.rate[:, None], hours, axis=1)
    held_term = np.zeros(hours)
    for li, layer in enumerate(structure.layers):
        w_layer = w_layers[li]
        bounds = layer.bounds
        for seg in range(layer.segments):
            for e in range(bounds[seg], bounds[seg + 1]):
                col = cols[li][e]
                np.minimum(v[col], coefs[li][e] * w_layer[seg], out=v[col])
        held_cap = held_capacity[li]
        if held_cap is not None:
            held_term += np.einsum("st,st->t", held_cap, w_layer)
    uv = np.einsum("jt,jt->t", usage, v)
    return HourDuals(cost, tuple(w_layers), uv, held_term)


def structure_lists(structure: Structure) -> tuple[list[list[int]], list[list[float]]]:
    """Per layer, the class rows and coefficients as Python lists (fast scalar access)."""
    return (
        [layer.cols.tolist() for layer in structure.layers],
        [layer.coef.tolist() for layer in structure.layers],
    )
