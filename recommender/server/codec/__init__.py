"""Proto <-> domain conversion, one module per lever."""
