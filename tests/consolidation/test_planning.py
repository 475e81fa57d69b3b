"""The consolidation planner end to end (domain level), against hand-computed optima on
real SaaS list prices (isa-saas-pricings, read here straight from the JSON) and brute force."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from recommender.domain.common import ActionType, SavingsPlan, TechnologyCategory
from recommender.domain.consolidation import (
    ConsolidationPolicy,
    ConsolidationRequest,
    Demand,
    PriceLine,
    PriceTier,
    SeatActivity,
    SeatDecision,
    TierPricing,
    VendorOffer,
)
from recommender.errors import InfeasibleError
from recommender.planning import consolidation_checks
from recommender.planning.consolidation_plans import plan_consolidation
from tests.consolidation.oracles import BDemand, BLine, BVendor, brute_force
from tests.consolidation.scenarios import AS_OF, collaboration_suite, pricing


def _price(shared_data: Path, name: str, plan: str) -> float:
    data = json.loads((shared_data / "isa-saas-pricings" / "latest_json" / name).read_text())
    return float(data["plans"][plan]["price"])


def _check_sums(plan: SavingsPlan) -> None:
    assert sum((a.monthly_savings for a in plan.actions), Decimal(0)) == plan.monthly_savings
    assert sum((c.monthly_savings for c in plan.category_savings), Decimal(0)) == plan.monthly_savings
    assert plan.planned_monthly_cost == plan.baseline_monthly_cost - plan.monthly_savings
    assert sum((a.upfront_cost for a in plan.actions), Decimal(0)) == plan.upfront_cost
    assert [a.order for a in plan.actions] == list(range(1, len(plan.actions) + 1))


def test_collaboration_suite_moves_chat_and_video_into_the_office_bundle(shared_data: Path) -> None:
    """By hand, with the list prices: today 300 Slack BUSINESS_PLUS + 250 Zoom BUSINESS +
    400 M365 BUSINESS_STANDARD seats. The 400 M365 seats (same employees) already cover
    chat and video, so moving the 260 active chat users and 250 video users costs no new
    seat: the plan pays 400 × 15 only. Migration: 260 × 20 + 250 × 10 = 7,700. Slack has
    no minimum spend, so it is dropped by letting its contract run out (no penalty)."""
    slack = _price(shared_data, "slack_2025.json", "BUSINESS_PLUS")
    zoom = _price(shared_data, "zoom_2025.json", "BUSINESS")
    suite = _price(shared_data, "microsoft365Business_2025.json", "BUSINESS_STANDARD")
    out = plan_consolidation(collaboration_suite(shared_data), time_limit=60)
    best = out.plans[0]
    baseline = 300 * slack + 250 * zoom + 400 * suite
    assert float(best.baseline_monthly_cost) == pytest.approx(baseline)
    assert float(best.planned_monthly_cost) == pytest.approx(400 * suite)
    assert float(best.monthly_savings) == pytest.approx(baseline - 400 * suite)
    assert float(best.upfront_cost) == pytest.approx(7700.0)
    assert best.break_even_months == pytest.approx(7700.0 / (baseline - 400 * suite))
    _check_sums(best)
    kinds = [a.type for a in best.actions]
    assert kinds.count(ActionType.MIGRATE_DEMAND) == 2 and kinds.count(ActionType.DROP_VENDOR) == 2
    reclaim = next(a for a in best.actions if a.type is ActionType.RECLAIM_SEATS)
    assert reclaim.quantity == 40 and float(reclaim.monthly_savings) == pytest.approx(40 * slack)
    assert {v.vendor_id: v.kept for v in out.vendors} == {"slack": False, "zoom": False, "m365": True}
    slack_out = next(v for v in out.vendors if v.vendor_id == "slack")
    assert "run out" in slack_out.reason and float(slack_out.exit_penalty) == 0.0
    decisions = [s.decision for s in out.seats]
    assert decisions.count(SeatDecision.RECLAIM) == 40
    assert decisions.count(SeatDecision.DOWNGRADE) == 100
    assert {s.to_line_id for s in out.seats if s.decision is SeatDecision.DOWNGRADE} == {"PRO"}
    # Alternative: keep every vendor; Slack's workspace-wide plan must stay BUSINESS_PLUS for the
    # 160 users of a BUSINESS_PLUS feature, so only the 40 idle seats are saved.
    keep = next(p for p in out.plans if p.title.startswith("Keep current vendors"))
    assert float(keep.monthly_savings) == pytest.approx(40 * slack)
    assert keep.upfront_cost == 0
    _check_sums(keep)
    assert len({p.xor_group_id for p in out.plans}) == 1 and out.plans[0].xor_group_id
    assert [p.rank for p in out.plans] == list(range(1, len(out.plans) + 1))
    assert sum(a.quantity for a in out.allocations if a.vendor_id == "m365") == pytest.approx(260 + 250 + 400)


def test_per_seat_plans_reclaim_and_downgrade_zoom_seats(shared_data: Path) -> None:
    """Zoom seats can mix plans. 120 BUSINESS seats: 20 idle (reclaimed), 60 using only
    PRO features (downgraded), 40 using a BUSINESS-only feature (kept). By hand:
    20 × 18.32 + 60 × (18.32 − 13.33) per month."""
    zoom = pricing(shared_data, "zoom_2025.json", ["video"])
    features = {ln.line_id: set(ln.features) for ln in zoom.lines}
    pro_feature = sorted(features["PRO"])[0]
    business_only = sorted(features["BUSINESS"] - features["PRO"])[0]
    seats = [
        SeatActivity(demand_id="video", user_id=f"idle{k}", last_active=AS_OF - timedelta(days=95))
        for k in range(20)
    ]
    seats += [
        SeatActivity(demand_id="video", user_id=f"pro{k}", last_active=AS_OF, features_used=[pro_feature])
        for k in range(60)
    ]
    seats += [
        SeatActivity(
            demand_id="video",
            user_id=f"biz{k}",
            last_active=AS_OF,
            features_used=[pro_feature, business_only],
        )
        for k in range(40)
    ]
    request = ConsolidationRequest(
        demands=[
            Demand(
                demand_id="video",
                capability="video",
                quantity=120,
                current_vendor_id="zoom",
                current_line_id="BUSINESS",
            )
        ],
        vendors=[zoom],
        seats=seats,
        policy=ConsolidationPolicy(as_of=AS_OF),
    )
    business = _price(shared_data, "zoom_2025.json", "BUSINESS")
    pro = _price(shared_data, "zoom_2025.json", "PRO")
    out = plan_consolidation(request, time_limit=30)
    assert len(out.plans) == 1
    plan = out.plans[0]
    assert float(plan.monthly_savings) == pytest.approx(20 * business + 60 * (business - pro))
    _check_sums(plan)
    by_type = {a.type: a for a in plan.actions}
    assert float(by_type[ActionType.RECLAIM_SEATS].monthly_savings) == pytest.approx(20 * business)
    down = by_type[ActionType.DOWNGRADE_SEATS]
    assert float(down.monthly_savings) == pytest.approx(60 * (business - pro))
    assert down.quantity == 60 and down.to_value == "PRO"


def test_new_joiners_are_not_reclaimed(shared_data: Path) -> None:
    zoom = pricing(shared_data, "zoom_2025.json", ["video"])
    seats = [
        SeatActivity(demand_id="v", user_id="new", assigned=AS_OF - timedelta(days=10)),
        SeatActivity(demand_id="v", user_id="gone", assigned=AS_OF - timedelta(days=400)),
    ]
    request = ConsolidationRequest(
        demands=[
            Demand(
                demand_id="v", capability="video", quantity=2, current_vendor_id="zoom", current_line_id="PRO"
            )
        ],
        vendors=[zoom],
        seats=seats,
        policy=ConsolidationPolicy(as_of=AS_OF),
    )
    out = plan_consolidation(request, time_limit=30)
    decisions = {s.user_id: s.decision for s in out.seats}
    assert decisions == {"new": SeatDecision.EXEMPT_NEW, "gone": SeatDecision.RECLAIM}


def test_no_vendor_left_for_a_capability_is_explained(shared_data: Path) -> None:
    request = collaboration_suite(shared_data, excluded_vendor_ids=["slack", "m365"])
    with pytest.raises(InfeasibleError) as info:
        plan_consolidation(request, time_limit=30)
    assert "coverage[chat]" in info.value.binding and "excluded_vendor_ids" in info.value.binding
    assert "'chat'" in info.value.message and "slack" in info.value.message


def test_too_few_vendors_to_cover_every_capability_is_explained(shared_data: Path) -> None:
    """Zoom (must keep) offers video only; chat and docs need another vendor: at least 2."""
    request = collaboration_suite(shared_data, max_vendors=1, must_keep_vendor_ids=["zoom"])
    with pytest.raises(InfeasibleError) as info:
        plan_consolidation(request, time_limit=30)
    assert info.value.binding == ["max_vendors", "coverage"]
    assert "at least 2 vendors" in info.value.message


def test_locked_contract_keeps_the_vendor(shared_data: Path) -> None:
    request = collaboration_suite(shared_data)
    vendors = [
        v.model_copy(update={"locked_until_contract_end": True}) if v.vendor_id == "slack" else v
        for v in request.vendors
    ]
    out = plan_consolidation(request.model_copy(update={"vendors": vendors}), time_limit=60)
    slack = next(v for v in out.vendors if v.vendor_id == "slack")
    assert slack.kept and "cannot be left before 2025-09-29" in slack.reason


def _cloud(vendors: list[VendorOffer], demands: list[Demand], **policy: object) -> ConsolidationRequest:
    return ConsolidationRequest(
        demands=demands,
        vendors=vendors,
        policy=ConsolidationPolicy(as_of=AS_OF, horizon_months=1, **policy),  # type: ignore[arg-type]
    )


def _line(
    line_id: str,
    cap: str,
    tiers: list[tuple[float, float]],
    pricing: TierPricing = TierPricing.ALL_UNITS,
    max_quantity: float | None = None,
) -> PriceLine:
    return PriceLine(
        line_id=line_id,
        capabilities=[cap],
        tiers=[PriceTier(min_quantity=a, unit_price=b) for a, b in tiers],
        tier_pricing=pricing,
        max_quantity=max_quantity,
    )


def test_capacity_and_vendor_limit_conflict_is_diagnosed() -> None:
    """Each vendor can supply 60 of the 100 needed; one vendor alone cannot: the deletion
    filter names max_vendors and capacity together."""
    vendors = [
        VendorOffer(vendor_id=v, lines=[_line("s", "storage", [(0, 1.0)], max_quantity=60)])
        for v in ("a", "b")
    ]
    demands = [
        Demand(demand_id="d", capability="storage", quantity=100, current_vendor_id="a"),
    ]
    with pytest.raises(InfeasibleError) as info:
        plan_consolidation(_cloud(vendors, demands, max_vendors=1), time_limit=30)
    assert set(info.value.binding) == {"max_vendors", "capacity"}


def test_overbuying_to_the_cheaper_tier_is_reported() -> None:
    """The LINDO QdiscSupL data (see test_solver_oracles): 6,000 units today on the
    incremental vendor B (40,200/month); the optimum buys 7,500 on all-units vendor A
    (37,500): 2,700/month saved, 1,500 units over-bought."""
    a = VendorOffer(
        vendor_id="A",
        lines=[
            _line("a", "units", [(0, 9), (1000, 8), (2500, 7), (7500, 5), (15000, 3)], max_quantity=20000)
        ],
    )
    b = VendorOffer(
        vendor_id="B",
        lines=[
            _line(
                "b",
                "units",
                [(0, 8), (1200, 7), (3000, 6), (7500, 4), (14000, 2)],
                TierPricing.INCREMENTAL,
                20000,
            )
        ],
    )
    out = plan_consolidation(
        _cloud([a, b], [Demand(demand_id="d", capability="units", quantity=6000, current_vendor_id="B")]),
        time_limit=30,
    )
    best = out.plans[0]
    assert float(best.baseline_monthly_cost) == pytest.approx(40200.0)
    assert float(best.monthly_savings) == pytest.approx(2700.0)
    line = next(v for v in out.vendors if v.vendor_id == "A").lines[0]
    assert line.quantity_bought == pytest.approx(7500) and line.overbuy == pytest.approx(1500)
    assert line.tier_index == 3 and float(line.unit_price) == 5.0
    assert "Over-buy 1500" in best.explanation
    _check_sums(best)


def _random_request(seed: int) -> tuple[ConsolidationRequest, list[BVendor], list[BLine], list[BDemand]]:
    rng = np.random.default_rng(500 + seed)
    cats = [TechnologyCategory.SAAS, TechnologyCategory.PUBLIC_CLOUD]
    vendors, b_vendors, b_lines = [], [], []
    for v in range(3):
        fee = float(rng.choice([0, 40]))
        lines = []
        for cap in ("x", "y"):
            n = int(rng.integers(1, 3))
            breaks = [0.0] + sorted(float(b) for b in rng.choice([10, 20, 30], n - 1, replace=False))
            base = float(rng.uniform(2, 5))
            prices = [round(base * (1 - 0.2 * r), 2) for r in range(n)]
            inc = bool(rng.random() < 0.5)
            lines.append(
                _line(
                    cap,
                    cap,
                    list(zip(breaks, prices, strict=True)),
                    TierPricing.INCREMENTAL if inc else TierPricing.ALL_UNITS,
                )
            )
            b_lines.append(BLine(v, (0 if cap == "x" else 1,), tuple(breaks), tuple(prices), inc))
        vendors.append(
            VendorOffer(vendor_id=f"v{v}", category=cats[v % 2], lines=lines, fixed_monthly_fee=fee)
        )
        b_vendors.append(BVendor(fee=fee))
    demands, b_demands = [], []
    for k, cap in enumerate(("x", "y", "x")):
        qty = float(rng.integers(5, 30))
        cur = int(rng.integers(0, 3))
        mig = float(rng.choice([0.0, 2.0]))
        demands.append(
            Demand(
                demand_id=f"d{k}",
                capability=cap,
                quantity=qty,
                current_vendor_id=f"v{cur}",
                migration_cost_per_unit=mig,
                category=cats[k % 2],
            )
        )
        b_demands.append(BDemand(0 if cap == "x" else 1, qty, cur, mig))
    request = ConsolidationRequest(
        demands=demands,
        vendors=vendors,
        policy=ConsolidationPolicy(as_of=AS_OF, horizon_months=6, max_vendors=2),
    )
    return request, b_vendors, b_lines, b_demands


@pytest.mark.parametrize("seed", [0, 1, 3, 4])
def test_planner_optimum_matches_brute_force(seed: int) -> None:
    """The best plan's horizon cost (today's cost × horizon − net savings) is the brute-force optimum."""
    request, b_vendors, b_lines, b_demands = _random_request(seed)
    expected = brute_force(b_vendors, b_lines, b_demands, horizon=6, max_vendors=2)
    out = plan_consolidation(request, time_limit=30)
    best = out.plans[0]
    horizon_cost = float(best.planned_monthly_cost) * 6 + float(best.upfront_cost)
    assert horizon_cost == pytest.approx(expected, rel=1e-7, abs=1e-5)
    assert best.solver is not None and best.solver.objective == pytest.approx(expected, rel=1e-7)
    for plan in out.plans:
        _check_sums(plan)
        assert math.isfinite(plan.risk.break_even_usage_drop)


def test_excluded_current_vendor_moves_its_demand_even_without_migrations(shared_data: Path) -> None:
    """Zoom excluded: video (250 users) must move, also in the no-migration alternative,
    whose savings are then Zoom's 250 × 18.32 (the suite seats already cover video) plus
    the 40 reclaimed Slack seats, for 250 × 10 migration."""
    zoom = _price(shared_data, "zoom_2025.json", "BUSINESS")
    slack = _price(shared_data, "slack_2025.json", "BUSINESS_PLUS")
    out = plan_consolidation(collaboration_suite(shared_data, excluded_vendor_ids=["zoom"]), time_limit=60)
    keep = next(p for p in out.plans if p.title.startswith("Keep current vendors"))
    assert float(keep.monthly_savings) == pytest.approx(250 * zoom + 40 * slack)
    assert float(keep.upfront_cost) == pytest.approx(2500.0)
    zoom_out = next(v for v in out.vendors if v.vendor_id == "zoom")
    assert not zoom_out.kept and "excluded" in zoom_out.reason


def test_new_demand_is_compared_with_its_cheapest_placement_today(shared_data: Path) -> None:
    request = collaboration_suite(shared_data)
    new = Demand(demand_id="contractors-docs", capability="docs", quantity=50)
    out = plan_consolidation(request.model_copy(update={"demands": [*request.demands, new]}), time_limit=60)
    assert any("new demand" in w for w in out.warnings)
    best = out.plans[0]
    # The 50 new seats cost the same today (placed on the cheapest M365 docs plan) and in the plan.
    basic = _price(shared_data, "microsoft365Business_2025.json", "BUSINESS_BASIC")
    suite = _price(shared_data, "microsoft365Business_2025.json", "BUSINESS_STANDARD")
    assert float(best.planned_monthly_cost) == pytest.approx(400 * suite + 50 * basic)
    _check_sums(best)


def test_no_cover_solve_when_every_vendor_fits_the_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two vendors under max_vendors=2: keeping both is a cover, so no minimum-cover MILP runs."""

    def no_cover(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("min_cover should not run")

    monkeypatch.setattr(consolidation_checks, "min_cover", no_cover)
    vendors = [
        VendorOffer(vendor_id=v, lines=[_line("s", "storage", [(0, p)])]) for v, p in (("a", 2.0), ("b", 1.0))
    ]
    demands = [Demand(demand_id="d", capability="storage", quantity=100, current_vendor_id="a")]
    out = plan_consolidation(_cloud(vendors, demands, max_vendors=2), time_limit=30)
    assert float(out.plans[0].monthly_savings) == pytest.approx(100.0)
