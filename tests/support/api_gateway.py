"""The config API's handler called as API Gateway calls it, with the local stack's REST proxy event."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from local import api_gateway
from local.lambda_runtime import LambdaContext

ApiCall = Callable[..., tuple[int, Any]]
"""Calls the config API: api("POST", "/Monitor", {...}, query={...}) -> (status, parsed body)."""

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]

# The deployed API's stage; every route is behind its greedy proxy resource.
STAGE = "v4"


def proxy_event(
    method: str,
    path: str,
    body: Any = None,
    query: dict[str, str] | None = None,
    *,
    request_id: str = "req-1",
    source_ip: str = "203.0.113.10",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event as the deployed API would send it; a body not text goes as JSON."""
    return api_gateway.proxy_event(
        method,
        path,
        resource="/{proxy+}",
        stage=STAGE,
        path_parameters={"proxy": path.lstrip("/")},
        headers={"Content-Type": ["application/json"]}
        | {name: [value] for name, value in (headers or {}).items()},
        query={name: [value] for name, value in (query or {}).items()},
        body=body if isinstance(body, str | bytes) or body is None else json.dumps(body),
        source_ip=source_ip,
        request_id=request_id,
    )


def call_api(
    handler: Handler,
    context: LambdaContext,
    method: str,
    path: str,
    body: Any = None,
    query: dict[str, str] | None = None,
    *,
    source_ip: str = "203.0.113.10",
) -> tuple[int, Any]:
    """Invokes the config API's handler with one request: its status and its body, parsed when JSON."""
    status, parsed, _ = call_api_with_headers(
        handler, context, method, path, body, query, source_ip=source_ip
    )
    return status, parsed


def call_api_with_headers(
    handler: Handler,
    context: LambdaContext,
    method: str,
    path: str,
    body: Any = None,
    query: dict[str, str] | None = None,
    *,
    source_ip: str = "203.0.113.10",
    headers: dict[str, str] | None = None,
) -> tuple[int, Any, dict[str, str]]:
    """Like call_api, with request headers (If-Match) and the response's headers (ETag)."""
    event = proxy_event(method, path, body, query, source_ip=source_ip, headers=headers)
    response = handler(event, context)
    answered = {name: values[-1] for name, values in (response.get("multiValueHeaders") or {}).items()}
    answered |= response.get("headers") or {}
    text = response.get("body") or ""
    try:
        parsed = json.loads(text) if text else None
    except json.JSONDecodeError:
        parsed = text
    return int(response["statusCode"]), parsed, answered
