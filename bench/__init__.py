"""Benchmarks (`make bench`): each figure measured in the same run as its baseline; see bench.__main__."""
