"""Reproducible large right-sizing instances built from the 100 real Azure VM traces.

VM ``v`` of ``n`` takes trace ``v mod 100`` of ``microsoft_max_100.csv`` (5-minute
max CPU %) over a 14-day window starting at sample ``(v div 100) x 37 mod (8004 - 4032)``:
real utilisation, shifted in time so the 10,000 VMs are not 100 copies. Its size is
the CRC-32 of ``vm-<v>`` modulo the 13 Azure sizes of ``tests/rightsizing/data.py``
(Dsv5, Esv5, Fsv2 of 2-32 vCPUs), priced from the anycloud Azure catalogue in eastus.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.server.codec.rightsizing import encode_instance_type
from tests.rightsizing.data import REGION, SAMPLES_14_DAYS, assign_size, azure_catalog, load_traces

STRIDE = 37


def cpu_matrix(shared: Path, vms: int, samples: int = SAMPLES_14_DAYS) -> tuple[list[str], np.ndarray]:
    """VM ids and a ``(vms, samples)`` float32 matrix of CPU % (see the module doc)."""
    _, traces = load_traces(shared)
    n_traces, length = traces.shape
    span = length - samples
    v = np.arange(vms)
    start = (v // n_traces) * STRIDE % span
    cols = start[:, None] + np.arange(samples)[None, :]
    matrix = traces[v % n_traces][np.arange(vms)[:, None], cols]
    return [f"vm-{i}" for i in range(vms)], matrix


def build_request(
    shared: Path, vms: int, *, encoding: str = "centi", **policy: object
) -> rpb.RightSizeRequest:
    """A RightSizeRequest over ``vms`` VMs with the eastus Azure catalogue."""
    ids, matrix = cpu_matrix(shared, vms)
    req = rpb.RightSizeRequest(
        currency_code="USD",
        catalog=[encode_instance_type(s) for s in azure_catalog(shared)],
        policy=rpb.RightSizingPolicy(**policy),  # type: ignore[arg-type]
    )
    centi = np.round(matrix * 100).astype(np.uint32) if encoding == "centi" else None
    for i, vm in enumerate(ids):
        r = req.resources.add(resource_id=vm, current_type=assign_size(vm), provider="azure", region=REGION)
        if centi is not None:
            r.metrics.add(metric=rpb.METRIC_CPU_PERCENT, centi_values=centi[i].tolist())
        else:
            r.metrics.add(metric=rpb.METRIC_CPU_PERCENT, values=matrix[i].tolist())
    return req
