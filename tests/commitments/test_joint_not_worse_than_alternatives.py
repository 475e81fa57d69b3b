"""The joint plan never costs more than the reserved-only or spend-only plan.

Oracle: the closed-form quantile rule for one spend commitment with a uniform discount
``d`` over every class (commit the ``d``-quantile of hourly on-demand spend, at the
discounted rate). Instance: many single-class whole-unit reserved offers on usage below one
unit, so no reserved unit pays (0.6/hour against an expected 0.5/hour of on-demand usage)
and the joint optimum is the spend-only one. The cutting-plane engine (used above 20k
hour-classes) does not close its gap on these within a short time limit; the plan must
still be at least as good as the spend-only optimum.
"""

from __future__ import annotations

import numpy as np

from recommender.planning.commitment_plans import plan_commitments
from recommender.server.codec.commitments import decode_plan_commitments
from tests.reliability.harness import large_request

HOURS, CLASSES, DISCOUNT = 2000, 12, 0.3


def _closed_form_spend_only_cost(usage: np.ndarray) -> float:
    spend = usage.sum(axis=1)  # on-demand price 1.0 for every class
    level = float(np.quantile(spend, DISCOUNT, method="inverted_cdf"))
    commitment = (1.0 - DISCOUNT) * level
    return float(np.sum(commitment + np.maximum(spend - level, 0.0)))


def test_joint_plan_is_at_least_the_spend_only_optimum_under_a_short_time_limit() -> None:
    proto = large_request(classes=CLASSES, hours=HOURS, seed=3)
    usage = np.array([list(s.quantity) for s in proto.usage.series]).T
    request = decode_plan_commitments(proto)
    outcome = plan_commitments(request, time_limit=6.0)
    joint = next(p for p in outcome.plans if p.title.startswith("Joint"))
    on_demand = float(usage.sum())
    oracle_savings = (on_demand - _closed_form_spend_only_cost(usage)) / HOURS * 730.0
    savings = float(joint.monthly_savings)
    assert savings >= oracle_savings - 1e-6 * on_demand, (savings, oracle_savings)
    assert joint.solver is not None
    assert joint.solver.bound <= joint.solver.objective + 1e-9
