"""Hour-level figures of a billed plan, summed by month and scenario (numpy only)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solvers.billing import Billing
from solvers.commitment_problem import CommitmentProblem, FloatArray


@dataclass(frozen=True)
class Figures:
    """Sums over segments (scenario × month), each array shaped (Ω, M)."""

    on_demand_equivalent: FloatArray
    eligible: FloatArray
    covered_value: FloatArray
    plan_cost: FloatArray
    baseline_cost: FloatArray
    new_commitment_cost: FloatArray
    active_commitment_cost: FloatArray  # effective cost of every active commitment (held at amortised cost)
    used_commitment_cost: FloatArray  # its used share

    @property
    def savings(self) -> FloatArray:
        """Baseline minus plan cost."""
        return self.baseline_cost - self.plan_cost

    def coverage(self) -> FloatArray:
        """Covered / eligible on-demand-equivalent value."""
        return np.divide(
            self.covered_value, self.eligible, out=np.zeros_like(self.eligible), where=self.eligible > 0
        )

    def utilization(self) -> FloatArray:
        """Used / active commitment cost."""
        act = self.active_commitment_cost
        return np.divide(self.used_commitment_cost, act, out=np.zeros_like(act), where=act > 0)


def month_edges(hours: int, month_hours: int) -> np.ndarray:
    """Start hour of each (possibly partial last) month."""
    return np.arange(0, hours, month_hours)


def figures(
    problem: CommitmentProblem,
    bill: Billing,
    base: Billing,
    new_cost: FloatArray,
    eligible_classes: list[int],
    scenarios: int,
    month_hours: int,
) -> Figures:
    """Per-hour figures of ``bill`` (plan) and ``base`` (baseline), summed by scenario and month.

    The hours are ``scenarios`` equal consecutive stretches; each is cut into months of
    ``month_hours`` (the last may be partial). ``new_cost[t]`` is the cost of the plan's
    new commitments in hour t (held commitments are sunk: in neither cost).
    """
    usage, rate = problem.usage, problem.on_demand_rate
    od = usage @ rate
    eligible = usage[:, eligible_classes] @ rate[eligible_classes] if eligible_classes else np.zeros(len(od))
    active = np.zeros(len(od))
    used = np.zeros(len(od))
    for idx, inst in enumerate(bill.instruments):
        cap = bill.capacity[:, idx]
        cost = inst.effective_hourly_cost()
        on = cap > 0
        active += np.where(on, cost, 0.0)
        used += np.divide(cost * bill.used[:, idx], cap, out=np.zeros(len(cap)), where=on)
    per_hour = {
        "on_demand_equivalent": od,
        "eligible": eligible,
        "covered_value": bill.covered_value.sum(axis=1),
        "plan_cost": bill.on_demand_cost + new_cost,
        "baseline_cost": base.on_demand_cost,
        "new_commitment_cost": new_cost,
        "active_commitment_cost": active,
        "used_commitment_cost": used,
    }
    span = len(od) // scenarios
    edges = month_edges(span, month_hours)
    out = {}
    for name, arr in per_hour.items():
        out[name] = np.add.reduceat(arr.reshape(scenarios, span), edges, axis=1)
    return Figures(**out)
