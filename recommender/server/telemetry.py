"""OpenTelemetry: a span for every RPC and a request-duration histogram.

Exporters follow the standard environment variables. Traces and metrics are
exported over OTLP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or the per-signal
``..._TRACES_ENDPOINT`` / ``..._METRICS_ENDPOINT``) is set, with the protocol from
``OTEL_EXPORTER_OTLP_PROTOCOL`` (``http/protobuf`` by default, or ``grpc``);
``OTEL_TRACES_EXPORTER`` / ``OTEL_METRICS_EXPORTER`` may be ``otlp``, ``console``
or ``none``; ``OTEL_SDK_DISABLED=true`` turns everything off. ``OTEL_SERVICE_NAME``
and ``OTEL_RESOURCE_ATTRIBUTES`` name the resource. With nothing configured the
spans and measurements are recorded in memory only and nothing is exported.
Request and response payloads and metadata are never recorded.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

from recommender.server.context import Context, Continuation, MethodHandler
from recommender.server.handler_wrapping import HandlerCache, rewrap

INSTRUMENTATION = "finops-recommender"


def _exporter_choice(signal: str) -> str:
    explicit = os.environ.get(f"OTEL_{signal.upper()}_EXPORTER", "").strip().lower()
    if explicit:
        return explicit.split(",")[0].strip()
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get(
        f"OTEL_EXPORTER_OTLP_{signal.upper()}_ENDPOINT"
    )
    return "otlp" if endpoint else "none"


def _grpc_protocol(signal: str) -> bool:
    proto = os.environ.get(f"OTEL_EXPORTER_OTLP_{signal.upper()}_PROTOCOL") or os.environ.get(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
    )
    return proto.strip().lower() == "grpc"


def _span_exporter() -> SpanExporter | None:
    choice = _exporter_choice("traces")
    if choice == "console":
        return ConsoleSpanExporter()
    if choice != "otlp":
        return None
    if _grpc_protocol("traces"):
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcSpanExporter

        return GrpcSpanExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpSpanExporter

    return HttpSpanExporter()


def _metric_reader() -> MetricReader | None:
    choice = _exporter_choice("metrics")
    if choice == "console":
        return PeriodicExportingMetricReader(ConsoleMetricExporter())
    if choice != "otlp":
        return None
    if _grpc_protocol("metrics"):
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import (
            OTLPMetricExporter as GrpcMetricExporter,
        )

        return PeriodicExportingMetricReader(GrpcMetricExporter())
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import (
        OTLPMetricExporter as HttpMetricExporter,
    )

    return PeriodicExportingMetricReader(HttpMetricExporter())


@dataclass
class Telemetry:
    """Providers owned by the server (flushed on shutdown)."""

    tracer_provider: TracerProvider | None
    meter_provider: MeterProvider | None

    def shutdown(self) -> None:
        """Flush and stop exporters."""
        if self.tracer_provider is not None:
            self.tracer_provider.shutdown()
        if self.meter_provider is not None:
            self.meter_provider.shutdown()


def configure_telemetry(extra_readers: list[MetricReader] | None = None) -> Telemetry:
    """Install SDK providers configured from the ``OTEL_*`` environment."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return Telemetry(None, None)
    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", INSTRUMENTATION)})
    tracer_provider = TracerProvider(resource=resource)
    exporter = _span_exporter()
    if exporter is not None:
        tracer_provider.add_span_processor(BatchSpanProcessor(exporter))
    readers = [r for r in [_metric_reader(), *(extra_readers or [])] if r is not None]
    meter_provider = MeterProvider(resource=resource, metric_readers=readers)
    trace.set_tracer_provider(tracer_provider)
    metrics.set_meter_provider(meter_provider)
    return Telemetry(tracer_provider, meter_provider)


Handler = Callable[[Any, Context], Awaitable[Any]]


class TelemetryInterceptor(grpc.aio.ServerInterceptor):
    """Records a SERVER span and ``rpc.server.duration`` (ms) for every RPC."""

    def __init__(self, excluded_services: tuple[str, ...] = ("grpc.health.v1.Health",)) -> None:
        self._excluded = excluded_services
        self._tracer = trace.get_tracer(INSTRUMENTATION)
        self._duration = metrics.get_meter(INSTRUMENTATION).create_histogram(
            "rpc.server.duration", unit="ms", description="Duration of inbound RPCs"
        )
        self._handlers = HandlerCache()

    def _wrap(self, inner: Handler, full_method: str) -> Handler:
        service, _, method = full_method.lstrip("/").rpartition("/")
        attributes = {"rpc.system": "grpc", "rpc.service": service, "rpc.method": method}

        async def handler(request: Any, context: Context) -> Any:
            started = time.perf_counter()
            with self._tracer.start_as_current_span(
                full_method, kind=trace.SpanKind.SERVER, attributes=attributes
            ) as span:
                code = grpc.StatusCode.OK
                try:
                    return await inner(request, context)
                except BaseException:
                    code = context.code() or grpc.StatusCode.UNKNOWN
                    raise
                finally:
                    value = code.value[0] if isinstance(code, grpc.StatusCode) else int(code)
                    span.set_attribute("rpc.grpc.status_code", value)
                    if value == grpc.StatusCode.INTERNAL.value[0]:
                        span.set_status(trace.Status(trace.StatusCode.ERROR))
                    self._duration.record(
                        (time.perf_counter() - started) * 1000.0,
                        {**attributes, "rpc.grpc.status_code": value},
                    )

        return handler

    async def intercept_service(
        self,
        continuation: Continuation,
        handler_call_details: grpc.HandlerCallDetails,
    ) -> MethodHandler | None:
        """Wrap unary-response handlers of non-excluded services."""
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or any(method.startswith(f"/{s}/") for s in self._excluded):
            return handler
        return self._handlers.get(method, handler, lambda inner: self._wrap_handler(inner, method))

    def _wrap_handler(self, handler: MethodHandler, method: str) -> MethodHandler:
        def wrap(inner: Handler) -> Handler:
            return self._wrap(inner, method)

        return rewrap(handler, {"unary_unary": wrap, "stream_unary": wrap})
