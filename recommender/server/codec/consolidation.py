"""ConsolidateVendors: proto request -> validated domain request; outcome -> proto response.

Every problem is reported at once as a field violation whose path follows the proto
field names, e.g. ``vendors[2].lines[0].tiers[1].min_quantity`` or
``seats[14].line_id``.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import consolidation_pb2 as vpb
from recommender.domain.common import TechnologyCategory
from recommender.domain.consolidation import (
    ConsolidationOutcome,
    ConsolidationRequest,
    SeatDecision,
    TierBasis,
    TierPricing,
    VendorOffer,
)
from recommender.errors import ViolationCollector
from recommender.server.codec.common import (
    domain_enum_to_proto,
    enum_to_domain,
    optional_timestamp,
    plan_to_proto,
    pydantic_violations,
    require_no_errors,
    to_money,
)

MAX_VIOLATIONS = 100
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _num(value: float, path: str, errors: ViolationCollector, *, positive: bool = False) -> float:
    """A finite, non-negative (or positive) number; records a violation otherwise."""
    if not math.isfinite(value):
        errors.add(path, f"must be finite, got {value}")
        return 0.0
    if value < 0 or (positive and value == 0):
        errors.add(path, f"must be {'positive' if positive else 'non-negative'}, got {value}")
        return 0.0
    return value


def _category(
    value: int, path: str, errors: ViolationCollector, *, required: bool = False
) -> TechnologyCategory:
    cat = enum_to_domain(
        value,
        pb.TechnologyCategory,
        TechnologyCategory,
        "TECHNOLOGY_CATEGORY_",
        path,
        errors,
        required=required,
    )
    return cat or TechnologyCategory.UNSPECIFIED


def _decode_line(msg: vpb.PriceLine, path: str, errors: ViolationCollector) -> dict[str, Any]:
    if not msg.line_id:
        errors.add(f"{path}.line_id", "must not be empty")
    if not msg.capabilities:
        errors.add(f"{path}.capabilities", "at least one capability is required")
    for k, cap in enumerate(msg.capabilities):
        if not cap:
            errors.add(f"{path}.capabilities[{k}]", "must not be empty")
    if not msg.tiers:
        errors.add(f"{path}.tiers", "at least one tier is required")
    tiers = []
    previous = -math.inf
    for k, tier in enumerate(msg.tiers):
        lo = _num(tier.min_quantity, f"{path}.tiers[{k}].min_quantity", errors)
        price = _num(tier.unit_price, f"{path}.tiers[{k}].unit_price", errors)
        if lo <= previous:
            errors.add(
                f"{path}.tiers[{k}].min_quantity",
                f"tiers must be in strictly increasing min_quantity ({lo:g} after {previous:g})",
            )
        previous = max(previous, lo)
        tiers.append({"min_quantity": lo, "unit_price": price})
    pricing = (
        enum_to_domain(
            msg.tier_pricing,
            vpb.TierPricing,
            TierPricing,
            "TIER_PRICING_",
            f"{path}.tier_pricing",
            errors,
            required=False,
        )
        or TierPricing.ALL_UNITS
    )
    basis = (
        enum_to_domain(
            msg.tier_basis,
            vpb.TierBasis,
            TierBasis,
            "TIER_BASIS_",
            f"{path}.tier_basis",
            errors,
            required=False,
        )
        or TierBasis.LINE_QUANTITY
    )
    if basis is TierBasis.VENDOR_QUANTITY and pricing is TierPricing.INCREMENTAL:
        errors.add(
            f"{path}.tier_pricing", "vendor-quantity (total-quantity discount) tiers must be all-units"
        )
    max_q = _num(msg.max_quantity, f"{path}.max_quantity", errors)
    return {
        "line_id": msg.line_id or "?",
        "display_name": msg.display_name,
        "capabilities": [c or "?" for c in msg.capabilities] or ["?"],
        "tiers": tiers or [{"min_quantity": 0.0, "unit_price": 0.0}],
        "tier_pricing": pricing,
        "tier_basis": basis,
        "max_quantity": max_q or None,
        "whole_units": msg.whole_units,
        "features": list(msg.features),
        "unit": msg.unit,
    }


def _decode_vendor(msg: vpb.VendorOffer, path: str, errors: ViolationCollector) -> dict[str, Any]:
    if not msg.vendor_id:
        errors.add(f"{path}.vendor_id", "must not be empty")
    if not msg.lines:
        errors.add(f"{path}.lines", "at least one price line is required")
    lines = [_decode_line(ln, f"{path}.lines[{k}]", errors) for k, ln in enumerate(msg.lines)]
    seen: set[str] = set()
    basis_breaks: tuple[float, ...] | None = None
    for k, ln in enumerate(lines):
        if ln["line_id"] in seen and ln["line_id"] != "?":
            errors.add(f"{path}.lines[{k}].line_id", f"duplicate line id '{ln['line_id']}' in this vendor")
        seen.add(ln["line_id"])
        if ln["tier_basis"] is TierBasis.VENDOR_QUANTITY:
            breaks = tuple(t["min_quantity"] for t in ln["tiers"])
            if basis_breaks is None:
                basis_breaks = breaks
            elif breaks != basis_breaks:
                errors.add(
                    f"{path}.lines[{k}].tiers",
                    "lines with vendor-quantity tiers must share the same min_quantity breakpoints",
                )
    end = optional_timestamp(msg, "contract_end_time", f"{path}.contract_end_time", errors)
    if msg.locked_until_contract_end and end is None:
        errors.add(f"{path}.locked_until_contract_end", "requires contract_end_time")
    max_total = _num(msg.max_total_quantity, f"{path}.max_total_quantity", errors)
    return {
        "vendor_id": msg.vendor_id or "?",
        "display_name": msg.display_name,
        "category": _category(msg.category, f"{path}.category", errors),
        "lines": lines,
        "fixed_monthly_fee": _num(msg.fixed_monthly_fee, f"{path}.fixed_monthly_fee", errors),
        "minimum_monthly_commitment": _num(
            msg.minimum_monthly_commitment, f"{path}.minimum_monthly_commitment", errors
        ),
        "contract_end": end,
        "exit_penalty": _num(msg.exit_penalty, f"{path}.exit_penalty", errors),
        "locked_until_contract_end": msg.locked_until_contract_end,
        "under_contract": msg.under_contract,
        "onboarding_cost": _num(msg.onboarding_cost, f"{path}.onboarding_cost", errors),
        "max_total_quantity": max_total or None,
        "single_plan": msg.single_plan,
    }


def _decode_demand(msg: vpb.Demand, path: str, errors: ViolationCollector) -> dict[str, Any]:
    if not msg.demand_id:
        errors.add(f"{path}.demand_id", "must not be empty")
    if not msg.capability:
        errors.add(f"{path}.capability", "must not be empty")
    qty = _num(msg.quantity, f"{path}.quantity", errors, positive=True)
    if msg.current_line_id and not msg.current_vendor_id:
        errors.add(f"{path}.current_line_id", "requires current_vendor_id")
    return {
        "demand_id": msg.demand_id or "?",
        "category": _category(msg.category, f"{path}.category", errors),
        "capability": msg.capability or "?",
        "quantity": qty or 1.0,
        "unit": msg.unit,
        "current_vendor_id": msg.current_vendor_id,
        "current_line_id": msg.current_line_id,
        "migration_cost_per_unit": _num(
            msg.migration_cost_per_unit, f"{path}.migration_cost_per_unit", errors
        ),
        "population": msg.population,
    }


def _decode_policy(msg: vpb.ConsolidationPolicy, errors: ViolationCollector) -> dict[str, Any]:
    path = "policy"
    if msg.max_vendors < 0:
        errors.add(f"{path}.max_vendors", f"must be non-negative (0 = no limit), got {msg.max_vendors}")
    if msg.max_vendors_per_category < 0:
        errors.add(
            f"{path}.max_vendors_per_category", f"must be non-negative, got {msg.max_vendors_per_category}"
        )
    limits: dict[TechnologyCategory, int] = {}
    for k, lim in enumerate(msg.category_limits):
        cat = enum_to_domain(
            lim.category,
            pb.TechnologyCategory,
            TechnologyCategory,
            "TECHNOLOGY_CATEGORY_",
            f"{path}.category_limits[{k}].category",
            errors,
        )
        if lim.max_vendors < 1:
            errors.add(
                f"{path}.category_limits[{k}].max_vendors", f"must be at least 1, got {lim.max_vendors}"
            )
        if cat is not None:
            if cat in limits:
                errors.add(f"{path}.category_limits[{k}].category", f"duplicate limit for {cat.value}")
            limits[cat] = max(1, lim.max_vendors)
    if msg.horizon_months < 0 or msg.horizon_months > 600:
        errors.add(f"{path}.horizon_months", f"must be within 0-600 (0 = 12), got {msg.horizon_months}")
    if msg.inactive_seat_days < 0:
        errors.add(
            f"{path}.inactive_seat_days", f"must be non-negative (0 = 90), got {msg.inactive_seat_days}"
        )
    return {
        "max_vendors": msg.max_vendors if msg.max_vendors > 0 else None,
        "max_vendors_per_category": msg.max_vendors_per_category
        if msg.max_vendors_per_category > 0
        else None,
        "category_limits": limits,
        "must_keep_vendor_ids": list(msg.must_keep_vendor_ids),
        "excluded_vendor_ids": list(msg.excluded_vendor_ids),
        "horizon_months": msg.horizon_months if 0 < msg.horizon_months <= 600 else 12,
        "allow_overbuy": not msg.forbid_overbuy,
        "inactive_seat_days": msg.inactive_seat_days if msg.inactive_seat_days > 0 else 90,
        "as_of": optional_timestamp(msg, "as_of_time", f"{path}.as_of_time", errors) or datetime.now(UTC),
        "single_sourcing": msg.single_sourcing,
        "reclaim_seats": not msg.keep_inactive_seats,
        "downgrade_seats": not msg.keep_seat_plans,
        "alternatives": not msg.best_only,
    }


def _check_references(data: dict[str, Any], errors: ViolationCollector) -> None:
    vendors = {v["vendor_id"]: v for v in data["vendors"]}
    seen_v: set[str] = set()
    for i, v in enumerate(data["vendors"]):
        if v["vendor_id"] in seen_v and v["vendor_id"] != "?":
            errors.add(f"vendors[{i}].vendor_id", f"duplicate vendor id '{v['vendor_id']}'")
        seen_v.add(v["vendor_id"])
    seats_by_demand: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for k, s in enumerate(data["seats"]):
        seats_by_demand.setdefault(s["demand_id"], []).append((k, s))
    demand_ids: set[str] = set()
    for i, d in enumerate(data["demands"]):
        path = f"demands[{i}]"
        if d["demand_id"] in demand_ids and d["demand_id"] != "?":
            errors.add(f"{path}.demand_id", f"duplicate demand id '{d['demand_id']}'")
        demand_ids.add(d["demand_id"])
        vid = d["current_vendor_id"]
        if not vid:
            continue
        vendor = vendors.get(vid)
        if vendor is None:
            errors.add(f"{path}.current_vendor_id", f"unknown vendor '{vid}' (not in vendors)")
            continue
        covering = [ln["line_id"] for ln in vendor["lines"] if d["capability"] in ln["capabilities"]]
        if d["current_line_id"]:
            line = next((ln for ln in vendor["lines"] if ln["line_id"] == d["current_line_id"]), None)
            if line is None:
                errors.add(f"{path}.current_line_id", f"vendor '{vid}' has no line '{d['current_line_id']}'")
            elif d["capability"] not in line["capabilities"]:
                errors.add(
                    f"{path}.current_line_id",
                    f"line '{d['current_line_id']}' of '{vid}' does not cover capability '{d['capability']}'",
                )
        elif not covering:
            errors.add(
                f"{path}.current_vendor_id",
                f"vendor '{vid}' has no line covering capability '{d['capability']}' "
                "(add its current price line)",
            )
        elif len(covering) > 1:
            seats = seats_by_demand.get(d["demand_id"], [])
            if len(seats) < d["quantity"] or any(not s["line_id"] for _k, s in seats):
                errors.add(
                    f"{path}.current_line_id",
                    f"vendor '{vid}' has {len(covering)} lines covering '{d['capability']}' "
                    f"({', '.join(covering[:5])}); say which one serves this demand",
                )
    demands = {d["demand_id"]: d for d in data["demands"]}
    for demand_id, seats in seats_by_demand.items():
        d = demands.get(demand_id)
        users: set[str] = set()
        for k, s in seats:
            path = f"seats[{k}]"
            if d is None:
                errors.add(f"{path}.demand_id", f"unknown demand '{demand_id}'")
                continue
            if not d["current_vendor_id"]:
                errors.add(f"{path}.demand_id", f"demand '{demand_id}' has no current vendor to hold seats")
                continue
            if s["user_id"] in users:
                errors.add(f"{path}.user_id", f"duplicate user '{s['user_id']}' in demand '{demand_id}'")
            users.add(s["user_id"])
            vendor = vendors.get(d["current_vendor_id"])
            if vendor is not None and s["line_id"]:
                line = next((ln for ln in vendor["lines"] if ln["line_id"] == s["line_id"]), None)
                if line is None:
                    errors.add(
                        f"{path}.line_id", f"vendor '{vendor['vendor_id']}' has no line '{s['line_id']}'"
                    )
                elif d["capability"] not in line["capabilities"]:
                    errors.add(f"{path}.line_id", f"line '{s['line_id']}' does not cover '{d['capability']}'")
        if d is not None and len(seats) > d["quantity"] + 1e-9:
            errors.add(
                f"seats[{seats[-1][0]}].demand_id",
                f"{len(seats)} seats listed for demand '{demand_id}' whose quantity is {d['quantity']:g}",
            )
    policy = data["policy"]
    for key in ("must_keep_vendor_ids", "excluded_vendor_ids"):
        for k, vid in enumerate(policy[key]):
            if vid not in vendors:
                errors.add(f"policy.{key}[{k}]", f"unknown vendor '{vid}'")
    keep = set(policy["must_keep_vendor_ids"])
    for k, vid in enumerate(policy["excluded_vendor_ids"]):
        if vid in keep:
            errors.add(f"policy.excluded_vendor_ids[{k}]", f"vendor '{vid}' is also in must_keep_vendor_ids")


def decode_consolidate_vendors(req: vpb.ConsolidateVendorsRequest) -> ConsolidationRequest:
    """Validate and convert a ConsolidateVendorsRequest; raises InvalidArgumentError listing every problem."""
    errors = ViolationCollector(limit=MAX_VIOLATIONS)
    currency = req.currency_code or "USD"
    if not _CURRENCY.match(currency):
        errors.add("currency_code", f"must be an ISO 4217 code such as USD, got '{req.currency_code}'")
    if not req.demands:
        errors.add("demands", "at least one demand is required")
    if not req.vendors:
        errors.add("vendors", "at least one vendor offer is required")
    seats = []
    for k, s in enumerate(req.seats):
        if not s.demand_id:
            errors.add(f"seats[{k}].demand_id", "must not be empty")
        if not s.user_id:
            errors.add(f"seats[{k}].user_id", "must not be empty")
        seats.append(
            {
                "demand_id": s.demand_id or "?",
                "user_id": s.user_id or "?",
                "line_id": s.line_id,
                "last_active": optional_timestamp(
                    s, "last_active_time", f"seats[{k}].last_active_time", errors
                ),
                "assigned": optional_timestamp(s, "assigned_time", f"seats[{k}].assigned_time", errors),
                "features_used": list(s.features_used),
            }
        )
    data = {
        "currency_code": currency if _CURRENCY.match(currency) else "USD",
        "demands": [_decode_demand(d, f"demands[{i}]", errors) for i, d in enumerate(req.demands)],
        "vendors": [_decode_vendor(v, f"vendors[{i}]", errors) for i, v in enumerate(req.vendors)],
        "seats": seats,
        "policy": _decode_policy(req.policy, errors),
    }
    _check_references(data, errors)
    require_no_errors(errors)
    try:
        domain = ConsolidationRequest.model_validate(data)
    except ValidationError as exc:
        for v in pydantic_violations(exc):
            errors.add(v.field, v.description)
        require_no_errors(errors)
        raise
    return domain


def encode_consolidate_vendors(
    outcome: ConsolidationOutcome, currency: str
) -> vpb.ConsolidateVendorsResponse:
    """Domain outcome -> ConsolidateVendorsResponse."""
    msg = vpb.ConsolidateVendorsResponse(
        plans=[plan_to_proto(p) for p in outcome.plans],
        warnings=outcome.warnings,
        allocations=[
            vpb.DemandAllocation(
                demand_id=a.demand_id,
                vendor_id=a.vendor_id,
                line_id=a.line_id,
                quantity=a.quantity,
                migrated=a.migrated,
                migration_cost=to_money(a.migration_cost, currency),
                monthly_cost=to_money(a.monthly_cost, currency),
            )
            for a in outcome.allocations
        ],
        vendors=[
            vpb.VendorOutcome(
                vendor_id=v.vendor_id,
                kept=v.kept,
                incumbent=v.incumbent,
                lines=[
                    vpb.LineOutcome(
                        line_id=ln.line_id,
                        quantity_needed=ln.quantity_needed,
                        quantity_bought=ln.quantity_bought,
                        overbuy=ln.overbuy,
                        tier_index=ln.tier_index,
                        unit_price=to_money(ln.unit_price, currency),
                        monthly_cost=to_money(ln.monthly_cost, currency),
                        baseline_quantity=ln.baseline_quantity,
                        baseline_monthly_cost=to_money(ln.baseline_monthly_cost, currency),
                    )
                    for ln in v.lines
                ],
                monthly_cost=to_money(v.monthly_cost, currency),
                baseline_monthly_cost=to_money(v.baseline_monthly_cost, currency),
                commitment_shortfall=to_money(v.commitment_shortfall, currency),
                exit_penalty=to_money(v.exit_penalty, currency),
                onboarding_cost=to_money(v.onboarding_cost, currency),
                reason=v.reason,
            )
            for v in outcome.vendors
        ],
    )
    for s in outcome.seats:
        seat = vpb.SeatOutcome(
            demand_id=s.demand_id,
            user_id=s.user_id,
            vendor_id=s.vendor_id,
            decision=_seat_decision(s.decision),
            from_line_id=s.from_line_id,
            to_line_id=s.to_line_id,
            reason=s.reason,
        )
        if s.days_inactive is not None:
            seat.days_inactive = s.days_inactive
        msg.seats.append(seat)
    return msg


def _seat_decision(decision: SeatDecision) -> Any:
    return domain_enum_to_proto(decision, vpb.SeatDecision, "SEAT_DECISION_")


def _timestamp(value: datetime | None) -> Any:
    from google.protobuf import timestamp_pb2

    ts = timestamp_pb2.Timestamp()
    if value is not None:
        ts.FromDatetime(value.astimezone(UTC))
    return ts


def encode_vendor_offer(offer: VendorOffer) -> vpb.VendorOffer:
    """Domain vendor offer -> proto (for clients building requests, e.g. from SaaS pricings)."""
    msg = vpb.VendorOffer(
        vendor_id=offer.vendor_id,
        display_name=offer.display_name,
        category=domain_enum_to_proto(offer.category, pb.TechnologyCategory, "TECHNOLOGY_CATEGORY_"),
        lines=[
            vpb.PriceLine(
                line_id=ln.line_id,
                display_name=ln.display_name,
                capabilities=ln.capabilities,
                tiers=[vpb.PriceTier(min_quantity=t.min_quantity, unit_price=t.unit_price) for t in ln.tiers],
                tier_pricing=domain_enum_to_proto(ln.tier_pricing, vpb.TierPricing, "TIER_PRICING_"),
                tier_basis=domain_enum_to_proto(ln.tier_basis, vpb.TierBasis, "TIER_BASIS_"),
                max_quantity=ln.max_quantity or 0.0,
                whole_units=ln.whole_units,
                features=ln.features,
                unit=ln.unit,
            )
            for ln in offer.lines
        ],
        fixed_monthly_fee=offer.fixed_monthly_fee,
        minimum_monthly_commitment=offer.minimum_monthly_commitment,
        exit_penalty=offer.exit_penalty,
        locked_until_contract_end=offer.locked_until_contract_end,
        under_contract=offer.under_contract,
        onboarding_cost=offer.onboarding_cost,
        max_total_quantity=offer.max_total_quantity or 0.0,
        single_plan=offer.single_plan,
    )
    if offer.contract_end is not None:
        msg.contract_end_time.CopyFrom(_timestamp(offer.contract_end))
    return msg


def encode_consolidation_request(request: ConsolidationRequest) -> vpb.ConsolidateVendorsRequest:
    """Domain request -> proto (the inverse of :func:`decode_consolidate_vendors`)."""
    policy = request.policy
    msg = vpb.ConsolidateVendorsRequest(
        currency_code=request.currency_code,
        demands=[
            vpb.Demand(
                demand_id=d.demand_id,
                category=domain_enum_to_proto(d.category, pb.TechnologyCategory, "TECHNOLOGY_CATEGORY_"),
                capability=d.capability,
                quantity=d.quantity,
                unit=d.unit,
                current_vendor_id=d.current_vendor_id,
                current_line_id=d.current_line_id,
                migration_cost_per_unit=d.migration_cost_per_unit,
                population=d.population,
            )
            for d in request.demands
        ],
        vendors=[encode_vendor_offer(v) for v in request.vendors],
        policy=vpb.ConsolidationPolicy(
            max_vendors=policy.max_vendors or 0,
            max_vendors_per_category=policy.max_vendors_per_category or 0,
            category_limits=[
                vpb.CategoryVendorLimit(
                    category=domain_enum_to_proto(c, pb.TechnologyCategory, "TECHNOLOGY_CATEGORY_"),
                    max_vendors=k,
                )
                for c, k in policy.category_limits.items()
            ],
            must_keep_vendor_ids=policy.must_keep_vendor_ids,
            excluded_vendor_ids=policy.excluded_vendor_ids,
            horizon_months=policy.horizon_months,
            forbid_overbuy=not policy.allow_overbuy,
            inactive_seat_days=policy.inactive_seat_days,
            as_of_time=_timestamp(policy.as_of),
            single_sourcing=policy.single_sourcing,
            keep_inactive_seats=not policy.reclaim_seats,
            keep_seat_plans=not policy.downgrade_seats,
            best_only=not policy.alternatives,
        ),
    )
    for s in request.seats:
        seat = vpb.SeatActivity(
            demand_id=s.demand_id, user_id=s.user_id, line_id=s.line_id, features_used=s.features_used
        )
        if s.last_active is not None:
            seat.last_active_time.CopyFrom(_timestamp(s.last_active))
        if s.assigned is not None:
            seat.assigned_time.CopyFrom(_timestamp(s.assigned))
        msg.seats.append(seat)
    return msg
