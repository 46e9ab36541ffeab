"""Benchmarks of the extraction: a generated corpus, a floor to compare with, and the runner (see README.md)."""
