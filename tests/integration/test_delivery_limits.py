"""Nothing lost at the platform's limits or to hostile values. Each DESIGN §12 limit (or §4 size) that
concerns evaluation and delivery, and the test that holds it:

| Limit                         | Where it bit                            | Test                          |
|-------------------------------|-----------------------------------------|-------------------------------|
| DynamoDB item 400 KB          | the outbox copied the alert per target  | test_25_services_...          |
| SQS message 256 KB            | each job carries its alert              | test_25_services_...          |
| §4 sizes (4 KB, 1 KB, 4 KB)   | ResponseBody, ErrorDescription, headers | test_25_services_...          |
| DynamoDB numbers, 38 digits   | a 41-digit check Id failed the function | test_a_41_digit_check_id_...  |
| FIFO order, dead letters      | a redriven Alert after its Ok           | test_a_redriven_alert_...     |
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from alerting import composition
from alerting.storage import keys
from tests.conftest import LambdaContext, Stack, load_event
from tests.factories import MONITOR_GUID
from tests.integration.conftest import ApiCall, evaluate
from tests.integration.test_delivery_guarantees import SECRET, Receiver, deliver, target
from tests.integration.test_webhook_delivery import queued_batch
from tests.support.statushub import STATUSHUB_HOOK

__all__ = ["target"]  # the delivery receiver fixture, shared with the delivery guarantees
SERVICES = 25


def _confirmed(**detail: Any) -> dict[str, Any]:
    event = load_event("alert_evaluator/confirmed_error.json")
    event["detail"] |= detail
    return event


def _link_services(api: ApiCall, linked: dict[str, Any], count: int) -> None:
    """Level 1 updates `count` services of the integration for the monitor (the first is linked already)."""
    integration = linked["integration"]
    services = [linked["service"]]
    for number in range(1, count):
        created = api(
            "POST", f"/Integration/{integration}/Service", {"Name": f"S{number}", "Url": STATUSHUB_HOOK}
        )
        services.append(created[1]["IntegrationServiceGuid"])
    links = [{"MonitorGuid": str(MONITOR_GUID), "IntegrationServiceGuid": s} for s in services]
    path = f"/AlertDefinition/{linked['definition']}/EscalationLevel/1/Integration/{integration}"
    status, answer = api("PATCH", path, {"StatusHubServiceList": links})
    assert status == 204, answer


def test_25_services_and_a_16000_character_body_are_all_delivered(
    stack: Stack, api: ApiCall, linked: dict[str, Any], target: Receiver, lambda_context: LambdaContext
) -> None:
    _link_services(api, linked, SERVICES)
    event = _confirmed(ResponseBody="x" * 16_000, ErrorDescription="é" * 3_000)
    assert evaluate(event, lambda_context)["deliveries"] == SERVICES
    item = stack.table.get_item(Key=keys.monitor(MONITOR_GUID))["Item"]
    assert len(json.dumps(item, default=str)) < 20_000  # references, not 25 copies of the alert
    batch = queued_batch(stack)
    assert len(batch["Records"]) == SERVICES
    assert max(len(r["body"].encode()) for r in batch["Records"]) < 16 * 1024
    assert deliver(batch, lambda_context) == []
    assert len(target.seen) == SERVICES
    sent = json.loads(target.seen[0].content)["alert"]
    assert len(sent["ErrorDescription"].encode()) <= 1024


def test_a_repeated_event_queues_its_deliveries_again_from_the_outbox_references(
    stack: Stack, api: ApiCall, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    _link_services(api, linked, 3)
    event = _confirmed(ResponseBody="x" * 16_000)
    assert evaluate(event, lambda_context)["deliveries"] == 3
    first = sorted(json.loads(r["body"])["Target"] for r in queued_batch(stack)["Records"])
    again = evaluate(event, lambda_context)
    assert (again["verdict"], again["deliveries"]) == ("duplicate", 3)
    assert len(first) == 3


def test_a_41_digit_check_id_is_parked_as_malformed(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    assert evaluate(_confirmed(Id=10**40), lambda_context) == {"verdict": "malformed"}
    (parked,) = stack.messages("EVALUATOR_DLQ_URL")
    assert "Id" in json.dumps(parked["MessageAttributes"])


def test_a_redriven_alert_after_its_ok_is_recorded_superseded_and_not_sent(
    stack: Stack, api: ApiCall, linked: dict[str, Any], target: Receiver, lambda_context: LambdaContext
) -> None:
    api("PATCH", f"/Integration/{linked['integration']}", {"RetrySchedule": [0]})
    evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    target.answer = lambda request: httpx.Response(503)
    alert_batch = queued_batch(stack)
    deliver(alert_batch, lambda_context)  # one attempt, then the dead-letter queue
    target.answer = lambda request: httpx.Response(200)
    evaluate(load_event("alert_evaluator/no_error.json"), lambda_context)
    assert deliver(queued_batch(stack), lambda_context) == []
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert api("POST", "/DeadLetter/Redrive", {"Since": since})[1]["Redriven"] == 1
    assert deliver(queued_batch(stack), lambda_context) == []
    # The service went down and came back up; the late Alert did not put it down again.
    assert [json.loads(r.content)["state"] for r in target.seen] == ["investigating", "monitoring"]
    alert_guid = json.loads(alert_batch["Records"][0]["body"])["Alert"]["AlertGuid"]
    outcomes = [(a["Outcome"], a["Error"]) for a in api("GET", f"/Alert/{alert_guid}/Message")[1]]
    assert [outcome for outcome, _ in outcomes] == ["failed", "superseded"]
    assert "later alert" in outcomes[1][1]


def test_an_unexpected_exception_in_an_attempt_is_a_logged_failure_with_its_type(
    stack: Stack, api: ApiCall, linked: dict[str, Any], target: Receiver, lambda_context: LambdaContext
) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise UnicodeEncodeError("ascii", "Café", 3, 4, "ordinal not in range(128)")

    target.answer = broken
    evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    batch = queued_batch(stack)
    assert deliver(batch, lambda_context) == []  # permanent: acknowledged, not retried into the DLQ
    alert_guid = json.loads(batch["Records"][0]["body"])["Alert"]["AlertGuid"]
    (attempt,) = api("GET", f"/Alert/{alert_guid}/Message")[1]
    assert attempt["Outcome"] == "failed"
    assert attempt["Error"].startswith("unexpected UnicodeEncodeError")


@pytest.fixture
def test_sends(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    tester = composition.config_api_root().tester.built
    monkeypatch.setattr(tester, "http", httpx.Client(transport=httpx.MockTransport(answer)))
    return seen


def test_test_sends_are_signed_with_a_fresh_webhook_id_each(
    api: ApiCall, linked: dict[str, Any], test_sends: list[httpx.Request]
) -> None:
    path = f"/Integration/{linked['integration']}"
    assert api("PATCH", path, {"SigningSecrets": [SECRET]})[0] == 204
    for _ in range(2):
        status, trace = api("POST", f"{path}/Test", {"AlertType": "Error"})
        assert (status, trace["Outcome"]) == (200, "delivered"), trace
    ids = [request.headers["webhook-id"] for request in test_sends]
    assert len(set(ids)) == 2
    for request in test_sends:
        Webhook(SECRET).verify(request.content, dict(request.headers))  # raises when unsigned or wrong
