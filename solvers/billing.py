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

from dataclasses import dataclass, replace
from typing import cast

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
    """Greedy fill: allocate ``capacity[t]`` to ``need[t, :]`` left to right."""
    before = np.cumsum(need, axis=1) - need
    return np.clip(capacity[:, None] - before, 0.0, need)


def simulate(problem: CommitmentProblem, reserved_units: FloatArray, spend_commitment: FloatArray) -> Billing:
    """Bill ``problem.usage`` with the held commitments plus the given purchases."""
    insts = instruments(problem, reserved_units, spend_commitment)
    hours, n = problem.hours, len(insts)
    residual = problem.usage.astype(np.float64, copy=True)
    rate, norm = problem.on_demand_rate, problem.normalization
    capacity = np.column_stack([i.capacity(hours) for i in insts]) if insts else np.zeros((hours, 0))
    used = np.zeros((hours, n))
    value = np.zeros((hours, n))

    pools: dict[tuple[int, ...], list[int]] = {}
    for idx, inst in enumerate(insts):  # held instruments come first in each pool
        if isinstance(inst.offer, ReservedOffer):
            pools.setdefault(tuple(sorted(inst.offer.covered)), []).append(idx)
    for scope in sorted(pools, key=len):
        members = pools[scope]
        cols = np.array(sorted(scope, key=lambda j: (-rate[j] / norm[j], j)))
        member_cap = capacity[:, members]
        alloc = _fill(member_cap.sum(axis=1), residual[:, cols] * norm[cols])  # normalised units
        covered = alloc / norm[cols]
        residual[:, cols] -= covered
        pool_used = alloc.sum(axis=1)
        value_per_unit = np.divide(covered @ rate[cols], pool_used, out=np.zeros(hours), where=pool_used > 0)
        member_used = _fill(pool_used, member_cap)  # held first, then purchases in order
        used[:, members] = member_used
        value[:, members] = member_used * value_per_unit[:, None]

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
        alloc = _fill(capacity[:, idx], residual[:, cols] * cover_rate)  # currency
        covered = alloc / cover_rate
        residual[:, cols] -= covered
        used[:, idx] = alloc.sum(axis=1)
        value[:, idx] = covered @ rate[cols]

    np.maximum(residual, 0.0, out=residual)
    return Billing(
        instruments=insts,
        capacity=capacity,
        used=used,
        covered_value=value,
        covered_units=problem.usage - residual,
        on_demand_cost=residual @ rate,
        commitment_cost_per_hour=sum(i.hourly_cost() for i in insts),
    )


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
    k = len(factors)
    stacked = replace(
        problem,
        usage=(problem.usage[None, :, :] * np.asarray(factors, dtype=np.float64)[:, None, None]).reshape(
            k * problem.hours, problem.classes
        ),
        held=tuple(
            replace(h, active=None if h.active is None else np.tile(h.active, k)) for h in problem.held
        ),
    )
    hourly = simulate(stacked, reserved_units, spend_commitment).hourly_cost()
    totals: FloatArray = hourly.reshape(k, problem.hours).sum(axis=1)
    return totals


class BillingMemo:
    """:func:`simulate` and :func:`costs_under_scaling` of one problem, memoised by purchase.

    Both are pure functions of the problem and their array arguments, so a purchase
    billed again (bit-for-bit the same quantities and factors) gets the first result,
    the same object: callers must treat it as read-only.
    """

    def __init__(self, problem: CommitmentProblem) -> None:
        self.problem = problem
        self._bills: dict[tuple[bytes, ...], Billing] = {}
        self._scaled: dict[tuple[bytes, ...], FloatArray] = {}

    def bill(self, reserved_units: FloatArray, spend_commitment: FloatArray) -> Billing:
        """``simulate(problem, reserved_units, spend_commitment)``."""
        key = _key(reserved_units, spend_commitment)
        if key not in self._bills:
            self._bills[key] = simulate(self.problem, reserved_units, spend_commitment)
        return self._bills[key]

    def costs_under_scaling(
        self, reserved_units: FloatArray, spend_commitment: FloatArray, factors: FloatArray
    ) -> FloatArray:
        """``costs_under_scaling(problem, reserved_units, spend_commitment, factors)``."""
        key = _key(reserved_units, spend_commitment, factors)
        if key not in self._scaled:
            totals = costs_under_scaling(self.problem, reserved_units, spend_commitment, factors)
            totals.flags.writeable = False
            self._scaled[key] = totals
        return self._scaled[key]


def _key(*arrays: FloatArray) -> tuple[bytes, ...]:
    """Exact identity of float arrays (their float64 bytes)."""
    return tuple(np.asarray(a, dtype=np.float64).tobytes() for a in arrays)
