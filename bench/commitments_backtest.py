"""Backtest: plan on the first part of a real trace, bill the rest; ours vs lookback-max-savings.

Traces (../shared/data, see docs/commitments.md for the mapping to usage):
  azure-agg   datacenter-traces-aggregated/azure_v2 cpu_usage (cores, 30 days)  -> vCPU-hours / 1000
  google-agg  datacenter-traces-aggregated/google2019 avg_cpu (0-1, 28 days)    -> × 1000 vCPUs
  azure-100   azure-vm-cpu-100-sample avg CPU % of 100 VMs (28 days), each VM 4 vCPUs -> vCPUs used
  alibaba     alibaba-clusterdata DLRM trace: CPU requests of running CN instances (31 days)
One class (vCPU-hour at 0.048 USD on demand = m5.large / 2) with a 1-year no-upfront savings plan
(28 % off, spend) and a 1-year no-upfront RI per vCPU (37.5 % off = m5.large RI 0.060 / OD 0.096).
Plan on the first 20 days, bill the following 7 days hour by hour (billing.simulate).
Lookback rule (AWS/Azure/GCP): simulate candidate commitments on the last 7 / 20 days and pick the
max-savings one, per instrument type separately (RI-only, SP-only), as their recommenders do.
Also prints the forecaster's out-of-sample error on the same held-out week.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from solvers.billing import simulate
from solvers.commitment_problem import CommitmentProblem, ReservedOffer, SpendOffer
from solvers.commitments import solve_commitments
from solvers.forecast import accuracy

DATA = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"
P, D_SP, RI_RATE = 0.048, 0.28, 0.030
TRAIN, TEST = 20 * 24, 7 * 24


def hourly(values: np.ndarray, per_hour: int) -> np.ndarray:
    n = len(values) // per_hour * per_hour
    return values[:n].reshape(-1, per_hour).mean(axis=1)


def traces() -> dict[str, np.ndarray]:
    out = {}
    az = pd.read_csv(
        DATA / "datacenter-traces-aggregated/azure_v2_vm_cpu_readings_month_aggregated_cpu_mem.csv"
    )
    out["azure-agg"] = hourly(az.cpu_usage.to_numpy(), 12) / 1000.0
    g = pd.read_csv(
        DATA / "datacenter-traces-aggregated/google2019_instance_usage_grouped_300_seconds_month.csv"
    )
    out["google-agg"] = hourly(g.avg_cpu.to_numpy(), 12) * 1000.0
    m = pd.read_csv(DATA / "azure-vm-cpu-100-sample/microsoft_avg_100.csv").drop(columns="step")
    out["azure-100"] = hourly(m.to_numpy().sum(axis=1) / 100.0 * 4, 12)
    dl = pd.read_csv(DATA / "alibaba-clusterdata/cluster-trace-gpu-v2025__disaggregated_DLRM_trace.csv")
    dl = dl[dl.role == "CN"]
    start = dl.creation_time.fillna(0).to_numpy()
    end = dl.deletion_time.fillna(dl.creation_time.max()).to_numpy()
    hours = int(np.nanmax(end) // 3600)
    delta = np.zeros(hours + 2)
    np.add.at(delta, (start // 3600).astype(int), dl.cpu_request.to_numpy())
    np.add.at(delta, np.minimum((end // 3600).astype(int), hours + 1), -dl.cpu_request.to_numpy())
    out["alibaba"] = np.cumsum(delta)[:hours]
    return {k: v[: TRAIN + TEST] for k, v in out.items() if len(v) >= TRAIN + TEST}


def problem(usage: np.ndarray, ri: bool, sp: bool) -> CommitmentProblem:
    return CommitmentProblem(
        usage[:, None],
        np.array([P]),
        np.ones(1),
        reserved=(ReservedOffer("ri", (0,), 1.0, RI_RATE, whole_units=False),) if ri else (),
        spend=(SpendOffer("sp", (0,), ((1 - D_SP) * P,)),) if sp else (),
    )


def realised(test: np.ndarray, x: np.ndarray, c: np.ndarray) -> tuple[float, float, float]:
    """(savings % of on-demand, worst day savings %, utilisation) billed on the test hours."""
    prob = problem(test, True, True)
    bill = simulate(prob, x, c)
    base = test * P
    plan = bill.hourly_cost()
    days = (base.reshape(-1, 24).sum(1) - plan.reshape(-1, 24).sum(1)) / base.reshape(-1, 24).sum(1)
    cap = bill.capacity.sum()
    return (
        100 * (base.sum() - plan.sum()) / base.sum(),
        100 * days.min(),
        bill.used.sum() / cap if cap else 0.0,
    )


def ours(train: np.ndarray, profile_lambda: float) -> tuple[np.ndarray, np.ndarray]:
    """Risk-averse joint plan from forecast scenarios (the service's horizon planner, 1-month horizon)."""
    from datetime import UTC, datetime

    from recommender.domain.commitments import (
        CommitmentOffering,
        CommitmentPolicy,
        CommitmentRequest,
        CoveredRate,
        PaymentOption,
        ReservedInstanceTerms,
        RiskPolicy,
        SpendCommitmentTerms,
        Term,
        UsageClass,
    )
    from recommender.planning.commitment_frontier import plan_frontier
    from recommender.planning.commitment_inputs import prepare

    req = CommitmentRequest(
        usage_classes=[UsageClass(class_id="vcpu", on_demand_rate=P)],
        start_time=datetime(2026, 1, 1, tzinfo=UTC),
        usage=train[:, None],
        offerings=[
            CommitmentOffering(
                offering_id="ri",
                term=Term.ONE_YEAR,
                payment_option=PaymentOption.NO_UPFRONT,
                reserved_instance=ReservedInstanceTerms(covered_class_ids=["vcpu"], hourly_per_unit=RI_RATE),
            ),
            CommitmentOffering(
                offering_id="sp",
                term=Term.ONE_YEAR,
                payment_option=PaymentOption.NO_UPFRONT,
                spend_commitment=SpendCommitmentTerms(
                    rates=[CoveredRate(class_id="vcpu", rate=(1 - D_SP) * P)]
                ),
            ),
        ],
        policy=CommitmentPolicy(
            horizon_months=1, allow_fractional_units=True, risk=RiskPolicy(sample_count=8)
        ),
    )
    out = plan_frontier(req, prepare(req), None)
    wanted = {0.0: "aggressive", 0.5: "balanced", 0.9: "conservative"}[profile_lambda]
    plan = next((p for p in out.plans if p.risk_profile.value == wanted), out.plans[0])
    x = np.array(
        [
            sum(
                a.quantity
                for a in plan.actions
                if a.offering_id == "ri" and a.attributes.get("start_month") == "0"
            )
        ]
    )
    c = np.array(
        [
            sum(
                a.quantity
                for a in plan.actions
                if a.offering_id == "sp" and a.attributes.get("start_month") == "0"
            )
        ]
    )
    return x, c


def main() -> None:
    import os

    print(f"load: {os.getloadavg()}")
    rows = []
    started = time.perf_counter()
    for name, series in traces().items():
        train, test = series[:TRAIN], series[TRAIN:]
        acc = accuracy(train[:, None], test[:, None])
        print(
            f"{name}: forecast WAPE {acc.wape:.3f} (seasonal naive {acc.naive_wape:.3f}), "
            f"pinball10/50/90 {acc.pinball[0.1]:.4f}/{acc.pinball[0.5]:.4f}/{acc.pinball[0.9]:.4f}, "
            f"80% interval coverage {acc.coverage:.2f}"
        )
        for days in (7, 20):
            look = train[-days * 24 :]
            ri = solve_commitments(problem(look, True, False)).reserved_units
            sp = solve_commitments(problem(look, False, True)).spend_commitment
            rows.append((name, f"lookback {days}d RI only", *realised(test, ri, np.zeros(1))))
            rows.append((name, f"lookback {days}d SP only", *realised(test, np.zeros(1), sp)))
            rows.append((name, f"lookback {days}d RI + SP recs", *realised(test, ri, sp)))
        for lam, label in ((0.0, "aggressive"), (0.5, "balanced"), (0.9, "conservative")):
            x, c = ours(train, lam)
            rows.append((name, f"ours {label}", *realised(test, x, c)))
    print(f"\n{'trace':<11} {'policy':<26} {'savings %':>9} {'worst day %':>11} {'utilisation':>11}")
    for r in rows:
        print(f"{r[0]:<11} {r[1]:<26} {r[2]:>9.2f} {r[3]:>11.2f} {r[4]:>11.3f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\ntotal {time.perf_counter() - started:.1f} s, peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
