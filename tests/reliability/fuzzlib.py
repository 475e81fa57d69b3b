"""Generic request fuzzing for every RPC of the Recommender service.

Nothing here knows a lever: requests are generated from the protobuf *descriptor*
of each RPC's request type (``recommender.server.registry.RPCS``), so an RPC added
to the contract is fuzzed as soon as it exists. Two generators:

* :func:`messages` - arbitrary messages from the descriptor, with adversarial
  values: NaN/Inf, negative and huge numbers, empty and duplicate ids, unknown enum
  numbers, out-of-range timestamps, odd strings and bytes;
* :func:`mutated` - valid seed requests (:data:`SEEDS`, one list per RPC) with 1-4
  structural mutations: an adversarial scalar, a cleared field, a duplicated or
  deleted list element (duplicate ids, mismatched lengths), a truncated or
  extended series, an unknown enum, an id copied from a sibling.

**The rule** (:func:`judge`): every outcome must be one of

* ``INVALID_ARGUMENT`` with at least one BadRequest field violation, and every
  violation's ``field`` must name a path that exists in the request's schema
  (``usage.series[2].quantity[17]``);
* ``FAILED_PRECONDITION`` with ErrorInfo reason ``INFEASIBLE`` (the problem has
  no solution; the binding rule is named);
* ``RESOURCE_EXHAUSTED`` with the limit named in ``ErrorInfo.metadata["limit"]``;
* ``OK`` (the random request happened to be valid; every double in the response
  must be finite), or, in-process, *admitted* (decoding accepted it);
* ``UNIMPLEMENTED`` only for an RPC that answers UNIMPLEMENTED to everything;
* ``DEADLINE_EXCEEDED`` only as the solver's own timeout on a valid request.

Anything else (INTERNAL, UNKNOWN, UNAVAILABLE, an exception escaping, a hang) is a
failure. The in-process target runs exactly what the server runs before solving
(admission: size limits and number magnitudes, then the servicer method up to the solve); the gRPC target
calls a real server.
"""

from __future__ import annotations

import asyncio
import functools
import math
import re
import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import descriptor, message_factory
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from hypothesis import strategies as st

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import common_pb2 as pb
from recommender.api.v1 import recommend_pb2 as apb
from recommender.api.v1 import rightsizing_pb2 as rpb
from recommender.api.v1 import routing_pb2 as wpb
from recommender.server.admission import Admission, Received, Undecodable, tolerant_deserializer
from recommender.server.codec.commitments import decode_plan_commitments
from recommender.server.codec.consolidation import decode_consolidate_vendors
from recommender.server.codec.recommend import decode_recommend, recommend_serialized
from recommender.server.codec.rightsizing import decode_right_size, right_size_serialized
from recommender.server.codec.routing import decode_route_workloads
from recommender.server.codec.serialized import (
    consolidate_vendors_serialized,
    plan_commitments_serialized,
    route_workloads_serialized,
)
from recommender.server.limits import Limits
from recommender.server.number_bounds import bounded_plan
from recommender.server.registry import RPCS, RpcSpec
from recommender.server.servicer import RecommenderServicer
from recommender.server.status import to_status
from tests.reliability.harness import small_consolidation_request

FD = descriptor.FieldDescriptor

# --- adversarial values --------------------------------------------------------------------------

NASTY_DOUBLES = [
    math.nan,
    math.inf,
    -math.inf,
    -1.0,
    -0.0,
    0.0,
    1e308,
    -1e308,
    5e-324,
    1e-300,
    1e15,
    2.0**53 + 1,
    1.0,
    0.5,
    0.7,
    3.0,
    24.0,
    8760.0,
    0.999999,
    1.000001,
]
NASTY_INT32 = [0, 1, -1, 2, 12, 36, 2**31 - 1, -(2**31), 1000]
NASTY_INT64 = [0, 1, -1, 2**63 - 1, -(2**63), 2**40, 253402300800, -62135596801, 1_700_000_000]
NASTY_UINT = [0, 1, 2**32 - 1, 2**31]
IDS = ["a", "b", "c", "", "a", "A", " a", "a" * 300, "ünï", "x\x00y", "c0", "c1", "sp", "ri-a", "*", "../"]
UNKNOWN_ENUMS = [-1, 99, 2**31 - 1]

doubles = st.one_of(
    st.sampled_from(NASTY_DOUBLES),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.floats(min_value=0, max_value=10, allow_nan=False),
)
strings = st.one_of(st.sampled_from(IDS), st.text(max_size=12))


def _scalar(fd: FD) -> st.SearchStrategy[Any]:
    t = fd.type
    if t in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT):
        return doubles if t == FD.TYPE_DOUBLE else st.sampled_from([0.0, 1.0, -1.0, math.nan, math.inf])
    if t in (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32):
        return st.one_of(st.sampled_from(NASTY_INT32), st.integers(-(2**31), 2**31 - 1))
    if t in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64):
        return st.one_of(st.sampled_from(NASTY_INT64), st.integers(-(2**63), 2**63 - 1))
    if t in (FD.TYPE_UINT32, FD.TYPE_FIXED32):
        return st.sampled_from(NASTY_UINT)
    if t in (FD.TYPE_UINT64, FD.TYPE_FIXED64):
        return st.sampled_from([*NASTY_UINT, 2**64 - 1])
    if t == FD.TYPE_BOOL:
        return st.booleans()
    if t == FD.TYPE_STRING:
        return strings
    if t == FD.TYPE_BYTES:
        return st.one_of(
            st.binary(max_size=64),
            st.sampled_from(
                [b"", b"BilledCost,ChargePeriodStart\n1,2024-01-01\n", b"\xff\xfe", b"a,b\n" * 50]
            ),
        )
    if t == FD.TYPE_ENUM:
        known = [v.number for v in fd.enum_type.values]
        return st.one_of(st.sampled_from(known), st.sampled_from(UNKNOWN_ENUMS))
    raise AssertionError(f"unhandled field type {t}")


def _is_map(fd: FD) -> bool:
    return fd.message_type is not None and fd.message_type.GetOptions().map_entry


@st.composite
def messages(draw: st.DrawFn, desc: descriptor.Descriptor, depth: int = 0, max_depth: int = 5) -> Message:
    """An arbitrary message of type ``desc`` (adversarial values, bounded size and depth)."""
    msg = message_factory.GetMessageClass(desc)()
    if desc.full_name == "google.protobuf.Timestamp" or desc.full_name == "google.protobuf.Duration":
        msg.seconds = draw(st.sampled_from(NASTY_INT64 + [3600, 86400]))  # type: ignore[attr-defined]
        msg.nanos = draw(st.sampled_from([0, 1, -1, 999_999_999, 10**9, -(2**31)]))  # type: ignore[attr-defined]
        return msg
    chosen_oneof = {o.name: draw(st.sampled_from([None, *[f.name for f in o.fields]])) for o in desc.oneofs}
    for fd in desc.fields:
        if fd.containing_oneof is not None and chosen_oneof[fd.containing_oneof.name] != fd.name:
            continue
        if not draw(st.booleans()):
            continue
        if _is_map(fd):
            key_fd, value_fd = fd.message_type.fields_by_name["key"], fd.message_type.fields_by_name["value"]
            if value_fd.message_type is not None:
                continue
            entries = draw(st.dictionaries(_scalar(key_fd), _scalar(value_fd), max_size=3))
            getattr(msg, fd.name).update(entries)
        elif fd.is_repeated and fd.message_type is not None:
            if depth >= max_depth:
                continue
            n = draw(st.integers(0, 3))
            items = [draw(messages(fd.message_type, depth + 1, max_depth)) for _ in range(n)]
            getattr(msg, fd.name).extend(items)
        elif fd.is_repeated:
            size = 40 if fd.type == FD.TYPE_DOUBLE else 4
            getattr(msg, fd.name).extend(draw(st.lists(_scalar(fd), max_size=size)))
        elif fd.message_type is not None:
            if depth >= max_depth:
                continue
            getattr(msg, fd.name).CopyFrom(draw(messages(fd.message_type, depth + 1, max_depth)))
        else:
            setattr(msg, fd.name, draw(_scalar(fd)))
    return msg


# --- structural mutation of valid seeds ----------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """A place in a message: ``parent.<field>`` (optionally element ``index``)."""

    parent: Message
    fd: FD
    index: int | None = None


def sites(msg: Message) -> Iterator[Site]:
    """Every field (set or not) and every repeated element, depth first."""
    for fd in msg.DESCRIPTOR.fields:
        yield Site(msg, fd)
        if _is_map(fd):
            continue
        value = getattr(msg, fd.name)
        if fd.is_repeated:
            for i in range(len(value)):
                yield Site(msg, fd, i)
                if fd.message_type is not None:
                    yield from sites(value[i])
        elif fd.message_type is not None and msg.HasField(fd.name):
            yield from sites(value)


MUTATIONS = ("scalar", "clear", "duplicate", "delete", "truncate", "extend", "unknown_enum", "copy_id")


@st.composite
def mutated(draw: st.DrawFn, seeds: Sequence[Message]) -> Message:
    """A valid seed with 1-4 structural mutations."""
    msg = draw(st.sampled_from(list(seeds)))
    out = type(msg)()
    out.CopyFrom(msg)
    for _ in range(draw(st.integers(1, 4))):
        candidates = list(sites(out))
        site = draw(st.sampled_from(candidates))
        _mutate(draw, out, site, draw(st.sampled_from(MUTATIONS)))
    return out


def _mutate(draw: st.DrawFn, root: Message, site: Site, kind: str) -> None:
    fd, parent = site.fd, site.parent
    value = getattr(parent, fd.name)
    if _is_map(fd):
        value.clear() if kind == "clear" else None
        return
    if fd.is_repeated:
        n = len(value)
        if kind == "clear" or (kind == "delete" and n):
            del value[draw(st.integers(0, n - 1)) if kind == "delete" else slice(None)]
        elif kind == "duplicate" and n:
            item = value[draw(st.integers(0, n - 1))]
            if fd.message_type is not None:
                value.add().CopyFrom(item)
            else:
                value.append(item)
        elif kind == "truncate" and n:
            del value[draw(st.integers(0, n - 1)) :]
        elif fd.message_type is None and kind in ("extend", "scalar", "unknown_enum"):
            if kind == "unknown_enum" and fd.type == FD.TYPE_ENUM:
                value.append(draw(st.sampled_from(UNKNOWN_ENUMS)))
            elif n and kind == "scalar":
                value[draw(st.integers(0, n - 1))] = draw(_scalar(fd))
            else:
                value.extend(draw(st.lists(_scalar(fd), min_size=1, max_size=3)))
        elif fd.message_type is not None and kind == "extend":
            value.add().CopyFrom(draw(messages(fd.message_type, 3)))
        return
    if fd.message_type is not None:
        if kind == "clear":
            parent.ClearField(fd.name)
        elif kind in ("scalar", "extend"):
            value.CopyFrom(draw(messages(fd.message_type, 3)))
        return
    if kind == "clear":
        parent.ClearField(fd.name)
    elif kind == "unknown_enum" and fd.type == FD.TYPE_ENUM:
        setattr(parent, fd.name, draw(st.sampled_from(UNKNOWN_ENUMS)))
    elif kind == "copy_id" and fd.type == FD.TYPE_STRING:
        ids = [
            getattr(s.parent, s.fd.name)
            for s in sites(root)
            if s.fd.type == FD.TYPE_STRING and not s.fd.is_repeated
        ]
        setattr(parent, fd.name, draw(st.sampled_from(ids or [""])))
    else:
        setattr(parent, fd.name, draw(_scalar(fd)))


def requests_for(spec: RpcSpec) -> st.SearchStrategy[Message]:
    """Arbitrary and mutated-seed requests of one RPC."""
    seeds = SEEDS.get(spec.name, lambda: [])()
    generated = messages(spec.request_type.DESCRIPTOR)
    if not seeds:
        return generated
    return st.one_of(generated, mutated(seeds), mutated(seeds))


# --- seeds: small valid requests per RPC (lever owners: keep these valid) -------------------------


def _commitment_seeds() -> list[Message]:
    def cls(cid: str, rate: float) -> pb.UsageClass:
        return pb.UsageClass(class_id=cid, on_demand_rate=rate, provider="aws", region="us-east-1")

    usage = pb.UsageProfile(
        series=[
            pb.UsageSeries(class_id="a", quantity=[1.0, 2.0, 1.5, 0.5, 2.5, 1.0]),
            pb.UsageSeries(class_id="b", quantity=[0.0, 1.0, 1.0, 0.0, 1.0, 2.0]),
        ]
    )
    usage.step.seconds = 3600
    usage.start_time.seconds = 1_700_000_000
    spend = pb.CommitmentOffering(
        offering_id="sp",
        term=pb.COMMITMENT_TERM_ONE_YEAR,
        payment_option=pb.PAYMENT_OPTION_NO_UPFRONT,
        spend_commitment=pb.SpendCommitmentTerms(
            rates=[pb.CoveredRate(class_id="a", rate=0.7), pb.CoveredRate(class_id="b", rate=0.35)]
        ),
    )
    reserved = pb.CommitmentOffering(
        offering_id="ri-a",
        term=pb.COMMITMENT_TERM_THREE_YEARS,
        payment_option=pb.PAYMENT_OPTION_PARTIAL_UPFRONT,
        max_quantity=5,
        reserved_instance=pb.ReservedInstanceTerms(
            covered_class_ids=["a"],
            normalized_units_per_unit=1.0,
            upfront_per_unit=100.0,
            hourly_per_unit=0.4,
        ),
    )
    base = cpb.PlanCommitmentsRequest(
        currency_code="USD",
        usage_classes=[cls("a", 1.0), cls("b", 0.5)],
        usage=usage,
        offerings=[spend, reserved],
        policy=cpb.CommitmentPolicy(
            annual_cost_of_capital=0.08,
            horizon_months=12,
            allowed_terms=[pb.COMMITMENT_TERM_ONE_YEAR, pb.COMMITMENT_TERM_THREE_YEARS],
            stress_usage_drop=0.2,
        ),
    )
    held = cpb.PlanCommitmentsRequest()
    held.CopyFrom(base)
    existing = held.existing_commitments.add(commitment_id="old-ri", quantity=1.0)
    existing.terms.CopyFrom(reserved)
    existing.end_time.seconds = 1_700_000_000 + 3 * 3600
    return [base, held]


def _instance(name: str, vcpus: float, memory: float, price: float) -> rpb.InstanceType:
    return rpb.InstanceType(
        name=name, provider="aws", region="us-east-1", vcpus=vcpus, memory_gib=memory, hourly_price=price
    )


def _right_size_seeds() -> list[Message]:
    resource = rpb.ResourceUtilization(
        resource_id="i-1",
        current_type="m5.xlarge",
        provider="aws",
        region="us-east-1",
        metrics=[rpb.MetricSeries(metric=1, values=[10.0, 20.0, 15.0, 5.0])],
    )
    catalog = [_instance("m5.large", 2, 8, 0.096), _instance("m5.xlarge", 4, 16, 0.192)]
    return [rpb.RightSizeRequest(currency_code="USD", resources=[resource], catalog=catalog)]


def _consolidation_seeds() -> list[Message]:
    return [small_consolidation_request()]


def _routing_seeds() -> list[Message]:
    return [
        wpb.RouteWorkloadsRequest(
            currency_code="USD",
            workloads=[
                wpb.Workload(workload_id="w1", cpu_service=wpb.CpuServiceDemand(vcpus=4, memory_gib=16))
            ],
            compute_offers=[
                wpb.ComputeOffer(offer_id="o1", instance=_instance("m5.xlarge", 4, 16, 0.192), country="DE")
            ],
        )
    ]


def _recommend_seeds() -> list[Message]:
    return [apb.RecommendRequest(commitments=_commitment_seeds()[0], max_plans=3)]


SEEDS: dict[str, Callable[[], list[Message]]] = {
    "PlanCommitments": _commitment_seeds,
    "RightSize": _right_size_seeds,
    "ConsolidateVendors": _consolidation_seeds,
    "RouteWorkloads": _routing_seeds,
    "Recommend": _recommend_seeds,
}


# --- outcomes and the rule -----------------------------------------------------------------------


@dataclass
class Outcome:
    """What one request produced."""

    code: str  # a grpc status name, or "ADMITTED" (in-process: decoding accepted it)
    reason: str = ""
    message: str = ""
    violations: list[tuple[str, str]] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    response: Message | None = None


def outcome_from_status(status: status_pb2.Status) -> Outcome:
    """Outcome of a google.rpc.Status (decoded details)."""
    out = Outcome(code=code_pb2.Code.Name(status.code), message=status.message)
    for detail in status.details:
        info, bad = error_details_pb2.ErrorInfo(), error_details_pb2.BadRequest()
        if detail.Is(info.DESCRIPTOR):
            detail.Unpack(info)
            out.reason, out.metadata = info.reason, dict(info.metadata)
        elif detail.Is(bad.DESCRIPTOR):
            detail.Unpack(bad)
            out.violations = [(v.field, v.description) for v in bad.field_violations]
    return out


_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\]]*\])*)")


def _split_path(path: str) -> list[str]:
    """Split on dots outside brackets (map keys such as ``tags[a.b]`` may contain dots)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(path):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "." and depth == 0:
            parts.append(path[start:i])
            start = i + 1
    parts.append(path[start:])
    return parts


def resolves(desc: descriptor.Descriptor, path: str) -> bool:
    """Whether ``a.b[3].c[17]`` names a field of ``desc`` (indexes only on repeated fields)."""
    current: descriptor.Descriptor | None = desc
    parts = _split_path(path)
    for n, part in enumerate(parts):
        match = _SEGMENT.fullmatch(part)
        if match is None or current is None:
            return False
        fd = current.fields_by_name.get(match.group(1))
        if fd is None:
            return False
        indexed = bool(match.group(2))
        if indexed and not fd.is_repeated:
            return False
        if _is_map(fd):
            current = fd.message_type.fields_by_name["value"].message_type if indexed else None
        else:
            current = fd.message_type
        if current is None and n < len(parts) - 1:
            return False
    return True


def _non_finite_doubles(msg: Message, path: str = "") -> Iterator[str]:
    for fd, value in msg.ListFields():
        where = f"{path}.{fd.name}" if path else fd.name
        if _is_map(fd):
            continue
        items = list(value) if fd.is_repeated else [value]
        for i, item in enumerate(items):
            if fd.message_type is not None:
                yield from _non_finite_doubles(item, f"{where}[{i}]" if fd.is_repeated else where)
            elif fd.type in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT) and not math.isfinite(item):
                yield where


def judge(spec: RpcSpec, outcome: Outcome, *, unimplemented: bool) -> str | None:
    """None when the outcome follows the rule, else what is wrong."""
    code = outcome.code
    if code == "INVALID_ARGUMENT":
        if not outcome.violations:
            return "INVALID_ARGUMENT without field violations"
        if outcome.reason == "MALFORMED_PROTOBUF":  # undecodable bytes: the request as a whole
            return (
                None if [f for f, _ in outcome.violations] == ["request"] else "malformed without 'request'"
            )
        bad = [f for f, _ in outcome.violations if not resolves(spec.request_type.DESCRIPTOR, f)]
        return f"violations name fields not in {spec.request_type.__name__}: {bad}" if bad else None
    if code == "FAILED_PRECONDITION":
        return (
            None if outcome.reason == "INFEASIBLE" else f"FAILED_PRECONDITION with reason {outcome.reason!r}"
        )
    if code == "RESOURCE_EXHAUSTED":
        return None if outcome.metadata.get("limit") else "RESOURCE_EXHAUSTED without the limit named"
    if code == "UNIMPLEMENTED":
        return None if unimplemented else "UNIMPLEMENTED from an implemented RPC"
    if code == "DEADLINE_EXCEEDED":
        return None if outcome.reason == "SOLVE_TIMEOUT" else "DEADLINE_EXCEEDED without a solver timeout"
    if code == "ADMITTED":
        return None
    if code == "OK":
        bad_numbers = list(_non_finite_doubles(outcome.response)) if outcome.response is not None else []
        return f"non-finite numbers in the response: {bad_numbers[:5]}" if bad_numbers else None
    return f"{code}: {outcome.message[:300]}"


# --- targets -------------------------------------------------------------------------------------


class _Admitted(Exception):  # noqa: N818 (a signal, not an error)
    """Raised by the stub runner: decoding accepted the request; it would be solved now."""


_DECODERS: dict[Callable[..., bytes], Callable[[Any], object]] = {
    plan_commitments_serialized: decode_plan_commitments,
    right_size_serialized: decode_right_size,
    consolidate_vendors_serialized: decode_consolidate_vendors,
    route_workloads_serialized: decode_route_workloads,
    recommend_serialized: decode_recommend,
}


_REQUEST_TYPES = {spec.request_type.DESCRIPTOR.full_name: spec.request_type for spec in RPCS.values()}


class _StubRunner:
    """Does what the worker does before planning (number bound, decoding), then stops."""

    async def run(self, plan: Any, payload: Any, context: Any) -> Any:
        if isinstance(plan, functools.partial) and plan.func is bounded_plan:
            serialized, type_name, bound = plan.args
            decode, request_type = _DECODERS[serialized], _REQUEST_TYPES[type_name]

            def decode_only(data: bytes, time_limit: float | None) -> bytes:
                decode(request_type.FromString(data))
                return b""

            bounded_plan(decode_only, type_name, bound, payload)
        raise _Admitted()


class _NoDeadline:
    def time_remaining(self) -> float | None:
        return None


class InProcessTarget:
    """What the server does before solving, without sockets: limits, then the servicer method."""

    def __init__(self, limits: Limits | None = None) -> None:
        self._admission = Admission(limits or Limits())
        self._servicer = RecommenderServicer(_StubRunner())  # type: ignore[arg-type]
        self._loop = asyncio.new_event_loop()

    def close(self) -> None:
        """Close the private event loop."""
        self._loop.close()

    async def _call(self, spec: RpcSpec, request: Message) -> Outcome:
        try:
            streams = spec.client_streaming or spec.server_streaming
            received = Received(request, request.SerializeToString())
            self._admission.check(spec.name, received, numbers=streams)  # unary: in the worker
            response = await getattr(self._servicer, spec.name)(request, _NoDeadline())
        except _Admitted:
            return Outcome("ADMITTED")
        except Exception as error:  # noqa: BLE001 (the status mapping decides what it means)
            outcome = outcome_from_status(to_status(error))
            if outcome.code == "INTERNAL":
                outcome.message = f"{type(error).__name__}: {error}"
            return outcome
        return Outcome("OK", response=response)

    def __call__(self, spec: RpcSpec, request: Message) -> Outcome:
        """Run one request."""
        return self._loop.run_until_complete(self._call(spec, request))

    def call_bytes(self, spec: RpcSpec, data: bytes) -> Outcome:
        """Run raw request bytes through the server's own (tolerant) deserializer first."""
        parsed = tolerant_deserializer(spec.request_type)(data)
        if isinstance(parsed, Undecodable):
            return outcome_from_status(to_status(parsed.problem()))
        return self(spec, parsed.message)


class GrpcTarget:
    """A real server over a channel."""

    def __init__(self, channel: grpc.Channel, timeout: float = 30.0) -> None:
        self._channel = channel
        self._timeout = timeout
        self._stubs: dict[str, Callable[..., Any]] = {}

    def _stub(self, spec: RpcSpec) -> Callable[..., Any]:
        if spec.full_method not in self._stubs:
            self._stubs[spec.full_method] = self._channel.unary_unary(
                spec.full_method,
                request_serializer=spec.request_type.SerializeToString,
                response_deserializer=spec.response_type.FromString,
            )
        return self._stubs[spec.full_method]

    def raw(self, spec: RpcSpec, data: bytes) -> Outcome:
        """Send raw bytes as the request (any encoding, valid or not)."""
        call = self._channel.unary_unary(
            spec.full_method, response_deserializer=spec.response_type.FromString
        )
        return self._outcome(lambda: call(data, timeout=self._timeout))

    def __call__(self, spec: RpcSpec, request: Message) -> Outcome:
        """Call the RPC; decode the rich status of a failure."""
        return self._outcome(lambda: self._stub(spec)(request, timeout=self._timeout))

    def _outcome(self, call: Callable[[], Message]) -> Outcome:
        try:
            return Outcome("OK", response=call())
        except grpc.RpcError as error:
            status = rpc_status.from_call(error) if isinstance(error, grpc.Call) else None
            if status is None:
                code = error.code().name if isinstance(error, grpc.Call) else "UNKNOWN"
                return Outcome(code, message=error.details() if isinstance(error, grpc.Call) else str(error))
            return outcome_from_status(status)


def unary_rpcs() -> list[RpcSpec]:
    """Every unary RPC of the service (streaming ones are fuzzed chunk by chunk by their owners)."""
    return [s for s in RPCS.values() if not s.client_streaming and not s.server_streaming]


def unimplemented_rpcs(target: Callable[[RpcSpec, Message], Outcome]) -> set[str]:
    """RPCs that answer UNIMPLEMENTED to an empty request (not available in this build)."""
    return {s.name for s in unary_rpcs() if target(s, s.request_type()).code == "UNIMPLEMENTED"}


# --- campaigns -----------------------------------------------------------------------------------


@dataclass
class Report:
    """Counts of outcomes and the failures of one campaign."""

    rpc: str
    cases: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (problem, request text)

    def add(self, outcome: Outcome, problem: str | None, request: Message) -> None:
        """Count one case."""
        self.cases += 1
        self.outcomes[outcome.code] = self.outcomes.get(outcome.code, 0) + 1
        if problem is not None and len(self.failures) < 20:
            self.failures.append((problem, str(request)[:2000]))


def campaign(
    target: Callable[[RpcSpec, Message], Outcome],
    spec: RpcSpec,
    examples: int,
    *,
    unimplemented: bool,
    seed: int = 0,
) -> Report:
    """Run ``examples`` hypothesis-generated requests of one RPC; record (never raise) failures."""
    from hypothesis import HealthCheck, Phase, given, settings

    report = Report(spec.name)

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(requests_for(spec))
    def run(request: Message) -> None:
        try:
            outcome = target(spec, request)
        except Exception as error:  # noqa: BLE001 (a crash of the target itself is a failure)
            outcome = Outcome("CRASH", message=f"{type(error).__name__}: {error}")
        report.add(outcome, judge(spec, outcome, unimplemented=unimplemented), request)

    from hypothesis import seed as hypothesis_seed

    hypothesis_seed(seed)(run)()
    return report


# --- byte-driven structured generation (for coverage-guided fuzzers) -----------------------------


class ByteSource:
    """Turns fuzzer bytes into choices, so libFuzzer's mutations steer the message's structure.

    Reading past the end yields zeros (the smallest choice), so every input is usable.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def byte(self) -> int:
        """The next byte (0 past the end)."""
        if self._pos >= len(self._data):
            return 0
        self._pos += 1
        return self._data[self._pos - 1]

    def below(self, n: int) -> int:
        """A choice in ``range(n)``."""
        if n <= 1:
            return 0
        value = self.byte() if n <= 256 else (self.byte() << 8) | self.byte()
        return value % n

    def take(self, count: int) -> bytes:
        """The next ``count`` bytes (zero-padded)."""
        return bytes(self.byte() for _ in range(count))


def _source_scalar(src: ByteSource, fd: FD) -> Any:
    t = fd.type
    if t in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT):
        mode = src.below(3)
        if mode == 0:
            return NASTY_DOUBLES[src.below(len(NASTY_DOUBLES))]
        if mode == 1:
            value = struct.unpack("<d", src.take(8))[0]
            return value if t == FD.TYPE_DOUBLE or not math.isfinite(value) or abs(value) < 1e38 else 0.0
        return src.byte() / 16
    if t in (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32):
        return NASTY_INT32[src.below(len(NASTY_INT32))] if src.below(2) else src.byte() - 64
    if t in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64):
        return NASTY_INT64[src.below(len(NASTY_INT64))]
    if t in (FD.TYPE_UINT32, FD.TYPE_FIXED32, FD.TYPE_UINT64, FD.TYPE_FIXED64):
        return NASTY_UINT[src.below(len(NASTY_UINT))]
    if t == FD.TYPE_BOOL:
        return bool(src.below(2))
    if t == FD.TYPE_STRING:
        return IDS[src.below(len(IDS))] if src.below(4) else src.take(src.below(8)).decode("latin-1")
    if t == FD.TYPE_BYTES:
        return src.take(src.below(64))
    if t == FD.TYPE_ENUM:
        known = [v.number for v in fd.enum_type.values]
        return known[src.below(len(known))] if src.below(4) else UNKNOWN_ENUMS[src.below(len(UNKNOWN_ENUMS))]
    raise AssertionError(f"unhandled field type {t}")


def structured(src: ByteSource, desc: descriptor.Descriptor, depth: int = 0, max_depth: int = 4) -> Message:
    """A message of type ``desc`` whose every choice comes from ``src``."""
    msg = message_factory.GetMessageClass(desc)()
    chosen = {o.name: src.below(len(o.fields) + 1) - 1 for o in desc.oneofs}
    for fd in desc.fields:
        oneof = fd.containing_oneof
        if oneof is not None and (chosen[oneof.name] < 0 or oneof.fields[chosen[oneof.name]] is not fd):
            continue
        if not src.below(2):
            continue
        if _is_map(fd):
            key_fd, value_fd = fd.message_type.fields_by_name["key"], fd.message_type.fields_by_name["value"]
            if value_fd.message_type is None:
                for _ in range(src.below(3)):
                    getattr(msg, fd.name)[_source_scalar(src, key_fd)] = _source_scalar(src, value_fd)
        elif fd.message_type is not None and depth < max_depth:
            if fd.is_repeated:
                for _ in range(src.below(4)):
                    getattr(msg, fd.name).add().CopyFrom(
                        structured(src, fd.message_type, depth + 1, max_depth)
                    )
            else:
                getattr(msg, fd.name).CopyFrom(structured(src, fd.message_type, depth + 1, max_depth))
        elif fd.is_repeated and fd.message_type is None:
            getattr(msg, fd.name).extend(_source_scalar(src, fd) for _ in range(src.below(24)))
        elif fd.message_type is None:
            setattr(msg, fd.name, _source_scalar(src, fd))
    return msg


def mutate_from(src: ByteSource, seed: Message, rounds: int = 4) -> Message:
    """A copy of ``seed`` with byte-chosen structural mutations (set, clear, duplicate, delete, truncate)."""
    out = type(seed)()
    out.CopyFrom(seed)
    for _ in range(1 + src.below(rounds)):
        candidates = list(sites(out))
        site = candidates[src.below(len(candidates))]
        fd, parent = site.fd, site.parent
        value = getattr(parent, fd.name)
        op = src.below(5)
        if _is_map(fd):
            continue
        if fd.is_repeated:
            n = len(value)
            if op == 0 and n:
                del value[src.below(n)]
            elif op == 1 and n:
                item = value[src.below(n)]
                value.add().CopyFrom(item) if fd.message_type is not None else value.append(item)
            elif op == 2 and n:
                del value[src.below(n) :]
            elif fd.message_type is None:
                if n and op == 3:
                    value[src.below(n)] = _source_scalar(src, fd)
                else:
                    value.append(_source_scalar(src, fd))
            else:
                value.add().CopyFrom(structured(src, fd.message_type, 3))
        elif fd.message_type is not None:
            if op == 0:
                parent.ClearField(fd.name)
            else:
                value.CopyFrom(structured(src, fd.message_type, 3))
        elif op == 0:
            parent.ClearField(fd.name)
        else:
            setattr(parent, fd.name, _source_scalar(src, fd))
    return out


def request_from_bytes(data: bytes, specs: Sequence[RpcSpec]) -> tuple[RpcSpec, Message | bytes]:
    """Fuzzer bytes -> (RPC, request): byte 0 picks the RPC, byte 1 the mode.

    Modes: raw protobuf bytes (the server's tolerant deserializer parses them),
    a byte-driven arbitrary message, or a byte-driven mutation of a valid seed.
    """
    src = ByteSource(data)
    spec = specs[src.below(len(specs))]
    mode = src.below(3)
    if mode == 0:
        return spec, data[2:]
    seeds = SEEDS.get(spec.name, lambda: [])()
    if mode == 1 or not seeds:
        return spec, structured(src, spec.request_type.DESCRIPTOR)
    return spec, mutate_from(src, seeds[src.below(len(seeds))])
