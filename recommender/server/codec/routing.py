"""RouteWorkloads: proto request -> validated domain request; outcome -> proto response.

Every problem is reported at once as a field violation named by its proto path,
e.g. ``workloads[3].residency.allowed_countries[0]`` or
``compute_offers[12].instance.hourly_price``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from recommender.api.v1 import routing_pb2 as wpb
from recommender.domain.routing import (
    BreakEven,
    CapacityType,
    PlacementItem,
    RoutingOutcome,
    RoutingRequest,
    WorkloadPlacement,
)
from recommender.errors import InvalidArgumentError, ViolationCollector
from recommender.server.codec.common import enum_to_domain, plan_to_proto, pydantic_violations, to_money

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_ARCHITECTURES = {"x86_64", "arm64"}
MAX_WORKLOADS = 20_000
MAX_OFFERS = 200_000


# Smallest non-zero instance capacity (vCPUs, GiB): below it an instance count overflows (fuzz: 1e-300).
_MIN_CAPACITY = 1e-3


class _Checker:
    """Collects violations of number and text fields."""

    def __init__(self) -> None:
        self.errors = ViolationCollector(limit=200)

    def number(
        self,
        path: str,
        value: float,
        *,
        positive: bool = False,
        at_most: float | None = None,
        zero_or_at_least: float | None = None,
    ) -> float:
        """Finite and >= 0 (> 0 with ``positive``; <= ``at_most``; 0 or >= ``zero_or_at_least``);
        returns the value (0 when bad).
        """
        if not math.isfinite(value):
            self.errors.add(path, f"must be finite, got {value}")
            return 0.0
        if positive and value <= 0:
            self.errors.add(path, f"must be positive, got {value:g}")
            return 0.0
        if value < 0:
            self.errors.add(path, f"must be non-negative, got {value:g}")
            return 0.0
        if at_most is not None and value > at_most:
            self.errors.add(path, f"must be at most {at_most:g}, got {value:g}")
            return 0.0
        if zero_or_at_least is not None and 0 < value < zero_or_at_least:
            self.errors.add(path, f"must be 0 or at least {zero_or_at_least:g}, got {value:g}")
            return 0.0
        return value

    def text(self, path: str, value: str) -> str:
        """Required non-empty text."""
        if not value.strip():
            self.errors.add(path, "is required")
        return value.strip()

    def countries(self, path: str, values: Iterable[str]) -> list[str]:
        """ISO 3166-1 alpha-2 codes (upper-cased)."""
        out = []
        for i, raw in enumerate(values):
            code = raw.strip().upper()
            if not _COUNTRY.match(code):
                self.errors.add(f"{path}[{i}]", f"must be an ISO 3166-1 alpha-2 country code, got {raw!r}")
                continue
            out.append(code)
        return out

    def entries(self, path: str, values: Iterable[str]) -> list[str]:
        """Non-empty strings."""
        out = []
        for i, raw in enumerate(values):
            if not raw.strip():
                self.errors.add(f"{path}[{i}]", "must not be empty")
                continue
            out.append(raw.strip())
        return out


def _residency(check: _Checker, path: str, msg: wpb.ResidencyRule) -> dict[str, Any]:
    return {
        "allowed_countries": check.countries(f"{path}.allowed_countries", msg.allowed_countries),
        "allowed_regions": check.entries(f"{path}.allowed_regions", msg.allowed_regions),
    }


def _llm(check: _Checker, path: str, msg: wpb.LlmInferenceDemand) -> dict[str, Any]:
    slices = []
    for i, piece in enumerate(msg.request_slices):
        sp = f"{path}.request_slices[{i}]"
        share = check.number(f"{sp}.share", piece.share, positive=True, at_most=1.0)
        slices.append(
            {
                "share": share or 1.0,
                "input_tokens": check.number(f"{sp}.input_tokens", piece.input_tokens),
                "output_tokens": check.number(f"{sp}.output_tokens", piece.output_tokens, positive=True)
                or 1.0,
            }
        )
    if slices:
        total = sum(float(s["share"]) for s in slices)
        if abs(total - 1.0) > 1e-6:
            check.errors.add(f"{path}.request_slices", f"shares must add up to 1, got {total:.6g}")
            slices = [{**s, "share": float(s["share"]) / total} for s in slices]
    elif msg.output_tokens_per_request <= 0 or not math.isfinite(msg.output_tokens_per_request):
        check.errors.add(f"{path}.output_tokens_per_request", "must be positive (or give request_slices)")
    rps = check.number(f"{path}.requests_per_second", msg.requests_per_second)
    tokens = check.number(f"{path}.output_tokens_per_second", msg.output_tokens_per_second)
    if (rps > 0) == (tokens > 0):
        message = "set exactly one of requests_per_second or output_tokens_per_second (positive)"
        check.errors.add(f"{path}.requests_per_second", message)
        rps = 1.0
    elif tokens > 0:
        if slices:
            per_request = sum(float(sl["share"]) * float(sl["output_tokens"]) for sl in slices)
        else:
            per_request = msg.output_tokens_per_request if msg.output_tokens_per_request > 0 else 1.0
        rps = tokens / per_request
    return {
        "model": check.text(f"{path}.model", msg.model) or "unknown",
        "requests_per_second": rps,
        "input_tokens_per_request": check.number(
            f"{path}.input_tokens_per_request", msg.input_tokens_per_request
        ),
        "output_tokens_per_request": max(0.0, msg.output_tokens_per_request)
        if math.isfinite(msg.output_tokens_per_request)
        else 0.0,
        "max_time_per_output_token_ms": check.number(
            f"{path}.max_time_per_output_token_ms", msg.max_time_per_output_token_ms
        ),
        "request_slices": slices,
        "substitute_models": check.entries(f"{path}.substitute_models", msg.substitute_models),
        "parameters_billion": check.number(f"{path}.parameters_billion", msg.parameters_billion),
        "bytes_per_parameter": check.number(f"{path}.bytes_per_parameter", msg.bytes_per_parameter) or 2.0,
        "kv_cache_bytes_per_token": check.number(
            f"{path}.kv_cache_bytes_per_token", msg.kv_cache_bytes_per_token
        ),
    }


def _batch(check: _Checker, path: str, msg: wpb.BatchJobDemand) -> dict[str, Any]:
    gpu = check.number(f"{path}.gpu_hours", msg.gpu_hours)
    cpu = check.number(f"{path}.vcpu_hours", msg.vcpu_hours)
    if (gpu > 0) == (cpu > 0):
        check.errors.add(path, "exactly one of gpu_hours or vcpu_hours must be positive")
        gpu, cpu = 1.0, 0.0
    if msg.min_gpus_per_instance < 0:
        check.errors.add(
            f"{path}.min_gpus_per_instance", f"must be non-negative, got {msg.min_gpus_per_instance}"
        )
    return {
        "gpu_hours": gpu,
        "gpu_memory_gib": check.number(f"{path}.gpu_memory_gib", msg.gpu_memory_gib),
        "deadline_hours": check.number(f"{path}.deadline_hours", msg.deadline_hours, positive=True) or 1.0,
        "reference_accelerator": msg.reference_accelerator.strip() or "A100-80GB",
        "min_gpus_per_instance": max(0, msg.min_gpus_per_instance),
        "vcpu_hours": cpu,
        "memory_gib_per_vcpu": check.number(f"{path}.memory_gib_per_vcpu", msg.memory_gib_per_vcpu),
        "runs_per_month": check.number(f"{path}.runs_per_month", msg.runs_per_month) or 1.0,
    }


def _cpu(check: _Checker, path: str, msg: wpb.CpuServiceDemand) -> dict[str, Any]:
    arch = []
    for i, raw in enumerate(msg.architectures):
        value = raw.strip().lower()
        if value not in _ARCHITECTURES:
            check.errors.add(f"{path}.architectures[{i}]", f"must be x86_64 or arm64, got {raw!r}")
            continue
        arch.append(value)
    return {
        "vcpus": check.number(f"{path}.vcpus", msg.vcpus, positive=True) or 1.0,
        "memory_gib": check.number(f"{path}.memory_gib", msg.memory_gib),
        "architectures": arch,
    }


def _workload(check: _Checker, path: str, msg: wpb.Workload) -> dict[str, Any]:
    data: dict[str, Any] = {
        "workload_id": check.text(f"{path}.workload_id", msg.workload_id) or f"#{path}",
        "max_carbon_kg_per_hour": check.number(f"{path}.max_carbon_kg_per_hour", msg.max_carbon_kg_per_hour),
        "must_run_on": check.entries(f"{path}.must_run_on", msg.must_run_on),
        "never_run_on": check.entries(f"{path}.never_run_on", msg.never_run_on),
        "interruptible": msg.interruptible,
        "current_hourly_cost": check.number(f"{path}.current_hourly_cost", msg.current_hourly_cost),
    }
    if msg.HasField("residency"):
        data["residency"] = _residency(check, f"{path}.residency", msg.residency)
    kind = msg.WhichOneof("demand")
    if kind == "llm_inference":
        data["llm_inference"] = _llm(check, f"{path}.llm_inference", msg.llm_inference)
    elif kind == "batch_job":
        data["batch_job"] = _batch(check, f"{path}.batch_job", msg.batch_job)
    elif kind == "cpu_service":
        data["cpu_service"] = _cpu(check, f"{path}.cpu_service", msg.cpu_service)
    else:
        check.errors.add(path, "one of llm_inference, batch_job or cpu_service must be set")
        data["cpu_service"] = {"vcpus": 1.0}
    return data


def _offer(check: _Checker, path: str, msg: wpb.ComputeOffer) -> dict[str, Any]:
    ip = f"{path}.instance"
    inst = msg.instance
    if not msg.HasField("instance"):
        check.errors.add(ip, "is required")
    country = msg.country.strip().upper()
    if country and not _COUNTRY.match(country):
        check.errors.add(
            f"{path}.country", f"must be an ISO 3166-1 alpha-2 country code, got {msg.country!r}"
        )
        country = ""
    if inst.gpu_count < 0:
        check.errors.add(f"{ip}.gpu_count", f"must be non-negative, got {inst.gpu_count}")
    if msg.max_instances < 0:
        check.errors.add(f"{path}.max_instances", f"must be non-negative, got {msg.max_instances}")
    return {
        "offer_id": check.text(f"{path}.offer_id", msg.offer_id) or f"#{path}",
        "instance": {
            "name": check.text(f"{ip}.name", inst.name) or "unknown",
            "provider": check.text(f"{ip}.provider", inst.provider).lower(),
            "region": check.text(f"{ip}.region", inst.region),
            "family": inst.family,
            "architecture": inst.architecture.strip().lower(),
            "vcpus": check.number(f"{ip}.vcpus", inst.vcpus, zero_or_at_least=_MIN_CAPACITY),
            "memory_gib": check.number(f"{ip}.memory_gib", inst.memory_gib, zero_or_at_least=_MIN_CAPACITY),
            "gpu_count": max(0, inst.gpu_count),
            "gpu_model": inst.gpu_model.strip(),
            "gpu_memory_gib": check.number(
                f"{ip}.gpu_memory_gib", inst.gpu_memory_gib, zero_or_at_least=_MIN_CAPACITY
            ),
            "hourly_price": check.number(f"{ip}.hourly_price", inst.hourly_price, positive=True) or 1.0,
            "spot_hourly_price": check.number(f"{ip}.spot_hourly_price", inst.spot_hourly_price),
        },
        "country": country,
        "carbon_intensity_g_per_kwh": check.number(
            f"{path}.carbon_intensity_g_per_kwh", msg.carbon_intensity_g_per_kwh
        ),
        "power_kw": check.number(f"{path}.power_kw", msg.power_kw),
        "max_instances": max(0, msg.max_instances),
    }


def _api(check: _Checker, path: str, msg: wpb.ModelApiOffer) -> dict[str, Any]:
    for name in ("max_input_tokens", "max_output_tokens"):
        if getattr(msg, name) < 0:
            check.errors.add(f"{path}.{name}", f"must be non-negative, got {getattr(msg, name)}")
    return {
        "offer_id": check.text(f"{path}.offer_id", msg.offer_id) or f"#{path}",
        "provider": msg.provider.strip(),
        "model": check.text(f"{path}.model", msg.model) or "unknown",
        "input_cost_per_token": check.number(f"{path}.input_cost_per_token", msg.input_cost_per_token),
        "output_cost_per_token": check.number(f"{path}.output_cost_per_token", msg.output_cost_per_token),
        "processing_location": _residency(check, f"{path}.processing_location", msg.processing_location),
        "tokens_per_minute_quota": check.number(
            f"{path}.tokens_per_minute_quota", msg.tokens_per_minute_quota
        ),
        "substitutes_for": check.entries(f"{path}.substitutes_for", msg.substitutes_for),
        "max_input_tokens": max(0, msg.max_input_tokens),
        "max_output_tokens": max(0, msg.max_output_tokens),
        "carbon_g_per_million_tokens": check.number(
            f"{path}.carbon_g_per_million_tokens", msg.carbon_g_per_million_tokens
        ),
    }


def _profile(check: _Checker, path: str, msg: wpb.ThroughputProfile) -> dict[str, Any]:
    tokens = check.number(f"{path}.output_tokens_per_second", msg.output_tokens_per_second)
    requests = check.number(f"{path}.requests_per_second", msg.requests_per_second)
    if tokens <= 0 and requests <= 0:
        check.errors.add(path, "one of output_tokens_per_second or requests_per_second must be positive")
        tokens = 1.0
    if msg.accelerators_per_replica < 0:
        check.errors.add(
            f"{path}.accelerators_per_replica", f"must be non-negative, got {msg.accelerators_per_replica}"
        )
    return {
        "model": check.text(f"{path}.model", msg.model) or "unknown",
        "accelerator": check.text(f"{path}.accelerator", msg.accelerator) or "unknown",
        "output_tokens_per_second": tokens,
        "time_per_output_token_ms": check.number(
            f"{path}.time_per_output_token_ms", msg.time_per_output_token_ms
        ),
        "requests_per_second": requests,
        "input_tokens": check.number(f"{path}.input_tokens", msg.input_tokens),
        "output_tokens": check.number(f"{path}.output_tokens", msg.output_tokens),
        "accelerators_per_replica": max(1, msg.accelerators_per_replica),
    }


def _quota(check: _Checker, path: str, msg: wpb.Quota) -> dict[str, Any]:
    capacity = enum_to_domain(
        msg.capacity_type, wpb.CapacityType, CapacityType, "CAPACITY_TYPE_", f"{path}.capacity_type",
        check.errors, required=False,
    )  # fmt: skip
    return {
        "provider": check.text(f"{path}.provider", msg.provider).lower() or "unknown",
        "region": msg.region.strip(),
        "accelerator": msg.accelerator.strip(),
        "limit": check.number(f"{path}.limit", msg.limit),
        "capacity_type": capacity or CapacityType.ANY,
    }


def _policy(check: _Checker, msg: wpb.RoutingPolicy) -> dict[str, Any]:
    path = "policy"
    if not 0 <= msg.slice_factor <= 64:
        check.errors.add(f"{path}.slice_factor", f"must be between 0 and 64, got {msg.slice_factor}")
    return {
        "carbon_price_per_tonne": check.number(f"{path}.carbon_price_per_tonne", msg.carbon_price_per_tonne),
        "default_residency": _residency(check, f"{path}.default_residency", msg.default_residency),
        "hours_per_month": check.number(f"{path}.hours_per_month", msg.hours_per_month, at_most=744) or 730.0,
        "max_total_carbon_kg_per_hour": check.number(
            f"{path}.max_total_carbon_kg_per_hour", msg.max_total_carbon_kg_per_hour
        ),
        "whole_slices": msg.whole_slices,
        "slice_factor": msg.slice_factor if 1 <= msg.slice_factor <= 64 else 1,
        "spot_capacity_overhead": check.number(
            f"{path}.spot_capacity_overhead", msg.spot_capacity_overhead, at_most=0.9
        ),
        "relative_gap": check.number(f"{path}.relative_gap", msg.relative_gap, at_most=1.0),
        "optimal_only": msg.optimal_only,
    }


def _spec(check: _Checker, path: str, msg: wpb.AcceleratorSpec) -> dict[str, Any]:
    return {
        "name": check.text(f"{path}.name", msg.name) or "unknown",
        "memory_gib": check.number(f"{path}.memory_gib", msg.memory_gib),
        "memory_bandwidth_gb_per_s": check.number(
            f"{path}.memory_bandwidth_gb_per_s", msg.memory_bandwidth_gb_per_s
        ),
        "bf16_tflops": check.number(f"{path}.bf16_tflops", msg.bf16_tflops),
        "tdp_watts": check.number(f"{path}.tdp_watts", msg.tdp_watts),
        "relative_speed": check.number(f"{path}.relative_speed", msg.relative_speed),
    }


def _duplicates(check: _Checker, field: str, ids: list[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    for path, value in ids:
        if value in seen:
            check.errors.add(path, f"duplicate {field} {value!r} (first at {seen[value]})")
        else:
            seen[value] = path


def decode_route_workloads(req: wpb.RouteWorkloadsRequest) -> RoutingRequest:
    """Validate and convert a RouteWorkloadsRequest (every violation at once)."""
    check = _Checker()
    currency = req.currency_code.strip() or "USD"
    if not _CURRENCY.match(currency):
        check.errors.add("currency_code", f"must be an ISO 4217 code like USD, got {req.currency_code!r}")
        currency = "USD"
    if not req.workloads:
        check.errors.add("workloads", "at least one workload is required")
    if len(req.workloads) > MAX_WORKLOADS:
        check.errors.add(
            "workloads", f"at most {MAX_WORKLOADS} workloads per request, got {len(req.workloads)}"
        )
    if len(req.compute_offers) + len(req.api_offers) > MAX_OFFERS:
        check.errors.add("compute_offers", f"at most {MAX_OFFERS} offers per request")
    data = {
        "currency_code": currency,
        "workloads": [_workload(check, f"workloads[{i}]", w) for i, w in enumerate(req.workloads)],
        "compute_offers": [
            _offer(check, f"compute_offers[{i}]", o) for i, o in enumerate(req.compute_offers)
        ],
        "api_offers": [_api(check, f"api_offers[{i}]", o) for i, o in enumerate(req.api_offers)],
        "throughput_profiles": [
            _profile(check, f"throughput_profiles[{i}]", p) for i, p in enumerate(req.throughput_profiles)
        ],
        "quotas": [_quota(check, f"quotas[{i}]", q) for i, q in enumerate(req.quotas)],
        "policy": _policy(check, req.policy),
        "accelerator_specs": [
            _spec(check, f"accelerator_specs[{i}]", s) for i, s in enumerate(req.accelerator_specs)
        ],
    }
    _duplicates(
        check,
        "workload_id",
        [
            (f"workloads[{i}].workload_id", w.workload_id)
            for i, w in enumerate(req.workloads)
            if w.workload_id
        ],
    )
    offer_ids = [(f"compute_offers[{i}].offer_id", o.offer_id) for i, o in enumerate(req.compute_offers)]
    offer_ids += [(f"api_offers[{i}].offer_id", o.offer_id) for i, o in enumerate(req.api_offers)]
    _duplicates(check, "offer_id", [(p, v) for p, v in offer_ids if v])
    check.errors.raise_if_any()
    try:
        return RoutingRequest.model_validate(data)
    except ValidationError as exc:
        raise InvalidArgumentError(pydantic_violations(exc)) from None


def _item(item: PlacementItem, cur: str) -> wpb.PlacementItem:
    return wpb.PlacementItem(
        offer_id=item.offer_id,
        provider=item.provider,
        region=item.region,
        instance_type=item.instance_type,
        count=item.count,
        demand_share=item.demand_share,
        spot=item.spot,
        api=item.api,
        hourly_cost=to_money(item.hourly_cost, cur),
        carbon_kg_per_hour=item.carbon_kg_per_hour,
        country=item.country,
        utilization=item.utilization,
        slice_shares=item.slice_shares,
        tokens_per_minute=item.tokens_per_minute,
        throughput_source=item.throughput_source,
        accelerator=item.accelerator,
    )


def _break_even(be: BreakEven, cur: str) -> wpb.BreakEven:
    return wpb.BreakEven(
        tokens_per_day=be.tokens_per_day,
        current_tokens_per_day=be.current_tokens_per_day,
        self_hosting_offer_id=be.self_hosting_offer_id,
        api_offer_id=be.api_offer_id,
        self_hosting_cost_per_million_tokens=to_money(be.self_hosting_cost_per_million_tokens, cur),
        api_cost_per_million_tokens=to_money(be.api_cost_per_million_tokens, cur),
        self_hosting_always_cheaper_above_tokens_per_day=be.self_hosting_always_cheaper_above_tokens_per_day,
        self_hosting_cheaper_now=be.self_hosting_cheaper_now,
    )


def _placement(p: WorkloadPlacement, cur: str) -> wpb.WorkloadPlacement:
    msg = wpb.WorkloadPlacement(
        workload_id=p.workload_id,
        items=[_item(i, cur) for i in p.items],
        hourly_cost=to_money(p.hourly_cost, cur),
        carbon_kg_per_hour=p.carbon_kg_per_hour,
        explanation=p.explanation,
        monthly_cost=to_money(p.monthly_cost, cur),
        binding_rules=p.binding_rules,
        baseline_hourly_cost=to_money(p.baseline_hourly_cost, cur),
    )
    if p.cost_per_million_tokens is not None:
        msg.cost_per_million_tokens.CopyFrom(to_money(p.cost_per_million_tokens, cur))
    if p.break_even is not None:
        msg.break_even.CopyFrom(_break_even(p.break_even, cur))
    if p.job_cost is not None:
        msg.job_cost.CopyFrom(to_money(p.job_cost, cur))
    return msg


def encode_route_workloads(outcome: RoutingOutcome) -> wpb.RouteWorkloadsResponse:
    """Domain outcome -> proto response."""
    cur = outcome.currency_code
    stats = outcome.stats
    return wpb.RouteWorkloadsResponse(
        plans=[plan_to_proto(p) for p in outcome.plans],
        placements=[_placement(p, cur) for p in outcome.placements],
        warnings=outcome.warnings,
        total_hourly_cost=to_money(outcome.total_hourly_cost, cur),
        total_carbon_kg_per_hour=outcome.total_carbon_kg_per_hour,
        model_stats=wpb.RoutingModelStats(
            compute_offers=stats.compute_offers,
            aggregated_offers=stats.aggregated_offers,
            api_offers=stats.api_offers,
            candidate_pairs=stats.candidate_pairs,
            pruned_pairs=stats.pruned_pairs,
            components=stats.components,
            largest_component=stats.largest_component,
            coupling_rounds=stats.coupling_rounds,
        ),
    )
