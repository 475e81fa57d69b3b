"""gRPC adapter: server, servicer, interceptors and proto <-> domain codecs."""
