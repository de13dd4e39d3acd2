"""End to end on the local stack: status pages beyond up and down (DESIGN 6b) through the StatusHub hook,
StatusHub's API v3 and Statuspage, against the simulators. One minute of ResolveAfterMinutes lasts a
second on the local stack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from local.client import StackClient, check, wait_until

_check_ids = count(900_000)


def now_check(monitor: str, level: str) -> dict[str, Any]:
    # Checks at the wall clock: the sweep resolves on the wall clock too.
    return check(monitor, next(_check_ids), level, datetime.now(UTC) - timedelta(seconds=1))


def link(ids: dict[str, str], **options: Any) -> dict[str, Any]:
    return {"MonitorGuid": ids["monitor"], "IntegrationServiceGuid": ids["service"], **options}


def status_page_setup(
    client: StackClient,
    name: str,
    integration: dict[str, Any],
    service: dict[str, Any],
    links: dict[int, dict[str, Any]],
    attachment: dict[str, Any] | None = None,
) -> dict[str, str]:
    """A monitor, an integration with one service, and a definition whose levels (id -> link options)
    each link the monitor to the service; level N alerts on the Nth confirmed error."""
    monitor = client.api("POST", "/Monitor", {"Name": name, "Url": "https://example.com"})["MonitorGuid"]
    created = client.api("POST", "/Integration", {"Name": f"{name} page", **integration})
    guid = created["IntegrationGuid"]
    service_guid = client.api("POST", f"/Integration/{guid}/Service", service)["IntegrationServiceGuid"]
    definition = client.api("POST", "/AlertDefinition", {"AlertName": name})["AlertDefinitionGuid"]
    client.api("POST", f"/AlertDefinition/{definition}/Member/Monitor/{monitor}")
    ids = {"monitor": monitor, "integration": guid, "service": service_guid}
    for level, options in links.items():
        client.api(
            "PATCH",
            f"/AlertDefinition/{definition}/EscalationLevel/{level}",
            {"IsActive": True, "ThresholdErrorCount": level},
        )
        client.api(
            "POST",
            f"/AlertDefinition/{definition}/EscalationLevel/{level}/Integration",
            {"IntegrationGuid": guid, "StatusHubServiceList": [link(ids, **options)], **(attachment or {})},
        )
    return ids


def hook_service(
    client: StackClient, service_id: str, status: str, states: list[str]
) -> dict[str, Any] | None:
    service = client.service(service_id)
    seen = [incident["state"] for incident in service["incidents"]]
    return service if service["status"] == status and seen == states else None


def test_degraded_then_disruption_then_resolved_after_the_window(client: StackClient) -> None:
    service = client.new_service("Search")
    ids = status_page_setup(
        client,
        "Search degrades",
        {"Type": "Statushub"},
        {"Name": "Search", "Url": service["hook_url"]},
        {
            1: {"ServiceStatus": "degraded-performance", "ResolveAfterMinutes": 2},
            2: {"ResolveAfterMinutes": 2},
        },
    )
    client.publish_checks(now_check(ids["monitor"], "Confirmed"))
    degraded = wait_until(
        lambda: hook_service(client, service["id"], "degraded-performance", ["investigating"])
    )
    assert degraded["incidents"][0]["title"] == "Search degrades is degraded"

    client.publish_checks(now_check(ids["monitor"], "Confirmed"))
    wait_until(lambda: hook_service(client, service["id"], "down", ["investigating", "investigating"]))

    client.publish_checks(now_check(ids["monitor"], "NoError"))
    wait_until(lambda: hook_service(client, service["id"], "up", ["monitoring", "monitoring"]))
    resolved = wait_until(lambda: hook_service(client, service["id"], "up", ["resolved", "resolved"]))
    for incident in resolved["incidents"]:
        assert [u["state"] for u in incident["updates"]] == ["investigating", "monitoring", "resolved"]


def test_without_options_statushub_never_resolves(client: StackClient) -> None:
    service = client.new_service("Billing")
    ids = status_page_setup(
        client, "Billing", {"Type": "Statushub"}, {"Name": "Billing", "Url": service["hook_url"]}, {1: {}}
    )
    client.publish_checks(now_check(ids["monitor"], "Confirmed"))
    wait_until(lambda: hook_service(client, service["id"], "down", ["investigating"]))
    client.publish_checks(now_check(ids["monitor"], "NoError"))
    wait_until(lambda: hook_service(client, service["id"], "up", ["monitoring"]))
    attached = client.api("GET", f"/Integration/{ids['integration']}/Service/{ids['service']}")
    assert "ExternalId" not in attached
    sent = [r["json"] for r in client.statushub("GET", "/api/requests") if r["service_id"] == service["id"]]
    assert [(body["state"], body["service_status"]) for body in sent] == [
        ("investigating", "down"),
        ("monitoring", "up"),
    ]


def test_a_flap_inside_the_window_keeps_one_incident(client: StackClient) -> None:
    service = client.new_service("Login")
    ids = status_page_setup(
        client,
        "Login flaps",
        {"Type": "Statushub"},
        {"Name": "Login", "Url": service["hook_url"]},
        {1: {"ResolveAfterMinutes": 15}},
    )
    for level, status, state in [
        ("Confirmed", "down", "investigating"),
        ("NoError", "up", "monitoring"),
        ("Confirmed", "down", "investigating"),
        ("NoError", "up", "monitoring"),
    ]:
        client.publish_checks(now_check(ids["monitor"], level))
        wait_until(lambda status=status, state=state: hook_service(client, service["id"], status, [state]))
    resolved = wait_until(lambda: hook_service(client, service["id"], "up", ["resolved"]), timeout=60)
    (incident,) = resolved["incidents"]
    states = [u["state"] for u in incident["updates"]]
    assert states == ["investigating", "monitoring", "investigating", "monitoring", "resolved"]


def hub_service(client: StackClient, hub: str, service_id: int) -> dict[str, Any]:
    found: dict[str, Any] = client.statushub("GET", f"/api/hubs/{hub}/services/{service_id}")
    return found


def test_statushub_api_keeps_one_incident_id_paces_writes_and_honours_a_429(client: StackClient) -> None:
    hub = client.statushub("POST", "/api/hubs", {"name": "Shop"})
    service_id = client.statushub("POST", f"/api/hubs/{hub['id']}/services", {"name": "Cart"})["id"]
    ids = status_page_setup(
        client,
        "Cart API",
        {
            "Type": "StatushubApi",
            "Variables": {"HubUrl": hub["api_url"], "Hub": hub["id"], "ApiKey": hub["api_key"]},
        },
        {"Name": "Cart", "ExternalId": str(service_id)},
        {
            1: {"ServiceStatus": "degraded-performance", "ResolveAfterMinutes": 3},
            2: {"ResolveAfterMinutes": 3, "Silent": True},
        },
    )
    client.statushub(
        "POST",
        "/api/faults",
        {"service_id": hub["id"], "status": 429, "count": 1, "headers": {"Retry-After": "1"}},
    )
    client.publish_checks(now_check(ids["monitor"], "Confirmed"))
    wait_until(lambda: hub_service(client, hub["id"], service_id)["status"] == "degraded-performance")
    client.publish_checks(now_check(ids["monitor"], "Confirmed"))
    wait_until(lambda: hub_service(client, hub["id"], service_id)["status"] == "down")
    client.publish_checks(now_check(ids["monitor"], "NoError"))

    def resolved() -> dict[str, Any] | None:
        seen = hub_service(client, hub["id"], service_id)
        return seen if [i["state"] for i in seen["incidents"]] == ["resolved", "resolved"] else None

    incidents = wait_until(resolved, timeout=60)["incidents"]
    assert [[u["state"] for u in i["updates"]] for i in incidents] == [
        ["investigating", "monitoring", "resolved"]
    ] * 2
    assert [i["silent"] for i in incidents] == [False, True]

    writes = [r for r in client.statushub("GET", "/api/requests") if r["service_id"] == hub["id"]]
    assert [r["status"] for r in writes][:2] == [429, 200]  # the 429 was waited out and sent again
    opened = [r for r in writes if r["path"].endswith("/incidents") and r["status"] == 200]
    assert len(opened) == 2  # one per level's incident; every later alert updated its kept id
    times = sorted(datetime.fromisoformat(r["time"].replace("Z", "+00:00")) for r in writes)
    # No six writes within one second: StatusHub allows 5 writes/s.
    assert all(
        later - earlier >= timedelta(seconds=0.99) for earlier, later in zip(times, times[5:], strict=False)
    )


def test_statuspage_sets_component_statuses_and_the_incident(client: StackClient) -> None:
    page = client.statushub("POST", "/api/pages", {"name": "Acme"})
    component = client.statushub("POST", f"/api/pages/{page['id']}/components", {"name": "API"})["id"]
    ids = status_page_setup(
        client,
        "Acme API",
        {
            "Type": "Statuspage",
            "Variables": {"ApiUrl": page["api_url"], "PageId": page["id"], "ApiKey": page["api_key"]},
        },
        {"Name": "API", "ExternalId": component},
        {1: {"ServiceStatus": "degraded-performance", "ResolveAfterMinutes": 2}},
    )

    def component_status() -> str:
        status: str = client.statushub("GET", f"/api/pages/{page['id']}/components/{component}")["status"]
        return status

    client.publish_checks(now_check(ids["monitor"], "Confirmed"))
    wait_until(lambda: component_status() == "degraded_performance")
    client.publish_checks(now_check(ids["monitor"], "NoError"))
    wait_until(lambda: component_status() == "operational")

    def resolved() -> list[dict[str, Any]] | None:
        incidents: list[dict[str, Any]] = client.statushub("GET", f"/api/pages/{page['id']}/incidents")
        return incidents if incidents and incidents[0]["status"] == "resolved" else None

    (incident,) = wait_until(resolved, timeout=60)
    # Statuspage lists an incident's updates newest first.
    assert [u["status"] for u in incident["incident_updates"]] == ["resolved", "monitoring", "investigating"]
    assert component_status() == "operational"


def maintenance_soon(client: StackClient, monitor: str, seconds: int) -> None:
    """A one-time maintenance period of the monitor, starting in two seconds."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    period = {
        "ScheduleMode": "OneTime",
        "StartDateTime": start.isoformat(),
        "EndDateTime": (start + timedelta(seconds=seconds)).isoformat(),
        "Description": "Database upgrade",
    }
    client.api("POST", f"/Monitor/{monitor}/MaintenancePeriod", period)


def test_statushub_api_shows_a_maintenance_window_while_it_lasts(client: StackClient) -> None:
    hub = client.statushub("POST", "/api/hubs", {"name": "Docs"})
    service_id = client.statushub("POST", f"/api/hubs/{hub['id']}/services", {"name": "Search"})["id"]
    ids = status_page_setup(
        client,
        "Docs search",
        {
            "Type": "StatushubApi",
            "Variables": {"HubUrl": hub["api_url"], "Hub": hub["id"], "ApiKey": hub["api_key"]},
        },
        {"Name": "Search", "ExternalId": str(service_id)},
        {1: {"ServiceStatus": "degraded-performance"}},
        {"PublishMaintenance": True},
    )
    maintenance_soon(client, ids["monitor"], 20)

    def phase(state: str, status: str) -> dict[str, Any] | None:
        seen = hub_service(client, hub["id"], service_id)
        states = [m["state"] for m in seen["maintenances"]]
        return seen if states == [state] and seen["status"] == status else None

    wait_until(lambda: phase("in_progress", "degraded-performance"))
    done = wait_until(lambda: phase("completed", "up"), timeout=60)
    assert done["incidents"] == []  # a maintenance window is not an incident
    created = [
        r
        for r in client.statushub("GET", "/api/requests")
        if r["service_id"] == hub["id"] and r["path"].endswith("/maintenances")
    ]
    assert [r["status"] for r in created] == [200]  # published once, though the sweep ran all along
    assert created[0]["json"]["body"] == "Database upgrade"


def test_statuspage_shows_a_scheduled_maintenance_on_the_component_while_it_lasts(
    client: StackClient,
) -> None:
    page = client.statushub("POST", "/api/pages", {"name": "Docs"})
    component = client.statushub("POST", f"/api/pages/{page['id']}/components", {"name": "Search"})["id"]
    ids = status_page_setup(
        client,
        "Docs search page",
        {
            "Type": "Statuspage",
            "Variables": {"ApiUrl": page["api_url"], "PageId": page["id"], "ApiKey": page["api_key"]},
        },
        {"Name": "Search", "ExternalId": component},
        {1: {"ServiceStatus": "partial-outage"}},
        {"PublishMaintenance": True},
    )
    maintenance_soon(client, ids["monitor"], 20)

    def phase(status: str, component_status: str) -> list[dict[str, Any]] | None:
        incidents: list[dict[str, Any]] = client.statushub("GET", f"/api/pages/{page['id']}/incidents")
        seen = client.statushub("GET", f"/api/pages/{page['id']}/components/{component}")["status"]
        statuses = [i["status"] for i in incidents]
        return incidents if statuses == [status] and seen == component_status else None

    wait_until(lambda: phase("in_progress", "under_maintenance"))
    (done,) = wait_until(lambda: phase("completed", "operational"), timeout=60)
    assert done["name"] == "Maintenance: Docs search page"
    assert done["impact"] == "maintenance"


def test_statuspage_partial_outage_link_sets_the_component_partial_outage(client: StackClient) -> None:
    page = client.statushub("POST", "/api/pages", {"name": "Shop"})
    component = client.statushub("POST", f"/api/pages/{page['id']}/components", {"name": "Cart"})["id"]
    ids = status_page_setup(
        client,
        "Shop cart",
        {
            "Type": "Statuspage",
            "Variables": {"ApiUrl": page["api_url"], "PageId": page["id"], "ApiKey": page["api_key"]},
        },
        {"Name": "Cart", "ExternalId": component},
        {1: {"ServiceStatus": "partial-outage"}},
    )
    client.publish_checks(now_check(ids["monitor"], "Confirmed"))

    def component_status() -> str:
        status: str = client.statushub("GET", f"/api/pages/{page['id']}/components/{component}")["status"]
        return status

    wait_until(lambda: component_status() == "partial_outage")
    (incident,) = client.statushub("GET", f"/api/pages/{page['id']}/incidents")
    assert (incident["status"], incident["name"]) == ("investigating", "Shop cart is partly down")


def _edited_then_deleted(client: StackClient, monitor: str, seen_end: Any, ended: Any) -> None:
    """A published window: its period edited mid-window (a later end), then deleted before that end.
    `seen_end()` reads the end the page shows (None before it shows one), `ended()` the completion."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    period = {
        "ScheduleMode": "OneTime",
        "StartDateTime": start.isoformat(),
        "EndDateTime": (start + timedelta(seconds=90)).isoformat(),
        "Description": "Database upgrade",
    }
    created = client.api("POST", f"/Monitor/{monitor}/MaintenancePeriod", period)
    path = f"/Monitor/{monitor}/MaintenancePeriod/{created['Id']}"
    wait_until(lambda: seen_end() == start + timedelta(seconds=90), timeout=60)
    later = start + timedelta(minutes=10)
    client.api("PUT", path, {**period, "Id": created["Id"], "EndDateTime": later.isoformat()})
    wait_until(lambda: seen_end() == later, timeout=60)
    client.api("DELETE", path)
    wait_until(ended, timeout=60)


def test_an_edited_then_deleted_maintenance_period_moves_then_completes_the_statuspage_window(
    client: StackClient,
) -> None:
    page = client.statushub("POST", "/api/pages", {"name": "Edits"})
    component = client.statushub("POST", f"/api/pages/{page['id']}/components", {"name": "Search"})["id"]
    ids = status_page_setup(
        client,
        "Edited window page",
        {
            "Type": "Statuspage",
            "Variables": {"ApiUrl": page["api_url"], "PageId": page["id"], "ApiKey": page["api_key"]},
        },
        {"Name": "Search", "ExternalId": component},
        {1: {}},
        {"PublishMaintenance": True},
    )

    def incidents() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = client.statushub("GET", f"/api/pages/{page['id']}/incidents")
        return found

    def seen_end() -> datetime | None:
        windows = incidents()
        return datetime.fromisoformat(windows[0]["scheduled_until"]) if len(windows) == 1 else None

    def ended() -> bool:
        seen = client.statushub("GET", f"/api/pages/{page['id']}/components/{component}")["status"]
        return [i["status"] for i in incidents()] == ["completed"] and seen == "operational"

    _edited_then_deleted(client, ids["monitor"], seen_end, ended)


def test_an_edited_then_deleted_maintenance_period_moves_then_ends_the_statushub_event(
    client: StackClient,
) -> None:
    hub = client.statushub("POST", "/api/hubs", {"name": "Edits"})
    service_id = client.statushub("POST", f"/api/hubs/{hub['id']}/services", {"name": "Search"})["id"]
    ids = status_page_setup(
        client,
        "Edited window hub",
        {
            "Type": "StatushubApi",
            "Variables": {"HubUrl": hub["api_url"], "Hub": hub["id"], "ApiKey": hub["api_key"]},
        },
        {"Name": "Search", "ExternalId": str(service_id)},
        {1: {}},
        {"PublishMaintenance": True},
    )

    def seen_end() -> datetime | None:
        events = hub_service(client, hub["id"], service_id)["maintenances"]
        return datetime.fromisoformat(events[0]["end"]) if len(events) == 1 else None

    def ended() -> bool:
        seen = hub_service(client, hub["id"], service_id)
        return seen["maintenances"] == [] and seen["status"] == "up"

    _edited_then_deleted(client, ids["monitor"], seen_end, ended)
