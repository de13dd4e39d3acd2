"""Fixtures shared by every suite: sample events, a Lambda context, and AWS on moto from template.yaml."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local.provisioning import provision
from tests.support.lambda_context import LambdaContext, handler_context

# Powertools reads these when the handler modules are imported, before any fixture runs.
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Alerting")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "alerting")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"
REGION = "us-east-1"


def load_event(name: str) -> dict[str, Any]:
    """A sample event from events/, the same file `sam local invoke -e` takes."""
    return json.loads((EVENTS / name).read_text())


@pytest.fixture
def lambda_context() -> LambdaContext:
    """The local stack's Lambda context, with the 30 s a test function gets."""
    return handler_context("test-function", timeout_s=30, request_id="52fdfc07-2182-154f-163f-5f0f9a621d72")


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and no endpoint override, so nothing can reach a real account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Alerting",
        "POWERTOOLS_SERVICE_NAME": "alerting",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@dataclass(frozen=True)
class Stack:
    """The template's resources on moto, and the functions' environment resolved against them."""

    environment: dict[str, str]

    @property
    def table(self) -> Any:
        return boto3.resource("dynamodb", region_name=REGION).Table(self.environment["TABLE_NAME"])

    @property
    def sqs(self) -> Any:
        return boto3.client("sqs", region_name=REGION)

    def messages(self, queue_url_variable: str, attributes: bool = True) -> list[dict[str, Any]]:
        """Every message on a queue, received once (they stay invisible for a while afterwards)."""
        received: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=self.environment[queue_url_variable],
                MaxNumberOfMessages=10,
                AttributeNames=["All"] if attributes else [],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not batch:
                return received
            received += batch


@pytest.fixture
def stack(aws_credentials: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    with mock_aws():
        environment = provision(
            ROOT / "template.yaml",
            boto3.client("dynamodb", region_name=REGION),
            boto3.client("sqs", region_name=REGION),
            boto3.client("events", region_name=REGION),
            parameter_overrides={"RetryScheduleSeconds": "0,5,300,1800"},
        )
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        yield Stack(environment)
