"""SaaS seat analysis before consolidation: reclaim idle seats, find cheaper plans.

For every demand with seat activity (its current vendor's lines being the plans):

* a seat without activity for ``inactive_seat_days`` (or never active) is reclaimed,
  unless it was assigned less than ``inactive_seat_days`` ago (new joiner: exempt);
* an active seat may move to any plan of the same vendor whose features include every
  feature its user used; the cheapest such plan is reported, and the consolidation
  MILP may move it there (or anywhere else covering the capability at other vendors).
  A seat whose user used a feature no plan of the vendor lists keeps a plan at least
  as rich as its current one (we cannot tell what the unknown feature needs).

Seats of a demand are grouped into *cohorts* with the same current plan and the same
set of allowed plans; seats not listed keep plans at least as rich as the demand's
current plan. Each cohort becomes one demand of the MILP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from recommender.domain.consolidation import (
    ConsolidationRequest,
    Demand,
    PriceLine,
    SeatActivity,
    SeatDecision,
    SeatOutcome,
    VendorOffer,
)

RECLAIMED = frozenset({"<reclaimed>"})


@dataclass(frozen=True)
class Cohort:
    """Units of one demand with the same current line and the same allowed lines.

    ``allowed`` are the current vendor's lines the cohort may use (``None``: any line
    covering the capability). ``before`` is the quantity today, ``after`` the quantity
    once reclaimed seats are removed.
    """

    demand_index: int
    current_line_id: str
    allowed: frozenset[str] | None
    before: float
    after: float
    reclaimed_users: tuple[str, ...] = ()


@dataclass
class SeatAnalysis:
    """Cohorts per demand, per-seat outcomes and notes."""

    cohorts: list[Cohort] = field(default_factory=list)
    outcomes: list[SeatOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def reclaimed(self, demand_index: int) -> int:
        """Seats reclaimed from a demand."""
        return int(sum(c.before - c.after for c in self.cohorts if c.demand_index == demand_index))


def current_line_of(demand: Demand, vendor: VendorOffer | None) -> str:
    """The demand's current line id: given, or the vendor's only line covering it ('' if none)."""
    if demand.current_line_id or vendor is None:
        return demand.current_line_id
    covering = [ln.line_id for ln in vendor.lines if demand.capability in ln.capabilities]
    return covering[0] if len(covering) == 1 else ""


def _richer_or_equal(lines: list[PriceLine], base: PriceLine) -> frozenset[str]:
    need = set(base.features)
    return frozenset(ln.line_id for ln in lines if need <= set(ln.features))


def _first_price(line: PriceLine) -> float:
    return line.tiers[0].unit_price


def analyse_seats(request: ConsolidationRequest) -> SeatAnalysis:
    """Reclaim and downgrade analysis of every seat; cohorts for every demand."""
    policy = request.policy
    out = SeatAnalysis()
    by_demand: dict[str, list[SeatActivity]] = {}
    for seat in request.seats:
        by_demand.setdefault(seat.demand_id, []).append(seat)
    unknown_features: set[str] = set()
    for di, demand in enumerate(request.demands):
        vendor = request.vendor(demand.current_vendor_id) if demand.current_vendor_id else None
        current = current_line_of(demand, vendor)
        seats = by_demand.get(demand.demand_id, [])
        if vendor is None:
            out.cohorts.append(Cohort(di, "", None, demand.quantity, demand.quantity))
            continue
        lines = [ln for ln in vendor.lines if demand.capability in ln.capabilities]
        featured = any(ln.features for ln in lines)
        known = {f for ln in lines for f in ln.features}
        groups: dict[tuple[str, frozenset[str] | None], list[str]] = {}
        reclaimed: dict[str, list[str]] = {}
        for seat in seats:
            line_id = seat.line_id or current
            line = vendor.line(line_id)
            assert line is not None  # checked by the codec
            outcome, allowed = _decide(seat, line, lines, featured, known, request, vendor.vendor_id)
            unknown_features |= set(seat.features_used) - known if featured else set()
            out.outcomes.append(outcome)
            if outcome.decision is SeatDecision.RECLAIM:
                reclaimed.setdefault(line_id, []).append(seat.user_id)
            else:
                groups.setdefault((line_id, allowed), []).append(seat.user_id)
        unlisted = demand.quantity - len(seats)
        if unlisted > 1e-9:
            base = vendor.line(current)
            allowed = _richer_or_equal(lines, base) if base is not None and featured else None
            if not policy.downgrade_seats and base is not None:
                allowed = _richer_or_equal(lines, base)
            out.cohorts.append(Cohort(di, current, allowed, unlisted, unlisted))
        for (line_id, allowed), users in sorted(
            groups.items(), key=lambda kv: (kv[0][0], sorted(kv[0][1] or []))
        ):
            out.cohorts.append(Cohort(di, line_id, allowed, float(len(users)), float(len(users))))
        for line_id, users in sorted(reclaimed.items()):
            out.cohorts.append(Cohort(di, line_id, RECLAIMED, float(len(users)), 0.0, tuple(sorted(users))))
    if unknown_features:
        shown = ", ".join(sorted(unknown_features)[:8])
        out.warnings.append(
            f"{len(unknown_features)} feature name(s) used by seats are not listed by their vendor's plans "
            f"({shown}); those seats keep plans at least as rich as their current one."
        )
    return out


def _decide(
    seat: SeatActivity,
    line: PriceLine,
    lines: list[PriceLine],
    featured: bool,
    known: set[str],
    request: ConsolidationRequest,
    vendor_id: str,
) -> tuple[SeatOutcome, frozenset[str] | None]:
    """Decision for one seat and the lines its user may move to."""
    policy = request.policy
    as_of = policy.as_of
    days = (as_of - seat.last_active).total_seconds() / 86400.0 if seat.last_active is not None else None
    common = {"demand_id": seat.demand_id, "user_id": seat.user_id, "vendor_id": vendor_id}
    inactive = days is None or days >= policy.inactive_seat_days
    if inactive and policy.reclaim_seats:
        age = (as_of - seat.assigned).total_seconds() / 86400.0 if seat.assigned is not None else None
        if age is not None and age < policy.inactive_seat_days:
            reason = (
                f"assigned {age:.0f} days ago (< {policy.inactive_seat_days}); new seats are not reclaimed"
            )
            return SeatOutcome(
                **common,
                decision=SeatDecision.EXEMPT_NEW,
                from_line_id=line.line_id,
                days_inactive=days,
                reason=reason,
            ), (_richer_or_equal(lines, line) if featured else None)
        reason = (
            "never active"
            if days is None
            else f"no activity for {days:.0f} days (threshold {policy.inactive_seat_days})"
        )
        return SeatOutcome(
            **common,
            decision=SeatDecision.RECLAIM,
            from_line_id=line.line_id,
            days_inactive=days,
            reason=reason,
        ), RECLAIMED
    if not featured:
        return SeatOutcome(
            **common,
            decision=SeatDecision.KEEP,
            from_line_id=line.line_id,
            days_inactive=days,
            reason="active; the vendor's plans list no features to compare",
        ), None
    used = set(seat.features_used)
    if not policy.downgrade_seats or used - known:
        allowed = _richer_or_equal(lines, line)
        why = "plan changes are disabled" if not policy.downgrade_seats else "uses features no plan lists"
        return SeatOutcome(
            **common,
            decision=SeatDecision.KEEP,
            from_line_id=line.line_id,
            days_inactive=days,
            reason=f"active; {why}",
        ), allowed
    allowed = frozenset(ln.line_id for ln in lines if used <= set(ln.features))
    if not allowed:
        allowed = _richer_or_equal(lines, line) | {line.line_id}
    cheapest = min(
        (ln for ln in lines if ln.line_id in allowed), key=lambda ln: (_first_price(ln), ln.line_id)
    )
    if _first_price(cheapest) < _first_price(line):
        return SeatOutcome(
            **common,
            decision=SeatDecision.DOWNGRADE,
            from_line_id=line.line_id,
            to_line_id=cheapest.line_id,
            days_inactive=days,
            reason=(
                f"every feature used ({len(used)}) is in {cheapest.label()} at "
                f"{_first_price(cheapest):g} vs {_first_price(line):g} per seat"
            ),
        ), allowed
    return SeatOutcome(
        **common,
        decision=SeatDecision.KEEP,
        from_line_id=line.line_id,
        days_inactive=days,
        reason="active; no cheaper plan has every feature used",
    ), allowed
