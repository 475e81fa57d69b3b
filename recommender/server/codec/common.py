"""Proto <-> domain conversion shared by every lever: money, enums, plans, errors."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np
from google.protobuf import duration_pb2, timestamp_pb2
from google.protobuf.message import Message
from google.type import money_pb2
from pydantic import ValidationError

from recommender.api.v1 import common_pb2 as pb
from recommender.domain.common import (
    Action,
    Kpis,
    RiskFigures,
    SavingsPlan,
    SolverSummary,
)
from recommender.errors import FieldViolation, InvalidArgumentError, ViolationCollector
from solvers.commitment_problem import FloatArray

E = TypeVar("E", bound=StrEnum)
_NANOS = Decimal(1_000_000_000)
_NANO = Decimal("1e-9")
_BILLION = 1_000_000_000


def to_money(amount: Decimal | float, currency: str) -> money_pb2.Money:
    """google.type.Money from a Decimal: rounded half-even to nanos; units and nanos share the sign."""
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    total = int(value.quantize(_NANO).scaleb(9))  # exact: a whole number of nanos
    units, nanos = divmod(abs(total), _BILLION)
    if total < 0:
        units, nanos = -units, -nanos
    return money_pb2.Money(currency_code=currency, units=units, nanos=nanos)


def from_money(money: money_pb2.Money) -> Decimal:
    """Decimal amount of a google.type.Money."""
    return Decimal(money.units) + Decimal(money.nanos) / _NANOS


def enum_to_domain(
    value: int,
    proto_enum: object,
    domain: type[E],
    prefix: str,
    field_path: str,
    errors: ViolationCollector,
    *,
    required: bool = True,
) -> E | None:
    """Map a proto enum number to a domain StrEnum (``PREFIX_NAME`` -> ``name``)."""
    names: Mapping[int, str] = {v.number: v.name for v in proto_enum.DESCRIPTOR.values}  # type: ignore[attr-defined]
    name = names.get(value)
    if name is None:
        errors.add(field_path, f"unknown enum value {value}")
        return None
    short = name.removeprefix(prefix).lower()
    if short == "unspecified":
        if required:
            errors.add(field_path, "must be set (not *_UNSPECIFIED)")
        return None
    try:
        return domain(short)
    except ValueError:
        errors.add(field_path, f"unsupported value {name}")
        return None


def domain_enum_to_proto(value: StrEnum, proto_enum: Any, prefix: str) -> Any:
    """Map a domain StrEnum back to the proto enum number (typed ``Any`` for the generated stubs)."""
    return proto_enum.Value(f"{prefix}{value.value.upper()}")


# google.protobuf.Timestamp's valid range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z
MIN_TIMESTAMP_SECONDS = -62_135_596_800
MAX_TIMESTAMP_SECONDS = 253_402_300_799


def timestamp_to_datetime(
    ts: timestamp_pb2.Timestamp, field_path: str = "timestamp", errors: ViolationCollector | None = None
) -> datetime:
    """UTC datetime of a Timestamp.

    Outside the Timestamp's valid range (years 1-9999, nanos 0-999999999) this is
    a field violation at ``field_path``: recorded in ``errors`` (returning the
    epoch as a placeholder) or raised as InvalidArgumentError.
    """
    if not (MIN_TIMESTAMP_SECONDS <= ts.seconds <= MAX_TIMESTAMP_SECONDS and 0 <= ts.nanos <= 999_999_999):
        text = f"timestamp out of range (seconds={ts.seconds}, nanos={ts.nanos}); years 1-9999 only"
        if errors is None:
            raise InvalidArgumentError([FieldViolation(field_path, text)])
        errors.add(field_path, text)
        return datetime(1970, 1, 1, tzinfo=UTC)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + timedelta(seconds=ts.seconds, microseconds=ts.nanos // 1000)


def optional_timestamp(
    msg: Message, field: str, field_path: str, errors: ViolationCollector
) -> datetime | None:
    """``msg.<field>`` as a UTC datetime (see :func:`timestamp_to_datetime`), None when unset."""
    if not msg.HasField(field):
        return None
    return timestamp_to_datetime(getattr(msg, field), field_path, errors)


def duration_seconds(d: duration_pb2.Duration) -> float:
    """Seconds of a Duration."""
    return d.seconds + d.nanos / 1e9


def seconds_to_duration(seconds: float) -> duration_pb2.Duration:
    """Duration of a number of seconds."""
    d = duration_pb2.Duration()
    d.FromNanoseconds(int(round(seconds * 1e9)))
    return d


def finite_array(
    values: Sequence[float], field_path: str, errors: ViolationCollector, *, non_negative: bool
) -> FloatArray:
    """A packed repeated double as a float64 array, checking NaN/inf (and sign)."""
    arr = np.asarray(values, dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(arr))
    for i in bad[:3]:
        errors.add(f"{field_path}[{i}]", f"must be finite, got {arr[i]}")
    if non_negative:
        neg = np.flatnonzero(np.isfinite(arr) & (arr < 0))
        for i in neg[:3]:
            errors.add(f"{field_path}[{i}]", f"must be non-negative, got {arr[i]}")
    return arr


def pydantic_violations(exc: ValidationError, prefix: str = "") -> list[FieldViolation]:
    """Field violations from a pydantic error, paths like ``offerings[2].term``."""
    out = []
    for err in exc.errors(include_url=False):
        path = prefix
        for part in err["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            else:
                path += ("." if path else "") + str(part)
        out.append(FieldViolation(path or "request", str(err["msg"])))
    return out


def require_no_errors(errors: ViolationCollector) -> None:
    """Raise InvalidArgumentError if anything was collected."""
    if errors.violations:
        raise InvalidArgumentError(errors.violations)


def _finite_or_zero(x: float) -> float:
    return x if math.isfinite(x) else 0.0


def action_to_proto(a: Action, currency: str) -> pb.Action:
    """Domain action -> proto."""
    msg = pb.Action(
        order=a.order,
        type=domain_enum_to_proto(a.type, pb.ActionType, "ACTION_TYPE_"),
        description=a.description,
        target=a.target,
        offering_id=a.offering_id,
        from_value=a.from_value,
        to_value=a.to_value,
        quantity=a.quantity,
        quantity_unit=a.quantity_unit,
        provider=a.provider,
        region=a.region,
        upfront_cost=to_money(a.upfront_cost, currency),
        monthly_cost=to_money(a.monthly_cost, currency),
        monthly_savings=to_money(a.monthly_savings, currency),
        utilization=a.utilization,
        coverage=a.coverage,
        marginal_value=to_money(a.marginal_value, currency),
        attributes=a.attributes,
    )
    if a.break_even_months is not None:
        msg.break_even_months = a.break_even_months
    return msg


def _risk_to_proto(r: RiskFigures, currency: str) -> pb.RiskFigures:
    return pb.RiskFigures(
        committed_spend=to_money(r.committed_spend, currency),
        lock_in_currency_months=r.lock_in_currency_months,
        weighted_term_months=r.weighted_term_months,
        worst_month_savings=to_money(r.worst_month_savings, currency),
        stress_usage_drop=r.stress_usage_drop,
        stressed_monthly_savings=to_money(r.stressed_monthly_savings, currency),
        break_even_usage_drop=r.break_even_usage_drop,
        probability_of_loss=r.probability_of_loss,
        cvar_monthly_savings=to_money(r.cvar_monthly_savings, currency),
        cvar_level=r.cvar_level,
        max_performance_risk=r.max_performance_risk,
    )


def _kpis_to_proto(k: Kpis, currency: str) -> pb.Kpis:
    return pb.Kpis(
        effective_savings_rate=k.effective_savings_rate,
        commitment_coverage=k.commitment_coverage,
        commitment_utilization=k.commitment_utilization,
        commitment_waste=k.commitment_waste,
        on_demand_equivalent_monthly_cost=to_money(k.on_demand_equivalent_monthly_cost, currency),
        effective_monthly_cost=to_money(k.effective_monthly_cost, currency),
    )


def solver_to_proto(s: SolverSummary) -> pb.SolverReport:
    """Domain solver summary -> proto."""
    msg = pb.SolverReport(
        solver=s.solver,
        status=domain_enum_to_proto(s.status, pb.SolveStatus, "SOLVE_STATUS_"),
        objective=_finite_or_zero(s.objective),
        bound=_finite_or_zero(s.bound),
        relative_gap=_finite_or_zero(s.relative_gap),
        solve_time=seconds_to_duration(s.solve_seconds),
        variables=s.variables,
        constraints=s.constraints,
        binding_constraints=[
            pb.BindingConstraint(name=b.name, explanation=b.explanation, shadow_price=b.shadow_price)
            for b in s.binding
        ],
    )
    if s.time_limit_seconds is not None:
        msg.time_limit.CopyFrom(seconds_to_duration(s.time_limit_seconds))
    return msg


def plan_to_proto(p: SavingsPlan) -> pb.SavingsPlan:
    """Domain savings plan -> proto (every amount as google.type.Money)."""
    cur = p.currency_code
    msg = pb.SavingsPlan(
        plan_id=p.plan_id,
        rank=p.rank,
        levers=[domain_enum_to_proto(lv, pb.Lever, "LEVER_") for lv in p.levers],
        title=p.title,
        risk_profile=domain_enum_to_proto(p.risk_profile, pb.RiskProfile, "RISK_PROFILE_"),
        xor_group_id=p.xor_group_id,
        actions=[action_to_proto(a, cur) for a in p.actions],
        currency_code=cur,
        baseline_monthly_cost=to_money(p.baseline_monthly_cost, cur),
        planned_monthly_cost=to_money(p.planned_monthly_cost, cur),
        monthly_savings=to_money(p.monthly_savings, cur),
        horizon_savings=to_money(p.horizon_savings, cur),
        horizon_months=p.horizon_months,
        savings_percent=p.savings_percent,
        upfront_cost=to_money(p.upfront_cost, cur),
        commitment_utilization=p.commitment_utilization,
        commitment_coverage=p.commitment_coverage,
        risk=_risk_to_proto(p.risk, cur),
        explanation=p.explanation,
        category_savings=[
            pb.CategorySavings(
                category=domain_enum_to_proto(c.category, pb.TechnologyCategory, "TECHNOLOGY_CATEGORY_"),
                monthly_savings=to_money(c.monthly_savings, cur),
            )
            for c in p.category_savings
        ],
    )
    if p.break_even_months is not None:
        msg.break_even_months = p.break_even_months
    if p.solver is not None:
        msg.solver.CopyFrom(solver_to_proto(p.solver))
    if p.kpis_before is not None:
        msg.kpis_before.CopyFrom(_kpis_to_proto(p.kpis_before, cur))
    if p.kpis_after is not None:
        msg.kpis_after.CopyFrom(_kpis_to_proto(p.kpis_after, cur))
    return msg
