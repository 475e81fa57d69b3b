"""Drop offers that another offer of the same scope dominates (exactly).

Offer ``A`` dominates offer ``B`` of the same scope when anything ``B`` does, ``A``
does at no higher cost and within every side constraint in force:

* reserved: ``a_A/N_A ≤ a_B/N_B`` (effective cost per normalised unit), ``A`` has no
  quantity cap, and ``B``'s capacity is reachable with ``A``'s units (``A`` fractional,
  or both whole with ``N_B/N_A`` an integer); with an upfront budget also
  ``U_A/N_A ≤ U_B/N_B``, with a lock-in cap ``L_A/N_A ≤ L_B/N_B``;
* spend: the same rates-weighted cost on every class, ``e_A r_Aj ≤ e_B r_Bj``, and ``A``
  uncapped; with a budget ``U_A·max_j(r_Aj/r_Bj) ≤ U_B`` (covering what ``B`` covers
  needs at most that much of ``A``'s commitment per unit of ``B``'s), likewise lock-in.

Across scopes, a reserved offer ``B`` is also dropped when an offer ``A`` whose scope
contains ``B``'s does the same at no higher cost:

* ``A`` reserved: the reserved rule above (one unit of ``B`` is ``N_B/N_A`` units of
  ``A``; a class consumes ``n_j`` normalised units of either pool);
* ``A`` spend: covering what one unit of ``B`` covers (``N_B/n_j`` units of any class
  ``j`` of its scope) takes at most ``N_B·max_j r_Aj/n_j`` of ``A``'s commitment, so
  ``a_B ≥ e_A·N_B·max_j r_Aj/n_j`` (``A`` uncapped; with a budget
  ``U_B ≥ U_A·N_B·max_j r_Aj/n_j``, likewise lock-in). Typical case: a Windows
  instance RI, which does not discount the licence, against the instance-family
  savings plan of its family and region.

Replacing ``B``'s purchase by the equivalent purchase of ``A`` keeps the cheapest
allocation's cost at most the same (the free allocation may use ``A``'s capacity
exactly where ``B``'s was used), so dropping ``B`` keeps the optimum of the
free-allocation LP (and of billing wherever billing is that LP). Dominance is
transitive, so a kept dominator always remains. Ties keep the first.
"""

from __future__ import annotations

import numpy as np

from solvers.commitment_problem import BoolArray, CommitmentProblem, FloatArray, ReservedOffer, SpendOffer

_REL = 1e-12


def _le(a: float, b: float) -> bool:
    return a <= b + _REL * max(1.0, abs(b))


def _reserved_dominates(a: ReservedOffer, b: ReservedOffer, la: float, lb: float, budget: bool) -> bool:
    if np.isfinite(a.max_units):
        return False
    if a.whole_units:
        if not b.whole_units:
            return False
        ratio = b.normalized_units / a.normalized_units
        if abs(ratio - round(ratio)) > 1e-9 or round(ratio) < 1:
            return False
    na, nb = a.normalized_units, b.normalized_units
    if not _le(a.unit_cost / na, b.unit_cost / nb):
        return False
    if budget and not _le(a.upfront_per_unit / na, b.upfront_per_unit / nb):
        return False
    return _le(la / na, lb / nb)


def _spend_dominates(a: SpendOffer, b: SpendOffer, la: float, lb: float, budget: bool) -> bool:
    if np.isfinite(a.max_commitment):
        return False
    ra = dict(zip(a.covered, a.rates, strict=True))
    rb = dict(zip(b.covered, b.rates, strict=True))
    if set(ra) != set(rb):
        return False
    if not all(_le(a.cost_per_commitment * ra[j], b.cost_per_commitment * rb[j]) for j in rb):
        return False
    stretch = max(ra[j] / rb[j] for j in rb)
    if budget and not _le(a.upfront_per_commitment * stretch, b.upfront_per_commitment):
        return False
    return _le(la * stretch, lb)


def _spend_dominates_reserved(
    a: SpendOffer, b: ReservedOffer, norm: FloatArray, la: float, lb: float, budget: bool
) -> bool:
    if np.isfinite(a.max_commitment):
        return False
    ra = dict(zip(a.covered, a.rates, strict=True))
    if not set(b.covered) <= set(ra):
        return False
    # Commitment of A that covers anything one unit of B covers.
    stretch = b.normalized_units * max(ra[j] / float(norm[j]) for j in b.covered)
    if not _le(a.cost_per_commitment * stretch, b.unit_cost):
        return False
    if budget and not _le(a.upfront_per_commitment * stretch, b.upfront_per_unit):
        return False
    return _le(la * stretch, lb)


def undominated(
    problem: CommitmentProblem, lock_in_per_unit: FloatArray | None = None
) -> tuple[BoolArray, BoolArray]:
    """Masks of the reserved and spend offers to keep.

    ``lock_in_per_unit`` (K + S,) is the lock-in of one unit of each offer when a
    lock-in cap is in force (``None`` otherwise).
    """
    k = len(problem.reserved)
    lock = np.zeros(k + len(problem.spend)) if lock_in_per_unit is None else lock_in_per_unit
    budget = bool(np.isfinite(problem.max_upfront))
    keep_r = np.ones(k, dtype=bool)
    keep_s = np.ones(len(problem.spend), dtype=bool)
    by_scope: dict[tuple[int, ...], list[int]] = {}
    for i, o in enumerate(problem.reserved):
        by_scope.setdefault(tuple(sorted(o.covered)), []).append(i)
    for members in by_scope.values():
        for b in members:
            ob = problem.reserved[b]
            for a in members:
                if a == b or not keep_r[a]:
                    continue
                oa = problem.reserved[a]
                if _reserved_dominates(oa, ob, lock[a], lock[b], budget) and (
                    a < b or not _reserved_dominates(ob, oa, lock[b], lock[a], budget)
                ):
                    keep_r[b] = False
                    break
    spend_scope: dict[tuple[int, ...], list[int]] = {}
    for s, so in enumerate(problem.spend):
        spend_scope.setdefault(tuple(sorted(so.covered)), []).append(s)
    for members in spend_scope.values():
        for b in members:
            sb = problem.spend[b]
            for a in members:
                if a == b or not keep_s[a]:
                    continue
                sa = problem.spend[a]
                if _spend_dominates(sa, sb, lock[k + a], lock[k + b], budget) and (
                    a < b or not _spend_dominates(sb, sa, lock[k + b], lock[k + a], budget)
                ):
                    keep_s[b] = False
                    break
    _cross_scope(problem, lock, budget, keep_r, keep_s)
    return keep_r, keep_s


def _cross_scope(
    problem: CommitmentProblem, lock: FloatArray, budget: bool, keep_r: BoolArray, keep_s: BoolArray
) -> None:
    """Drop reserved offers dominated by a kept offer of a strictly broader scope."""
    k = len(problem.reserved)
    norm = problem.normalization
    covering: dict[int, list[int]] = {}  # class -> kept spend offers covering it
    for s, so in enumerate(problem.spend):
        if keep_s[s]:
            for j in so.covered:
                covering.setdefault(j, []).append(s)
    reserved_covering: dict[int, list[int]] = {}
    for i, o in enumerate(problem.reserved):
        for j in o.covered:
            reserved_covering.setdefault(j, []).append(i)
    for b, ob in enumerate(problem.reserved):
        if not keep_r[b]:
            continue
        scope = set(ob.covered)
        first = ob.covered[0]
        if any(
            _spend_dominates_reserved(problem.spend[s], ob, norm, lock[k + s], lock[b], budget)
            for s in covering.get(first, [])
        ):
            keep_r[b] = False
            continue
        for a in reserved_covering.get(first, []):
            oa = problem.reserved[a]
            if a == b or not keep_r[a] or len(oa.covered) <= len(scope) or not scope <= set(oa.covered):
                continue
            if _reserved_dominates(oa, ob, lock[a], lock[b], budget):
                keep_r[b] = False
                break
