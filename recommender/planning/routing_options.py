"""Compute and API options of a routing request: defaults, enrichment, aggregation.

Compute offers get their country (request, else the bundled region table), grid
carbon intensity and power (request, else the documented defaults of
:mod:`recommender.routing_defaults`) and their GPU specification. Offers identical
in everything the model sees are merged (:func:`solvers.routing_prune.group_identical`):
one representative stands for all, with their summed stock. An offer named in a
must/never list, or whose instance type a throughput profile names, keeps its
identity. Each merged offer gives an on-demand option and, when it has a spot
price, a spot option.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property

import numpy as np

from recommender.domain.routing import (
    AcceleratorSpec,
    ComputeOffer,
    ModelApiOffer,
    OfferInstance,
    ResidencyRule,
    RoutingRequest,
)
from recommender.routing_defaults import (
    GPU_SPECS,
    GpuSpec,
    canonical_gpu,
    canonical_model,
    carbon_intensity,
    default_api_offers,
    default_compute_offers,
    instance_power_kw,
    region_country,
)
from solvers.routing_problem import BoolArray, FloatArray, IntArray
from solvers.routing_prune import group_identical


@dataclass(frozen=True)
class ComputeOptions:
    """Merged compute offers (index ``g``) and their on-demand/spot options (index ``o``)."""

    offer_ids: list[list[str]]  # member offer ids of each merged offer (first = representative)
    provider: np.ndarray
    region: np.ndarray
    country: np.ndarray
    name: np.ndarray
    architecture: np.ndarray
    vcpus: FloatArray
    memory_gib: FloatArray
    gpu_count: FloatArray
    gpu_model: np.ndarray  # canonical
    gpu_memory_per_gpu: FloatArray
    carbon_g_per_kwh: FloatArray
    power_kw: FloatArray
    stock: FloatArray  # inf = unlimited
    # options
    option_offer: IntArray
    option_spot: BoolArray
    option_price: FloatArray  # money per instance-hour
    given_offers: int = 0

    @property
    def n_offers(self) -> int:
        """Merged offers."""
        return len(self.offer_ids)

    @property
    def n_options(self) -> int:
        """On-demand plus spot options."""
        return len(self.option_offer)

    def option_carbon_kg(self) -> FloatArray:
        """Carbon per instance-hour of every option (kg CO2e; computed once, read-only)."""
        return self._option_carbon_kg

    @cached_property
    def _option_carbon_kg(self) -> FloatArray:
        g = self.option_offer
        carbon = np.asarray(self.power_kw[g] * self.carbon_g_per_kwh[g] / 1000.0, dtype=np.float64)
        carbon.flags.writeable = False
        return carbon

    def label(self, o: int) -> str:
        """``name (provider/region, spot)``."""
        g = int(self.option_offer[o])
        spot = ", spot" if self.option_spot[o] else ""
        return f"{self.name[g]} ({self.provider[g]}/{self.region[g]}{spot})"


@dataclass(frozen=True)
class ApiOptions:
    """API offers as arrays."""

    offers: list[ModelApiOffer]
    models: list[set[str]]  # canonical models each API serves
    input_price: FloatArray
    output_price: FloatArray
    tpm_quota: FloatArray  # inf = unlimited
    max_input: FloatArray  # inf = unlimited
    max_output: FloatArray
    carbon_g_per_mtok: FloatArray
    defaulted: bool = False

    @property
    def n(self) -> int:
        """Number of API offers."""
        return len(self.offers)


@dataclass
class OptionNotes:
    """Non-fatal findings while preparing options."""

    warnings: list[str] = field(default_factory=list)


def gpu_specs(request: RoutingRequest) -> dict[str, GpuSpec]:
    """The server's GPU table with the request's specs added or overriding."""
    specs = dict(GPU_SPECS)
    for spec in request.accelerator_specs:
        specs[canonical_gpu(spec.name, spec.memory_gib)] = _merge_spec(specs, spec)
    return specs


def _merge_spec(specs: dict[str, GpuSpec], given: AcceleratorSpec) -> GpuSpec:
    base = specs.get(canonical_gpu(given.name, given.memory_gib))
    return GpuSpec(
        name=canonical_gpu(given.name, given.memory_gib),
        memory_gib=given.memory_gib or (base.memory_gib if base else 0.0),
        bandwidth_gb_s=given.memory_bandwidth_gb_per_s or (base.bandwidth_gb_s if base else 0.0),
        bf16_tflops=given.bf16_tflops or (base.bf16_tflops if base else 0.0),
        tdp_watts=given.tdp_watts or (base.tdp_watts if base else 0.0),
        relative_speed=given.relative_speed,
    )


def _num(value: object) -> float:
    """A table cell as a float (missing -> 0)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if np.isfinite(number) else 0.0


def default_offers() -> list[ComputeOffer]:
    """The bundled catalogue as compute offers (ids ``provider:region:name``)."""
    return list(_default_offers())


@cache
def _default_offers() -> tuple[ComputeOffer, ...]:
    """:func:`default_offers`, built once per process (bundled data, immutable models)."""
    out = []
    for row in default_compute_offers().to_dict("records"):
        instance = OfferInstance(
            name=str(row["name"]),
            provider=str(row["provider"]),
            region=str(row["region"]),
            family=str(row["family"]),
            architecture=str(row["architecture"]),
            vcpus=_num(row["vcpus"]),
            memory_gib=_num(row["memory_gib"]),
            gpu_count=int(_num(row["gpu_count"])),
            gpu_model=str(row["gpu_model"]),
            gpu_memory_gib=_num(row["gpu_memory_gib"]),
            hourly_price=_num(row["hourly_price"]),
            spot_hourly_price=_num(row["spot_hourly_price"]),
        )
        offer_id = f"{row['provider']}:{row['region']}:{row['name']}"
        out.append(ComputeOffer(offer_id=offer_id, instance=instance))
    return tuple(out)


@cache
def _default_api_offers() -> tuple[ModelApiOffer, ...]:
    """The bundled litellm prices as API offers (processing location unknown); built once per process."""
    out = []
    for row in default_api_offers().to_dict("records"):
        out.append(
            ModelApiOffer(
                offer_id=f"{row['provider']}:{row['model']}",
                provider=str(row["provider"]),
                model=str(row["model"]),
                input_cost_per_token=_num(row["input_cost_per_token"]),
                output_cost_per_token=_num(row["output_cost_per_token"]),
                max_input_tokens=int(_num(row["max_input_tokens"])),
                max_output_tokens=int(_num(row["max_output_tokens"])),
            )
        )
    return tuple(out)


def mentioned_ids(request: RoutingRequest) -> set[str]:
    """Every must/never entry (lower-case)."""
    return {e.lower() for w in request.workloads for e in (*w.must_run_on, *w.never_run_on)}


def build_compute_options(
    request: RoutingRequest, offers: list[ComputeOffer], specs: dict[str, GpuSpec], notes: OptionNotes
) -> ComputeOptions:
    """Enrich, merge identical offers and expand into on-demand/spot options."""
    n = len(offers)
    inst = [o.instance for o in offers]
    provider = np.array([i.provider.lower() for i in inst], dtype=object)
    region = np.array([i.region for i in inst], dtype=object)
    country = np.array(
        [
            o.country.upper() or region_country(i.provider, i.region)
            for o, i in zip(offers, inst, strict=True)
        ],
        dtype=object,
    )
    unknown_country = country.tolist().count("")
    if unknown_country:
        notes.warnings.append(
            f"{unknown_country} compute offer(s) have no known country; they never satisfy a residency rule."
        )
    gpu_count = np.array([float(i.gpu_count) for i in inst])
    per_gpu = np.array([i.gpu_memory_gib / i.gpu_count if i.gpu_count else 0.0 for i in inst])
    gpu_model = np.array(
        [canonical_gpu(i.gpu_model, m) if i.gpu_count else "" for i, m in zip(inst, per_gpu, strict=True)],
        dtype=object,
    )
    for k in np.flatnonzero((gpu_count > 0) & (per_gpu == 0)):
        spec = specs.get(str(gpu_model[k]))
        per_gpu[k] = spec.memory_gib if spec else 0.0
    tdp = np.array([specs[str(g)].tdp_watts if str(g) in specs else 0.0 for g in gpu_model])
    unknown_gpu = sorted(
        {str(g) for g, c in zip(gpu_model, gpu_count, strict=True) if c and str(g) not in specs}
    )
    if unknown_gpu:
        notes.warnings.append(
            "No specification for GPU model(s) "
            + ", ".join(unknown_gpu[:8])
            + ": without a throughput profile they serve no LLM or batch workload, and their GPUs' power "
            "is not counted; add accelerator_specs to use them."
        )
    vcpus = np.array([i.vcpus for i in inst])
    memory = np.array([i.memory_gib for i in inst])
    estimated_power = instance_power_kw(provider.astype(str), vcpus, memory, gpu_count, tdp)
    power = np.array([o.power_kw for o in offers]) if n else np.zeros(0)
    power = np.where(power > 0, power, estimated_power)
    intensity = np.zeros(n)
    cache: dict[tuple[str, str, str], float] = {}
    for j, (o, i) in enumerate(zip(offers, inst, strict=True)):
        if o.carbon_intensity_g_per_kwh > 0:
            intensity[j] = o.carbon_intensity_g_per_kwh
            continue
        key = (str(provider[j]), i.region, str(country[j]))
        if key not in cache:
            cache[key] = carbon_intensity(*key)[0]
        intensity[j] = cache[key]
    od = np.array([i.hourly_price for i in inst])
    spot = np.array([i.spot_hourly_price for i in inst])
    stock = np.array([float(o.max_instances) if o.max_instances else np.inf for o in offers])
    mentioned = mentioned_ids(request)
    profiled = {p.accelerator.lower() for p in request.throughput_profiles}
    arch = np.array([i.architecture.lower() for i in inst], dtype=object)
    names = np.array([i.name for i in inst], dtype=object)
    identity = np.array(
        [
            o.offer_id if o.offer_id.lower() in mentioned else (i.name if i.name.lower() in profiled else "")
            for o, i in zip(offers, inst, strict=True)
        ],
        dtype=object,
    )
    columns: list[np.ndarray] = [
        provider.astype(str),
        region.astype(str),
        country.astype(str),
        arch.astype(str),
        vcpus,
        memory,
        gpu_count,
        gpu_model.astype(str),
        per_gpu,
        od,
        spot,
        intensity,
        power,
        identity.astype(str),
    ]
    first, group = group_identical(columns)
    members: list[list[str]] = [[] for _ in first]
    for j, grp in enumerate(group):
        members[int(grp)].append(offers[j].offer_id)
    merged_stock = np.full(len(first), 0.0)
    np.add.at(merged_stock, group, stock)
    has_spot = spot[first] > 0
    option_offer = np.concatenate([np.arange(len(first)), np.flatnonzero(has_spot)]).astype(np.int64)
    option_spot = np.concatenate([np.zeros(len(first), dtype=bool), np.ones(int(has_spot.sum()), dtype=bool)])
    option_price = np.where(option_spot, spot[first][option_offer], od[first][option_offer])
    return ComputeOptions(
        offer_ids=members,
        provider=provider[first],
        region=region[first],
        country=country[first],
        name=names[first],
        architecture=arch[first],
        vcpus=vcpus[first],
        memory_gib=memory[first],
        gpu_count=gpu_count[first],
        gpu_model=gpu_model[first],
        gpu_memory_per_gpu=per_gpu[first],
        carbon_g_per_kwh=intensity[first],
        power_kw=power[first],
        stock=merged_stock,
        option_offer=option_offer,
        option_spot=option_spot,
        option_price=option_price,
        given_offers=n,
    )


@cache
def default_api_options() -> ApiOptions:
    """:func:`build_api_options` of the bundled API offers, built once per process (arrays read-only)."""
    apis = build_api_options(list(_default_api_offers()), defaulted=True)
    for value in vars(apis).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return apis


def build_api_options(offers: list[ModelApiOffer], defaulted: bool) -> ApiOptions:
    """API offers as arrays; each serves its model and its substitutes (canonical names)."""
    models = [{canonical_model(o.model), *(canonical_model(m) for m in o.substitutes_for)} for o in offers]
    return ApiOptions(
        offers=list(offers),
        models=models,
        input_price=np.array([o.input_cost_per_token for o in offers]),
        output_price=np.array([o.output_cost_per_token for o in offers]),
        tpm_quota=np.array([o.tokens_per_minute_quota or np.inf for o in offers]),
        max_input=np.array([float(o.max_input_tokens) if o.max_input_tokens else np.inf for o in offers]),
        max_output=np.array([float(o.max_output_tokens) if o.max_output_tokens else np.inf for o in offers]),
        carbon_g_per_mtok=np.array([o.carbon_g_per_million_tokens for o in offers]),
        defaulted=defaulted,
    )


def residency_mask(rule: ResidencyRule, options: ComputeOptions) -> BoolArray:
    """Options whose merged offer satisfies ``rule`` (country and region lists)."""
    g = options.option_offer
    ok = np.ones(options.n_options, dtype=bool)
    if rule.allowed_countries:
        ok &= np.isin(options.country[g].astype(str), rule.allowed_countries)
    if rule.allowed_regions:
        allowed = {r.lower() for r in rule.allowed_regions}
        plain = np.array([str(r).lower() in allowed for r in options.region])
        qualified = np.array(
            [f"{p}/{r}".lower() in allowed for p, r in zip(options.provider, options.region, strict=True)]
        )
        ok &= (plain | qualified)[g]
    return ok


def api_residency_mask(rule: ResidencyRule, apis: ApiOptions) -> BoolArray:
    """APIs whose processing location lies inside ``rule`` (unknown location: only without a rule)."""
    out = np.ones(apis.n, dtype=bool)
    if rule.is_empty:
        return out
    allowed_countries = set(rule.allowed_countries)
    allowed_regions = {r.lower() for r in rule.allowed_regions}
    for j, offer in enumerate(apis.offers):
        loc = offer.processing_location
        ok = True
        if allowed_countries:
            ok &= bool(loc.allowed_countries) and set(loc.allowed_countries) <= allowed_countries
        if allowed_regions:
            ok &= bool(loc.allowed_regions) and {r.lower() for r in loc.allowed_regions} <= allowed_regions
        out[j] = ok
    return out


def compute_mentions(entries: list[str], options: ComputeOptions) -> BoolArray:
    """Options matched by any entry (offer id, provider or ``provider/region``)."""
    wanted = {e.lower() for e in entries}
    per_offer = np.array(
        [
            any(i.lower() in wanted for i in ids) or p in wanted or f"{p}/{r}".lower() in wanted
            for ids, p, r in zip(options.offer_ids, options.provider, options.region, strict=True)
        ],
        dtype=bool,
    )
    return per_offer[options.option_offer] if options.n_options else np.zeros(0, dtype=bool)


def api_mentions(entries: list[str], apis: ApiOptions) -> BoolArray:
    """APIs matched by any entry (offer id, provider or model)."""
    wanted = {e.lower() for e in entries}
    return np.array(
        [
            o.offer_id.lower() in wanted or o.provider.lower() in wanted or o.model.lower() in wanted
            for o in apis.offers
        ],
        dtype=bool,
    )
