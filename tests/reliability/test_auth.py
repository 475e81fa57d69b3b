"""Authentication: bearer tokens, tenancy, exemptions, mutual TLS, and no secrets in logs or spans."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from clients.client import RecommenderCallError, RecommenderClient, TlsOptions
from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import recommender_service_pb2_grpc as service_grpc
from recommender.api.v1 import rightsizing_pb2
from recommender.server.admission import CACHE_METADATA_KEY
from recommender.server.auth import AuthPolicy, Credentials
from tests.reliability.certs import Authority
from tests.reliability.harness import ServerThread, server_thread, small_request
from tests.serve_process import serve_process

CI_TOKEN = "ci-token-7f3a9c2e51d84b06"
ADMIN_TOKEN = "admin-token-0b8e4d7c2a9f6e13"
BARE_TOKEN = "bare-token-5c1d9e7a3b2f8c40"
WRONG_TOKEN = "wrong-token-9e8d7c6b5a4f3e21"


@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    tokens = tmp_path_factory.mktemp("auth") / "tokens"
    tokens.write_text(
        "# principal  token  tenants\n"
        f"ci-pipeline {CI_TOKEN} acme,globex\n"
        f"admin       {ADMIN_TOKEN} *\n"
        f"{BARE_TOKEN}\n"
    )
    with server_thread(auth_token_file=tokens, spare_workers=0) as running:
        yield running


def _right_size(address: str, **client: object) -> grpc.StatusCode:
    """Call an RPC that is cheap once admitted (UNIMPLEMENTED in this build); return the status."""
    with RecommenderClient(address, timeout=10, retries=0, **client) as c:  # type: ignore[arg-type]
        try:
            c.right_size(rightsizing_pb2.RightSizeRequest())
        except RecommenderCallError as error:
            return error.code
    return grpc.StatusCode.OK


def _reason(address: str, **client: object) -> tuple[grpc.StatusCode, str]:
    with RecommenderClient(address, timeout=10, retries=0, **client) as c:  # type: ignore[arg-type]
        with pytest.raises(RecommenderCallError) as info:
            c.right_size(rightsizing_pb2.RightSizeRequest())
    return info.value.code, info.value.reason


ADMITTED = {grpc.StatusCode.OK, grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.INVALID_ARGUMENT}


def test_calls_without_valid_tokens_are_unauthenticated(token_server: ServerThread) -> None:
    address = token_server.address
    assert _reason(address) == (grpc.StatusCode.UNAUTHENTICATED, "MISSING_CREDENTIALS")
    assert _reason(address, token=WRONG_TOKEN) == (grpc.StatusCode.UNAUTHENTICATED, "INVALID_CREDENTIALS")
    malformed = {"metadata": (("authorization", f"Basic {CI_TOKEN}"),)}
    assert _reason(address, **malformed) == (grpc.StatusCode.UNAUTHENTICATED, "MALFORMED_CREDENTIALS")


def test_tenancy_is_enforced_per_principal(token_server: ServerThread) -> None:
    address = token_server.address
    assert _right_size(address, token=CI_TOKEN, tenant="acme") in ADMITTED
    assert _reason(address, token=CI_TOKEN, tenant="initech") == (
        grpc.StatusCode.PERMISSION_DENIED,
        "TENANT_NOT_ALLOWED",
    )
    assert _reason(address, token=CI_TOKEN) == (grpc.StatusCode.PERMISSION_DENIED, "TENANT_REQUIRED")
    assert _right_size(address, token=ADMIN_TOKEN, tenant="initech") in ADMITTED
    assert _right_size(address, token=BARE_TOKEN) in ADMITTED


def test_a_real_solve_with_a_token(token_server: ServerThread) -> None:
    with RecommenderClient(token_server.address, timeout=60, token=ADMIN_TOKEN) as client:
        assert client.plan_commitments(small_request()).plans


def test_identical_requests_are_answered_from_the_cache_per_tenant(token_server: ServerThread) -> None:
    request = small_request(seed=5)
    with grpc.insecure_channel(token_server.address) as channel:
        stub = service_grpc.RecommenderStub(channel)

        def call(token: str, tenant: str) -> tuple[cpb.PlanCommitmentsResponse, str]:
            metadata = (("authorization", f"Bearer {token}"), ("x-finops-tenant", tenant))
            response, rpc = stub.PlanCommitments.with_call(request, timeout=60, metadata=metadata)
            return response, str(dict(rpc.trailing_metadata() or ()).get(CACHE_METADATA_KEY, "miss"))

        before = token_server.stats().completed
        first, state1 = call(ADMIN_TOKEN, "acme")
        second, state2 = call(ADMIN_TOKEN, "acme")
        assert (state1, state2) == ("miss", "hit") and second == first
        assert call(CI_TOKEN, "acme")[1] == "hit"  # same tenant, another principal
        other, state3 = call(ADMIN_TOKEN, "initech")  # another tenant: its own entry, solved again
        assert state3 == "miss"
        assert [p.plan_id for p in other.plans] == [p.plan_id for p in first.plans]  # deterministic
        assert token_server.stats().completed - before == 2


def test_health_and_reflection_are_exempt_by_default(token_server: ServerThread) -> None:
    with grpc.insecure_channel(token_server.address) as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        stream = reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5
        )
        services = {s.name for r in stream for s in r.list_services_response.service}
        assert "finops.recommender.v1.Recommender" in services


def test_exemptions_are_configurable_and_tokens_compare_by_digest() -> None:
    creds = Credentials.parse(f"ci {CI_TOKEN} acme\n{BARE_TOKEN}\n", "test")
    assert creds.lookup(CI_TOKEN) is not None and creds.lookup(CI_TOKEN + "x") is None
    assert all(CI_TOKEN.encode() not in digest for digest, _ in creds.tokens)  # only digests are kept
    strict = AuthPolicy(creds, exempt=())
    assert not strict.is_exempt("/grpc.health.v1.Health/Check")
    assert AuthPolicy(creds).is_exempt("/grpc.health.v1.Health/Check")
    with pytest.raises(ValueError, match="line 1: tokens must be at least 16") as short:
        Credentials.parse("ci short-token", "tokens.txt")
    assert "short-token" not in str(short.value)


def test_no_secret_reaches_logs_or_spans() -> None:
    env = dict(os.environ)
    env.update(
        {
            "FINOPS_RECOMMENDER_AUTH_TOKENS": f"ci {CI_TOKEN} acme; admin {ADMIN_TOKEN}",
            "OTEL_TRACES_EXPORTER": "console",
            "OTEL_METRICS_EXPORTER": "none",
        }
    )
    args = ("--workers", "1", "--spare-workers", "0", "--small-lane-workers", "0", "--log-level", "DEBUG")
    with serve_process(*args, env=env) as server:
        address, line = server.address, server.first_line
        assert _right_size(address, token=CI_TOKEN, tenant="acme") in ADMITTED
        assert _right_size(address, token=ADMIN_TOKEN) in ADMITTED
        assert _right_size(address, token=WRONG_TOKEN) == grpc.StatusCode.UNAUTHENTICATED
        assert _right_size(address, token=CI_TOKEN, tenant="evil") == grpc.StatusCode.PERMISSION_DENIED
        server.proc.send_signal(signal.SIGTERM)
        out, err = server.proc.communicate(timeout=60)
    output = line + out + err
    assert "enduser.id" in output and "ci" in output  # spans were exported, with the principal's name
    assert "rejected /finops.recommender.v1.Recommender/RightSize" in output  # failures were logged
    for secret in (CI_TOKEN, ADMIN_TOKEN, WRONG_TOKEN):
        assert secret not in output


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    directory = tmp_path_factory.mktemp("pki")
    ca = Authority(directory, "test-ca")
    rogue = Authority(directory, "rogue-ca")
    return {
        "ca": ca.pem,
        "server": ca.issue("localhost", server=True),
        "ci": ca.issue("ci-bot"),
        "stranger": ca.issue("stranger"),
        "rogue": rogue.issue("ci-bot"),
        "dir": directory,
    }


@pytest.fixture(scope="module")
def mtls_server(pki: dict[str, object]) -> Iterator[ServerThread]:
    tokens = Path(str(pki["dir"])) / "identities"
    tokens.write_text("ci cert:ci-bot acme\n")
    server, ca = pki["server"], pki["ca"]
    with server_thread(
        spare_workers=0,
        tls_cert_file=server.cert,  # type: ignore[attr-defined]
        tls_key_file=server.key,  # type: ignore[attr-defined]
        tls_client_ca_file=ca.cert,  # type: ignore[attr-defined]
        auth_token_file=tokens,
    ) as running:
        yield running


def _tls(pki: dict[str, object], client: str | None) -> TlsOptions:
    ca = pki["ca"]
    if client is None:
        return TlsOptions.from_files(ca.cert)  # type: ignore[attr-defined]
    pem = pki[client]
    return TlsOptions.from_files(ca.cert, pem.cert, pem.key)  # type: ignore[attr-defined]


def test_mutual_tls_admits_only_known_certificates(mtls_server: ServerThread, pki: dict[str, object]) -> None:
    address = f"localhost:{mtls_server.running.port}"
    assert _right_size(address, tls=_tls(pki, "ci"), tenant="acme") in ADMITTED
    assert _reason(address, tls=_tls(pki, "ci"), tenant="globex") == (
        grpc.StatusCode.PERMISSION_DENIED,
        "TENANT_NOT_ALLOWED",
    )
    assert _reason(address, tls=_tls(pki, "stranger"), tenant="acme") == (
        grpc.StatusCode.PERMISSION_DENIED,
        "CERTIFICATE_NOT_AUTHORIZED",
    )
    # no client certificate, or one from another CA: the TLS handshake fails
    assert _right_size(address, tls=_tls(pki, None), tenant="acme") == grpc.StatusCode.UNAVAILABLE
    assert _right_size(address, tls=_tls(pki, "rogue"), tenant="acme") == grpc.StatusCode.UNAVAILABLE
    with RecommenderClient(address, timeout=60, tls=_tls(pki, "ci"), tenant="acme") as client:
        assert client.plan_commitments(small_request()).plans
