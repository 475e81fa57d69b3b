"""The Recommender servicer: proto in -> solve in the pool -> proto out.

Unary levers send the serialized request to a solver worker, which rejects
numbers beyond ``max_abs_number`` (admission's magnitude check, see
:mod:`~recommender.server.number_bounds`), decodes, plans and encodes
(``*_serialized`` plan functions); the event loop only parses the answer.
Requests and answers up to :data:`INLINE_BYTES` are (de)serialized on the event
loop itself (microseconds; a thread hop costs more), larger ones in a thread so
the loop keeps answering health checks.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

from google.protobuf.message import Message

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import commitments_stream_pb2 as spb
from recommender.api.v1 import consolidation_pb2 as vpb
from recommender.api.v1 import recommend_pb2 as apb
from recommender.api.v1 import recommender_service_pb2_grpc as service_grpc
from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.api.v1 import routing_pb2 as wpb
from recommender.planning.commitment_plans import plan_commitments
from recommender.server.admission import current_request
from recommender.server.codec.commitments import encode_plan_commitments
from recommender.server.codec.commitments_stream import UsageAssembler
from recommender.server.codec.recommend import recommend_serialized
from recommender.server.codec.rightsizing import right_size_serialized
from recommender.server.codec.serialized import (
    consolidate_vendors_serialized,
    plan_commitments_serialized,
    route_workloads_serialized,
)
from recommender.server.context import Context
from recommender.server.number_bounds import bounded_plan
from recommender.server.runner import SolveRunner

INLINE_BYTES = 64 * 1024
"""Messages up to this size are (de)serialized on the event loop, larger ones in a thread."""

T = TypeVar("T")
M = TypeVar("M", bound=Message)
SerializedPlan = Callable[[bytes, float | None], bytes]


async def _off_loop_if_large(fn: Callable[[], T], size: int) -> T:
    return fn() if size <= INLINE_BYTES else await asyncio.to_thread(fn)


class RecommenderServicer(service_grpc.RecommenderServicer):
    """One method per lever; each hands the serialized request to a solver worker."""

    def __init__(self, runner: SolveRunner, max_abs_number: float = 1e12) -> None:
        self._runner = runner
        self._max_abs_number = max_abs_number

    async def _solve(
        self, plan: SerializedPlan, request: Message, response_type: type[M], context: Context
    ) -> M:
        info = current_request()  # admission kept the bytes as received: no second encoding
        payload = info.payload if info is not None else None
        if payload is None:
            payload = await _off_loop_if_large(request.SerializeToString, request.ByteSize())
        checked = functools.partial(bounded_plan, plan, request.DESCRIPTOR.full_name, self._max_abs_number)
        answer = await self._runner.run(checked, payload, context)
        return await _off_loop_if_large(lambda: response_type.FromString(answer), len(answer))

    async def PlanCommitments(  # noqa: N802 (gRPC method name)
        self, request: cpb.PlanCommitmentsRequest, context: Context
    ) -> cpb.PlanCommitmentsResponse:
        """Joint commitment plan."""
        return await self._solve(plan_commitments_serialized, request, cpb.PlanCommitmentsResponse, context)

    async def PlanCommitmentsStream(  # noqa: N802
        self, request_iterator: AsyncIterator[spb.PlanCommitmentsStreamRequest], context: Context
    ) -> spb.PlanCommitmentsStreamResponse:
        """Joint commitment plan, the usage streamed in blocks of hours."""
        assembler = UsageAssembler()
        async for chunk in request_iterator:
            assembler.add(chunk)
        domain = await asyncio.to_thread(assembler.finish)
        outcome = await self._runner.run(plan_commitments, domain, context)
        return spb.PlanCommitmentsStreamResponse(response=encode_plan_commitments(outcome))

    async def RightSize(  # noqa: N802
        self, request: rpb.RightSizeRequest, context: Context
    ) -> rpb.RightSizeResponse:
        """Right-sizing of resources and fleet packing."""
        return await self._solve(right_size_serialized, request, rpb.RightSizeResponse, context)

    async def ConsolidateVendors(  # noqa: N802
        self, request: vpb.ConsolidateVendorsRequest, context: Context
    ) -> vpb.ConsolidateVendorsResponse:
        """Vendors to keep, demand allocation and tiers, after SaaS seat reclamation."""
        return await self._solve(
            consolidate_vendors_serialized, request, vpb.ConsolidateVendorsResponse, context
        )

    async def RouteWorkloads(  # noqa: N802
        self, request: wpb.RouteWorkloadsRequest, context: Context
    ) -> wpb.RouteWorkloadsResponse:
        """Workload routing: instances or model APIs under quotas, SLOs, residency and carbon."""
        return await self._solve(route_workloads_serialized, request, wpb.RouteWorkloadsResponse, context)

    async def Recommend(  # noqa: N802
        self, request: apb.RecommendRequest, context: Context
    ) -> apb.RecommendResponse:
        """Ranked plans across levers (the FOCUS export is decoded in the worker too)."""
        return await self._solve(recommend_serialized, request, apb.RecommendResponse, context)
