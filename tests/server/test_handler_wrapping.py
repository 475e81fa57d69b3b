"""Interceptor wrappers are built once per method and rebuilt when the inner handler changes."""

from __future__ import annotations

import grpc

from recommender.server.handler_wrapping import HandlerCache


def _handler() -> grpc.RpcMethodHandler:  # type: ignore[type-arg]
    return grpc.unary_unary_rpc_method_handler(lambda request, context: request)


def test_one_wrapper_per_method_and_inner_handler() -> None:
    cache, built = HandlerCache(), []

    def wrap(inner: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:  # type: ignore[type-arg]
        built.append(inner)
        return _handler()

    first, other = _handler(), _handler()
    a = cache.get("/s/A", first, wrap)
    assert cache.get("/s/A", first, wrap) is a
    b = cache.get("/s/B", first, wrap)
    assert b is not a
    c = cache.get("/s/A", other, wrap)  # a different inner handler: a new wrapper
    assert c is not a
    assert built == [first, first, other]


def test_rewrap_wraps_the_handlers_kind_and_passes_other_kinds_through() -> None:
    from recommender.server.handler_wrapping import rewrap

    def behaviour(request: bytes, context: object) -> bytes:
        return request

    def parse(data: bytes) -> bytes:
        return data

    unary = grpc.unary_unary_rpc_method_handler(behaviour)
    wrapped = rewrap(unary, {"unary_unary": lambda inner: ("wrapped", inner)}, parse)
    assert wrapped.unary_unary == ("wrapped", behaviour)
    assert wrapped.request_deserializer is parse
    streaming = grpc.unary_stream_rpc_method_handler(behaviour)
    assert rewrap(streaming, {"unary_unary": lambda inner: inner}) is streaming
