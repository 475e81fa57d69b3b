"""The ``finops-recommender`` CLI against a real server: plan from files, JSON that grpcurl accepts, demo."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from google.protobuf import json_format

from recommender.api.v1 import commitments_pb2 as cpb
from tests.server.test_grpcurl_blackbox import SERVICE, _grpcurl

CLI = [sys.executable, "-m", "clients.cli"]


def _run(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)


def _hourly_csv(path: Path, usage: dict[str, np.ndarray]) -> None:
    hours = len(next(iter(usage.values())))
    lines = ["timestamp,usage_class,quantity"]
    for h in range(hours):
        stamp = f"2026-10-{1 + h // 24:02d}T{h % 24:02d}:00:00Z"
        lines += [f"{stamp},{cls},{q[h]:.3f}" for cls, q in usage.items()]
    path.write_text("\n".join(lines) + "\n")


def test_plan_from_hourly_csv_with_default_catalogue(tmp_path: Path, server_address: str) -> None:
    """One c2 class with size-flexible resource CUDs (whole vCPU units): the break-even rule applies."""
    rng = np.random.default_rng(4)
    vcpus = 8
    machines = rng.poisson(5, 24 * 14).astype(float)
    usage_file = tmp_path / "usage.csv"
    _hourly_csv(usage_file, {"gcp:asia-south1:c2-standard-8": machines})
    request_file = tmp_path / "request.json"
    out = _run(
        "plan",
        "--usage",
        str(usage_file),
        "--server",
        server_address,
        "--format",
        "json",
        "--request-out",
        str(request_file),
    )
    assert out.returncode == 0, out.stderr
    response = json_format.Parse(out.stdout, cpb.PlanCommitmentsResponse())
    best = response.plans[0]
    assert best.rank == 1 and best.actions
    # Independent check of the 3-year CUD count: buy the k-th vCPU unit iff the share of hours with
    # at least k vCPUs in use is >= (CUD rate / on-demand rate) — the break-even utilisation rule.
    # Rates straight from the bundled catalogue data (libcloud c2 rates): a CUD unit is 1 vCPU + 4 GiB;
    # the 3-year CUD is cheaper than the 1-year one for the same capacity, so only it is bought.
    from recommender.defaults import default_commitment_rates

    request = json_format.Parse(request_file.read_text(), cpb.PlanCommitmentsRequest())
    assert not request.offerings  # the server's default catalogue supplies them
    rates = default_commitment_rates()
    sel = rates[(rates["region"] == "asia-south1") & (rates["term"] == "3yr")].set_index("resource")[
        "hourly_rate"
    ]
    unit_rate = float(sel["vcpu"]) + 4 * float(sel["memory"])
    ratio = unit_rate / (request.usage_classes[0].on_demand_rate / vcpus)
    in_use = machines * vcpus
    k_star = max(k for k in range(0, int(in_use.max()) + 1) if k == 0 or (in_use >= k).mean() >= ratio)
    bought = {a.offering_id: a.quantity for a in best.actions}
    assert bought == {"gcp-c2-cud-3yr-asia-south1": k_star}
    assert not math.isnan(best.savings_percent)


def test_request_json_works_unchanged_with_grpcurl(tmp_path: Path, server_address: str) -> None:
    usage_file = tmp_path / "usage.csv"
    rng = np.random.default_rng(1)
    _hourly_csv(usage_file, {"gcp:us-central1:c2-standard-4": rng.poisson(3, 72).astype(float)})
    request_file = tmp_path / "request.json"
    cli = _run(
        "plan",
        "--usage",
        str(usage_file),
        "--server",
        server_address,
        "--format",
        "json",
        "--request-out",
        str(request_file),
    )
    assert cli.returncode == 0, cli.stderr
    via_grpcurl = _grpcurl(server_address, f"{SERVICE}/PlanCommitments", data=request_file.read_text())
    assert via_grpcurl.returncode == 0, via_grpcurl.stderr
    ids_cli = [p["planId"] for p in json.loads(cli.stdout)["plans"]]
    ids_grpcurl = [p.get("plan_id") or p.get("planId") for p in json.loads(via_grpcurl.stdout)["plans"]]
    assert ids_cli == ids_grpcurl and ids_cli


def test_plan_from_focus_export_with_offerings_file(
    tmp_path: Path, server_address: str, shared_data: Path
) -> None:
    focus = shared_data / "focus-sample-data" / "focus_1.0_sample.csv"
    from recommender.ingest import load_focus

    classes = load_focus(focus).classes
    ec2_hours = classes[
        classes["class_id"].str.contains("Elastic Compute Cloud") & (classes["unit"] == "Hours")
    ]
    ec2_hours = ec2_hours[ec2_hours["on_demand_rate"] > 0]
    offering = {
        "offeringId": "compute-sp-1yr",
        "term": "COMMITMENT_TERM_ONE_YEAR",
        "paymentOption": "PAYMENT_OPTION_NO_UPFRONT",
        "spendCommitment": {
            "rates": [
                {"classId": c, "rate": r * 0.72}
                for c, r in zip(ec2_hours.class_id, ec2_hours.on_demand_rate, strict=True)
            ]
        },
    }
    offers_file = tmp_path / "offers.json"
    offers_file.write_text(json.dumps({"offerings": [offering]}))
    out = _run(
        "plan",
        "--usage",
        str(focus),
        "--offerings",
        str(offers_file),
        "--server",
        server_address,
        "--format",
        "json",
    )
    assert out.returncode == 0, out.stderr
    response = json_format.Parse(out.stdout, cpb.PlanCommitmentsResponse())
    # The sample is one month of sparse, mostly one-off usage; the plan (if any) must not lose money.
    for plan in response.plans:
        assert plan.monthly_savings.units >= 0 and plan.monthly_savings.nanos >= 0


def test_bad_usage_file_is_reported_with_line_and_reason(tmp_path: Path, server_address: str) -> None:
    usage_file = tmp_path / "usage.csv"
    usage_file.write_text(
        "timestamp,usage_class,quantity\n2026-10-01T00:00:00Z,gcp:us-central1:c2-standard-4,-3\n"
    )
    out = _run("plan", "--usage", str(usage_file), "--server", server_address)
    assert out.returncode == 2
    assert "line 2" in out.stderr and "quantity" in out.stderr


def test_health_command(server_address: str) -> None:
    out = _run("health", "--address", server_address)
    assert out.returncode == 0 and out.stdout.strip() == "SERVING"


@pytest.mark.slow
def test_demo_prints_ranked_plans() -> None:
    out = _run("demo", "--format", "json", timeout=300)
    assert out.returncode == 0, out.stderr
    payload = out.stdout[out.stdout.index("{") : out.stdout.rindex("}") + 1]
    response = json_format.Parse(payload, cpb.PlanCommitmentsResponse())
    assert [p.rank for p in response.plans] == list(range(1, len(response.plans) + 1))
    assert len({p.xor_group_id for p in response.plans}) == 1
