"""Stable plan ids and ranking, shared by every lever."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable

from recommender.domain.common import SavingsPlan


def plan_id(plan: SavingsPlan) -> str:
    """Deterministic id from the plan's lever, profile and actions (not its rank)."""
    payload = {
        "levers": [lever.value for lever in plan.levers],
        "profile": plan.risk_profile.value,
        "title": plan.title,
        "actions": [
            [a.type.value, a.target, a.offering_id, a.from_value, a.to_value, f"{a.quantity:.6g}", a.region]
            for a in plan.actions
        ],
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    return f"plan-{digest[:16]}"


def group_id(prefix: str, plans: Iterable[SavingsPlan]) -> str:
    """Deterministic xor-group id for a set of alternative plans."""
    digest = hashlib.sha256("|".join(sorted(plan_id(p) for p in plans)).encode()).hexdigest()
    return f"{prefix}-{digest[:12]}"


def risk_adjusted_savings(plan: SavingsPlan) -> float:
    """Ranking key: monthly savings, or the stressed savings when they are lower.

    A plan that only saves while usage stays exactly as observed ranks below one
    that keeps saving when usage falls by the stress-test drop.
    """
    savings = float(plan.monthly_savings)
    stressed = float(plan.risk.stressed_monthly_savings)
    if plan.risk.stress_usage_drop > 0:
        return 0.5 * savings + 0.5 * min(savings, stressed)
    return savings


def expected_savings(plan: SavingsPlan) -> float:
    """Ranking key: monthly savings as evaluated on the usage given."""
    return float(plan.monthly_savings)


def rank(
    plans: list[SavingsPlan], key: Callable[[SavingsPlan], float] = expected_savings
) -> list[SavingsPlan]:
    """Assign ids and ranks: highest ``key`` first, then lower lock-in, lower upfront, then id."""
    keyed = [
        ((-round(key(p), 6), p.risk.lock_in_currency_months, float(p.upfront_cost), pid), p)
        for p in plans
        for pid in (plan_id(p),)
    ]
    keyed.sort(key=lambda item: item[0])
    return [
        p.model_copy(update={"plan_id": sort_key[3], "rank": r})
        for r, (sort_key, p) in enumerate(keyed, start=1)
    ]
