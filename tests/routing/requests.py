"""Builders of RouteWorkloads requests (proto) for RPC tests, and catalogue loaders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.api.v1 import routing_pb2 as wpb


def offer(
    offer_id: str,
    provider: str,
    region: str,
    name: str,
    price: float,
    *,
    vcpus: float = 4,
    memory: float = 16,
    gpus: int = 0,
    gpu: str = "",
    gpu_memory: float = 0,
    spot: float = 0.0,
    country: str = "",
    carbon: float = 0.0,
    power_kw: float = 0.0,
    max_instances: int = 0,
) -> wpb.ComputeOffer:
    return wpb.ComputeOffer(
        offer_id=offer_id,
        instance=rpb.InstanceType(
            name=name,
            provider=provider,
            region=region,
            vcpus=vcpus,
            memory_gib=memory,
            gpu_count=gpus,
            gpu_model=gpu,
            gpu_memory_gib=gpu_memory,
            hourly_price=price,
            spot_hourly_price=spot,
        ),
        country=country,
        carbon_intensity_g_per_kwh=carbon,
        power_kw=power_kw,
        max_instances=max_instances,
    )


def api(
    offer_id: str,
    model: str,
    price_in: float,
    price_out: float,
    *,
    countries: tuple[str, ...] = (),
    tpm: float = 0.0,
    provider: str = "p",
) -> wpb.ModelApiOffer:
    return wpb.ModelApiOffer(
        offer_id=offer_id,
        provider=provider,
        model=model,
        input_cost_per_token=price_in,
        output_cost_per_token=price_out,
        processing_location=wpb.ResidencyRule(allowed_countries=list(countries)),
        tokens_per_minute_quota=tpm,
    )


def cpu_workload(workload_id: str, vcpus: float, memory: float = 0.0, **kwargs: object) -> wpb.Workload:
    return wpb.Workload(
        workload_id=workload_id, cpu_service=wpb.CpuServiceDemand(vcpus=vcpus, memory_gib=memory), **kwargs
    )


def llm_workload(
    workload_id: str,
    model: str,
    rps: float,
    input_tokens: float,
    output_tokens: float,
    *,
    tpot_ms: float = 0.0,
    **kwargs: object,
) -> wpb.Workload:
    return wpb.Workload(
        workload_id=workload_id,
        llm_inference=wpb.LlmInferenceDemand(
            model=model,
            requests_per_second=rps,
            input_tokens_per_request=input_tokens,
            output_tokens_per_request=output_tokens,
            max_time_per_output_token_ms=tpot_ms,
        ),
        **kwargs,
    )


def money_value(m: object) -> float:
    return float(getattr(m, "units", 0)) + float(getattr(m, "nanos", 0)) / 1e9


def catalogue_offers(table: pd.DataFrame, prefix: str) -> list[wpb.ComputeOffer]:
    """Compute offers from a ``VmCatalog.instances`` table (rows with a price)."""
    out = []
    for k, row in enumerate(table.to_dict("records")):
        if pd.isna(row["hourly_price"]) or not row["vcpus"] > 0:
            continue
        out.append(
            offer(
                f"{prefix}:{row['region']}:{row['name']}:{k}",
                str(row["provider"]),
                str(row["region"]),
                str(row["name"]),
                float(row["hourly_price"]),
                vcpus=float(row["vcpus"]),
                memory=float(row["memory_gib"]),
                gpus=int(row["gpu_count"]),
                gpu=str(row["gpu_model"] or ""),
                gpu_memory=float(row["gpu_memory_gib"]) if pd.notna(row["gpu_memory_gib"]) else 0.0,
                spot=float(row["spot_hourly_price"]) if pd.notna(row["spot_hourly_price"]) else 0.0,
            )
        )
    return out


def shared_file(shared: Path, *parts: str) -> Path:
    return shared.joinpath(*parts)
