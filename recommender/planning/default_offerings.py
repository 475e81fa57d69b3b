"""Commitment offerings from the bundled default catalogue, for requests without any.

The bundled catalogue (``recommender/data``, from apache-libcloud 3.9.1) has GCP
**c2** resource-based committed-use discounts (1 and 3 years, per vCPU-hour and
per GiB-hour) for asia-south1 and us-central1. A c2 usage class is recognised by
its ``instance_type`` (or a ``gcp:<region>:<type>`` class id) and region.

Resource CUDs are flexible across machine sizes in a region. When every c2 class
of a region has ``normalization_factor`` equal to its vCPU count, one pooled
offering per term covers them all, a unit being one vCPU with its 4 GiB; otherwise
each class gets its own offering, a unit being one machine.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from recommender.domain.commitments import (
    CommitmentOffering,
    PaymentOption,
    ReservedInstanceTerms,
    Term,
    UsageClass,
)

DEFAULT_CATALOGUE_SCOPE = (
    "the server's default catalogue has no commitment offering for these usage classes "
    "(it covers GCP c2 machine types in asia-south1 and us-central1)"
)
_TERMS = {"1yr": Term.ONE_YEAR, "3yr": Term.THREE_YEARS}


@dataclass(frozen=True)
class _Machine:
    usage_class: UsageClass
    region: str
    vcpus: float
    memory_gib: float


def _identify(cls: UsageClass, catalog: pd.DataFrame) -> _Machine | None:
    parts = cls.class_id.split(":")
    name = cls.instance_type or (parts[2] if len(parts) >= 3 else "")
    region = cls.region or (parts[1] if len(parts) >= 3 else "")
    provider = cls.provider or (parts[0] if len(parts) >= 3 else "")
    if provider.lower() not in ("gcp", "google", "") or not name.startswith("c2-"):
        return None
    row = catalog[(catalog["provider"] == "gcp") & (catalog["name"] == name) & (catalog["region"] == region)]
    if row.empty:
        return None
    first = row.iloc[0]
    return _Machine(cls, region, float(first["vcpus"]), float(first["memory_gib"]))


def default_offerings(classes: list[UsageClass]) -> list[CommitmentOffering]:
    """Offerings of the bundled catalogue that cover some of ``classes``."""
    from recommender.defaults import default_commitment_rates, default_compute_catalog

    catalog = default_compute_catalog()
    rates = default_commitment_rates()
    by_region: dict[str, list[_Machine]] = defaultdict(list)
    for cls in classes:
        machine = _identify(cls, catalog)
        if machine is not None:
            by_region[machine.region].append(machine)
    offerings: list[CommitmentOffering] = []
    for region in sorted(by_region):
        machines = by_region[region]
        for term_key, term in _TERMS.items():
            sel = rates[(rates["family"] == "c2") & (rates["region"] == region) & (rates["term"] == term_key)]
            per = dict(zip(sel["resource"], sel["hourly_rate"], strict=True))
            if "vcpu" not in per or "memory" not in per:
                continue
            offerings += _region_offerings(region, term, term_key, machines, per["vcpu"], per["memory"])
    return offerings


def _region_offerings(
    region: str, term: Term, term_key: str, machines: list[_Machine], vcpu_rate: float, memory_rate: float
) -> list[CommitmentOffering]:
    name = f"GCP c2 {term_key} resource CUD {region}"
    pooled = all(abs(m.usage_class.normalization_factor - m.vcpus) < 1e-9 for m in machines)
    if pooled:
        gib_per_vcpu = machines[0].memory_gib / machines[0].vcpus
        return [
            CommitmentOffering(
                offering_id=f"gcp-c2-cud-{term_key}-{region}",
                display_name=f"{name} (per vCPU + {gib_per_vcpu:g} GiB, size-flexible)",
                provider="gcp",
                term=term,
                payment_option=PaymentOption.NO_UPFRONT,
                reserved_instance=ReservedInstanceTerms(
                    covered_class_ids=[m.usage_class.class_id for m in machines],
                    normalized_units_per_unit=1.0,
                    hourly_per_unit=vcpu_rate + gib_per_vcpu * memory_rate,
                ),
            )
        ]
    return [
        CommitmentOffering(
            offering_id=f"gcp-c2-cud-{term_key}-{m.usage_class.class_id}",
            display_name=f"{name} for {m.usage_class.class_id}",
            provider="gcp",
            term=term,
            payment_option=PaymentOption.NO_UPFRONT,
            reserved_instance=ReservedInstanceTerms(
                covered_class_ids=[m.usage_class.class_id],
                normalized_units_per_unit=m.usage_class.normalization_factor,
                hourly_per_unit=m.vcpus * vcpu_rate + m.memory_gib * memory_rate,
            ),
        )
        for m in machines
    ]
