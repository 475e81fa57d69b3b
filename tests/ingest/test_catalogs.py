from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.errors import InvalidArgumentError
from recommender.ingest.catalogs import (
    ACCELERATOR_COLUMNS,
    INSTANCE_COLUMNS,
    VmCatalog,
    attach_accelerators,
    infer_provider,
    load_vms_catalog,
    per_region,
)

Write = Callable[[str, str | bytes], Path]


def _checked_load(path: Path) -> VmCatalog:
    catalog = load_vms_catalog(path)
    assert catalog.report.balanced
    assert list(catalog.instances.columns) == INSTANCE_COLUMNS
    assert list(catalog.accelerators.columns) == ACCELERATOR_COLUMNS
    return catalog


@pytest.fixture(scope="module")
def gcp(public_data: Path) -> VmCatalog:
    return _checked_load(public_data / "anycloud-catalog" / "gcp_vms.csv")


def test_gcp_accelerator_rows_are_separate(gcp: VmCatalog) -> None:
    assert gcp.report.rows_read == 31_285
    assert len(gcp.accelerators) == 2_395  # README: GPU/TPU rows with empty InstanceType
    assert len(gcp.instances) == 31_285 - 2_395
    assert not gcp.report.issues
    assert (gcp.instances["provider"] == "gcp").all()
    assert {"A100", "H100", "L4", "T4"} <= set(gcp.accelerators["accelerator"])
    a100 = gcp.accelerators[gcp.accelerators["accelerator"] == "A100"]
    assert (a100["gpu_memory_gib"] == 40 * a100["count"]).all()


def test_gcp_attach_adds_accelerator_price_of_the_same_zone(gcp: VmCatalog, public_data: Path) -> None:
    raw = pd.read_csv(public_data / "anycloud-catalog" / "gcp_vms.csv")
    zone = "us-central1-a"
    host = raw[(raw["InstanceType"] == "a2-highgpu-1g") & (raw["AvailabilityZone"] == zone)].iloc[0]
    a100 = (raw["AcceleratorName"] == "A100") & (raw["AcceleratorCount"] == 1)
    gpu = raw[a100 & (raw["AvailabilityZone"] == zone)]
    attached = attach_accelerators(gcp).instances
    row = attached[(attached["name"] == "a2-highgpu-1g") & (attached["zone"] == zone)].iloc[0]
    assert row["hourly_price"] == pytest.approx(host["Price"] + gpu.iloc[0]["Price"])
    assert row["spot_hourly_price"] == pytest.approx(host["SpotPrice"] + gpu.iloc[0]["SpotPrice"])
    assert (row["gpu_count"], row["gpu_model"], row["gpu_memory_gib"]) == (1.0, "A100", 40.0)
    g2 = attached[(attached["name"] == "g2-standard-24") & (attached["zone"] == zone)].iloc[0]
    assert (g2["gpu_count"], g2["gpu_model"]) == (2.0, "L4")
    # rows without accelerators are untouched
    plain = gcp.instances["name"] == "n2-standard-8"
    pd.testing.assert_frame_equal(attached[plain], gcp.instances[plain])


def test_gcp_arm_and_family(gcp: VmCatalog) -> None:
    by_name = gcp.instances.drop_duplicates("name").set_index("name")
    assert by_name.loc["t2a-standard-4", "architecture"] == "arm64"
    assert by_name.loc["n2-standard-8", "architecture"] == "x86_64"
    assert by_name.loc["c2-standard-8", "family"] == "c2"


def test_per_region_takes_the_cheapest_zone(gcp: VmCatalog) -> None:
    regional = per_region(gcp.instances)
    keys = regional[["name", "region"]]
    assert not keys.duplicated().any()
    inst = gcp.instances
    zones = inst[(inst["name"] == "c2-standard-8") & (inst["region"] == "us-central1")]
    row = regional[(regional["name"] == "c2-standard-8") & (regional["region"] == "us-central1")].iloc[0]
    assert row["hourly_price"] == zones["hourly_price"].min()
    assert row["spot_hourly_price"] == zones["spot_hourly_price"].min()
    assert row["zones"] == len(zones)
    assert row["zone"] == ""
    assert len(per_region(gcp.accelerators)) < len(gcp.accelerators)


def test_azure(public_data: Path) -> None:
    azure = _checked_load(public_data / "anycloud-catalog" / "azure_vms.csv")
    assert azure.report.rows_read == azure.report.rows_used == 56_671
    assert azure.instances["spot_hourly_price"].isna().sum() == 2_846
    by_name = azure.instances.drop_duplicates("name").set_index("name")
    assert by_name.loc["Standard_D2ps_v5", "architecture"] == "arm64"
    assert by_name.loc["Standard_D2s_v5", "architecture"] == "x86_64"
    assert by_name.loc["Standard_NC24ads_A100_v4", "gpu_model"] == "A100-80GB"


def test_lambda_gpu_memory_is_total(public_data: Path) -> None:
    lam = _checked_load(public_data / "anycloud-catalog" / "lambda_vms.csv")
    assert len(lam.instances) == 425
    v100 = lam.instances[lam.instances["name"] == "gpu_8x_v100_n"].iloc[0]
    assert (v100["gpu_count"], v100["gpu_memory_gib"]) == (8.0, 128.0)
    assert lam.instances["spot_hourly_price"].isna().all()


def test_vast_zero_spot_prices_read_as_not_offered(public_data: Path) -> None:
    vast = _checked_load(public_data / "anycloud-catalog" / "vast_vms.csv")
    assert vast.instances["spot_hourly_price"].isna().all()
    assert vast.report.notes == ["64 zero prices read as not offered (NaN)"]
    two = vast.instances[vast.instances["name"].str.startswith("2x-RTX_5090")].iloc[0]
    assert two["gpu_memory_gib"] == pytest.approx(65214 / 1024)


@pytest.mark.parametrize(
    ("file", "rows", "provider"),
    [
        ("nebius_vms.csv", 61, "nebius"),
        ("hyperstack_vms.csv", 25, "hyperstack"),
        ("verda_vms.csv", 33, "verda"),
    ],
)
def test_skypilot_neoclouds(public_data: Path, file: str, rows: int, provider: str) -> None:
    catalog = _checked_load(public_data / "skypilot-catalog" / "v8" / file)
    assert catalog.report.rows_used == rows
    assert set(catalog.instances["provider"]) == {provider}
    gpus = catalog.instances[catalog.instances["gpu_count"] > 0]
    assert (gpus["gpu_memory_gib"] > 0).all()


def test_verda_empty_price_is_not_offered(public_data: Path) -> None:
    verda = load_vms_catalog(public_data / "skypilot-catalog" / "v8" / "verda_vms.csv")
    assert verda.instances["hourly_price"].isna().sum() == 5
    assert not verda.report.issues


def test_runpod(public_data: Path) -> None:
    runpod = _checked_load(public_data / "runpod-pod-catalog" / "vms.csv")
    assert len(runpod.instances) == 616
    assert set(runpod.instances["provider"]) == {"runpod"}
    assert runpod.instances["spot_hourly_price"].notna().sum() == 176


def test_infer_provider() -> None:
    assert infer_provider("x/gcp_vms.csv") == "gcp"
    assert infer_provider("runpod-pod-catalog/vms.csv") == "runpod"
    assert infer_provider("catalogs/v8/aws/vms.csv") == "aws"
    with pytest.raises(InvalidArgumentError, match="provider"):
        infer_provider("/vms.csv")


HEADER = "InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,Price,SpotPrice\n"


def test_bad_catalogue_rows(write: Write) -> None:
    content = HEADER
    content += "a.large,2,8,,,,us-east-1,0.1,0.03\n"  # 2 ok
    content += "b.large,two,8,,,,us-east-1,0.1,\n"  # 3
    content += "c.large,2,8,,,,us-east-1,-0.1,\n"  # 4
    content += "d.large,2,8,,,,,0.1,\n"  # 5
    content += ",2,8,,,,us-east-1,0.1,\n"  # 6 no name, no accelerator
    content += "e.large,2,8,,,,us-east-1,,\n"  # 7 ok: not offered
    content += "f.large,2,8,,,,us-east-1,0.1,0.0,extra\n"  # 8 extra field
    catalog = load_vms_catalog(write("x_vms.csv", content))
    found = {i.row: (i.column, i.reason) for i in catalog.report.issues}
    assert found[3] == ("vCPUs", "not a number: 'two'")
    assert found[4] == ("Price", "negative value: '-0.1'")
    assert found[5] == ("Region", "missing Region")
    assert found[6][0] == "InstanceType"
    assert found[8][1].startswith("expected 9 fields")
    assert sorted(found) == [3, 4, 5, 6, 8]
    assert list(catalog.instances["name"]) == ["a.large", "e.large"]
    assert np.isnan(catalog.instances["hourly_price"].iloc[1])
    assert catalog.report.balanced
    with pytest.raises(InvalidArgumentError):
        load_vms_catalog(write("x_vms.csv", content), strict=True)


def test_missing_price_column(write: Write) -> None:
    with pytest.raises(InvalidArgumentError) as err:
        load_vms_catalog(write("x_vms.csv", "InstanceType,Region\na,b\n"))
    assert err.value.violations[0].field == "x_vms.csv:Price"
