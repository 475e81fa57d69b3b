"""Split a commitment request with large usage into ``PlanCommitmentsStreamRequest`` messages.

The first chunk is the header (the request without usage values, plus the number of
hours); each later chunk a ``UsageBlock`` of whole hours for every class, row major,
at most ``chunk_bytes`` of values, so no message approaches gRPC's message size limit
whatever the size of the usage.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from recommender.api.v1 import commitments_pb2, commitments_stream_pb2

DEFAULT_CHUNK_BYTES = 2 * 1024 * 1024


def usage_matrix(request: commitments_pb2.PlanCommitmentsRequest) -> np.ndarray:
    """(hours x classes) usage of a request's series, columns in ``usage_classes`` order."""
    by_class = {s.class_id: s for s in request.usage.series}
    hours = len(request.usage.series[0].quantity) if request.usage.series else 0
    out = np.zeros((hours, len(request.usage_classes)))
    for j, cls in enumerate(request.usage_classes):
        series = by_class.get(cls.class_id)
        if series is None or len(series.quantity) != hours:
            raise ValueError(f"usage series of class '{cls.class_id}' is missing or of another length")
        out[:, j] = series.quantity
    return out


def usage_chunks(
    request: commitments_pb2.PlanCommitmentsRequest,
    usage: np.ndarray | None = None,
    *,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
) -> Iterator[commitments_stream_pb2.PlanCommitmentsStreamRequest]:
    """Header chunk, then usage blocks of ``usage`` (default: the request's series).

    ``usage`` is (hours x classes) with columns in ``request.usage_classes`` order.
    """
    matrix = usage_matrix(request) if usage is None else np.asarray(usage, dtype=np.float64)
    classes = len(request.usage_classes)
    if matrix.ndim != 2 or matrix.shape[1] != classes:
        raise ValueError(f"usage must have shape (hours, {classes})")
    header_request = commitments_pb2.PlanCommitmentsRequest()
    header_request.CopyFrom(request)
    del header_request.usage.series[:]
    hours = matrix.shape[0]
    yield commitments_stream_pb2.PlanCommitmentsStreamRequest(
        header=commitments_stream_pb2.PlanCommitmentsStreamHeader(request=header_request, hours=hours)
    )
    rows = max(1, chunk_bytes // max(1, 8 * classes))
    for start in range(0, hours, rows):
        block = matrix[start : start + rows]
        yield commitments_stream_pb2.PlanCommitmentsStreamRequest(
            usage=commitments_stream_pb2.UsageBlock(
                start_hour=start, hours=block.shape[0], values=block.reshape(-1)
            )
        )
