"""The delivery handler on moto with a receiver behind httpx.MockTransport."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from alerting.delivery.transport import AddressPolicy, PinnedTransport
from tests.conftest import LambdaContext, Stack, load_event
from tests.integration.conftest import ApiCall, evaluate
from webhook_delivery import app as delivery_app

Receiver = Callable[[httpx.Request], httpx.Response]
NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Callable[[Receiver], list[httpx.Request]]:
    """Route the delivery function's HTTP client to a receiver function; returns the requests it got."""

    def install(answer: Receiver) -> list[httpx.Request]:
        seen: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return answer(request)

        deps = delivery_app._dependencies()
        # The real client's SSRF check and address pinning, with the receiver behind them.
        pinned = PinnedTransport(AddressPolicy(), inner=lambda: httpx.MockTransport(record))
        monkeypatch.setattr(deps, "http", httpx.Client(transport=pinned))
        monkeypatch.setattr(deps, "clock", lambda: NOW)
        monkeypatch.setattr(deps, "jitter", lambda: 0.0)
        return seen

    return install


def queued_batch(stack: Stack) -> dict[str, Any]:
    """The delivery queue's messages as the Lambda SQS event the function would receive."""
    records = []
    for message in stack.messages("DELIVERY_QUEUE_URL"):
        records.append(
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message["Attributes"],
                "messageAttributes": {},
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:delivery.fifo",
                "awsRegion": "us-east-1",
            }
        )
    return {"Records": records}


def with_receive_count(batch: dict[str, Any], count: int) -> dict[str, Any]:
    batch = copy.deepcopy(batch)
    for record in batch["Records"]:
        record["attributes"]["ApproximateReceiveCount"] = str(count)
    return batch


def messages_api(api: ApiCall, batch: dict[str, Any]) -> list[dict[str, Any]]:
    alert_guid = json.loads(batch["Records"][0]["body"])["Alert"]["AlertGuid"]
    status, attempts = api("GET", f"/Alert/{alert_guid}/Message")
    assert status == 200
    return attempts


@pytest.fixture
def alert_batch(stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext) -> dict[str, Any]:
    evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    return queued_batch(stack)


def test_statushub_gets_the_incident_and_the_attempt_is_logged(
    api: ApiCall, alert_batch: dict[str, Any], receiver: Any, lambda_context: LambdaContext
) -> None:
    seen = receiver(lambda request: httpx.Response(200, json={"ok": True}))
    assert delivery_app.lambda_handler(alert_batch, lambda_context) == {"batchItemFailures": []}
    (request,) = seen
    body = json.loads(request.content)
    # Sent to the address that was checked, under the hook's own name (Host header and TLS SNI).
    assert str(request.url) == "https://104.18.12.34/hooks/uptrends?token=598f3b0da9ba4738"
    assert request.headers["host"] == "hooks.statushub.io"
    assert request.extensions["sni_hostname"] == "hooks.statushub.io"
    assert (body["state"], body["service_status"], body["type"]) == ("investigating", "down", "incident")
    job = json.loads(alert_batch["Records"][0]["body"])
    # One webhook-id per alert, integration and target (DESIGN §6).
    expected_id = f"{body['alert']['AlertGuid']}.{job['IntegrationGuid']}.{job['Target']}"
    assert request.headers["webhook-id"] == expected_id
    (attempt,) = messages_api(api, alert_batch)
    assert attempt["Outcome"] == "delivered"
    assert attempt["Exchange"]["StatusCode"] == 200
    assert "598f3b0da9ba4738" not in json.dumps(attempt)  # the hook token is a secret


def test_503_is_retried_later_and_the_attempt_says_so(
    stack: Stack, api: ApiCall, alert_batch: dict[str, Any], receiver: Any, lambda_context: LambdaContext
) -> None:
    receiver(lambda request: httpx.Response(503, text="maintenance"))
    response = delivery_app.lambda_handler(alert_batch, lambda_context)
    assert response == {"batchItemFailures": [{"itemIdentifier": alert_batch["Records"][0]["messageId"]}]}
    (attempt,) = messages_api(api, alert_batch)
    assert (attempt["Outcome"], attempt["NextAttemptInSeconds"], attempt["Error"]) == (
        "retrying",
        5.0,
        "HTTP 503",
    )
    assert attempt["Exchange"]["ResponseExcerpt"] == "maintenance"


def test_400_is_a_permanent_failure_that_is_not_retried(
    api: ApiCall, alert_batch: dict[str, Any], receiver: Any, lambda_context: LambdaContext
) -> None:
    receiver(lambda request: httpx.Response(400, text="invalid_payload"))
    assert delivery_app.lambda_handler(alert_batch, lambda_context) == {"batchItemFailures": []}
    (attempt,) = messages_api(api, alert_batch)
    assert (attempt["Outcome"], attempt["NextAttemptInSeconds"]) == ("failed", None)


def test_last_scheduled_attempt_parks_the_message_on_the_dead_letter_queue(
    stack: Stack, api: ApiCall, alert_batch: dict[str, Any], receiver: Any, lambda_context: LambdaContext
) -> None:
    receiver(lambda request: httpx.Response(500))
    for attempt in range(1, 4):  # the stack fixture's schedule has four attempts
        retried = delivery_app.lambda_handler(with_receive_count(alert_batch, attempt), lambda_context)
        assert len(retried["batchItemFailures"]) == 1
    assert delivery_app.lambda_handler(alert_batch, lambda_context) == {"batchItemFailures": []}
    (parked,) = stack.messages("DELIVERY_DLQ_URL")
    assert parked["Body"] == alert_batch["Records"][0]["body"]
    assert parked["MessageAttributes"]["Reason"]["StringValue"] == "HTTP 500"
    outcomes = [a["Outcome"] for a in messages_api(api, alert_batch)]
    assert outcomes == ["retrying", "retrying", "retrying", "failed"]


def test_one_failing_target_does_not_fail_another(
    stack: Stack,
    api: ApiCall,
    linked: dict[str, Any],
    receiver: Any,
    lambda_context: LambdaContext,
) -> None:
    _, second = api(
        "POST",
        f"/Integration/{linked['integration']}/Service",
        {"Name": "Storefront", "Url": "https://hooks.example/b"},
    )
    api(
        "PATCH",
        f"/AlertDefinition/{linked['definition']}/EscalationLevel/1/Integration/{linked['integration']}",
        {
            "StatusHubServiceList": [
                {"MonitorGuid": linked["monitor"], "IntegrationServiceGuid": linked["service"]},
                {
                    "MonitorGuid": linked["monitor"],
                    "IntegrationServiceGuid": second["IntegrationServiceGuid"],
                },
            ]
        },
    )
    evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    batch = queued_batch(stack)
    assert len(batch["Records"]) == 2
    receiver(lambda request: httpx.Response(502 if "statushub" in request.headers["host"] else 200))
    failures = delivery_app.lambda_handler(batch, lambda_context)["batchItemFailures"]
    failed_targets = [
        json.loads(r["body"])["Target"]
        for r in batch["Records"]
        if {"itemIdentifier": r["messageId"]} in failures
    ]
    assert failed_targets == [linked["service"]]


def test_malformed_job_is_dead_lettered_not_retried(stack: Stack, lambda_context: LambdaContext) -> None:
    batch = load_event("webhook_delivery/statushub_alert.json")
    batch["Records"][0]["body"] = '{"not": "a job"}'
    assert delivery_app.lambda_handler(batch, lambda_context) == {"batchItemFailures": []}
    (parked,) = stack.messages("DELIVERY_DLQ_URL")
    assert parked["Body"] == '{"not": "a job"}'
