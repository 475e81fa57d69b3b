"""Per-process memoisation and small-request shortcuts give the same answers as the
plain paths: decoded catalogues (with their violations), name rules, the risk table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.errors import InvalidArgumentError, ViolationCollector
from recommender.ingest.instance_names import (
    infer_architecture,
    instance_family,
    name_architecture,
    name_family,
)
from recommender.server.codec.rightsizing import decode_catalog, decode_right_size, right_size_serialized
from solvers.rightsizing_data import finite
from tests.reliability.harness import small_right_size_request

NAMES = [
    "m6g.large",
    "c7gn.2xlarge",
    "a1.medium",
    "mac2.metal",
    "m5.large",
    "t4g.nano",
    "t2a-standard-4",
    "n2-standard-8",
    "Standard_D2ps_v5",
    "Standard_NP10s",
    "Basic_A1",
    "gpu_1x_gh200",
    "cpu_large",
    "",
]


@pytest.mark.parametrize("provider", ["aws", "gcp", "azure", "AWS", "lambda", ""])
def test_name_rules_per_name_equal_the_column_versions(provider: str) -> None:
    names = pd.Series(NAMES, dtype=str)
    assert infer_architecture(provider, names).tolist() == [name_architecture(provider, n) for n in NAMES]
    assert instance_family(provider, names).tolist() == [name_family(provider, n) for n in NAMES]
    assert name_architecture("aws", "m6g.large") == "arm64"
    assert name_family("azure", "Standard_D2ps_v5") == "Dps_v5"


def test_cached_catalogue_replays_its_violations() -> None:
    req = small_right_size_request(0)
    req.catalog[3].hourly_price = -1.0
    req.catalog[5].name = req.catalog[4].name
    first, second = ViolationCollector(), ViolationCollector()
    specs1, _ = decode_catalog(req, first)
    specs2, _ = decode_catalog(req, second)
    assert first.violations == second.violations
    assert {v.field for v in first.violations} == {"catalog[3].hourly_price", "catalog[5].name"}
    assert specs1 == specs2 and specs1 is not specs2  # a fresh list over shared frozen specs
    with pytest.raises(InvalidArgumentError):
        decode_right_size(req)


def test_catalogue_cache_keys_on_content() -> None:
    req = small_right_size_request(0)
    base = decode_catalog(req, ViolationCollector())[0]
    req.catalog[0].hourly_price *= 2
    changed = decode_catalog(req, ViolationCollector())[0]
    assert changed[0].hourly_price == 2 * base[0].hourly_price
    assert changed[1:] == base[1:]


def test_risk_table_and_direct_risk_give_the_same_response(monkeypatch: pytest.MonkeyPatch) -> None:
    import solvers.rightsizing as rightsizing

    req = small_right_size_request(7)
    req.policy.max_performance_risk = 2  # the fit reads the risk too
    payload = req.SerializeToString()

    def answer() -> rpb.RightSizeResponse:
        resp = rpb.RightSizeResponse.FromString(right_size_serialized(payload, 30.0))
        for plan in resp.plans:
            plan.solver.ClearField("solve_time")
            plan.solver.ClearField("time_limit")
        return resp

    with_table = answer()
    monkeypatch.setattr(rightsizing, "RISK_TABLE_CELLS", 0)
    assert answer() == with_table


def test_finite_is_nan_to_num() -> None:
    values = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1.5, -2e308, 5e-324])
    assert finite(values).tobytes() == np.nan_to_num(values).tobytes()
