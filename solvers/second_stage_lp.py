"""Exact second-stage LP of an hour group, for instances where billing is not the LP.

Where the provider order is not the cheapest allocation (crossing scopes, uneven
discounts), the billing duals give valid but loose cuts. For such a group of hours
this module solves the cheapest allocation of the fixed capacity as an LP with
highspy and returns the tight cut from its duals:

    min Σ_t w_t Σ_j p_j (u_tj − Σ_e z_te)      (z_te: usage of element e's class covered
    s.t. cover[t,j]:  Σ_{e∋j} z_te ≤ u_tj        by element e's stage in hour t)
         cap[t,s]:    Σ_{e∈s} a_e z_te ≤ C_ts    (one row per stage: a reserved pool's
                                                  members share scope and coefficients)

With capacity duals ``π_ts ≤ 0`` the cut is ``f(C') ≥ f(C) + Σ w... `` i.e.
``α = f(C) + Σ_i β_i y_i``, ``β_i = −Σ_t π_t,s(i)·per_unit_i``.
"""

from __future__ import annotations

import highspy
import numpy as np

from solvers.commitment_problem import FloatArray
from solvers.greedy_duals import Structure

MAX_VARIABLES = 400_000


def group_cut(
    structure: Structure,
    usage: FloatArray,
    held_capacity: list[FloatArray | None],
    bought: FloatArray,
    weights: FloatArray,
) -> tuple[float, FloatArray] | None:
    """(f(C), β) of the weighted hours (``usage`` rows), or None when too large."""
    hours = usage.shape[0]
    levels = np.concatenate([np.zeros(structure.held), bought]) * structure.per_unit
    n_coverable = usage.shape[1]
    var_row_cover: list[np.ndarray] = []
    var_row_cap: list[np.ndarray] = []
    var_coef: list[np.ndarray] = []
    var_cost: list[np.ndarray] = []
    cap_rhs: list[np.ndarray] = []
    cap_key: list[tuple[int, int]] = []  # (layer, segment) of each capacity block
    n_cap_rows = 0
    total = 0
    for li, layer in enumerate(structure.layers):
        seg_cap = np.array([levels[m].sum() for m in layer.members])
        held = held_capacity[li]
        cap = np.broadcast_to(seg_cap, (hours, layer.segments)) if held is None else held + seg_cap
        t_idx, e_idx = np.nonzero(usage[:, layer.cols] > 0)
        total += len(t_idx)
        if total > MAX_VARIABLES:
            return None
        base = n_cap_rows
        var_row_cover.append(t_idx * n_coverable + layer.cols[e_idx])
        var_row_cap.append(base + t_idx * layer.segments + layer.seg_of[e_idx])
        var_coef.append(layer.coef[e_idx])
        var_cost.append(-weights[t_idx] * structure.rate[layer.cols[e_idx]])
        cap_rhs.append(np.asarray(cap, dtype=np.float64).reshape(-1))
        cap_key += [(li, s) for s in range(layer.segments)]
        n_cap_rows += hours * layer.segments
    n_cover = hours * n_coverable
    n_var = total
    constant = float(weights @ (usage @ structure.rate))
    if n_var == 0:
        return constant, np.zeros(len(bought))
    rows_cover = np.concatenate(var_row_cover)
    rows_cap = n_cover + np.concatenate(var_row_cap)
    coef = np.concatenate(var_coef)
    # CSC: each column has two entries (cover row with 1, capacity row with a_e).
    index = np.empty(2 * n_var, dtype=np.int32)
    value = np.empty(2 * n_var)
    index[0::2], index[1::2] = rows_cover, rows_cap
    value[0::2], value[1::2] = 1.0, coef
    starts = np.arange(0, 2 * n_var, 2, dtype=np.int32)
    lp = highspy.HighsLp()
    lp.num_col_ = n_var
    lp.num_row_ = n_cover + n_cap_rows
    lp.col_cost_ = np.concatenate(var_cost)
    lp.col_lower_ = np.zeros(n_var)
    lp.col_upper_ = np.full(n_var, highspy.kHighsInf)
    lp.row_lower_ = np.full(lp.num_row_, -highspy.kHighsInf)
    lp.row_upper_ = np.concatenate([usage.reshape(-1), np.concatenate(cap_rhs)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.append(starts, 2 * n_var)
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("primal_feasibility_tolerance", 1e-10)
    h.setOptionValue("dual_feasibility_tolerance", 1e-10)
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    value_lp = constant + float(h.getInfo().objective_function_value)
    duals = -np.asarray(h.getSolution().row_dual)[n_cover:]  # w ≥ 0 per (layer block)
    beta = np.zeros(len(bought))
    offset = 0
    for layer in structure.layers:
        block = duals[offset : offset + hours * layer.segments].reshape(hours, layer.segments)
        offset += hours * layer.segments
        per_seg = np.maximum(block, 0.0).sum(axis=0)
        for s, members in enumerate(layer.members):
            for i in members:
                if i >= structure.held:
                    beta[i - structure.held] = per_seg[s] * structure.per_unit[i]
    return value_lp, beta
