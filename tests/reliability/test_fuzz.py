"""Fuzzing of request decoding and validation for every RPC (the fast version; see
``bench/fuzz_requests.py`` for 10,000+ cases and coverage-guided fuzzing).

The rule every outcome must follow is documented in ``fuzzlib.py`` (``judge``).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator

import grpc
import pytest
from google.protobuf.message import Message
from hypothesis import HealthCheck, given, settings

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.server.registry import RPCS, SERVICE, RpcSpec
from tests.reliability import fuzzlib

IN_PROCESS_EXAMPLES = {"PlanCommitments": 200}
OTHER_EXAMPLES = 30


@pytest.fixture(scope="module")
def target() -> Iterator[fuzzlib.InProcessTarget]:
    t = fuzzlib.InProcessTarget()
    yield t
    t.close()


@pytest.fixture(scope="module")
def unimplemented(target: fuzzlib.InProcessTarget) -> set[str]:
    return fuzzlib.unimplemented_rpcs(target)


def test_every_rpc_of_the_contract_is_registered_and_has_seeds() -> None:
    assert {m.name for m in SERVICE.methods} == {s.name for s in RPCS.values()}
    missing = {s.name for s in fuzzlib.unary_rpcs()} - set(fuzzlib.SEEDS)
    assert not missing, f"add valid seed requests for {missing} to tests/reliability/fuzzlib.py SEEDS"


@pytest.mark.parametrize("spec", fuzzlib.unary_rpcs(), ids=lambda s: s.name)
def test_seeds_are_valid_requests(
    spec: RpcSpec, target: fuzzlib.InProcessTarget, unimplemented: set[str]
) -> None:
    for seed in fuzzlib.SEEDS[spec.name]():
        outcome = target(spec, seed)
        expected = "UNIMPLEMENTED" if spec.name in unimplemented else "ADMITTED"
        assert outcome.code == expected, (
            f"a {spec.name} seed in tests/reliability/fuzzlib.py SEEDS is no longer valid "
            f"({outcome.code}: {outcome.violations or outcome.message}); update the seed"
        )


def test_the_rule_checks_field_paths_against_the_schema() -> None:
    rs = RPCS["/finops.recommender.v1.Recommender/RightSize"].request_type.DESCRIPTOR
    assert fuzzlib.resolves(rs, "fleet.current_nodes[../]") and fuzzlib.resolves(rs, "resources[0].tags[a.b]")
    desc = cpb.PlanCommitmentsRequest.DESCRIPTOR
    for path in (
        "usage.series[2].quantity[17]",
        "offerings[0].spend_commitment.rates[1].rate",
        "usage_classes",
    ):
        assert fuzzlib.resolves(desc, path), path
    for path in ("usage.series.quantity.x", "usage[0]", "nonsense", "usage_classes[0].class_id[3]", ""):
        assert not fuzzlib.resolves(desc, path), path
    spec = RPCS["/finops.recommender.v1.Recommender/PlanCommitments"]
    assert fuzzlib.judge(spec, fuzzlib.Outcome("INVALID_ARGUMENT"), unimplemented=False)
    assert fuzzlib.judge(spec, fuzzlib.Outcome("INTERNAL"), unimplemented=False)
    assert fuzzlib.judge(spec, fuzzlib.Outcome("RESOURCE_EXHAUSTED"), unimplemented=False)
    ok = fuzzlib.Outcome("INVALID_ARGUMENT", violations=[("usage.series[0].quantity[1]", "must be finite")])
    assert fuzzlib.judge(spec, ok, unimplemented=False) is None


@pytest.mark.parametrize("spec", fuzzlib.unary_rpcs(), ids=lambda s: s.name)
def test_decode_and_validate_in_process(
    spec: RpcSpec, target: fuzzlib.InProcessTarget, unimplemented: set[str]
) -> None:
    @settings(
        max_examples=IN_PROCESS_EXAMPLES.get(spec.name, OTHER_EXAMPLES),
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(fuzzlib.requests_for(spec))
    def check(request: Message) -> None:
        outcome = target(spec, request)
        problem = fuzzlib.judge(spec, outcome, unimplemented=spec.name in unimplemented)
        assert problem is None, problem

    check()


def test_fuzz_over_real_grpc(channel: grpc.Channel) -> None:
    grpc_target = fuzzlib.GrpcTarget(channel, timeout=30)
    unimplemented = fuzzlib.unimplemented_rpcs(grpc_target)
    for spec in fuzzlib.unary_rpcs():
        examples = 60 if spec.name not in unimplemented else 10
        report = fuzzlib.campaign(
            grpc_target, spec, examples, unimplemented=spec.name in unimplemented, seed=7
        )
        assert report.cases == examples
        assert not report.failures, report.failures[:3]


@pytest.mark.parametrize(
    "data", [b"\xff\xff\xff", b"\x0a\x05ab", b"\x12\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01"]
)
def test_corrupt_wire_bytes_are_invalid_argument_not_unknown(channel: grpc.Channel, data: bytes) -> None:
    grpc_target = fuzzlib.GrpcTarget(channel, timeout=10)
    for spec in fuzzlib.unary_rpcs():
        outcome = grpc_target.raw(spec, data)
        assert (outcome.code, outcome.reason) == ("INVALID_ARGUMENT", "MALFORMED_PROTOBUF"), outcome
        assert (
            outcome.violations[0][0] == "request"
            and spec.request_type.DESCRIPTOR.full_name in outcome.violations[0][1]
        )


def test_byte_driven_requests_for_coverage_guided_fuzzing(
    target: fuzzlib.InProcessTarget, unimplemented: set[str]
) -> None:
    """The atheris harness's input decoder (raw / structured / mutated seed) on 400 random inputs."""
    rng = random.Random(3)
    modes: Counter[str] = Counter()
    for _ in range(400):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        spec, request = fuzzlib.request_from_bytes(data, fuzzlib.unary_rpcs())
        modes["raw" if isinstance(request, bytes) else "structured"] += 1
        outcome = target.call_bytes(spec, request) if isinstance(request, bytes) else target(spec, request)
        problem = fuzzlib.judge(spec, outcome, unimplemented=spec.name in unimplemented)
        assert problem is None, (problem, request)
    assert modes["raw"] > 50 and modes["structured"] > 200
