"""The admission scan for huge numbers against a plain walk over every field (the oracle)."""

from __future__ import annotations

import math
import random

import pytest
from google.protobuf import descriptor
from google.protobuf.message import Message

from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.server.number_bounds import out_of_range_numbers
from tests.reliability.harness import (
    small_consolidation_request,
    small_request,
    small_right_size_request,
    small_routing_request,
)

BOUND = 1e12
_FLOATS = (descriptor.FieldDescriptor.TYPE_DOUBLE, descriptor.FieldDescriptor.TYPE_FLOAT)


def reference(msg: Message, path: str = "") -> list[tuple[str, float]]:
    """Every finite float beyond the bound, by a walk over every set field (no per-type plan)."""
    out: list[tuple[str, float]] = []
    for fd, value in msg.ListFields():
        where = f"{path}.{fd.name}" if path else fd.name
        entry = fd.message_type
        if entry is not None and entry.GetOptions().map_entry:
            for key, item in value.items():
                sub = f"{where}[{key!r}]"
                if isinstance(item, Message):
                    out += reference(item, sub)
                elif isinstance(item, float) and math.isfinite(item) and abs(item) > BOUND:
                    out.append((sub, item))
        elif entry is not None:
            items = list(value) if fd.is_repeated else [value]
            for i, item in enumerate(items):
                out += reference(item, f"{where}[{i}]" if fd.is_repeated else where)
        elif fd.type in _FLOATS:
            items = list(enumerate(value)) if fd.is_repeated else [(None, value)]
            hits = [(i, x) for i, x in items if math.isfinite(x) and abs(x) > BOUND]
            for i, x in hits[:3]:
                out.append((where if i is None else f"{where}[{i}]", x))
    return out


def _float_slots(msg: Message) -> list[tuple[Message, descriptor.FieldDescriptor]]:
    """(message, field) of every double field reachable through set messages."""
    slots = []
    for fd in msg.DESCRIPTOR.fields:
        if fd.type in _FLOATS:
            slots.append((msg, fd))
    for fd, value in msg.ListFields():
        if fd.message_type is not None and not fd.message_type.GetOptions().map_entry:
            for item in value if fd.is_repeated else [value]:
                slots += _float_slots(item)
    return slots


def _poison(msg: Message, rng: random.Random, count: int) -> None:
    slots = _float_slots(msg)
    for _ in range(count):
        owner, fd = rng.choice(slots)
        value = rng.choice([2e12, -5e15, math.nan, math.inf, -math.inf, 9.9e11, 1e300])
        if fd.is_repeated:
            field = getattr(owner, fd.name)
            if len(field) and rng.random() < 0.7:
                field[rng.randrange(len(field))] = value
            else:
                field.append(value)
        else:
            setattr(owner, fd.name, value)


BUILDERS = [small_request, small_right_size_request, small_routing_request, small_consolidation_request]


@pytest.mark.parametrize("seed", range(60))
def test_matches_a_walk_over_every_field(seed: int) -> None:
    rng = random.Random(seed)
    msg = BUILDERS[seed % len(BUILDERS)](seed=seed)
    _poison(msg, rng, rng.randint(0, 6))
    expected = reference(msg)[:20]
    got = [(v.field, v.description) for v in out_of_range_numbers(msg, BOUND)]
    assert [path for path, _ in got] == [path for path, _ in expected]
    for (_, text), (_, value) in zip(got, expected, strict=True):
        assert text.endswith(f"got {value:g}")


def test_nan_first_does_not_hide_a_huge_value() -> None:
    msg = small_right_size_request()
    values = msg.resources[0].metrics[0].values
    values[0] = math.nan
    values[5] = 3e12
    values[6] = math.inf
    assert [v.field for v in out_of_range_numbers(msg, BOUND)] == ["resources[0].metrics[0].values[5]"]


def test_map_of_doubles() -> None:
    plan = rpb.FleetPlan(
        member_cpu_requests={"a": 1.0, "b": 2e13}, member_memory_requests_gib={"c": math.nan}
    )
    assert [v.field for v in out_of_range_numbers(plan, BOUND)] == ["member_cpu_requests['b']"]


def test_at_most_twenty_violations() -> None:
    msg = small_right_size_request()
    for metric in msg.resources[0].metrics:
        metric.values[:] = [5e12] * 50
    msg.catalog.extend(list(msg.catalog))
    for entry in msg.catalog:
        entry.hourly_price = 7e12
    assert len(reference(msg)) > 20
    violations = out_of_range_numbers(msg, BOUND)
    assert len(violations) == 20
    assert [v.field for v in violations] == [path for path, _ in reference(msg)][:20]


def test_bounded_plan_rejects_before_planning_and_pickles() -> None:
    """The worker-side check: the plan never runs on an out-of-range request."""
    import functools
    import pickle

    from recommender.errors import InvalidArgumentError
    from recommender.server.codec.serialized import route_workloads_serialized
    from recommender.server.number_bounds import bounded_plan

    msg = small_routing_request()
    name = msg.DESCRIPTOR.full_name
    checked = functools.partial(bounded_plan, route_workloads_serialized, name, BOUND)
    checked = pickle.loads(pickle.dumps(checked))  # as sent to a worker
    assert checked(msg.SerializeToString(), 10.0)  # a serialized response
    msg.compute_offers[0].instance.hourly_price = 5e12
    with pytest.raises(InvalidArgumentError) as info:
        checked(msg.SerializeToString(), 10.0)
    assert [v.field for v in info.value.violations] == ["compute_offers[0].instance.hourly_price"]
