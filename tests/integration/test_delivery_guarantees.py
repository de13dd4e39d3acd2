"""Delivery guarantees on moto: nothing doubled, nothing lost, nothing out of order, no one let in.

The clock and the jitter are injected (never slept on); the receiver is an httpx.MockTransport behind
the real SSRF check and address pinning.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import boto3
import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from alerting.delivery.transport import AddressPolicy, PinnedTransport
from alerting.storage.alert_definitions import AlertDefinitions
from tests.conftest import REGION, LambdaContext, Stack, load_event
from tests.integration.conftest import ApiCall, DynamoDBCalls, evaluate
from tests.integration.test_webhook_delivery import messages_api, queued_batch
from webhook_delivery import app as delivery_app

NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NEXT_SECRET = "whsec_dGhpcyBpcyB0aGUgbmV4dCBzZWNyZXQgb2Yga2V5cw=="
Answer = Callable[[httpx.Request], httpx.Response]


class Killed(BaseException):
    """The Lambda runtime going away mid-invocation: nothing after it runs, nothing is acknowledged."""


@dataclass
class Receiver:
    """The delivery function's view of the world: a target that answers, a clock, no jitter."""

    answer: Answer = field(default=lambda request: httpx.Response(200))
    now: datetime = NOW
    seen: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return self.answer(request)


@pytest.fixture
def target(monkeypatch: pytest.MonkeyPatch, stack: Stack) -> Receiver:
    receiver = Receiver()
    deps = delivery_app._dependencies()
    pinned = PinnedTransport(AddressPolicy(), inner=lambda: httpx.MockTransport(receiver))
    monkeypatch.setattr(deps, "http", httpx.Client(transport=pinned))
    monkeypatch.setattr(deps, "clock", lambda: receiver.now)
    monkeypatch.setattr(deps, "jitter", lambda: 0.0)
    return receiver


@pytest.fixture
def alert_batch(stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext) -> dict[str, Any]:
    evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    return queued_batch(stack)


@pytest.fixture
def operational_events(stack: Stack) -> Callable[[], list[dict[str, Any]]]:
    """What a user's rule on `source: alerting.delivery` would receive, read from a queue it targets."""
    sqs = stack.sqs
    url = sqs.create_queue(QueueName="operational-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = boto3.client("events", region_name=REGION)
    bus = stack.environment["EVENT_BUS_NAME"]
    events.put_rule(Name="delivery-health", EventBusName=bus, EventPattern='{"source":["alerting.delivery"]}')
    events.put_targets(Rule="delivery-health", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])

    def received() -> list[dict[str, Any]]:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]

    return received


def deliver(batch: dict[str, Any], context: LambdaContext) -> list[str]:
    """Run the delivery function on the batch and, as the event source mapping does, delete what it
    acknowledged; returns the message ids it reported failed."""
    response = delivery_app.lambda_handler(batch, context)
    failed = [failure["itemIdentifier"] for failure in response["batchItemFailures"]]
    sqs = boto3.client("sqs", region_name=REGION)
    for record in batch["Records"]:
        if record["messageId"] not in failed:
            with contextlib.suppress(sqs.exceptions.ReceiptHandleIsInvalid):
                sqs.delete_message(
                    QueueUrl=os.environ["DELIVERY_QUEUE_URL"], ReceiptHandle=record["receiptHandle"]
                )
    return failed


def attempts(api: ApiCall, batch: dict[str, Any]) -> list[tuple[int, str, int | None]]:
    return [
        (a["Attempt"], a["Outcome"], (a["Exchange"] or {}).get("StatusCode"))
        for a in messages_api(api, batch)
    ]


# Idempotency ---------------------------------------------------------------------------------------
def test_a_message_sqs_delivers_twice_is_posted_once(
    api: ApiCall, alert_batch: dict[str, Any], target: Receiver, lambda_context: LambdaContext
) -> None:
    duplicate = copy.deepcopy(alert_batch["Records"][0])
    duplicate["messageId"] = "a-second-copy"
    twice = {"Records": [*alert_batch["Records"], duplicate]}
    assert deliver(twice, lambda_context) == []
    assert deliver(alert_batch, lambda_context) == []  # and once more, in a later batch
    assert len(target.seen) == 1
    assert attempts(api, alert_batch) == [(1, "delivered", 200)]


# The killed invocation flushes no metrics on its way out; Lambda would not even get that far.
@pytest.mark.filterwarnings("ignore:No application metrics")
def test_a_function_killed_between_post_and_acknowledgement_does_not_post_again(
    monkeypatch: pytest.MonkeyPatch,
    api: ApiCall,
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
) -> None:
    deps = delivery_app._dependencies()

    def killed(*args: Any, **kwargs: Any) -> None:
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(deps.log, "reached_target", killed)  # after the POST and the delivered marker
        with pytest.raises(Killed):
            delivery_app.lambda_handler(alert_batch, lambda_context)
    assert len(target.seen) == 1
    # SQS redelivers the unacknowledged message once its visibility timeout is over.
    assert deliver(alert_batch, lambda_context) == []
    assert len(target.seen) == 1


def test_webhook_id_is_the_same_on_every_retry(
    alert_batch: dict[str, Any], target: Receiver, lambda_context: LambdaContext
) -> None:
    answers = iter([503, 502, 200])
    target.answer = lambda request: httpx.Response(next(answers))
    for _ in range(3):
        deliver(alert_batch, lambda_context)
    job = json.loads(alert_batch["Records"][0]["body"])
    assert {r.headers["webhook-id"] for r in target.seen} == {
        f"{job['Alert']['AlertGuid']}.{job['IntegrationGuid']}.{job['Target']}"
    }


# Retry schedule ------------------------------------------------------------------------------------
def test_an_integration_s_own_retry_schedule_then_the_dead_letter_queue(
    stack: Stack,
    api: ApiCall,
    linked: dict[str, Any],
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
) -> None:
    assert api("PATCH", f"/Integration/{linked['integration']}", {"RetrySchedule": [0, 7]})[0] == 204
    assert api("GET", f"/Integration/{linked['integration']}")[1]["RetrySchedule"] == [0, 7]
    target.answer = lambda request: httpx.Response(503)
    assert len(deliver(alert_batch, lambda_context)) == 1
    assert deliver(alert_batch, lambda_context) == []
    assert [a["NextAttemptInSeconds"] for a in messages_api(api, alert_batch)] == [7.0, None]
    (parked,) = stack.messages("DELIVERY_DLQ_URL")
    assert parked["Body"] == alert_batch["Records"][0]["body"]


@pytest.mark.parametrize(
    ("answer", "delay"),
    [
        (lambda request: httpx.Response(503), 5.0),  # the schedule's second step
        (lambda request: httpx.Response(429), 60.0),  # throttled: at least the minimum
        (lambda request: httpx.Response(429, headers={"Retry-After": "100"}), 100.0),
        (lambda request: httpx.Response(429, headers={"Retry-After": "3600"}), 120.0),  # 2 x minimum
        (lambda request: httpx.Response(503, headers={"Retry-After": "8"}), 8.0),
    ],
)
def test_throttling_and_retry_after_set_the_next_attempt(
    api: ApiCall,
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
    answer: Answer,
    delay: float,
) -> None:
    target.answer = answer
    deliver(alert_batch, lambda_context)
    assert messages_api(api, alert_batch)[0]["NextAttemptInSeconds"] == delay


def test_a_timeout_waits_at_least_the_minimum(
    api: ApiCall, alert_batch: dict[str, Any], target: Receiver, lambda_context: LambdaContext
) -> None:
    def stall(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    target.answer = stall
    deliver(alert_batch, lambda_context)
    (attempt,) = messages_api(api, alert_batch)
    assert (attempt["Outcome"], attempt["NextAttemptInSeconds"]) == ("retrying", 60.0)
    assert attempt["Error"].startswith("timed out")


def test_an_ok_never_overtakes_its_alert(
    api: ApiCall,
    stack: Stack,
    linked: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
) -> None:
    evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    evaluate(load_event("alert_evaluator/no_error.json"), lambda_context)
    batch = queued_batch(stack)
    kinds = [json.loads(r["body"])["Alert"]["AlertType"] for r in batch["Records"]]
    assert kinds == ["Error", "Ok"]
    target.answer = lambda request: httpx.Response(503)
    assert len(deliver(batch, lambda_context)) == 2  # the Ok is held back behind the failed Alert
    assert [json.loads(r.content)["state"] for r in target.seen] == ["investigating"]
    target.answer = lambda request: httpx.Response(200)
    assert deliver(batch, lambda_context) == []
    assert [json.loads(r.content)["state"] for r in target.seen] == [
        "investigating",
        "investigating",
        "monitoring",
    ]


# Target health -------------------------------------------------------------------------------------
def test_410_disables_the_target_until_a_patch_re_enables_it(
    stack: Stack,
    api: ApiCall,
    linked: dict[str, Any],
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
    operational_events: Callable[[], list[dict[str, Any]]],
) -> None:
    target.answer = lambda request: httpx.Response(410)
    assert deliver(alert_batch, lambda_context) == []
    status, health = api("GET", f"/Integration/{linked['integration']}/Target")
    assert status == 200
    ((service,),) = [[h for h in health if h["Target"] == linked["service"]]]
    assert (service["Disabled"], service["DisabledReason"]) == (True, "the target answered 410 Gone")
    (event,) = operational_events()
    assert (event["source"], event["detail-type"]) == ("alerting.delivery", "TargetDisabled")
    assert event["detail"]["Target"] == linked["service"]

    # A disabled target gets nothing: the job is recorded as failed without a request.
    resent = api("POST", f"/Alert/{_alert_guid(alert_batch)}/Message/Resend", _which(linked))
    assert resent[0] == 202
    replay = queued_batch(stack)
    assert deliver(replay, lambda_context) == []
    assert len(target.seen) == 1
    last = messages_api(api, alert_batch)[-1]
    assert (last["Outcome"], last["Exchange"]) == ("failed", None)
    assert last["Error"].startswith("target disabled")

    path = f"/Integration/{linked['integration']}/Target/{linked['service']}"
    assert api("PATCH", path, {"Disabled": False})[0] == 204
    assert api("GET", f"/Integration/{linked['integration']}/Target")[1][0]["Disabled"] is False
    target.answer = lambda request: httpx.Response(200)
    api("POST", f"/Alert/{_alert_guid(alert_batch)}/Message/Resend", _which(linked))
    assert deliver(queued_batch(stack), lambda_context) == []
    assert len(target.seen) == 2


def test_five_days_of_failure_disable_the_target_and_four_failures_announce_it(
    api: ApiCall,
    linked: dict[str, Any],
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
    operational_events: Callable[[], list[dict[str, Any]]],
) -> None:
    target.answer = lambda request: httpx.Response(500)
    for day in (0, 1, 2):
        target.now = NOW + timedelta(days=day)
        deliver(alert_batch, lambda_context)
    assert operational_events() == []
    target.now = NOW + timedelta(days=5)
    deliver(alert_batch, lambda_context)  # the fourth failure, five days after the first
    kinds = sorted(event["detail-type"] for event in operational_events())
    assert kinds == ["DeliveryFailing", "TargetDisabled"]
    (health,) = api("GET", f"/Integration/{linked['integration']}/Target")[1]
    assert (health["Disabled"], health["ConsecutiveFailures"]) == (True, 4)
    assert health["DisabledReason"].startswith("failing without a success since 2026-11-22")


def test_a_success_ends_the_failure_streak(
    api: ApiCall,
    linked: dict[str, Any],
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
) -> None:
    answers = iter([500, 200])
    target.answer = lambda request: httpx.Response(next(answers))
    deliver(alert_batch, lambda_context)
    deliver(alert_batch, lambda_context)
    (health,) = api("GET", f"/Integration/{linked['integration']}/Target")[1]
    assert (health["ConsecutiveFailures"], health["FailingSince"], health["Disabled"]) == (0, None, False)


# Replay --------------------------------------------------------------------------------------------
def test_resend_posts_the_message_again_under_the_same_webhook_id(
    stack: Stack,
    api: ApiCall,
    linked: dict[str, Any],
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
) -> None:
    deliver(alert_batch, lambda_context)
    status, accepted = api("POST", f"/Alert/{_alert_guid(alert_batch)}/Message/Resend", _which(linked))
    assert status == 202
    assert accepted["ResendId"].startswith("resend-")
    deliver(queued_batch(stack), lambda_context)
    assert len(target.seen) == 2
    assert target.seen[0].headers["webhook-id"] == target.seen[1].headers["webhook-id"]
    rows = messages_api(api, alert_batch)
    assert [(a["Attempt"], a["Outcome"], a["Replay"]) for a in rows] == [
        (1, "delivered", None),
        (1, "delivered", accepted["ResendId"]),
    ]


def test_resend_of_an_unknown_message_is_404(api: ApiCall, linked: dict[str, Any]) -> None:
    unknown = "00000000-0000-0000-0000-000000000001"
    assert api("POST", f"/Alert/{unknown}/Message/Resend", _which(linked))[0] == 404


def test_redrive_requeues_the_dead_letters_parked_since_a_time(
    stack: Stack,
    api: ApiCall,
    linked: dict[str, Any],
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
) -> None:
    api("PATCH", f"/Integration/{linked['integration']}", {"RetrySchedule": [0]})
    target.answer = lambda request: httpx.Response(500)
    deliver(alert_batch, lambda_context)  # one attempt, then the dead-letter queue

    later = datetime.now(UTC) + timedelta(hours=1)
    assert api("POST", "/DeadLetter/Redrive", {"Since": later.isoformat()})[1] == {"Redriven": 0, "Kept": 1}
    earlier = datetime.now(UTC) - timedelta(hours=1)
    assert api("POST", "/DeadLetter/Redrive", {"Since": earlier.isoformat()})[1] == {"Redriven": 1, "Kept": 0}
    assert stack.messages("DELIVERY_DLQ_URL") == []
    target.answer = lambda request: httpx.Response(200)
    assert deliver(queued_batch(stack), lambda_context) == []
    assert [a["Outcome"] for a in messages_api(api, alert_batch)] == ["failed", "delivered"]


def test_redrive_needs_an_aware_since(api: ApiCall) -> None:
    assert api("POST", "/DeadLetter/Redrive", {"Since": "2026-11-22T10:00:00"})[0] == 400


# Signing and secrets -------------------------------------------------------------------------------
def test_signed_with_every_active_secret_and_the_secrets_are_write_only(
    api: ApiCall,
    linked: dict[str, Any],
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
) -> None:
    path = f"/Integration/{linked['integration']}"
    assert api("PATCH", path, {"SigningSecrets": [SECRET, NEXT_SECRET]})[0] == 204
    shown = api("GET", path)[1]["SigningSecrets"]
    assert shown == ["whsec_****", "whsec_****"]
    assert api("PATCH", path, {"SigningSecrets": shown})[0] == 204  # read back and written: kept
    deliver(alert_batch, lambda_context)
    (request,) = target.seen
    expected = [
        Webhook(secret).sign(request.headers["webhook-id"], NOW, request.content.decode())
        for secret in (SECRET, NEXT_SECRET)
    ]
    assert request.headers["webhook-signature"].split(" ") == expected
    assert request.headers["webhook-timestamp"] == str(int(NOW.timestamp()))
    logged = json.dumps(messages_api(api, alert_batch))
    assert SECRET.removeprefix("whsec_") not in logged


@pytest.mark.parametrize(
    ("secret", "field_message"),
    [
        ("not-a-secret", "SigningSecrets[0]"),
        ("whsec_%%%", "SigningSecrets[0]"),
        ("whsec_c2hvcnQ=", "SigningSecrets[0]"),  # 5 bytes: too short
    ],
)
def test_bad_signing_secrets_are_400(
    api: ApiCall, linked: dict[str, Any], secret: str, field_message: str
) -> None:
    status, error = api("PATCH", f"/Integration/{linked['integration']}", {"SigningSecrets": [secret]})
    assert status == 400
    assert error["Messages"][0]["Field"] == field_message


@pytest.mark.parametrize("store", ["ssm", "secretsmanager"])
def test_secret_references_are_resolved_at_send_time(
    api: ApiCall,
    linked: dict[str, Any],
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
    store: str,
) -> None:
    if store == "ssm":
        boto3.client("ssm", region_name=REGION).put_parameter(
            Name="/alerting/whsec", Value=SECRET, Type="SecureString"
        )
        reference = "ssm:/alerting/whsec"
    else:
        boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="alerting/whsec", SecretString=SECRET
        )
        reference = "secretsmanager:alerting/whsec"
    path = f"/Integration/{linked['integration']}"
    assert api("PATCH", path, {"SigningSecrets": [reference]})[0] == 204
    assert api("GET", path)[1]["SigningSecrets"] == [reference]  # a reference is not the secret
    deliver(alert_batch, lambda_context)
    (request,) = target.seen
    assert request.headers["webhook-signature"] == Webhook(SECRET).sign(
        request.headers["webhook-id"], NOW, request.content.decode()
    )


def test_a_missing_secret_reference_fails_the_message_without_sending(
    api: ApiCall,
    linked: dict[str, Any],
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
) -> None:
    api("PATCH", f"/Integration/{linked['integration']}", {"SigningSecrets": ["ssm:/alerting/nothing"]})
    assert deliver(alert_batch, lambda_context) == []
    assert target.seen == []
    (attempt,) = messages_api(api, alert_batch)
    assert attempt["Outcome"] == "failed"
    assert "ParameterNotFound" in attempt["Error"]


def test_the_statushub_token_is_masked_in_get_and_kept_when_written_back(
    api: ApiCall,
    linked: dict[str, Any],
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
) -> None:
    path = f"/Integration/{linked['integration']}/Service/{linked['service']}"
    service = api("GET", path)[1]
    assert service["Url"] == "https://hooks.statushub.io/hooks/uptrends?token=598f****"
    listed = api("GET", f"/Integration/{linked['integration']}/Service")[1]
    assert "598f3b0da9ba4738" not in json.dumps(listed)
    assert api("PUT", path, {"Name": "Renamed", "Url": service["Url"]})[0] == 204
    deliver(alert_batch, lambda_context)
    assert target.seen[0].url.params["token"] == "598f3b0da9ba4738"


def test_secret_variables_are_masked_in_get(api: ApiCall) -> None:
    variables = {"ApiKey": "k-123", "Password": "hunter2", "Channel": "#ops"}
    steps = [{"Url": "https://hooks.example/pager", "Headers": {"X-Api-Key": "{{@ApiKey}}"}}]
    _, created = api(
        "POST", "/Integration", {"Name": "Pager", "Type": "Webhook", "Variables": variables, "Steps": steps}
    )
    assert created["Variables"] == {"ApiKey": "****", "Password": "****", "Channel": "#ops"}
    path = f"/Integration/{created['IntegrationGuid']}"
    api("PATCH", path, {"Variables": {**created["Variables"], "Channel": "#alerts"}})
    assert api("GET", path)[1]["Variables"]["Channel"] == "#alerts"


def test_secret_level_variable_values_are_masked_and_kept(
    stack: Stack, api: ApiCall, linked: dict[str, Any]
) -> None:
    _, hook = api(
        "POST",
        "/Integration",
        {
            "Name": "Routed hook",
            "Type": "Webhook",
            "PerLevelVariables": ["RoutingKey", "Team"],
            "Steps": [
                {"Url": "https://hooks.example/{{@Team}}", "Headers": {"X-Routing-Key": "{{@RoutingKey}}"}}
            ],
        },
    )
    levels = f"/AlertDefinition/{linked['definition']}/EscalationLevel/1/Integration"
    values = {"RoutingKey": "r-123", "Team": "ops"}
    assert (
        api("POST", levels, {"IntegrationGuid": hook["IntegrationGuid"], "VariableValues": values})[0] == 201
    )
    path = f"{levels}/{hook['IntegrationGuid']}"
    shown = api("GET", path)[1]["VariableValues"]
    assert shown == {"RoutingKey": "****", "Team": "ops"}
    assert api("PATCH", path, {"VariableValues": {**shown, "Team": "web"}})[0] == 204
    assert api("GET", path)[1]["VariableValues"] == {"RoutingKey": "****", "Team": "web"}
    stored = AlertDefinitions(stack.table).level_integration(
        UUID(linked["definition"]), 1, UUID(hook["IntegrationGuid"])
    )
    assert stored.variable_values == {"RoutingKey": "r-123", "Team": "web"}


# SSRF ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/hook",
        "http://127.0.0.1:8080/hook",  # the stack fixture allows no private network
        "http://[::1]/hook",
        "http://100.64.1.1/hook",
        "https://internal.example/hook",  # a name that resolves to a private address
    ],
)
def test_private_addresses_are_refused_at_save(api: ApiCall, linked: dict[str, Any], url: str) -> None:
    status, error = api("POST", f"/Integration/{linked['integration']}/Service", {"Name": "x", "Url": url})
    assert status == 400
    assert error["Messages"][0]["Field"] == "Url"
    variables = {"ApiUrl": url}
    status, error = api(
        "POST", "/Integration", {"Name": "Hook", "Type": "UptrendsIntegration", "Variables": variables}
    )
    assert (status, error["Messages"][0]["Field"]) == (400, "Variables.ApiUrl")
    steps = [{"Url": url}]
    status, error = api("POST", "/Integration", {"Name": "Hook", "Type": "Webhook", "Steps": steps})
    assert (status, error["Messages"][0]["Field"]) == (400, "Steps[0].Url")


def test_a_host_that_rebinds_to_a_private_address_is_refused_at_send(
    api: ApiCall,
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
    fake_dns: dict[str, list[str]],
) -> None:
    fake_dns["hooks.statushub.io"] = ["169.254.169.254"]
    assert deliver(alert_batch, lambda_context) == []
    assert target.seen == []
    (attempt,) = messages_api(api, alert_batch)
    assert attempt["Outcome"] == "failed"
    assert "cloud metadata" in attempt["Error"]


# Concurrency ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("concurrency", [1, 4])
def test_targets_are_sent_to_in_parallel_and_each_keeps_its_own_fate(
    monkeypatch: pytest.MonkeyPatch,
    stack: Stack,
    api: ApiCall,
    linked: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
    concurrency: int,
) -> None:
    monkeypatch.setattr(delivery_app._dependencies(), "concurrency", concurrency)
    links = [{"MonitorGuid": linked["monitor"], "IntegrationServiceGuid": linked["service"]}]
    for name in ("b", "c", "d"):
        _, service = api(
            "POST",
            f"/Integration/{linked['integration']}/Service",
            {"Name": name, "Url": f"https://hooks.example/{name}"},
        )
        links.append(
            {"MonitorGuid": linked["monitor"], "IntegrationServiceGuid": service["IntegrationServiceGuid"]}
        )
    api(
        "PATCH",
        f"/AlertDefinition/{linked['definition']}/EscalationLevel/1/Integration/{linked['integration']}",
        {"StatusHubServiceList": links},
    )
    evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    evaluate(load_event("alert_evaluator/no_error.json"), lambda_context)
    batch = queued_batch(stack)
    assert len(batch["Records"]) == 8
    target.answer = lambda request: httpx.Response(503 if request.url.path == "/c" else 200)
    failed = deliver(batch, lambda_context)
    failed_paths = sorted(
        (json.loads(r["body"])["Alert"]["AlertType"], r["attributes"]["MessageGroupId"])
        for r in batch["Records"]
        if r["messageId"] in failed
    )
    assert len(failed_paths) == 2  # the failing target's Alert, and its Ok held back behind it
    by_target: dict[str, list[str]] = {}
    for request in target.seen:
        by_target.setdefault(request.url.path, []).append(json.loads(request.content)["state"])
    assert by_target["/c"] == ["investigating"]
    for path in ("/b", "/d", "/hooks/uptrends"):
        assert by_target[path] == ["investigating", "monitoring"]


def _alert_guid(batch: dict[str, Any]) -> str:
    return str(json.loads(batch["Records"][0]["body"])["Alert"]["AlertGuid"])


def _which(linked: dict[str, Any]) -> dict[str, str]:
    return {"IntegrationGuid": linked["integration"], "Target": linked["service"]}


# What an attempt reads and writes -----------------------------------------------------------------
def test_a_delivered_attempt_costs_three_dynamodb_requests(
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
    dynamodb_calls: DynamoDBCalls,
) -> None:
    assert deliver(alert_batch, lambda_context) == []
    assert len(target.seen) == 1
    # Whether the job was delivered and its attempts, the integration, its service, the level, the
    # incident's progress and the target's health; the attempt with its count and marker; the progress.
    assert dynamodb_calls.operations == ["BatchGetItem", "BatchWriteItem", "PutItem"]


def test_an_integration_deactivated_after_the_alert_is_not_sent_to_even_by_a_warm_function(
    api: ApiCall,
    stack: Stack,
    linked: dict[str, Any],
    alert_batch: dict[str, Any],
    target: Receiver,
    lambda_context: LambdaContext,
) -> None:
    assert deliver(alert_batch, lambda_context) == []
    evaluate(load_event("alert_evaluator/no_error.json"), lambda_context)
    ok_batch = queued_batch(stack)
    assert api("PATCH", f"/Integration/{linked['integration']}", {"IsActive": False})[0] == 204
    assert deliver(ok_batch, lambda_context) == []
    assert len(target.seen) == 1
    (attempt,) = messages_api(api, ok_batch)
    assert attempt["Outcome"] == "failed"
    assert attempt["Error"] == "the integration was deactivated after the alert"
