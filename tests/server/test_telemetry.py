"""OpenTelemetry: one span per RPC and a duration histogram; no exporter configured = no export."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import grpc
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import recommender_service_pb2_grpc as service_grpc
from recommender.server.app import create_server
from recommender.server.settings import Settings
from recommender.server.telemetry import configure_telemetry
from tests.requests import commitment_request, spend_offering


def test_spans_and_duration_histogram_for_every_rpc() -> None:
    reader = InMemoryMetricReader()
    telemetry = configure_telemetry(extra_readers=[reader])
    spans = InMemorySpanExporter()
    assert telemetry.tracer_provider is not None
    telemetry.tracer_provider.add_span_processor(SimpleSpanProcessor(spans))

    async def scenario() -> None:
        running = await create_server(Settings(port=0, workers=1), telemetry=telemetry)
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
                stub = service_grpc.RecommenderStub(channel)
                ok = commitment_request(
                    {"a": [1.0, 2.0, 3.0]}, {"a": 1.0}, [spend_offering("sp", {"a": 0.7})]
                )
                await stub.PlanCommitments(ok, timeout=30)
                try:
                    await stub.PlanCommitments(cpb.PlanCommitmentsRequest(), timeout=30)
                except grpc.aio.AioRpcError as error:
                    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        finally:
            await running.stop()

    asyncio.run(scenario())
    finished = [s for s in spans.get_finished_spans() if s.name.endswith("/PlanCommitments")]
    assert len(finished) == 2
    codes = sorted(s.attributes["rpc.grpc.status_code"] for s in finished)
    assert codes == [0, 3]
    assert all(s.attributes["rpc.method"] == "PlanCommitments" for s in finished)
    data = reader.get_metrics_data()
    points = [
        p
        for rm in data.resource_metrics
        for sm in rm.scope_metrics
        for m in sm.metrics
        if m.name == "rpc.server.duration"
        for p in m.data.data_points
    ]
    assert sum(p.count for p in points) == 2
    assert {p.attributes["rpc.grpc.status_code"] for p in points} == {0, 3}


def test_no_exporter_configured_exports_nothing_and_breaks_nothing() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    code = (
        "from recommender.server.telemetry import _span_exporter, _metric_reader, configure_telemetry;"
        "assert _span_exporter() is None and _metric_reader() is None;"
        "t = configure_telemetry(); t.shutdown(); print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_otlp_endpoint_selects_otlp_exporters() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.update(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9", OTEL_EXPORTER_OTLP_PROTOCOL="grpc")
    code = (
        "from recommender.server.telemetry import _span_exporter, _metric_reader;"
        "print(type(_span_exporter()).__module__, type(_metric_reader()).__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "otlp.proto.grpc" in out.stdout and "PeriodicExportingMetricReader" in out.stdout
