"""Fault injection on the local stack: the StatusHub simulator fails, stalls, refuses or goes away, and
after each scenario every service ends in the right state, with one incident per IncidentKey, no Ok
before its Alert, and the delivery log telling the whole story.

The stack runs with a short retry schedule (0, 1, 2, 4 … s), a 1 s minimum after a timeout or 429 and
a 2 s request timeout (tests/e2e/conftest.py), so faults recover in seconds.
"""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from local.client import StackClient, check, wait_until

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
STATES = {"investigating": 0, "monitoring": 1}


def at(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


def received_by(client: StackClient, service_id: str) -> list[dict[str, Any]]:
    return [r for r in client.statushub("GET", "/api/requests") if r["service_id"] == service_id]


def settled(client: StackClient, service_id: str, status: str, state: str) -> dict[str, Any] | None:
    service = client.service(service_id)
    incidents = service["incidents"]
    if service["status"] == status and incidents and incidents[-1]["state"] == state:
        return service
    return None


def assert_story(client: StackClient, service_id: str) -> list[dict[str, Any]]:
    """One incident per IncidentKey, no Ok before its Alert; the attempts of the first alert."""
    service = client.service(service_id)
    ids = [incident["id"] for incident in service["incidents"]]
    assert len(ids) == len(set(ids)) == 1
    accepted = [r["json"] for r in received_by(client, service_id) if r["status"] == 200]
    order = [STATES[body["state"]] for body in accepted]
    assert order == sorted(order), f"an Ok overtook its Alert: {[b['state'] for b in accepted]}"
    first = received_by(client, service_id)[0]["json"]["alert"]["AlertGuid"]
    return client.finished_attempts(first)


def story(attempts: list[dict[str, Any]]) -> list[tuple[int, str, int | None]]:
    return [(a["Attempt"], a["Outcome"], (a["Exchange"] or {}).get("StatusCode")) for a in attempts]


def test_500_then_503_then_success(client: StackClient) -> None:
    service = client.new_service("Faults 5xx")
    setup = client.statushub_setup("Faults 5xx", service["hook_url"])
    client.statushub("POST", "/api/faults", {"service_id": service["id"], "status": 500, "count": 1})
    client.statushub("POST", "/api/faults", {"service_id": service["id"], "status": 503, "count": 1})
    client.publish_checks(check(setup["monitor"], 100, "Confirmed", at(100)))
    wait_until(lambda: settled(client, service["id"], "down", "investigating"), timeout=60)
    client.publish_checks(check(setup["monitor"], 101, "NoError", at(101)))
    wait_until(lambda: settled(client, service["id"], "up", "monitoring"), timeout=60)
    attempts = assert_story(client, service["id"])
    assert story(attempts) == [(1, "retrying", 500), (2, "retrying", 503), (3, "delivered", 200)]


def test_429_with_retry_after_is_honoured(client: StackClient) -> None:
    service = client.new_service("Faults 429")
    setup = client.statushub_setup("Faults 429", service["hook_url"])
    fault = {"service_id": service["id"], "status": 429, "count": 1, "headers": {"Retry-After": "2"}}
    client.statushub("POST", "/api/faults", fault)
    client.publish_checks(check(setup["monitor"], 110, "Confirmed", at(110)))
    wait_until(lambda: settled(client, service["id"], "down", "investigating"), timeout=60)
    attempts = assert_story(client, service["id"])
    assert story(attempts) == [(1, "retrying", 429), (2, "delivered", 200)]
    assert attempts[0]["NextAttemptInSeconds"] == 2.0  # within [1 s minimum, 2 x it]


def test_a_response_slower_than_the_timeout_is_retried(client: StackClient) -> None:
    service = client.new_service("Faults slow")
    setup = client.statushub_setup("Faults slow", service["hook_url"])
    client.statushub(
        "POST", "/api/faults", {"service_id": service["id"], "status": 200, "count": 1, "delay_s": 3}
    )
    client.publish_checks(check(setup["monitor"], 120, "Confirmed", at(120)))
    wait_until(lambda: settled(client, service["id"], "down", "investigating"), timeout=60)
    attempts = assert_story(client, service["id"])
    assert [a["Outcome"] for a in attempts] == ["retrying", "delivered"]
    assert attempts[0]["Error"].startswith("timed out")
    assert 0.8 <= attempts[0]["NextAttemptInSeconds"] <= 1.2  # the local minimum after a timeout, ±20 %


def test_connection_refused_is_retried_until_the_url_is_fixed(client: StackClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    service = client.new_service("Faults refused")
    refused_url = f"http://127.0.0.1:{closed_port}/hooks/uptrends?token=0000000000000000"
    setup = client.statushub_setup("Faults refused", refused_url)
    client.publish_checks(check(setup["monitor"], 130, "Confirmed", at(130)))

    def refused_three_times() -> bool:  # attempts at 0, 1 and 3 s meet a closed port
        alerts = client.api("GET", f"/Alert/Monitor/{setup['monitor']}")["Data"]
        return bool(alerts) and len(client.api("GET", f"/Alert/{alerts[0]['Id']}/Message")) >= 3

    wait_until(refused_three_times, timeout=30)
    path = f"/Integration/{setup['integration']}/Service/{setup['service']}"
    client.api("PUT", path, {"Name": "Faults refused", "Url": service["hook_url"]})
    # The next scheduled attempt after the fix (delays 4, 8, 16 … s) reaches the service.
    wait_until(lambda: settled(client, service["id"], "down", "investigating"), timeout=90)
    attempts = assert_story(client, service["id"])
    assert len(attempts) >= 3
    assert all(a["Error"].startswith("connection failed") for a in attempts[:-1])
    assert [a["Outcome"] for a in attempts[:-1]] == ["retrying"] * (len(attempts) - 1)
    assert attempts[-1]["Outcome"] == "delivered"
    assert "0000000000000000" not in json.dumps(attempts)  # the token stays masked


def test_410_disables_the_target_until_a_patch_and_a_resend_bring_it_back(client: StackClient) -> None:
    service = client.new_service("Faults gone")
    setup = client.statushub_setup("Faults gone", service["hook_url"])
    client.statushub("POST", "/api/faults", {"service_id": service["id"], "status": 410, "count": 1})
    client.publish_checks(check(setup["monitor"], 140, "Confirmed", at(140)))
    targets = f"/Integration/{setup['integration']}/Target"
    (health,) = wait_until(lambda: [t for t in client.api("GET", targets) if t["Disabled"]], timeout=30)
    assert health["DisabledReason"] == "the target answered 410 Gone"

    client.api("PATCH", f"{targets}/{setup['service']}", {"Disabled": False})
    alert_guid = received_by(client, service["id"])[0]["json"]["alert"]["AlertGuid"]
    which = {"IntegrationGuid": setup["integration"], "Target": setup["service"]}
    client.api("POST", f"/Alert/{alert_guid}/Message/Resend", which)
    wait_until(lambda: settled(client, service["id"], "down", "investigating"), timeout=30)
    client.publish_checks(check(setup["monitor"], 141, "NoError", at(141)))
    wait_until(lambda: settled(client, service["id"], "up", "monitoring"), timeout=30)
    attempts = assert_story(client, service["id"])
    assert story(attempts) == [(1, "failed", 410), (1, "delivered", 200)]
    assert attempts[1]["Replay"].startswith("resend-")


def test_duplicated_queue_messages_and_reordered_checks_change_nothing(client: StackClient) -> None:
    service = client.new_service("Faults duplicates")
    setup = client.statushub_setup("Faults duplicates", service["hook_url"])
    monitor = setup["monitor"]
    # Reordered: a recovery is taken before the error it follows arrives; the late error is ignored.
    # They travel in separate intake batches (the queue's batching window is 1 s): within one batch the
    # evaluator would simply put them back in order.
    client.publish_checks(
        check(monitor, 151, "NoError", at(151)), check(monitor, 150, "Confirmed", at(150)), spacing=2.5
    )
    client.publish_checks(check(monitor, 152, "Confirmed", at(152)))
    wait_until(lambda: settled(client, service["id"], "down", "investigating"), timeout=30)

    # Duplicated: SQS hands the delivered job out again, twice (copies with their own deduplication ids).
    (first,) = received_by(client, service["id"])
    alert_guid = first["json"]["alert"]["AlertGuid"]
    job = _logged_job(client, alert_guid)
    sqs = boto3.client("sqs", **_aws(client))
    for copy in ("copy-1", "copy-2"):
        sqs.send_message(
            QueueUrl=client.info.delivery_queue_url,
            MessageBody=job,
            MessageGroupId=f"{setup['integration']}.{setup['service']}",
            MessageDeduplicationId=f"{alert_guid}.{copy}",
        )
    client.publish_checks(check(monitor, 153, "NoError", at(153)))
    wait_until(lambda: settled(client, service["id"], "up", "monitoring"), timeout=30)
    attempts = assert_story(client, service["id"])
    assert story(attempts) == [(1, "delivered", 200)]  # the copies were acknowledged without a request
    assert [r["json"]["state"] for r in received_by(client, service["id"])] == ["investigating", "monitoring"]


def _aws(client: StackClient) -> dict[str, Any]:
    return {
        "endpoint_url": client.info.aws_endpoint_url,
        "region_name": client.info.region,
        "aws_access_key_id": "local",
        "aws_secret_access_key": "local",
    }


def _logged_job(client: StackClient, alert_guid: str) -> str:
    """The job as the delivery function logged it with its attempt (what SQS held)."""
    table = boto3.resource("dynamodb", **_aws(client)).Table(client.info.table_name)
    items = table.query(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :attempt)",
        ExpressionAttributeValues={":pk": f"ALERT#{alert_guid}", ":attempt": "ATTEMPT#"},
    )["Items"]
    return str(items[0]["Job"])
