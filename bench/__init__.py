"""Benchmarks behind `make bench` (not tests): embedders, catalog ingest, search and ANN index trade-offs."""
