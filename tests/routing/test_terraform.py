"""The Terraform program under a harness that behaves as hashicorp/external does.

The provider runs ``program`` directly (no shell) with the ``query`` map as one JSON
object of strings on stdin; on exit code 0 stdout must be exactly one JSON object
whose values are all strings; otherwise the exit code is non-zero and stderr carries
the (ideally one-line) message. Terraform runs it on every plan, so it must be
deterministic and write nothing anywhere else.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import hcl2
import pytest
from google.protobuf import json_format

from clients.terraform.placement import KNOWN_KEYS
from recommender.api.v1 import routing_pb2 as wpb
from tests.routing.requests import api, cpu_workload, offer

PROGRAM = Path(__file__).resolve().parents[2] / "clients" / "terraform" / "placement.py"
EXAMPLE = PROGRAM.parent / "example" / "main.tf"


@dataclass(frozen=True)
class ExternalResult:
    """What the provider would see."""

    code: int
    result: dict[str, str] | None
    error: str


def run_external(query: object, *, raw: str | None = None, timeout: float = 180) -> ExternalResult:
    """Run the program as the external data source does and apply its acceptance rules."""
    stdin = raw if raw is not None else json.dumps(query)
    proc = subprocess.run(  # noqa: S603 - a fixed program, no shell (as the provider runs it)
        [sys.executable, str(PROGRAM)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(PROGRAM.parent),
        env={**os.environ, "TF_LOG": "", "TF_IN_AUTOMATION": "1"},
        check=False,
    )
    if proc.returncode != 0:
        message = proc.stderr.strip()
        assert message, "a failing program must explain itself on stderr"
        assert "\n" not in message, f"stderr must be one line: {message!r}"
        return ExternalResult(proc.returncode, None, message)
    decoded = json.loads(proc.stdout)  # the whole stdout is one JSON document
    assert isinstance(decoded, dict), "stdout must be one JSON object"
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in decoded.items()), (
        "values must be strings"
    )
    return ExternalResult(0, decoded, proc.stderr)


def _llm_query(server: str) -> dict[str, str]:
    return {
        "server": server,
        "timeout_seconds": "60",
        "workload_id": "support-bot",
        "kind": "llm_inference",
        "model": "llama-3.1-8b",
        "requests_per_second": "4",
        "input_tokens": "600",
        "output_tokens": "250",
        "max_time_per_output_token_ms": "80",
        "allowed_countries": json.dumps(["IN"]),
        "never_run_on": "runpod",
        "carbon_price_per_tonne": "80",
    }


def test_server_mode_answers_with_strings_only(server_address: str) -> None:
    first = run_external(_llm_query(server_address))
    assert first.code == 0 and first.result is not None, first.error
    result = first.result
    assert result["workload_id"] == "support-bot"
    assert result["country"] == "IN" and result["api"] == "false"  # no API of known location in India
    assert int(result["count"]) >= 1 and result["accelerator"]
    assert float(result["hourly_cost"]) > 0 and float(result["monthly_cost"]) == pytest.approx(
        float(result["hourly_cost"]) * 730, rel=1e-6
    )
    items = json.loads(result["items"])
    assert len(items) == int(result["item_count"]) and all(i["country"] == "IN" for i in items)
    assert result["solver_status"] == "SOLVE_STATUS_OPTIMAL"
    # Deterministic: Terraform re-runs it on every plan.
    second = run_external(_llm_query(server_address))
    assert second.result == first.result


def test_local_mode_solves_without_a_server() -> None:
    query = {
        "kind": "cpu_service",
        "vcpus": "8",
        "memory_gib": "32",
        "allowed_countries": "IN",
        "workload_id": "svc",
    }
    out = run_external(query)
    assert out.code == 0 and out.result is not None, out.error
    assert out.result["country"] == "IN" and out.result["currency"] == "USD"
    assert out.result["provider"] in {"aws", "gcp"}


def test_a_whole_request_and_catalogues_as_json_strings(server_address: str) -> None:
    request = wpb.RouteWorkloadsRequest(
        workloads=[cpu_workload("db", 16, 64), cpu_workload("web", 4, 8)],
        compute_offers=[
            offer("mumbai", "gcp", "asia-south1", "n2-standard-8", 0.40, vcpus=8, memory=32),
            offer("delhi", "gcp", "asia-south2", "n2-standard-4", 0.19, vcpus=4, memory=16),
        ],
        api_offers=[api("x", "gpt-4o", 1e-6, 1e-6)],
    )
    query = {"server": server_address, "request": json_format.MessageToJson(request), "workload_id": "db"}
    out = run_external(query)
    assert out.code == 0 and out.result is not None, out.error
    assert (out.result["offer_id"], out.result["count"], out.result["hourly_cost"]) == ("delhi", "4", "0.76")
    # Catalogues given as jsonencode()d lists next to a single workload.
    single = {
        "server": server_address,
        "kind": "cpu_service",
        "vcpus": "8",
        "memory_gib": "32",
        "compute_offers": json.dumps([json_format.MessageToDict(o) for o in request.compute_offers]),
        "api_offers": json.dumps([json_format.MessageToDict(a) for a in request.api_offers]),
    }
    out = run_external(single)
    assert out.code == 0 and out.result is not None, out.error
    assert (out.result["offer_id"], out.result["count"]) == ("delhi", "2")


@pytest.mark.parametrize(
    ("query", "raw", "needle"),
    [
        (None, "not json", "not valid JSON"),
        (None, "[1, 2]", "one JSON object"),
        ({"kind": "cpu_service", "vcpus": 8}, None, "must be strings"),
        ({"kind": "cpu_service", "vcpus": "eight"}, None, "query.vcpus must be a number"),
        ({"kind": "cpu_service", "vcpu": "8"}, None, "unknown query key(s): vcpu"),
        ({"kind": "cpu_service", "vcpus": "8", "interruptible": "maybe"}, None, "true or false"),
        ({"kind": "cpu_service", "vcpus": "-8"}, None, "workloads[0].cpu_service.vcpus"),
        ({"request": '{"workloads": 3}'}, None, "not a valid RouteWorkloadsRequest"),
        ({}, None, "query.kind"),
    ],
)
def test_bad_queries_fail_with_one_line(query: object, raw: str | None, needle: str) -> None:
    out = run_external(query, raw=raw)
    assert out.code != 0 and needle in out.error, out.error


def test_infeasible_placement_is_a_failure_naming_the_rule(server_address: str) -> None:
    request = wpb.RouteWorkloadsRequest(
        workloads=[cpu_workload("ledger", 8, 32, residency=wpb.ResidencyRule(allowed_countries=["IN"]))],
        compute_offers=[offer("us", "aws", "us-east-1", "m5.2xlarge", 0.384, vcpus=8, memory=32)],
        api_offers=[api("x", "gpt-4o", 1e-6, 1e-6)],
    )
    out = run_external({"server": server_address, "request": json_format.MessageToJson(request)})
    assert out.code != 0
    assert "FAILED_PRECONDITION" in out.error and "residency" in out.error


def test_unreachable_server_fails_within_the_deadline() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    out = run_external(
        {"server": f"127.0.0.1:{port}", "timeout_seconds": "2", "kind": "cpu_service", "vcpus": "2"}
    )
    assert out.code != 0 and ("UNAVAILABLE" in out.error or "DEADLINE_EXCEEDED" in out.error)
    assert time.monotonic() - started < 60


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def test_example_module_parses_and_uses_only_produced_keys(server_address: str) -> None:
    """Static check of main.tf with python-hcl2 (no Terraform offline): the data source runs this
    program, sends string-valued query keys it knows, and reads only result keys it produces."""
    with EXAMPLE.open(encoding="utf-8") as handle:
        module = hcl2.load(handle)
    blocks = {_unquote(k): v for k, v in module["data"][0].items()}
    data = {_unquote(k): v for k, v in blocks["external"].items()}["placement"]
    program = [_unquote(p) for p in data["program"]]
    assert program[0] == "python3" and program[1] == "${path.module}/../placement.py"
    assert (EXAMPLE.parent / ".." / "placement.py").resolve() == PROGRAM
    query = data["query"]
    for key, value in query.items():
        # a quoted string literal, or an expression of a string (string variable, jsonencode(...))
        is_literal = value.startswith('"') and value.endswith('"')
        assert is_literal or value in ("${var.recommender_address}",) or value.startswith("${jsonencode("), (
            key
        )
    assert set(query) <= KNOWN_KEYS
    text = EXAMPLE.read_text(encoding="utf-8")
    used = set(re.findall(r"local\.placement\.([a-z_]+)", text))
    produced = run_external(_llm_query(server_address)).result
    assert produced is not None and used and used <= set(produced), used - set(produced or {})
