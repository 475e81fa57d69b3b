"""Turn right-sizing inputs into the solver's arrays: catalogue, resources, commitments.

Catalogue frames from the loaders (``load_vms_catalog(...).instances``,
``load_ec2_vantage_export``, ``load_azure_vantage_export``) and the bundled
default catalogue become :class:`InstanceTypeSpec` rows; a request becomes the
numpy structures of :mod:`solvers.rightsizing_data`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from recommender.defaults import default_compute_catalog
from recommender.domain.commitments import CommitmentPolicy, UsageClass
from recommender.domain.rightsizing import InstanceTypeSpec, RightSizeRequest
from recommender.ingest.instance_names import name_architecture, name_family
from recommender.planning.commitment_inputs import to_offer
from solvers.commitment_problem import HeldCommitment
from solvers.rightsizing_costs import CommitmentBook
from solvers.rightsizing_data import Catalogue, FloatArray, IntArray, Resources, SeriesBlock

_PRICE_COLUMNS = ("hourly_price", "on_demand_hourly")
CATALOGUE_CACHE_SIZE = 8
"""Solver catalogues kept per process (see :func:`solver_catalogue`)."""


def catalog_from_frame(frame: pd.DataFrame, *, region: str | None = None) -> list[InstanceTypeSpec]:
    """Catalogue rows from a loader frame (rows without a price, vCPUs or memory are left out).

    Zones are collapsed to their region first when the frame has a ``zone`` column
    (lowest price over the zones). ``region`` keeps one region only.
    """
    table = frame
    if "zone" in table.columns and (table["zone"].astype(str) != "").any():
        from recommender.ingest.catalogs import per_region

        table = per_region(table)
    if region is not None:
        table = table[table["region"] == region]
    price_col = next(c for c in _PRICE_COLUMNS if c in table.columns)
    price = pd.to_numeric(table[price_col], errors="coerce").to_numpy(dtype=np.float64)
    vcpus = pd.to_numeric(table["vcpus"], errors="coerce").to_numpy(dtype=np.float64)
    memory = pd.to_numeric(table["memory_gib"], errors="coerce").to_numpy(dtype=np.float64)
    keep = (
        np.isfinite(price)
        & (price > 0)
        & np.isfinite(vcpus)
        & (vcpus > 0)
        & np.isfinite(memory)
        & (memory > 0)
    )
    table = table[keep]

    def col(name: str, default: object) -> list[object]:
        if name not in table.columns:
            return [default] * len(table)
        values = table[name].tolist()
        return [default if (v is None or (isinstance(v, float) and math.isnan(v))) else v for v in values]

    specs = []
    for row in zip(
        col("name", ""),
        col("provider", ""),
        col("region", ""),
        col("family", ""),
        col("architecture", "x86_64"),
        col("vcpus", 0.0),
        col("memory_gib", 0.0),
        col("gpu_count", 0.0),
        col("gpu_model", ""),
        col("gpu_memory_gib", 0.0),
        col(price_col, 0.0),
        col("spot_hourly_price", 0.0),
        strict=True,
    ):
        name, prov, reg, fam, arch, vc, mem, gpus, model, gmem, od, spot = row
        specs.append(
            InstanceTypeSpec(
                name=str(name),
                provider=str(prov),
                region=str(reg),
                family=str(fam),
                architecture=str(arch) or "x86_64",
                vcpus=float(vc),
                memory_gib=float(mem),
                gpu_count=float(gpus),
                gpu_model=str(model) if float(gpus) > 0 else "",
                gpu_memory_gib=float(gmem) if float(gpus) > 0 else 0.0,
                hourly_price=float(od),
                spot_hourly_price=float(spot),
            )
        )
    return specs


@lru_cache(maxsize=1)
def _default_catalog() -> tuple[InstanceTypeSpec, ...]:
    return tuple(catalog_from_frame(default_compute_catalog()))


def default_catalog() -> list[InstanceTypeSpec]:
    """The server's default catalogue (``recommender.defaults.default_compute_catalog``)."""
    return list(_default_catalog())


def fill_names(specs: list[InstanceTypeSpec]) -> list[InstanceTypeSpec]:
    """Infer empty families and architectures from the type names."""
    return [_filled(s) if not s.family or not s.architecture else s for s in specs]


def _filled(spec: InstanceTypeSpec) -> InstanceTypeSpec:
    update = {}
    if not spec.family:
        update["family"] = name_family(spec.provider, spec.name)
    if not spec.architecture:
        update["architecture"] = name_architecture(spec.provider, spec.name)
    return spec.model_copy(update=update)


def class_of_types(catalog: list[InstanceTypeSpec], classes: list[UsageClass]) -> IntArray:
    """Usage class of each catalogue row (-1 = none): same instance type and region,
    and the same provider when the class names one.
    """
    index: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for j, c in enumerate(classes):
        if c.instance_type:
            index.setdefault((c.instance_type, c.region), []).append((c.provider, j))
    out = np.full(len(catalog), -1, dtype=np.int64)
    for k, spec in enumerate(catalog):
        for provider, j in index.get((spec.name, spec.region), []):
            if not provider or provider == spec.provider:
                out[k] = j
                break
    return out


def solver_catalogue(catalog: list[InstanceTypeSpec], price: FloatArray) -> Catalogue:
    """Column arrays of the catalogue (``price`` = list price per hour of every row).

    The columns are memoised per catalogue (callers resend the same one); they are
    read-only, shared by the requests.
    """
    return replace(_catalogue_columns(tuple(catalog)), hourly_price=price)


@lru_cache(maxsize=CATALOGUE_CACHE_SIZE)
def _catalogue_columns(catalog: tuple[InstanceTypeSpec, ...]) -> Catalogue:
    def strings(attr: str) -> np.ndarray:
        return np.array([getattr(s, attr) for s in catalog], dtype=str)

    def floats(attr: str) -> FloatArray:
        return np.array([float(getattr(s, attr)) for s in catalog], dtype=np.float64)

    network = floats("network_gbps") * 1000.0
    iops = floats("disk_iops")
    columns = Catalogue(
        name=strings("name"),
        provider=strings("provider"),
        region=strings("region"),
        family=strings("family"),
        architecture=strings("architecture"),
        gpu_model=strings("gpu_model"),
        vcpus=floats("vcpus"),
        memory_gib=floats("memory_gib"),
        gpu_count=floats("gpu_count"),
        gpu_memory_gib=floats("gpu_memory_gib"),
        network_mbps=np.where(network > 0, network, np.nan),
        disk_iops=np.where(iops > 0, iops, np.nan),
        hourly_price=floats("hourly_price"),
        features=tuple(frozenset(s.features) for s in catalog),
        burstable=np.array([s.burstable for s in catalog], dtype=bool),
    )
    for value in vars(columns).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return columns


def solver_resources(request: RightSizeRequest) -> Resources:
    """Resources and their series blocks (blocks share the request's arrays; the
    statistics step sorts them in place).
    """
    series: dict[str, list[SeriesBlock]] = {}
    for block in request.utilization:
        series.setdefault(block.dimension, []).append(SeriesBlock(rows=block.rows, samples=block.samples))
    res = request.resources
    return Resources(
        current=np.array([r.catalog_index for r in res], dtype=np.int64),
        hours_fraction=np.array([r.hours_per_month / 730.0 for r in res], dtype=np.float64),
        history_hours=np.array([r.history_hours for r in res], dtype=np.float64),
        required_features=tuple(r.required_features for r in res),
        series=series,
    )


@dataclass(frozen=True)
class PricedCatalogue:
    """List prices per catalogue row and the commitment book (None without commitments)."""

    price: FloatArray
    type_class: IntArray
    book: CommitmentBook | None
    overridden: int


def price_catalogue(request: RightSizeRequest) -> PricedCatalogue:
    """List price of every row (a usage class's on-demand rate overrides the catalogue
    price of the type it names) and the held commitments, billed per usage class.
    """
    catalog = request.catalog
    price = np.array([s.hourly_price for s in catalog], dtype=np.float64)
    classes = request.usage_classes
    type_class = class_of_types(catalog, classes) if classes else np.full(len(catalog), -1, dtype=np.int64)
    has = type_class >= 0
    rates = np.array([c.on_demand_rate for c in classes], dtype=np.float64)
    overridden = 0
    if has.any():
        overridden = int(np.count_nonzero(np.abs(price[has] - rates[type_class[has]]) > 1e-12))
        price[has] = rates[type_class[has]]
    book = None
    if classes:
        index = {c.class_id: j for j, c in enumerate(classes)}
        held = tuple(
            HeldCommitment(offer=to_offer(e.terms, index, CommitmentPolicy()), quantity=e.quantity)
            for e in request.existing_commitments
        )
        other = np.zeros(len(classes), dtype=np.float64)
        for cid, units in request.other_usage.items():
            other[index[cid]] += units
        book = CommitmentBook(
            on_demand_rate=rates,
            normalization=np.array([c.normalization_factor for c in classes], dtype=np.float64),
            held=held,
            other_usage=other,
        )
    return PricedCatalogue(price=price, type_class=type_class, book=book, overridden=overridden)
