"""Workload routing plans: build the model, solve it, read placements, explain.

The optimal placement (APIs and self-hosting together) is returned with, unless
``optimal_only``, two alternatives in the same xor group: every LLM workload on
self-hosted instances, and every LLM workload on model APIs. Savings are measured
against each workload's ``current_hourly_cost``, or, when unknown, against the best
single option (the whole workload on one allowed option — the single-GPU-type
baseline of Mélange and SkyPilot). Reported costs are list prices; the solver's
objective also carries the carbon price.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from recommender.domain.common import (
    Action,
    ActionType,
    CategorySavings,
    Lever,
    SavingsPlan,
    TechnologyCategory,
    money,
)
from recommender.domain.routing import (
    BreakEven,
    DemandKind,
    ModelStats,
    PlacementItem,
    RoutingOutcome,
    RoutingRequest,
    WorkloadPlacement,
)
from recommender.errors import InfeasibleError, SolveTimeoutError
from recommender.planning.ranking import group_id, rank
from recommender.planning.routing_breakeven import BuyOptions, MakeOptions, break_even
from recommender.planning.routing_model import BuiltModel, build_model
from recommender.planning.routing_options import (
    ApiOptions,
    ComputeOptions,
    OptionNotes,
    build_api_options,
    build_compute_options,
    default_api_options,
    default_offers,
    gpu_specs,
)
from recommender.planning.summaries import solver_summary
from solvers.routing import RoutingSolution, diagnose_infeasibility, solve_routing
from solvers.routing_problem import FloatArray, IntArray, split_by

HORIZON_MONTHS = 12
_OPTIMAL = "Optimal placement (self-hosting and model APIs)"
_MAKE = "Self-hosted only (no model APIs)"
_BUY = "Model APIs for all LLM inference"


@dataclass(frozen=True)
class _Context:
    request: RoutingRequest
    options: ComputeOptions
    apis: ApiOptions
    built: BuiltModel
    arcs_by_workload: list[IntArray]
    links_by_arc: list[IntArray]
    arc_links: FloatArray  # links per arc
    arc_load: FloatArray  # instances the arc needs for all its units
    arc_money: FloatArray  # money per hour of all its units (APIs, batch)


def route_workloads(request: RoutingRequest, time_limit: float | None = None) -> RoutingOutcome:
    """Place every workload at least cost under its rules (module docstring)."""
    notes = OptionNotes()
    specs = gpu_specs(request)
    offers = list(request.compute_offers)
    if not offers:
        offers = default_offers()
        notes.warnings.append(
            f"No compute_offers given: using the server's default catalogue ({len(offers)} EC2 and GCP c2 "
            "offers; see recommender/data/routing/PROVENANCE.md)."
        )
    if request.api_offers:
        apis = build_api_options(list(request.api_offers), defaulted=False)
    else:
        apis = default_api_options()
        notes.warnings.append(
            f"No api_offers given: using the server's default token prices ({apis.n} litellm models); "
            "their processing location is unknown, so workloads with a residency rule cannot use them."
        )
    options = build_compute_options(request, offers, specs, notes)
    built = build_model(request, options, apis, specs)
    if built.rejections:
        shown = "; ".join(r.message for r in built.rejections[:5])
        more = len(built.rejections) - 5
        raise InfeasibleError(
            "No placement exists: " + shown + (f" (and {more} more)" if more > 0 else ""),
            binding=[
                f"{rule}[{request.workloads[r.workload].workload_id}]"
                for r in built.rejections
                for rule in (r.rule, *r.also)
            ],
        )
    if built.estimated:
        names = ", ".join(request.workloads[w].workload_id for w in built.estimated[:5])
        notes.warnings.append(
            f"Self-hosted throughput of {len(built.estimated)} LLM workload(s) ({names}"
            f"{' ...' if len(built.estimated) > 5 else ''}) comes from the default roofline estimate "
            "(no matching throughput profile); see docs/routing.md."
        )
    _quota_notes(request, built, notes)
    context = _Context(request, options, apis, built, *_indexes(built))
    has_llm = any(w.kind is DemandKind.LLM_INFERENCE for w in request.workloads)
    alternatives = has_llm and not request.policy.optimal_only
    share = 0.5 if alternatives else 1.0
    gap = request.policy.relative_gap or 1e-9
    primary = solve_routing(
        built.problem,
        time_limit=None if time_limit is None else time_limit * share,
        mip_gap=gap,
        explain=_explainer(context),
        checked=True,  # build_model assembles it index by index (see solve_routing)
    )
    _raise_unless_solved(context, primary, time_limit)
    placements = _placements(context, primary)
    plans = [_plan(context, _OPTIMAL, primary, placements)]
    if alternatives:
        plans += _alternatives(context, primary, placements, time_limit, gap, notes)
    ranked = rank(plans)
    xor = group_id("routing", ranked) if len(ranked) > 1 else ""
    ranked = [p if p.xor_group_id == xor else p.model_copy(update={"xor_group_id": xor}) for p in ranked]
    stats = primary.stats
    return RoutingOutcome(
        plans=ranked,
        placements=placements,
        warnings=notes.warnings,
        currency_code=request.currency_code,
        total_hourly_cost=sum((p.hourly_cost for p in placements), Decimal(0)),
        total_carbon_kg_per_hour=float(sum(p.carbon_kg_per_hour for p in placements)),
        stats=ModelStats(
            compute_offers=options.given_offers,
            aggregated_offers=options.n_offers,
            api_offers=apis.n,
            candidate_pairs=built.candidate_pairs,
            pruned_pairs=stats.kept_arcs,
            components=stats.components,
            largest_component=stats.largest_component,
            coupling_rounds=stats.coupling_rounds,
        ),
    )


def _indexes(built: BuiltModel) -> tuple[list[IntArray], list[IntArray], FloatArray, FloatArray, FloatArray]:
    p = built.problem
    links = np.bincount(p.link_arc, minlength=p.n_arcs).astype(np.float64)
    load = np.bincount(p.link_arc, weights=p.link_load, minlength=p.n_arcs).astype(np.float64)
    cost = np.bincount(p.link_arc, weights=built.link_money_cost, minlength=p.n_arcs).astype(np.float64)
    return split_by(p.arc_workload, p.n_workloads), split_by(p.link_arc, p.n_arcs), links, load, cost


def _quota_notes(request: RoutingRequest, built: BuiltModel, notes: OptionNotes) -> None:
    names = built.problem.pool_names
    for quota in request.quotas:
        k = names.index(quota.name()) if quota.name() in names else -1
        if k < 0 or not built.pool_workloads[k]:
            notes.warnings.append(f"{quota.name()} matches no option any workload may use; it has no effect.")


def _raise_unless_solved(context: _Context, solution: RoutingSolution, time_limit: float | None) -> None:
    status = solution.report.status
    if status.has_solution:
        return
    if status.value == "infeasible" or solution.infeasible_workloads:
        problem = context.built.problem
        relax = (
            diagnose_infeasibility(problem, solution.infeasible_workloads)
            if solution.infeasible_workloads
            else []
        )
        ids = [context.request.workloads[w].workload_id for w in solution.infeasible_workloads]
        if relax:
            parts = [
                f"{r.name} allows {r.capacity:.6g} but the workloads need at least {r.needed:.6g}"
                for r in relax
            ]
            raise InfeasibleError(
                f"No placement of workload(s) {', '.join(ids[:10])} satisfies the shared limits: "
                + "; ".join(parts[:6]),
                binding=[r.name for r in relax],
            )
        raise InfeasibleError(
            f"No placement of workload(s) {', '.join(ids[:10])} exists.", binding=["demand"]
        )
    raise SolveTimeoutError(f"The solver found no placement within the time limit of {time_limit} s.")


def _explainer(context: _Context) -> Callable[[str], str]:
    def explain(name: str) -> str:
        if name.startswith("quota["):
            return f"{name} limits the placement: a larger quota would lower the cost"
        if name.startswith("stock["):
            return f"{name}: the offer's available instances limit the placement"
        if name.startswith("api_tpm["):
            return f"{name}: the API's tokens-per-minute quota limits the placement"
        if name == "total_carbon_cap":
            return "the total carbon cap limits the placement: cheaper but dirtier placements are excluded"
        if name.startswith("carbon_cap["):
            return f"{name}: the workload's carbon cap is reached"
        return name

    return explain


def _placements(context: _Context, solution: RoutingSolution) -> list[WorkloadPlacement]:
    problem = context.built.problem
    carried = np.bincount(problem.link_arc, weights=(solution.shares > 1e-9), minlength=problem.n_arcs)
    used = (solution.instances > 0) | (carried > 0)
    return [_placement(context, solution, w, used) for w in range(len(context.request.workloads))]


def _placement(context: _Context, solution: RoutingSolution, w: int, used: np.ndarray) -> WorkloadPlacement:
    request, built, options, apis = context.request, context.built, context.options, context.apis
    problem = built.problem
    workload = request.workloads[w]
    hpm = request.policy.hours_per_month
    option_carbon = options.option_carbon_kg()
    items: list[PlacementItem] = []
    n_slices = max(1, len(built.slices[w]))
    arcs = context.arcs_by_workload[w]
    for a in arcs[used[arcs]]:
        links = context.links_by_arc[int(a)]
        shares = solution.shares[links]
        count = float(solution.instances[a])
        units = [built.units[int(u)] for u in problem.link_unit[links]]
        demand_share = float(sum(x * u.weight for x, u in zip(shares, units, strict=True)))
        slice_shares = [0.0] * n_slices
        for x, u in zip(shares, units, strict=True):
            full = built.slices[w][u.slice_index].share if built.slices[w] else 1.0
            slice_shares[u.slice_index] += float(x) * u.weight / full
        carried = float(problem.link_load[links] @ shares)
        opt = int(built.arc_option[a])
        if built.arc_api[a]:
            api = apis.offers[opt]
            cost = float(built.link_money_cost[links] @ shares)
            carbon = float(problem.link_carbon[links] @ shares)
            items.append(
                PlacementItem(
                    offer_id=api.offer_id,
                    provider=api.provider,
                    region=", ".join(api.processing_location.allowed_regions),
                    instance_type=api.model,
                    demand_share=demand_share,
                    api=True,
                    hourly_cost=money(cost),
                    carbon_kg_per_hour=carbon,
                    country=", ".join(api.processing_location.allowed_countries),
                    slice_shares=slice_shares if workload.llm_inference else [],
                    tokens_per_minute=float(built.link_tpm[links] @ shares),
                )
            )
            continue
        g = int(options.option_offer[opt])
        if workload.kind is DemandKind.BATCH_JOB:
            cost = float(built.link_money_cost[links] @ shares)
            carbon = float(problem.link_carbon[links] @ shares)
        else:
            cost = count * float(options.option_price[opt])
            carbon = count * float(option_carbon[opt])
        items.append(
            PlacementItem(
                offer_id=options.offer_ids[g][0],
                provider=str(options.provider[g]),
                region=str(options.region[g]),
                instance_type=str(options.name[g]),
                count=int(round(count)),
                demand_share=demand_share,
                spot=bool(options.option_spot[opt]),
                hourly_cost=money(cost),
                carbon_kg_per_hour=carbon,
                country=str(options.country[g]),
                utilization=carried / count if count > 0 else 0.0,
                slice_shares=slice_shares if workload.llm_inference else [],
                throughput_source=built.throughput_source[w].get(opt, ""),
                accelerator=str(options.gpu_model[g]),
            )
        )
    items.sort(key=lambda i: (-float(i.hourly_cost), i.offer_id))
    hourly = sum((i.hourly_cost for i in items), Decimal(0))
    carbon_total = float(sum(i.carbon_kg_per_hour for i in items))
    baseline = workload.current_hourly_cost or built.single_option_cost[w]
    if not math.isfinite(baseline):
        baseline = float(hourly)
    extra: dict[str, object] = {}
    if workload.llm_inference is not None:
        demand = workload.llm_inference
        tokens_per_hour = demand.requests_per_second * demand.tokens_per_request() * 3600.0
        extra["cost_per_million_tokens"] = money(float(hourly) / tokens_per_hour * 1e6)
        extra["break_even"] = _break_even(context, w)
    if workload.batch_job is not None:
        extra["job_cost"] = money(float(hourly) * hpm / workload.batch_job.runs_per_month)
    placement = WorkloadPlacement(
        workload_id=workload.workload_id,
        items=items,
        hourly_cost=hourly,
        monthly_cost=money(float(hourly) * hpm),
        carbon_kg_per_hour=carbon_total,
        baseline_hourly_cost=money(baseline),
        binding_rules=_binding_rules(context, solution, w),
        **extra,
    )
    return placement.model_copy(update={"explanation": _explain(context, placement, w)})


def _break_even(context: _Context, w: int) -> BreakEven:
    built, options, apis = context.built, context.options, context.apis
    workload = context.request.workloads[w]
    demand = workload.llm_inference
    assert demand is not None
    arcs = context.arcs_by_workload[w]
    units = int(np.count_nonzero(built.problem.unit_workload == w))
    whole = arcs[context.arc_links[arcs] >= units]
    api = whole[built.arc_api[whole]]
    make = whole[~built.arc_api[whole]]
    opts = built.arc_option[make]
    groups = options.option_offer[opts]
    make_ids = [
        options.offer_ids[int(g)][0] + (" (spot)" if options.option_spot[o] else "")
        for g, o in zip(groups, opts, strict=True)
    ]
    return break_even(
        demand.requests_per_second,
        demand.tokens_per_request(),
        MakeOptions(make_ids, options.option_price[opts], context.arc_load[make]),
        BuyOptions([apis.offers[int(o)].offer_id for o in built.arc_option[api]], context.arc_money[api]),
    )


def _binding_rules(context: _Context, solution: RoutingSolution, w: int) -> list[str]:
    built = context.built
    rules = []
    tight = {b.name for b in solution.report.binding}
    names = built.problem.pool_names
    for k, name in enumerate(names):
        if name in tight and w in built.pool_workloads[k]:
            rules.append(name)
    workload = context.request.workloads[w]
    wid = workload.workload_id
    cap = workload.max_carbon_kg_per_hour
    excluded = cap > 0 and built.single_option_carbon[w] > cap * (1 + 1e-9)
    if f"carbon_cap[{wid}]" in tight or excluded:
        rules.append(f"carbon_cap[{wid}]")
    unrestricted, resid_only = built.unrestricted_cost[w], built.residency_only_cost[w]
    if math.isfinite(unrestricted) and resid_only > unrestricted * (1 + 1e-9) + 1e-12:
        rules.append("residency")
    if math.isfinite(resid_only) and built.single_option_cost[w] > resid_only * (1 + 1e-9) + 1e-12:
        rules.append("must_run_on/never_run_on")
    return rules


def _fmt(amount: Decimal | float, currency: str) -> str:
    return f"{float(amount):,.4f} {currency}"


def _explain(context: _Context, placement: WorkloadPlacement, w: int) -> str:
    request, built = context.request, context.built
    cur = request.currency_code
    parts = []
    for item in placement.items:
        share = f"{100 * item.demand_share:.1f}%"
        if item.api:
            parts.append(
                f"{share} of requests to the {item.instance_type} API ({item.provider}; "
                f"{item.tokens_per_minute:,.0f} tokens/min) for {_fmt(item.hourly_cost, cur)}/h"
            )
        else:
            gpu = f", {item.accelerator}" if item.accelerator else ""
            spot = ", spot" if item.spot else ""
            where = f"{item.provider}/{item.region}" + (f" ({item.country})" if item.country else "")
            parts.append(
                f"{item.count} x {item.instance_type}{gpu} in {where}{spot} carrying {share} of the demand "
                f"at {100 * item.utilization:.0f}% utilisation for {_fmt(item.hourly_cost, cur)}/h"
            )
    text = f"{placement.workload_id}: " + "; ".join(parts) + "."
    text += f" Total {_fmt(placement.hourly_cost, cur)}/h, {placement.carbon_kg_per_hour:.3f} kg CO2e/h"
    if placement.cost_per_million_tokens is not None:
        text += f", {_fmt(placement.cost_per_million_tokens, cur)} per million tokens"
    text += "."
    be = placement.break_even
    if be is not None and be.api_offer_id and be.self_hosting_offer_id:
        if be.tokens_per_day > 0:
            side = "self-hosting" if be.self_hosting_cheaper_now else "the API"
            text += (
                f" Make vs buy: self-hosting on {be.self_hosting_offer_id} beats {be.api_offer_id} above "
                f"{be.tokens_per_day:,.0f} tokens/day (now {be.current_tokens_per_day:,.0f}; "
                f"{side} is cheaper)."
            )
        else:
            text += (
                f" Make vs buy: no allowed instance beats {be.api_offer_id} "
                f"({_fmt(be.api_cost_per_million_tokens, cur)}/M tokens) at any volume."
            )
    if any("estimate" in i.throughput_source for i in placement.items):
        text += " Self-hosted throughput is (partly) the default roofline estimate (no matching profile)."
    if "residency" in placement.binding_rules:
        saving = built.residency_only_cost[w] - built.unrestricted_cost[w]
        text += (
            f" The residency rule costs at least {_fmt(saving, cur)}/h against the cheapest option anywhere."
        )
    shared = [r for r in placement.binding_rules if r != "residency"]
    if shared:
        text += " Binding: " + ", ".join(shared) + "."
    return text


def _plan(
    context: _Context, title: str, solution: RoutingSolution, placements: list[WorkloadPlacement]
) -> SavingsPlan:
    request = context.request
    hpm = request.policy.hours_per_month
    cur = request.currency_code
    actions: list[Action] = []
    baseline_total = planned_total = Decimal(0)
    by_category: dict[TechnologyCategory, Decimal] = {}
    for placement, workload in zip(placements, request.workloads, strict=True):
        costs = [money(float(i.hourly_cost) * hpm) for i in placement.items]
        planned = sum(costs, Decimal(0))
        baseline = money(float(placement.baseline_hourly_cost) * hpm)
        savings = baseline - planned
        shares = _split(savings, costs)
        category = _category(workload.kind, workload)
        by_category[category] = by_category.get(category, Decimal(0)) + savings
        baseline_total += baseline
        planned_total += planned
        for item, cost, saved in zip(placement.items, costs, shares, strict=True):
            actions.append(_action(len(actions) + 1, placement.workload_id, item, cost, saved, cur))
    savings_total = baseline_total - planned_total
    report = solution.report
    summary = solver_summary(report)
    apis = sum(1 for a in actions if a.type is ActionType.ROUTE_TO_API)
    explanation = (
        f"{title}: {len(request.workloads)} workload(s) placed with {len(actions) - apis} instance "
        f"placement(s) and {apis} API route(s) for {_fmt(planned_total / Decimal(str(hpm)), cur)}/h "
        f"({_fmt(planned_total, cur)}/month) against a baseline of {_fmt(baseline_total, cur)}/month "
        "(current costs where given, else each workload's best single option). "
        f"Solved {report.status.value} ({solution.stats.components} independent group(s), "
        f"{solution.stats.kept_arcs} of {solution.stats.arcs} options after exact pruning)."
    )
    if summary.binding:
        explanation += " Binding: " + "; ".join(b.explanation for b in summary.binding[:6]) + "."
    return SavingsPlan(
        levers=[Lever.WORKLOAD_ROUTING],
        title=title,
        actions=actions,
        currency_code=cur,
        baseline_monthly_cost=baseline_total,
        planned_monthly_cost=planned_total,
        monthly_savings=savings_total,
        horizon_savings=savings_total * HORIZON_MONTHS,
        horizon_months=HORIZON_MONTHS,
        savings_percent=float(100 * savings_total / baseline_total) if baseline_total > 0 else 0.0,
        upfront_cost=Decimal(0),
        break_even_months=0.0,
        explanation=explanation,
        solver=summary,
        category_savings=[
            CategorySavings(category=c, monthly_savings=v) for c, v in sorted(by_category.items())
        ],
    )


def _category(kind: DemandKind, workload: object) -> TechnologyCategory:
    from recommender.domain.routing import Workload

    assert isinstance(workload, Workload)
    if kind is DemandKind.LLM_INFERENCE or (workload.batch_job is not None and workload.batch_job.is_gpu):
        return TechnologyCategory.AI_ML
    return TechnologyCategory.PUBLIC_CLOUD


def _split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` split in proportion to ``weights`` (equal parts when they are all 0); exact sum."""
    if not weights:
        return []
    weight_sum = sum(weights, Decimal(0))
    parts = []
    for weight in weights[:-1]:
        share = weight / weight_sum if weight_sum > 0 else Decimal(1) / Decimal(len(weights))
        parts.append((total * share).quantize(Decimal("1e-9")))
    parts.append(total - sum(parts, Decimal(0)))
    return parts


def _action(
    order: int, workload_id: str, item: PlacementItem, cost: Decimal, saved: Decimal, cur: str
) -> Action:
    attributes = {
        "demand_share": f"{item.demand_share:.6g}",
        "carbon_kg_per_hour": f"{item.carbon_kg_per_hour:.6g}",
    }
    if item.country:
        attributes["country"] = item.country
    if item.api:
        return Action(
            order=order,
            type=ActionType.ROUTE_TO_API,
            description=f"Route {100 * item.demand_share:.1f}% of {workload_id} to {item.instance_type} API",
            target=workload_id,
            offering_id=item.offer_id,
            to_value=item.instance_type,
            quantity=item.tokens_per_minute,
            quantity_unit="tokens/minute",
            provider=item.provider,
            region=item.region,
            monthly_cost=cost,
            monthly_savings=saved,
            attributes=attributes,
        )
    attributes["spot"] = "true" if item.spot else "false"
    attributes["utilization"] = f"{item.utilization:.6g}"
    if item.accelerator:
        attributes["accelerator"] = item.accelerator
    if item.throughput_source:
        attributes["throughput_source"] = item.throughput_source
    spot = " spot" if item.spot else ""
    return Action(
        order=order,
        type=ActionType.PLACE_WORKLOAD,
        description=f"Run {item.count} x {item.instance_type}{spot} in {item.provider}/{item.region} "
        f"for {workload_id}",
        target=workload_id,
        offering_id=item.offer_id,
        to_value=item.instance_type,
        quantity=float(item.count),
        quantity_unit="instances",
        provider=item.provider,
        region=item.region,
        monthly_cost=cost,
        monthly_savings=saved,
        utilization=item.utilization,
        attributes=attributes,
    )


def _alternatives(
    context: _Context,
    primary: RoutingSolution,
    placements: list[WorkloadPlacement],
    time_limit: float | None,
    gap: float,
    notes: OptionNotes,
) -> list[SavingsPlan]:
    built, request = context.built, context.request
    problem = built.problem
    llm = np.array([w.kind is DemandKind.LLM_INFERENCE for w in request.workloads], dtype=bool)
    arc_llm = llm[problem.arc_workload]
    used_api = bool((primary.shares[built.arc_api[problem.link_arc]] > 1e-9).any())
    used_make = bool((primary.instances[~built.arc_api & arc_llm] > 0).any())
    out = []
    budget = None if time_limit is None else time_limit * 0.25
    for title, keep, needed in (
        (_MAKE, ~built.arc_api, used_api),
        (_BUY, built.arc_api | ~arc_llm, used_make),
    ):
        if not needed:
            continue
        restricted = problem.restricted(keep)
        stranded = sorted({int(w) for w in restricted.unit_workload[restricted.units_without_links()]})
        if stranded:
            names = ", ".join(request.workloads[w].workload_id for w in stranded[:5])
            notes.warnings.append(f"Alternative '{title}' is impossible: no allowed option for {names}.")
            continue
        solution = solve_routing(
            restricted, time_limit=budget, mip_gap=gap, explain=_explainer(context), checked=True
        )
        if not solution.report.status.has_solution:
            notes.warnings.append(f"Alternative '{title}' has no solution ({solution.report.status.value}).")
            continue
        full = _widen(solution, keep, problem.link_arc)
        out.append(_plan(context, title, full, _placements(context, full)))
    del placements
    return out


def _widen(solution: RoutingSolution, keep: np.ndarray, link_arc: IntArray) -> RoutingSolution:
    """A restricted problem's solution in the full problem's arc and link indexing."""
    instances = np.zeros(len(keep))
    instances[np.flatnonzero(keep)] = solution.instances
    keep_links = keep[link_arc]
    shares = np.zeros(len(link_arc))
    shares[np.flatnonzero(keep_links)] = solution.shares
    return RoutingSolution(solution.report, instances, shares, solution.stats, solution.infeasible_workloads)
