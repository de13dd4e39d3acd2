"""The Lambda context a handler gets, for tests and benchmarks that call handlers directly."""

from __future__ import annotations

from local.lambda_runtime import LambdaContext, invocation_context

__all__ = ["LambdaContext", "handler_context"]


def handler_context(function_name: str, *, timeout_s: float, request_id: str) -> LambdaContext:
    """The local stack's context for one invoke of a 512 MB function, with a fixed request id."""
    return invocation_context(function_name, memory_mb=512, timeout_s=timeout_s, request_id=request_id)
