"""The evaluator handler on moto: check results in, alert records and queued deliveries out."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from botocore.client import BaseClient

from tests.conftest import LambdaContext, Stack, load_event
from tests.integration.conftest import ApiCall, evaluate


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


def test_request_budget_per_check_with_a_warm_function(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext, dynamodb_calls: DynamoDBCalls
) -> None:
    def cost(event: dict[str, Any]) -> list[str]:
        dynamodb_calls.operations.clear()
        evaluate(event, lambda_context)
        return list(dynamodb_calls.operations)

    warm_up = check_event("no_error", Id=1, Timestamp="2026-11-22T10:00:00Z")
    cost(warm_up)
    assert cost(check_event("no_error", Id=2, Timestamp="2026-11-22T10:01:00Z")) == ["UpdateItem"]
    cost(check_event("confirmed_error", Id=3, Timestamp="2026-11-22T10:02:00Z"))  # warms the config cache
    cost(check_event("no_error", Id=4, Timestamp="2026-11-22T10:03:00Z"))
    opened = cost(check_event("confirmed_error", Id=5, Timestamp="2026-11-22T10:04:00Z"))
    assert opened == ["GetItem", "TransactWriteItems"]
    recovered = cost(check_event("no_error", Id=6, Timestamp="2026-11-22T10:05:00Z"))
    assert recovered == ["UpdateItem", "TransactWriteItems"]
    # Issue 4, item 9: whatever the evaluation decides, a state change stays within 3 requests
    # (the state, its alerts and its decision record go in one transaction).
    changes = [
        check_event("confirmed_error", Id=7, Timestamp="2026-11-22T10:06:00Z"),
        check_event("unconfirmed_error", Id=8, Timestamp="2026-11-22T10:07:00Z"),
        check_event("confirmed_error", Id=9, Timestamp="2026-11-22T10:08:00Z"),
        check_event("no_error", Id=10, Timestamp="2026-11-22T10:09:00Z"),
    ]
    assert [len(cost(event)) for event in changes] == [2, 2, 2, 2]
    steady = [check_event("no_error", Id=11 + i, Timestamp=f"2026-11-22T10:1{i}:00Z") for i in range(3)]
    assert [cost(event) for event in steady] == [["UpdateItem"]] * 3
