"""Savings-vs-commitment curve as a PNG (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from google.type import money_pb2

from recommender.api.v1 import commitments_pb2, common_pb2

_PROFILE_STYLE: dict[int, tuple[str, str, str]] = {
    common_pb2.RISK_PROFILE_CONSERVATIVE: ("conservative", "tab:green", "s"),
    common_pb2.RISK_PROFILE_BALANCED: ("balanced", "tab:blue", "D"),
    common_pb2.RISK_PROFILE_AGGRESSIVE: ("aggressive", "tab:red", "^"),
    common_pb2.RISK_PROFILE_UNSPECIFIED: ("plan", "tab:purple", "o"),
}


def _amount(m: money_pb2.Money) -> float:
    return float(Decimal(m.units) + Decimal(m.nanos) / Decimal(1_000_000_000))


def plot_curve(response: commitments_pb2.PlanCommitmentsResponse, path: Path) -> Path:
    """Write the response's savings curve with its plans marked; returns ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = list(response.curve.points)
    if not points:
        raise ValueError("the response has no savings curve (no plan saves money)")
    cur = response.plans[0].currency_code if response.plans else ""
    x = [_amount(p.commitment_per_hour) for p in points]
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, height_ratios=[3, 2])
    ax.plot(
        x, [_amount(p.monthly_savings) for p in points], "-o", color="black", ms=3, label="expected savings"
    )
    if any(p.probability_of_loss or _amount(p.cvar_monthly_savings) for p in points):
        ax.plot(
            x,
            [_amount(p.cvar_monthly_savings) for p in points],
            "--",
            color="grey",
            label="CVaR of savings (tail)",
        )
    ax.axhline(0, color="lightgrey", lw=0.8)
    detail = {d.plan_id: d for d in response.details}
    for plan in response.plans:
        name, color, marker = _PROFILE_STYLE.get(plan.risk_profile, _PROFILE_STYLE[0])
        d = detail.get(plan.plan_id)
        px = _amount(d.commitment_per_hour) if d is not None else 0.0
        label = f"#{plan.rank} {name if plan.risk_profile else plan.title[:30]}"
        ax.plot([px], [_amount(plan.monthly_savings)], marker, color=color, ms=10, label=label)
    ax.set_ylabel(f"savings per month ({cur})")
    ax.set_title("Savings vs commitment")
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    ax2.plot(x, [100 * p.coverage for p in points], "-", label="coverage %")
    ax2.plot(x, [100 * p.utilization for p in points], "-", label="utilisation %")
    ax2.plot(x, [100 * p.waste for p in points], "-", label="waste %")
    ax2.set_xlabel(f"commitment bought now ({cur}/hour, effective)")
    ax2.set_ylabel("%")
    ax2.set_ylim(0, 105)
    ax2.legend(fontsize=8, loc="best")
    ax2.grid(alpha=0.3)
    fig.text(0.01, 0.005, response.curve.basis[:160], fontsize=7, color="grey")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
