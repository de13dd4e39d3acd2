"""End to end on the local stack: the ways alerts were lost (issue 11, findings 1 and 4) hold now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from local.client import StackClient, check, wait_until


def _ago(minutes: int) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)


def _status(client: StackClient, service_id: str) -> str:
    return str(client.service(service_id)["status"])


def test_one_monitor_with_five_services_and_a_16000_character_body_takes_all_five_down(
    client: StackClient,
) -> None:
    services = [client.new_service(f"Lost alerts {n}") for n in range(5)]
    setup = client.statushub_setup("Five services", services[0]["hook_url"])
    integration, definition = setup["integration"], setup["definition"]
    guids = [setup["service"]]
    for service in services[1:]:
        body = {"Name": service["name"], "Url": service["hook_url"]}
        guids.append(
            client.api("POST", f"/Integration/{integration}/Service", body)["IntegrationServiceGuid"]
        )
    links = [{"MonitorGuid": setup["monitor"], "IntegrationServiceGuid": guid} for guid in guids]
    path = f"/AlertDefinition/{definition}/EscalationLevel/1/Integration/{integration}"
    client.api("PATCH", path, {"StatusHubServiceList": links})

    client.publish_checks(check(setup["monitor"], 1, "Confirmed", _ago(2), ResponseBody="x" * 16_000))

    def all_down() -> list[str] | None:
        statuses = [_status(client, s["id"]) for s in services]
        return statuses if set(statuses) == {"down"} else None

    assert wait_until(all_down, timeout=60) == ["down"] * 5


def test_a_redriven_alert_after_its_ok_is_superseded_and_the_service_stays_up(client: StackClient) -> None:
    service = client.new_service("Overtaken")
    setup = client.statushub_setup("Overtaken", service["hook_url"])
    client.api("PATCH", f"/Integration/{setup['integration']}", {"RetrySchedule": [0, 1]})
    client.statushub("POST", "/api/faults", {"service_id": service["id"], "status": 503, "count": 2})
    monitor = setup["monitor"]
    since = datetime.now(UTC) - timedelta(minutes=1)
    client.publish_checks(check(monitor, 1, "Confirmed", _ago(3)))

    def alert_guid() -> str | None:
        received = client.statushub("GET", "/api/requests")
        failed = [r for r in received if r["service_id"] == service["id"] and r["status"] == 503]
        return str(failed[0]["json"]["alert"]["AlertGuid"]) if len(failed) == 2 else None

    guid = wait_until(alert_guid, timeout=60)

    def outcomes() -> list[str]:
        return [a["Outcome"] for a in client.api("GET", f"/Alert/{guid}/Message")]

    wait_until(lambda: outcomes()[-1:] == ["failed"], timeout=60)  # dead-lettered
    client.publish_checks(check(monitor, 2, "NoError", _ago(1)))
    wait_until(lambda: _status(client, service["id"]) == "up" and client.service(service["id"])["incidents"])

    assert client.api("POST", "/DeadLetter/Redrive", {"Since": since.isoformat()})["Redriven"] == 1
    wait_until(lambda: outcomes()[-1:] == ["superseded"], timeout=60)
    after: dict[str, Any] = client.service(service["id"])
    assert after["status"] == "up"
    assert [u["state"] for u in after["incidents"][-1]["updates"]] == ["monitoring"]
