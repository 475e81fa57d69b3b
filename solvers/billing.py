"""Provider billing of commitments, hour by hour (vectorised numpy).

Rules, as AWS/Azure/GCP bill them:

1. Reserved capacity first. Reserved instruments with the same scope form a pool;
   pools are applied narrowest scope first. A pool's normalised units cover its
   classes in decreasing on-demand price per normalised unit (for size-flexible
   Linux families all sizes have the same price per unit, so the order is moot).
   Within a pool, held commitments are used before new purchases (which only
   matters for attributing use, not for cost).
2. Spend commitments next, narrowest scope first (an EC2 Instance Savings Plan
   before a Compute Savings Plan; a held commitment before a new one of the same
   scope). Each covers the remaining usage in decreasing discount order
   (``1 - rate / on_demand``), each covered unit-hour consuming ``rate`` of the
   commitment.
3. Whatever remains is billed on demand.

This order is the cheapest allocation of the given capacity (the second stage of
the joint LP in :mod:`solvers.commitments`) when reserved scopes are disjoint or
nested and either no spend offer covers a multi-class reserved pool or the pool's
classes share one price per normalised unit and one spend discount; and when a
broader spend offer has one discount on a narrower offer's classes (true of AWS
Compute vs EC2 Instance Savings Plans within a family and region). Elsewhere
(crossing scopes, uneven discounts) billing can cost more than the free LP
allocation; :func:`solvers.commitments.solve_commitments` then reports the billed
cost with the LP value as its bound. ``tests/solvers/test_billing_oracle.py``
checks the exact cases against an independent LP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal, cast

import numpy as np

from solvers.commitment_problem import (
    CommitmentProblem,
    FloatArray,
    Instrument,
    ReservedOffer,
    SpendOffer,
    instruments,
)


@dataclass(frozen=True)
class Billing:
    """Result of billing a window: per-hour, per-instrument figures."""

    instruments: list[Instrument]
    capacity: FloatArray  # (T, I) normalised units or currency available
    used: FloatArray  # (T, I) normalised units or currency consumed
    covered_value: FloatArray  # (T, I) on-demand value of the usage covered
    covered_units: FloatArray  # (T, J) usage units covered by any instrument
    on_demand_cost: FloatArray  # (T,) residual on-demand cost
    commitment_cost_per_hour: float  # effective hourly cost of bought instruments

    @property
    def hours(self) -> int:
        """Hours billed."""
        return int(self.on_demand_cost.shape[0])

    @property
    def total_cost(self) -> float:
        """Window cost: residual on-demand plus bought commitments (held are sunk)."""
        return float(self.on_demand_cost.sum()) + self.commitment_cost_per_hour * self.hours

    def hourly_cost(self) -> FloatArray:
        """Cost of every hour."""
        return self.on_demand_cost + self.commitment_cost_per_hour


def _fill(capacity: FloatArray, need: FloatArray) -> FloatArray:
    """Greedy fill: allocate ``capacity[..., t]`` to ``need[..., t, :]`` left to right."""
    before = np.cumsum(need, axis=-1) - need
    return np.clip(capacity[..., None] - before, 0.0, need)


def _per_block(op: Callable[[FloatArray], FloatArray], a: FloatArray, order: Literal["C", "F"]) -> FloatArray:
    """``op(a)`` for an (hours, n) array; for a stack of them, ``op`` of each, laid out in ``order``.

    Reductions and matrix products may round differently by memory layout (BLAS kernels,
    pairwise summation), so each block is given the layout a single purchase's billing
    has at that step: its figures are then bit-for-bit those of :func:`simulate`.
    """
    if a.ndim == 2:
        return op(a)
    return np.stack([op(np.asarray(block, order=order)) for block in a])


def simulate(problem: CommitmentProblem, reserved_units: FloatArray, spend_commitment: FloatArray) -> Billing:
    """Bill ``problem.usage`` with the held commitments plus the given purchases."""
    insts = instruments(problem, reserved_units, spend_commitment)
    hours = problem.hours
    capacity = np.column_stack([i.capacity(hours) for i in insts]) if insts else np.zeros((hours, 0))
    residual, used, value = _bill(problem, insts, problem.usage.astype(np.float64, copy=True), capacity)
    return Billing(
        instruments=insts,
        capacity=capacity,
        used=used,
        covered_value=value,
        covered_units=problem.usage - residual,
        on_demand_cost=residual @ problem.on_demand_rate,
        commitment_cost_per_hour=sum(i.hourly_cost() for i in insts),
    )


def simulate_many(
    problem: CommitmentProblem, reserved_units: Sequence[FloatArray], spend_commitment: Sequence[FloatArray]
) -> list[Billing]:
    """``[simulate(problem, x, c) for x, c in zip(reserved_units, spend_commitment)]`` in one pass.

    The purchases are billed as a stack of windows. Every step is elementwise or works
    on one hour (a row) at a time, and row reductions and products run block by block
    (:func:`_per_block`), so each billing is bit-for-bit the one :func:`simulate` returns.
    """
    if not reserved_units:
        return []
    hours, rate = problem.hours, problem.on_demand_rate
    insts = [instruments(problem, x, c) for x, c in zip(reserved_units, spend_commitment, strict=True)]
    width = len(insts[0])
    capacity = np.stack(
        [np.column_stack([i.capacity(hours) for i in b]) if width else np.zeros((hours, 0)) for b in insts]
    )
    usage = problem.usage.astype(np.float64, copy=False)
    order: Literal["C", "F"] = "F" if usage.flags.f_contiguous and not usage.flags.c_contiguous else "C"
    stacked = np.broadcast_to(usage, (len(insts), *usage.shape)).copy(order="C")
    residual, used, value = _bill(problem, insts[0], stacked, capacity)
    on_demand = _per_block(lambda r: r @ rate, residual, order)
    return [
        Billing(
            instruments=b,
            capacity=capacity[k],
            used=used[k],
            covered_value=value[k],
            covered_units=problem.usage - residual[k],
            on_demand_cost=on_demand[k],
            commitment_cost_per_hour=sum(i.hourly_cost() for i in b),
        )
        for k, b in enumerate(insts)
    ]


def _bill(
    problem: CommitmentProblem, insts: list[Instrument], residual: FloatArray, capacity: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Apply the instruments to ``residual`` usage in place, as providers bill.

    ``residual`` is (hours, J) or a stack (B, hours, J) of windows with their own
    ``capacity`` (hours, I) / (B, hours, I); ``insts`` gives the instruments' offers
    (identical across the stack). Returns the residual usage, the capacity used and
    the on-demand value covered per instrument.
    """
    rate, norm = problem.on_demand_rate, problem.normalization
    used = np.zeros(capacity.shape)
    value = np.zeros(capacity.shape)

    def dot(a: FloatArray, v: FloatArray) -> FloatArray:
        return _per_block(lambda b: b @ v, a, "F")  # a single purchase's fills are column-major

    def row_sum(a: FloatArray) -> FloatArray:
        return _per_block(lambda b: b.sum(axis=1), a, "F")

    pools: dict[tuple[int, ...], list[int]] = {}
    for idx, inst in enumerate(insts):  # held instruments come first in each pool
        if isinstance(inst.offer, ReservedOffer):
            pools.setdefault(tuple(sorted(inst.offer.covered)), []).append(idx)
    for scope in sorted(pools, key=len):
        members = pools[scope]
        cols = np.array(sorted(scope, key=lambda j: (-rate[j] / norm[j], j)))
        member_cap = capacity[..., members]
        alloc = _fill(row_sum(member_cap), residual[..., cols] * norm[cols])  # normalised units
        covered = alloc / norm[cols]
        residual[..., cols] -= covered
        pool_used = row_sum(alloc)
        value_per_unit = np.divide(
            dot(covered, rate[cols]), pool_used, out=np.zeros(pool_used.shape), where=pool_used > 0
        )
        member_used = _fill(pool_used, member_cap)  # held first, then purchases in order
        used[..., members] = member_used
        value[..., members] = member_used * value_per_unit[..., None]

    spend_order = sorted(
        (idx for idx, inst in enumerate(insts) if isinstance(inst.offer, SpendOffer)),
        key=lambda idx: (len(insts[idx].offer.covered), not insts[idx].held, idx),
    )
    for idx in spend_order:
        offer = cast(SpendOffer, insts[idx].offer)
        cover_rate = np.array(offer.rates)
        covered_cls = np.array(offer.covered)
        order = np.argsort(-(1.0 - cover_rate / rate[covered_cls]), kind="stable")
        cols, cover_rate = covered_cls[order], cover_rate[order]
        alloc = _fill(capacity[..., idx], residual[..., cols] * cover_rate)  # currency
        covered = alloc / cover_rate
        residual[..., cols] -= covered
        used[..., idx] = row_sum(alloc)
        value[..., idx] = dot(covered, rate[cols])

    np.maximum(residual, 0.0, out=residual)
    return residual, used, value


def plan_cost(problem: CommitmentProblem, reserved_units: FloatArray, spend_commitment: FloatArray) -> float:
    """Window cost of a purchase under the billing rules."""
    return simulate(problem, reserved_units, spend_commitment).total_cost


def costs_under_scaling(
    problem: CommitmentProblem, reserved_units: FloatArray, spend_commitment: FloatArray, factors: FloatArray
) -> FloatArray:
    """Window cost of a purchase when all usage is multiplied by each of ``factors``.

    Hours are billed independently, so the scaled windows are stacked and billed
    in one vectorised pass.
    """
    hourly = simulate(_scaled(problem, factors), reserved_units, spend_commitment).hourly_cost()
    totals: FloatArray = hourly.reshape(len(factors), problem.hours).sum(axis=1)
    return totals


def costs_under_scaling_many(
    problem: CommitmentProblem,
    reserved_units: Sequence[FloatArray],
    spend_commitment: Sequence[FloatArray],
    factors: FloatArray,
) -> list[FloatArray]:
    """:func:`costs_under_scaling` of several purchases in one pass (bit-for-bit the same)."""
    bills = simulate_many(_scaled(problem, factors), reserved_units, spend_commitment)
    return [b.hourly_cost().reshape(len(factors), problem.hours).sum(axis=1) for b in bills]


def _scaled(problem: CommitmentProblem, factors: FloatArray) -> CommitmentProblem:
    """The window repeated once per factor, its usage multiplied by the factor."""
    k = len(factors)
    return replace(
        problem,
        usage=(problem.usage[None, :, :] * np.asarray(factors, dtype=np.float64)[:, None, None]).reshape(
            k * problem.hours, problem.classes
        ),
        held=tuple(
            replace(h, active=None if h.active is None else np.tile(h.active, k)) for h in problem.held
        ),
    )


Purchase = tuple[FloatArray, FloatArray]  # (reserved units, spend commitment)

BATCH_CELLS = 1 << 18
"""Most hour x class cells (over all windows) billed in one vectorised pass: batching
pays on small windows, and large ones are billed one purchase at a time as before,
so memory stays that of a single billing."""


class BillingMemo:
    """Billings of one problem's purchases, each computed once.

    :func:`simulate` and :func:`costs_under_scaling` are pure functions of the problem
    and their arrays, so a purchase billed again (bit-for-bit the same quantities and
    factors) gets the first result, the same object: callers must treat it as
    read-only. Purchases asked for together are billed in vectorised passes of up to
    ``BATCH_CELLS`` cells (:func:`simulate_many`, bit-for-bit the same figures).
    """

    def __init__(self, problem: CommitmentProblem) -> None:
        self.problem = problem
        self._bills: dict[tuple[bytes, ...], Billing] = {}
        self._scaled: dict[tuple[bytes, ...], FloatArray] = {}

    def bill(self, reserved_units: FloatArray, spend_commitment: FloatArray) -> Billing:
        """``simulate(problem, reserved_units, spend_commitment)``."""
        return self.bills([(reserved_units, spend_commitment)])[0]

    def bills(self, purchases: Sequence[Purchase]) -> list[Billing]:
        """``simulate`` of each purchase."""
        keys = [_key(*p) for p in purchases]
        missing = {k: p for k, p in zip(keys, purchases, strict=True) if k not in self._bills}
        for chunk in self._chunks(missing, 1):
            if len(chunk) == 1:
                billed = [simulate(self.problem, *chunk[0][1])]
            else:
                billed = simulate_many(self.problem, *_unzip(p for _, p in chunk))
            self._bills.update(zip((k for k, _ in chunk), billed, strict=True))
        return [self._bills[k] for k in keys]

    def costs_under_scaling(self, purchases: Sequence[Purchase], factors: FloatArray) -> list[FloatArray]:
        """``costs_under_scaling(problem, x, c, factors)`` of each purchase ``(x, c)``."""
        keys = [_key(*p, factors) for p in purchases]
        missing = {k: p for k, p in zip(keys, purchases, strict=True) if k not in self._scaled}
        for chunk in self._chunks(missing, len(factors)):
            if len(chunk) == 1:
                totals = [costs_under_scaling(self.problem, *chunk[0][1], factors)]
            else:
                totals = costs_under_scaling_many(self.problem, *_unzip(p for _, p in chunk), factors)
            for (key, _), total in zip(chunk, totals, strict=True):
                total.flags.writeable = False
                self._scaled[key] = total
        return [self._scaled[k] for k in keys]

    def _chunks(
        self, missing: dict[tuple[bytes, ...], Purchase], windows: int
    ) -> Iterator[list[tuple[tuple[bytes, ...], Purchase]]]:
        """``missing`` in batches of at most ``BATCH_CELLS`` cells (at least one purchase each)."""
        cells = windows * self.problem.hours * self.problem.classes
        size = max(1, BATCH_CELLS // max(1, cells))
        items = list(missing.items())
        for start in range(0, len(items), size):
            yield items[start : start + size]


def _unzip(purchases: Iterable[Purchase]) -> tuple[list[FloatArray], list[FloatArray]]:
    pairs = list(purchases)
    return [x for x, _ in pairs], [c for _, c in pairs]


def _key(*arrays: FloatArray) -> tuple[bytes, ...]:
    """Exact identity of float arrays (their float64 bytes)."""
    return tuple(np.asarray(a, dtype=np.float64).tobytes() for a in arrays)
