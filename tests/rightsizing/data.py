"""Real data for the right-sizing tests and benchmark (read from ``shared/data``).

Traces: ``azure-vm-cpu-100-sample/microsoft_max_100.csv`` — 100 real Azure VMs
(Azure Public Dataset V1, 2017), 8,004 five-minute samples each (~28 days), the
*maximum* CPU % in each interval (what AWS Compute Optimizer reads too). The file
carries no VM sizes, so each VM gets one reproducibly: the CRC-32 of its column id
modulo the number of sizes in :data:`AZURE_SIZES` (general-purpose Dsv5,
memory-optimised Esv5 and compute-optimised Fsv2 shapes of 2-32 vCPUs), priced
from the anycloud Azure catalogue in ``eastus``.
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from recommender.domain.rightsizing import InstanceTypeSpec
from recommender.ingest import load_vms_catalog
from recommender.planning.rightsizing_inputs import catalog_from_frame

TRACE_FILE = "azure-vm-cpu-100-sample/microsoft_max_100.csv"
AZURE_CATALOG = "anycloud-catalog/azure_vms.csv"
EC2_EXPORT = "boaviztapi/aws_ec2_vantage_export.csv"
REGION = "eastus"
SAMPLES_14_DAYS = 14 * 24 * 12
AZURE_SIZES = (
    "Standard_D2s_v5",
    "Standard_D4s_v5",
    "Standard_D8s_v5",
    "Standard_D16s_v5",
    "Standard_D32s_v5",
    "Standard_E2s_v5",
    "Standard_E4s_v5",
    "Standard_E8s_v5",
    "Standard_E16s_v5",
    "Standard_F2s_v2",
    "Standard_F4s_v2",
    "Standard_F8s_v2",
    "Standard_F16s_v2",
)


@lru_cache(maxsize=2)
def _traces(path: str) -> tuple[tuple[str, ...], np.ndarray]:
    frame = pd.read_csv(path)
    ids = tuple(str(c) for c in frame.columns if c != "step")
    samples = frame[list(ids)].to_numpy(dtype=np.float32).T.copy()  # (VMs, samples)
    return ids, samples


def load_traces(shared: Path) -> tuple[tuple[str, ...], np.ndarray]:
    """VM ids and a ``(100, 8004)`` float32 copy of the max-CPU % traces."""
    ids, samples = _traces(str(shared / TRACE_FILE))
    return ids, samples.copy()


def assign_size(vm_id: str, sizes: tuple[str, ...] = AZURE_SIZES) -> str:
    """The size a trace VM is given: CRC-32 of its id modulo the number of sizes."""
    return sizes[zlib.crc32(vm_id.encode()) % len(sizes)]


@lru_cache(maxsize=2)
def _azure_catalog(path: str, region: str) -> tuple[InstanceTypeSpec, ...]:
    return tuple(catalog_from_frame(load_vms_catalog(path).instances, region=region))


def azure_catalog(shared: Path, region: str = REGION) -> list[InstanceTypeSpec]:
    """anycloud's Azure ``vms.csv`` collapsed to one row per size in ``region``."""
    return list(_azure_catalog(str(shared / AZURE_CATALOG), region))


def ec2_catalog(shared: Path) -> list[InstanceTypeSpec]:
    """The ec2instances.info (vantage) export, us-east-1 on-demand Linux prices."""
    from recommender.ingest import load_ec2_vantage_export

    return catalog_from_frame(load_ec2_vantage_export(shared / EC2_EXPORT))


GPU_TRACE = "alibaba-clusterdata/cluster-trace-v2026-GenAI__pod_gpu_duty_cycle_anon_first30containers.csv"
MEMORY_TRACE = "datacenter-traces-aggregated/alibaba2018_machine_usage_days_1_to_8_grouped_300_seconds.csv"
POD_LIST = "alibaba-clusterdata/cluster-trace-gpu-v2023__openb_pod_list_default.csv"


def gpu_traces(shared: Path, samples: int = 1441) -> list[np.ndarray]:
    """Real per-container GPU duty cycles (% , 1-minute samples, 24 h) of the Alibaba
    GenAI trace, for the containers with a full day of samples, in file order."""
    frame = pd.read_csv(shared / GPU_TRACE)
    out = []
    for _, group in frame.groupby("container_ip", sort=False):
        if len(group) == samples:
            out.append(group.sort_values("timestamp_anon")["value"].to_numpy(dtype=np.float64).clip(0, 100))
    return out


def memory_shape(shared: Path) -> np.ndarray:
    """A real memory-utilisation shape (%): Alibaba 2018 machines' mean memory use,
    5-minute samples over 8 days (2,243 values)."""
    frame = pd.read_csv(shared / MEMORY_TRACE)
    return frame["mem_util_percent"].to_numpy(dtype=np.float64)


def pods(shared: Path) -> pd.DataFrame:
    """Real pod requests of the Alibaba 2023 GPU-cluster trace (``cpu_milli``, ``memory_mib``)."""
    return pd.read_csv(shared / POD_LIST)
