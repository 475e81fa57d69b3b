"""Pydantic domain models: what the service reasons about, independent of gRPC."""
