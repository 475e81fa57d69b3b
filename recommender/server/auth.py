"""Authentication and tenancy: bearer tokens and mutual TLS (both off by default).

**Bearer tokens.** Callers send ``authorization: Bearer <token>``. Tokens come from
a file (``FINOPS_RECOMMENDER_AUTH_TOKEN_FILE`` / ``serve --auth-token-file``) and/or
the environment (``FINOPS_RECOMMENDER_AUTH_TOKENS``, entries separated by newlines
or ``;``). One entry per line, ``#`` starts a comment::

    <token>                                  any tenant, principal "token-<line>"
    <principal> <token>                      any tenant
    <principal> <token> <tenant>[,<tenant>]  only these tenants (``*`` = any)
    <principal> cert:<identity> [tenants]    an mTLS client certificate (CN or SAN)

Only SHA-256 digests of the tokens are kept; a presented token is compared with
every digest in constant time (``hmac.compare_digest``, no early exit). Tokens must
be at least 16 characters. Tokens never appear in logs, spans or error messages.

**Mutual TLS.** With ``--tls-cert``/``--tls-key`` the server speaks TLS; adding
``--tls-client-ca`` requires every client to present a certificate signed by that
CA. The certificate's common name (or first SAN) is the principal; ``cert:`` lines
restrict which identities are allowed and to which tenants.

**Tenancy.** A caller names its tenant in the ``x-finops-tenant`` header. When a
principal is restricted to tenants, a call without a tenant or for another tenant
is answered PERMISSION_DENIED. Missing or wrong credentials are UNAUTHENTICATED.

**Exemptions.** Health (``grpc.health.v1.Health``) and reflection are exempt from
token checks by default (``FINOPS_RECOMMENDER_AUTH_EXEMPT``); TLS client
certificates, when required, are checked during the handshake for every call.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import grpc
from opentelemetry import trace

from recommender.errors import PermissionDeniedError, RecommenderError, UnauthenticatedError
from recommender.server.context import Context, Continuation, MethodHandler
from recommender.server.handler_wrapping import HandlerCache, Wrap, relay, rewrap
from recommender.server.status import abort_with_error

_LOG = logging.getLogger(__name__)
MIN_TOKEN_LENGTH = 16
DEFAULT_TENANT_HEADER = "x-finops-tenant"
ANY_TENANT = "*"


@dataclass(frozen=True)
class Principal:
    """Who a credential belongs to, and the tenants it may act for (None = any)."""

    name: str
    tenants: frozenset[str] | None


@dataclass(frozen=True)
class Identity:
    """The authenticated caller of the current RPC."""

    principal: str
    tenant: str | None
    via: str  # "token", "mtls", "none"


_IDENTITY: contextvars.ContextVar[Identity | None] = contextvars.ContextVar("finops_identity", default=None)


def current_identity() -> Identity | None:
    """The caller of the RPC being handled (None when auth is off or the method is exempt)."""
    return _IDENTITY.get()


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def _tenants(field: str | None) -> frozenset[str] | None:
    if field is None or field.strip() == ANY_TENANT:
        return None
    names = frozenset(t.strip() for t in field.split(",") if t.strip())
    return None if ANY_TENANT in names else names


@dataclass(frozen=True)
class Credentials:
    """Parsed token and certificate entries (token digests only)."""

    tokens: tuple[tuple[bytes, Principal], ...] = ()
    certs: tuple[tuple[str, Principal], ...] = ()

    @classmethod
    def parse(cls, text: str, source: str) -> Credentials:
        """Parse entries; errors name the source and line, never the token."""
        tokens: list[tuple[bytes, Principal]] = []
        certs: list[tuple[str, Principal]] = []
        for number, raw in enumerate(text.replace(";", "\n").splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) > 3:
                raise ValueError(f"{source}: line {number}: expected '<principal> <token> [tenants]'")
            if len(parts) == 1:
                principal, secret, tenants = f"token-{number}", parts[0], None
            else:
                principal, secret = parts[0], parts[1]
                tenants = parts[2] if len(parts) == 3 else None
            if secret.startswith("cert:"):
                identity = secret.removeprefix("cert:")
                if not identity:
                    raise ValueError(f"{source}: line {number}: 'cert:' needs a certificate identity")
                certs.append((identity, Principal(principal, _tenants(tenants))))
                continue
            if len(secret) < MIN_TOKEN_LENGTH:
                raise ValueError(
                    f"{source}: line {number}: tokens must be at least {MIN_TOKEN_LENGTH} characters"
                )
            digest = _digest(secret)
            if any(hmac.compare_digest(digest, d) for d, _ in tokens):
                raise ValueError(f"{source}: line {number}: duplicate token")
            tokens.append((digest, Principal(principal, _tenants(tenants))))
        return cls(tuple(tokens), tuple(certs))

    def merged(self, other: Credentials) -> Credentials:
        """Entries of both."""
        return Credentials(self.tokens + other.tokens, self.certs + other.certs)

    def lookup(self, token: str) -> Principal | None:
        """The principal of ``token``: every digest is compared, in constant time each."""
        presented = _digest(token)
        found: Principal | None = None
        for digest, principal in self.tokens:
            if hmac.compare_digest(presented, digest) and found is None:
                found = principal
        return found


def load_credentials(token_file: Path | None, env_tokens: str | None) -> Credentials:
    """Credentials from the token file and the environment variable (either may be absent)."""
    creds = Credentials()
    if token_file is not None:
        creds = creds.merged(Credentials.parse(token_file.read_text(encoding="utf-8"), str(token_file)))
    if env_tokens:
        creds = creds.merged(Credentials.parse(env_tokens, "FINOPS_RECOMMENDER_AUTH_TOKENS"))
    return creds


def _first(values: Mapping[str, Iterable[bytes]], key: str) -> list[str]:
    return [v.decode("utf-8", "replace") for v in values.get(key, [])]


@dataclass(frozen=True)
class AuthPolicy:
    """What the auth interceptor enforces."""

    credentials: Credentials
    mtls: bool = False
    exempt: tuple[str, ...] = ("grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection")
    tenant_header: str = DEFAULT_TENANT_HEADER

    @property
    def enabled(self) -> bool:
        """Whether any check applies."""
        return bool(self.credentials.tokens) or self.mtls or bool(self.credentials.certs)

    @property
    def tenancy(self) -> bool:
        """Whether any principal is restricted to tenants."""
        principals = [p for _, p in self.credentials.tokens] + [p for _, p in self.credentials.certs]
        return any(p.tenants is not None for p in principals)

    def is_exempt(self, full_method: str) -> bool:
        """Health/reflection (by default): by service name or full method path."""
        service = full_method.lstrip("/").rpartition("/")[0]
        return service in self.exempt or full_method in self.exempt or full_method.lstrip("/") in self.exempt

    def _from_certificate(self, auth_context: Mapping[str, Iterable[bytes]]) -> Principal | None:
        names = _first(auth_context, "x509_common_name") + _first(
            auth_context, "x509_subject_alternative_name"
        )
        if not names:
            return None
        if not self.credentials.certs:
            return Principal(names[0], None)
        for identity, principal in self.credentials.certs:
            if identity in names:
                return principal
        raise PermissionDeniedError(
            "the client certificate is valid but its identity is not authorised on this server",
            "CERTIFICATE_NOT_AUTHORIZED",
        )

    def authorize(
        self, metadata: Iterable[tuple[str, str | bytes]], auth_context: Mapping[str, Iterable[bytes]]
    ) -> Identity:
        """Identity of the caller, or UnauthenticatedError / PermissionDeniedError."""
        headers: dict[str, str] = {}
        for key, value in metadata:
            if key not in headers and not key.endswith("-bin"):
                headers[key.lower()] = value if isinstance(value, str) else value.decode("utf-8", "replace")
        principal: Principal | None = None
        via = "none"
        if self.mtls or self.credentials.certs:
            principal = self._from_certificate(auth_context)
            via = "mtls" if principal is not None else via
        if self.credentials.tokens:
            header = headers.get("authorization", "")
            scheme, _, token = header.strip().partition(" ")
            if not header:
                raise UnauthenticatedError(
                    "this server requires a bearer token: send metadata 'authorization: Bearer <token>'",
                    "MISSING_CREDENTIALS",
                )
            if scheme.lower() != "bearer" or not token.strip():
                raise UnauthenticatedError(
                    "the authorization header must be 'Bearer <token>'", "MALFORMED_CREDENTIALS"
                )
            principal = self.credentials.lookup(token.strip())
            if principal is None:
                raise UnauthenticatedError("the bearer token is not valid", "INVALID_CREDENTIALS")
            via = "token"
        if principal is None:
            raise UnauthenticatedError("no client identity was presented", "MISSING_CREDENTIALS")
        tenant = headers.get(self.tenant_header) or None
        if principal.tenants is not None:
            if tenant is None:
                raise PermissionDeniedError(
                    f"principal '{principal.name}' acts for specific tenants: send metadata "
                    f"'{self.tenant_header}: <tenant>'",
                    "TENANT_REQUIRED",
                    metadata={"principal": principal.name},
                )
            if tenant not in principal.tenants:
                raise PermissionDeniedError(
                    f"principal '{principal.name}' may not act for tenant '{tenant}'",
                    "TENANT_NOT_ALLOWED",
                    metadata={"principal": principal.name, "tenant": tenant},
                )
        return Identity(principal.name, tenant, via)


Handler = Callable[[Any, Context], Any]


class AuthInterceptor(grpc.aio.ServerInterceptor):
    """Rejects calls without valid credentials before any handler code runs."""

    def __init__(self, policy: AuthPolicy) -> None:
        self._policy = policy
        self._handlers = HandlerCache()

    async def _authorize(self, context: Context, method: str) -> Identity | None:
        try:
            metadata = cast(Iterable[tuple[str, str | bytes]], context.invocation_metadata() or ())
            identity = self._policy.authorize(metadata, context.auth_context())
        except RecommenderError as error:
            _LOG.warning("rejected %s from %s: %s", method, context.peer(), error.reason)
            await abort_with_error(context, error)
            return None  # abort raises; never reached
        span = trace.get_current_span()
        span.set_attribute("enduser.id", identity.principal)  # the principal's name, never the token
        if identity.tenant:
            span.set_attribute("finops.tenant", identity.tenant)
        return identity

    def _unary(self, inner: Handler, method: str) -> Callable[[Any, Context], Awaitable[Any]]:
        async def handler(request: Any, context: Context) -> Any:
            identity = await self._authorize(context, method)
            token = _IDENTITY.set(identity)
            try:
                return await inner(request, context)
            finally:
                _IDENTITY.reset(token)

        return handler

    def _streaming(self, inner: Handler, method: str) -> Callable[[Any, Context], AsyncIterator[Any]]:
        async def handler(request: Any, context: Context) -> AsyncIterator[Any]:
            identity = await self._authorize(context, method)
            _IDENTITY.set(identity)
            async for item in relay(inner(request, context)):
                yield item

        return handler

    async def intercept_service(
        self, continuation: Continuation, handler_call_details: grpc.HandlerCallDetails
    ) -> MethodHandler | None:
        """Wrap every handler of a non-exempt method with the credential check."""
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or self._policy.is_exempt(method):
            return handler
        return self._handlers.get(method, handler, lambda inner: self._wrap_handler(inner, method))

    def _wrap_handler(self, handler: MethodHandler, method: str) -> MethodHandler:
        def unary(inner: Handler) -> Callable[[Any, Context], Awaitable[Any]]:
            return self._unary(inner, method)

        def streaming(inner: Handler) -> Callable[[Any, Context], AsyncIterator[Any]]:
            return self._streaming(inner, method)

        wraps: dict[str, Wrap] = {"unary_unary": unary, "stream_unary": unary}
        wraps |= {"unary_stream": streaming, "stream_stream": streaming}
        return rewrap(handler, wraps)
