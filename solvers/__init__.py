"""Pure optimisation models: numpy/pandas/PuLP in, typed results out (no gRPC, no generated code)."""
