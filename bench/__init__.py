"""Benchmarks of the C-pass platform foundation; `make bench` runs bench.run."""
