"""The functions on moto in this process, for the benchmarks that count requests or time handlers.

Owns the set-up the in-process benchmarks share: AWS on moto (resources from template.yaml), the handler
modules imported as Lambda imports them, a config made through the config API handler, and a botocore-level
request counter. Handler output (JSON logs, EMF metrics) goes to /dev/null: it is produced, as on Lambda,
but not shown.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
from botocore.client import BaseClient
from moto import mock_aws

from bench import ROOT
from local import moto_fixes
from local.client import statushub_setup
from local.provisioning import provision
from tests.support.api_gateway import call_api
from tests.support.intake import intake_batch
from tests.support.lambda_context import handler_context

REGION = "us-east-1"
T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)

# Open for the life of the process: the handlers' logger keeps the stdout it was created with.
_SINK = Path(os.devnull).open("w")  # noqa: SIM115

ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "Alerting",
    "POWERTOOLS_SERVICE_NAME": "alerting",
    "ALLOWED_PRIVATE_NETWORKS": "127.0.0.0/8",
}


@dataclass
class Requests:
    """AWS requests counted at botocore, with the DynamoDB capacity units they consume (items ≤ 1 KB)."""

    operations: Counter[str] = field(default_factory=Counter)
    write_units: float = 0.0
    read_units: float = 0.0

    def clear(self) -> None:
        self.operations.clear()
        self.write_units = self.read_units = 0.0

    def count(self, service: str, operation: str, params: dict[str, Any]) -> None:
        self.operations[f"{service}:{operation}"] += 1
        if service != "dynamodb":
            return
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            self.write_units += 1
        elif operation == "TransactWriteItems":
            self.write_units += 2 * len(params.get("TransactItems", []))  # transactions cost double
        elif operation == "GetItem":
            self.read_units += 1 if params.get("ConsistentRead") else 0.5
        elif operation == "Query":
            self.read_units += 1
        elif operation == "BatchGetItem":
            for wanted in params.get("RequestItems", {}).values():
                self.read_units += len(wanted["Keys"]) * (1 if wanted.get("ConsistentRead") else 0.5)

    def of(self, service: str) -> int:
        return sum(n for name, n in self.operations.items() if name.startswith(service + ":"))


@dataclass
class InProcessStack:
    environment: dict[str, str]
    requests: Requests
    evaluator: ModuleType
    api_handler: ModuleType
    delivery: ModuleType

    def api(self, method: str, path: str, body: Any = None) -> Any:
        status, parsed = call_api(
            self.api_handler.lambda_handler, CONTEXT, method, path, body, source_ip="127.0.0.1"
        )
        if status >= 400:
            raise RuntimeError(f"{method} {path} -> {status}: {parsed}")
        return parsed

    def statushub_monitor(self, name: str, hook_url: str) -> dict[str, str]:
        """A monitor in its own definition whose level 1 updates one StatusHub service (threshold 1)."""
        return statushub_setup(
            self.api,
            {"Name": name, "Url": "https://shop.example"},
            {"Name": name, "Url": hook_url},
            alert_name=name,
            integration_name=name,
        )

    def evaluate(self, detail: dict[str, Any]) -> dict[str, Any]:
        """One MonitorCheck event, alone in its intake batch: its check's summary."""
        (result,) = self.evaluate_events([check_event(detail)])
        return result

    def evaluate_events(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One evaluator invocation: these EventBridge events as one intake batch; the checks' summaries."""
        response = self.evaluator.lambda_handler(intake_batch(*events), CONTEXT)
        if response["batchItemFailures"]:
            raise RuntimeError(f"the evaluator failed {response['batchItemFailures']}")
        checks: list[dict[str, Any]] = response["checks"]
        return checks


def check_event(detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "0",
        "id": f"bench-{detail['Id']}",
        "detail-type": "MonitorCheck",
        "source": "monitoring.checks",
        "account": "123456789012",
        "time": detail["Timestamp"],
        "region": REGION,
        "resources": [],
        "detail": detail,
    }


# A context whose deadline no benchmark reaches.
CONTEXT = handler_context("bench", timeout_s=3600, request_id="bench")


def check_detail(monitor_guid: str, check_id: int, level: str, minute: int) -> dict[str, Any]:
    failing = level != "NoError"
    return {
        "Id": check_id,
        "MonitorGuid": monitor_guid,
        "Timestamp": (T0 + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ErrorLevel": level,
        "ErrorCode": 5407 if failing else 0,
        "ErrorDescription": "HTTP 503 Service Unavailable" if failing else "",
        "HttpStatusCode": 503 if failing else 200,
        "TotalTime": 312,
        "CheckpointName": "Ghent, Belgium",
    }


@contextlib.contextmanager
def in_process_stack(**settings: str) -> Iterator[InProcessStack]:
    """moto + template resources + the three handlers, with fresh composition roots."""
    moto_fixes.apply()  # the same moto as the local stack runs: one table backup per transaction

    saved = {name: os.environ.get(name) for name in [*ENVIRONMENT, *settings, "AWS_ENDPOINT_URL"]}
    os.environ.update(ENVIRONMENT)
    os.environ.update(settings)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    requests = Requests()
    original = BaseClient._make_api_call  # type: ignore[attr-defined]

    def counted(client: BaseClient, operation: str, params: Any) -> Any:
        requests.count(client.meta.service_model.service_name, operation, params)
        return original(client, operation, params)

    try:
        with contextlib.redirect_stdout(_SINK), mock_aws():
            environment = provision(
                ROOT / "template.yaml",
                boto3.client("dynamodb", region_name=REGION),
                boto3.client("sqs", region_name=REGION),
                boto3.client("events", region_name=REGION),
                parameter_overrides={
                    "AllowedPrivateNetworks": "127.0.0.0/8",
                    "RetryScheduleSeconds": "0,5,300",
                },
            )
            os.environ.update(environment)
            # The caller's settings win over the template's defaults (e.g. DELIVERY_CONCURRENCY).
            os.environ.update(settings)
            modules = [
                importlib.import_module(f"{name}.app")
                for name in ("alert_evaluator", "config_api", "webhook_delivery")
            ]
            composition = importlib.import_module("alerting.composition")
            for root in (composition.evaluator_root, composition.config_api_root, composition.delivery_root):
                root.cache_clear()
            BaseClient._make_api_call = counted  # type: ignore[attr-defined]
            try:
                yield InProcessStack(environment, requests, *modules)
            finally:
                BaseClient._make_api_call = original  # type: ignore[attr-defined]
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
