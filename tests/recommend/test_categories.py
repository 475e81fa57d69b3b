"""Technology categories flow to the right lever; FOCUS classes map onto the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.protobuf import json_format

from bench.synthetic_focus import companion_requests, generate
from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import recommend_pb2 as apb
from recommender.ingest.focus import load_focus
from recommender.planning.recommend_focus import _row_frame, extract_focus
from tests.recommend.helpers import assert_adds_up, money, run

DAYS, VMS = 31, 12


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic-focus")
    generate(out / "focus.csv", days=DAYS, instances=VMS, seed=3)
    companion_requests(out, days=DAYS, instances=VMS, seed=3)
    return out


def _request(estate: Path, *levers: str) -> apb.RecommendRequest:
    request = apb.RecommendRequest(focus_csv=(estate / "focus.csv").read_bytes())
    for name in levers:
        json_format.Parse((estate / f"{name}.json").read_text(), getattr(request, name))
    return request


def test_row_class_ids_follow_load_focus(shared_data: Path) -> None:
    path = shared_data / "focus-sample-data" / "focus_1.0_sample.csv"
    focus = load_focus(path)
    rows = _row_frame(path, focus)
    assert set(rows["class_id"]) == set(focus.usage.class_ids)


def test_every_category_reaches_its_lever(estate: Path) -> None:
    response = run(_request(estate, "right_sizing", "consolidation", "routing"))
    assert response.plans
    assert_adds_up(response)
    plan = response.plans[0]
    by_lever: dict[str, set[str]] = {}
    for a in plan.actions:
        by_lever.setdefault(a.attributes["lever"], set()).add(a.attributes["category"])
    assert by_lever["vendor_consolidation"] <= {"saas", "licensing"}
    assert by_lever["workload_routing"] == {"ai_ml"}
    assert by_lever["right_sizing"] == {"public_cloud"}
    assert by_lever["commitments"] == {"public_cloud"}
    moved = [a for a in plan.actions if a.type == pb.ACTION_TYPE_MIGRATE_DEMAND]
    assert {a.attributes["capability"] for a in moved} == {"Messaging", "Video Conferencing"}
    assert all(a.target.startswith("focus:") for a in moved)
    savings = {c.category: money(c.monthly_savings) for c in plan.category_savings}
    assert savings[pb.TECHNOLOGY_CATEGORY_SAAS] > 0
    assert savings[pb.TECHNOLOGY_CATEGORY_AI_ML] > 0
    assert savings[pb.TECHNOLOGY_CATEGORY_PUBLIC_CLOUD] > 0
    baseline = {c.category for c in response.breakdowns[0].baseline_by_category}
    assert {
        pb.TECHNOLOGY_CATEGORY_SAAS,
        pb.TECHNOLOGY_CATEGORY_LICENSING,
        pb.TECHNOLOGY_CATEGORY_AI_ML,
    } <= baseline
    buy = next(a for a in plan.actions if a.attributes["lever"] == "commitments")
    assert buy.offering_id == "focus-derived-aws-1yr"
    notes = " ".join(response.warnings)
    assert "AI/ML spend" in notes and "held according to the export" in notes
    assert plan.kpis_before.commitment_coverage > 0  # the export's own savings plan is applied first


def test_saas_stays_on_the_bill_without_vendor_offers(estate: Path) -> None:
    response = run(_request(estate, "right_sizing"))
    assert_adds_up(response)
    plan = response.plans[0]
    assert {a.attributes["lever"] for a in plan.actions} <= {"right_sizing", "commitments"}
    baseline = {c.category: money(c.monthly_cost) for c in response.breakdowns[0].baseline_by_category}
    assert baseline[pb.TECHNOLOGY_CATEGORY_SAAS] > 0 and baseline[pb.TECHNOLOGY_CATEGORY_AI_ML] > 0
    assert all(c.category == pb.TECHNOLOGY_CATEGORY_PUBLIC_CLOUD for c in plan.category_savings)


def test_focus_extract_routes_categories(estate: Path) -> None:
    data = (estate / "focus.csv").read_bytes()
    kept = extract_focus(data, consolidate_saas=False, route_ai=False, held_commitments_given=False)
    moved = extract_focus(data, consolidate_saas=True, route_ai=True, held_commitments_given=False)
    categories = {c.category for c in kept.ledger_classes}
    assert {"saas", "ai_ml", "public_cloud"} <= {c.value for c in categories}
    assert {c.category.value for c in moved.ledger_classes} == {"public_cloud"}
    assert {d.capability for d in moved.saas_demands} >= {"Messaging", "Video Conferencing"}
    assert moved.ai_ml_monthly > 0
    instance_ids = {c.class_id for c in moved.ledger_classes if c.instance_type}
    assert instance_ids and all(cid.startswith("aws:") and cid.count(":") == 2 for cid in instance_ids)
    assert len(moved.held_commitments) == 1
    held = moved.held_commitments[0]
    assert held.terms.spend_commitment is not None
    rates = {c.class_id: c.on_demand_rate for c in moved.ledger_classes}
    for r in held.terms.spend_commitment.rates:
        assert r.rate == pytest.approx(rates[r.class_id] * 0.72)
