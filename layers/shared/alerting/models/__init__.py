"""Pydantic models of the alerting domain and of its API edges (PascalCase JSON, Uptrends v4 names)."""
