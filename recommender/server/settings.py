"""Server settings: defaults, overridden by ``FINOPS_RECOMMENDER_*`` environment
variables, overridden by command-line flags.

Groups: network (host, port, message size, TLS), solving (workers, spares, queue,
time limits, memory), limits (problem sizes, one ``FINOPS_RECOMMENDER_LIMIT_<NAME>``
each, see ``limits.py``), auth (tokens, exemptions, tenancy) and operations
(grace period, cache, logging).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from recommender.server import registry  # noqa: F401 (declares every limit)
from recommender.server.limits import Limits

ENV_PREFIX = "FINOPS_RECOMMENDER_"
LIMIT_ENV_PREFIX = ENV_PREFIX + "LIMIT_"
MIB = 1024 * 1024
DEFAULT_AUTH_EXEMPT = ("grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection")


class Settings(BaseModel):
    """Every setting of the server (documented in the README)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # network
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 50051
    max_message_mb: Annotated[int, Field(ge=4, le=2047)] = 128
    max_concurrent_rpcs: Annotated[int, Field(ge=0)] = 0
    tls_cert_file: Path | None = None
    tls_key_file: Path | None = None
    tls_client_ca_file: Path | None = None
    # solving
    workers: Annotated[int, Field(ge=1, le=256)] = max(1, os.cpu_count() or 1)
    spare_workers: Annotated[int, Field(ge=0, le=16)] = 1
    small_lane_workers: Annotated[int, Field(ge=0, le=64)] = 1
    max_queued_solves: Annotated[int, Field(ge=0, le=100_000)] = 16
    small_request_bytes: Annotated[int, Field(ge=0)] = 16 * 1024
    worker_memory_mb: Annotated[int, Field(ge=0)] = 0
    worker_nice: Annotated[int, Field(ge=0, le=19)] = 5
    default_solve_seconds: Annotated[float, Field(gt=0, le=3600)] = 30.0
    max_solve_seconds: Annotated[float, Field(gt=0, le=3600)] = 120.0
    deadline_margin_seconds: Annotated[float, Field(ge=0, le=60)] = 0.25
    # limits (name -> value; 0 = off)
    max_abs_number: Annotated[float, Field(ge=0)] = 1e12
    limits: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    # auth
    auth_token_file: Path | None = None
    auth_tokens: SecretStr | None = None
    auth_exempt: tuple[str, ...] = DEFAULT_AUTH_EXEMPT
    tenant_header: str = "x-finops-tenant"
    # operations
    grace_seconds: Annotated[float, Field(ge=0, le=600)] = 10.0
    response_cache_mb: Annotated[int, Field(ge=0, le=65536)] = 64
    log_level: str = "INFO"

    @field_validator("auth_exempt", mode="before")
    @classmethod
    def _split_exempt(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().lower() == "none":
                return ()
            return tuple(v.strip() for v in value.split(",") if v.strip())
        return value

    @model_validator(mode="after")
    def _check(self) -> Settings:
        Limits(self.limits)  # unknown limit names fail at start-up
        if (self.tls_cert_file is None) != (self.tls_key_file is None):
            raise ValueError("tls_cert_file and tls_key_file must be given together")
        if self.tls_client_ca_file is not None and self.tls_cert_file is None:
            raise ValueError("tls_client_ca_file (mutual TLS) needs tls_cert_file and tls_key_file")
        return self

    @property
    def max_message_bytes(self) -> int:
        """Largest request/response message in bytes."""
        return self.max_message_mb * MIB

    @property
    def tls(self) -> bool:
        """Whether the server listens with TLS."""
        return self.tls_cert_file is not None

    def limit_values(self) -> Limits:
        """The configured problem-size limits."""
        return Limits(self.limits)

    def solve_time_limit(self, time_remaining: float | None) -> float:
        """Solver time limit from the caller's remaining deadline (or the default).

        A margin is kept to encode and send the answer; the limit never exceeds
        ``max_solve_seconds``.
        """
        if time_remaining is None:
            return min(self.default_solve_seconds, self.max_solve_seconds)
        usable = time_remaining - min(self.deadline_margin_seconds, 0.2 * time_remaining)
        return max(0.01, min(usable, self.max_solve_seconds))

    @staticmethod
    def kill_grace(time_limit: float) -> float:
        """How long a solver may overrun its own time limit before its process is killed."""
        return max(1.0, 0.1 * time_limit)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults <- environment <- explicit overrides (``None`` overrides are ignored).

        ``limits`` merges: environment ``FINOPS_RECOMMENDER_LIMIT_<NAME>`` values, then
        the ``limits`` override mapping.
        """
        values: dict[str, object] = {}
        for name in cls.model_fields:
            if name == "limits":
                continue
            env = os.environ.get(ENV_PREFIX + name.upper())
            if env is not None and env != "":
                values[name] = env
        limits: dict[str, object] = {
            key.removeprefix(LIMIT_ENV_PREFIX).lower(): value
            for key, value in os.environ.items()
            if key.startswith(LIMIT_ENV_PREFIX) and value != ""
        }
        extra = overrides.pop("limits", None)
        if isinstance(extra, dict):
            limits.update(extra)
        values["limits"] = limits
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)
