"""Benchmarks on large data. Run ``python -m benchmarks NAME --help``; results print as JSON."""
