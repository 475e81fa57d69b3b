"""Server settings: defaults, overridden by ``FINOPS_RECOMMENDER_*`` environment
variables, overridden by command-line flags.
"""

from __future__ import annotations

import os
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

ENV_PREFIX = "FINOPS_RECOMMENDER_"
MIB = 1024 * 1024


class Settings(BaseModel):
    """Every setting of the server (documented in the README)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 50051
    workers: Annotated[int, Field(ge=1, le=256)] = max(1, os.cpu_count() or 1)
    max_message_mb: Annotated[int, Field(ge=4, le=2047)] = 128
    grace_seconds: Annotated[float, Field(ge=0, le=600)] = 10.0
    default_solve_seconds: Annotated[float, Field(gt=0, le=3600)] = 30.0
    max_solve_seconds: Annotated[float, Field(gt=0, le=3600)] = 120.0
    deadline_margin_seconds: Annotated[float, Field(ge=0, le=60)] = 0.25
    log_level: str = "INFO"

    @property
    def max_message_bytes(self) -> int:
        """Largest request/response message in bytes."""
        return self.max_message_mb * MIB

    def solve_time_limit(self, time_remaining: float | None) -> float:
        """Solver time limit from the caller's remaining deadline (or the default).

        A margin is kept to encode and send the answer; the limit never exceeds
        ``max_solve_seconds``.
        """
        if time_remaining is None:
            return min(self.default_solve_seconds, self.max_solve_seconds)
        usable = time_remaining - min(self.deadline_margin_seconds, 0.2 * time_remaining)
        return max(0.01, min(usable, self.max_solve_seconds))

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults <- environment <- explicit overrides (``None`` overrides are ignored)."""
        values: dict[str, object] = {}
        for name in cls.model_fields:
            env = os.environ.get(ENV_PREFIX + name.upper())
            if env is not None and env != "":
                values[name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)
