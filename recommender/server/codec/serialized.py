"""Plan functions over serialized protos, for the solver pool.

Each takes a serialized request and returns a serialized response: the worker
decodes, plans and encodes, so only bytes cross the process boundary and the
server's event loop does no decoding (pickling domain objects both ways cost more
than parsing the bytes). Right-sizing and Recommend have theirs in their codec
modules (:func:`~recommender.server.codec.rightsizing.right_size_serialized`,
:func:`~recommender.server.codec.recommend.recommend_serialized`).
"""

from __future__ import annotations

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import consolidation_pb2 as vpb
from recommender.api.v1 import routing_pb2 as wpb
from recommender.planning.commitment_plans import plan_commitments
from recommender.planning.consolidation_plans import plan_consolidation
from recommender.planning.routing_plans import route_workloads
from recommender.server.codec.commitments import decode_plan_commitments, encode_plan_commitments
from recommender.server.codec.consolidation import decode_consolidate_vendors, encode_consolidate_vendors
from recommender.server.codec.routing import decode_route_workloads, encode_route_workloads


def plan_commitments_serialized(payload: bytes, time_limit: float | None = None) -> bytes:
    """Serialized PlanCommitmentsRequest -> serialized PlanCommitmentsResponse."""
    domain = decode_plan_commitments(cpb.PlanCommitmentsRequest.FromString(payload))
    return encode_plan_commitments(plan_commitments(domain, time_limit)).SerializeToString()


def consolidate_vendors_serialized(payload: bytes, time_limit: float | None = None) -> bytes:
    """Serialized ConsolidateVendorsRequest -> serialized ConsolidateVendorsResponse."""
    domain = decode_consolidate_vendors(vpb.ConsolidateVendorsRequest.FromString(payload))
    outcome = plan_consolidation(domain, time_limit)
    return encode_consolidate_vendors(outcome, domain.currency_code).SerializeToString()


def route_workloads_serialized(payload: bytes, time_limit: float | None = None) -> bytes:
    """Serialized RouteWorkloadsRequest -> serialized RouteWorkloadsResponse."""
    domain = decode_route_workloads(wpb.RouteWorkloadsRequest.FromString(payload))
    return encode_route_workloads(route_workloads(domain, time_limit)).SerializeToString()
