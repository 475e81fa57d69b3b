"""The Recommender servicer: proto in -> domain -> solve in the pool -> proto out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import commitments_stream_pb2 as spb
from recommender.api.v1 import consolidation_pb2 as vpb
from recommender.api.v1 import recommend_pb2 as apb
from recommender.api.v1 import recommender_service_pb2_grpc as service_grpc
from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.api.v1 import routing_pb2 as wpb
from recommender.planning.commitment_plans import plan_commitments
from recommender.planning.consolidation_plans import plan_consolidation
from recommender.planning.routing_plans import route_workloads
from recommender.server.codec.commitments import decode_plan_commitments, encode_plan_commitments
from recommender.server.codec.commitments_stream import UsageAssembler
from recommender.server.codec.consolidation import decode_consolidate_vendors, encode_consolidate_vendors
from recommender.server.codec.recommend import recommend_serialized
from recommender.server.codec.rightsizing import right_size_serialized
from recommender.server.codec.routing import decode_route_workloads, encode_route_workloads
from recommender.server.context import Context
from recommender.server.runner import SolveRunner


class RecommenderServicer(service_grpc.RecommenderServicer):
    """One method per lever; each decodes, solves in the pool and encodes."""

    def __init__(self, runner: SolveRunner) -> None:
        self._runner = runner

    async def PlanCommitments(  # noqa: N802 (gRPC method name)
        self, request: cpb.PlanCommitmentsRequest, context: Context
    ) -> cpb.PlanCommitmentsResponse:
        """Joint commitment plan."""
        domain = await asyncio.to_thread(decode_plan_commitments, request)
        outcome = await self._runner.run(plan_commitments, domain, context)
        return encode_plan_commitments(outcome)

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
        """Right-sizing of resources and fleet packing (decoded, solved and encoded in a worker:
        serialized protos cross the process boundary far faster than the domain objects).
        """
        payload = await asyncio.to_thread(request.SerializeToString)
        answer = await self._runner.run(right_size_serialized, payload, context)
        return await asyncio.to_thread(rpb.RightSizeResponse.FromString, answer)

    async def ConsolidateVendors(  # noqa: N802
        self, request: vpb.ConsolidateVendorsRequest, context: Context
    ) -> vpb.ConsolidateVendorsResponse:
        """Vendors to keep, demand allocation and tiers, after SaaS seat reclamation."""
        domain = await asyncio.to_thread(decode_consolidate_vendors, request)
        outcome = await self._runner.run(plan_consolidation, domain, context)
        return encode_consolidate_vendors(outcome, domain.currency_code)

    async def RouteWorkloads(  # noqa: N802
        self, request: wpb.RouteWorkloadsRequest, context: Context
    ) -> wpb.RouteWorkloadsResponse:
        """Workload routing: instances or model APIs under quotas, SLOs, residency and carbon."""
        domain = await asyncio.to_thread(decode_route_workloads, request)
        outcome = await self._runner.run(route_workloads, domain, context)
        return encode_route_workloads(outcome)

    async def Recommend(  # noqa: N802
        self, request: apb.RecommendRequest, context: Context
    ) -> apb.RecommendResponse:
        """Ranked plans across levers (decoded with the FOCUS export, planned and encoded in a worker)."""
        payload = await asyncio.to_thread(request.SerializeToString)
        answer = await self._runner.run(recommend_serialized, payload, context)
        return await asyncio.to_thread(apb.RecommendResponse.FromString, answer)
