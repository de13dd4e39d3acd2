"""End to end on the local stack: HTTP config, put_events check results, the StatusHub simulator's state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from local.client import StackClient, check, wait_until

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def at(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


def service_in(
    client: StackClient, service_id: str, status: str, incident_state: str
) -> dict[str, Any] | None:
    service = client.service(service_id)
    incidents = service["incidents"]
    if service["status"] == status and incidents and incidents[-1]["state"] == incident_state:
        return service
    return None


def requests_to(client: StackClient, service_id: str) -> list[dict[str, Any]]:
    return [r for r in client.statushub("GET", "/api/requests") if r["service_id"] == service_id]


def test_confirmed_errors_take_the_service_down_and_recovery_brings_it_back(client: StackClient) -> None:
    service = client.new_service("Checkout")
    setup = client.statushub_setup("Checkout flow", service["hook_url"], ThresholdErrorCount=2)
    monitor = setup["monitor"]
    client.publish_checks(
        check(monitor, 1, "Confirmed", at(1)),
        check(monitor, 2, "Unconfirmed", at(2)),
        check(monitor, 3, "Confirmed", at(3)),
        spacing=0.3,
    )
    down = wait_until(lambda: service_in(client, service["id"], "down", "investigating"))
    assert [i["title"] for i in down["incidents"]] == ["Checkout flow is down"]

    client.publish_checks(check(monitor, 4, "NoError", at(4)))
    up = wait_until(lambda: service_in(client, service["id"], "up", "monitoring"))
    (incident,) = up["incidents"]
    assert [u["state"] for u in incident["updates"]] == ["investigating", "monitoring"]


def test_a_duplicated_event_opens_no_second_incident(client: StackClient) -> None:
    service = client.new_service("Search")
    monitor = client.statushub_setup("Search", service["hook_url"])["monitor"]
    error = check(monitor, 10, "Confirmed", at(10))
    client.publish_checks(error, error)
    wait_until(lambda: service_in(client, service["id"], "down", "investigating"))
    client.publish_checks(error, check(monitor, 11, "NoError", at(11)), error, spacing=0.3)
    wait_until(lambda: service_in(client, service["id"], "up", "monitoring"))
    assert len(client.service(service["id"])["incidents"]) == 1
    assert [r["json"]["state"] for r in requests_to(client, service["id"])] == ["investigating", "monitoring"]


def test_statushub_503_twice_then_200_ends_down_with_every_attempt_logged(client: StackClient) -> None:
    service = client.new_service("Payments")
    monitor = client.statushub_setup("Payments", service["hook_url"])["monitor"]
    client.statushub("POST", "/api/faults", {"service_id": service["id"], "status": 503, "count": 2})
    client.publish_checks(check(monitor, 20, "Confirmed", at(20)))

    down = wait_until(lambda: service_in(client, service["id"], "down", "investigating"), timeout=60)
    assert len(down["incidents"]) == 1
    received = requests_to(client, service["id"])
    assert [r["status"] for r in received] == [503, 503, 200]
    assert len({r["headers"].get("Webhook-Id") for r in received}) == 1  # the same message, retried

    alert_guid = received[0]["json"]["alert"]["AlertGuid"]
    attempts = client.finished_attempts(alert_guid)
    assert [(a["Attempt"], a["Outcome"], a["Exchange"]["StatusCode"]) for a in attempts] == [
        (1, "retrying", 503),
        (2, "retrying", 503),
        (3, "delivered", 200),
    ]
