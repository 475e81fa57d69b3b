# finops-recommender: the gRPC server, listening on 0.0.0.0:50051.
#   docker build -t finops-recommender .
#   docker run --rm -p 50051:50051 finops-recommender
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    FINOPS_RECOMMENDER_HOST=0.0.0.0 \
    FINOPS_RECOMMENDER_PORT=50051 \
    NUMBA_CACHE_DIR=/var/cache/finops-recommender/numba

WORKDIR /app
COPY pyproject.toml README.md ./
COPY proto ./proto
COPY recommender ./recommender
COPY solvers ./solvers
COPY clients ./clients
# The compiled billing kernel (numba) is cached in NUMBA_CACHE_DIR, writable by the service user; without a
# writable cache it still works, compiling once per process (~2.5 s).
RUN pip install --upgrade pip && pip install . && useradd --system --uid 10001 recommender \
    && mkdir -p "$NUMBA_CACHE_DIR" && chown recommender "$NUMBA_CACHE_DIR"

USER recommender
EXPOSE 50051
# grpc.health.v1.Health/Check against the server itself (no extra binary needed).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["finops-recommender", "health", "--address", "127.0.0.1:50051"]
# SIGTERM (docker stop) drains in-flight calls for FINOPS_RECOMMENDER_GRACE_SECONDS (default 10 s);
# give docker stop at least that long: docker stop -t 15.
STOPSIGNAL SIGTERM
ENTRYPOINT ["finops-recommender"]
CMD ["serve"]
