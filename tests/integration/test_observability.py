"""What an operator sees in CloudWatch: log lines carry the correlation keys, outcomes are metrics."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import httpx
import pytest

from alerting.observability import logger
from tests.conftest import LambdaContext, Stack, load_event
from tests.integration.conftest import evaluate
from tests.integration.test_webhook_delivery import queued_batch
from webhook_delivery import app as delivery_app


class Output:
    """What the handlers print: log lines (the logger's own stream) and EMF metric blobs (stdout)."""

    def __init__(self, logs: io.StringIO, capsys: pytest.CaptureFixture[str]) -> None:
        self.logs = logs
        self.capsys = capsys

    def take(self) -> list[dict[str, Any]]:
        text = self.logs.getvalue() + self.capsys.readouterr().out
        self.logs.seek(0)
        self.logs.truncate()
        return emitted(text)


@pytest.fixture
def output(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Output:
    # The logger bound the stdout of its creation time; give it a buffer of its own for this test.
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    logs = io.StringIO()
    monkeypatch.setattr(handler, "stream", logs)
    return Output(logs, capsys)


def emitted(text: str) -> list[dict[str, Any]]:
    """The JSON documents the handlers printed: Powertools log lines and EMF metric blobs."""
    lines = []
    for line in text.splitlines():
        try:
            parsed = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(parsed, dict):
            lines.append(parsed)
    return lines


def metric_values(documents: list[dict[str, Any]]) -> dict[str, float]:
    found: dict[str, float] = {}
    for document in documents:
        for directive in document.get("_aws", {}).get("CloudWatchMetrics", []):
            for metric in directive["Metrics"]:
                value = document[metric["Name"]]
                found[metric["Name"]] = found.get(metric["Name"], 0) + sum(
                    value if isinstance(value, list) else [value]
                )
    return found


def test_an_alert_is_logged_with_its_keys_and_counted(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext, output: Output
) -> None:
    output.take()
    evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    documents = output.take()
    (raised,) = [d for d in documents if d.get("message") == "alert raised"]
    assert raised["monitor_guid"] == linked["monitor"]
    assert raised["incident_key"] == f"{linked['definition']}-1-30833627687"
    assert raised["alert_guid"]
    assert metric_values(documents)["AlertsRaised"] == 1


def test_a_delivery_attempt_is_logged_with_its_keys_and_counted(
    stack: Stack,
    linked: dict[str, Any],
    lambda_context: LambdaContext,
    output: Output,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    batch = queued_batch(stack)
    deps = delivery_app._dependencies()
    answer = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True}))
    monkeypatch.setattr(deps, "http", httpx.Client(transport=answer))
    output.take()
    delivery_app.lambda_handler(batch, lambda_context)
    documents = output.take()
    (attempt,) = [d for d in documents if d.get("message") == "delivery attempt"]
    assert attempt["outcome"] == "delivered"
    assert attempt["incident_key"] == f"{linked['definition']}-1-30833627687"
    assert attempt["monitor_guid"] == linked["monitor"]
    assert attempt["alert_guid"] == json.loads(batch["Records"][0]["body"])["Alert"]["AlertGuid"]
    assert metric_values(documents)["DeliveriesSucceeded"] == 1
