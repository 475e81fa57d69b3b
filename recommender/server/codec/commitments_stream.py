"""PlanCommitmentsStream: a header chunk plus usage blocks -> a validated domain request.

The stream carries ``PlanCommitmentsStreamRequest`` messages: chunk 0 is the header (the
``PlanCommitmentsRequest`` without usage values, and the number of hours), every
later chunk a ``UsageBlock`` of whole hours for all classes (row major). Blocks may
come in any order but must cover every hour exactly once. Blocks are copied into
one preallocated (hours x classes) matrix as they arrive, so the request never
exists as one large protobuf message. Violations name the chunk:
``chunks[0].header.request.offerings[2].term``, ``chunks[5].usage.values[17]``.
"""

from __future__ import annotations

import numpy as np

from recommender.api.v1 import commitments_pb2 as cpb
from recommender.api.v1 import commitments_stream_pb2 as spb
from recommender.api.v1 import common_pb2 as pb
from recommender.domain.commitments import CommitmentRequest
from recommender.errors import FieldViolation, InvalidArgumentError, LimitExceededError, ViolationCollector
from recommender.server.codec.commitments import decode_plan_commitments

MAX_VIOLATIONS = 100
MAX_STREAM_VALUES = 250_000_000  # hours x classes (2 GB of float64)


class UsageAssembler:
    """Accumulates the chunks of one stream into the header and the usage matrix."""

    def __init__(self) -> None:
        self.errors = ViolationCollector(limit=MAX_VIOLATIONS)
        self.header: spb.PlanCommitmentsStreamHeader | None = None
        self.usage: np.ndarray | None = None
        self.seen: np.ndarray | None = None
        self.chunks = 0

    def add(self, chunk: spb.PlanCommitmentsStreamRequest) -> None:
        """Take one chunk (header first)."""
        index = self.chunks
        self.chunks += 1
        kind = chunk.WhichOneof("part")
        if index == 0:
            if kind != "header":
                self.errors.add("chunks[0]", "the first chunk must be a header")
                return
            self._start(chunk.header)
            return
        if kind != "usage":
            self.errors.add(
                f"chunks[{index}]", "only the first chunk may be a header; expected a usage block"
            )
            return
        self._block(index, chunk.usage)

    def _start(self, header: spb.PlanCommitmentsStreamHeader) -> None:
        self.header = header
        classes = len(header.request.usage_classes)
        if header.hours <= 0:
            self.errors.add("chunks[0].header.hours", f"must be positive, got {header.hours}")
            return
        if header.request.usage.series:
            self.errors.add(
                "chunks[0].header.request.usage.series",
                "must be empty in a stream: usage values arrive in usage blocks",
            )
        if classes == 0:
            return  # reported by the request decoder
        if header.hours * classes > MAX_STREAM_VALUES:
            raise LimitExceededError(
                f"{header.hours} hours x {classes} classes exceeds the limit of {MAX_STREAM_VALUES:,} values",
                limit="stream_values",
            )
        self.usage = np.zeros((int(header.hours), classes))
        self.seen = np.zeros(int(header.hours), dtype=np.int32)

    def _block(self, index: int, block: spb.UsageBlock) -> None:
        path = f"chunks[{index}].usage"
        if self.usage is None or self.seen is None:
            return  # header invalid: already reported
        total, classes = self.usage.shape
        if block.hours <= 0:
            self.errors.add(f"{path}.hours", f"must be positive, got {block.hours}")
            return
        if block.start_hour < 0 or block.start_hour + block.hours > total:
            self.errors.add(
                f"{path}.start_hour",
                f"hours {block.start_hour}..{block.start_hour + block.hours - 1} are outside 0..{total - 1}",
            )
            return
        expected = block.hours * classes
        if len(block.values) != expected:
            self.errors.add(
                f"{path}.values",
                f"has {len(block.values)} values, expected {expected} "
                f"({block.hours} hours x {classes} classes)",
            )
            return
        values = np.asarray(block.values, dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
        for k in bad[:3]:
            self.errors.add(f"{path}.values[{k}]", f"must be finite and non-negative, got {values[k]}")
        rows = slice(int(block.start_hour), int(block.start_hour + block.hours))
        if (self.seen[rows] > 0).any():
            first = int(block.start_hour + np.flatnonzero(self.seen[rows] > 0)[0])
            self.errors.add(f"{path}.start_hour", f"hour {first} was already sent in an earlier block")
        self.seen[rows] += 1
        self.usage[rows] = values.reshape(block.hours, classes)

    def finish(self) -> CommitmentRequest:
        """The validated domain request; raises InvalidArgumentError listing every problem."""
        if self.chunks == 0:
            raise InvalidArgumentError([FieldViolation("chunks", "the stream is empty: send a header first")])
        if self.seen is not None:
            missing = np.flatnonzero(self.seen == 0)
            if len(missing):
                self.errors.add(
                    "chunks",
                    f"{len(missing)} hour(s) have no usage block, the first is hour {int(missing[0])}",
                )
        header_violations: list[FieldViolation] = []
        domain: CommitmentRequest | None = None
        if self.header is not None:
            try:
                domain = decode_plan_commitments(_with_placeholder_usage(self.header.request))
            except InvalidArgumentError as exc:
                header_violations = [
                    FieldViolation(f"chunks[0].header.request.{v.field}", v.description)
                    for v in exc.violations
                ]
        violations = header_violations + self.errors.violations
        if violations:
            raise InvalidArgumentError(violations[:MAX_VIOLATIONS])
        assert domain is not None and self.usage is not None
        return domain.model_copy(update={"usage": self.usage})


def _with_placeholder_usage(request: cpb.PlanCommitmentsRequest) -> cpb.PlanCommitmentsRequest:
    """The header request with one zero hour per class, so the request decoder can run."""
    copy = cpb.PlanCommitmentsRequest()
    copy.CopyFrom(request)
    del copy.usage.series[:]
    copy.usage.series.extend(
        pb.UsageSeries(class_id=c.class_id, quantity=[0.0]) for c in request.usage_classes
    )
    return copy
