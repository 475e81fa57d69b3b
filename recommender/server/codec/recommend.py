"""Recommend: proto request -> validated domain request (FOCUS export read here); outcome -> proto.

Each sub-request is validated by its lever's codec and its violations are reported with
the sub-request's field name in front, e.g. ``right_sizing.resources[2].metrics[0].values[5]``
or ``commitments.offerings[0].term``; the overlay's as ``overlay.exchange_rate``; rows
of the FOCUS export as ``focus_csv:row 42:ListCost``. Every violation is collected
before the request is rejected.
"""

from __future__ import annotations

import math
import re
from typing import Any

from google.protobuf import timestamp_pb2
from pydantic import ValidationError

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import consolidation_pb2 as vpb
from recommender.api.v1 import recommend_pb2 as apb
from recommender.domain.commitments import CommitmentRequest
from recommender.domain.common import TechnologyCategory
from recommender.domain.consolidation import ConsolidationRequest
from recommender.domain.recommend import (
    PlanBreakdown,
    RecommendOutcome,
    RecommendRequest,
    SequencingComparison,
)
from recommender.domain.rightsizing import RightSizeRequest
from recommender.domain.routing import RoutingRequest
from recommender.errors import FieldViolation, InvalidArgumentError, ViolationCollector
from recommender.planning.recommend import recommend, require_inputs
from recommender.planning.recommend_focus import FocusExtract, extract_focus
from recommender.server.codec.commitments import (
    decode_plan_commitments,
    encode_offering,
    encode_savings_curve,
    encode_usage_class,
)
from recommender.server.codec.common import (
    domain_enum_to_proto,
    enum_to_domain,
    plan_to_proto,
    pydantic_violations,
    require_no_errors,
    to_money,
)
from recommender.server.codec.consolidation import decode_consolidate_vendors
from recommender.server.codec.rightsizing import decode_right_size
from recommender.server.codec.routing import decode_route_workloads

MAX_VIOLATIONS = 100
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _prefixed(error: InvalidArgumentError, prefix: str, errors: ViolationCollector) -> None:
    for v in error.violations:
        field = v.field
        if field.startswith("focus.csv"):
            field = "focus_csv" + field[len("focus.csv") :]
        elif field == "request":
            field = prefix
        elif not field.startswith(prefix):
            field = f"{prefix}.{field}"
        errors.add(field, v.description)


def _decode_overlay(msg: apb.ReportingOverlay, currency: str, errors: ViolationCollector) -> dict[str, Any]:
    code = msg.reporting_currency_code or currency
    if not _CURRENCY.match(code):
        errors.add("overlay.reporting_currency_code", f"must be an ISO 4217 code such as INR, got '{code}'")
        code = currency
    rate = msg.exchange_rate
    if not math.isfinite(rate) or rate < 0:
        errors.add("overlay.exchange_rate", f"must be a positive finite number, got {rate}")
        rate = 1.0
    elif rate == 0:
        if code != currency:
            errors.add(
                "overlay.exchange_rate",
                f"is required to report in {code}: give the {code} per {currency} rate (e.g. 83.2 INR per "
                "USD)",
            )
        rate = 1.0
    elif code == currency and rate != 1.0:
        errors.add(
            "overlay.exchange_rate", f"must be 1 (or unset) when reporting in the input currency {currency}"
        )
    tax = msg.tax_rate
    if not math.isfinite(tax) or not 0 <= tax < 1:
        errors.add("overlay.tax_rate", f"must be in [0, 1), got {tax}")
        tax = 0.0
    taxed = []
    for i, value in enumerate(msg.taxed_categories):
        cat = enum_to_domain(
            value,
            pb.TechnologyCategory,
            TechnologyCategory,
            "TECHNOLOGY_CATEGORY_",
            f"overlay.taxed_categories[{i}]",
            errors,
        )
        if cat is not None:
            taxed.append(cat)
    if msg.taxed_categories and tax == 0:
        errors.add("overlay.taxed_categories", "given without a tax_rate")
    residency = msg.default_residency
    for i, c in enumerate(residency.allowed_countries):
        if not re.fullmatch(r"[A-Za-z]{2}", c):
            errors.add(
                f"overlay.default_residency.allowed_countries[{i}]",
                f"must be an ISO 3166-1 alpha-2 code, got '{c}'",
            )
    for i, r in enumerate(residency.allowed_regions):
        if not r.strip():
            errors.add(f"overlay.default_residency.allowed_regions[{i}]", "must not be empty")
    return {
        "reporting_currency": code,
        "exchange_rate": rate,
        "tax_rate": tax,
        "taxed_categories": frozenset(taxed),
        "default_residency": {
            "allowed_countries": frozenset(c.upper() for c in residency.allowed_countries),
            "allowed_regions": frozenset(r for r in residency.allowed_regions if r.strip()),
        },
    }


def _decode_policy(req: apb.RecommendRequest, errors: ViolationCollector) -> dict[str, Any]:
    p = req.policy
    cp = req.commitments.policy
    horizon = p.horizon_months or cp.horizon_months or 12
    if not 1 <= horizon <= 120:
        errors.add("policy.horizon_months", f"must be in 1-120, got {horizon}")
        horizon = 12
    weight = p.risk_weight if p.HasField("risk_weight") else 0.5
    if not math.isfinite(weight) or not 0 <= weight <= 1:
        errors.add("policy.risk_weight", f"must be in [0, 1], got {weight}")
        weight = 0.5
    drop = p.stress_usage_drop or cp.stress_usage_drop or 0.2
    if not math.isfinite(drop) or not 0 <= drop < 1:
        errors.add("policy.stress_usage_drop", f"must be in [0, 1), got {drop}")
        drop = 0.2
    return {"horizon_months": horizon, "risk_weight": weight, "stress_usage_drop": drop}


def _has_usage(msg: cpb.PlanCommitmentsRequest) -> bool:
    return bool(msg.usage_classes or msg.usage.series)


def _has_terms(msg: cpb.PlanCommitmentsRequest) -> bool:
    return bool(msg.offerings or msg.existing_commitments)


def _focus_commitments(req: apb.RecommendRequest, focus: FocusExtract) -> cpb.PlanCommitmentsRequest:
    msg = cpb.PlanCommitmentsRequest()
    msg.CopyFrom(req.commitments)
    msg.currency_code = msg.currency_code or focus.currency
    del msg.usage_classes[:]
    msg.usage_classes.extend(encode_usage_class(c) for c in focus.ledger_classes)
    if not msg.existing_commitments:
        msg.existing_commitments.extend(
            pb.ExistingCommitment(
                commitment_id=e.commitment_id, terms=encode_offering(e.terms), quantity=e.quantity
            )
            for e in focus.held_commitments
        )
    start = timestamp_pb2.Timestamp()
    start.FromDatetime(focus.start)
    msg.usage.CopyFrom(
        pb.UsageProfile(
            start_time=start,
            series=[
                pb.UsageSeries(class_id=c.class_id, quantity=focus.ledger_usage[:, j].tolist())
                for j, c in enumerate(focus.ledger_classes)
            ],
        )
    )
    return msg


def decode_recommend(req: apb.RecommendRequest) -> RecommendRequest:
    """Validate and convert a RecommendRequest (reading its FOCUS export); raises
    InvalidArgumentError listing every problem.
    """
    errors = ViolationCollector(limit=MAX_VIOLATIONS)
    warnings: list[str] = []
    right_sizing: RightSizeRequest | None = None
    consolidation: ConsolidationRequest | None = None
    commitments: CommitmentRequest | None = None
    focus: FocusExtract | None = None
    if req.HasField("right_sizing"):
        try:
            right_sizing = decode_right_size(req.right_sizing)
        except InvalidArgumentError as exc:
            _prefixed(exc, "right_sizing", errors)
    if req.HasField("consolidation"):
        consolidation = _decode_consolidation(req, errors)
    routing: RoutingRequest | None = None
    if req.HasField("routing"):
        try:
            routing = decode_route_workloads(req.routing)
        except InvalidArgumentError as exc:
            _prefixed(exc, "routing", errors)
    has_usage = req.HasField("commitments") and _has_usage(req.commitments)
    if req.focus_csv and has_usage:
        warnings.append(
            "focus_csv is ignored: commitments.usage is given (the FOCUS export is read only without it)."
        )
    elif req.focus_csv:
        try:
            focus = extract_focus(
                bytes(req.focus_csv),
                consolidate_saas=consolidation is not None,
                route_ai=req.HasField("routing"),
                held_commitments_given=bool(req.commitments.existing_commitments),
                caller_vendors={v.vendor_id: v for v in consolidation.vendors} if consolidation else None,
            )
        except InvalidArgumentError as exc:
            _prefixed(exc, "focus_csv", errors)
    if has_usage:
        commitments = _decode_commitments(req.commitments, errors)
    elif focus is not None and focus.ledger_classes:
        commitments = _decode_commitments(_focus_commitments(req, focus), errors)
    elif req.HasField("commitments") and _has_terms(req.commitments) and not req.focus_csv:
        errors.add(
            "commitments.usage.series",
            "usage is required with offerings or held commitments (or give focus_csv)",
        )
    if consolidation is not None and not consolidation.demands and not (focus and focus.saas_demands):
        errors.add(
            "consolidation.demands",
            "at least one demand is required (none given, and no SaaS or licensing usage in focus_csv)",
        )
    currency = _currency(req, focus, errors)
    overlay = _decode_overlay(req.overlay, currency, errors)
    policy = _decode_policy(req, errors)
    max_plans = req.max_plans or 3
    if max_plans < 0:
        errors.add("max_plans", f"must be positive, got {max_plans}")
    if max_plans > 3:
        warnings.append(f"max_plans {max_plans}: at most 3 plans (conservative, balanced, aggressive) exist.")
    require_no_errors(errors)
    try:
        domain = RecommendRequest(
            currency_code=currency,
            commitments=commitments,
            right_sizing=right_sizing,
            consolidation=consolidation,
            routing=routing,
            focus=focus,
            overlay=overlay,
            max_plans=min(max(max_plans, 1), 3),
            policy=policy,
            warnings=warnings,
        )
    except ValidationError as exc:
        raise InvalidArgumentError(pydantic_violations(exc)) from None
    require_inputs(domain)
    return domain


_PLACEHOLDER = "recommend:focus-placeholder"


def _decode_consolidation(
    req: apb.RecommendRequest, errors: ViolationCollector
) -> ConsolidationRequest | None:
    """The consolidation sub-request; with a FOCUS export its demands may all come from the
    export's SaaS and licensing usage (checked once the export is read).
    """
    msg = req.consolidation
    placeholder = bool(req.focus_csv) and not msg.demands and bool(msg.vendors) and bool(msg.vendors[0].lines)
    if placeholder:
        msg = vpb.ConsolidateVendorsRequest()
        msg.CopyFrom(req.consolidation)
        capability = next((c for c in msg.vendors[0].lines[0].capabilities if c), "placeholder")
        msg.demands.add(demand_id=_PLACEHOLDER, capability=capability, quantity=1)
    try:
        decoded = decode_consolidate_vendors(msg)
    except InvalidArgumentError as exc:
        _prefixed(exc, "consolidation", errors)
        return None
    if placeholder:
        decoded = decoded.model_copy(
            update={"demands": [d for d in decoded.demands if d.demand_id != _PLACEHOLDER]}
        )
    return decoded


def _decode_commitments(
    msg: cpb.PlanCommitmentsRequest, errors: ViolationCollector
) -> CommitmentRequest | None:
    try:
        return decode_plan_commitments(msg)
    except InvalidArgumentError as exc:
        _prefixed(exc, "commitments", errors)
        return None


def _currency(req: apb.RecommendRequest, focus: FocusExtract | None, errors: ViolationCollector) -> str:
    given = []
    if req.HasField("commitments") and req.commitments.currency_code:
        given.append(("commitments.currency_code", req.commitments.currency_code))
    if req.HasField("right_sizing") and req.right_sizing.currency_code:
        given.append(("right_sizing.currency_code", req.right_sizing.currency_code))
    if req.HasField("consolidation") and req.consolidation.currency_code:
        given.append(("consolidation.currency_code", req.consolidation.currency_code))
    if req.HasField("routing") and req.routing.currency_code:
        given.append(("routing.currency_code", req.routing.currency_code))
    if focus is not None and not given:
        given.append(("focus_csv", focus.currency))
    currency = given[0][1] if given else "USD"
    for path, code in given[1:]:
        if code != currency:
            errors.add(
                path, f"all inputs must be in one currency: {code} differs from {currency} ({given[0][0]})"
            )
    if focus is not None and focus.currency != currency and req.commitments.currency_code == "":
        errors.add("focus_csv", f"the export bills in {focus.currency}, the other inputs are in {currency}")
    if not _CURRENCY.match(currency):
        errors.add(given[0][0] if given else "currency", f"must be an ISO 4217 code, got '{currency}'")
        currency = "USD"
    return currency


# --- encoding --------------------------------------------------------------------------


def _sequencing(s: SequencingComparison, cur: str) -> apb.SequencingComparison:
    return apb.SequencingComparison(
        commit_first_monthly_cost=to_money(s.commit_first_monthly_cost, cur),
        sequenced_monthly_cost=to_money(s.sequenced_monthly_cost, cur),
        sequenced_advantage=to_money(s.advantage, cur),
        commit_first_utilization=s.commit_first_utilization,
        sequenced_utilization=s.sequenced_utilization,
        commit_first_unused_commitment=to_money(s.commit_first_unused_commitment, cur),
        sequenced_unused_commitment=to_money(s.sequenced_unused_commitment, cur),
        commit_first_commitment_per_hour=to_money(s.commit_first_commitment_per_hour, cur),
        sequenced_commitment_per_hour=to_money(s.sequenced_commitment_per_hour, cur),
    )


def _breakdown(b: PlanBreakdown, cur: str) -> apb.PlanBreakdown:
    msg = apb.PlanBreakdown(
        plan_id=b.plan_id,
        levers=[
            apb.LeverSavings(
                lever=domain_enum_to_proto(ls.lever, pb.Lever, "LEVER_"),
                monthly_savings=to_money(ls.monthly_savings, cur),
                upfront_cost=to_money(ls.upfront_cost, cur),
                action_count=ls.action_count,
                source_plan_title=ls.source_plan_title,
                source_profile=domain_enum_to_proto(ls.source_profile, pb.RiskProfile, "RISK_PROFILE_"),
            )
            for ls in b.levers
        ],
        risk_adjusted_horizon_savings=to_money(b.risk_adjusted_horizon_savings, cur),
        stressed_monthly_savings=to_money(b.stressed_monthly_savings, cur),
        one_time_costs=to_money(b.one_time_costs, cur),
        baseline_by_category=[
            apb.CategoryCost(
                category=domain_enum_to_proto(c, pb.TechnologyCategory, "TECHNOLOGY_CATEGORY_"),
                monthly_cost=to_money(v, cur),
            )
            for c, v in sorted(b.baseline_by_category.items())
        ],
    )
    if b.sequencing is not None:
        msg.sequencing.CopyFrom(_sequencing(b.sequencing, cur))
    if b.commitment_curve is not None:
        msg.commitment_curve.CopyFrom(encode_savings_curve(b.commitment_curve, cur))
    return msg


def encode_recommend(outcome: RecommendOutcome, reporting_currency: str) -> apb.RecommendResponse:
    """Domain outcome -> RecommendResponse."""
    return apb.RecommendResponse(
        plans=[plan_to_proto(p) for p in outcome.plans],
        warnings=outcome.warnings,
        breakdowns=[_breakdown(b, reporting_currency) for b in outcome.breakdowns],
        input_currency_code=outcome.input_currency_code,
        exchange_rate=outcome.exchange_rate,
        tax_rate=outcome.tax_rate,
    )


def recommend_serialized(payload: bytes, time_limit: float | None = None) -> bytes:
    """Serialized RecommendRequest -> serialized RecommendResponse (the pool's plan function:
    decoding, the FOCUS export, planning and encoding all run in the solver worker).
    """
    request = apb.RecommendRequest.FromString(payload)
    domain = decode_recommend(request)
    outcome = recommend(domain, time_limit)
    return encode_recommend(outcome, domain.overlay.reporting_currency).SerializeToString()


__all__ = ["FieldViolation", "decode_recommend", "encode_recommend", "recommend_serialized"]
