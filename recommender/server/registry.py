"""Registry of the service's RPCs and of how big each request is.

Every method of ``finops.recommender.v1.Recommender`` gets an :class:`RpcSpec`
(request/response types, read from the service descriptor, so a new RPC is
covered as soon as it is in the contract). The size of a request is measured by
the *sizer* registered for its message type: a function returning
``{limit name: measured size}`` computed from repeated-field lengths only (no
per-value work), so it is cheap enough to run before decoding. Types without a
sizer fall back to counting every repeated element (``repeated_elements``).

A lever adds its sizes with::

    register_limit("workloads", 10_000, "workloads", "workloads in a RouteWorkloads request")
    register_sizer(routing_pb2.RouteWorkloadsRequest, my_sizer)

The admission interceptor (``admission.py``) checks the sizes against the
configured :class:`~recommender.server.limits.Limits` and answers
RESOURCE_EXHAUSTED before any work starts; the fuzz harness
(``tests/reliability``, ``bench/fuzz_requests.py``) enumerates :data:`RPCS`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor, message_factory
from google.protobuf.message import Message

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import commitments_stream_pb2 as spb
from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import consolidation_pb2 as vpb
from recommender.api.v1 import recommend_pb2 as apb
from recommender.api.v1 import recommender_service_pb2
from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.api.v1 import routing_pb2 as wpb
from recommender.server.limits import register_limit

Sizer = Callable[[Any], Mapping[str, int]]
SERVICE = recommender_service_pb2.DESCRIPTOR.services_by_name["Recommender"]

_SIZERS: dict[str, Sizer] = {}


@dataclass(frozen=True)
class RpcSpec:
    """One RPC of the service."""

    name: str
    full_method: str
    request_type: type[Message]
    response_type: type[Message]
    client_streaming: bool
    server_streaming: bool


def _specs() -> dict[str, RpcSpec]:
    out = {}
    for method in SERVICE.methods:
        full = f"/{SERVICE.full_name}/{method.name}"
        out[full] = RpcSpec(
            name=method.name,
            full_method=full,
            request_type=message_factory.GetMessageClass(method.input_type),
            response_type=message_factory.GetMessageClass(method.output_type),
            client_streaming=bool(getattr(method, "client_streaming", False)),
            server_streaming=bool(getattr(method, "server_streaming", False)),
        )
    return out


RPCS: dict[str, RpcSpec] = _specs()
"""Every RPC of the Recommender service, by full method path (``/pkg.Service/Method``)."""


def spec_for(full_method: str) -> RpcSpec | None:
    """The RPC spec for a full method path, or None for other services."""
    return RPCS.get(full_method)


def register_sizer(message_type: type[Message], sizer: Sizer) -> None:
    """Measure requests (or stream chunks) of ``message_type`` with ``sizer``."""
    _SIZERS[message_type.DESCRIPTOR.full_name] = sizer


def generic_sizes(msg: Message) -> dict[str, int]:
    """Fallback: total number of repeated elements (recursively)."""
    return {"repeated_elements": _count_repeated(msg)}


def _count_repeated(msg: Message) -> int:
    total = 0
    for field, value in msg.ListFields():
        if field.is_repeated:
            total += len(value)
            entry = field.message_type
            if entry is not None and not entry.GetOptions().map_entry:
                total += sum(_count_repeated(m) for m in value)
        elif field.type == descriptor.FieldDescriptor.TYPE_MESSAGE:
            total += _count_repeated(value)
    return total


def measure(msg: Message) -> dict[str, int]:
    """``{limit name: size}`` of a request message (registered sizer or the generic one)."""
    sizer = _SIZERS.get(msg.DESCRIPTOR.full_name)
    return dict(sizer(msg)) if sizer is not None else generic_sizes(msg)


# --- limits and sizers of the v1 requests --------------------------------------------------------

register_limit(
    "repeated_elements", 50_000_000, "elements", "repeated elements in a request of a type without a sizer"
)
register_limit("usage_classes", 5_000, "classes", "usage classes (or usage series) in a commitment request")
register_limit(
    "usage_points", 10_000_000, "values", "usage values: the sum of the lengths of all usage series"
)
register_limit(
    "stream_usage_points",
    250_000_000,
    "values",
    "hours x classes declared by a PlanCommitmentsStream header (the whole streamed usage)",
)
register_limit("offerings", 5_000, "offerings", "commitment offerings that may be bought")
register_limit("existing_commitments", 10_000, "commitments", "commitments already held")
register_limit(
    "coverage_entries", 1_000_000, "entries", "covered class ids plus discounted rates over all offerings"
)
register_limit("resources", 100_000, "resources", "resources with utilisation in a right-sizing request")
register_limit(
    "metric_samples",
    50_000_000,
    "samples",
    "utilisation samples: resources x metrics x samples (and fleet usage)",
)
register_limit("catalog_entries", 100_000, "types", "instance types in a right-sizing catalogue")
register_limit("fleet_members", 10_000, "members", "containers to pack in a fleet")
register_limit("vendors", 2_000, "vendors", "vendor offers in a consolidation request")
register_limit("demands", 50_000, "demands", "demands in a consolidation request")
register_limit("price_tiers", 200_000, "tiers", "volume price tiers over all vendors and lines")
register_limit("seats", 1_000_000, "seats", "SaaS seat activity records")
register_limit("workloads", 10_000, "workloads", "workloads in a routing request")
register_limit("offers", 100_000, "offers", "compute and model-API offers in a routing request")
register_limit(
    "workload_offer_pairs", 5_000_000, "pairs", "workloads x offers: the size of the routing model"
)
register_limit(
    "routing_rules",
    100_000,
    "rules",
    "throughput profiles, quotas and accelerator specs in a routing request",
)
register_limit("focus_csv_bytes", 100 * 1024 * 1024, "bytes", "size of an inline FOCUS export")


def _coverage(offerings: list[pb.CommitmentOffering]) -> int:
    return sum(len(o.reserved_instance.covered_class_ids) + len(o.spend_commitment.rates) for o in offerings)


def commitment_sizes(r: cpb.PlanCommitmentsRequest) -> dict[str, int]:
    """Sizes of a PlanCommitmentsRequest."""
    return {
        "usage_classes": max(len(r.usage_classes), len(r.usage.series)),
        "usage_points": sum(len(s.quantity) for s in r.usage.series),
        "offerings": len(r.offerings),
        "existing_commitments": len(r.existing_commitments),
        "coverage_entries": _coverage(list(r.offerings))
        + _coverage([e.terms for e in r.existing_commitments]),
    }


def stream_chunk_sizes(r: spb.PlanCommitmentsStreamRequest) -> dict[str, int]:
    """Sizes of one PlanCommitmentsStream chunk (sizes add up over the stream).

    The header carries the request and declares the usage (hours x classes); usage
    blocks add nothing, because the server accepts exactly the declared hours.
    """
    if r.WhichOneof("part") != "header":
        return {}
    sizes = commitment_sizes(r.header.request)
    sizes["stream_usage_points"] = max(0, r.header.hours) * max(
        len(r.header.request.usage_classes), len(r.header.request.usage.series)
    )
    return sizes


def right_size_sizes(r: rpb.RightSizeRequest) -> dict[str, int]:
    """Sizes of a RightSizeRequest."""
    samples = sum(len(m.values) + len(m.centi_values) for res in r.resources for m in res.metrics)
    samples += sum(len(m.cpu_usage) + len(m.memory_usage_gib) for m in r.fleet.members)
    return {
        "resources": len(r.resources),
        "metric_samples": samples,
        "catalog_entries": len(r.catalog),
        "fleet_members": len(r.fleet.members),
        "usage_classes": len(r.usage_classes) + len(r.other_usage),
        "existing_commitments": len(r.existing_commitments),
    }


def consolidation_sizes(r: vpb.ConsolidateVendorsRequest) -> dict[str, int]:
    """Sizes of a ConsolidateVendorsRequest."""
    return {
        "vendors": len(r.vendors),
        "demands": len(r.demands),
        "price_tiers": sum(len(line.tiers) for v in r.vendors for line in v.lines),
        "seats": len(r.seats),
    }


def routing_sizes(r: wpb.RouteWorkloadsRequest) -> dict[str, int]:
    """Sizes of a RouteWorkloadsRequest."""
    offers = len(r.compute_offers) + len(r.api_offers)
    return {
        "workloads": len(r.workloads),
        "offers": offers,
        "workload_offer_pairs": len(r.workloads) * offers,
        "routing_rules": len(r.throughput_profiles) + len(r.quotas) + len(r.accelerator_specs),
    }


def recommend_sizes(r: apb.RecommendRequest) -> dict[str, int]:
    """Sizes of a RecommendRequest: the sum of its parts."""
    total: Counter[str] = Counter()
    for part in (r.commitments, r.right_sizing, r.consolidation, r.routing):
        total.update(measure(part))
    total["focus_csv_bytes"] = len(r.focus_csv)
    return dict(total)


register_sizer(cpb.PlanCommitmentsRequest, commitment_sizes)
register_sizer(rpb.RightSizeRequest, right_size_sizes)
register_sizer(vpb.ConsolidateVendorsRequest, consolidation_sizes)
register_sizer(wpb.RouteWorkloadsRequest, routing_sizes)
register_sizer(apb.RecommendRequest, recommend_sizes)
register_sizer(spb.PlanCommitmentsStreamRequest, stream_chunk_sizes)


def all_plans_optimal(response: Message) -> bool:
    """A response may be cached when every plan was solved to proven optimality.

    (A plan found under a time limit may improve with more time, so it is not
    reused for a caller with a longer deadline.)
    """
    fields = response.DESCRIPTOR.fields_by_name
    if "plans" not in fields:
        return False
    plans: Any = getattr(response, "plans")  # noqa: B009 (dynamic message)
    return all((not p.HasField("solver")) or p.solver.status == pb.SOLVE_STATUS_OPTIMAL for p in plans)
