"""Problem-size limits: named caps checked on the decoded proto before any work starts.

Each limit has a name (``usage_points``), a default, a unit and a description. Lever
modules declare the limits their requests need with :func:`register_limit` (see
``recommender/server/registry.py``); operators override them with
``FINOPS_RECOMMENDER_LIMIT_<NAME>`` or ``serve --limit NAME=VALUE``. ``0`` turns a
limit off. A request above a limit is answered ``RESOURCE_EXHAUSTED`` with the
limit's name in ``ErrorInfo.metadata["limit"]`` and a ``QuotaFailure`` detail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from recommender.errors import LimitExceededError


@dataclass(frozen=True)
class LimitSpec:
    """A configurable cap on one measured size of a request."""

    name: str
    default: int
    unit: str
    description: str

    @property
    def env_name(self) -> str:
        """The environment variable that overrides it."""
        return f"FINOPS_RECOMMENDER_LIMIT_{self.name.upper()}"


_SPECS: dict[str, LimitSpec] = {}


def register_limit(name: str, default: int, unit: str, description: str) -> LimitSpec:
    """Declare a limit (idempotent for an identical declaration)."""
    spec = LimitSpec(name, default, unit, description)
    existing = _SPECS.get(name)
    if existing is not None and existing != spec:
        raise ValueError(f"limit {name!r} is already declared differently: {existing}")
    _SPECS[name] = spec
    return spec


def limit_specs() -> list[LimitSpec]:
    """Every declared limit, by name."""
    return [_SPECS[k] for k in sorted(_SPECS)]


@dataclass(frozen=True)
class Exceeded:
    """One measured size above its limit."""

    name: str
    measured: int
    limit: int

    def describe(self) -> str:
        """Human text naming the limit and how to raise it."""
        spec = _SPECS.get(self.name)
        unit = f" {spec.unit}" if spec and spec.unit else ""
        env = spec.env_name if spec else f"FINOPS_RECOMMENDER_LIMIT_{self.name.upper()}"
        return (
            f"{self.name} = {self.measured}{unit} exceeds the limit {self.limit}{unit} "
            f"(server setting {env} / --limit {self.name}=N)"
        )


class RequestTooLargeError(LimitExceededError):
    """A request is larger than one or more configured size limits."""

    reason = "REQUEST_TOO_LARGE"

    def __init__(self, exceeded: list[Exceeded], what: str) -> None:
        first = exceeded[0]
        text = "; ".join(e.describe() for e in exceeded)
        super().__init__(f"{what} is too large: {text}", limit=first.name)
        self.exceeded = list(exceeded)
        self.metadata.update(
            {
                "limit_value": str(first.limit),
                "measured": str(first.measured),
                "limits_exceeded": ",".join(e.name for e in exceeded),
            }
        )


class Limits:
    """The configured value of every declared limit (defaults <- overrides)."""

    def __init__(self, overrides: Mapping[str, int] | None = None) -> None:
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - set(_SPECS))
        if unknown:
            known = ", ".join(sorted(_SPECS))
            raise ValueError(f"unknown limit(s) {', '.join(unknown)}; known limits: {known}")
        negative = sorted(k for k, v in overrides.items() if v < 0)
        if negative:
            raise ValueError(f"limits must be >= 0 (0 = no limit): {', '.join(negative)}")
        self._values = {name: overrides.get(name, spec.default) for name, spec in _SPECS.items()}

    def value(self, name: str) -> int:
        """The cap for ``name`` (0 = unlimited); unknown names are unlimited."""
        return self._values.get(name, _SPECS[name].default if name in _SPECS else 0)

    def as_dict(self) -> dict[str, int]:
        """Every limit and its value."""
        return dict(sorted(self._values.items()))

    def exceeded(self, sizes: Mapping[str, int]) -> list[Exceeded]:
        """Sizes above their (non-zero) limit."""
        out = []
        for name, measured in sizes.items():
            cap = self.value(name)
            if cap > 0 and measured > cap:
                out.append(Exceeded(name, measured, cap))
        return out

    def check(self, sizes: Mapping[str, int], what: str) -> None:
        """Raise :class:`RequestTooLargeError` naming every exceeded limit."""
        exceeded = self.exceeded(sizes)
        if exceeded:
            raise RequestTooLargeError(exceeded, what)
