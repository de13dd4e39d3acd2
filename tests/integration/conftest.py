"""Handler-level fixtures: each function's cached composition root is rebuilt per test."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from alert_evaluator import app as evaluator_app
from alerting import composition
from alerting.delivery import addresses
from config_api import app as api_app
from tests.conftest import LambdaContext, Stack
from tests.factories import MONITOR_GUID

ApiCall = Callable[..., tuple[int, Any]]


# Tests never ask real DNS: host names resolve from this table (public addresses unless a test says so).
HOSTS: dict[str, list[str]] = {
    "hooks.statushub.io": ["104.18.12.34"],
    "hooks.example": ["93.184.216.34"],
    "internal.example": ["10.1.2.3"],
}


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The resolver delivery and the config API use; tests may change the table (DNS rebinding)."""
    table = {host: list(addresses) for host, addresses in HOSTS.items()}

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise httpx.ConnectError(f"cannot resolve {host}")
        return table[host]

    monkeypatch.setattr(addresses, "system_resolver", resolve)
    return table


@pytest.fixture(autouse=True)
def fresh_dependencies() -> Iterator[None]:
    cached_roots = (
        composition.config_api_root,
        composition.evaluator_root,
        composition.delivery_root,
    )
    for cached in cached_roots:
        cached.cache_clear()
    yield
    for cached in cached_roots:
        cached.cache_clear()


def proxy_event(
    method: str, path: str, body: Any = None, query: dict[str, str] | None = None
) -> dict[str, Any]:
    """An API Gateway REST proxy event as the deployed API would send it."""
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/v4{path}",
            "stage": "v4",
            "requestId": "req-1",
            "accountId": "123456789012",
            "identity": {"sourceIp": "203.0.113.10"},
        },
        "body": body if isinstance(body, str) or body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


@pytest.fixture
def api(stack: Stack, lambda_context: LambdaContext) -> ApiCall:
    """Call the config API handler: api("POST", "/Monitor", {...}) -> (status, parsed body)."""

    def call(
        method: str, path: str, body: Any = None, query: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        response = api_app.lambda_handler(proxy_event(method, path, body, query), lambda_context)
        text = response.get("body") or ""
        try:
            parsed = json.loads(text) if text else None
        except json.JSONDecodeError:
            parsed = text
        return response["statusCode"], parsed

    return call


STATUSHUB_HOOK = "https://hooks.statushub.io/hooks/uptrends?token=598f3b0da9ba4738"


def create_statushub_setup(api: ApiCall) -> dict[str, Any]:
    _, monitor = api("POST", "/Monitor", {"MonitorGuid": str(MONITOR_GUID), "Name": "Shop checkout"})
    _, integration = api("POST", "/Integration", {"Name": "Status page", "Type": "Statushub"})
    integration_guid = integration["IntegrationGuid"]
    _, service = api(
        "POST", f"/Integration/{integration_guid}/Service", {"Name": "Checkout", "Url": STATUSHUB_HOOK}
    )
    _, definition = api("POST", "/AlertDefinition", {"AlertName": "Production"})
    return {
        "monitor": monitor["MonitorGuid"],
        "integration": integration_guid,
        "service": service["IntegrationServiceGuid"],
        "definition": definition["AlertDefinitionGuid"],
    }


@pytest.fixture
def linked(api: ApiCall) -> dict[str, Any]:
    """A monitor in a definition whose level 1 updates one StatusHub service."""
    ids = create_statushub_setup(api)
    api("POST", f"/AlertDefinition/{ids['definition']}/Member/Monitor/{ids['monitor']}")
    api(
        "POST",
        f"/AlertDefinition/{ids['definition']}/EscalationLevel/1/Integration",
        {
            "IntegrationGuid": ids["integration"],
            "StatusHubServiceList": [
                {"MonitorGuid": ids["monitor"], "IntegrationServiceGuid": ids["service"]}
            ],
        },
    )
    return ids


def evaluate(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return evaluator_app.lambda_handler(event, context)
