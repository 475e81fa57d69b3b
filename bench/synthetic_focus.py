"""A reproducible synthetic FOCUS 1.x export (plus companion lever inputs) for Recommend.

Everything is generated from a seed; nothing is real data. The export covers ``days``
days (default 35) of one AWS account billed in USD:

* **compute** (ServiceCategory ``Compute``, Amazon EC2): ``instances`` VMs of types and
  list prices from the bundled default catalogue (us-east-1 and ap-south-1), resource ids
  ``i-<n>``; steady VMs (daily rows of 24 hours), business-hours VMs (weekdays 08-20 UTC,
  hourly rows) and batch VMs (random bursts, hourly rows). The instance type is in
  ``SkuPriceDetails`` (``{"InstanceType": ...}``) and in an AWS-style ``ChargeDescription``.
  A Compute Savings Plan already covers a few steady VMs: their rows are
  ``PricingCategory=Committed`` with ``EffectiveCost`` = list x (1 - 0.28).
* **storage** (``Storage``, Amazon EBS gp3, GB-Mo, daily rows).
* **SaaS** (``Business Applications``): Slack Business+ seats (ServiceSubcategory
  ``Messaging``) and Zoom Business seats (``Video Conferencing``), one monthly row each.
* **licensing**: Windows Server licence hours on EC2 (``ChargeDescription`` names the licence).
* **AI/ML** (``AI and Machine Learning``): Amazon Bedrock input and output tokens of
  ``llama-3.1-8b`` (daily rows, unit ``1K Tokens``) and SageMaker ``ml.g5.xlarge`` hours.

:func:`companion_requests` writes the other levers' inputs for the same estate as proto3
JSON: a RightSizeRequest with hourly CPU/memory of the compute VMs (a third of the steady
ones over-provisioned), a ConsolidateVendorsRequest offering a chat + video bundle, and a
RouteWorkloadsRequest for the Bedrock workload with a cheaper API.

Usage: ``python -m bench.synthetic_focus [--out DIR] [--days 35] [--instances 60] [--seed 7]``
(without ``--out`` it writes to a temporary directory and prints the sizes and timings).
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from google.protobuf import json_format

from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import consolidation_pb2 as vpb
from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.api.v1 import routing_pb2 as wpb
from recommender.defaults import default_compute_catalog

COLUMNS = [
    "BilledCost",
    "BillingAccountId",
    "BillingCurrency",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountType",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "ResourceId",
    "ResourceType",
    "ServiceCategory",
    "ServiceSubcategory",
    "ServiceName",
    "SkuId",
    "SkuPriceDetails",
    "SubAccountId",
    "Tags",
]
START = datetime(2026, 9, 1, tzinfo=UTC)
SP_DISCOUNT = 0.28
SP_ARN = "arn:aws:savingsplans::123456789012:savingsplan/sp-compute-1"
SAAS = (  # provider, service, subcategory, unit list price, effective price, seats
    ("Slack", "Slack Business+", "Messaging", 15.00, 12.50, 300),
    ("Zoom", "Zoom Business", "Video Conferencing", 18.32, 13.33, 150),
)
BEDROCK = {"input": 0.00022, "output": 0.00022}  # USD per 1K tokens (llama 3.1 8B, illustrative)
G5_HOURLY = 1.408  # ml.g5.xlarge SageMaker list price, illustrative


@dataclass(frozen=True)
class Vm:
    """A generated VM."""

    resource_id: str
    name: str
    region: str
    price: float
    vcpus: float
    memory: float
    kind: str  # steady | office | batch
    committed: bool
    oversized: bool


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _vms(rng: np.random.Generator, count: int) -> list[Vm]:
    cat = default_compute_catalog()
    aws = cat[(cat["provider"] == "aws") & cat["name"].str.match(r"^(m5|c5|r5)\.")].reset_index(drop=True)
    out = []
    for i in range(count):
        row = aws.iloc[int(rng.integers(len(aws)))]
        kind = rng.choice(["steady", "office", "batch"], p=[0.6, 0.25, 0.15])
        out.append(
            Vm(
                resource_id=f"i-{i:05d}",
                name=str(row["name"]),
                region=str(row["region"]),
                price=float(row["hourly_price"]),
                vcpus=float(row["vcpus"]),
                memory=float(row["memory_gib"]),
                kind=str(kind),
                committed=kind == "steady" and i % 7 == 0,
                oversized=kind == "steady" and i % 3 == 1 and float(row["vcpus"]) >= 4,
            )
        )
    return out


def _base(period_start: datetime, period_end: datetime) -> dict[str, object]:
    billing_start = period_start.replace(day=1, hour=0)
    next_month = (billing_start + timedelta(days=32)).replace(day=1)
    return {
        "BillingAccountId": "123456789012",
        "BillingCurrency": "USD",
        "BillingPeriodStart": _iso(billing_start),
        "BillingPeriodEnd": _iso(next_month),
        "ChargeCategory": "Usage",
        "ChargeClass": "",
        "ChargeFrequency": "Usage-Based",
        "ChargePeriodStart": _iso(period_start),
        "ChargePeriodEnd": _iso(period_end),
        "InvoiceIssuerName": "Amazon Web Services, Inc.",
        "ProviderName": "AWS",
        "PublisherName": "Amazon Web Services, Inc.",
        "SubAccountId": "210987654321",
        "PricingCategory": "Standard",
    }


def _vm_rows(vm: Vm, days: int, rng: np.random.Generator) -> list[dict[str, object]]:
    rows = []
    description = f"${vm.price:.4f} per On Demand Linux {vm.name} Instance Hour"
    common = {
        "ServiceCategory": "Compute",
        "ServiceSubcategory": "Virtual Machines",
        "ServiceName": "Amazon Elastic Compute Cloud",
        "RegionId": vm.region,
        "ResourceId": vm.resource_id,
        "ResourceType": "instance",
        "SkuId": f"SKU-{vm.region}-{vm.name}",
        "SkuPriceDetails": json.dumps({"InstanceType": vm.name, "OperatingSystem": "Linux"}),
        "ChargeDescription": description,
        "ListUnitPrice": vm.price,
        "ContractedUnitPrice": vm.price,
        "PricingUnit": "Hours",
        "ConsumedUnit": "Hours",
        "Tags": json.dumps({"team": "platform" if vm.kind == "steady" else "data"}),
    }

    def row(start: datetime, hours: float) -> dict[str, object]:
        list_cost = vm.price * hours
        effective = list_cost * (1 - SP_DISCOUNT) if vm.committed else list_cost
        out = {
            **_base(start, start + timedelta(hours=24 if vm.kind == "steady" else 1)),
            **common,
            "ConsumedQuantity": hours,
            "PricingQuantity": hours,
            "ListCost": round(list_cost, 10),
            "ContractedCost": round(list_cost, 10),
            "EffectiveCost": round(effective, 10),
            "BilledCost": 0.0 if vm.committed else round(list_cost, 10),
        }
        if vm.committed:
            out |= {
                "PricingCategory": "Committed",
                "CommitmentDiscountId": SP_ARN,
                "CommitmentDiscountType": "Savings Plan",
                "CommitmentDiscountCategory": "Spend",
            }
        return out

    if vm.kind == "steady":
        for d in range(days):
            rows.append(row(START + timedelta(days=d), 24.0))
        return rows
    for h in range(days * 24):
        moment = START + timedelta(hours=h)
        if vm.kind == "office":
            on = moment.weekday() < 5 and 8 <= moment.hour < 20
        else:
            on = rng.random() < 0.25
        if on:
            rows.append(row(moment, 1.0))
    return rows


def _flat_rows(days: int, rng: np.random.Generator) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for d in range(days):
        start = START + timedelta(days=d)
        end = start + timedelta(days=1)
        gb = 4000.0 + 10.0 * d
        gb_months = gb / 30.0
        rows.append(
            {
                **_base(start, end),
                "ServiceCategory": "Storage",
                "ServiceSubcategory": "Block Storage",
                "ServiceName": "Amazon Elastic Block Store",
                "RegionId": "us-east-1",
                "SkuId": "SKU-EBS-gp3",
                "ChargeDescription": "$0.08 per GB-month of General Purpose (gp3) provisioned storage",
                "ListUnitPrice": 0.08,
                "PricingUnit": "GB-Mo",
                "ConsumedUnit": "GB-Mo",
                "ConsumedQuantity": gb_months,
                "PricingQuantity": gb_months,
                "ListCost": 0.08 * gb_months,
                "ContractedCost": 0.08 * gb_months,
                "EffectiveCost": 0.08 * gb_months,
                "BilledCost": 0.08 * gb_months,
            }
        )
        for kind, volume in (("input", 9000.0), ("output", 3600.0)):
            k_tokens = volume * (1 + 0.1 * rng.standard_normal())
            cost = BEDROCK[kind] * k_tokens
            rows.append(
                {
                    **_base(start, end),
                    "ServiceCategory": "AI and Machine Learning",
                    "ServiceSubcategory": "Generative AI",
                    "ServiceName": "Amazon Bedrock",
                    "RegionId": "us-east-1",
                    "ResourceId": "bedrock-chatbot",
                    "SkuId": f"SKU-bedrock-llama3-1-8b-{kind}",
                    "ChargeDescription": f"Llama 3.1 8B {kind} tokens",
                    "ListUnitPrice": BEDROCK[kind],
                    "PricingUnit": "1K Tokens",
                    "ConsumedUnit": "1K Tokens",
                    "ConsumedQuantity": k_tokens,
                    "PricingQuantity": k_tokens,
                    "ListCost": cost,
                    "ContractedCost": cost,
                    "EffectiveCost": cost,
                    "BilledCost": cost,
                }
            )
        sagemaker = 24.0
        rows.append(
            {
                **_base(start, end),
                "ServiceCategory": "AI and Machine Learning",
                "ServiceSubcategory": "Machine Learning",
                "ServiceName": "Amazon SageMaker",
                "RegionId": "us-east-1",
                "ResourceId": "sagemaker-endpoint-1",
                "SkuId": "SKU-sagemaker-ml.g5.xlarge",
                "ChargeDescription": f"${G5_HOURLY} per Hosting ml.g5.xlarge hour",
                "ListUnitPrice": G5_HOURLY,
                "PricingUnit": "Hours",
                "ConsumedUnit": "Hours",
                "ConsumedQuantity": sagemaker,
                "PricingQuantity": sagemaker,
                "ListCost": G5_HOURLY * sagemaker,
                "ContractedCost": G5_HOURLY * sagemaker,
                "EffectiveCost": G5_HOURLY * sagemaker,
                "BilledCost": G5_HOURLY * sagemaker,
            }
        )
        licence_hours = 48.0
        rows.append(
            {
                **_base(start, end),
                "ServiceCategory": "Compute",
                "ServiceSubcategory": "Virtual Machines",
                "ServiceName": "Amazon Elastic Compute Cloud",
                "RegionId": "us-east-1",
                "SkuId": "SKU-windows-license",
                "ChargeDescription": "$0.046 per Windows Server license hour",
                "ListUnitPrice": 0.046,
                "PricingUnit": "Hours",
                "ConsumedUnit": "Hours",
                "ConsumedQuantity": licence_hours,
                "PricingQuantity": licence_hours,
                "ListCost": 0.046 * licence_hours,
                "ContractedCost": 0.046 * licence_hours,
                "EffectiveCost": 0.046 * licence_hours,
                "BilledCost": 0.046 * licence_hours,
            }
        )
    return rows


def _saas_rows(days: int) -> list[dict[str, object]]:
    """One row per 730-hour billing month (the last one prorated) and SaaS product."""
    rows = []
    end_of_window = START + timedelta(days=days)
    start = START
    while start < end_of_window:
        end = min(start + timedelta(hours=730), end_of_window)
        share = (end - start).total_seconds() / (730 * 3600)
        for provider, service, sub, list_price, price, seats in SAAS:
            quantity = seats * share
            rows.append(
                {
                    **_base(start, end),
                    "ChargeFrequency": "Recurring",
                    "InvoiceIssuerName": provider,
                    "ProviderName": provider,
                    "PublisherName": provider,
                    "ServiceCategory": "Business Applications",
                    "ServiceSubcategory": sub,
                    "ServiceName": service,
                    "RegionId": "",
                    "SkuId": f"SKU-{provider.lower()}-seat",
                    "ChargeDescription": f"{service} seat, monthly",
                    "ListUnitPrice": list_price,
                    "ContractedUnitPrice": price,
                    "PricingUnit": "Seats",
                    "ConsumedUnit": "Seats",
                    "ConsumedQuantity": quantity,
                    "PricingQuantity": quantity,
                    "ListCost": list_price * quantity,
                    "ContractedCost": price * quantity,
                    "EffectiveCost": price * quantity,
                    "BilledCost": price * quantity,
                }
            )
        start = end
    return rows


def generate(path: Path, *, days: int = 35, instances: int = 60, seed: int = 7) -> dict[str, float]:
    """Write the export to ``path``; returns counts and total costs."""
    rng = np.random.default_rng(seed)
    vms = _vms(rng, instances)
    rows = [r for vm in vms for r in _vm_rows(vm, days, rng)] + _flat_rows(days, rng) + _saas_rows(days)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, restval="")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: (f"{v:.10g}" if isinstance(v, float) else v) for k, v in r.items()})
    return {
        "rows": float(len(rows)),
        "instances": float(instances),
        "days": float(days),
        "list_cost": float(sum(float(r.get("ListCost", 0.0)) for r in rows)),  # type: ignore[arg-type]
        "effective_cost": float(sum(float(r.get("EffectiveCost", 0.0)) for r in rows)),  # type: ignore[arg-type]
    }


def _utilisation(vm: Vm, days: int, rng: np.random.Generator) -> tuple[list[float], list[float]]:
    hours = days * 24
    t = np.arange(hours)
    daily = 0.5 + 0.5 * np.sin(2 * np.pi * (t % 24 - 8) / 24)
    if vm.oversized:
        cpu = 6 + 4 * daily + rng.normal(0, 1.0, hours)
        mem = 12 + 2 * daily + rng.normal(0, 0.5, hours)
    else:
        cpu = 45 + 25 * daily + rng.normal(0, 5, hours)
        mem = 55 + 10 * daily + rng.normal(0, 2, hours)
    return np.clip(cpu, 0.5, 100).round(2).tolist(), np.clip(mem, 1, 100).round(2).tolist()


def companion_requests(
    out_dir: Path, *, days: int = 35, instances: int = 60, seed: int = 7
) -> dict[str, Path]:
    """Write right_sizing.json, consolidation.json and routing.json (proto3 JSON) for the estate."""
    rng = np.random.default_rng(seed)
    vms = _vms(rng, instances)
    util_rng = np.random.default_rng(seed + 1)
    rs = rpb.RightSizeRequest(currency_code="USD")
    for vm in vms:
        if vm.kind != "steady":
            continue
        cpu, mem = _utilisation(vm, days, util_rng)
        r = rs.resources.add(
            resource_id=vm.resource_id, current_type=vm.name, provider="aws", region=vm.region
        )
        r.sample_interval.seconds = 3600
        r.metrics.add(metric=rpb.METRIC_CPU_PERCENT, values=cpu)
        r.metrics.add(metric=rpb.METRIC_MEMORY_PERCENT, values=mem)
    bundle = vpb.VendorOffer(
        vendor_id="Microsoft",
        display_name="Microsoft Teams Essentials",
        category=pb.TECHNOLOGY_CATEGORY_SAAS,
        lines=[
            vpb.PriceLine(
                line_id="teams-essentials",
                capabilities=["Messaging", "Video Conferencing"],
                tiers=[vpb.PriceTier(min_quantity=0, unit_price=4.0)],
                whole_units=True,
                unit="seat",
            )
        ],
    )
    consolidation = vpb.ConsolidateVendorsRequest(currency_code="USD", vendors=[bundle])
    tokens_per_hour = (9000.0 + 3600.0) * 1000 / 24
    bedrock_hourly = (9000.0 * BEDROCK["input"] + 3600.0 * BEDROCK["output"]) / 24
    routing = wpb.RouteWorkloadsRequest(
        currency_code="USD",
        workloads=[
            wpb.Workload(
                workload_id="bedrock-chatbot",
                llm_inference=wpb.LlmInferenceDemand(
                    model="llama-3.1-8b",
                    requests_per_second=tokens_per_hour / 3600 / 700,
                    input_tokens_per_request=500,
                    output_tokens_per_request=200,
                ),
                current_hourly_cost=bedrock_hourly + G5_HOURLY,
            )
        ],
        api_offers=[
            wpb.ModelApiOffer(
                offer_id="bedrock-llama-3.1-8b",
                provider="bedrock",
                model="llama-3.1-8b",
                input_cost_per_token=BEDROCK["input"] / 1000,
                output_cost_per_token=BEDROCK["output"] / 1000,
                processing_location=wpb.ResidencyRule(allowed_countries=["US"]),
            ),
            wpb.ModelApiOffer(
                offer_id="together-llama-3.1-8b",
                provider="together",
                model="llama-3.1-8b",
                input_cost_per_token=0.18e-6,
                output_cost_per_token=0.18e-6,
                processing_location=wpb.ResidencyRule(allowed_countries=["US"]),
            ),
        ],
        policy=wpb.RoutingPolicy(optimal_only=True),
    )
    out = {}
    for name, message in (("right_sizing", rs), ("consolidation", consolidation), ("routing", routing)):
        target = out_dir / f"{name}.json"
        target.write_text(json_format.MessageToJson(message, indent=1))
        out[name] = target
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="directory to write focus.csv and the companion JSON files")
    parser.add_argument("--days", type=int, default=35)
    parser.add_argument("--instances", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out) if args.out else Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        stats = generate(out / "focus.csv", days=args.days, instances=args.instances, seed=args.seed)
        companions = companion_requests(out, days=args.days, instances=args.instances, seed=args.seed)
        elapsed = time.perf_counter() - started
        size = (out / "focus.csv").stat().st_size
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"synthetic FOCUS: {int(stats['rows']):,} rows, {size / 1e6:.1f} MB, {args.days} days, "
            f"{args.instances} VMs, list cost {stats['list_cost']:,.2f} USD, effective "
            f"{stats['effective_cost']:,.2f} "
            f"USD; written in {elapsed:.2f} s, peak RSS {peak:.0f} MiB"
        )
        for name, path in companions.items():
            print(f"  {name}: {path.stat().st_size / 1e3:.0f} kB")
        if args.out:
            print(f"files in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
