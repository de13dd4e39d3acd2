"""The IntakeQueue's batches: each monitor's checks in timestamp order, time bounds, one bad record alone."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from alert_evaluator import app as evaluator_app
from alerting.errors import UnavailableError
from alerting.messaging.delivery_queue import DeliveryQueue
from alerting.storage.monitors import Monitors
from tests.conftest import LambdaContext, Stack, load_event
from tests.integration.conftest import ApiCall, evaluate
from tests.support.intake import check_batch_event, intake_batch
from tests.support.statushub import create_statushub_setup


def detail(name: str, **fields: Any) -> dict[str, Any]:
    event = copy.deepcopy(load_event(f"alert_evaluator/{name}.json"))
    event["detail"].update(fields)
    return dict(event["detail"])


def event_of(name: str, **fields: Any) -> dict[str, Any]:
    event = copy.deepcopy(load_event(f"alert_evaluator/{name}.json"))
    event["detail"].update(fields)
    return dict(event)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_issue_11_a_no_error_check_dated_2100_is_parked_and_silences_nothing(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    assert evaluate(event_of("no_error", Id=1, Timestamp="2100-01-01T00:00:00Z"), lambda_context) == {
        "verdict": "malformed"
    }
    (parked,) = stack.messages("EVALUATOR_DLQ_URL")
    assert "more than 5 minutes in the future" in parked["MessageAttributes"]["Reason"]["StringValue"]
    result = evaluate(event_of("confirmed_error", Id=2, Timestamp=iso(datetime.now(UTC))), lambda_context)
    assert result == {"verdict": "changed", "alerts": 1, "deliveries": 1}


def test_a_check_older_than_the_alert_retention_is_parked(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    too_old = iso(datetime.now(UTC) - timedelta(days=91))
    assert evaluate(event_of("confirmed_error", Timestamp=too_old), lambda_context) == {
        "verdict": "malformed"
    }
    (parked,) = stack.messages("EVALUATOR_DLQ_URL")
    assert "older than the alert retention" in parked["MessageAttributes"]["Reason"]["StringValue"]
    assert stack.messages("DELIVERY_QUEUE_URL") == []


def test_issue_12_out_of_order_checks_alert_on_the_second_confirmed_check(
    stack: Stack, api: ApiCall, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    """Confirmed (t) and Unconfirmed (t+60 s) evaluated in the other order, then Confirmed (t+120 s)."""
    level = f"/AlertDefinition/{linked['definition']}/EscalationLevel/1"
    assert api("PATCH", level, {"ThresholdErrorCount": 2})[0] == 204
    evaluate(event_of("no_error", Id=1, Timestamp="2026-11-22T10:00:00Z"), lambda_context)
    evaluate(event_of("unconfirmed_error", Id=3, Timestamp="2026-11-22T10:02:00Z"), lambda_context)
    assert evaluate(event_of("confirmed_error", Id=2, Timestamp="2026-11-22T10:01:00Z"), lambda_context) == {
        "verdict": "changed",
        "alerts": 0,
        "deliveries": 0,
    }
    second = evaluate(event_of("confirmed_error", Id=4, Timestamp="2026-11-22T10:03:00Z"), lambda_context)
    assert second == {"verdict": "changed", "alerts": 1, "deliveries": 1}


def test_a_batch_takes_each_monitors_checks_in_timestamp_order(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    # Published newest first: taken in order, the NoError closes the incident the errors opened.
    checks = [
        detail("no_error", Id=4, Timestamp="2026-11-22T10:04:00Z"),
        detail("confirmed_error", Id=3, Timestamp="2026-11-22T10:03:00Z"),
        detail("confirmed_error", Id=2, Timestamp="2026-11-22T10:02:00Z"),
    ]
    response = evaluator_app.lambda_handler(intake_batch(check_batch_event(checks)), lambda_context)
    assert response["batchItemFailures"] == []
    assert [c["alerts"] for c in response["checks"]] == [1, 0, 1]
    alerts = [json.loads(m["Body"])["Alert"]["AlertType"] for m in stack.messages("DELIVERY_QUEUE_URL")]
    assert alerts == ["Error", "Ok"]


def test_a_malformed_check_in_a_batch_is_parked_alone(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    broken = detail("confirmed_error", Id=5, ErrorLevel="Broken")
    good = detail("confirmed_error", Id=6)
    response = evaluator_app.lambda_handler(intake_batch(check_batch_event([broken, good])), lambda_context)
    assert response["batchItemFailures"] == []
    assert response["checks"] == [{"verdict": "changed", "alerts": 1, "deliveries": 1}]
    (parked,) = stack.messages("EVALUATOR_DLQ_URL")
    assert json.loads(parked["Body"])["detail"]["Id"] == 5
    assert "ErrorLevel" in parked["MessageAttributes"]["Reason"]["StringValue"]


def test_a_body_that_is_no_event_is_parked_and_the_rest_of_the_batch_is_taken(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    batch = intake_batch(event_of("confirmed_error"))
    batch["Records"].append({**batch["Records"][0], "messageId": "garbage", "body": "not json"})
    response = evaluator_app.lambda_handler(batch, lambda_context)
    assert response["batchItemFailures"] == []
    assert response["checks"] == [{"verdict": "changed", "alerts": 1, "deliveries": 1}]
    assert len(stack.messages("EVALUATOR_DLQ_URL")) == 1


def test_a_bursts_first_ten_deliveries_leave_before_the_rest_of_its_batch_is_evaluated(
    stack: Stack, api: ApiCall, lambda_context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """25 monitors alert in one batch: their deliveries are queued 10 to a request as soon as 10 are
    ready, not all at the end, so the first StatusHub update does not wait for the 25th evaluation."""
    monitors = [f"2c8b0b7e-1f4f-4f31-9d8e-3d2d5f1a{n:04d}" for n in range(25)]
    for monitor in monitors:
        create_statushub_setup(api, monitor, linked=True)
    timeline: list[str] = []
    save, send = Monitors.save_evaluation, DeliveryQueue.send

    def saving(self: Monitors, *args: Any) -> None:
        timeline.append("save")
        save(self, *args)

    def sending(self: DeliveryQueue, jobs: Any) -> None:
        timeline.append(f"send {len(jobs)}")
        send(self, jobs)

    monkeypatch.setattr(Monitors, "save_evaluation", saving)
    monkeypatch.setattr(DeliveryQueue, "send", sending)
    batch = intake_batch(*(event_of("confirmed_error", MonitorGuid=monitor) for monitor in monitors))

    response = evaluator_app.lambda_handler(batch, lambda_context)

    assert response["batchItemFailures"] == []
    assert timeline == [*["save"] * 10, "send 10", *["save"] * 10, "send 10", *["save"] * 5, "send 5"]
    assert len(stack.messages("DELIVERY_QUEUE_URL")) == 25


def test_a_monitor_that_fails_hands_back_only_the_messages_carrying_its_checks(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(self: Monitors, *args: Any) -> None:
        raise UnavailableError("DynamoDB ProvisionedThroughputExceededException")

    monkeypatch.setattr(Monitors, "save_evaluation", unavailable)
    other_monitor = "2c8b0b7e-1f4f-4f31-9d8e-3d2d5f1a0999"
    batch = intake_batch(event_of("confirmed_error"), event_of("confirmed_error", MonitorGuid=other_monitor))
    response = evaluator_app.lambda_handler(batch, lambda_context)
    assert response["batchItemFailures"] == [{"itemIdentifier": "message-0"}]
    assert response["checks"] == [{"verdict": "unknown-monitor", "alerts": 0, "deliveries": 0}]


def test_deliveries_not_queued_at_the_end_of_a_batch_are_queued_when_its_message_comes_back(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(self: DeliveryQueue, jobs: Any) -> None:
        raise UnavailableError("SQS throttled")

    # A second monitor's message, which queues nothing, so the batch does not fail whole.
    other_monitor = "2c8b0b7e-1f4f-4f31-9d8e-3d2d5f1a0999"
    batch = intake_batch(event_of("confirmed_error"), event_of("confirmed_error", MonitorGuid=other_monitor))
    with monkeypatch.context() as patched:
        patched.setattr(DeliveryQueue, "send", unavailable)
        first = evaluator_app.lambda_handler(batch, lambda_context)
    assert first["batchItemFailures"] == [{"itemIdentifier": "message-0"}]
    assert stack.messages("DELIVERY_QUEUE_URL") == []

    again = evaluator_app.lambda_handler(batch, lambda_context)

    assert again["batchItemFailures"] == []
    (queued,) = stack.messages("DELIVERY_QUEUE_URL")
    assert json.loads(queued["Body"])["Alert"]["AlertType"] == "Error"


def test_the_sam_local_invoke_sample_batch_is_taken_whole(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    """events/alert_evaluator/intake_batch.json: a MonitorCheck and a MonitorCheckBatch of two checks."""
    response = evaluator_app.lambda_handler(load_event("alert_evaluator/intake_batch.json"), lambda_context)
    assert response["batchItemFailures"] == []
    # In timestamp order: the Unconfirmed check (10:20:58), the Confirmed (10:21:58) alerts, the NoError
    # (10:27:58) closes the incident.
    assert [c["alerts"] for c in response["checks"]] == [0, 1, 1]
