"""Ingestion: usage (FOCUS exports, plain hourly CSV) and pricing catalogues into pandas/numpy.

Every loader accounts for every row it reads in an :class:`IngestReport`: used,
rejected with a :class:`RowIssue` (file, row, column, reason), or skipped by design
and counted by reason. Unreadable files and missing columns raise
:class:`~recommender.errors.InvalidArgumentError` naming the file and column.
"""

from recommender.ingest.catalogs import (
    ACCELERATOR_COLUMNS,
    INSTANCE_COLUMNS,
    VmCatalog,
    attach_accelerators,
    infer_provider,
    load_vms_catalog,
    per_region,
)
from recommender.ingest.focus import TECHNOLOGY_CATEGORIES, FocusUsage, load_focus
from recommender.ingest.model_prices import MODEL_PRICE_COLUMNS, load_model_prices
from recommender.ingest.report import IngestReport, RowIssue
from recommender.ingest.usage import UsageTable, build_usage_table, load_hourly_usage_csv
from recommender.ingest.vantage import (
    AZURE_COLUMNS,
    EC2_COLUMNS,
    load_azure_vantage_export,
    load_ec2_vantage_export,
)

__all__ = [
    "ACCELERATOR_COLUMNS",
    "AZURE_COLUMNS",
    "EC2_COLUMNS",
    "INSTANCE_COLUMNS",
    "MODEL_PRICE_COLUMNS",
    "TECHNOLOGY_CATEGORIES",
    "FocusUsage",
    "IngestReport",
    "RowIssue",
    "UsageTable",
    "VmCatalog",
    "attach_accelerators",
    "build_usage_table",
    "infer_provider",
    "load_azure_vantage_export",
    "load_ec2_vantage_export",
    "load_focus",
    "load_hourly_usage_csv",
    "load_model_prices",
    "load_vms_catalog",
    "per_region",
]
