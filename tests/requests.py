"""Small request builders for the gRPC tests."""

from __future__ import annotations

from collections.abc import Sequence

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import common_pb2 as pb


def spend_offering(
    offering_id: str, rates: dict[str, float], *, three_years: bool = False
) -> pb.CommitmentOffering:
    return pb.CommitmentOffering(
        offering_id=offering_id,
        term=pb.COMMITMENT_TERM_THREE_YEARS if three_years else pb.COMMITMENT_TERM_ONE_YEAR,
        payment_option=pb.PAYMENT_OPTION_NO_UPFRONT,
        spend_commitment=pb.SpendCommitmentTerms(
            rates=[pb.CoveredRate(class_id=c, rate=r) for c, r in rates.items()]
        ),
    )


def reserved_offering(
    offering_id: str, classes: Sequence[str], hourly: float, *, upfront: float = 0.0, units: float = 1.0
) -> pb.CommitmentOffering:
    return pb.CommitmentOffering(
        offering_id=offering_id,
        term=pb.COMMITMENT_TERM_ONE_YEAR,
        payment_option=pb.PAYMENT_OPTION_PARTIAL_UPFRONT if upfront else pb.PAYMENT_OPTION_NO_UPFRONT,
        reserved_instance=pb.ReservedInstanceTerms(
            covered_class_ids=list(classes),
            normalized_units_per_unit=units,
            upfront_per_unit=upfront,
            hourly_per_unit=hourly,
        ),
    )


def commitment_request(
    usage: dict[str, Sequence[float]],
    rates: dict[str, float],
    offerings: Sequence[pb.CommitmentOffering],
    **policy: object,
) -> cpb.PlanCommitmentsRequest:
    return cpb.PlanCommitmentsRequest(
        currency_code="USD",
        usage_classes=[pb.UsageClass(class_id=c, on_demand_rate=rates[c]) for c in usage],
        usage=pb.UsageProfile(
            series=[pb.UsageSeries(class_id=c, quantity=list(q)) for c, q in usage.items()]
        ),
        offerings=list(offerings),
        policy=cpb.CommitmentPolicy(**policy),  # type: ignore[arg-type]
    )
