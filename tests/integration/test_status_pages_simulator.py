"""The status-page simulators: StatusHub API v3 and Atlassian Statuspage v1, strict like the real APIs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from local.status_pages import StatusPagesSimulator, create_status_pages_app

if TYPE_CHECKING:
    from flask.testing import FlaskClient
    from werkzeug.test import TestResponse

START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(clock: FakeClock) -> FlaskClient:
    return create_status_pages_app(clock).test_client()


def body_of(response: TestResponse) -> Any:
    return response.get_json()


# StatusHub API v3


def create_hub(client: FlaskClient) -> tuple[dict[str, Any], int]:
    hub = client.post("/api/hubs", json={"name": "Acme"})
    assert hub.status_code == 201
    service = client.post(f"/api/hubs/{body_of(hub)['id']}/services", json={"name": "Checkout API"})
    assert service.status_code == 201
    return body_of(hub), body_of(service)["id"]


def incident_body(service_id: int, **changes: Any) -> dict[str, Any]:
    payload = {
        "title": "Checkout API is down",
        "start_time": stamp(START),
        "incident_type": "investigating",
        "body": "3 of 3 checkpoints failed.",
        "service_statuses": [{"service_id": service_id, "status": "down"}],
    }
    return payload | changes


def v3(client: FlaskClient, hub: dict[str, Any], method: str, path: str, **kwargs: Any) -> TestResponse:
    headers = {"X-API-KEY": hub["api_key"]} | kwargs.pop("headers", {})
    return client.open(f"/api/v3/hubs/{hub['id']}{path}", method=method, headers=headers, **kwargs)


def service_view(client: FlaskClient, hub: dict[str, Any], service_id: int) -> dict[str, Any]:
    view: dict[str, Any] = body_of(client.get(f"/api/hubs/{hub['id']}/services/{service_id}"))
    return view


def test_admin_creates_a_hub_with_a_v3_api_url_and_a_service_that_starts_up(client: FlaskClient) -> None:
    hub, service_id = create_hub(client)

    assert hub["api_url"] == "http://localhost/api/v3"
    assert len(hub["api_key"]) == 32
    assert isinstance(service_id, int)
    assert service_view(client, hub, service_id) == {
        "id": service_id,
        "name": "Checkout API",
        "status": "up",
        "incidents": [],
        "maintenances": [],
    }
    assert client.post("/api/hubs", json={"name": ""}).status_code == 400
    assert client.post("/api/hubs/nope/services", json={"name": "x"}).status_code == 404


def test_v3_refuses_a_missing_or_wrong_api_key_and_another_hubs_key(client: FlaskClient) -> None:
    hub, service_id = create_hub(client)
    other, _ = create_hub(client)

    missing = client.post(f"/api/v3/hubs/{hub['id']}/incidents", json=incident_body(service_id))
    wrong = v3(
        client, hub, "POST", "/incidents", json=incident_body(service_id), headers={"X-API-KEY": "nope"}
    )
    foreign = v3(
        client,
        hub,
        "POST",
        "/incidents",
        json=incident_body(service_id),
        headers={"X-API-KEY": other["api_key"]},
    )

    assert (missing.status_code, wrong.status_code, foreign.status_code) == (401, 401, 404)
    assert service_view(client, hub, service_id)["incidents"] == []


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"title": None}, "title"),
        ({"title": "<b>down</b>"}, "title"),
        ({"incident_type": "broken"}, "incident_type"),
        ({"incident_type": "resolved"}, "incident_type"),
        ({"start_time": "2024-05-01 12:00"}, "start_time"),
        ({"start_time": stamp(START + timedelta(minutes=1))}, "start_time"),
        ({"service_statuses": []}, "service_statuses"),
        ({"service_statuses": [{"service_id": 1, "status": "down"}]}, "service_statuses"),
        ({"silent": "yes"}, "silent"),
        ({"state": "live"}, "state"),
    ],
)
def test_v3_incident_create_validates_required_fields_and_enums(
    client: FlaskClient, changes: dict[str, Any], named: str
) -> None:
    hub, service_id = create_hub(client)
    payload = {k: v for k, v in (incident_body(service_id) | changes).items() if v is not None}

    response = v3(client, hub, "POST", "/incidents", json=payload)

    assert response.status_code == 422
    assert body_of(response)["error"].startswith(named)


def test_v3_rejects_an_unknown_service_status(client: FlaskClient) -> None:
    hub, service_id = create_hub(client)
    statuses = [{"service_id": service_id, "status": "major_outage"}]

    response = v3(
        client, hub, "POST", "/incidents", json=incident_body(service_id, service_statuses=statuses)
    )

    assert response.status_code == 422
    assert "up, degraded-performance, down" in body_of(response)["error"]


def test_v3_incident_lifecycle_keeps_one_id_and_drives_the_service_status(
    client: FlaskClient, clock: FakeClock
) -> None:
    hub, service_id = create_hub(client)
    degraded = [{"service_id": service_id, "status": "degraded-performance"}]
    created = v3(client, hub, "POST", "/incidents", json=incident_body(service_id, service_statuses=degraded))
    assert created.status_code == 200
    incident_id = body_of(created)["id"]
    assert service_view(client, hub, service_id)["status"] == "degraded-performance"

    clock.advance(60)
    down = incident_body(service_id, start_time=stamp(clock.now), incident_type="identified")
    assert v3(client, hub, "POST", f"/incidents/{incident_id}/incident_updates", json=down).status_code == 200
    assert service_view(client, hub, service_id)["status"] == "down"

    clock.advance(60)
    up = [{"service_id": service_id, "status": "up"}]
    ok = incident_body(
        service_id, start_time=stamp(clock.now), incident_type="monitoring", service_statuses=up
    )
    ok["silent"] = True
    assert v3(client, hub, "POST", f"/incidents/{incident_id}/incident_updates", json=ok).status_code == 200
    view = service_view(client, hub, service_id)
    assert (view["status"], view["incidents"][0]["state"], view["incidents"][0]["silent"]) == (
        "up",
        "monitoring",
        True,
    )

    clock.advance(60)
    resolved = incident_body(service_id, start_time=stamp(clock.now), incident_type="resolved")
    refused = v3(client, hub, "POST", f"/incidents/{incident_id}/incident_updates", json=resolved)
    assert refused.status_code == 422
    assert "forbidden" in body_of(refused)["error"]
    del resolved["service_statuses"]
    assert (
        v3(client, hub, "POST", f"/incidents/{incident_id}/incident_updates", json=resolved).status_code
        == 200
    )

    view = service_view(client, hub, service_id)
    assert [i["id"] for i in view["incidents"]] == [incident_id]
    assert [u["state"] for u in view["incidents"][0]["updates"]] == [
        "investigating",
        "identified",
        "monitoring",
        "resolved",
    ]
    incident = body_of(v3(client, hub, "GET", f"/incidents/{incident_id}"))
    assert incident["last_incident_type"] == "resolved"
    assert incident["end_time"] == stamp(clock.now)
    assert v3(client, hub, "POST", "/incidents/999/incident_updates", json=resolved).status_code == 404


def test_v3_an_update_with_the_same_start_time_is_still_the_latest(client: FlaskClient) -> None:
    hub, service_id = create_hub(client)
    incident_id = body_of(v3(client, hub, "POST", "/incidents", json=incident_body(service_id)))["id"]
    up = [{"service_id": service_id, "status": "up"}]

    ok = incident_body(service_id, incident_type="monitoring", service_statuses=up)
    v3(client, hub, "POST", f"/incidents/{incident_id}/incident_updates", json=ok)

    view = service_view(client, hub, service_id)
    assert (view["status"], view["incidents"][0]["state"]) == ("up", "monitoring")


def test_v3_answers_429_with_retry_after_past_five_writes_a_second(
    client: FlaskClient, clock: FakeClock
) -> None:
    hub, service_id = create_hub(client)

    # A refused write still counts against the limit, as it does on StatusHub.
    answers = [v3(client, hub, "POST", "/incidents", json={}).status_code for _ in range(5)]
    limited = v3(client, hub, "POST", "/incidents", json=incident_body(service_id))
    reads = [v3(client, hub, "GET", "/incidents").status_code for _ in range(30)]
    too_many_reads = v3(client, hub, "GET", "/incidents")
    clock.advance(1)
    after = v3(client, hub, "POST", "/incidents", json=incident_body(service_id, start_time=stamp(clock.now)))

    assert answers == [422] * 5
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "1"
    assert body_of(limited) == {"error": "Too many requests - please retry later"}
    assert reads == [200] * 30
    assert too_many_reads.status_code == 429
    assert after.status_code == 200


def test_v3_maintenance_event_shows_while_it_lasts(client: FlaskClient, clock: FakeClock) -> None:
    hub, service_id = create_hub(client)
    window = {
        "title": "Database upgrade",
        "start_time": stamp(START + timedelta(minutes=10)),
        "end_time": stamp(START + timedelta(minutes=40)),
        "service_statuses": [{"service_id": service_id, "status": "down"}],
    }
    backwards = window | {"end_time": stamp(START)}
    assert v3(client, hub, "POST", "/maintenances", json=backwards).status_code == 422
    assert v3(client, hub, "POST", "/maintenances", json=window | {"end_time": None}).status_code == 422

    created = v3(client, hub, "POST", "/maintenances", json=window)
    assert created.status_code == 200
    phases = []
    for minutes in (0, 15, 45):
        clock.now = START + timedelta(minutes=minutes)
        view = service_view(client, hub, service_id)
        phases.append((view["status"], view["maintenances"][0]["state"]))

    assert phases == [("up", "scheduled"), ("down", "in_progress"), ("up", "completed")]
    assert body_of(v3(client, hub, "GET", "/maintenances"))["data"][0]["id"] == body_of(created)["id"]


# Atlassian Statuspage v1


def create_page(client: FlaskClient) -> tuple[dict[str, Any], str]:
    page = client.post("/api/pages", json={"name": "Acme status"})
    assert page.status_code == 201
    component = client.post(f"/api/pages/{body_of(page)['id']}/components", json={"name": "Checkout API"})
    assert component.status_code == 201
    return body_of(page), body_of(component)["id"]


def sp(
    client: FlaskClient, clock: FakeClock, page: dict[str, Any], method: str, path: str, **kwargs: Any
) -> TestResponse:
    """One paced Statuspage call: a second apart, so only the rate-limit test meets the limit."""
    clock.advance(1)
    headers = {"Authorization": f"OAuth {page['api_key']}"} | kwargs.pop("headers", {})
    return client.open(f"/v1/pages/{page['id']}{path}", method=method, headers=headers, **kwargs)


def component_status(client: FlaskClient, page: dict[str, Any], component_id: str) -> str:
    status: str = body_of(client.get(f"/api/pages/{page['id']}/components/{component_id}"))["status"]
    return status


def test_admin_creates_a_page_with_a_v1_api_url_and_an_operational_component(client: FlaskClient) -> None:
    page, component_id = create_page(client)

    assert page["api_url"] == "http://localhost/v1"
    assert body_of(client.get(f"/api/pages/{page['id']}/components/{component_id}")) == {
        "id": component_id,
        "name": "Checkout API",
        "status": "operational",
    }
    assert body_of(client.get(f"/api/pages/{page['id']}/incidents")) == []


@pytest.mark.parametrize("authorization", [None, "Bearer {key}", "Oauth {key}", "OAuth wrong"])
def test_statuspage_refuses_anything_but_an_oauth_header_with_the_key(
    client: FlaskClient, clock: FakeClock, authorization: str | None
) -> None:
    page, _ = create_page(client)
    headers = {} if authorization is None else {"Authorization": authorization.format(key=page["api_key"])}

    clock.advance(1)
    response = client.get(f"/v1/pages/{page['id']}/components", headers=headers)

    assert response.status_code == 401


def test_statuspage_accepts_the_api_key_query_parameter(client: FlaskClient) -> None:
    page, _ = create_page(client)

    response = client.get(f"/v1/pages/{page['id']}/components?api_key={page['api_key']}")

    assert response.status_code == 200
    assert [c["name"] for c in body_of(response)] == ["Checkout API"]


def test_statuspage_component_status_is_an_enum_inside_a_component_wrapper(
    client: FlaskClient, clock: FakeClock
) -> None:
    page, component_id = create_page(client)
    path = f"/components/{component_id}"

    assert sp(client, clock, page, "PATCH", path, json={"status": "major_outage"}).status_code == 400
    assert sp(client, clock, page, "PATCH", path, json={"component": {"status": "down"}}).status_code == 422
    patched = sp(client, clock, page, "PATCH", path, json={"component": {"status": "partial_outage"}})

    assert patched.status_code == 200
    assert body_of(patched)["status"] == "partial_outage"
    assert component_status(client, page, component_id) == "partial_outage"


@pytest.mark.parametrize(
    ("incident", "named"),
    [
        ({"status": "investigating"}, "name"),
        ({"name": "Down", "status": "broken"}, "status"),
        ({"name": "Down", "status": "scheduled"}, "status"),
        ({"name": "Down", "components": {"nope": "major_outage"}}, "components"),
        ({"name": "Down", "impact_override": "huge"}, "impact_override"),
        ({"name": "Down", "deliver_notifications": "no"}, "deliver_notifications"),
        ({"name": "x" * 256}, "name"),
    ],
)
def test_statuspage_incident_create_validates_fields_and_enums(
    client: FlaskClient, clock: FakeClock, incident: dict[str, Any], named: str
) -> None:
    page, _ = create_page(client)

    response = sp(client, clock, page, "POST", "/incidents", json={"incident": incident})

    assert response.status_code == 422
    assert body_of(response)["error"].startswith(named)
    assert sp(client, clock, page, "POST", "/incidents", json=incident).status_code == 400


def test_statuspage_incident_lifecycle_with_component_statuses(client: FlaskClient, clock: FakeClock) -> None:
    page, component_id = create_page(client)
    created = sp(
        client,
        clock,
        page,
        "POST",
        "/incidents",
        json={
            "incident": {
                "name": "Checkout API is down",
                "status": "investigating",
                "body": "3 of 3 checkpoints failed.",
                "component_ids": [component_id],
                "components": {component_id: "major_outage"},
                "deliver_notifications": True,
            }
        },
    )
    assert created.status_code == 201
    incident = body_of(created)
    assert (incident["status"], incident["impact"]) == ("investigating", "critical")
    assert component_status(client, page, component_id) == "major_outage"

    ok = {"status": "monitoring", "body": "Checks pass again.", "components": {component_id: "operational"}}
    assert (
        sp(client, clock, page, "PATCH", f"/incidents/{incident['id']}", json={"incident": ok}).status_code
        == 200
    )
    assert component_status(client, page, component_id) == "operational"
    assert (
        sp(
            client,
            clock,
            page,
            "PATCH",
            f"/incidents/{incident['id']}",
            json={"incident": {"status": "completed"}},
        ).status_code
        == 422
    )
    resolved = sp(
        client, clock, page, "PUT", f"/incidents/{incident['id']}", json={"incident": {"status": "resolved"}}
    )
    assert resolved.status_code == 200

    [listed] = body_of(client.get(f"/api/pages/{page['id']}/incidents"))
    assert listed["id"] == incident["id"]
    assert listed["resolved_at"] == stamp(clock.now)
    assert [u["status"] for u in listed["incident_updates"]] == ["resolved", "monitoring", "investigating"]
    assert [c["id"] for c in listed["components"]] == [component_id]
    assert listed["incident_updates"][1]["affected_components"] == [
        {
            "code": component_id,
            "name": "Checkout API",
            "old_status": "major_outage",
            "new_status": "operational",
        }
    ]
    assert sp(client, clock, page, "GET", "/incidents/nope").status_code == 404


def test_statuspage_answers_429_with_retry_after_past_one_request_a_second(
    client: FlaskClient, clock: FakeClock
) -> None:
    page, _ = create_page(client)
    headers = {"Authorization": f"OAuth {page['api_key']}"}

    first = client.get(f"/v1/pages/{page['id']}/components", headers=headers)
    second = client.get(f"/v1/pages/{page['id']}/components", headers=headers)
    clock.advance(0.5)
    still = client.get(f"/v1/pages/{page['id']}/incidents", headers=headers)
    clock.advance(0.5)
    later = client.get(f"/v1/pages/{page['id']}/components", headers=headers)

    assert (first.status_code, second.status_code, still.status_code, later.status_code) == (
        200,
        429,
        429,
        200,
    )
    assert second.headers["Retry-After"] == "1"


def test_statuspage_scheduled_maintenance_moves_in_progress_then_completed(
    client: FlaskClient, clock: FakeClock
) -> None:
    page, component_id = create_page(client)
    window = {
        "name": "Database upgrade",
        "status": "scheduled",
        "scheduled_for": stamp(START + timedelta(minutes=10)),
        "scheduled_until": stamp(START + timedelta(minutes=40)),
        "scheduled_auto_in_progress": True,
        "scheduled_auto_completed": True,
        "component_ids": [component_id],
    }
    backwards = window | {"scheduled_until": stamp(START)}
    assert sp(client, clock, page, "POST", "/incidents", json={"incident": backwards}).status_code == 422
    assert (
        sp(
            client, clock, page, "POST", "/incidents", json={"incident": window | {"status": "investigating"}}
        ).status_code
        == 422
    )

    created = sp(client, clock, page, "POST", "/incidents", json={"incident": window})
    assert created.status_code == 201
    assert (body_of(created)["status"], body_of(created)["impact"]) == ("scheduled", "maintenance")

    seen = []
    for minutes in (15, 45):
        clock.now = START + timedelta(minutes=minutes)
        [incident] = body_of(client.get(f"/api/pages/{page['id']}/incidents"))
        seen.append((incident["status"], component_status(client, page, component_id)))

    assert seen == [("in_progress", "under_maintenance"), ("completed", "operational")]


# The browser page and the shared request log


def test_page_shows_hubs_services_incidents_maintenance_and_components(client: FlaskClient) -> None:
    hub, service_id = create_hub(client)
    v3(client, hub, "POST", "/incidents", json=incident_body(service_id))
    window = {
        "title": "Database upgrade",
        "start_time": stamp(START - timedelta(minutes=5)),
        "end_time": stamp(START + timedelta(minutes=30)),
        "service_statuses": [{"service_id": service_id, "status": "degraded-performance"}],
    }
    v3(client, hub, "POST", "/maintenances", json=window)
    page, component_id = create_page(client)
    client.patch(
        f"/v1/pages/{page['id']}/components/{component_id}",
        headers={"Authorization": f"OAuth {page['api_key']}"},
        json={"component": {"status": "major_outage"}},
    )

    html = client.get("/status-pages").get_data(as_text=True)

    for text in ("Acme", "Checkout API is down", "Service disruption", "Investigating", "Database upgrade"):
        assert text in html
    assert "Acme status" in html
    assert "Major outage" in html
    assert "Acme status" not in client.get(f"/status-pages/hubs/{hub['id']}").get_data(as_text=True)
    assert client.get(f"/status-pages/pages/{page['id']}").status_code == 200
    assert client.get("/status-pages/hubs/nope").status_code == 404


def test_over_http_requests_are_logged_and_faults_injected_per_hub() -> None:
    with StatusPagesSimulator() as sim, httpx.Client(base_url=sim.url, timeout=5) as http:
        hub = http.post("/api/hubs", json={"name": "Acme"}).json()
        service_id = http.post(f"/api/hubs/{hub['id']}/services", json={"name": "Checkout API"}).json()["id"]
        fault = {"service_id": hub["id"], "status": 503, "count": 1, "headers": {"Retry-After": "2"}}
        assert http.post("/api/faults", json=fault).status_code == 201
        payload = incident_body(service_id, start_time=stamp(datetime.now(UTC)))
        headers = {"X-API-KEY": hub["api_key"]}

        failed = http.post(f"/api/v3/hubs/{hub['id']}/incidents", json=payload, headers=headers)
        created = http.post(f"/api/v3/hubs/{hub['id']}/incidents", json=payload, headers=headers)
        log = http.get("/api/requests").json()

        assert (failed.status_code, failed.headers["Retry-After"], created.status_code) == (503, "2", 200)
        assert [(e["service_id"], e["status"]) for e in log] == [(hub["id"], 503), (hub["id"], 200)]
        assert log[1]["json"] == payload
        assert http.post("/api/status-pages/reset").status_code == 204
        assert http.get(f"/api/hubs/{hub['id']}/services/{service_id}").status_code == 404
