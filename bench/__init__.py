"""Benchmarks that regenerate the figures in docs/ (not part of the installed product)."""
