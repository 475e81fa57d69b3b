"""Savings after discounts: held reserved instances and savings plans.

Oracles: closed forms for size-flexible reserved instances (EC2 m5, real us-east-1
on-demand and 1-year reserved prices from the ec2instances.info export), and brute
force over every combination of the resources' choices, each combination billed by
the provider billing simulator (``solvers.billing``, checked against an LP in
``tests/solvers/test_billing_oracle.py``).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.domain.rightsizing import InstanceTypeSpec
from recommender.ingest import load_ec2_vantage_export
from tests.rightsizing.data import EC2_EXPORT, load_traces, memory_shape
from tests.rightsizing.helpers import Vm, assert_actions_add_up, money, request, run

LOW_CPU_VMS = ("810877", "1061254", "592977", "223811")
M5 = {"m5.large": 4.0, "m5.xlarge": 8.0, "m5.2xlarge": 16.0}


@pytest.fixture(scope="module")
def ec2_frame(shared_data: Path) -> pd.DataFrame:
    return load_ec2_vantage_export(shared_data / EC2_EXPORT)


def _rate(frame: pd.DataFrame, name: str, column: str = "on_demand_hourly") -> float:
    return float(frame.loc[frame["name"] == name, column].iloc[0])


def _vms(shared: Path, ids: tuple[str, ...], current: str = "m5.2xlarge") -> list[Vm]:
    all_ids, samples = load_traces(shared)
    memory = (memory_shape(shared) * 0.1).astype(np.float32)
    n = memory.size
    return [
        Vm(vm, current, samples[all_ids.index(vm), :n], memory=np.roll(memory, 11 * i))
        for i, vm in enumerate(ids)
    ]


def _with_m5_reservation(
    req: rpb.RightSizeRequest, frame: pd.DataFrame, units: float, *, sp_rates: dict[str, float] | None = None
) -> rpb.RightSizeRequest:
    for name, nf in M5.items():
        req.usage_classes.add(
            class_id=f"aws:us-east-1:{name}",
            provider="aws",
            region="us-east-1",
            instance_type=name,
            family="m5",
            on_demand_rate=_rate(frame, name),
            normalization_factor=nf,
        )
    req.existing_commitments.add(
        commitment_id="ri-m5",
        quantity=units,
        terms=pb.CommitmentOffering(
            offering_id="m5-ri-1yr",
            term=pb.COMMITMENT_TERM_ONE_YEAR,
            payment_option=pb.PAYMENT_OPTION_NO_UPFRONT,
            reserved_instance=pb.ReservedInstanceTerms(
                covered_class_ids=[f"aws:us-east-1:{n}" for n in M5],
                normalized_units_per_unit=16.0,
                hourly_per_unit=_rate(frame, "m5.2xlarge", "reserved_1yr_no_upfront_hourly"),
            ),
        ),
    )
    if sp_rates:
        for name in sp_rates:
            if name not in M5:
                req.usage_classes.add(
                    class_id=f"aws:us-east-1:{name}",
                    provider="aws",
                    region="us-east-1",
                    instance_type=name,
                    family=name.split(".")[0],
                    on_demand_rate=_rate(frame, name),
                )
        req.existing_commitments.add(
            commitment_id="sp",
            quantity=0.2,
            terms=pb.CommitmentOffering(
                offering_id="compute-sp",
                term=pb.COMMITMENT_TERM_ONE_YEAR,
                payment_option=pb.PAYMENT_OPTION_NO_UPFRONT,
                spend_commitment=pb.SpendCommitmentTerms(
                    rates=[pb.CoveredRate(class_id=f"aws:us-east-1:{n}", rate=r) for n, r in sp_rates.items()]
                ),
            ),
        )
    return req


def test_single_vm_covered_by_a_reservation_gains_nothing_by_leaving(
    shared_data: Path, ec2: list[InstanceTypeSpec], ec2_frame: pd.DataFrame
) -> None:
    req = request(ec2, _vms(shared_data, LOW_CPU_VMS[:1]), include_families=["m5", "c5"], max_options=5)
    resp = run(_with_m5_reservation(req, ec2_frame, units=1.0))
    rec = resp.recommendations[0]
    assert rec.finding == rpb.FINDING_OVER_PROVISIONED
    assert money(rec.current_monthly_cost) == 0  # fully covered: sunk at the margin
    assert any("held commitments" in r for r in rec.reasons)
    for o in rec.options:
        if o.instance_type.startswith("m5."):  # still inside the 16 reserved units
            assert float(money(o.monthly_savings)) == pytest.approx(0.0, abs=1e-9)
        else:  # the reservation goes unused and the new type is paid on demand
            expected = -_rate(ec2_frame, o.instance_type) * 730
            assert float(money(o.monthly_savings)) == pytest.approx(expected, abs=1e-6)
        assert float(money(o.on_demand_monthly_cost)) == pytest.approx(
            _rate(ec2_frame, o.instance_type) * 730
        )
    assert not resp.plans
    # List prices alone would call c5.large a saving of (0.384 - 0.085) x 730 per month; after
    # discounts the best options stay in the reserved family (ties broken by lower risk).
    assert rec.options[0].instance_type in ("m5.large", "m5.xlarge")
    assert float(money(rec.options[0].monthly_savings)) == pytest.approx(0.0, abs=1e-9)


def test_joint_choice_keeps_the_reservation_used(
    shared_data: Path, ec2: list[InstanceTypeSpec], ec2_frame: pd.DataFrame
) -> None:
    """3 x m5.2xlarge, one 16-unit m5 reservation. Alone, each VM saves most by moving to
    c5.large; together, moving all three to c5.large strands the reservation. The optimum
    moves all three to m5.large (12 units, inside the reservation): the bill drops from
    2 x 0.384 to 0 USD/h, i.e. 2 x 0.384 x 730 = 560.64 USD/month (closed form)."""
    vms = _vms(shared_data, LOW_CPU_VMS[:3])
    req = _with_m5_reservation(
        request(ec2, vms, include_families=["m5", "c5"], max_options=5, single_profile=True), ec2_frame, 1.0
    )
    resp = run(req)
    p2xl, p_c5 = _rate(ec2_frame, "m5.2xlarge"), _rate(ec2_frame, "c5.large")
    for rec in resp.recommendations:
        assert float(money(rec.current_monthly_cost)) == pytest.approx(p2xl * 730)
        assert rec.options[0].instance_type == "c5.large"
        assert float(money(rec.options[0].monthly_savings)) == pytest.approx((p2xl - p_c5) * 730)
    (plan,) = resp.plans
    assert_actions_add_up(plan)
    assert float(money(plan.monthly_savings)) == pytest.approx(2 * p2xl * 730, abs=1e-6)
    assert {a.to_value for a in plan.actions} == {"m5.large"}
    assert plan.solver.status == pb.SOLVE_STATUS_OPTIMAL
    naive = 2 * p2xl - 3 * p_c5  # everyone takes its individually best option
    assert float(money(plan.monthly_savings)) > naive * 730 + 1
    assert plan.kpis_after.commitment_utilization == pytest.approx(12 / 16)
    assert plan.kpis_before.commitment_utilization == pytest.approx(1.0)


def test_joint_choice_matches_brute_force_with_reservation_and_savings_plan(
    shared_data: Path, ec2: list[InstanceTypeSpec], ec2_frame: pd.DataFrame
) -> None:
    from recommender.planning.rightsizing_inputs import price_catalogue
    from recommender.server.codec.rightsizing import decode_right_size

    vms = _vms(shared_data, LOW_CPU_VMS, current="m5.xlarge")
    vms[3].current_type = "c5.xlarge"
    sp = {
        "m5.large": 0.096 * 0.72,
        "m5.xlarge": 0.192 * 0.72,
        "m5.2xlarge": 0.384 * 0.72,
        "c5.large": 0.085 * 0.75,
        "c5.xlarge": 0.170 * 0.75,
    }
    req = _with_m5_reservation(
        request(ec2, vms, include_families=["m5", "c5"], max_options=3, single_profile=True),
        ec2_frame,
        1.0,
        sp_rates=sp,
    )
    resp = run(req)
    (plan,) = resp.plans
    assert_actions_add_up(plan)

    domain = decode_right_size(req)
    priced = price_catalogue(domain)
    book = priced.book
    assert book is not None
    index = {(s.name, s.region): k for k, s in enumerate(domain.catalog)}
    menus = []
    for spec, rec in zip(domain.resources, resp.recommendations, strict=True):
        menus.append([spec.catalog_index] + [index[(o.instance_type, o.region)] for o in rec.options])
    rows = []
    for combo in itertools.product(*menus):
        u = book.other_usage.copy()
        for k in combo:
            assert priced.type_class[k] >= 0  # every candidate here has a usage class
            u[priced.type_class[k]] += 1.0
        rows.append(u)
    bills = book.residual(np.array(rows)) + book.held_hourly_cost()
    best = float(bills.min()) * 730
    assert float(money(plan.planned_monthly_cost)) == pytest.approx(best, abs=1e-6)
    assert float(money(plan.baseline_monthly_cost)) == pytest.approx(float(bills[0]) * 730, abs=1e-6)
