"""The compiled billing kernel against the numpy billing with duals (its oracle).

``solvers.billing_kernel.bill`` (hour-major, numba when installed, plain Python
otherwise) must reproduce ``solvers.greedy_duals.bill_with_duals`` (class-major,
vectorised numpy, itself checked against the cheapest-allocation LP in
``test_billing_oracle.py`` / the engine oracles): the residual on-demand cost, the
capacity dual of every stage, ``Σ u·v`` and the held-capacity term, hour by hour, on
random instances (hours in one call or split across threads) with overlapping reserved
pools and spend offers, normalisation, held commitments with expiries, and purchases
from zero to beyond peak usage. The
engine solved through the kernel and through the numpy billing reaches the same
optimum.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest

from solvers import billing_kernel, commitment_engine
from solvers.billing_kernel import bill, flatten, held_matrix
from solvers.commitment_engine import solve_engine
from solvers.commitment_problem import CommitmentProblem, HeldCommitment, ReservedOffer, SpendOffer
from solvers.greedy_duals import bill_with_duals, compile_structure

SEEDS = range(60)


def _scope(rng: np.random.Generator, classes: int) -> tuple[int, ...]:
    size = int(rng.integers(1, classes + 1))
    return tuple(sorted(rng.choice(classes, size=size, replace=False).tolist()))


def _problem(seed: int) -> CommitmentProblem:
    rng = np.random.default_rng([seed, 7])
    hours, classes = int(rng.integers(1, 60)), int(rng.integers(1, 7))
    usage = rng.poisson(3.0, size=(hours, classes)).astype(float) * rng.uniform(0.3, 1.7, (hours, classes))
    usage[rng.random(usage.shape) < 0.15] = 0.0
    price = rng.uniform(0.5, 3.0, classes)
    norm = rng.choice([1.0, 2.0, 4.0, 8.0], classes)
    reserved = []
    for k in range(int(rng.integers(0, 5))):
        cov = _scope(rng, classes)
        size = float(rng.choice([1.0, 2.0, 4.0]))
        reserved.append(
            ReservedOffer(
                f"ri{k}",
                cov,
                size,
                size * float(np.mean(price[list(cov)] / norm[list(cov)])) * float(rng.uniform(0.4, 0.95)),
            )
        )
    spend = []
    for s in range(int(rng.integers(0 if reserved else 1, 4))):
        cov = _scope(rng, classes)
        spend.append(
            SpendOffer(f"sp{s}", cov, tuple(float(price[j] * rng.uniform(0.3, 0.95)) for j in cov), 1.0)
        )
    held = []
    offers: list[ReservedOffer | SpendOffer] = [*reserved, *spend]
    for _ in range(int(rng.integers(0, 3))):
        offer = offers[int(rng.integers(0, len(offers)))]
        active = None if rng.random() < 0.4 else rng.random(hours) < 0.6
        held.append(HeldCommitment(offer, float(rng.uniform(0.5, 6.0)), active))
    return CommitmentProblem(usage, price, norm, tuple(reserved), tuple(spend), tuple(held), math.inf)


def _purchase(rng: np.random.Generator, problem: CommitmentProblem) -> np.ndarray:
    peak = float(problem.usage.sum(axis=1).max(initial=0.0)) * float(problem.on_demand_rate.max())
    n = len(problem.reserved) + len(problem.spend)
    y = rng.uniform(0.0, 1.2, n) * max(peak, 1.0) / max(1, n)
    y[rng.random(n) < 0.25] = 0.0
    return y


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("threads", [False, True])
def test_kernel_matches_numpy_billing_and_duals(
    seed: int, threads: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if threads:  # hours split across the thread pool even for small instances
        monkeypatch.setattr(billing_kernel, "PARALLEL_FROM", 0)
        monkeypatch.setattr(billing_kernel, "_THREADS", 3)
    problem = _problem(seed)
    rng = np.random.default_rng([seed, 11])
    st = compile_structure(problem)
    flat = flatten(st)
    usage_tm = np.ascontiguousarray(problem.usage[:, st.classes])
    held_cap = st.held_capacity(problem.held, None, problem.hours)
    for _ in range(3):
        y = _purchase(rng, problem)
        ref = bill_with_duals(st, np.ascontiguousarray(usage_tm.T), held_cap, y)
        held = held_matrix(flat, held_cap, problem.hours)
        got = bill(flat, st.rate, st.per_unit, st.held, usage_tm, held, y)
        tol = dict(rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(got.cost, ref.cost, **tol)
        np.testing.assert_allclose(got.uv, ref.uv, **tol)
        np.testing.assert_allclose(got.held_term, ref.held_term, **tol)
        for s, (li, si) in enumerate(zip(flat.seg_layer.tolist(), flat.seg_index.tolist(), strict=True)):
            np.testing.assert_allclose(got.w[:, s], ref.w[li][si], **tol)


def test_flattening_keeps_billing_order_and_members() -> None:
    problem = _problem(3)
    st = compile_structure(problem)
    flat = flatten(st)
    cols = np.concatenate([layer.cols for layer in st.layers]) if st.layers else np.zeros(0)
    np.testing.assert_array_equal(flat.elem_col, cols)
    members = [m for layer in st.layers for m in layer.members]
    assert len(flat.members) == len(members)
    for a, b in zip(flat.members, members, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed", range(8))
def test_engine_optimum_is_the_same_with_numpy_billing(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    problem = _problem(100 + seed)
    compiled = solve_engine(problem)
    monkeypatch.setattr(commitment_engine, "_FORCE_NUMPY", True)
    reference = solve_engine(problem)
    scale = max(1.0, abs(reference.report.objective))
    assert abs(compiled.report.objective - reference.report.objective) <= 1e-6 * scale
    assert abs(compiled.report.bound - reference.report.bound) <= 1e-6 * scale


def test_kernel_flag_reports_numba() -> None:
    try:
        import numba  # noqa: F401
    except ImportError:
        assert not billing_kernel.AVAILABLE
    else:
        assert billing_kernel.AVAILABLE


def test_kernel_works_where_no_cache_directory_is_writable() -> None:
    """A read-only install with no home directory (the container's user) still compiles and bills."""
    pytest.importorskip("numba")
    code = (
        "import numpy as np\n"
        "from tests.solvers.test_billing_kernel import _problem, _purchase\n"
        "from solvers.billing_kernel import bill, flatten, held_matrix\n"
        "from solvers.greedy_duals import bill_with_duals, compile_structure\n"
        "p = _problem(3); st = compile_structure(p); f = flatten(st)\n"
        "y = _purchase(np.random.default_rng(0), p)\n"
        "u = np.ascontiguousarray(p.usage[:, st.classes]); h = st.held_capacity(p.held, None, p.hours)\n"
        "ref = bill_with_duals(st, np.ascontiguousarray(u.T), h, y)\n"
        "got = bill(f, st.rate, st.per_unit, st.held, u, held_matrix(f, h, p.hours), y)\n"
        "np.testing.assert_allclose(got.cost, ref.cost, rtol=1e-9, atol=1e-9)\n"
        "print('ok')\n"
    )
    # Only the IPython locator allowed: no cache location applies, as on a read-only install.
    env = {**os.environ, "NUMBA_CACHE_LOCATOR_CLASSES": "_IPythonCacheLocator"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
