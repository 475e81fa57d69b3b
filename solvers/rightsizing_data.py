"""Data of the right-sizing problem (pure numpy, no I/O): catalogue, resources, series.

Dimensions ``d`` are the measured resources of a machine: ``cpu`` (vCPUs),
``memory`` (GiB), ``gpu`` (GPUs), ``gpu_memory`` (GiB), ``network`` (Mbit/s) and
``disk`` (IOPS). CPU, memory, GPU and GPU-memory series are in percent of the
current type's capacity; network and disk series are absolute.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]

DIMENSIONS: tuple[str, ...] = ("cpu", "memory", "gpu", "gpu_memory", "network", "disk")
"""Dimensions in the order of every ``(..., D)`` array."""
PERCENT_DIMENSIONS = frozenset({"cpu", "memory", "gpu", "gpu_memory"})
"""Dimensions measured in percent of the current type's capacity."""
COMPRESSIBLE = frozenset({"cpu", "gpu", "network", "disk"})
"""Dimensions where a shortfall slows the workload (throttling); a shortfall of the
others (memory, GPU memory) kills processes."""
DIM = {name: i for i, name in enumerate(DIMENSIONS)}
_FLOAT_MAX = float(np.finfo(np.float64).max)


def finite(values: FloatArray) -> FloatArray:
    """``np.nan_to_num`` of a float64 array (NaN -> 0, ±inf -> ±max) in plain ufuncs:
    its Python-level bookkeeping dominated on the few-element arrays of small requests.
    """
    out: FloatArray = np.where(np.isnan(values), 0.0, np.maximum(np.minimum(values, _FLOAT_MAX), -_FLOAT_MAX))
    return out


@dataclass(frozen=True)
class Catalogue:
    """Instance types, one row per type and region.

    ``network_mbps`` and ``disk_iops`` are NaN when unknown (not checked);
    ``hourly_price`` is NaN when the type is not offered on demand.
    """

    name: StrArray
    provider: StrArray
    region: StrArray
    family: StrArray
    architecture: StrArray
    gpu_model: StrArray
    vcpus: FloatArray
    memory_gib: FloatArray
    gpu_count: FloatArray
    gpu_memory_gib: FloatArray
    network_mbps: FloatArray
    disk_iops: FloatArray
    hourly_price: FloatArray
    features: tuple[frozenset[str], ...]
    burstable: BoolArray

    @property
    def size(self) -> int:
        """Number of rows."""
        return int(self.name.shape[0])

    def capacity(self, dim: str) -> FloatArray:
        """Capacity of every row in one dimension (NaN = unknown)."""
        return {
            "cpu": self.vcpus,
            "memory": self.memory_gib,
            "gpu": self.gpu_count,
            "gpu_memory": self.gpu_memory_gib,
            "network": self.network_mbps,
            "disk": self.disk_iops,
        }[dim]


@dataclass(frozen=True)
class SeriesBlock:
    """Samples of one dimension for several resources of the same history length.

    ``samples[i]`` belongs to resource ``rows[i]``; the statistics step sorts the
    rows in place.
    """

    rows: IntArray
    samples: Float32Array


@dataclass(frozen=True)
class Resources:
    """The resources to size.

    ``current[r]`` is the catalogue row of resource ``r``'s type;
    ``hours_fraction[r]`` the share of the month it runs (1 = always on);
    ``history_hours[r]`` the length of its history.
    """

    current: IntArray
    hours_fraction: FloatArray
    history_hours: FloatArray
    required_features: tuple[frozenset[str], ...]
    series: dict[str, list[SeriesBlock]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of resources."""
        return int(self.current.shape[0])


HOURS_PER_MONTH = 730.0
"""Hours in the month the costs are expressed over."""
