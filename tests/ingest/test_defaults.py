from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest

from recommender import defaults
from recommender.ingest.catalogs import INSTANCE_COLUMNS
from recommender.ingest.model_prices import MODEL_PRICE_COLUMNS


def test_compute_catalog() -> None:
    catalog = defaults.default_compute_catalog()
    assert set(INSTANCE_COLUMNS) <= set(catalog.columns)
    assert {"source", "normalization_factor"} <= set(catalog.columns)
    assert (catalog["hourly_price"] > 0).all()
    assert (catalog["spot_hourly_price"].dropna() > 0).all()
    assert not catalog.duplicated(["provider", "name", "region"]).any()
    assert {"asia-south1", "us-central1", "us-east-1", "ap-south-1"} == set(catalog["region"])
    assert (catalog["source"] != "").all()
    arm = catalog[catalog["architecture"] == "arm64"]
    assert set(arm["family"]) == {"m6g"}


def test_catalog_is_a_fresh_copy() -> None:
    first = defaults.default_compute_catalog()
    first.loc[0, "hourly_price"] = -1.0
    assert defaults.default_compute_catalog().loc[0, "hourly_price"] > 0


def test_c2_machine_price_is_vcpu_plus_memory_rate() -> None:
    catalog = defaults.default_compute_catalog()
    rates = defaults.default_commitment_rates()
    unique = rates.drop_duplicates(["region", "resource"])
    on_demand = unique.set_index(["region", "resource"])["on_demand_rate"]
    c2 = catalog[catalog["family"] == "c2"]
    assert len(c2) == 10
    for row in c2.itertuples():
        assert row.memory_gib == 4 * row.vcpus
        cpu, ram = on_demand[(row.region, "vcpu")], on_demand[(row.region, "memory")]
        expected = row.vcpus * cpu + row.memory_gib * ram
        assert row.hourly_price == pytest.approx(expected)


def test_commitment_rates() -> None:
    rates = defaults.default_commitment_rates()
    assert len(rates) == 2 * 2 * 2  # regions x resources x terms
    assert (rates["hourly_rate"] > 0).all()
    assert (rates["hourly_rate"] < rates["on_demand_rate"]).all()
    three = rates[rates["term"] == "3yr"].set_index(["region", "resource"])["hourly_rate"]
    one = rates[rates["term"] == "1yr"].set_index(["region", "resource"])["hourly_rate"]
    assert (three < one).all()


def test_model_prices() -> None:
    prices = defaults.default_model_prices()
    assert list(prices.columns) == MODEL_PRICE_COLUMNS
    assert 25 <= len(prices) <= 40
    assert (prices["input_cost_per_token"] > 0).all() and (prices["output_cost_per_token"] > 0).all()
    providers = {"openai", "anthropic", "gemini", "mistral", "together_ai", "fireworks_ai"}
    assert providers <= set(prices["provider"])


def test_sample_usage() -> None:
    usage = defaults.sample_usage()
    assert usage.start == pd.Timestamp("2026-10-01T00:00:00Z")
    assert usage.hours == 672
    assert len(usage.class_ids) == 6
    assert (usage.quantity > 0).all()
    assert usage.report.rows_used == usage.report.rows_read == 672 * 6
    catalog = defaults.default_compute_catalog()
    known = {defaults.usage_class_id(r.provider, r.region, r.name) for r in catalog.itertuples()}
    assert set(usage.class_ids) <= known
    assert defaults.sample_usage() is usage  # cached


def test_provenance_mentions_every_data_file() -> None:
    data = files("recommender.data")
    provenance = data.joinpath(defaults.PROVENANCE).read_text(encoding="utf-8")
    shipped = sorted(p.name for p in Path(str(data)).iterdir() if p.suffix == ".csv")
    assert shipped == sorted(defaults.DATA_FILES)
    for name in shipped:
        assert f"`{name}`" in provenance
    needles = ("apache-libcloud", "3.9.1", "litellm", "1.110.2", "Apache-2.0", "MIT", "2025-03-02")
    needles += ("Synthetic",)
    for needle in needles:
        assert needle in provenance
    assert "Built 2026-11-27" in provenance


def test_defaults_agree_with_shared_catalogue(public_data: Path) -> None:
    """Independent cross-check: libcloud's c2 rates reproduce anycloud's c2 on-demand prices."""
    anycloud = pd.read_csv(public_data / "anycloud-catalog" / "gcp_vms.csv")
    c2 = defaults.default_compute_catalog().query("family == 'c2'")
    for row in c2.itertuples():
        same = (anycloud["InstanceType"] == row.name) & (anycloud["Region"] == row.region)
        theirs = anycloud.loc[same, "Price"]
        assert row.hourly_price == pytest.approx(theirs.iloc[0], abs=1e-5)


def test_sample_usage_file_is_reproducible_from_the_builder() -> None:
    from recommender.data.build_defaults import sample_usage_frame

    regenerated = sample_usage_frame(defaults.default_compute_catalog()).to_csv(
        index=False, lineterminator="\n", float_format="%.10g"
    )
    shipped = files("recommender.data").joinpath(defaults.SAMPLE_USAGE).read_text(encoding="utf-8")
    assert regenerated == shipped
