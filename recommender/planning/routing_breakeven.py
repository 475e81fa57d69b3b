"""Make-vs-buy break-even of an LLM workload (self-hosting against the cheapest allowed API).

With ``L_o`` the instances of compute option ``o`` the whole workload needs (the sum
of its slices' loads), one instance serves ``rps / L_o`` requests per second, i.e.
``C_o = rps / L_o · τ · 86 400`` tokens per day (τ = input + output tokens per
request at the workload's mix), for ``24 · p_o`` a day. The API costs ``c`` per token
(its per-hour cost for the workload divided by the tokens per hour).

* self-hosting on ``o`` beats the API at volume ``V`` when ``24 · p_o · ⌈V / C_o⌉ < c · V``;
* **break-even** ``V* = min_o 24 · p_o / c`` over the options cheaper than the API at
  full utilisation (``24 p_o / C_o < c``): below it the API is cheaper, above it one
  instance of that option is — the usual spreadsheet figure;
* **always cheaper above**: with whole instances the self-hosted cost is a
  staircase, so just above each multiple of ``C`` the API can win again. For the
  option cheapest at full utilisation (ratio ``r = c · C / (24 p) > 1``) the
  staircase stays below the API line for every ``V ≥ k* · C`` with
  ``k* = ⌈1 / (r − 1)⌉`` (and from ``V*`` on when ``k* ≤ 1``).

Quotas are ignored here (they limit the optimum, not the economics); prices are
list prices without the carbon price.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from recommender.domain.common import money
from recommender.domain.routing import BreakEven
from solvers.routing_problem import FloatArray

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class MakeOptions:
    """Compute options that can serve the whole workload."""

    offer_ids: list[str]
    price_per_hour: FloatArray
    instances_needed: FloatArray  # L_o at the current volume


@dataclass(frozen=True)
class BuyOptions:
    """APIs that can serve the whole workload."""

    offer_ids: list[str]
    cost_per_hour: FloatArray  # at the current volume


def break_even(
    requests_per_second: float, tokens_per_request: float, make: MakeOptions, buy: BuyOptions
) -> BreakEven:
    """The figures of the module docstring (zeros where one side is missing)."""
    tokens_per_hour = requests_per_second * tokens_per_request * 3600.0
    current = tokens_per_hour * 24.0
    if not make.offer_ids or not buy.offer_ids or tokens_per_hour <= 0:
        return BreakEven(current_tokens_per_day=current)
    cheapest_api = int(np.lexsort((np.array(buy.offer_ids), buy.cost_per_hour))[0])
    c = float(buy.cost_per_hour[cheapest_api]) / tokens_per_hour  # per token
    price = np.asarray(make.price_per_hour, dtype=np.float64)
    capacity = tokens_per_hour * 24.0 / np.asarray(make.instances_needed, dtype=np.float64)  # tokens/day
    full_util = 24.0 * price / capacity  # per token at full utilisation
    best = int(np.lexsort((np.arange(len(price)), full_util))[0])
    result = BreakEven(
        current_tokens_per_day=current,
        api_offer_id=buy.offer_ids[cheapest_api],
        api_cost_per_million_tokens=money(c * 1e6),
        self_hosting_offer_id=make.offer_ids[best],
        self_hosting_cost_per_million_tokens=money(full_util[best] * 1e6),
        self_hosting_cheaper_now=_cheaper_now(current, c, price, capacity),
    )
    if c <= 0:
        return result
    winners = np.flatnonzero(full_util < c * (1 - 1e-12))
    if len(winners) == 0:
        return result
    volumes = 24.0 * price[winners] / c
    first = int(winners[int(np.lexsort((winners, volumes))[0])])
    v_star = float(24.0 * price[first] / c)
    ratio = c * capacity[best] / (24.0 * price[best])
    k = math.ceil(1.0 / (ratio - 1.0) - 1e-12)
    always = max(v_star, float(24.0 * price[best] / c)) if k <= 1 else float(k * capacity[best])
    return result.model_copy(
        update={
            "tokens_per_day": v_star,
            "self_hosting_offer_id": make.offer_ids[first],
            "self_hosting_cost_per_million_tokens": money(full_util[first] * 1e6),
            "self_hosting_always_cheaper_above_tokens_per_day": max(always, v_star),
        }
    )


def _cheaper_now(volume: float, c: float, price: FloatArray, capacity: FloatArray) -> bool:
    """Whether one self-hosted option (whole instances) costs less than the API at ``volume``."""
    instances = np.ceil(volume / capacity - 1e-9)
    return bool((24.0 * price * instances < c * volume * (1 - 1e-12)).any())
