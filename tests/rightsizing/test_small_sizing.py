"""The scalar paths for small problems (``solvers.rightsizing_small``, the per-resource
choice of ``recommender.planning.rightsizing_plans``, the platform differences of
``recommender.planning.rightsizing_recommendations``) give exactly the
general vectorised path's results on thousands of random small problems: several
providers and regions, GPUs, network/disk capacities (some unknown), features,
families, burstables, tied and nearly tied prices, commitment-priced rows, short
histories and every policy switch.

(The general path itself is checked against the independent brute-force oracle in
``test_oracle_single.py``, which goes through the same dispatch.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from recommender.domain.common import Action, ActionType, RiskProfile, money
from recommender.domain.rightsizing import RightSizingPolicy
from recommender.planning.rightsizing_plans import (
    Profile,
    _decide_separable,
    _decide_small,
    _eligible,
    _trusted_action,
)
from recommender.planning.rightsizing_recommendations import _differences_small, _differences_vectorised
from solvers.rightsizing import SizingResult, SizingRule, size_resources, sizing_basis
from solvers.rightsizing_data import (
    HOURS_PER_MONTH,
    BoolArray,
    Catalogue,
    FloatArray,
    IntArray,
    Resources,
    SeriesBlock,
)
from solvers.rightsizing_small import SMALL_CELLS, SmallBasis, is_small, size_profiles
from solvers.rightsizing_stats import compute_stats

FEATURES = ("nvme", "ebs", "sriov", "burstable")


@dataclass(frozen=True)
class TableCosts:
    """A cost model with some rows priced through "commitments" (any table of costs)."""

    price: FloatArray
    fraction: FloatArray
    current: IntArray
    special: BoolArray
    table: FloatArray  # (R, K) cost of the special rows

    def current_monthly(self) -> FloatArray:
        out: FloatArray = self.fraction * self.price[self.current] * HOURS_PER_MONTH * 1.01
        return out

    def target_monthly(self, rows: IntArray, cols: IntArray) -> FloatArray:
        return np.stack([self.pair_monthly(np.full(cols.size, r), cols) for r in rows])

    def pair_monthly(self, rows: IntArray, cols: IntArray) -> FloatArray:
        out: FloatArray = np.where(
            self.special[cols],
            self.table[rows, cols],
            self.fraction[rows] * self.price[cols] * HOURS_PER_MONTH,
        )
        return out

    def special_columns(self, cols: IntArray) -> BoolArray:
        out: BoolArray = self.special[cols]
        return out


def _frozen(cat: Catalogue) -> Catalogue:
    """Read-only columns, as the planner's memoised catalogues have (the scalar path
    then memoises their lists)."""
    for value in vars(cat).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return cat


def _catalogue(rng: np.random.Generator, k: int) -> Catalogue:
    providers = rng.choice(["aws", "gcp"], k, p=[0.8, 0.2])
    regions = rng.choice(["r1", "r2"], k, p=[0.7, 0.3])
    gpus = np.where(rng.random(k) < 0.3, rng.choice([0.0, 1.0, 2.0, 4.0], k), 0.0)
    base = rng.choice([0.05, 0.1, 0.1, 0.2, 0.4, 0.8], k)
    price = base * rng.choice([1.0, 1.0, 1.0 + 1e-10, 1.5, 0.5], k)  # ties and near-ties
    network = np.where(rng.random(k) < 0.5, rng.choice([500.0, 1000.0, 5000.0], k), np.nan)
    iops = np.where(rng.random(k) < 0.5, rng.choice([1000.0, 3000.0, 20000.0], k), np.nan)
    names = np.array([f"t{rng.integers(0, 4)}.{i}" for i in range(k)])
    return Catalogue(
        name=names,
        provider=providers.astype(str),
        region=regions.astype(str),
        family=rng.choice(["m5", "c5", "t3", "g5"], k).astype(str),
        architecture=rng.choice(["x86_64", "x86_64", "arm64"], k).astype(str),
        gpu_model=np.where(gpus > 0, rng.choice(["A10G", "T4"], k), "").astype(str),
        vcpus=rng.choice([1.0, 2.0, 4.0, 8.0, 16.0], k),
        memory_gib=rng.choice([1.0, 4.0, 8.0, 16.0, 32.0, 64.0], k),
        gpu_count=gpus,
        gpu_memory_gib=np.where(gpus > 0, rng.choice([0.0, 16.0, 24.0], k), 0.0),
        network_mbps=network,
        disk_iops=iops,
        hourly_price=price,
        features=tuple(frozenset(f for f in FEATURES if rng.random() < 0.4) for _ in range(k)),
        burstable=rng.random(k) < 0.2,
    )


def _series(rng: np.random.Generator, count: int, length: int, high: float) -> SeriesBlock:
    rows = np.arange(count)
    samples = rng.uniform(0, high, (count, length)).astype(np.float32)
    if rng.random() < 0.2:
        samples[:, : length // 2] = 0.0
    return SeriesBlock(rows=rows, samples=samples)


def _resources(rng: np.random.Generator, cat: Catalogue, count: int) -> Resources:
    current = rng.integers(0, cat.size, count)
    length = int(rng.choice([1, 5, 288]))
    series = {"cpu": [_series(rng, count, length, float(rng.choice([5.0, 60.0, 110.0])))]}
    for dim, high in (("memory", 100.0), ("network", 3000.0), ("disk", 30000.0)):
        if rng.random() < 0.6:
            series[dim] = [_series(rng, count, length, high)]
    if (cat.gpu_count[current] > 0).all():
        for dim in ("gpu", "gpu_memory"):
            if rng.random() < 0.6:
                series[dim] = [_series(rng, count, length, 100.0)]
    return Resources(
        current=current.astype(np.int64),
        hours_fraction=rng.choice([1.0, 0.5, 0.137], count),
        history_hours=rng.choice([2.0, 24.0, 48.0], count),
        required_features=tuple(
            frozenset(f for f in FEATURES[:2] if rng.random() < 0.2) for _ in range(count)
        ),
        series=series,
    )


def _rule(rng: np.random.Generator) -> SizingRule:
    return SizingRule(
        cpu_percentile=float(rng.choice([90.0, 95.0, 99.5])),
        cpu_headroom=float(rng.choice([0.0, 0.2, 0.5])),
        memory_percentile=None if rng.random() < 0.7 else 95.0,
        memory_headroom=float(rng.choice([0.0, 0.2])),
        gpu_headroom=float(rng.choice([0.1, 0.3])),
        idle_cpu_percent=float(rng.choice([3.0, 40.0])),
        idle_network_mbps=float(rng.choice([1.0, 2000.0])),
        allow_region_change=bool(rng.random() < 0.3),
        allow_architecture_change=bool(rng.random() < 0.3),
        allow_gpu_model_change=bool(rng.random() < 0.3),
        allow_burstable=bool(rng.random() < 0.3),
        include_families=frozenset({"m5", "c5", "g5"}) if rng.random() < 0.2 else frozenset(),
        exclude_families=frozenset({"c5"}) if rng.random() < 0.2 else frozenset(),
        max_options=int(rng.choice([1, 2, 3, 5])),
        max_performance_risk=int(rng.choice([1, 2, 3, 4, 4])),
        min_history_hours=24.0,
    )


def _assert_same(got: SizingResult, want: SizingResult) -> None:
    for name in ("need", "demand", "measured", "current_capacity"):
        a, b = getattr(got.requirements, name), getattr(want.requirements, name)
        assert a.dtype == b.dtype and a.shape == b.shape, name
        np.testing.assert_array_equal(a, b, err_msg=name, strict=True)
    for name in (
        "current",
        "finding",
        "under",
        "idle",
        "cheaper_fit",
        "any_fit",
        "current_cost",
        "current_list_cost",
        "current_risk",
        "current_risk_dims",
        "option_index",
        "option_cost",
        "option_list_cost",
        "option_risk",
        "option_risk_dims",
        "option_projected",
    ):
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name, strict=True)
    assert got.cells == want.cells


@pytest.mark.parametrize("seed", range(20))
def test_scalar_path_equals_the_vectorised_path(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(25):
        k = int(rng.integers(1, 70))
        count = int(rng.integers(1, 4))
        cat = _catalogue(rng, k) if rng.random() < 0.5 else _frozen(_catalogue(rng, k))
        resources = _resources(rng, cat, count)
        rules = [_rule(rng) for _ in range(3)]
        stats = compute_stats(resources, sorted(set().union(*(r.levels() for r in rules))))
        special = rng.random(k) < (0.3 if rng.random() < 0.5 else 0.0)
        table = np.round(rng.choice([0.0, 10.0, 50.0, 73.0], (count, k)) + rng.random((count, k)) * 1e-7, 9)
        costs = TableCosts(cat.hourly_price, resources.hours_fraction, resources.current, special, table)
        basis = sizing_basis(cat, resources, stats)
        small = SmallBasis.build(cat, resources, stats, costs)
        for rule in rules:
            _assert_same(small.size(rule, costs), size_resources(cat, resources, stats, rule, costs, basis))


def test_the_path_is_chosen_by_shape_only() -> None:
    rng = np.random.default_rng(7)
    cat = _catalogue(rng, 64)
    assert is_small(cat, _resources(rng, cat, SMALL_CELLS // 64))
    big = _resources(rng, cat, SMALL_CELLS // 64 + 1)
    assert not is_small(cat, big)
    rules = [_rule(rng) for _ in range(2)]
    stats = compute_stats(big, sorted(set().union(*(r.levels() for r in rules))))
    costs = TableCosts(
        cat.hourly_price, big.hours_fraction, big.current, np.zeros(64, bool), np.zeros((17, 64))
    )
    basis = sizing_basis(cat, big, stats)
    for got, rule in zip(size_profiles(cat, big, stats, rules, costs), rules, strict=True):
        _assert_same(got, size_resources(cat, big, stats, rule, costs, basis))


@pytest.mark.parametrize("seed", range(6))
def test_scalar_choice_and_differences_equal_the_vectorised_ones(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    for _ in range(40):
        k, count = int(rng.integers(2, 40)), int(rng.integers(1, 5))
        cat = _catalogue(rng, k)
        resources = _resources(rng, cat, count)
        rule = _rule(rng)
        stats = compute_stats(resources, sorted(rule.levels()))
        costs = TableCosts(
            cat.hourly_price,
            resources.hours_fraction,
            resources.current,
            np.zeros(k, bool),
            np.zeros((count, k)),
        )
        res = SmallBasis.build(cat, resources, stats, costs).size(rule, costs)
        policy = RightSizingPolicy(
            include_upsizes=bool(rng.random() < 0.5),
            min_monthly_savings=float(rng.choice([0.0, 5.0, 1e6])),
        )
        for terminate in (False, True):
            profile = Profile(RiskProfile.BALANCED, rule, terminate)
            eligible, _, stop, stay = _eligible(res, profile, policy)
            want = _decide_separable(res, eligible, stop, stay)
            got = _decide_small(res, profile, policy)
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want, strict=True)
        assert _differences_small(cat, res) == _differences_vectorised(cat, res)


def test_trusted_actions_equal_model_construct() -> None:
    values = {
        "order": 2,
        "type": ActionType.RESIZE,
        "description": "Resize i-1 from m5.2xlarge to m5.large",
        "target": "i-1",
        "offering_id": "m5.large",
        "from_value": "m5.2xlarge",
        "to_value": "m5.large",
        "quantity": 1.0,
        "quantity_unit": "instances",
        "provider": "aws",
        "region": "us-east-1",
        "upfront_cost": money(0),
        "monthly_cost": money(70.08),
        "monthly_savings": money(210.24),
        "utilization": 0.0,
        "coverage": 0.0,
        "break_even_months": None,
        "marginal_value": money(0),
        "attributes": {"finding": "over_provisioned"},
    }
    got, want = _trusted_action(**values), Action.model_construct(**values)
    assert got == want and Action.model_validate(values) == want
    assert list(vars(got).items()) == list(vars(want).items())
    assert got.model_fields_set == want.model_fields_set
    assert got.__pydantic_extra__ == want.__pydantic_extra__
    assert got.__pydantic_private__ == want.__pydantic_private__
    assert got.model_dump() == want.model_dump()
