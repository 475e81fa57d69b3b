"""Turn a routing request and its options into the arrays of :class:`solvers.routing_problem.RoutingProblem`.

Per workload, the options it may use are those that can run it (kind, hardware,
memory, throughput at the SLO), lie inside its residency rule, pass its must/never
lists and, for spot capacity, belong to an interruptible workload. Demand units:

* **LLM inference** — one unit per request slice (split into ``slice_factor`` equal
  slices with ``whole_slices``) of rate ``λ_s``; compute link load ``λ_s / T`` (``T``
  requests/s per instance, spot capacity scaled by ``1 - spot_capacity_overhead``);
  API link cost ``λ_s · 3600 · (input · p_in + output · p_out)`` per hour, tokens
  per minute ``λ_s · 60 · (input + output)``;
* **batch job** — one unit; ``H`` reference GPU-hours over a deadline ``D`` need
  ``(H / D) / (gpus · speed)`` instances in parallel (the link load, on a costless
  integer arc: instances only count against quotas); the cost is per unit of work,
  ``price · H / (gpus · speed) · runs_per_month / hours_per_month``;
* **CPU service** — one unit of load ``max(vcpus / v, memory / m)`` instances.

Prices in the model include the carbon price (``carbon_kg × price / 1000``);
reported costs do not. Pools: quotas (GPUs or vCPUs per provider/region), offer
stock, API tokens per minute, and the total carbon cap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from recommender.domain.routing import (
    CapacityType,
    DemandKind,
    LlmInferenceDemand,
    RequestSlice,
    RoutingRequest,
    Workload,
)
from recommender.planning.routing_options import (
    ApiOptions,
    ComputeOptions,
    api_mentions,
    api_residency_mask,
    compute_mentions,
    residency_mask,
)
from recommender.planning.routing_throughput import HardwareIndex, batch_speed, hardware_index, llm_throughput
from recommender.routing_defaults import (
    REFERENCE_ACCELERATOR,
    GpuSpec,
    canonical_gpu,
    canonical_model,
    gpu_family,
)
from solvers.routing_problem import BoolArray, FloatArray, IntArray, PoolUsage, RoutingProblem, min_instances

SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True)
class Unit:
    """A demand unit: a (sub-)slice of an LLM workload, or a whole job/service."""

    workload: int
    slice_index: int  # position in the workload's slices (0 for jobs/services)
    weight: float  # share of the workload's requests (1 for jobs/services)
    rate: float  # requests per second (LLM), else 0
    input_tokens: float = 0.0
    output_tokens: float = 0.0


@dataclass
class Rejection:
    """Why a workload (or one of its slices) has no option, stage by stage."""

    workload: int
    rule: str  # capability | slo | residency | must_run_on | never_run_on | spot | slice
    message: str
    also: tuple[str, ...] = ()  # other rules whose relaxation alone would also help (e.g. slo)


_ARC_FIELDS = ("arc_workload", "arc_integer", "arc_price", "arc_money", "arc_carbon", "arc_option", "arc_api")
_LINK_FIELDS = ("link_unit", "link_arc", "link_load", "link_cost", "link_money", "link_carbon", "link_tpm")
_INT_FIELDS = {"arc_workload", "arc_option", "link_unit", "link_arc"}
_BOOL_FIELDS = {"arc_integer", "arc_api"}


@dataclass
class _Arrays:
    """Arc and link columns, collected in numpy chunks (one per workload and kind)."""

    chunks: dict[str, list[np.ndarray]] = field(
        default_factory=lambda: {name: [] for name in (*_ARC_FIELDS, *_LINK_FIELDS)}
    )
    n_arcs: int = 0
    joined: dict[str, np.ndarray] = field(default_factory=dict)  # columns already concatenated

    def add(self, arcs: dict[str, np.ndarray], links: dict[str, np.ndarray]) -> None:
        """Append arcs (``arc_*`` columns) and their links (``link_arc`` relative to these arcs)."""
        self.joined.clear()
        count = len(arcs["arc_option"])
        for name in _ARC_FIELDS:
            self.chunks[name].append(np.asarray(arcs[name]))
        links = {**links, "link_arc": links["link_arc"] + self.n_arcs}
        for name in _LINK_FIELDS:
            self.chunks[name].append(np.asarray(links[name]))
        self.n_arcs += count

    def column(self, name: str) -> np.ndarray:
        """A whole column as one array (concatenated once; treat it as read-only)."""
        if name not in self.joined:
            dtype = np.int64 if name in _INT_FIELDS else (bool if name in _BOOL_FIELDS else np.float64)
            parts = self.chunks[name]
            if len(parts) == 1:
                self.joined[name] = parts[0].astype(dtype)  # a copy, as concatenating would make
            else:
                self.joined[name] = np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)
        return self.joined[name]


@dataclass(frozen=True)
class BuiltModel:
    """The solver problem plus what is needed to read its solution back."""

    problem: RoutingProblem
    units: list[Unit]
    slices: list[list[RequestSlice]]  # per workload (LLM), original slices
    arc_option: IntArray  # compute option or API index
    arc_api: BoolArray
    arc_money_price: FloatArray  # money per instance-hour (0 for batch arcs)
    link_money_cost: FloatArray  # money per hour for the whole unit (APIs, batch)
    link_tpm: FloatArray  # tokens per minute for the whole unit (APIs)
    throughput_source: list[dict[int, str]]  # per workload: compute option -> profile | estimate
    pool_workloads: list[set[int]]
    candidate_pairs: int
    single_option_cost: FloatArray  # per workload: cheapest whole placement on one allowed option
    single_option_carbon: (
        FloatArray  # carbon of that placement (kg/h); only for workloads with a carbon cap (else inf)
    )
    unrestricted_cost: FloatArray  # same over capable options ignoring residency and must/never
    residency_only_cost: FloatArray  # capable options inside the residency rule (must/never ignored)
    rejections: list[Rejection]
    estimated: list[int]  # workloads whose compute throughput comes from the default estimate


def _slices(demand: LlmInferenceDemand, whole: bool, factor: int) -> list[tuple[int, RequestSlice, float]]:
    """(original slice index, slice, share) after Mélange's slice factor (only with whole slices)."""
    out = []
    k = factor if whole else 1
    for i, piece in enumerate(demand.slices()):
        for _ in range(k):
            out.append((i, piece, piece.share / k))
    return out


def build_model(
    request: RoutingRequest, options: ComputeOptions, apis: ApiOptions, specs: dict[str, GpuSpec]
) -> BuiltModel:
    """Arcs, links and pools of every workload (module docstring)."""
    policy = request.policy
    cp_per_kg = policy.carbon_price_per_tonne / 1000.0
    overhead = policy.spot_capacity_overhead
    capacity_factor = np.where(options.option_spot, 1.0 - overhead, 1.0)
    option_carbon = options.option_carbon_kg()
    option_price = options.option_price + option_carbon * cp_per_kg
    g_of = options.option_offer
    arrays = _Arrays()
    units: list[Unit] = []
    all_slices: list[list[RequestSlice]] = []
    sources: list[dict[int, str]] = []
    rejections: list[Rejection] = []
    estimated: list[int] = []
    n_w = len(request.workloads)
    single = np.full(n_w, np.inf)
    single_carbon = np.full(n_w, np.inf)
    unrestricted = np.full(n_w, np.inf)
    residency_only = np.full(n_w, np.inf)
    candidate_pairs = 0
    reference = specs.get(canonical_gpu(REFERENCE_ACCELERATOR))
    rule_cache: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[BoolArray, BoolArray]] = {}
    mention_cache: dict[tuple[str, ...], BoolArray] = {}
    speed_cache: dict[str, FloatArray] = {}
    hardware: HardwareIndex | None = None  # built for the first LLM workload
    for w, workload in enumerate(request.workloads):
        rule = workload.residency if workload.residency is not None else policy.default_residency
        rule_key = (tuple(rule.allowed_countries), tuple(rule.allowed_regions))
        if rule_key not in rule_cache:
            rule_cache[rule_key] = (residency_mask(rule, options), api_residency_mask(rule, apis))
        resid, api_resid = rule_cache[rule_key]
        must = _mentions(workload.must_run_on, options, mention_cache) if workload.must_run_on else None
        never = _mentions(workload.never_run_on, options, mention_cache) if workload.never_run_on else None
        listed = np.ones(options.n_options, dtype=bool)
        if must is not None:
            listed &= must
        if never is not None:
            listed &= ~never
        spot_ok = workload.interruptible | ~options.option_spot
        api_listed = np.ones(apis.n, dtype=bool)
        if workload.must_run_on:
            api_listed &= api_mentions(workload.must_run_on, apis)
        if workload.never_run_on:
            api_listed &= ~api_mentions(workload.never_run_on, apis)
        first_unit = len(units)
        source: dict[int, str] = {}
        wl_slices: list[RequestSlice] = []
        kind = workload.kind
        # per option: load per unit (rows: units), link money cost, link carbon
        if kind is DemandKind.LLM_INFERENCE:
            demand = workload.llm_inference
            assert demand is not None
            wl_slices = demand.slices()
            pieces = _slices(demand, policy.whole_slices, policy.slice_factor)
            for idx, piece, share in pieces:
                units.append(
                    Unit(
                        w,
                        idx,
                        share,
                        demand.requests_per_second * share,
                        piece.input_tokens,
                        piece.output_tokens,
                    )
                )
            if hardware is None:
                hardware = hardware_index(options, request.throughput_profiles)
            through = llm_throughput(demand, wl_slices, options, request.throughput_profiles, specs, hardware)
            rate = through.requests_per_second[g_of][:, [p[0] for p in pieces]] * capacity_factor[:, None]
            lam = np.array([u.rate for u in units[first_unit:]])
            with np.errstate(divide="ignore"):
                load = np.where(rate > 0, lam[None, :] / np.where(rate > 0, rate, 1.0), np.inf)
            capable: BoolArray = np.asarray(np.isfinite(load).any(axis=1), dtype=bool)
            for o in np.flatnonzero(capable):
                source[int(o)] = through.source[int(g_of[o])]
            if any("estimate" in s for s in source.values()):
                estimated.append(w)
            money = np.zeros_like(load)
            link_carbon = np.zeros_like(load)
            models = {canonical_model(demand.model), *(canonical_model(m) for m in demand.substitute_models)}
            api_serves = np.array([bool(models & m) for m in apis.models], dtype=bool)
            sizes_in = np.array([u.input_tokens for u in units[first_unit:]])
            sizes_out = np.array([u.output_tokens for u in units[first_unit:]])
            api_fit = (sizes_in[None, :] <= apis.max_input[:, None]) & (
                sizes_out[None, :] <= apis.max_output[:, None]
            )
            api_capable = api_serves[:, None] & api_fit
            per_hour = lam * SECONDS_PER_HOUR
            api_money = per_hour[None, :] * (
                sizes_in[None, :] * apis.input_price[:, None]
                + sizes_out[None, :] * apis.output_price[:, None]
            )
            api_carbon = (
                per_hour[None, :] * (sizes_in + sizes_out)[None, :] * apis.carbon_g_per_mtok[:, None] / 1e9
            )
            api_tpm = np.broadcast_to((lam * 60.0 * (sizes_in + sizes_out))[None, :], api_money.shape)
            tpot_ok = not (
                demand.max_time_per_output_token_ms > 0 and not capable.any() and through.model_known
            )
        else:
            units.append(Unit(w, 0, 1.0, 0.0))
            api_capable = np.zeros((apis.n, 1), dtype=bool)
            api_money = api_carbon = api_tpm = np.zeros((apis.n, 1))
            tpot_ok = True
            if kind is DemandKind.CPU_SERVICE:
                service = workload.cpu_service
                assert service is not None
                v = options.vcpus[g_of]
                m = options.memory_gib[g_of]
                with np.errstate(divide="ignore", invalid="ignore"):
                    need = np.maximum(
                        service.vcpus / v, np.where(service.memory_gib > 0, service.memory_gib / m, 0.0)
                    )
                arch_ok = np.ones(options.n_options, dtype=bool)
                if service.architectures:
                    arch_ok = np.isin(
                        options.architecture[g_of].astype(str), [a.lower() for a in service.architectures]
                    )
                capable = np.asarray((v > 0) & np.isfinite(need) & arch_ok, dtype=bool)
                load = np.where(capable, need / capacity_factor, np.inf)[:, None]
                money = np.zeros_like(load)
                link_carbon = np.zeros_like(load)
            else:
                job = workload.batch_job
                assert job is not None
                scale = job.runs_per_month / policy.hours_per_month
                if job.is_gpu:
                    ref = (
                        specs.get(canonical_gpu(job.reference_accelerator))
                        if job.reference_accelerator
                        else reference
                    )
                    gpus = options.gpu_count[g_of]
                    ref_key = ref.name if ref is not None else ""
                    if ref_key not in speed_cache:
                        per_offer = np.array([batch_speed(specs.get(str(m)), ref) for m in options.gpu_model])
                        speed_cache[ref_key] = per_offer[g_of] if len(per_offer) else np.zeros(0)
                    speed = speed_cache[ref_key]
                    fits = options.gpu_memory_per_gpu[g_of] >= job.gpu_memory_gib - 1e-9
                    capable = np.asarray(
                        (gpus >= max(1, job.min_gpus_per_instance)) & fits & (speed > 0), dtype=bool
                    )
                    work = np.where(capable, gpus * speed * capacity_factor, 1.0)
                    hours = job.gpu_hours / work  # instance-hours of one run
                else:
                    v = options.vcpus[g_of]
                    m = options.memory_gib[g_of]
                    with np.errstate(divide="ignore", invalid="ignore"):
                        ratio_ok = (
                            np.where(v > 0, m / np.where(v > 0, v, 1.0), 0.0)
                            >= job.memory_gib_per_vcpu - 1e-9
                        )
                    capable = np.asarray((options.gpu_count[g_of] == 0) & (v > 0) & ratio_ok, dtype=bool)
                    work = np.where(capable, v * capacity_factor, 1.0)
                    hours = job.vcpu_hours / work
                load = np.where(capable, hours / job.deadline_hours, np.inf)[:, None]
                money = (options.option_price * hours * scale)[:, None]
                link_carbon = (option_carbon * hours * scale)[:, None]
        all_slices.append(wl_slices)
        allowed = capable & resid & listed & spot_ok
        api_any = api_capable.any(axis=1)
        api_ok = api_any & api_resid & api_listed
        is_batch = kind is DemandKind.BATCH_JOB
        # single-option costs (money) for the baseline and residency diagnosis
        compute_single = _single_costs(load, money, options.option_price, is_batch)
        no_api = np.zeros(0)
        api_whole: np.ndarray = no_api  # replaced below for LLM workloads (the only ones that use it)
        uses_apis = kind is DemandKind.LLM_INFERENCE and apis.n > 0
        if uses_apis:
            api_whole = np.asarray(api_capable.all(axis=1), dtype=bool)
            api_single = np.where(api_whole, api_money.sum(axis=1), np.inf)
            api_single_ok, api_single_any = api_single[api_ok], api_single[api_any]
            api_single_resid = api_single[api_any & api_resid]
        else:  # no API can serve the workload (only LLM workloads use APIs): every API selection is empty
            api_single_ok = api_single_any = api_single_resid = no_api
        single[w] = _min(compute_single[allowed], api_single_ok)
        if workload.max_carbon_kg_per_hour > 0:  # read only for a workload with a carbon cap
            single_carbon[w] = _argmin_value(
                np.concatenate([compute_single[allowed], api_single_ok]),
                np.concatenate(
                    [
                        _single_costs(load, link_carbon, option_carbon, is_batch)[allowed],
                        np.where(api_whole, api_carbon.sum(axis=1), np.inf)[api_ok] if uses_apis else no_api,
                    ]
                ),
            )
        unrestricted[w] = _min(compute_single[capable & spot_ok], api_single_any)
        residency_only[w] = _min(compute_single[capable & resid & spot_ok], api_single_resid)
        _explain_rejection(
            w, workload, rejections, capable, tpot_ok, resid, listed, spot_ok, must, never,
            api_capable, api_resid, api_listed, allowed, api_ok, load, options,
        )  # fmt: skip
        arc_prices = (option_price, options.option_price, option_carbon)
        picked = np.flatnonzero(allowed)
        _add_compute_arcs(
            arrays, w, first_unit, picked, load, money, link_carbon, is_batch, arc_prices, cp_per_kg
        )
        picked = np.flatnonzero(api_ok)
        _add_api_arcs(arrays, w, first_unit, picked, api_capable, api_money, api_carbon, api_tpm, cp_per_kg)
        candidate_pairs += int(allowed.sum() + api_ok.sum())
        sources.append(source)
    problem, pool_workloads = _problem(request, options, apis, arrays, units)
    return BuiltModel(
        problem=problem,
        units=units,
        slices=all_slices,
        arc_option=arrays.column("arc_option"),
        arc_api=arrays.column("arc_api"),
        arc_money_price=arrays.column("arc_money"),
        link_money_cost=arrays.column("link_money"),
        link_tpm=arrays.column("link_tpm"),
        throughput_source=sources,
        pool_workloads=pool_workloads,
        candidate_pairs=candidate_pairs,
        single_option_cost=single,
        single_option_carbon=single_carbon,
        unrestricted_cost=unrestricted,
        residency_only_cost=residency_only,
        rejections=rejections,
        estimated=estimated,
    )


def _add_compute_arcs(
    arrays: _Arrays,
    w: int,
    first_unit: int,
    picked: IntArray,
    load: FloatArray,
    money: FloatArray,
    link_carbon: FloatArray,
    is_batch: bool,
    arc_prices: tuple[FloatArray, FloatArray, FloatArray],
    cp_per_kg: float,
) -> None:
    """Instance arcs of workload ``w`` on the ``picked`` compute options, linked to the units they can serve.

    ``arc_prices``: per option, the model price (carbon priced in), money price and carbon per instance.
    """
    if not len(picked):
        return
    price, money_price, carbon = arc_prices
    sub = load[picked]
    rows, cols = np.nonzero(np.isfinite(sub))
    link_money = money[picked][rows, cols]
    link_kg = link_carbon[picked][rows, cols]
    arrays.add(
        {
            "arc_workload": np.full(len(picked), w),
            "arc_integer": np.ones(len(picked), dtype=bool),
            "arc_option": picked,
            "arc_api": np.zeros(len(picked), dtype=bool),
            "arc_price": np.zeros(len(picked)) if is_batch else price[picked],
            "arc_money": np.zeros(len(picked)) if is_batch else money_price[picked],
            "arc_carbon": np.zeros(len(picked)) if is_batch else carbon[picked],
        },
        {
            "link_unit": first_unit + cols,
            "link_arc": rows,
            "link_load": sub[rows, cols],
            "link_money": link_money,
            "link_carbon": link_kg,
            "link_cost": link_money + link_kg * cp_per_kg,
            "link_tpm": np.zeros(len(rows)),
        },
    )


def _add_api_arcs(
    arrays: _Arrays,
    w: int,
    first_unit: int,
    picked: IntArray,
    capable: np.ndarray,
    money: FloatArray,
    carbon: FloatArray,
    tpm: np.ndarray,
    cp_per_kg: float,
) -> None:
    """API arcs of workload ``w`` on the ``picked`` APIs, linked to the units they can serve."""
    if not len(picked):
        return
    rows, cols = np.nonzero(capable[picked])
    link_money = money[picked][rows, cols]
    link_kg = carbon[picked][rows, cols]
    arrays.add(
        {
            "arc_workload": np.full(len(picked), w),
            "arc_integer": np.zeros(len(picked), dtype=bool),
            "arc_option": picked,
            "arc_api": np.ones(len(picked), dtype=bool),
            "arc_price": np.zeros(len(picked)),
            "arc_money": np.zeros(len(picked)),
            "arc_carbon": np.zeros(len(picked)),
        },
        {
            "link_unit": first_unit + cols,
            "link_arc": rows,
            "link_load": np.zeros(len(rows)),
            "link_money": link_money,
            "link_carbon": link_kg,
            "link_cost": link_money + link_kg * cp_per_kg,
            "link_tpm": np.asarray(tpm)[picked][rows, cols],
        },
    )


def _mentions(
    entries: list[str], options: ComputeOptions, cache: dict[tuple[str, ...], BoolArray]
) -> BoolArray:
    key = tuple(sorted(e.lower() for e in entries))
    if key not in cache:
        cache[key] = compute_mentions(list(entries), options)
    return cache[key]


def _argmin_value(keys: FloatArray, values: FloatArray) -> float:
    """``values`` at the smallest finite key (inf when there is none)."""
    if not len(keys) or not np.isfinite(keys).any():
        return math.inf
    return float(values[int(np.argmin(keys))])


def _min(*arrays: FloatArray) -> float:
    values = [float(a.min()) for a in arrays if len(a)]
    return min(values) if values else math.inf


def _single_costs(load: FloatArray, money: FloatArray, price: FloatArray, is_batch: bool) -> FloatArray:
    """Money cost per hour of the whole workload on each compute option alone (inf if it cannot)."""
    covers = np.isfinite(load).all(axis=1)
    total = np.where(np.isfinite(load), load, 0.0).sum(axis=1)
    if is_batch:
        cost = np.where(np.isfinite(money), money, 0.0).sum(axis=1)
    else:
        cost = price * min_instances(total)
    return np.where(covers, cost, np.inf)


def _explain_rejection(
    w: int,
    workload: Workload,
    out: list[Rejection],
    capable: BoolArray,
    tpot_ok: bool,
    resid: BoolArray,
    listed: BoolArray,
    spot_ok: BoolArray,
    must: BoolArray | None,
    never: BoolArray | None,
    api_capable: np.ndarray,
    api_resid: BoolArray,
    api_listed: BoolArray,
    allowed: BoolArray,
    api_ok: BoolArray,
    load: FloatArray,
    options: ComputeOptions,
) -> None:
    """Record why a workload, or one of its units, has no option left (first stage that empties)."""
    wid = workload.workload_id
    n_units = load.shape[1]
    served = np.isfinite(load[allowed]).any(axis=0) if allowed.any() else np.zeros(n_units, dtype=bool)
    if api_ok.any():
        served |= api_capable[api_ok].any(axis=0)
    if served.all():
        return
    api_any = api_capable.any(axis=1)
    total = int((capable & spot_ok).sum() + api_any.sum())
    if total == 0:
        if not tpot_ok:
            slo = workload.llm_inference.max_time_per_output_token_ms if workload.llm_inference else 0.0
            out.append(Rejection(w, "slo", f"workload {wid}: no option meets the TPOT SLO of {slo:g} ms"))
        else:
            out.append(Rejection(w, "capability", f"workload {wid}: {_capability_text(workload)}"))
        return
    stage = int((capable & spot_ok & resid).sum() + (api_any & api_resid).sum())
    if stage == 0:
        rule = workload.residency if workload.residency is not None else None
        compute = capable & spot_ok
        countries = sorted({str(options.country[options.option_offer[o]]) for o in np.flatnonzero(compute)})
        where = ", ".join(c or "unknown" for c in countries[:12]) or "-"
        text = rule.describe() if rule is not None else "the policy's default residency"
        message = (
            f"workload {wid}: residency rule ({text}) excludes all {total} option(s) able to run it: "
            f"{int(compute.sum())} compute offer(s) (in: {where}) and {int(api_any.sum())} API(s) (an API of "
            "unknown processing location never qualifies)"
        )
        also: tuple[str, ...] = ()
        if not tpot_ok:
            slo = workload.llm_inference.max_time_per_output_token_ms if workload.llm_inference else 0.0
            message += f"; no instance meets the TPOT SLO of {slo:g} ms"
            also = ("slo",)
        out.append(Rejection(w, "residency", message, also))
        return
    if (
        must is not None
        and int((capable & spot_ok & resid & must).sum() + (api_any & api_resid & api_listed).sum()) == 0
    ):
        message = f"workload {wid}: no allowed option matches must_run_on ({', '.join(workload.must_run_on)})"
        out.append(Rejection(w, "must_run_on", message))
        return
    if never is not None and not (allowed.any() or api_ok.any()):
        listed_text = ", ".join(workload.never_run_on)
        message = f"workload {wid}: never_run_on ({listed_text}) excludes every remaining option"
        out.append(Rejection(w, "never_run_on", message))
        return
    missing = np.flatnonzero(~served)
    out.append(
        Rejection(
            w,
            "slice",
            f"workload {wid}: request slice(s) {', '.join(str(int(u)) for u in missing[:5])} have no allowed "
            "option (too long for the APIs' context limits, or no instance meets the SLO for that size)",
        )
    )


def _capability_text(workload: Workload) -> str:
    if workload.llm_inference is not None:
        return (
            f"no compute offer can serve model {workload.llm_inference.model} (no matching throughput "
            "profile, and no default estimate: unknown model size or GPU) and no API serves it"
        )
    if workload.batch_job is not None:
        job = workload.batch_job
        if job.is_gpu:
            return (
                f"no offer has >= {max(1, job.min_gpus_per_instance)} GPU(s) of >= "
                f"{job.gpu_memory_gib:g} GiB with a known speed"
            )
        return f"no CPU offer has >= {job.memory_gib_per_vcpu:g} GiB per vCPU"
    assert workload.cpu_service is not None
    arch = workload.cpu_service.architectures
    return (
        "no offer with vCPUs" + (f" of architecture {', '.join(arch)}" if arch else "") + " and enough memory"
    )


def _problem(
    request: RoutingRequest, options: ComputeOptions, apis: ApiOptions, arrays: _Arrays, units: list[Unit]
) -> tuple[RoutingProblem, list[set[int]]]:
    """Assemble the problem with its pools."""
    arc_option = arrays.column("arc_option")
    arc_api = arrays.column("arc_api")
    arc_workload = arrays.column("arc_workload")
    link_arc = arrays.column("link_arc")
    link_carbon = arrays.column("link_carbon")
    arc_carbon = arrays.column("arc_carbon")
    names: list[str] = []
    capacity: list[float] = []
    pa: tuple[list[int], list[int], list[float]] = ([], [], [])
    pl: tuple[list[int], list[int], list[float]] = ([], [], [])
    compute_arcs = np.flatnonzero(~arc_api)
    arc_g = (
        options.option_offer[arc_option[compute_arcs]] if len(compute_arcs) else np.zeros(0, dtype=np.int64)
    )
    arc_spot = options.option_spot[arc_option[compute_arcs]] if len(compute_arcs) else np.zeros(0, dtype=bool)
    for quota in request.quotas:
        per_offer = options.provider == quota.provider.lower()
        if quota.region:
            per_offer &= options.region == quota.region
        if quota.accelerator:
            wanted = canonical_gpu(quota.accelerator)
            family = wanted if "-" not in wanted else None
            models = options.gpu_model.astype(str)
            same = models == wanted
            if family is not None:
                same |= np.array([gpu_family(m) == family if m else False for m in models], dtype=bool)
            per_offer &= same & (options.gpu_count > 0)
            coef_offer = options.gpu_count
        else:
            coef_offer = options.vcpus
        hit = per_offer.astype(bool)[arc_g]
        if quota.capacity_type is CapacityType.SPOT:
            hit &= arc_spot
        elif quota.capacity_type is CapacityType.ON_DEMAND:
            hit &= ~arc_spot
        _add_pool(names, capacity, pa, quota.name(), quota.limit, compute_arcs[hit], coef_offer[arc_g[hit]])
    for g in np.flatnonzero(np.isfinite(options.stock)):
        hit = arc_g == g
        if hit.any():
            label = f"stock[{options.offer_ids[int(g)][0]}]"
            _add_pool(
                names,
                capacity,
                pa,
                label,
                float(options.stock[g]),
                compute_arcs[hit],
                np.ones(int(hit.sum())),
            )
    tpm_apis = np.flatnonzero(np.isfinite(apis.tpm_quota))
    if len(tpm_apis) and len(link_arc):
        link_tpm = arrays.column("link_tpm")
        api_links = np.flatnonzero(arc_api[link_arc])
        for a in tpm_apis:
            hit = api_links[arc_option[link_arc[api_links]] == a]
            if len(hit):
                label = f"api_tpm[{apis.offers[int(a)].offer_id}]"
                _add_pool(names, capacity, pl, label, float(apis.tpm_quota[a]), hit, link_tpm[hit])
    total_cap = request.policy.max_total_carbon_kg_per_hour
    if total_cap > 0:
        _add_pool(names, capacity, pa, "total_carbon_cap", total_cap, np.arange(len(arc_carbon)), arc_carbon)
        k = len(names) - 1
        carbon_links = np.flatnonzero(link_carbon > 0)
        pl[0].extend([k] * len(carbon_links))
        pl[1].extend(carbon_links.tolist())
        pl[2].extend(link_carbon[carbon_links].tolist())
    caps = np.array(
        [w.max_carbon_kg_per_hour if w.max_carbon_kg_per_hour > 0 else np.inf for w in request.workloads]
    )
    problem = RoutingProblem(
        n_workloads=len(request.workloads),
        unit_workload=np.array([u.workload for u in units], dtype=np.int64),
        arc_workload=arc_workload,
        arc_integer=arrays.column("arc_integer"),
        arc_price=arrays.column("arc_price"),
        arc_carbon=arc_carbon,
        link_unit=arrays.column("link_unit"),
        link_arc=link_arc,
        link_load=arrays.column("link_load"),
        link_cost=arrays.column("link_cost"),
        link_carbon=link_carbon,
        pool_capacity=np.array(capacity),
        pool_arc=PoolUsage.of(*pa),
        pool_link=PoolUsage.of(*pl),
        workload_carbon_cap=caps,
        whole_units=request.policy.whole_slices,
        pool_names=tuple(names),
        workload_names=tuple(w.workload_id for w in request.workloads),
    )
    pool_workloads: list[set[int]] = [set() for _ in names]
    for pool, work in (
        (problem.pool_arc.pool, arc_workload[problem.pool_arc.item]),
        (problem.pool_link.pool, arc_workload[link_arc[problem.pool_link.item]]),
    ):
        for k, w in zip(pool.tolist(), work.tolist(), strict=True):
            pool_workloads[k].add(w)
    return problem, pool_workloads


def _add_pool(
    names: list[str],
    capacity: list[float],
    usage: tuple[list[int], list[int], list[float]],
    name: str,
    limit: float,
    items: IntArray,
    coef: FloatArray,
) -> None:
    k = len(names)
    names.append(name)
    capacity.append(limit)
    keep = coef > 0
    usage[0].extend([k] * int(keep.sum()))
    usage[1].extend(items[keep].tolist())
    usage[2].extend(coef[keep].tolist())
