"""Finite numbers too large to mean anything, found anywhere in a request message.

Numbers beyond about a quadrillion are not meaningful for costs, rates or usage
and make money arithmetic overflow; the admission step rejects them for every
lever at once. NaN and infinities are left to the codecs, which report them with
their own wording.

The scan visits only fields that can hold a double or float: which fields those
are is worked out once per message type from its descriptor, so subtrees without
any floating-point field (names, ids, enums, timestamps) are skipped.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from enum import Enum

from google.protobuf import descriptor, descriptor_pool, message_factory
from google.protobuf.message import Message

from recommender.errors import FieldViolation, InvalidArgumentError

MAX_VIOLATIONS = 20
_PER_ARRAY = 3
_FLOATS = (descriptor.FieldDescriptor.TYPE_DOUBLE, descriptor.FieldDescriptor.TYPE_FLOAT)


class _Kind(Enum):
    FLOAT = 1
    FLOATS = 2
    MESSAGE = 3
    MESSAGES = 4
    MAP_FLOAT = 5
    MAP_MESSAGE = 6


def bounded_plan(
    plan: Callable[[bytes, float | None], bytes],
    request_type: str,
    bound: float,
    payload: bytes,
    time_limit: float | None = None,
) -> bytes:
    """``plan(payload, time_limit)`` once the request (full message name ``request_type``,
    e.g. ``finops.recommender.v1.RightSizeRequest``) has no number beyond ``bound``.

    Runs in the solver worker (bind the first three arguments with
    :func:`functools.partial`; message classes do not pickle, names do): the scan
    costs the event loop nothing there.
    """
    message_type = message_factory.GetMessageClass(
        descriptor_pool.Default().FindMessageTypeByName(request_type)
    )
    violations = out_of_range_numbers(message_type.FromString(payload), bound) if bound > 0 else []
    if violations:
        raise InvalidArgumentError(violations)
    return plan(payload, time_limit)


def out_of_range_numbers(msg: Message, bound: float) -> list[FieldViolation]:
    """Finite doubles with ``|x| > bound`` in ``msg``, as field violations (at most 20)."""
    out: list[FieldViolation] = []
    if _any_too_big(msg, bound):  # the common, valid case builds no field paths
        _scan(msg, bound, "", out)
    return out[:MAX_VIOLATIONS]


def _any_too_big(msg: Message, bound: float) -> bool:
    kinds = _field_kinds(msg.DESCRIPTOR)
    if not kinds:
        return False
    for fd, value in msg.ListFields():
        kind = kinds.get(fd.number)
        if kind is None:
            continue
        if kind is _Kind.FLOAT:
            found = abs(value) > bound and math.isfinite(value)
        elif kind is _Kind.FLOATS:
            values = list(value)  # one conversion; max/min over a list run in C
            largest = max(max(values, default=0.0), -min(values, default=0.0))
            found = largest > bound or largest != largest  # NaN first: look closer
        elif kind is _Kind.MESSAGE:
            found = _any_too_big(value, bound)
        elif kind is _Kind.MESSAGES:
            found = any(_any_too_big(item, bound) for item in value)
        elif kind is _Kind.MAP_FLOAT:
            found = any(_too_big(item, bound) for item in value.values())
        else:
            found = any(_any_too_big(item, bound) for item in value.values())
        if found:
            return True
    return False


def _scan(msg: Message, bound: float, path: str, out: list[FieldViolation]) -> None:
    kinds = _field_kinds(msg.DESCRIPTOR)
    if not kinds:
        return
    for fd, value in msg.ListFields():
        kind = kinds.get(fd.number)
        if kind is None:
            continue
        if len(out) >= MAX_VIOLATIONS:
            return
        where = f"{path}.{fd.name}" if path else fd.name
        if kind is _Kind.FLOAT:
            if _too_big(value, bound):
                out.append(_violation(where, value, bound))
        elif kind is _Kind.FLOATS:
            _scan_array(value, bound, where, out)
        elif kind is _Kind.MESSAGE:
            _scan(value, bound, where, out)
        elif kind is _Kind.MESSAGES:
            for i, item in enumerate(value):
                _scan(item, bound, f"{where}[{i}]", out)
        elif kind is _Kind.MAP_FLOAT:
            for key, item in value.items():
                if _too_big(item, bound):
                    out.append(_violation(f"{where}[{key!r}]", item, bound))
        else:
            for key, item in value.items():
                _scan(item, bound, f"{where}[{key!r}]", out)


def _scan_array(values: Iterable[float], bound: float, where: str, out: list[FieldViolation]) -> None:
    """Up to three offending entries of a repeated double field.

    ``max`` over the magnitudes is exact unless a NaN comes first (then it returns
    NaN; later NaNs never replace the running maximum), so only arrays whose
    maximum is NaN or beyond the bound are walked one by one.
    """
    largest = max(map(abs, values), default=0.0)
    if not (largest > bound or largest != largest):
        return
    found = 0
    for i, value in enumerate(values):
        if _too_big(value, bound):
            out.append(_violation(f"{where}[{i}]", value, bound))
            found += 1
            if found == _PER_ARRAY:
                return


def _too_big(value: float, bound: float) -> bool:
    return math.isfinite(value) and abs(value) > bound


def _violation(path: str, value: float, bound: float) -> FieldViolation:
    return FieldViolation(path, f"must be between -{bound:g} and {bound:g}, got {value:g}")


@functools.cache
def _field_kinds(desc: descriptor.Descriptor) -> dict[int, _Kind]:
    """Field number -> how to scan it, for the fields that can hold a float (others absent)."""
    kinds: dict[int, _Kind] = {}
    for fd in desc.fields:
        entry = fd.message_type
        if entry is not None and entry.GetOptions().map_entry:
            value_fd = entry.fields_by_name["value"]
            if value_fd.message_type is not None:
                if _holds_floats(value_fd.message_type):
                    kinds[fd.number] = _Kind.MAP_MESSAGE
            elif value_fd.type in _FLOATS:
                kinds[fd.number] = _Kind.MAP_FLOAT
        elif entry is not None:
            if _holds_floats(entry):
                kinds[fd.number] = _Kind.MESSAGES if fd.is_repeated else _Kind.MESSAGE
        elif fd.type in _FLOATS:
            kinds[fd.number] = _Kind.FLOATS if fd.is_repeated else _Kind.FLOAT
    return kinds


def _holds_floats(desc: descriptor.Descriptor, visiting: frozenset[str] = frozenset()) -> bool:
    """Whether a message of this type can contain a float anywhere (recursive types: assume so)."""
    if desc.full_name in visiting:
        return True
    inner = visiting | {desc.full_name}
    for fd in desc.fields:
        if fd.type in _FLOATS:
            return True
        if fd.message_type is not None and _holds_floats(fd.message_type, inner):
            return True
    return False
