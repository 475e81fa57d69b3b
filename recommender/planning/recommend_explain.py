"""Plain-language explanation of a cross-lever plan."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from recommender.domain.common import Kpis, Lever
from recommender.domain.recommend import LeverSavings, SequencingComparison

if TYPE_CHECKING:
    from recommender.planning.recommend_assembly import Context
    from recommender.planning.recommend_walk import ProfileWalk

_NAMES = {
    Lever.VENDOR_CONSOLIDATION: "vendor consolidation",
    Lever.WORKLOAD_ROUTING: "workload routing",
    Lever.RIGHT_SIZING: "right-sizing",
    Lever.COMMITMENTS: "commitments",
}


def _amount(value: Decimal, cur: str) -> str:
    return f"{float(value):,.2f} {cur}"


def explain(
    walk: ProfileWalk,
    ctx: Context,
    levers: list[LeverSavings],
    total: Decimal,
    baseline: Decimal,
    stressed: Decimal,
    key: Decimal,
    one_time: Decimal,
    sequencing: SequencingComparison | None,
    before: Kpis | None,
    after: Kpis | None,
) -> str:
    """What the plan does, in which order and why; its figures, overlay and assumptions."""
    cur = ctx.currency
    policy = ctx.policy
    pct = 100 * float(total) / float(baseline) if baseline > 0 else 0.0
    lever_text = "; ".join(
        f"{_NAMES[ls.lever]} {ls.action_count} action(s) saving {_amount(ls.monthly_savings, cur)}/month"
        + (f" (from its plan '{ls.source_plan_title}')" if ls.source_plan_title else "")
        for ls in levers
    )
    parts = [
        f"{walk.profile.value.capitalize()} plan saving {_amount(total, cur)}/month ({pct:.1f} % of "
        f"{_amount(baseline, cur)}), usage before rate: {lever_text}.",
        "Order: vendors are consolidated and workloads routed first, resources right-sized next, and "
        "commitments "
        "sized last on the usage that remains; each action's savings is the drop of the monthly bill it "
        "causes in "
        "that order, billed as providers bill (held commitments first, reserved capacity before spend "
        "commitments), "
        "so the actions add up exactly to the plan's savings and no usage is counted twice.",
    ]
    if walk.purchase is not None and walk.purchase.plan is not None and not walk.purchase.empty:
        parts.append(f"Commitments were sized on {walk.purchase.sized_on} after the usage actions.")
    elif ctx.ledger is not None and walk.purchase is not None:
        parts.append("No commitment purchase lowers the cost of the usage left after the usage actions.")
    if sequencing is not None:
        adv = sequencing.advantage
        parts.append(
            "Sequencing: buying commitments on today's usage first (as provider recommenders do) and "
            "right-sizing "
            f"afterwards would cost {_amount(sequencing.commit_first_monthly_cost, cur)}/month against "
            f"{_amount(sequencing.sequenced_monthly_cost, cur)}/month for this plan, "
            + (f"{_amount(adv, cur)}/month more" if adv >= 0 else f"{_amount(-adv, cur)}/month less")
            + f" (commitment utilisation {100 * sequencing.commit_first_utilization:.1f} % vs "
            f"{100 * sequencing.sequenced_utilization:.1f} %, unused commitment "
            f"{_amount(sequencing.commit_first_unused_commitment, cur)} vs "
            f"{_amount(sequencing.sequenced_unused_commitment, cur)} per month)."
        )
    parts.append(
        f"Ranked by risk-adjusted savings over {policy.horizon_months} months: {policy.horizon_months} x "
        f"({1 - policy.risk_weight:g} x monthly savings + {policy.risk_weight:g} x min(monthly savings, "
        f"savings if the remaining usage fell {100 * policy.stress_usage_drop:.0f} %)) - one-time costs = "
        f"{_amount(key, cur)} (stressed savings {_amount(stressed, cur)}/month, one-time costs "
        f"{_amount(one_time, cur)})."
    )
    if before is not None and after is not None:
        parts.append(
            "KPIs on the usage ledger (pre-tax): effective savings rate "
            f"{100 * before.effective_savings_rate:.1f} % -> "
            f"{100 * after.effective_savings_rate:.1f} %, commitment coverage "
            f"{100 * before.commitment_coverage:.1f} % -> {100 * after.commitment_coverage:.1f} %, "
            "utilisation "
            f"{100 * before.commitment_utilization:.1f} % -> {100 * after.commitment_utilization:.1f} %, "
            "waste "
            f"{100 * before.commitment_waste:.1f} % -> {100 * after.commitment_waste:.1f} %."
        )
    parts.extend(ctx.notes)
    return " ".join(parts)
