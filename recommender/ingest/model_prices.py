"""Per-token LLM API prices from litellm's price table (JSON or flattened CSV).

The JSON is litellm's ``model_prices_and_context_window.json``.

Entries priced otherwise than per input and output token (images, audio seconds,
embeddings without an output price...) are skipped by design and counted in the
report; ``sample_spec`` (litellm's field documentation) is skipped too. Prices are
USD per token; 0 is a valid price (free/self-hosted models).

Returns a DataFrame (:data:`MODEL_PRICE_COLUMNS`) whose ``attrs["report"]`` is the
:class:`~recommender.ingest.report.IngestReport`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from recommender.ingest._io import (
    PathLike,
    RowChecker,
    Source,
    numeric_values,
    read_csv,
    read_text,
    resolve_columns,
    text_values,
)
from recommender.ingest.report import file_error

MODEL_PRICE_COLUMNS = [
    "model",
    "provider",
    "mode",
    "input_cost_per_token",
    "output_cost_per_token",
    "max_input_tokens",
    "max_output_tokens",
]
_FIELDS = ["litellm_provider", "mode", *MODEL_PRICE_COLUMNS[3:]]
_SPEC_KEY = "sample_spec"


def load_model_prices(path: PathLike, *, strict: bool = False) -> pd.DataFrame:
    """Load per-token model prices from the litellm JSON (``.json``) or flat CSV.

    Bad values (non-numeric, negative or non-finite prices, non-integer token
    limits, non-object entries) are row issues; ``strict=True`` raises on them.
    """
    source = _read(path)
    frame = source.frame
    report = source.report()
    check = RowChecker(source)
    n = len(frame)

    model, model_missing = text_values(frame["model"])
    check.flag(model_missing, "model", "missing model name")
    spec = (model == _SPEC_KEY).to_numpy(dtype=bool)
    if "_not_an_object" in frame.columns:
        check.flag(frame["_not_an_object"].to_numpy(dtype=bool), None, "entry is not a JSON object")

    prices = {}
    priced = np.ones(n, dtype=bool)
    for column in ("input_cost_per_token", "output_cost_per_token"):
        values, missing, invalid = numeric_values(frame[column])
        check.flag_numeric(column, values, missing, invalid, frame[column], rows=~spec, required=False)
        prices[column] = values
        priced &= ~missing
    limits = {}
    for column in ("max_input_tokens", "max_output_tokens"):
        values, missing, invalid = numeric_values(frame[column])
        ok = check.flag_numeric(column, values, missing, invalid, frame[column], rows=~spec, required=False)
        fractional = ok & (np.nan_to_num(values) % 1 != 0)
        check.flag(fractional, column, "not a whole number of tokens: {value}", frame[column])
        limits[column] = values

    skipped_spec = spec & ~check.bad
    unpriced = ~spec & ~priced & ~check.bad
    report.skip("sample_spec (field documentation)", int(np.count_nonzero(skipped_spec)))
    report.skip("not priced per input and output token", int(np.count_nonzero(unpriced)))
    good = ~spec & priced
    check.finish(report, good)
    if strict:
        report.raise_if_errors()
    good &= ~check.bad

    provider, _ = text_values(frame["litellm_provider"])
    mode, _ = text_values(frame["mode"])
    out = pd.DataFrame(
        {
            "model": model[good].to_numpy(dtype=str),
            "provider": provider[good].to_numpy(dtype=str),
            "mode": mode[good].to_numpy(dtype=str),
            "input_cost_per_token": prices["input_cost_per_token"][good],
            "output_cost_per_token": prices["output_cost_per_token"][good],
            "max_input_tokens": pd.array(_as_int(limits["max_input_tokens"][good]), dtype="Int64"),
            "max_output_tokens": pd.array(_as_int(limits["max_output_tokens"][good]), dtype="Int64"),
        }
    )[MODEL_PRICE_COLUMNS]
    out.attrs["report"] = report
    return out


def _as_int(values: np.ndarray) -> list[int | None]:
    return [None if np.isnan(v) else int(v) for v in values]


def _read(path: PathLike) -> Source:
    """Entries as a frame with the columns in ``_FIELDS`` plus ``model``."""
    p = Path(path)
    if p.suffix.lower() == ".json":
        return _read_json(p)
    source = read_csv(p)
    cols = resolve_columns(
        source,
        ["model", "input_cost_per_token", "output_cost_per_token"],
        [("litellm_provider", "provider"), "mode", "max_input_tokens", "max_output_tokens"],
    )
    frame = pd.DataFrame({"model": source.frame[cols["model"]]})
    for column in _FIELDS:
        frame[column] = source.frame[cols[column]] if column in cols else ""
    source.frame = frame
    return source


def _read_json(p: Path) -> Source:
    path, text = read_text(p)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise file_error(p.name, f"not valid JSON: {exc.msg} at {where}") from None
    if not isinstance(data, dict):
        raise file_error(p.name, "expected a JSON object mapping model names to price entries")
    records: list[dict[str, object]] = []
    for key, entry in data.items():
        row: dict[str, object] = {"model": key, "_not_an_object": not isinstance(entry, dict)}
        if isinstance(entry, dict):
            row.update({field: entry.get(field) for field in _FIELDS})
        records.append(row)
    frame = pd.DataFrame.from_records(records, columns=["model", "_not_an_object", *_FIELDS])
    for column in _FIELDS:
        frame[column] = frame[column].astype(object)
    return Source(path=path, frame=frame, kind="json")
