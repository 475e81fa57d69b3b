"""Independent oracles for the vendor-consolidation MILP.

Nothing here uses PuLP or the model under test: the published OPL "Outsource" model is
re-stated literally for ``scipy.optimize.milp``, and small cases are solved by brute
force (every vendor subset × every tier choice, each leaving a linear programme solved
with ``scipy.optimize.linprog``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

# --- IBM ILOG CPLEX OPL example "Outsource" (models/Outsource/outsource.{mod,dat}) ---------
OUTSOURCE_DEMAND = (150, 150, 120)
OUTSOURCE_CAPACITY = (180, 220, 240)
OUTSOURCE_SETUP = (20, 30, 10)
OUTSOURCE_BREAKS = (0, 100, 200, 500, 1000)
OUTSOURCE_AUD = (True, True, False)  # Supplier1, Supplier2 all-units; Supplier3 incremental
# CostInRanges[item][supplier][range]
OUTSOURCE_COST = (
    ((0.14, 0.13, 0.12, 999.0), (0.04, 0.02, 0.02, 0.01), (0.14, 0.13, 0.12, 999.0)),
    ((2.0, 1.5, 1.0, 0.5), (2.2, 1.8, 0.9, 0.4), (1.8, 1.7, 1.6, 1.5)),
    ((3.0, 3.0, 1.0, 0.5), (3.0, 2.0, 1.0, 0.5), (1.0, 1.0, 1.0, 0.5)),
)


def outsource_opl_optimum() -> float:
    """The OPL model exactly as published (integer quantities, AUD ranges [B_a, B_{a+1}-1])."""
    items, sups, amts = 3, 3, 4
    brk = OUTSOURCE_BREAKS
    max_n = sum(OUTSOURCE_CAPACITY)
    # variable layout: Quantity[i,s,a], SupAmt[i,s,a], Setup[s]
    nq = items * sups * amts

    def qi(i: int, s: int, a: int) -> int:
        return (i * sups + s) * amts + a

    def si(i: int, s: int, a: int) -> int:
        return nq + qi(i, s, a)

    def ui(s: int) -> int:
        return 2 * nq + s

    n = 2 * nq + sups
    c = np.zeros(n)
    for i in range(items):
        for s in range(sups):
            for a in range(amts):
                c[qi(i, s, a)] = OUTSOURCE_COST[i][s][a]
    for s in range(sups):
        c[ui(s)] = OUTSOURCE_SETUP[s]
    rows, lo, hi = [], [], []

    def add(coefs: dict[int, float], low: float, high: float) -> None:
        row = np.zeros(n)
        for k, val in coefs.items():
            row[k] += val
        rows.append(row)
        lo.append(low)
        hi.append(high)

    for s in range(sups):
        add({qi(i, s, a): 1 for i in range(items) for a in range(amts)}, -np.inf, OUTSOURCE_CAPACITY[s])
        coefs = {qi(i, s, a): 1.0 for i in range(items) for a in range(amts)}
        coefs[ui(s)] = -max_n
        add(coefs, -np.inf, 0)
    for i in range(items):
        add({qi(i, s, a): 1 for s in range(sups) for a in range(amts)}, OUTSOURCE_DEMAND[i], np.inf)
    for i in range(items):
        for s in range(sups):
            if OUTSOURCE_AUD[s]:
                add({si(i, s, a): 1 for a in range(amts)}, 1, 1)
                for a in range(amts):
                    add({qi(i, s, a): 1, si(i, s, a): -(brk[a + 1] - 1)}, -np.inf, 0)
                    add({qi(i, s, a): 1, si(i, s, a): -brk[a]}, 0, np.inf)
            else:
                for a in range(amts):
                    for k in range(a):
                        add({qi(i, s, k): 1, si(i, s, a): -(brk[k + 1] - brk[k])}, 0, np.inf)
                    add({qi(i, s, a): 1, si(i, s, a): -(brk[a + 1] - brk[a])}, -np.inf, 0)
    upper = np.concatenate([np.full(nq, max_n), np.ones(nq), np.ones(sups)])
    res = milp(
        c,
        constraints=LinearConstraint(np.array(rows), np.array(lo), np.array(hi)),
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), upper),
        options={"mip_rel_gap": 0.0},
    )
    assert res.status == 0, res.message
    return float(res.fun)


# --- Brute force ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BLine:
    """A line for the brute force: vendor, capabilities, breaks, prices, pricing rule."""

    vendor: int
    capabilities: tuple[int, ...]
    breaks: tuple[float, ...]
    prices: tuple[float, ...]
    incremental: bool = False
    cap: float = math.inf
    vendor_basis: bool = False


@dataclass(frozen=True)
class BVendor:
    """Vendor terms for the brute force."""

    fee: float = 0.0
    min_commitment: float = 0.0
    exit_penalty: float = 0.0
    forced: bool = False
    excluded: bool = False


@dataclass(frozen=True)
class BDemand:
    """Demand for the brute force (``population`` >= 0 shares units with its population)."""

    capability: int
    quantity: float
    current_vendor: int = -1
    migration: float = 0.0
    population: int = -1


def brute_force(
    vendors: list[BVendor],
    lines: list[BLine],
    demands: list[BDemand],
    *,
    horizon: float = 1.0,
    max_vendors: int | None = None,
    overbuy: bool = True,
) -> float:
    """Least horizon cost over every vendor subset and every tier of every line of it.

    Lines with ``vendor_basis`` are priced at one tier per vendor (of the vendor's total
    over those lines), enumerated likewise.
    """
    best = math.inf
    nv = len(vendors)
    for subset in itertools.product((0, 1), repeat=nv):
        if any(subset[v] and vd.excluded for v, vd in enumerate(vendors)):
            continue
        if any(not subset[v] and vd.forced for v, vd in enumerate(vendors)):
            continue
        if max_vendors is not None and sum(subset) > max_vendors:
            continue
        open_lines = [li for li, ln in enumerate(lines) if subset[ln.vendor] and not ln.vendor_basis]
        basis_vendors = sorted({ln.vendor for ln in lines if subset[ln.vendor] and ln.vendor_basis})
        choices = [[-1, *range(len(lines[li].breaks))] for li in open_lines]
        for v in basis_vendors:
            ref = next(ln for ln in lines if ln.vendor == v and ln.vendor_basis)
            choices.append([-1, *range(len(ref.breaks))])
        for pick in itertools.product(*choices):
            tiers = dict(zip(open_lines, pick[: len(open_lines)], strict=True))
            vtiers = dict(zip(basis_vendors, pick[len(open_lines) :], strict=True))
            val = _fixed_tier_lp(vendors, lines, demands, subset, tiers, vtiers, horizon, overbuy)
            best = min(best, val)
    return best


def _fixed_tier_lp(
    vendors: list[BVendor],
    lines: list[BLine],
    demands: list[BDemand],
    subset: tuple[int, ...],
    tiers: dict[int, int],
    vtiers: dict[int, int],
    horizon: float,
    overbuy: bool,
) -> float:
    """Given vendors kept and each open line's (or vendor's) tier (-1 = unused), the cheapest
    allocation: a linear programme."""
    nd, nl, nv = len(demands), len(lines), len(vendors)
    pairs = [
        (d, li) for d in range(nd) for li in range(nl) if demands[d].capability in lines[li].capabilities
    ]
    pops = sorted({(li, dem.population) for (d, li) in pairs if (dem := demands[d]).population >= 0})
    n = len(pairs) + nl + nv + len(pops)
    xq = {p: k for k, p in enumerate(pairs)}
    sk = {p: len(pairs) + nl + nv + k for k, p in enumerate(pops)}

    def q(li: int) -> int:
        return len(pairs) + li

    def t(v: int) -> int:
        return len(pairs) + nl + v

    c = np.zeros(n)
    const = 0.0
    a_eq: list[np.ndarray] = []
    b_eq: list[float] = []
    a_ub: list[np.ndarray] = []
    b_ub: list[float] = []
    lb, ub = np.zeros(n), np.full(n, np.inf)
    for v, vd in enumerate(vendors):
        if subset[v]:
            const += horizon * vd.fee
            c[t(v)] = horizon
        else:
            const += vd.exit_penalty
            ub[t(v)] = 0
    cost_rows: dict[int, np.ndarray] = {v: np.zeros(n) for v in range(nv)}
    cost_fixed: dict[int, float] = dict.fromkeys(range(nv), 0.0)
    for li, ln in enumerate(lines):
        if ln.vendor_basis:
            r = vtiers.get(ln.vendor, -1)
            if r < 0:
                ub[q(li)] = 0
                continue
            ub[q(li)] = ln.cap
            cost_rows[ln.vendor][q(li)] += ln.prices[r]
            continue
        r = tiers.get(li, -1)
        if r < 0:
            ub[q(li)] = 0
            continue
        lo = ln.breaks[r]
        hi = ln.breaks[r + 1] if r + 1 < len(ln.breaks) else np.inf
        lb[q(li)] = lo
        ub[q(li)] = min(hi, ln.cap)
        if lb[q(li)] > ub[q(li)]:
            return math.inf
        cost_rows[ln.vendor][q(li)] += ln.prices[r]
        if ln.incremental:
            cum = 0.0
            for k in range(r):
                cum += ln.prices[k] * (ln.breaks[k + 1] - ln.breaks[k])
            cost_fixed[ln.vendor] += cum - ln.prices[r] * lo
    for v, r in vtiers.items():
        if r < 0:
            continue
        ref = next(ln for ln in lines if ln.vendor == v and ln.vendor_basis)
        row = np.zeros(n)
        for li, ln in enumerate(lines):
            if ln.vendor == v and ln.vendor_basis:
                row[q(li)] = 1
        a_ub.append(-row)
        b_ub.append(-ref.breaks[r])
        if r + 1 < len(ref.breaks):
            a_ub.append(row)
            b_ub.append(ref.breaks[r + 1])
    for v in range(nv):
        c += horizon * cost_rows[v]
        const += horizon * cost_fixed[v]
    for d, dem in enumerate(demands):
        row = np.zeros(n)
        for (dd, li), k in xq.items():
            if dd == d:
                row[k] = 1
                if dem.current_vendor >= 0 and lines[li].vendor != dem.current_vendor:
                    c[k] += dem.migration
        a_eq.append(row)
        b_eq.append(dem.quantity)
    for li in range(nl):
        row = np.zeros(n)
        for (d, l2), k in xq.items():
            if l2 == li and demands[d].population < 0:
                row[k] = 1
        for (l2, _pop), k in sk.items():
            if l2 == li:
                row[k] = 1
        row[q(li)] = -1
        if overbuy:
            a_ub.append(row)
            b_ub.append(0.0)
        else:
            a_eq.append(row)
            b_eq.append(0.0)
    for (li, pop), k in sk.items():
        caps = {demands[d].capability for (d, l2) in pairs if l2 == li and demands[d].population == pop}
        for cap in caps:
            row = np.zeros(n)
            row[k] = -1
            for (d, l2), kx in xq.items():
                if l2 == li and demands[d].population == pop and demands[d].capability == cap:
                    row[kx] = 1
            a_ub.append(row)
            b_ub.append(0.0)
    for v, vd in enumerate(vendors):
        if subset[v] and vd.min_commitment > 0:
            row = -cost_rows[v].copy()
            row[t(v)] = -1
            a_ub.append(row)
            b_ub.append(vd.fee + cost_fixed[v] - vd.min_commitment)
    res = linprog(
        c,
        A_ub=np.array(a_ub) if a_ub else None,
        b_ub=np.array(b_ub) if b_ub else None,
        A_eq=np.array(a_eq),
        b_eq=np.array(b_eq),
        bounds=list(zip(lb, ub, strict=True)),
        method="highs",
    )
    if res.status != 0:
        return math.inf
    return float(res.fun) + const
