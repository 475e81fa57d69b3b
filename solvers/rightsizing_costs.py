"""After-discount costs of right-sizing moves under commitments already held.

Held commitments (reserved capacity, spend commitments) are billed as providers
bill them (:mod:`solvers.billing`: reserved capacity first, then spend dollars to
the highest discount first) and their cost is sunk, so a move is worth exactly the
change of the residual on-demand bill it causes.

Notation: ``u`` usage per usage class (units per hour: every resource on its
current type plus usage outside the request); ``B(v)`` the residual on-demand cost
per hour of usage ``v`` under the held commitments; a resource ``r`` runs ``f_r``
of the month on class ``a`` (its current type's class); ``e_j`` the unit vector of
class ``j``; a class is *covered* when a held commitment covers it. Costs are per
month (730 hours) and at the margin:

    current cost   c_r  = 730 (B(u) − B(u − f_r e_a))                  a covered
                        = 730 f_r p(cur_r)                              otherwise
    cost on row k  t_rk = 730 (B(u − f_r e_a + f_r e_b) − B(u − f_r e_a))  k's class b covered
                        = 730 f_r p(k)                                  otherwise
    savings        c_r − t_rk = the exact change of the monthly bill when r alone moves
                   (a move off a family whose reserved capacity then goes unused
                   saves less, or costs more, than the list prices suggest).

Every ``B`` value comes from one batched billing call: one row per distinct
``(a, f)`` and one per ``(a, f, b)`` for the covered classes ``b`` of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solvers.billing import Billing, simulate
from solvers.commitment_problem import CommitmentProblem, HeldCommitment, ReservedOffer
from solvers.rightsizing_data import HOURS_PER_MONTH, BoolArray, FloatArray, IntArray

ROWS_PER_BILLING_CALL = 20_000


@dataclass(frozen=True)
class CommitmentBook:
    """Usage classes (rates, normalisation), the held commitments and outside usage."""

    on_demand_rate: FloatArray
    normalization: FloatArray
    held: tuple[HeldCommitment, ...]
    other_usage: FloatArray

    @property
    def classes(self) -> int:
        """Number of usage classes."""
        return int(self.on_demand_rate.shape[0])

    def covered(self) -> BoolArray:
        """Classes some held commitment covers."""
        out = np.zeros(self.classes, dtype=bool)
        for h in self.held:
            out[list(h.offer.covered)] = True
        return out

    def bill(self, usage: FloatArray) -> Billing:
        """Billing of usage rows ``(T, J)`` under the held commitments (nothing bought)."""
        problem = CommitmentProblem(
            usage=np.atleast_2d(usage).astype(np.float64),
            on_demand_rate=self.on_demand_rate,
            normalization=self.normalization,
            held=self.held,
        )
        return simulate(problem, np.zeros(0), np.zeros(0))

    def residual(self, usage: FloatArray) -> FloatArray:
        """Residual on-demand cost per hour of each usage row."""
        rows = np.atleast_2d(usage)
        parts = [
            self.bill(rows[s : s + ROWS_PER_BILLING_CALL]).on_demand_cost
            for s in range(0, rows.shape[0], ROWS_PER_BILLING_CALL)
        ]
        return np.concatenate(parts) if parts else np.zeros(0)

    def held_hourly_cost(self) -> float:
        """Effective (amortised) cost per hour of every held commitment."""
        total = 0.0
        for h in self.held:
            offer = h.offer
            unit = offer.unit_cost if isinstance(offer, ReservedOffer) else offer.cost_per_commitment
            total += h.quantity * unit
        return total


def usage_vector(book: CommitmentBook, classes: IntArray, fraction: FloatArray) -> FloatArray:
    """Outside usage plus ``fraction[i]`` units of class ``classes[i]`` (-1 = no class)."""
    has = classes >= 0
    out: FloatArray = book.other_usage + np.bincount(
        classes[has], weights=fraction[has], minlength=book.classes
    )
    return out


@dataclass(frozen=True)
class CommittedCosts:
    """Cost model (``solvers.rightsizing.CostModel``) with held commitments.

    ``price`` is the list price per hour of each catalogue row (the usage class's
    on-demand rate where a class names the row); ``type_class[k]`` the class of row
    ``k`` or -1.
    """

    price: FloatArray
    fraction: FloatArray
    current: IntArray
    type_class: IntArray
    book: CommitmentBook
    key: IntArray  # (R,) index of each resource's (a, f) key
    base: FloatArray  # (n_keys,) B(u - f e_a)
    moved: FloatArray  # (n_keys, C) B(u - f e_a + f e_b) for covered classes b
    column: IntArray  # (K,) position of row k's class among the covered classes, or -1
    full: float  # B(u)
    covered_current: BoolArray  # (R,)

    def current_monthly(self) -> FloatArray:
        """Cost of every resource on its current type."""
        linear = self.fraction * self.price[self.current]
        margin = self.full - self.base[self.key]
        out: FloatArray = np.where(self.covered_current, margin, linear) * HOURS_PER_MONTH
        return out

    def pair_monthly(self, rows: IntArray, cols: IntArray) -> FloatArray:
        """Cost of each (resource, row) pair."""
        out: FloatArray = self.fraction[rows] * self.price[cols]
        pos = self.column[cols]
        cov = pos >= 0
        if cov.any():
            keys = self.key[rows[cov]]
            out[cov] = self.moved[keys, pos[cov]] - self.base[keys]
        out *= HOURS_PER_MONTH
        return out

    def special_columns(self, cols: IntArray) -> BoolArray:
        """Rows of covered classes (priced through the held commitments)."""
        out: BoolArray = self.column[cols] >= 0
        return out

    def target_monthly(self, rows: IntArray, cols: IntArray) -> FloatArray:
        """Cost of ``rows`` on ``cols``."""
        out: FloatArray = np.outer(self.fraction[rows], self.price[cols])
        pos = self.column[cols]
        cov = pos >= 0
        if cov.any():
            keys = self.key[rows]
            out[:, cov] = self.moved[keys][:, pos[cov]] - self.base[keys][:, None]
        out *= HOURS_PER_MONTH
        return out


def committed_costs(
    book: CommitmentBook,
    price: FloatArray,
    type_class: IntArray,
    current: IntArray,
    fraction: FloatArray,
) -> CommittedCosts:
    """Build the batched billing tables (module docstring)."""
    covered = book.covered()
    cur_class = type_class[current]
    covered_current = (cur_class >= 0) & covered[np.maximum(cur_class, 0)]
    u = usage_vector(book, cur_class, fraction)
    a = np.where(covered_current, cur_class, -1)
    keys, key = np.unique(np.stack([a.astype(np.float64), fraction], axis=1), axis=0, return_inverse=True)
    key = key.reshape(-1)
    targets = np.unique(type_class[(type_class >= 0) & covered[np.maximum(type_class, 0)]])
    column = np.full(type_class.shape[0], -1, dtype=np.int64)
    if targets.size:
        lookup = np.full(book.classes, -1, dtype=np.int64)
        lookup[targets] = np.arange(targets.size)
        has = type_class >= 0
        column[has] = lookup[type_class[has]]
    n_keys, n_targets = keys.shape[0], targets.size
    start = np.repeat(u[None, :], n_keys, axis=0)
    leave = keys[:, 0] >= 0
    idx = np.flatnonzero(leave)
    start[idx, keys[idx, 0].astype(np.int64)] -= keys[idx, 1]
    np.maximum(start, 0.0, out=start)
    moved_rows = np.repeat(start, n_targets, axis=0)
    if n_targets:
        moved_rows[np.arange(n_keys * n_targets), np.tile(targets, n_keys)] += np.repeat(
            keys[:, 1], n_targets
        )
    values = book.residual(np.vstack([u[None, :], start, moved_rows]))
    return CommittedCosts(
        price=price,
        fraction=fraction,
        current=current,
        type_class=type_class,
        book=book,
        key=key.astype(np.int64),
        base=values[1 : 1 + n_keys],
        moved=values[1 + n_keys :].reshape(n_keys, n_targets),
        column=column,
        full=float(values[0]),
        covered_current=covered_current,
    )
