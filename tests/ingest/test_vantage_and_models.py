from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.errors import InvalidArgumentError
from recommender.ingest.model_prices import MODEL_PRICE_COLUMNS, load_model_prices
from recommender.ingest.report import IngestReport
from recommender.ingest.vantage import (
    AZURE_COLUMNS,
    EC2_COLUMNS,
    load_azure_vantage_export,
    load_ec2_vantage_export,
)

Write = Callable[[str, str | bytes], Path]


def _report(frame: pd.DataFrame) -> IngestReport:
    report = frame.attrs["report"]
    assert isinstance(report, IngestReport)
    assert report.balanced
    return report


def test_ec2_export(public_data: Path) -> None:
    ec2 = load_ec2_vantage_export(public_data / "boaviztapi" / "aws_ec2_vantage_export.csv")
    report = _report(ec2)
    assert list(ec2.columns) == EC2_COLUMNS
    assert report.rows_read == report.rows_used == 753
    m5 = ec2.set_index("name").loc["m5.large"]
    assert (m5["on_demand_hourly"], m5["reserved_1yr_no_upfront_hourly"]) == (0.096, 0.060)
    assert (m5["vcpus"], m5["memory_gib"], m5["region"]) == (2.0, 8.0, "us-east-1")
    assert ec2.set_index("name").loc["t4g.nano", "architecture"] == "arm64"
    assert ec2["on_demand_hourly"].isna().sum() == 12  # "unavailable", not an issue
    p3 = ec2.set_index("name").loc["p3.2xlarge"]
    assert p3["gpu_count"] == 1 and "V100" in p3["gpu_model"] and p3["gpu_memory_gib"] == 16


def test_azure_export(public_data: Path) -> None:
    azure = load_azure_vantage_export(public_data / "boaviztapi" / "azure_vms_vantage_export.csv")
    report = _report(azure)
    assert list(azure.columns) == AZURE_COLUMNS
    assert report.rows_used == 763
    b1ls = azure.set_index("name").loc["Standard_B1ls"]
    assert (b1ls["on_demand_hourly"], b1ls["savings_plan_1yr_hourly"], b1ls["reserved_1yr_hourly"]) == (
        0.0052,
        0.0035,
        0.0031,
    )
    assert np.isnan(b1ls["spot_hourly"])
    assert azure.set_index("name").loc["Standard_B2pts_v2", "architecture"] == "arm64"
    fractional = azure[azure["gpu_count"].between(0.01, 0.99)]
    assert len(fractional) > 0 and set(fractional["gpu_model"]) <= {"A10", "MI25", ""}


def test_vantage_malformed_price_is_an_issue(write: Write) -> None:
    header = '"Name","API Name","Instance Memory","vCPUs","GPUs","Linux On Demand cost"\n'
    rows = (
        '"a","D2 v3","8.0 GiB","2 vCPUs","0","$0.0960 hourly"\n"b","D4 v3","16.0 GiB","4 vCPUs","0","cheap"\n'
    )
    frame = load_azure_vantage_export(write("azure.csv", header + rows))
    report = _report(frame)
    assert [(i.row, i.column, i.reason) for i in report.issues] == [
        (3, "Linux On Demand cost", "not a price: 'cheap'")
    ]
    assert list(frame["name"]) == ["Standard_D2_v3"]
    with pytest.raises(InvalidArgumentError):
        load_azure_vantage_export(write("azure.csv", header + rows), strict=True)


def test_litellm_json(public_data: Path) -> None:
    prices = load_model_prices(public_data / "litellm" / "model_prices_and_context_window.json")
    report = _report(prices)
    assert list(prices.columns) == MODEL_PRICE_COLUMNS
    assert report.rows_skipped["sample_spec (field documentation)"] == 1
    assert report.rows_read == report.rows_used + report.skipped + report.rows_with_issues
    assert "sample_spec" not in set(prices["model"])
    gpt4o = prices.set_index("model").loc["gpt-4o"]
    assert (gpt4o["provider"], gpt4o["input_cost_per_token"], gpt4o["output_cost_per_token"]) == (
        "openai",
        2.5e-06,
        1e-05,
    )
    assert prices["max_input_tokens"].dtype == "Int64"
    assert (prices["input_cost_per_token"] >= 0).all()


def test_litellm_flat_csv_matches_json(public_data: Path) -> None:
    from_json = load_model_prices(public_data / "litellm" / "model_prices_and_context_window.json")
    from_csv = load_model_prices(public_data / "litellm" / "llm_token_prices_flat.csv")
    _report(from_csv)
    assert set(from_csv["model"]) == set(from_json["model"])
    joined = from_json.merge(from_csv, on="model", suffixes=("", "_csv"))
    np.testing.assert_allclose(joined["output_cost_per_token"], joined["output_cost_per_token_csv"])


def test_model_price_bad_entries(write: Write) -> None:
    data = {
        "sample_spec": {"input_cost_per_token": 0.0, "max_input_tokens": "max input tokens"},
        "good": {
            "litellm_provider": "x",
            "mode": "chat",
            "input_cost_per_token": 1e-6,
            "output_cost_per_token": 2e-6,
        },
        "image-only": {"litellm_provider": "x", "mode": "image_generation", "output_cost_per_image": 0.04},
        "stringy": {"input_cost_per_token": "cheap", "output_cost_per_token": 1e-6},
        "negative": {"input_cost_per_token": -1e-6, "output_cost_per_token": 1e-6},
        "half-token": {"input_cost_per_token": 1e-6, "output_cost_per_token": 1e-6, "max_input_tokens": 1.5},
        "not-an-object": [1, 2],
    }
    prices = load_model_prices(write("prices.json", json.dumps(data)))
    report = _report(prices)
    assert list(prices["model"]) == ["good"]
    assert report.rows_skipped == {
        "sample_spec (field documentation)": 1,
        "not priced per input and output token": 1,
    }
    found = {(i.row, i.column) for i in report.issues}
    expected = {(4, "input_cost_per_token"), (5, "input_cost_per_token"), (6, "max_input_tokens"), (7, None)}
    assert found == expected
    assert report.issues[0].as_violation().field.startswith("prices.json:entry ")


def test_model_price_unreadable_json(write: Write) -> None:
    with pytest.raises(InvalidArgumentError, match="line 2"):
        load_model_prices(write("prices.json", '{\n "a": oops}'))
    with pytest.raises(InvalidArgumentError, match="JSON object"):
        load_model_prices(write("prices.json", "[1, 2]"))
