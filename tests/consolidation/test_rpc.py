"""ConsolidateVendors over real gRPC on loopback."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from clients.client import RecommenderCallError, RecommenderClient
from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import consolidation_pb2 as vpb
from recommender.api.v1 import recommender_service_pb2_grpc as service_grpc
from recommender.server.codec.common import from_money
from recommender.server.codec.consolidation import encode_consolidation_request
from tests.consolidation.scenarios import collaboration_suite


def _request(shared_data: Path, **policy: object) -> vpb.ConsolidateVendorsRequest:
    return encode_consolidation_request(collaboration_suite(shared_data, **policy))


def test_ranked_plans_with_money_and_exact_attribution(client: RecommenderClient, shared_data: Path) -> None:
    response = client.consolidate_vendors(_request(shared_data), timeout=120)
    assert len(response.plans) >= 2
    best = response.plans[0]
    assert best.levers == [pb.LEVER_VENDOR_CONSOLIDATION]
    assert [p.rank for p in response.plans] == list(range(1, len(response.plans) + 1))
    assert len({p.xor_group_id for p in response.plans}) == 1 and best.xor_group_id
    for plan in response.plans:
        total = sum((from_money(a.monthly_savings) for a in plan.actions), Decimal(0))
        assert total == from_money(plan.monthly_savings)
        cats = sum((from_money(c.monthly_savings) for c in plan.category_savings), Decimal(0))
        assert cats == from_money(plan.monthly_savings)
        assert plan.monthly_savings.currency_code == "USD"
    # 300 x 15 + 250 x 18.32 + 400 x 15 today; 400 x 15 after (see test_planning for the derivation).
    assert from_money(best.baseline_monthly_cost) == Decimal("15080")
    assert from_money(best.monthly_savings) == Decimal("9080")
    assert from_money(best.upfront_cost) == Decimal("7700")
    assert best.HasField("break_even_months") and best.break_even_months == pytest.approx(7700 / 9080)
    assert best.solver.status == pb.SOLVE_STATUS_OPTIMAL and best.solver.relative_gap == pytest.approx(
        0, abs=1e-9
    )
    types = {a.type for a in best.actions}
    assert {pb.ACTION_TYPE_RECLAIM_SEATS, pb.ACTION_TYPE_MIGRATE_DEMAND, pb.ACTION_TYPE_DROP_VENDOR} <= types
    assert len(response.seats) == 300
    assert sum(1 for s in response.seats if s.decision == vpb.SEAT_DECISION_RECLAIM) == 40
    idle = next(s for s in response.seats if s.decision == vpb.SEAT_DECISION_RECLAIM)
    assert idle.HasField("days_inactive") and idle.days_inactive == pytest.approx(200)
    assert {a.vendor_id for a in response.allocations} == {"m365"}
    assert {v.vendor_id: v.kept for v in response.vendors} == {"slack": False, "zoom": False, "m365": True}


def test_same_request_same_plan_ids(client: RecommenderClient, shared_data: Path) -> None:
    request = _request(shared_data, alternatives=False)
    first = client.consolidate_vendors(request, timeout=120)
    second = client.consolidate_vendors(request, timeout=120)
    assert [p.plan_id for p in first.plans] == [p.plan_id for p in second.plans]
    assert len(first.plans) == 1


def test_bad_input_lists_every_violation(client: RecommenderClient, shared_data: Path) -> None:
    request = _request(shared_data)
    request.demands[0].quantity = -3
    request.demands[1].current_vendor_id = "ghost"
    request.vendors[0].lines[0].tiers.append(vpb.PriceTier(min_quantity=0, unit_price=float("nan")))
    request.seats[5].line_id = "NOPE"
    request.policy.excluded_vendor_ids.append("zoom")
    request.policy.must_keep_vendor_ids.append("zoom")
    with pytest.raises(RecommenderCallError) as info:
        client.consolidate_vendors(request)
    assert info.value.code == grpc.StatusCode.INVALID_ARGUMENT
    fields = dict(info.value.field_violations)
    assert "demands[0].quantity" in fields
    assert "demands[1].current_vendor_id" in fields and "ghost" in fields["demands[1].current_vendor_id"]
    assert "vendors[0].lines[0].tiers[1].unit_price" in fields
    assert "vendors[0].lines[0].tiers[1].min_quantity" in fields
    assert "seats[5].line_id" in fields
    assert "policy.excluded_vendor_ids[0]" in fields


def test_empty_request_is_invalid(client: RecommenderClient) -> None:
    with pytest.raises(RecommenderCallError) as info:
        client.consolidate_vendors(vpb.ConsolidateVendorsRequest())
    assert info.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert {"demands", "vendors"} <= set(dict(info.value.field_violations))


def test_infeasible_request_names_the_binding_rules(channel: grpc.Channel, shared_data: Path) -> None:
    stub = service_grpc.RecommenderStub(channel)
    request = _request(shared_data, excluded_vendor_ids=["slack", "m365"])
    with pytest.raises(grpc.RpcError) as info:
        stub.ConsolidateVendors(request, timeout=60)
    error = info.value
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "chat" in error.details()
    status = rpc_status.from_call(error)
    assert status is not None
    infos = []
    for detail in status.details:
        msg = error_details_pb2.ErrorInfo()
        if detail.Is(msg.DESCRIPTOR):
            detail.Unpack(msg)
            infos.append(msg)
    assert infos and infos[0].reason == "INFEASIBLE"
    assert "coverage[chat]" in infos[0].metadata["binding_rules"]
