"""Placement advice for Terraform's ``external`` data source (hashicorp/external).

Protocol (hashicorp/terraform-provider-external, ``data "external"``):

* stdin: ONE JSON object whose values are all strings (Terraform's ``query``;
  numbers and booleans arrive as strings, lists and objects as JSON-encoded strings);
* stdout on success: ONE flat JSON object whose values are all strings; exit code 0;
* on failure: a one-line message on stderr and exit code 1 (stdout is ignored).

The program is deterministic and has no side effects (Terraform runs it on every
plan): it asks a RouteWorkloads server (``server``, with a deadline) or, without
one, solves in-process, and prints the placement of one workload. Nothing else is
ever written to stdout: the solver's console output is sent to stderr.

Query keys (all optional unless noted; lists are comma-separated or JSON arrays):

``server`` host:port of the recommender (empty = solve locally); ``timeout_seconds``
(default 30); ``workload_id`` (default ``workload``); ``kind`` — required unless
``request`` is given — ``llm_inference``, ``cpu_service`` or ``batch_job``; LLM:
``model``, ``requests_per_second`` (or ``output_tokens_per_second``), ``input_tokens``, ``output_tokens``,
``max_time_per_output_token_ms``; CPU: ``vcpus``, ``memory_gib``, ``architectures``;
batch: ``gpu_hours``, ``vcpu_hours``, ``deadline_hours``, ``gpu_memory_gib``,
``reference_accelerator``; rules: ``allowed_countries``, ``allowed_regions``,
``must_run_on``, ``never_run_on``, ``interruptible``, ``max_carbon_kg_per_hour``;
policy: ``carbon_price_per_tonne``, ``currency_code``; catalogues (JSON-encoded lists
in the proto3 JSON mapping): ``compute_offers``, ``api_offers``, ``quotas``,
``throughput_profiles``; or ``request``: a whole RouteWorkloadsRequest (proto3 JSON),
in which case ``workload_id`` picks the workload reported (default: the first).

Result keys: ``workload_id``, ``provider``, ``region``, ``country``,
``instance_type``, ``accelerator``, ``count``, ``spot``, ``api``, ``offer_id``,
``demand_share``, ``hourly_cost``, ``monthly_cost``, ``currency``,
``cost_per_million_tokens``, ``carbon_kg_per_hour``, ``break_even_tokens_per_day``,
``items`` (JSON list of every part), ``item_count``, ``binding_rules``, ``plan_id``,
``solver_status``, ``explanation``, ``warnings`` (JSON list).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from google.protobuf import json_format

from recommender.api.v1 import routing_pb2 as wpb

KINDS = ("llm_inference", "cpu_service", "batch_job")
_NUMBERS = {
    "timeout_seconds",
    "requests_per_second",
    "output_tokens_per_second",
    "input_tokens",
    "output_tokens",
    "max_time_per_output_token_ms",
    "vcpus",
    "memory_gib",
    "gpu_hours",
    "vcpu_hours",
    "deadline_hours",
    "gpu_memory_gib",
    "max_carbon_kg_per_hour",
    "carbon_price_per_tonne",
}
_LISTS = {"architectures", "allowed_countries", "allowed_regions", "must_run_on", "never_run_on"}
_JSON_LISTS = {"compute_offers", "api_offers", "quotas", "throughput_profiles"}
_TEXT = {
    "server",
    "workload_id",
    "kind",
    "model",
    "reference_accelerator",
    "currency_code",
    "request",
    "interruptible",
}
KNOWN_KEYS = _NUMBERS | _LISTS | _JSON_LISTS | _TEXT


class QueryError(Exception):
    """The query (or the answer) cannot be used; the message is shown to the Terraform user."""


def _number(query: Mapping[str, str], key: str, default: float = 0.0) -> float:
    raw = query.get(key, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise QueryError(f"query.{key} must be a number, got {raw!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise QueryError(f"query.{key} must be finite, got {raw!r}")
    return value


def _list(query: Mapping[str, str], key: str) -> list[str]:
    raw = query.get(key, "").strip()
    if not raw:
        return []
    if raw.startswith("["):
        try:
            values = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise QueryError(f"query.{key} is not a valid JSON list: {exc.msg}") from None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise QueryError(f"query.{key} must be a JSON list of strings")
        return [v.strip() for v in values if v.strip()]
    return [part.strip() for part in raw.split(",") if part.strip()]


def _bool(query: Mapping[str, str], key: str) -> bool:
    raw = query.get(key, "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise QueryError(f"query.{key} must be true or false, got {query[key]!r}")


def _json_messages(query: Mapping[str, str], key: str, target: Any) -> None:
    raw = query.get(key, "").strip()
    if not raw:
        return
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise QueryError(f"query.{key} is not valid JSON (use jsonencode()): {exc.msg}") from None
    if not isinstance(items, list):
        raise QueryError(f"query.{key} must be a JSON list")
    for i, item in enumerate(items):
        try:
            json_format.ParseDict(item, target.add())
        except json_format.ParseError as exc:
            raise QueryError(f"query.{key}[{i}]: {exc}") from None


def build_request(query: Mapping[str, str]) -> tuple[wpb.RouteWorkloadsRequest, str]:
    """The RouteWorkloadsRequest a query describes, and the workload to report."""
    unknown = sorted(set(query) - KNOWN_KEYS)
    if unknown:
        raise QueryError(f"unknown query key(s): {', '.join(unknown)}")
    request = wpb.RouteWorkloadsRequest()
    if query.get("request", "").strip():
        try:
            json_format.Parse(query["request"], request)
        except json_format.ParseError as exc:
            raise QueryError(f"query.request is not a valid RouteWorkloadsRequest: {exc}") from None
        if not request.workloads:
            raise QueryError("query.request has no workloads")
        wanted = query.get("workload_id", "").strip() or request.workloads[0].workload_id
        return request, wanted
    kind = query.get("kind", "").strip()
    if kind not in KINDS:
        raise QueryError(f"query.kind must be one of {', '.join(KINDS)}, got {kind!r}")
    workload = request.workloads.add(workload_id=query.get("workload_id", "").strip() or "workload")
    if kind == "llm_inference":
        workload.llm_inference.CopyFrom(
            wpb.LlmInferenceDemand(
                model=query.get("model", "").strip(),
                requests_per_second=_number(query, "requests_per_second"),
                output_tokens_per_second=_number(query, "output_tokens_per_second"),
                input_tokens_per_request=_number(query, "input_tokens"),
                output_tokens_per_request=_number(query, "output_tokens"),
                max_time_per_output_token_ms=_number(query, "max_time_per_output_token_ms"),
            )
        )
    elif kind == "cpu_service":
        workload.cpu_service.CopyFrom(
            wpb.CpuServiceDemand(
                vcpus=_number(query, "vcpus"),
                memory_gib=_number(query, "memory_gib"),
                architectures=_list(query, "architectures"),
            )
        )
    else:
        workload.batch_job.CopyFrom(
            wpb.BatchJobDemand(
                gpu_hours=_number(query, "gpu_hours"),
                vcpu_hours=_number(query, "vcpu_hours"),
                deadline_hours=_number(query, "deadline_hours"),
                gpu_memory_gib=_number(query, "gpu_memory_gib"),
                reference_accelerator=query.get("reference_accelerator", "").strip(),
            )
        )
    countries, regions = _list(query, "allowed_countries"), _list(query, "allowed_regions")
    if countries or regions:
        workload.residency.CopyFrom(wpb.ResidencyRule(allowed_countries=countries, allowed_regions=regions))
    workload.must_run_on.extend(_list(query, "must_run_on"))
    workload.never_run_on.extend(_list(query, "never_run_on"))
    workload.interruptible = _bool(query, "interruptible")
    workload.max_carbon_kg_per_hour = _number(query, "max_carbon_kg_per_hour")
    request.currency_code = query.get("currency_code", "").strip()
    request.policy.carbon_price_per_tonne = _number(query, "carbon_price_per_tonne")
    request.policy.optimal_only = True
    _json_messages(query, "compute_offers", request.compute_offers)
    _json_messages(query, "api_offers", request.api_offers)
    _json_messages(query, "quotas", request.quotas)
    _json_messages(query, "throughput_profiles", request.throughput_profiles)
    return request, workload.workload_id


def _money(m: Any) -> str:
    value = int(m.units) * 1_000_000_000 + int(m.nanos)
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 1_000_000_000)
    return f"{sign}{whole}.{frac:09d}".rstrip("0").rstrip(".") if frac else f"{sign}{whole}"


def _number_text(value: float) -> str:
    return format(value, ".10g")


def result_map(response: wpb.RouteWorkloadsResponse, workload_id: str) -> dict[str, str]:
    """The flat map of strings Terraform receives."""
    placement = next((p for p in response.placements if p.workload_id == workload_id), None)
    if placement is None:
        raise QueryError(f"the answer has no workload {workload_id!r}")
    items = [
        {
            "offer_id": i.offer_id,
            "provider": i.provider,
            "region": i.region,
            "country": i.country,
            "instance_type": i.instance_type,
            "accelerator": i.accelerator,
            "count": str(i.count),
            "spot": "true" if i.spot else "false",
            "api": "true" if i.api else "false",
            "demand_share": _number_text(i.demand_share),
            "hourly_cost": _money(i.hourly_cost),
            "tokens_per_minute": _number_text(i.tokens_per_minute),
        }
        for i in placement.items
    ]
    main = items[0] if items else {}
    plan = response.plans[0] if response.plans else None
    return {
        "workload_id": placement.workload_id,
        "provider": main.get("provider", ""),
        "region": main.get("region", ""),
        "country": main.get("country", ""),
        "instance_type": main.get("instance_type", ""),
        "accelerator": main.get("accelerator", ""),
        "count": main.get("count", "0"),
        "spot": main.get("spot", "false"),
        "api": main.get("api", "false"),
        "offer_id": main.get("offer_id", ""),
        "demand_share": main.get("demand_share", "0"),
        "hourly_cost": _money(placement.hourly_cost),
        "monthly_cost": _money(placement.monthly_cost),
        "currency": placement.hourly_cost.currency_code,
        "cost_per_million_tokens": _money(placement.cost_per_million_tokens)
        if placement.HasField("cost_per_million_tokens")
        else "",
        "carbon_kg_per_hour": _number_text(placement.carbon_kg_per_hour),
        "break_even_tokens_per_day": _number_text(placement.break_even.tokens_per_day)
        if placement.HasField("break_even")
        else "",
        "items": json.dumps(items, sort_keys=True, separators=(",", ":")),
        "item_count": str(len(items)),
        "binding_rules": ",".join(placement.binding_rules),
        "plan_id": plan.plan_id if plan else "",
        "solver_status": json_format.MessageToDict(plan.solver).get("status", "") if plan else "",
        "explanation": placement.explanation,
        "warnings": json.dumps(list(response.warnings), separators=(",", ":")),
    }


def _ask_server(
    request: wpb.RouteWorkloadsRequest, server: str, timeout: float
) -> wpb.RouteWorkloadsResponse:
    from clients.client import RecommenderCallError, RecommenderClient

    try:
        with RecommenderClient(server, timeout=timeout, retries=1, backoff=0.2) as client:
            return client.route_workloads(request, timeout=timeout)
    except RecommenderCallError as error:
        details = "; ".join(f"{f}: {d}" for f, d in error.field_violations[:5])
        raise QueryError(
            f"recommender at {server} answered {error.code.name}: {error.message}"
            + (f" ({details})" if details else "")
        ) from None


def _solve_locally(request: wpb.RouteWorkloadsRequest, timeout: float) -> wpb.RouteWorkloadsResponse:
    from recommender.errors import InvalidArgumentError, RecommenderError
    from recommender.planning.routing_plans import route_workloads
    from recommender.server.codec.routing import decode_route_workloads, encode_route_workloads

    try:
        return encode_route_workloads(route_workloads(decode_route_workloads(request), timeout))
    except InvalidArgumentError as error:
        details = "; ".join(f"{v.field}: {v.description}" for v in error.violations[:5])
        raise QueryError(f"invalid placement request: {details}") from None
    except RecommenderError as error:
        raise QueryError(error.message) from None


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[TextIO]:
    """Route fd 1 to stderr (solver banners go there); yield a stream on the real stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    real = os.fdopen(saved, "w", encoding="utf-8")
    try:
        yield real
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        real.close()


def run(stdin_text: str) -> dict[str, str]:
    """Parse the query, get the placement, return the flat result (raises :class:`QueryError`)."""
    try:
        query = json.loads(stdin_text or "{}")
    except json.JSONDecodeError as exc:
        raise QueryError(
            f"stdin is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    if not isinstance(query, dict):
        raise QueryError("stdin must be one JSON object (Terraform's query map)")
    bad = sorted(k for k, v in query.items() if not isinstance(v, str))
    if bad:
        raise QueryError(
            f"query values must be strings (use jsonencode() for lists/objects): {', '.join(bad)}"
        )
    request, workload_id = build_request(query)
    timeout = _number(query, "timeout_seconds", 30.0)
    if timeout <= 0:
        raise QueryError("query.timeout_seconds must be positive")
    server = query.get("server", "").strip()
    response = _ask_server(request, server, timeout) if server else _solve_locally(request, timeout)
    return result_map(response, workload_id)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:2000] or "placement failed"


def main() -> int:
    """Entry point (``finops-placement``, or ``python3 placement.py``)."""
    stdin_text = sys.stdin.read()
    with _stdout_to_stderr() as out:
        try:
            result = run(stdin_text)
        except QueryError as error:
            sys.stderr.write(_one_line(str(error)) + "\n")
            return 1
        except Exception as error:  # any failure must be one line on stderr
            sys.stderr.write(_one_line(f"placement failed: {type(error).__name__}: {error}") + "\n")
            return 1
        out.write(json.dumps(result, sort_keys=True, separators=(",", ":")) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
