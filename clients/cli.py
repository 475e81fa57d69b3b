"""``finops-recommender``: serve, demo, plan.

finops-recommender serve [--port N]          run the gRPC server (port 0 = any free port)
finops-recommender demo                      start a server, plan the bundled sample, print, stop
finops-recommender plan --usage FILE ...     plan commitments for your usage via a server
finops-recommender recommend --focus FILE    ranked plans across all levers (FOCUS export in, report out)
finops-recommender health [--address A]      health check (exit 0 when SERVING)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

from google.protobuf import json_format

from clients.client import RecommenderCallError, RecommenderClient, TlsOptions
from clients.local_server import local_server
from clients.render import plans_table, to_json
from recommender.api.v1 import commitments_pb2
from recommender.errors import InvalidArgumentError, RecommenderError


def _limit_pairs(pairs: list[str] | None) -> dict[str, int] | None:
    if not pairs:
        return None
    out: dict[str, int] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not value.strip().isdigit():
            raise ValueError(f"--limit expects NAME=INTEGER, got {pair!r}")
        out[name.strip()] = int(value)
    return out


def _serve(args: argparse.Namespace) -> int:
    from recommender.server.app import serve
    from recommender.server.settings import Settings

    settings = Settings.from_env(
        host=args.host,
        port=args.port,
        workers=args.workers,
        spare_workers=args.spare_workers,
        small_lane_workers=args.small_lane_workers,
        max_queued_solves=args.max_queued_solves,
        worker_memory_mb=args.worker_memory_mb,
        max_message_mb=args.max_message_mb,
        grace_seconds=args.grace_seconds,
        max_solve_seconds=args.max_solve_seconds,
        default_solve_seconds=args.default_solve_seconds,
        response_cache_mb=args.response_cache_mb,
        limits=_limit_pairs(args.limit),
        auth_token_file=args.auth_token_file,
        auth_exempt=args.auth_exempt,
        tls_cert_file=args.tls_cert,
        tls_key_file=args.tls_key,
        tls_client_ca_file=args.tls_client_ca,
        log_level=args.log_level,
    )
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(serve(settings))
    return 0


def _client_options(args: argparse.Namespace) -> dict[str, Any]:
    """Auth/TLS keyword arguments of RecommenderClient from the common client flags."""
    from clients.client import read_token

    return {
        "token": read_token(getattr(args, "token_file", None)),
        "tenant": getattr(args, "tenant", None),
        "tls": TlsOptions.from_files(
            getattr(args, "tls_ca", None), getattr(args, "tls_cert", None), getattr(args, "tls_key", None)
        )
        if getattr(args, "tls_ca", None) or getattr(args, "tls_cert", None)
        else None,
    }


def _print_response(response: commitments_pb2.PlanCommitmentsResponse, fmt: str) -> None:
    if fmt == "json":
        print(to_json(response))
        return
    for warning in response.warnings:
        print(f"note: {warning}")
    print(plans_table(list(response.plans)))


def _call(
    target: str | None,
    request: commitments_pb2.PlanCommitmentsRequest,
    timeout: float,
    options: dict[str, Any] | None = None,
) -> commitments_pb2.PlanCommitmentsResponse:
    def run(address: str) -> commitments_pb2.PlanCommitmentsResponse:
        with RecommenderClient(address, timeout=timeout, **(options or {})) as client:
            client.wait_ready(timeout=30)
            return client.plan_commitments(request)

    if target:
        return run(target)
    with local_server() as address:
        return run(address)


def _demo(args: argparse.Namespace) -> int:
    from clients.requests import demo_request

    request = demo_request()
    print("Starting a local server on the bundled default catalogue and sample usage ...", flush=True)
    with local_server() as address:
        print(f"Server at {address}; sending PlanCommitments over gRPC ...\n", flush=True)
        with RecommenderClient(address, timeout=args.timeout) as client:
            client.wait_ready(timeout=30)
            response = client.plan_commitments(request)
    _print_response(response, args.format)
    _maybe_plot(response, args.plot)
    print("\nServer stopped.")
    return 0


def _maybe_plot(response: commitments_pb2.PlanCommitmentsResponse, target: str | None) -> None:
    if not target:
        return
    from clients.plot import plot_curve

    if not response.curve.points:
        print("note: no savings curve to plot (no plan)", file=sys.stderr)
        return
    print(f"Savings curve written to {plot_curve(response, Path(target))}")


def _plan(args: argparse.Namespace) -> int:
    from clients.requests import build_request

    if args.request:
        request = json_format.Parse(Path(args.request).read_text(), commitments_pb2.PlanCommitmentsRequest())
    else:
        request = build_request(
            usage=Path(args.usage),
            catalog=Path(args.catalog) if args.catalog else None,
            offerings=Path(args.offerings) if args.offerings else None,
            currency=args.currency,
            cost_of_capital=args.cost_of_capital,
        )
    if args.request_out:
        Path(args.request_out).write_text(to_json(request))
    response = _call(args.server, request, args.timeout, _client_options(args) if args.server else None)
    _print_response(response, args.format)
    _maybe_plot(response, args.plot)
    return 0


def _recommend(args: argparse.Namespace) -> int:
    from clients.recommend_request import build_recommend_request
    from recommender.api.v1 import recommend_pb2

    def path(value: str | None) -> Path | None:
        return Path(value) if value else None

    request = build_recommend_request(
        request=path(args.request),
        focus=path(args.focus),
        usage=path(args.usage),
        catalog=path(args.catalog),
        offerings=path(args.offerings),
        right_sizing=path(args.right_sizing),
        consolidation=path(args.consolidation),
        routing=path(args.routing),
        currency=args.currency,
        exchange_rate=args.exchange_rate,
        tax_rate=args.tax_rate,
        taxed=args.taxed_categories,
        residency_countries=args.residency_countries,
        residency_regions=args.residency_regions,
        max_plans=args.max_plans,
        horizon_months=args.horizon_months,
    )
    if args.request_out:
        Path(args.request_out).write_text(to_json(request))

    def run(address: str) -> recommend_pb2.RecommendResponse:
        with RecommenderClient(address, timeout=args.timeout, **_client_options(args)) as client:
            client.wait_ready(timeout=30)
            return client.recommend(request)

    if args.server:
        response = run(args.server)
    else:
        with local_server() as address:
            response = run(address)
    if args.format == "json":
        print(to_json(response))
    else:
        for warning in response.warnings:
            print(f"note: {warning}")
        print(plans_table(list(response.plans)))
    if args.report:
        from clients.report import write_report

        written = write_report(response, Path(args.report))
        print(
            f"Report written to {written[0]}"
            + (f" (+{len(written) - 1} plot files)" if len(written) > 1 else "")
        )
    return 0


def _health(args: argparse.Namespace) -> int:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    from clients.client import open_channel

    options = _client_options(args)
    metadata: tuple[tuple[str, str], ...] = (
        (("authorization", f"Bearer {options['token']}"),) if options["token"] else ()
    )
    if options["tenant"]:
        metadata += (("x-finops-tenant", options["tenant"]),)
    with open_channel(args.address, tls=options["tls"]) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=args.service), timeout=args.timeout, metadata=metadata
            )
        except grpc.RpcError as error:
            print(f"unhealthy: {error.code().name}", file=sys.stderr)
            return 1
    status = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
    print(status)
    return 0 if reply.status == health_pb2.HealthCheckResponse.SERVING else 1


def _add_client_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--token-file", help="file holding a bearer token (default: $FINOPS_RECOMMENDER_TOKEN if set)"
    )
    parser.add_argument("--tenant", help="tenant to act for (sent as x-finops-tenant)")
    parser.add_argument("--tls-ca", help="CA certificate to verify the server (enables TLS)")
    parser.add_argument("--tls-cert", help="client certificate for mutual TLS")
    parser.add_argument("--tls-key", help="client private key for mutual TLS")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="finops-recommender", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the gRPC server")
    serve.add_argument("--host", default=None, help="bind address (default 127.0.0.1; 0.0.0.0 in containers)")
    serve.add_argument("--port", type=int, default=None, help="port; 0 picks a free one and prints it")
    serve.add_argument("--workers", type=int, default=None, help="solver processes (default: CPU count)")
    serve.add_argument(
        "--max-message-mb", type=int, default=None, help="max request/response size (default 128)"
    )
    serve.add_argument("--grace-seconds", type=float, default=None, help="drain time on SIGTERM (default 10)")
    serve.add_argument("--max-solve-seconds", type=float, default=None, help="cap on any solve (default 120)")
    serve.add_argument(
        "--default-solve-seconds", type=float, default=None, help="limit without a deadline (30)"
    )
    serve.add_argument("--spare-workers", type=int, default=None, help="warm standby processes (default 1)")
    serve.add_argument(
        "--small-lane-workers", type=int, default=None, help="extra processes only for small requests (1)"
    )
    serve.add_argument(
        "--max-queued-solves", type=int, default=None, help="solves that may wait for a worker (default 16)"
    )
    serve.add_argument(
        "--worker-memory-mb", type=int, default=None, help="address-space cap per solver (0 = none)"
    )
    serve.add_argument(
        "--response-cache-mb", type=int, default=None, help="cache of optimal answers (default 64, 0 = off)"
    )
    serve.add_argument(
        "--limit",
        action="append",
        metavar="NAME=N",
        help="problem-size limit, repeatable, e.g. --limit usage_points=2000000 (0 = off)",
    )
    serve.add_argument("--auth-token-file", default=None, help="bearer tokens file (enables token auth)")
    serve.add_argument(
        "--auth-exempt",
        default=None,
        help="comma-separated services exempt from auth (default health,reflection)",
    )
    serve.add_argument("--tls-cert", default=None, help="server certificate chain (PEM; enables TLS)")
    serve.add_argument("--tls-key", default=None, help="server private key (PEM)")
    serve.add_argument("--tls-client-ca", default=None, help="CA of client certificates (enables mutual TLS)")
    serve.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING (default INFO)")
    serve.set_defaults(func=_serve)

    demo = sub.add_parser("demo", help="plan the bundled sample on a local server and print the plans")
    demo.add_argument("--format", choices=["table", "json"], default="table")
    demo.add_argument("--timeout", type=float, default=60.0, help="deadline in seconds")
    demo.add_argument("--plot", help="write the savings-vs-commitment curve to this PNG file")
    demo.set_defaults(func=_demo)

    plan = sub.add_parser("plan", help="plan commitments for usage files via a server")
    src = plan.add_mutually_exclusive_group(required=True)
    src.add_argument("--usage", help="hourly usage CSV (timestamp,usage_class,quantity) or FOCUS CSV/Parquet")
    src.add_argument("--request", help="a PlanCommitmentsRequest in proto3 JSON (as grpcurl takes it)")
    plan.add_argument("--catalog", help="pricing catalogue: vms.csv (SkyPilot schema) or ec2instances export")
    plan.add_argument("--offerings", help="commitment offerings as proto3 JSON (a list or {offerings:[...]})")
    plan.add_argument("--currency", default="USD")
    plan.add_argument("--cost-of-capital", type=float, default=0.0, help="annual rate, e.g. 0.08")
    plan.add_argument("--server", help="host:port of a running server (default: start a local one)")
    plan.add_argument("--format", choices=["table", "json"], default="table")
    plan.add_argument("--timeout", type=float, default=120.0, help="deadline in seconds")
    plan.add_argument("--request-out", help="also write the request as proto3 JSON (for grpcurl)")
    plan.add_argument("--plot", help="write the savings-vs-commitment curve to this PNG file")
    _add_client_flags(plan)
    plan.set_defaults(func=_plan)

    rec = sub.add_parser("recommend", help="ranked savings plans across all levers via a server")
    rec.add_argument("--focus", help="FOCUS 1.x export (CSV or Parquet): usage, SaaS and AI/ML spend")
    rec.add_argument("--usage", help="hourly usage CSV (timestamp,usage_class,quantity) instead of --focus")
    rec.add_argument("--request", help="a RecommendRequest in proto3 JSON; the options below add to it")
    rec.add_argument(
        "--catalog", help="compute catalogue (vms.csv or ec2instances export) for right-sizing/--usage"
    )
    rec.add_argument("--offerings", help="commitment offerings as proto3 JSON (a list or {offerings:[...]})")
    rec.add_argument("--right-sizing", help="a RightSizeRequest in proto3 JSON (resources with utilisation)")
    rec.add_argument("--consolidation", help="a ConsolidateVendorsRequest in proto3 JSON (vendor offers)")
    rec.add_argument("--routing", help="a RouteWorkloadsRequest in proto3 JSON (workloads to place)")
    rec.add_argument("--currency", help="reporting currency, e.g. INR (needs --exchange-rate)")
    rec.add_argument(
        "--exchange-rate", type=float, default=0.0, help="reporting currency per input unit, e.g. 83.2"
    )
    rec.add_argument("--tax-rate", type=float, default=0.0, help="non-creditable tax rate, e.g. 0.18 (GST)")
    rec.add_argument(
        "--taxed-categories", default="", help="e.g. public_cloud,ai_ml (default: every category)"
    )
    rec.add_argument("--residency-countries", default="", help="default residency, e.g. IN")
    rec.add_argument("--residency-regions", default="", help="default residency regions, e.g. aws/ap-south-1")
    rec.add_argument("--max-plans", type=int, default=0, help="alternative plans to return (1-3, default 3)")
    rec.add_argument("--horizon-months", type=int, default=0, help="ranking horizon (default 12)")
    rec.add_argument("--report", help="write a report with plots: report.md (PNGs next to it) or report.html")
    rec.add_argument("--server", help="host:port of a running server (default: start a local one)")
    rec.add_argument("--format", choices=["table", "json"], default="table")
    rec.add_argument("--timeout", type=float, default=180.0, help="deadline in seconds")
    rec.add_argument("--request-out", help="also write the request as proto3 JSON (for grpcurl)")
    _add_client_flags(rec)
    rec.set_defaults(func=_recommend)

    health = sub.add_parser("health", help="grpc.health.v1 Check against a server (exit 0 when SERVING)")
    health.add_argument("--address", default="127.0.0.1:50051")
    health.add_argument("--service", default="", help="service name ('' = whole server)")
    health.add_argument("--timeout", type=float, default=3.0)
    _add_client_flags(health)
    health.set_defaults(func=_health)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except RecommenderCallError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except InvalidArgumentError as error:
        print("error: invalid input", file=sys.stderr)
        for violation in error.violations:
            print(f"  {violation.field}: {violation.description}", file=sys.stderr)
        return 2
    except (RecommenderError, ValueError, OSError, json_format.ParseError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
