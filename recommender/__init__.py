"""FinOps optimisation recommender: domain, ingestion, planning and the gRPC adapter."""
