"""Benchmarks: each script prints time, peak memory, objective, bound/gap and a ratio to a baseline."""
