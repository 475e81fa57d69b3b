"""PlanCommitments: proto request -> validated domain request; outcome -> proto response.

Every problem found is reported at once as a field violation whose path follows
the proto field names, e.g. ``usage.series[2].quantity[17]`` or
``offerings[0].spend_commitment.rates[1].rate``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
from google.protobuf import timestamp_pb2
from pydantic import ValidationError

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import common_pb2 as pb
from recommender.domain.commitments import (
    CommitmentOffering,
    CommitmentRequest,
    PaymentOption,
    PlanDetail,
    SavingsCurve,
    Term,
    UsageClass,
)
from recommender.domain.common import TechnologyCategory
from recommender.errors import ViolationCollector
from recommender.planning.commitment_plans import CommitmentOutcome
from recommender.server.codec.common import (
    domain_enum_to_proto,
    duration_seconds,
    enum_to_domain,
    finite_array,
    optional_timestamp,
    plan_to_proto,
    pydantic_violations,
    require_no_errors,
    to_money,
)

MAX_VIOLATIONS = 100


def decode_usage_class(msg: pb.UsageClass, path: str, errors: ViolationCollector) -> dict[str, Any]:
    """Plain dict of a UsageClass (proto defaults applied)."""
    category = enum_to_domain(
        msg.category,
        pb.TechnologyCategory,
        TechnologyCategory,
        "TECHNOLOGY_CATEGORY_",
        f"{path}.category",
        errors,
        required=False,
    )
    return {
        "class_id": msg.class_id,
        "provider": msg.provider,
        "region": msg.region,
        "instance_type": msg.instance_type,
        "family": msg.family,
        "platform": msg.platform,
        "on_demand_rate": msg.on_demand_rate,
        "normalization_factor": msg.normalization_factor or 1.0,
        "category": category or TechnologyCategory.UNSPECIFIED,
    }


def decode_offering(msg: pb.CommitmentOffering, path: str, errors: ViolationCollector) -> dict[str, Any]:
    """Plain dict of a CommitmentOffering (enums mapped; placeholders where invalid)."""
    term = enum_to_domain(msg.term, pb.CommitmentTerm, Term, "COMMITMENT_TERM_", f"{path}.term", errors)
    payment = enum_to_domain(
        msg.payment_option,
        pb.PaymentOption,
        PaymentOption,
        "PAYMENT_OPTION_",
        f"{path}.payment_option",
        errors,
    )
    data: dict[str, Any] = {
        "offering_id": msg.offering_id,
        "display_name": msg.display_name,
        "provider": msg.provider,
        "term": term or Term.ONE_YEAR,
        "payment_option": payment or PaymentOption.NO_UPFRONT,
        "max_quantity": msg.max_quantity,
    }
    kind = msg.WhichOneof("instrument")
    if kind == "reserved_instance":
        ri = msg.reserved_instance
        data["reserved_instance"] = {
            "covered_class_ids": list(ri.covered_class_ids),
            "normalized_units_per_unit": ri.normalized_units_per_unit or 1.0,
            "upfront_per_unit": ri.upfront_per_unit,
            "hourly_per_unit": ri.hourly_per_unit,
        }
    elif kind == "spend_commitment":
        data["spend_commitment"] = {
            "rates": [{"class_id": r.class_id, "rate": r.rate} for r in msg.spend_commitment.rates]
        }
    else:
        errors.add(path, "one of reserved_instance or spend_commitment must be set")
        data["spend_commitment"] = {"rates": [{"class_id": "placeholder", "rate": 1.0}]}
    return data


def _decode_usage(
    req: cpb.PlanCommitmentsRequest, class_ids: list[str], errors: ViolationCollector
) -> np.ndarray:
    usage = req.usage
    if usage.HasField("step") and duration_seconds(usage.step) not in (0.0, 3600.0):
        errors.add("usage.step", "only hourly usage (3600s) is accepted by the commitment lever")
    if not usage.series:
        errors.add("usage.series", "at least one usage series is required")
        return np.zeros((0, len(class_ids)))
    index = {c: j for j, c in enumerate(class_ids)}
    expected = len(usage.series[0].quantity)
    if expected == 0:
        errors.add("usage.series[0].quantity", "must not be empty")
    columns: dict[int, np.ndarray] = {}
    for i, series in enumerate(usage.series):
        path = f"usage.series[{i}]"
        j = index.get(series.class_id)
        if j is None:
            errors.add(f"{path}.class_id", f"unknown usage class '{series.class_id}' (not in usage_classes)")
            continue
        if j in columns:
            errors.add(f"{path}.class_id", f"duplicate series for usage class '{series.class_id}'")
            continue
        if len(series.quantity) != expected:
            errors.add(
                f"{path}.quantity",
                f"has {len(series.quantity)} values, expected {expected} (the length of usage.series[0])",
            )
            continue
        columns[j] = finite_array(series.quantity, f"{path}.quantity", errors, non_negative=True)
    for c, j in index.items():
        if j not in columns and not any(v.field.startswith("usage.series") for v in errors.violations):
            errors.add("usage.series", f"no usage series for usage class '{c}'")
    matrix = np.zeros((expected, len(class_ids)))
    for j, col in columns.items():
        matrix[:, j] = col
    return matrix


def _check_references(req: CommitmentRequest, errors: ViolationCollector) -> None:
    seen: set[str] = set()
    for j, cls in enumerate(req.usage_classes):
        if cls.class_id in seen:
            errors.add(f"usage_classes[{j}].class_id", f"duplicate class id '{cls.class_id}'")
        seen.add(cls.class_id)
    rates = {c.class_id: c.on_demand_rate for c in req.usage_classes}
    offering_ids: set[str] = set()
    groups = [("offerings", o) for o in req.offerings]
    for i, (_, offering) in enumerate(groups):
        if offering.offering_id in offering_ids:
            errors.add(f"offerings[{i}].offering_id", f"duplicate offering id '{offering.offering_id}'")
        offering_ids.add(offering.offering_id)
    targets = [(f"offerings[{i}]", o) for i, o in enumerate(req.offerings)]
    targets += [(f"existing_commitments[{i}].terms", e.terms) for i, e in enumerate(req.existing_commitments)]
    for path, offering in targets:
        if offering.reserved_instance is not None:
            for k, cid in enumerate(offering.reserved_instance.covered_class_ids):
                if cid not in rates:
                    errors.add(
                        f"{path}.reserved_instance.covered_class_ids[{k}]", f"unknown usage class '{cid}'"
                    )
        if offering.spend_commitment is not None:
            for k, r in enumerate(offering.spend_commitment.rates):
                if r.class_id not in rates:
                    errors.add(
                        f"{path}.spend_commitment.rates[{k}].class_id", f"unknown usage class '{r.class_id}'"
                    )
                elif r.rate >= rates[r.class_id]:
                    errors.add(
                        f"{path}.spend_commitment.rates[{k}].rate",
                        f"{r.rate} is not below the on-demand rate {rates[r.class_id]} of '{r.class_id}'",
                    )


def _decode_risk(risk: cpb.RiskPolicy) -> dict[str, Any]:
    """Plain dict of a RiskPolicy (proto zero values mean the defaults)."""
    return {
        "scenarios": [
            {
                "name": s.name,
                "probability": s.probability,
                "monthly_growth": s.monthly_growth,
                "level_multiplier": s.level_multiplier or 1.0,
                "decommissions": [
                    {"class_id": d.class_id, "month": d.month, "fraction": d.fraction}
                    for d in s.decommissions
                ],
            }
            for s in risk.scenarios
        ],
        "sample_count": risk.sample_count or 8,
        "cvar_level": risk.cvar_level or 0.9,
        "balanced_risk_aversion": risk.balanced_risk_aversion or 0.5,
        "conservative_risk_aversion": risk.conservative_risk_aversion or 0.9,
        "max_lock_in_currency_months": risk.max_lock_in_currency_months,
        "seed": risk.seed,
        "rows_per_month": risk.rows_per_month or 12,
    }


def _check_scenarios(
    req: cpb.PlanCommitmentsRequest, class_ids: list[str], errors: ViolationCollector
) -> None:
    horizon = req.policy.horizon_months or 12
    for i, scenario in enumerate(req.policy.risk.scenarios):
        for k, event in enumerate(scenario.decommissions):
            path = f"policy.risk.scenarios[{i}].decommissions[{k}]"
            if event.class_id and event.class_id not in class_ids:
                errors.add(f"{path}.class_id", f"unknown usage class '{event.class_id}'")
            if event.month >= horizon:
                errors.add(f"{path}.month", f"{event.month} is not inside the {horizon}-month horizon")


def decode_plan_commitments(req: cpb.PlanCommitmentsRequest) -> CommitmentRequest:
    """Validate and convert a PlanCommitmentsRequest; raises InvalidArgumentError listing every problem."""
    errors = ViolationCollector(limit=MAX_VIOLATIONS)
    if not req.usage_classes:
        errors.add("usage_classes", "at least one usage class is required")
    classes = [decode_usage_class(c, f"usage_classes[{j}]", errors) for j, c in enumerate(req.usage_classes)]
    class_ids = [c["class_id"] for c in classes]
    usage = _decode_usage(req, class_ids, errors)
    _check_scenarios(req, class_ids, errors)
    policy = req.policy
    terms = [
        enum_to_domain(t, pb.CommitmentTerm, Term, "COMMITMENT_TERM_", f"policy.allowed_terms[{i}]", errors)
        for i, t in enumerate(policy.allowed_terms)
    ]
    payments = [
        enum_to_domain(
            p,
            pb.PaymentOption,
            PaymentOption,
            "PAYMENT_OPTION_",
            f"policy.allowed_payment_options[{i}]",
            errors,
        )
        for i, p in enumerate(policy.allowed_payment_options)
    ]
    data = {
        "currency_code": req.currency_code or "USD",
        "usage_classes": classes,
        "start_time": optional_timestamp(req.usage, "start_time", "usage.start_time", errors)
        or datetime(1970, 1, 1, tzinfo=UTC),
        "usage": usage,
        "offerings": [decode_offering(o, f"offerings[{i}]", errors) for i, o in enumerate(req.offerings)],
        "existing_commitments": [
            {
                "commitment_id": e.commitment_id,
                "terms": decode_offering(e.terms, f"existing_commitments[{i}].terms", errors),
                "quantity": e.quantity,
                "start_time": optional_timestamp(
                    e, "start_time", f"existing_commitments[{i}].start_time", errors
                ),
                "end_time": optional_timestamp(e, "end_time", f"existing_commitments[{i}].end_time", errors),
            }
            for i, e in enumerate(req.existing_commitments)
        ],
        "policy": {
            "annual_cost_of_capital": policy.annual_cost_of_capital,
            "horizon_months": policy.horizon_months or 12,
            "allow_fractional_units": policy.allow_fractional_units,
            "max_upfront": policy.max_upfront,
            "allowed_terms": [t for t in terms if t is not None],
            "allowed_payment_options": [p for p in payments if p is not None],
            "stress_usage_drop": policy.stress_usage_drop or 0.2,
            "joint_only": policy.joint_only,
            "risk": _decode_risk(policy.risk) if policy.HasField("risk") else None,
            "ladder": {
                "tranches": policy.ladder.tranches or 1,
                "spacing_months": policy.ladder.spacing_months or 1,
            }
            if policy.HasField("ladder")
            else None,
        },
    }
    domain: CommitmentRequest | None = None
    try:
        domain = CommitmentRequest.model_validate(data)
    except ValidationError as exc:
        for v in pydantic_violations(exc):
            if not v.field.startswith("usage_classes") or classes:
                errors.add(v.field, v.description)
    if domain is not None:
        _check_references(domain, errors)
    require_no_errors(errors)
    assert domain is not None
    return domain


def encode_savings_curve(curve: SavingsCurve, cur: str) -> cpb.SavingsCurve:
    """Domain savings-vs-commitment curve -> SavingsCurve (amounts in ``cur``)."""
    return cpb.SavingsCurve(
        reference_plan_id=curve.reference_plan_id,
        basis=curve.basis,
        points=[
            cpb.SavingsCurvePoint(
                scale=p.scale,
                commitment_per_hour=to_money(p.commitment_per_hour, cur),
                monthly_savings=to_money(p.monthly_savings, cur),
                coverage=p.coverage,
                utilization=p.utilization,
                waste=p.waste,
                cvar_monthly_savings=to_money(p.cvar_monthly_savings, cur),
                probability_of_loss=p.probability_of_loss,
            )
            for p in curve.points
        ],
    )


def encode_plan_commitments(outcome: CommitmentOutcome) -> cpb.PlanCommitmentsResponse:
    """Domain outcome -> PlanCommitmentsResponse."""
    cur = outcome.plans[0].currency_code if outcome.plans else "USD"
    msg = cpb.PlanCommitmentsResponse(
        plans=[plan_to_proto(p) for p in outcome.plans],
        warnings=outcome.warnings,
        details=[_detail_to_proto(d, cur) for d in outcome.details],
    )
    if outcome.curve is not None:
        msg.curve.CopyFrom(encode_savings_curve(outcome.curve, cur))
    if outcome.forecast is not None:
        f = outcome.forecast
        msg.forecast.CopyFrom(
            cpb.ForecastSummary(
                history_hours=f.history_hours,
                seasonal_period_hours=f.seasonal_period_hours,
                trend_percent_per_month=f.trend_percent_per_month,
                horizon_months=f.horizon_months,
                scenarios=[
                    cpb.ScenarioInfo(
                        name=s.name,
                        probability=s.probability,
                        monthly_on_demand_equivalent_cost=to_money(s.monthly_on_demand_equivalent_cost, cur),
                    )
                    for s in f.scenarios
                ],
                method=f.method,
            )
        )
    return msg


def _timestamp(moment: datetime) -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC))
    return ts


def _detail_to_proto(d: PlanDetail, cur: str) -> cpb.CommitmentPlanDetail:
    msg = cpb.CommitmentPlanDetail(
        plan_id=d.plan_id,
        risk_aversion=d.risk_aversion,
        commitment_per_hour=to_money(d.commitment_per_hour, cur),
        months=[
            cpb.MonthlyCommitmentFigures(
                month=m.month,
                start_time=_timestamp(m.start_time),
                on_demand_equivalent_cost=to_money(m.on_demand_equivalent_cost, cur),
                commitment_cost=to_money(m.commitment_cost, cur),
                savings=to_money(m.savings, cur),
                worst_scenario_savings=to_money(m.worst_scenario_savings, cur),
                coverage=m.coverage,
                utilization=m.utilization,
                waste=m.waste,
                expiring_commitment_ids=m.expiring_commitment_ids,
            )
            for m in d.months
        ],
        schedule=[
            cpb.LadderTranche(
                month=t.month,
                offering_id=t.offering_id,
                quantity=t.quantity,
                min_quantity=t.min_quantity,
                max_quantity=t.max_quantity,
                quantity_unit=t.quantity_unit,
                renewal_of=t.renewal_of,
            )
            for t in d.schedule
        ],
        scenarios=[
            cpb.ScenarioOutcome(
                name=s.name, probability=s.probability, monthly_savings=to_money(s.monthly_savings, cur)
            )
            for s in d.scenarios
        ],
    )
    if d.ladder_comparison is not None:
        c = d.ladder_comparison
        msg.ladder_comparison.CopyFrom(
            cpb.LadderComparison(
                buy_now_monthly_savings=to_money(c.buy_now_monthly_savings, cur),
                ladder_monthly_savings=to_money(c.ladder_monthly_savings, cur),
                buy_now_cvar_monthly_savings=to_money(c.buy_now_cvar_monthly_savings, cur),
                ladder_cvar_monthly_savings=to_money(c.ladder_cvar_monthly_savings, cur),
                buy_now_lock_in_currency_months=c.buy_now_lock_in_currency_months,
                ladder_lock_in_currency_months=c.ladder_lock_in_currency_months,
                buy_now_probability_of_loss=c.buy_now_probability_of_loss,
                ladder_probability_of_loss=c.ladder_probability_of_loss,
            )
        )
    return msg


def encode_offering(offering: CommitmentOffering) -> pb.CommitmentOffering:
    """Domain offering -> proto (used by clients that build requests from the catalogue)."""
    msg = pb.CommitmentOffering(
        offering_id=offering.offering_id,
        display_name=offering.display_name,
        provider=offering.provider,
        term=domain_enum_to_proto(offering.term, pb.CommitmentTerm, "COMMITMENT_TERM_"),
        payment_option=domain_enum_to_proto(offering.payment_option, pb.PaymentOption, "PAYMENT_OPTION_"),
        max_quantity=offering.max_quantity,
    )
    if offering.reserved_instance is not None:
        ri = offering.reserved_instance
        msg.reserved_instance.CopyFrom(
            pb.ReservedInstanceTerms(
                covered_class_ids=ri.covered_class_ids,
                normalized_units_per_unit=ri.normalized_units_per_unit,
                upfront_per_unit=ri.upfront_per_unit,
                hourly_per_unit=ri.hourly_per_unit,
            )
        )
    elif offering.spend_commitment is not None:
        msg.spend_commitment.CopyFrom(
            pb.SpendCommitmentTerms(
                rates=[
                    pb.CoveredRate(class_id=r.class_id, rate=r.rate) for r in offering.spend_commitment.rates
                ]
            )
        )
    return msg


def encode_usage_class(cls: UsageClass) -> pb.UsageClass:
    """Domain usage class -> proto."""
    return pb.UsageClass(
        class_id=cls.class_id,
        provider=cls.provider,
        region=cls.region,
        instance_type=cls.instance_type,
        family=cls.family,
        platform=cls.platform,
        on_demand_rate=cls.on_demand_rate,
        normalization_factor=cls.normalization_factor,
        category=domain_enum_to_proto(cls.category, pb.TechnologyCategory, "TECHNOLOGY_CATEGORY_"),
    )
