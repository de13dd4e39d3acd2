"""Handler-level fixtures: each function's cached composition root is rebuilt per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.client import BaseClient

from alert_evaluator import app as evaluator_app
from alerting import composition
from alerting.delivery import transport
from alerting.intake import SWEEP_SOURCE
from config_api import app as api_app
from tests.conftest import LambdaContext, Stack
from tests.factories import MONITOR_GUID
from tests.support import statushub
from tests.support.api_gateway import ApiCall, call_api
from tests.support.intake import intake_batch

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

    monkeypatch.setattr(transport, "system_resolver", resolve)
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


@pytest.fixture
def api(stack: Stack, lambda_context: LambdaContext) -> ApiCall:
    """Call the config API handler: api("POST", "/Monitor", {...}) -> (status, parsed body)."""

    def call(
        method: str, path: str, body: Any = None, query: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        return call_api(api_app.lambda_handler, lambda_context, method, path, body, query)

    return call


def create_statushub_setup(api: ApiCall) -> dict[str, Any]:
    """A monitor, a StatusHub integration with one service and an alert definition, not yet linked."""
    return statushub.create_statushub_setup(api, str(MONITOR_GUID))


@pytest.fixture
def linked(api: ApiCall) -> dict[str, Any]:
    """A monitor in a definition whose level 1 updates one StatusHub service."""
    return statushub.create_statushub_setup(api, str(MONITOR_GUID), linked=True)


def evaluate(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """One EventBridge event through the IntakeQueue (the sweep: invoked directly): its check's summary."""
    if event.get("source") == SWEEP_SOURCE:
        return evaluator_app.lambda_handler(event, context)
    response = evaluator_app.lambda_handler(intake_batch(event), context)
    assert response["batchItemFailures"] == []
    checks: list[dict[str, Any]] = response["checks"]
    return checks[0] if checks else {"verdict": "malformed"}


class DynamoDBCalls:
    """Counts DynamoDB requests at botocore, the layer every boto3 call goes through."""

    def __init__(self) -> None:
        self.operations: list[str] = []


@pytest.fixture
def dynamodb_calls(monkeypatch: pytest.MonkeyPatch) -> DynamoDBCalls:
    calls = DynamoDBCalls()
    original = BaseClient._make_api_call

    def counted(client: BaseClient, operation_name: str, api_params: Any) -> Any:
        if client.meta.service_model.service_name == "dynamodb":
            calls.operations.append(operation_name)
        return original(client, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counted)
    return calls
