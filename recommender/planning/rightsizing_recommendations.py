"""Per-resource right-sizing results: finding, reasons, utilisation summary, options."""

from __future__ import annotations

import math

from recommender.domain.rightsizing import (
    MetricSummaryResult,
    ResourceRecommendationResult,
    RightSizeRequest,
    SizingOptionResult,
)
from solvers.rightsizing import Finding, SizingResult, SizingRule
from solvers.rightsizing_data import DIM, DIMENSIONS, Catalogue
from solvers.rightsizing_stats import DimensionStats

FINDING_NAMES = {
    Finding.IDLE: "idle",
    Finding.OVER_PROVISIONED: "over_provisioned",
    Finding.UNDER_PROVISIONED: "under_provisioned",
    Finding.OPTIMIZED: "optimized",
    Finding.INSUFFICIENT_DATA: "insufficient_data",
}
_UNITS = {
    "cpu": "vCPUs",
    "memory": "GiB",
    "gpu": "GPUs",
    "gpu_memory": "GiB",
    "network": "Mbit/s",
    "disk": "IOPS",
}
_LABEL = {
    "cpu": "CPU",
    "memory": "Memory",
    "gpu": "GPU",
    "gpu_memory": "GPU memory",
    "network": "Network",
    "disk": "Disk",
}


def num(x: float) -> str:
    """Compact number for reasons: 3 significant digits below 100, else no decimals."""
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def pct_label(level: float) -> str:
    """``P95``, ``P99.5``, ``max``."""
    return "max" if level >= 100 else f"P{level:g}"


def _reasons(
    r: int,
    request: RightSizeRequest,
    cat: Catalogue,
    stats: dict[str, DimensionStats],
    res: SizingResult,
    rule: SizingRule,
    currency: str,
) -> tuple[str, ...]:
    spec = request.resources[r]
    finding = Finding(int(res.finding[r]))
    req = res.requirements
    out: list[str] = []
    if finding is Finding.INSUFFICIENT_DATA:
        return (
            f"Only {num(spec.history_hours)} hours of history; at least {num(rule.min_history_hours)} are "
            "needed (policy min_history_hours).",
        )
    if finding is Finding.IDLE:
        text = f"Idle: CPU P95 {num(stats['cpu'].at(95.0)[r])} % < {num(rule.idle_cpu_percent)} %"
        if stats["gpu"].measured[r]:
            text += f", GPU P95 {num(stats['gpu'].at(95.0)[r])} %"
        if stats["network"].measured[r]:
            text += (
                f", network P95 {num(stats['network'].at(95.0)[r])} Mbit/s < {num(rule.idle_network_mbps)}"
            )
        out.append(text + ".")
    cur = int(spec.catalog_index)
    for d, dim in enumerate(DIMENSIONS):
        need = req.need[r, d]
        cap = req.current_capacity[r, d]
        unit = _UNITS[dim]
        label = _LABEL[dim]
        flag = " (under-provisioned)" if res.under[r, d] else ""
        measured = bool(req.measured[r, d])
        if dim == "cpu":
            level = rule.cpu_percentile
            used = req.demand[r, d, 0]
            out.append(
                f"CPU{flag}: {pct_label(level)} {num(stats['cpu'].at(level)[r])} % of {num(cap)} vCPUs = "
                f"{num(used)} vCPUs; needs {num(need)} with {num(100 * rule.cpu_headroom)} % headroom."
            )
        elif dim == "memory":
            if measured:
                level = rule.memory_percentile or 100.0
                value = stats["memory"].at(level)[r]
                out.append(
                    f"Memory{flag}: {pct_label(level)} {num(value)} % of {num(cap)} GiB = "
                    f"{num(value * cap / 100)} GiB; needs {num(need)} GiB with "
                    f"{num(100 * rule.memory_headroom)} % headroom."
                )
            else:
                out.append(f"Memory not measured: the current {num(cap)} GiB is kept as the requirement.")
        elif dim in ("gpu", "gpu_memory"):
            if not (cat.gpu_count[cur] > 0):
                continue
            if measured:
                out.append(
                    f"{label}{flag}: peak {num(stats[dim].at(100.0)[r])} % of {num(cap)} {unit}; "
                    f"needs {num(need)} {unit}."
                )
            else:
                out.append(f"{label} not measured: the current {num(cap)} {unit} are kept.")
        elif measured:
            known = "" if math.isfinite(cap) else " (capacity of the current type unknown)"
            out.append(
                f"{label}{flag}: {pct_label(rule.cpu_percentile)} {num(req.demand[r, d, 0])} {unit}; "
                f"needs {num(need)} {unit}{known}."
            )
    has_option = res.option_index[r, 0] >= 0
    best_savings = float(res.current_cost[r] - res.option_cost[r, 0]) if has_option else -math.inf
    if finding is Finding.OVER_PROVISIONED and best_savings <= 0:
        out.append(
            "A type with a lower list price fits, but no option saves money after discounts: held "
            "commitments cover the current type, so moving would leave them unused."
        )
    elif finding is Finding.OVER_PROVISIONED:
        out.append(f"Best option saves {best_savings:,.2f} {currency}/month after discounts.")
    if not res.any_fit[r]:
        out.append(
            "No other catalogue type meets every requirement and rule (provider, region, architecture, "
            "families, features, GPU model, burstable, risk limit)."
        )
    return tuple(out)


def _summary(r: int, stats: dict[str, DimensionStats], rule: SizingRule) -> tuple[MetricSummaryResult, ...]:
    out = []
    for dim in DIMENSIONS:
        st = stats[dim]
        if not st.measured[r]:
            continue
        out.append(
            MetricSummaryResult(
                dimension=dim,
                samples=int(st.samples[r]),
                mean=float(st.mean[r]),
                at_policy_percentile=float(st.at(rule.cpu_percentile)[r]),
                p95=float(st.at(95.0)[r]),
                p99_5=float(st.at(99.5)[r]),
                max=float(st.at(100.0)[r]),
            )
        )
    return tuple(out)


def _differences(cat: Catalogue, cur: int, k: int) -> tuple[str, ...]:
    out = []
    if cat.architecture[k] != cat.architecture[cur]:
        out.append("architecture")
    if cat.family[k] != cat.family[cur]:
        out.append("family")
    if cat.region[k] != cat.region[cur]:
        out.append("region")
    if cat.gpu_count[k] > 0 and cat.gpu_count[cur] > 0 and cat.gpu_model[k] != cat.gpu_model[cur]:
        out.append("gpu_model")
    if bool(cat.burstable[k]) != bool(cat.burstable[cur]):
        out.append("burstable")
    return tuple(out)


def _zero_nan(x: float) -> float:
    return float(x) if math.isfinite(x) else 0.0


def _options(r: int, cat: Catalogue, res: SizingResult) -> tuple[SizingOptionResult, ...]:
    cur = int(res.current[r])
    current_cost = float(res.current_cost[r])
    measured = res.requirements.measured[r]
    out = []
    for m in range(res.option_index.shape[1]):
        k = int(res.option_index[r, m])
        if k < 0:
            break
        cost = float(res.option_cost[r, m])
        savings = current_cost - cost
        proj = res.option_projected[r, m]
        out.append(
            SizingOptionResult(
                rank=m + 1,
                instance_type=str(cat.name[k]),
                region=str(cat.region[k]),
                monthly_cost=cost,
                monthly_savings=savings,
                on_demand_monthly_cost=float(res.option_list_cost[r, m]),
                savings_percent=100.0 * savings / current_cost if current_cost > 1e-12 else 0.0,
                performance_risk=int(res.option_risk[r, m]),
                risk_by_metric={
                    dim: int(res.option_risk_dims[r, m, d]) for d, dim in enumerate(DIMENSIONS) if measured[d]
                },
                projected_cpu_percent=_zero_nan(proj[DIM["cpu"]]),
                projected_memory_percent=_zero_nan(proj[DIM["memory"]]) if measured[DIM["memory"]] else 0.0,
                projected_gpu_percent=_zero_nan(proj[DIM["gpu"]]) if measured[DIM["gpu"]] else 0.0,
                projected_gpu_memory_percent=(
                    _zero_nan(proj[DIM["gpu_memory"]]) if measured[DIM["gpu_memory"]] else 0.0
                ),
                vcpus=float(cat.vcpus[k]),
                memory_gib=float(cat.memory_gib[k]),
                gpu_count=float(cat.gpu_count[k]),
                platform_differences=_differences(cat, cur, k),
            )
        )
    return tuple(out)


def build_recommendations(
    request: RightSizeRequest,
    cat: Catalogue,
    stats: dict[str, DimensionStats],
    res: SizingResult,
    rule: SizingRule,
) -> list[ResourceRecommendationResult]:
    """One result per resource, in request order."""
    need = res.requirements.need
    out = []
    for r, spec in enumerate(request.resources):
        finding = Finding(int(res.finding[r]))
        out.append(
            ResourceRecommendationResult(
                resource_id=spec.resource_id,
                current_type=spec.current_type,
                region=str(cat.region[spec.catalog_index]),
                finding=FINDING_NAMES[finding],
                reasons=_reasons(r, request, cat, stats, res, rule, request.currency_code),
                current_monthly_cost=float(res.current_cost[r]),
                current_on_demand_monthly_cost=float(res.current_list_cost[r]),
                options=_options(r, cat, res),
                required_vcpus=_zero_nan(need[r, DIM["cpu"]]),
                required_memory_gib=_zero_nan(need[r, DIM["memory"]]),
                required_gpus=_zero_nan(need[r, DIM["gpu"]]),
                required_gpu_memory_gib=_zero_nan(need[r, DIM["gpu_memory"]]),
                required_network_mbps=_zero_nan(need[r, DIM["network"]]),
                current_performance_risk=int(res.current_risk[r]),
                utilization=_summary(r, stats, rule),
            )
        )
    return out
