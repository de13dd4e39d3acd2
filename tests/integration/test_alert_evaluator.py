"""The evaluator handler on moto: check results in, alert records and queued deliveries out."""

from __future__ import annotations

import copy
import json
from typing import Any

from alert_evaluator import app as evaluator_app
from tests.conftest import LambdaContext, Stack, load_event
from tests.integration.conftest import ApiCall, DynamoDBCalls, evaluate
from tests.support import statushub
from tests.support.intake import check_batch_event, intake_batch


def check_event(name: str, **detail: Any) -> dict[str, Any]:
    event = copy.deepcopy(load_event(f"alert_evaluator/{name}.json"))
    event["detail"].update(detail)
    return event


def test_confirmed_error_queues_one_statushub_delivery(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    result = evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    assert result == {"verdict": "changed", "alerts": 1, "deliveries": 1}
    (message,) = stack.messages("DELIVERY_QUEUE_URL")
    job = json.loads(message["Body"])
    assert job["Target"] == linked["service"]
    assert job["Alert"]["AlertType"] == "Error"
    assert job["Alert"]["IncidentKey"] == f"{linked['definition']}-1-30833627687"
    assert message["Attributes"]["MessageGroupId"] == f"{linked['integration']}.{linked['service']}"


def test_duplicate_event_raises_no_second_alert(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    event = load_event("alert_evaluator/confirmed_error.json")
    evaluate(event, lambda_context)
    again = evaluate(event, lambda_context)
    assert again["verdict"] == "duplicate"
    assert again["alerts"] == 0
    assert len(stack.messages("DELIVERY_QUEUE_URL")) == 1  # re-queued, and dropped by FIFO deduplication
    alerts = stack.table.query(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :a)",
        ExpressionAttributeValues={":pk": f"MONITOR#{linked['monitor']}", ":a": "ALERT#"},
    )["Items"]
    assert len(alerts) == 1


def test_recovery_queues_the_ok_for_the_same_incident(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    assert evaluate(load_event("alert_evaluator/no_error.json"), lambda_context)["alerts"] == 1
    alert, ok = (json.loads(m["Body"])["Alert"] for m in stack.messages("DELIVERY_QUEUE_URL"))
    assert (alert["AlertType"], ok["AlertType"]) == ("Error", "Ok")
    assert alert["IncidentKey"] == ok["IncidentKey"]


def test_late_error_after_recovery_changes_nothing(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    evaluate(load_event("alert_evaluator/no_error.json"), lambda_context)
    late = evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    assert late["verdict"] == "stale"
    assert stack.messages("DELIVERY_QUEUE_URL") == []


def test_unknown_monitor_is_ignored(stack: Stack, lambda_context: LambdaContext) -> None:
    assert (
        evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)["verdict"]
        == "unknown-monitor"
    )
    assert (
        evaluate(load_event("alert_evaluator/no_error.json"), lambda_context)["verdict"] == "unknown-monitor"
    )


def test_malformed_event_is_dead_lettered_with_its_reason(
    stack: Stack, lambda_context: LambdaContext
) -> None:
    event = load_event("alert_evaluator/malformed_detail.json")
    assert evaluate(event, lambda_context) == {"verdict": "malformed"}
    (parked,) = stack.messages("EVALUATOR_DLQ_URL")
    assert json.loads(parked["Body"]) == event
    assert "MonitorGuid" in parked["MessageAttributes"]["Reason"]["StringValue"]


def test_generate_alert_off_records_but_does_not_deliver(
    stack: Stack, api: ApiCall, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    api("PATCH", f"/Monitor/{linked['monitor']}", {"GenerateAlert": False})
    assert evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)["alerts"] == 1
    assert stack.messages("DELIVERY_QUEUE_URL") == []


def test_request_budget_per_check_with_a_warm_function(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext, dynamodb_calls: DynamoDBCalls
) -> None:
    def cost(event: dict[str, Any]) -> list[str]:
        dynamodb_calls.operations.clear()
        evaluate(event, lambda_context)
        return list(dynamodb_calls.operations)

    cost(check_event("no_error", Id=1, Timestamp="2026-11-22T10:00:00Z"))
    # A clean monitor's NoError within WATERMARK_REFRESH of its stored watermark: one read, no write.
    assert cost(check_event("no_error", Id=2, Timestamp="2026-11-22T10:01:00Z")) == ["BatchGetItem"]
    assert cost(check_event("unconfirmed_error", Id=3, Timestamp="2026-11-22T10:02:00Z")) == ["BatchGetItem"]
    cost(check_event("confirmed_error", Id=4, Timestamp="2026-11-22T10:03:00Z"))  # warms the config cache
    cost(check_event("no_error", Id=5, Timestamp="2026-11-22T10:04:00Z"))
    opened = cost(check_event("confirmed_error", Id=6, Timestamp="2026-11-22T10:05:00Z"))
    assert opened == ["BatchGetItem", "TransactWriteItems"]
    recovered = cost(check_event("no_error", Id=7, Timestamp="2026-11-22T10:06:00Z"))
    assert recovered == ["BatchGetItem", "TransactWriteItems"]
    # Once per WATERMARK_REFRESH of check time the steady path moves the stored watermark.
    assert cost(check_event("no_error", Id=8, Timestamp="2026-11-22T10:17:00Z")) == [
        "BatchGetItem",
        "UpdateItem",
    ]


def test_a_batch_of_steady_checks_costs_at_most_a_fifth_of_a_request_each(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext, dynamodb_calls: DynamoDBCalls
) -> None:
    evaluate(check_event("no_error", Id=1, Timestamp="2026-11-22T10:00:00Z"), lambda_context)
    dynamodb_calls.operations.clear()
    details = [
        check_event("no_error", Id=10 + i, Timestamp=f"2026-11-22T10:{1 + i:02d}:00Z")["detail"]
        for i in range(30)
    ]
    response = evaluator_app.lambda_handler(intake_batch(check_batch_event(details)), lambda_context)
    assert response["batchItemFailures"] == []
    assert [check["verdict"] for check in response["checks"]] == ["recorded"] * 30
    assert len(dynamodb_calls.operations) / 30 <= 0.2
    assert dynamodb_calls.operations.count("BatchGetItem") == 1


def test_a_batch_reads_the_integrations_of_the_monitors_it_changes_in_one_request(
    stack: Stack, api: ApiCall, lambda_context: LambdaContext, dynamodb_calls: DynamoDBCalls
) -> None:
    monitors = [f"2c8b0b7e-1f4f-4f31-9d8e-3d2d5f1a01{i:02d}" for i in range(5)]
    for guid in monitors:
        statushub.create_statushub_setup(api, guid, linked=True)
    details = [
        check_event("confirmed_error", Id=100 + i, MonitorGuid=guid)["detail"]
        for i, guid in enumerate(monitors)
    ]
    dynamodb_calls.operations.clear()
    response = evaluator_app.lambda_handler(intake_batch(check_batch_event(details)), lambda_context)
    assert [check["verdict"] for check in response["checks"]] == ["changed"] * 5
    # The monitors, then the integrations of all five (each definition is a query of its own).
    assert dynamodb_calls.operations.count("BatchGetItem") == 2
    assert dynamodb_calls.operations.count("Query") == 5
    assert dynamodb_calls.operations.count("TransactWriteItems") == 5
