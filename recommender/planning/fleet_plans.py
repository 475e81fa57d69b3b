"""Fleet mode: requests from utilisation, the packing MILP, and its savings plan."""

from __future__ import annotations

import numpy as np

from recommender.domain.common import (
    HOURS_PER_MONTH,
    Action,
    ActionType,
    BindingRule,
    Lever,
    SavingsPlan,
    SolverSummary,
    money,
)
from recommender.domain.rightsizing import (
    FleetNodeResult,
    FleetPlanResult,
    FleetSpec,
    InstanceTypeSpec,
    RightSizingPolicy,
)
from recommender.errors import InfeasibleError
from recommender.planning.summaries import solver_summary
from solvers.fleet_packing import Packing, PackingProblem, pack, unplaceable
from solvers.result import SolveReport
from solvers.rightsizing_data import FloatArray
from solvers.rightsizing_stats import sorted_quantiles


def member_requests(fleet: FleetSpec, policy: RightSizingPolicy) -> tuple[FloatArray, FloatArray]:
    """CPU and memory request of one replica of each member.

    Given requests are used as they are; otherwise CPU = policy percentile of the
    CPU usage × (1 + CPU headroom) and memory = maximum × (1 + memory headroom)
    (or the memory percentile when the policy sets one).
    """
    cpu = np.zeros(len(fleet.members))
    mem = np.zeros(len(fleet.members))
    mem_level = policy.memory_percentile or 100.0
    for i, m in enumerate(fleet.members):
        cpu[i] = m.cpu_request
        if cpu[i] == 0 and m.cpu_usage is not None and m.cpu_usage.size:
            usage = np.sort(m.cpu_usage)[None, :]
            cpu[i] = sorted_quantiles(usage, [policy.cpu_percentile])[0, 0] * (1 + policy.cpu_headroom)
        mem[i] = m.memory_request_gib
        if mem[i] == 0 and m.memory_usage_gib is not None and m.memory_usage_gib.size:
            usage = np.sort(m.memory_usage_gib)[None, :]
            mem[i] = sorted_quantiles(usage, [mem_level])[0, 0] * (1 + policy.memory_headroom)
    return cpu, mem


def allocatable(fleet: FleetSpec, specs: list[InstanceTypeSpec]) -> tuple[FloatArray, FloatArray]:
    """Allocatable vCPUs and GiB of each node type after the system overhead."""
    share = 1.0 - fleet.node_overhead
    cpu = np.array([s.vcpus * share - fleet.node_overhead_vcpus for s in specs])
    mem = np.array([s.memory_gib * share - fleet.node_overhead_memory_gib for s in specs])
    return cpu, mem


def plan_fleet(
    fleet: FleetSpec,
    catalog: list[InstanceTypeSpec],
    price: FloatArray,
    policy: RightSizingPolicy,
    currency: str,
    time_limit: float | None,
) -> tuple[FleetPlanResult, SavingsPlan | None, list[str]]:
    """Pack the fleet; a savings plan against ``current_nodes`` when they are given."""
    warnings: list[str] = []
    nodes_idx = list(fleet.node_indices)
    specs = [catalog[k] for k in nodes_idx]
    node_cpu, node_mem = allocatable(fleet, specs)
    usable = (node_cpu > 0) & (node_mem > 0)
    if not usable.all():
        dropped = [specs[i].name for i in np.flatnonzero(~usable)]
        warnings.append(
            f"fleet: node types with nothing allocatable after the overhead were left out: {dropped}"
        )
    keep = np.flatnonzero(usable)
    if keep.size == 0:
        raise InfeasibleError(
            "No node type has allocatable capacity after fleet.node_overhead and the per-node reservations.",
            binding=["fleet.node_overhead"],
        )
    nodes_idx = [nodes_idx[i] for i in keep]
    specs = [specs[i] for i in keep]
    node_cpu, node_mem = node_cpu[keep], node_mem[keep]
    node_price = np.array([price[k] for k in nodes_idx], dtype=np.float64)
    cpu, mem = member_requests(fleet, policy)
    replicas = np.array([m.replicas for m in fleet.members], dtype=np.int64)
    problem = PackingProblem(
        cpu=cpu, memory=mem, replicas=replicas, node_cpu=node_cpu, node_memory=node_mem, node_price=node_price
    )
    bad = unplaceable(problem)
    if bad.size:
        binding = [f"fleet.members[{i}]" for i in bad[:10]]
        first = int(bad[0])
        raise InfeasibleError(
            f"fleet member '{fleet.members[first].member_id}' needs {cpu[first]:.3g} vCPUs and "
            f"{mem[first]:.3g} GiB per replica, more than any allowed node type can allocate "
            f"(largest: {node_cpu.max():.3g} vCPUs, {node_mem.max():.3g} GiB after overhead); "
            f"{bad.size} member(s) fit no node type.",
            binding=binding,
        )
    packing = pack(problem, time_limit=time_limit)
    result = _result(fleet, specs, nodes_idx, price, problem, packing)
    plan = _plan(fleet, catalog, price, specs, nodes_idx, packing, result, currency, problem)
    if plan is None:
        warnings.append(
            "fleet: no current_nodes given, so the packing is reported in fleet_plan without a savings plan."
        )
    return result, plan, warnings


def _summary(report: SolveReport, problem: PackingProblem, packing: Packing) -> SolverSummary:
    used_cpu = float(problem.cpu @ problem.replicas)
    used_mem = float(problem.memory @ problem.replicas)
    alloc_cpu = sum(float(problem.node_cpu[n.node_type]) for n in packing.nodes)
    alloc_mem = sum(float(problem.node_memory[n.node_type]) for n in packing.nodes)
    binding = []
    if alloc_cpu > 0 and alloc_mem > 0:
        cpu_share, mem_share = used_cpu / alloc_cpu, used_mem / alloc_mem
        tight, share = ("memory", mem_share) if mem_share >= cpu_share else ("cpu", cpu_share)
        binding.append(
            BindingRule(
                name=f"{tight}_total",
                explanation=(
                    f"The fleet is {tight}-bound: members request {100 * share:.0f} % of the nodes' "
                    "allocatable "
                    f"{'memory' if tight == 'memory' else 'vCPUs'} ({100 * cpu_share:.0f} % of vCPUs, "
                    f"{100 * mem_share:.0f} % of memory)."
                ),
            )
        )
    return solver_summary(report, binding)


def _result(
    fleet: FleetSpec,
    specs: list[InstanceTypeSpec],
    nodes_idx: list[int],
    price: FloatArray,
    problem: PackingProblem,
    packing: Packing,
) -> FleetPlanResult:
    counts: dict[str, int] = {}
    nodes = []
    for node in packing.nodes:
        name = specs[node.node_type].name
        index = counts.get(name, 0)
        counts[name] = index + 1
        members = sorted(node.members.items())
        nodes.append(
            FleetNodeResult(
                node_type=name,
                index=index,
                placements=tuple((fleet.members[i].member_id, n) for i, n in members),
                cpu_requested=float(sum(problem.cpu[i] * n for i, n in members)),
                memory_requested_gib=float(sum(problem.memory[i] * n for i, n in members)),
                cpu_allocatable=float(problem.node_cpu[node.node_type]),
                memory_allocatable_gib=float(problem.node_memory[node.node_type]),
            )
        )
    current = sum(price[k] * n for k, n in fleet.current_nodes.items()) * HOURS_PER_MONTH
    return FleetPlanResult(
        node_counts=counts,
        nodes=tuple(nodes),
        monthly_cost=packing.hourly_cost * HOURS_PER_MONTH,
        current_monthly_cost=float(current),
        solver=_summary(packing.report, problem, packing),
        member_cpu_requests={m.member_id: float(problem.cpu[i]) for i, m in enumerate(fleet.members)},
        member_memory_requests_gib={
            m.member_id: float(problem.memory[i]) for i, m in enumerate(fleet.members)
        },
    )


def _plan(
    fleet: FleetSpec,
    catalog: list[InstanceTypeSpec],
    price: FloatArray,
    specs: list[InstanceTypeSpec],
    nodes_idx: list[int],
    packing: Packing,
    result: FleetPlanResult,
    currency: str,
    problem: PackingProblem,
) -> SavingsPlan | None:
    if not fleet.current_nodes:
        return None
    new_counts = {nodes_idx[t]: int(n) for t, n in enumerate(packing.counts(len(specs))) if n > 0}
    rows = sorted(set(new_counts) | set(fleet.current_nodes))
    actions = []
    for k in rows:
        before, after = fleet.current_nodes.get(k, 0), new_counts.get(k, 0)
        spec = catalog[k]
        monthly = float(price[k]) * HOURS_PER_MONTH
        verb = "Run" if before == 0 else ("Retire" if after == 0 else "Resize pool of")
        actions.append(
            Action(
                order=0,
                type=ActionType.PROVISION_NODES,
                description=f"{verb} {spec.name} nodes: {before} -> {after}",
                target=f"node pool {spec.name}",
                offering_id=spec.name,
                from_value=f"{before} nodes",
                to_value=f"{after} nodes",
                quantity=float(after),
                quantity_unit="nodes",
                provider=spec.provider,
                region=spec.region,
                monthly_cost=money(after * monthly),
                monthly_savings=money((before - after) * monthly),
                attributes={"node_type": spec.name, "nodes_before": str(before), "nodes_after": str(after)},
            )
        )
    actions.sort(key=lambda a: (-a.monthly_savings, a.target))
    actions = [a.model_copy(update={"order": i}) for i, a in enumerate(actions, start=1)]
    savings = sum((a.monthly_savings for a in actions), start=money(0))
    baseline = money(result.current_monthly_cost)
    planned = baseline - savings
    members = int(problem.replicas.sum())
    status = result.solver.status.value
    gap = (
        ""
        if status == "optimal"
        else f" Optimality not proven in time: relative gap {result.solver.relative_gap:.2%}."
    )
    explanation = (
        f"Packs {members} replicas of {len(fleet.members)} members onto "
        f"{sum(result.node_counts.values())} nodes "
        f"({', '.join(f'{n} x {t}' for t, n in sorted(result.node_counts.items()))}) in {fleet.region}, "
        f"minimising the nodes' on-demand cost: {float(planned):,.2f} {currency}/month against "
        f"{float(baseline):,.2f} for the current pool. Requests come from utilisation where not given "
        "(CPU at the policy percentile plus headroom, memory at the maximum plus headroom); "
        f"{100 * fleet.node_overhead:.0f} % of each node (plus {fleet.node_overhead_vcpus:g} vCPUs and "
        f"{fleet.node_overhead_memory_gib:g} GiB) is reserved for the system. "
        + " ".join(b.explanation for b in result.solver.binding)
        + gap
    )
    return SavingsPlan(
        levers=[Lever.RIGHT_SIZING],
        title=f"Fleet packing in {fleet.region}: {sum(result.node_counts.values())} nodes",
        actions=actions,
        currency_code=currency,
        baseline_monthly_cost=baseline,
        planned_monthly_cost=planned,
        monthly_savings=savings,
        horizon_savings=savings * 12,
        horizon_months=12,
        savings_percent=100.0 * float(savings) / float(baseline) if baseline > 0 else 0.0,
        upfront_cost=money(0),
        break_even_months=0.0,
        explanation=explanation.strip(),
        solver=result.solver,
    )
