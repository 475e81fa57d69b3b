"""``finops-recommender recommend``: files in, ranked plans and a report out (real server)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from google.protobuf import json_format

from bench.synthetic_focus import companion_requests, generate
from clients.cli import main
from clients.render import plans_table
from clients.report import write_report
from recommender.api.v1 import recommend_pb2 as apb
from tests.recommend.helpers import assert_adds_up

CLI = [sys.executable, "-m", "clients.cli", "recommend"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=240)


def test_focus_sample_via_cli_markdown_report(
    tmp_path: Path, shared_data: Path, server_address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = shared_data / "focus-sample-data" / "focus_1.0_sample.csv"
    report = tmp_path / "report.md"
    args = ["recommend", "--focus", str(sample), "--server", server_address, "--report", str(report)]
    assert main(args) == 0
    assert "No plan saves money" in capsys.readouterr().out
    text = report.read_text()
    assert "No plan saves money" in text and "## Notes" in text


def test_synthetic_focus_all_levers_html_and_json(tmp_path: Path, server_address: str) -> None:
    generate(tmp_path / "focus.csv", days=31, instances=10, seed=5)
    files = companion_requests(tmp_path, days=31, instances=10, seed=5)
    common = [
        "--focus", str(tmp_path / "focus.csv"),
        "--right-sizing", str(files["right_sizing"]),
        "--consolidation", str(files["consolidation"]),
        "--routing", str(files["routing"]),
        "--currency", "INR", "--exchange-rate", "83.2", "--tax-rate", "0.18",
        "--taxed-categories", "public_cloud,ai_ml",
        "--server", server_address,
    ]  # fmt: skip
    html = tmp_path / "report.html"
    done = _run(
        *common, "--report", str(html), "--format", "json", "--request-out", str(tmp_path / "req.json")
    )
    assert done.returncode == 0, done.stderr
    response = json_format.Parse(done.stdout.split("\nReport written")[0], apb.RecommendResponse())
    assert response.plans and response.plans[0].currency_code == "INR"
    assert_adds_up(response)
    page = html.read_text()
    assert page.count("data:image/png;base64,") >= 5 and "Sequenced vs commit-first" in page
    request = json.loads((tmp_path / "req.json").read_text())
    assert request["overlay"]["exchangeRate"] == 83.2 and "focusCsv" in request
    md = tmp_path / "r.md"
    written = write_report(response, md)
    assert written[0] == md and "## Ranked plans" in md.read_text()
    pngs = sorted(p.name for p in (tmp_path / "r_files").glob("*.png"))
    assert {
        "curve.png",
        "levers.png",
        "waterfall.png",
        "categories.png",
        "kpis.png",
        "sequencing.png",
    } <= set(pngs)
    table = plans_table(list(response.plans))
    assert table.startswith("rank  plan")


def test_cli_reports_bad_input(
    tmp_path: Path, server_address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "focus.csv"
    bad.write_text("ChargePeriodStart\n2024-01-01T00:00:00Z\n")
    assert main(["recommend", "--focus", str(bad), "--server", server_address]) == 2
    assert "focus_csv" in capsys.readouterr().err


def test_cli_rejects_unknown_category(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    focus = tmp_path / "x.csv"
    focus.write_text("ChargePeriodStart\n")
    assert main(["recommend", "--focus", str(focus), "--taxed-categories", "nope"]) == 2
    assert "unknown category" in capsys.readouterr().err
