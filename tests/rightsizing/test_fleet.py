"""Fleet packing on real pod requests (Alibaba 2023 cluster trace) and real Azure node
prices, against brute force over every partition of the pods into nodes."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.domain.rightsizing import InstanceTypeSpec
from recommender.errors import InfeasibleError
from solvers.fleet_packing import PackingProblem, heuristic
from solvers.result import SolveStatus
from tests.rightsizing.data import SAMPLES_14_DAYS, pods
from tests.rightsizing.helpers import assert_actions_add_up, money, request, run

NODES = (
    "Standard_D16s_v5",
    "Standard_D32s_v5",
    "Standard_D48s_v5",
    "Standard_E16s_v5",
    "Standard_E32s_v5",
    "Standard_F32s_v2",
)
OVERHEAD = 0.05


@pytest.fixture(scope="module")
def cpu_pods(shared_data: Path) -> pd.DataFrame:
    frame = pods(shared_data)
    frame = frame[
        (frame["num_gpu"] == 0) & (frame["cpu_milli"] <= 30_000) & (frame["memory_mib"] <= 120 * 1024)
    ]
    return frame[frame["memory_mib"] > 0].reset_index(drop=True)


def _partitions(items: list[int]) -> Iterator[list[list[int]]]:
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _partitions(rest):
        for i in range(len(part)):
            yield part[:i] + [[first, *part[i]]] + part[i + 1 :]
        yield [[first], *part]


def brute_force(
    cpu: list[float], mem: list[float], node_cpu: list[float], node_mem: list[float], price: list[float]
) -> float:
    """Cheapest packing: every partition of the replicas, each block on its cheapest fitting type."""
    best = float("inf")
    for part in _partitions(list(range(len(cpu)))):
        total = 0.0
        for block in part:
            c = sum(cpu[i] for i in block)
            m = sum(mem[i] for i in block)
            fitting = [
                p
                for p, nc, nm in zip(price, node_cpu, node_mem, strict=True)
                if c <= nc + 1e-9 and m <= nm + 1e-9
            ]
            if not fitting:
                total = float("inf")
                break
            total += min(fitting)
        best = min(best, total)
    return best


def _fleet_request(
    azure: list[InstanceTypeSpec], members: list[tuple[str, float, float, int]], **fleet: object
) -> rpb.RightSizeRequest:
    req = request(azure, [])
    req.fleet.CopyFrom(
        rpb.FleetSpec(
            region="eastus",
            provider="azure",
            node_types=list(NODES),
            node_overhead=OVERHEAD,
            members=[
                rpb.FleetMember(member_id=m, cpu_request=c, memory_request_gib=g, replicas=r)
                for m, c, g, r in members
            ],
            **fleet,  # type: ignore[arg-type]
        )
    )
    return req


def _node_table(azure: list[InstanceTypeSpec]) -> tuple[list[float], list[float], list[float]]:
    specs = {s.name: s for s in azure}
    return (
        [specs[n].vcpus * (1 - OVERHEAD) for n in NODES],
        [specs[n].memory_gib * (1 - OVERHEAD) for n in NODES],
        [specs[n].hourly_price for n in NODES],
    )


@pytest.mark.parametrize("seed", range(6))
def test_small_fleets_match_brute_force(
    azure: list[InstanceTypeSpec], cpu_pods: pd.DataFrame, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    chosen = cpu_pods.iloc[rng.choice(len(cpu_pods), size=6 if seed < 4 else 4, replace=False)]
    replicas = [1] * len(chosen) if seed < 4 else [2, 1, 2, 1]
    members = [
        (str(row.name), row.cpu_milli / 1000, row.memory_mib / 1024, reps)
        for row, reps in zip(chosen.itertuples(), replicas, strict=True)
    ]
    resp = run(_fleet_request(azure, members))
    fp = resp.fleet_plan
    node_cpu, node_mem, price = _node_table(azure)
    cpu = [c for _, c, _, r in members for _ in range(r)]
    mem = [g for _, _, g, r in members for _ in range(r)]
    best = brute_force(cpu, mem, node_cpu, node_mem, price)
    assert fp.solver.status == pb.SOLVE_STATUS_OPTIMAL
    assert float(money(fp.monthly_cost)) == pytest.approx(best * 730, abs=1e-6)
    assert fp.solver.objective == pytest.approx(best, abs=1e-7)
    placed = {}
    for node in fp.nodes:
        assert node.cpu_requested <= node.cpu_allocatable + 1e-9
        assert node.memory_requested_gib <= node.memory_allocatable_gib + 1e-9
        for p in node.placements:
            placed[p.member_id] = placed.get(p.member_id, 0) + p.replicas
    assert placed == {m: r for m, _, _, r in members}
    assert sum(fp.node_counts.values()) == len(fp.nodes)


def test_requests_from_utilisation(
    azure: list[InstanceTypeSpec], traces: tuple[tuple[str, ...], np.ndarray]
) -> None:
    _, samples = traces
    cpu_usage = samples[:3, :SAMPLES_14_DAYS] / 100 * 8  # vCPUs of an 8-vCPU VM
    mem_usage = samples[3:6, :SAMPLES_14_DAYS] / 100 * 16
    req = _fleet_request(azure, [])
    for i in range(3):
        req.fleet.members.add(
            member_id=f"svc-{i}", cpu_usage=cpu_usage[i].tolist(), memory_usage_gib=mem_usage[i].tolist()
        )
    req.policy.cpu_percentile = 95
    fp = run(req).fleet_plan
    for i in range(3):
        expected_cpu = float(np.percentile(cpu_usage[i].astype(np.float32).astype(np.float64), 95)) * 1.2
        expected_mem = float(mem_usage[i].astype(np.float32).max()) * 1.2
        assert fp.member_cpu_requests[f"svc-{i}"] == pytest.approx(expected_cpu, rel=1e-6)
        assert fp.member_memory_requests_gib[f"svc-{i}"] == pytest.approx(expected_mem, rel=1e-6)


def test_savings_plan_against_current_pool(azure: list[InstanceTypeSpec], cpu_pods: pd.DataFrame) -> None:
    rows = cpu_pods.iloc[:5]
    members = [(str(r.name), r.cpu_milli / 1000, r.memory_mib / 1024, 1) for r in rows.itertuples()]
    req = _fleet_request(azure, members, current_nodes={"Standard_D48s_v5": 3, "Standard_E32s_v5": 1})
    resp = run(req)
    (plan,) = resp.plans
    assert_actions_add_up(plan)
    specs = {s.name: s for s in azure}
    current = (3 * specs["Standard_D48s_v5"].hourly_price + specs["Standard_E32s_v5"].hourly_price) * 730
    assert float(money(plan.baseline_monthly_cost)) == pytest.approx(current, abs=1e-6)
    assert money(plan.planned_monthly_cost) == money(resp.fleet_plan.monthly_cost).quantize(Decimal("1e-9"))
    assert all(a.type == pb.ACTION_TYPE_PROVISION_NODES for a in plan.actions)
    assert plan.levers == [pb.LEVER_RIGHT_SIZING]


def test_large_fleet_reports_bound_and_gap(azure: list[InstanceTypeSpec], cpu_pods: pd.DataFrame) -> None:
    rows = cpu_pods.sample(n=120, random_state=7)
    members = [(str(r.name), r.cpu_milli / 1000, r.memory_mib / 1024, 1) for r in rows.itertuples()]
    fp = run(_fleet_request(azure, members), time_limit=4.0).fleet_plan
    node_cpu, node_mem, price = _node_table(azure)
    ffd = heuristic(
        PackingProblem(
            cpu=np.array([m[1] for m in members]),
            memory=np.array([m[2] for m in members]),
            replicas=np.ones(len(members), dtype=np.int64),
            node_cpu=np.array(node_cpu),
            node_memory=np.array(node_mem),
            node_price=np.array(price),
        )
    )
    cost = float(money(fp.monthly_cost)) / 730
    assert cost <= sum(price[n.node_type] for n in ffd) + 1e-9
    assert fp.solver.status in (pb.SOLVE_STATUS_OPTIMAL, pb.SOLVE_STATUS_FEASIBLE)
    assert fp.solver.bound <= fp.solver.objective + 1e-7
    assert fp.solver.relative_gap == pytest.approx(
        (fp.solver.objective - fp.solver.bound) / fp.solver.objective, abs=1e-9
    )
    # The capacity bound (cheapest $/vCPU and $/GiB times the totals) is a valid lower bound too.
    total_cpu, total_mem = sum(m[1] for m in members), sum(m[2] for m in members)
    bound = max(
        total_cpu * min(p / c for p, c in zip(price, node_cpu, strict=True)),
        total_mem * min(p / g for p, g in zip(price, node_mem, strict=True)),
    )
    assert cost >= bound - 1e-9
    assert sum(len(n.placements) for n in fp.nodes) == len(members)


def test_member_larger_than_every_node_is_infeasible(azure: list[InstanceTypeSpec]) -> None:
    req = _fleet_request(azure, [("huge", 100.0, 8.0, 1), ("ok", 2.0, 4.0, 1)])
    with pytest.raises(InfeasibleError) as info:
        run(req)
    assert info.value.binding == ["fleet.members[0]"]
    assert "huge" in info.value.message


@pytest.mark.parametrize("symmetry_breaking", [False, True])
def test_solver_with_and_without_symmetry_breaking_matches_brute_force(
    azure: list[InstanceTypeSpec], cpu_pods: pd.DataFrame, symmetry_breaking: bool
) -> None:
    from solvers.fleet_packing import pack

    node_cpu, node_mem, price = _node_table(azure)
    for seed in range(3):
        rows = cpu_pods.sample(n=5, random_state=100 + seed)
        cpu = (rows["cpu_milli"] / 1000).tolist()
        mem = (rows["memory_mib"] / 1024).tolist()
        packing = pack(
            PackingProblem(
                cpu=np.array(cpu),
                memory=np.array(mem),
                replicas=np.ones(5, dtype=np.int64),
                node_cpu=np.array(node_cpu),
                node_memory=np.array(node_mem),
                node_price=np.array(price),
            ),
            time_limit=30,
            symmetry_breaking=symmetry_breaking,
        )
        assert packing.hourly_cost == pytest.approx(
            brute_force(cpu, mem, node_cpu, node_mem, price), abs=1e-9
        )


def test_column_generation_path_against_brute_force(
    azure: list[InstanceTypeSpec], cpu_pods: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large fleets use node patterns by column generation; forced here on small fleets:
    a proven optimum must equal brute force, and otherwise bound <= optimum <= packing."""
    import solvers.fleet_packing as fleet_packing

    monkeypatch.setattr(fleet_packing, "TINY_LIMIT", 0)
    monkeypatch.setattr(fleet_packing, "COMPACT_LIMIT", 0)
    node_cpu, node_mem, price = _node_table(azure)
    proven = 0
    for seed in range(6):
        rows = cpu_pods.sample(n=6, random_state=200 + seed)
        cpu = (rows["cpu_milli"] / 1000).tolist()
        mem = (rows["memory_mib"] / 1024).tolist()
        packing = fleet_packing.pack(
            PackingProblem(
                cpu=np.array(cpu),
                memory=np.array(mem),
                replicas=np.ones(6, dtype=np.int64),
                node_cpu=np.array(node_cpu),
                node_memory=np.array(node_mem),
                node_price=np.array(price),
            ),
            time_limit=30,
        )
        best = brute_force(cpu, mem, node_cpu, node_mem, price)
        assert "column generation" in packing.report.message
        assert packing.report.bound <= best + 1e-9 <= packing.hourly_cost + 2e-9
        if packing.report.status == SolveStatus.OPTIMAL:
            proven += 1
            assert packing.hourly_cost == pytest.approx(best, abs=1e-9)
    assert proven >= 3
