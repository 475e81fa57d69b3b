"""Bundled default catalogue, commitment rates, model prices and sample usage.

The files live in ``recommender/data`` (provenance in ``PROVENANCE.md``: apache-libcloud
3.9.1 and litellm 1.110.2 wheels; the sample usage is synthetic) so the service answers
with no configuration. Each function returns a fresh copy of a cached frame.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable

import pandas as pd

from recommender.ingest.model_prices import load_model_prices
from recommender.ingest.usage import UsageTable, load_hourly_usage_csv

DATA_PACKAGE = "recommender.data"
COMPUTE_CATALOG = "catalog_compute.csv"
COMMITMENT_RATES = "commitment_rates.csv"
MODEL_PRICES = "model_prices.csv"
SAMPLE_USAGE = "sample_usage.csv"
PROVENANCE = "PROVENANCE.md"
DATA_FILES = (COMPUTE_CATALOG, COMMITMENT_RATES, MODEL_PRICES, SAMPLE_USAGE)

_TEXT_COLUMNS = {
    "provider": str,
    "name": str,
    "region": str,
    "zone": str,
    "family": str,
    "architecture": str,
    "gpu_model": str,
    "source": str,
    "resource": str,
    "unit": str,
    "term": str,
    "commitment_type": str,
    "sku": str,
}


def data_file(name: str) -> Traversable:
    """A bundled data file (``importlib.resources``; works from a wheel)."""
    return files(DATA_PACKAGE).joinpath(name)


@cache
def _table(name: str) -> pd.DataFrame:
    with data_file(name).open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype=_TEXT_COLUMNS, keep_default_na=False, na_values=[""])
    for column in frame.columns.intersection(list(_TEXT_COLUMNS)):
        frame[column] = frame[column].fillna("")
    return frame


def default_compute_catalog() -> pd.DataFrame:
    """GCP c2-standard (asia-south1, us-central1) and EC2 m5/c5/r5/m6g (us-east-1, ap-south-1).

    Columns: ``VmCatalog.instances`` columns plus ``normalization_factor`` (EC2 RI size
    factor) and ``source``. Usage class ids of the sample are ``provider:region:name``.
    """
    return _table(COMPUTE_CATALOG).copy()


def default_commitment_rates() -> pd.DataFrame:
    """GCP c2 1- and 3-year resource-based CUD rates per vCPU-hour and GiB-hour.

    Columns: provider, family, resource (vcpu|memory), unit, region, term (1yr|3yr),
    commitment_type, hourly_rate, on_demand_rate, discount, sku, source.
    """
    return _table(COMMITMENT_RATES).copy()


@lru_cache(maxsize=1)
def _model_prices() -> pd.DataFrame:
    with as_file(data_file(MODEL_PRICES)) as path:
        return load_model_prices(path, strict=True)


def default_model_prices() -> pd.DataFrame:
    """Per-token prices of ~30 widely used chat models (``MODEL_PRICE_COLUMNS``)."""
    return _model_prices().copy()


@lru_cache(maxsize=1)
def sample_usage() -> UsageTable:
    """Four weeks of synthetic hourly usage for six classes of the default catalogue."""
    with as_file(data_file(SAMPLE_USAGE)) as path:
        return load_hourly_usage_csv(path, strict=True)


def usage_class_id(provider: str, region: str, name: str) -> str:
    """The usage class id the sample uses for a catalogue row: ``provider:region:name``."""
    return f"{provider}:{region}:{name}"
