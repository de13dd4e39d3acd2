"""The StatusHub simulator over real HTTP: the hook contract, fault injection and the live page."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from local.statushub import StatusHubSimulator

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with StatusHubSimulator() as hub, httpx.Client(base_url=hub.url, timeout=5) as http:
        yield http


def create_service(client: httpx.Client, name: str = "Checkout API") -> dict[str, Any]:
    response = client.post("/api/services", json={"name": name})
    assert response.status_code == 201
    service: dict[str, Any] = response.json()
    return service


def incident(**changes: Any) -> dict[str, Any]:
    payload = {
        "type": "incident",
        "id": "inc-42",
        "title": "Checkout API is down",
        "description": "3 of 3 checkpoints failed.",
        "start_time": "2024-05-01T12:00:00Z",
        "state": "investigating",
        "service_status": "down",
        "alert": {"monitor": "checkout"},
    }
    return payload | changes


def post_hook(client: httpx.Client, service: dict[str, Any], payload: dict[str, Any]) -> httpx.Response:
    return client.post(service["hook_url"], json=payload)


def service_state(client: httpx.Client, service: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = client.get(f"/api/services/{service['id']}").json()
    return state


def test_a_new_service_gets_a_statushub_like_hook_url(client: httpx.Client) -> None:
    service = create_service(client)

    base = re.escape(str(client.base_url).rstrip("/"))
    assert re.fullmatch(rf"{base}/hooks/uptrends\?token=[0-9a-f]{{16}}", service["hook_url"])
    assert service["status"] == "up"
    assert service_state(client, service)["incidents"] == []
    assert client.post("/api/services", json={"name": ""}).status_code == 400


def test_an_incident_goes_down_then_recovers_as_one_incident(client: httpx.Client) -> None:
    service = create_service(client)

    opened = post_hook(client, service, incident())
    assert opened.json() == {"ok": True, "incident_id": "inc-42"}
    down = service_state(client, service)
    assert down["status"] == "down"
    assert [(i["id"], i["state"]) for i in down["incidents"]] == [("inc-42", "investigating")]

    post_hook(client, service, incident(state="monitoring", service_status="up", description="Recovered."))
    up = service_state(client, service)
    assert up["status"] == "up"
    [only] = up["incidents"]
    assert only["state"] == "monitoring"
    assert [(u["state"], u["body"]) for u in only["updates"]] == [
        ("investigating", "3 of 3 checkpoints failed."),
        ("monitoring", "Recovered."),
    ]
    assert all(u["time"].endswith("Z") for u in only["updates"])


def test_an_unknown_token_is_rejected_and_still_logged(client: httpx.Client) -> None:
    response = client.post("/hooks/uptrends?token=0000000000000000", json=incident())

    assert response.status_code == 404
    assert response.json() == {"error": "unknown token"}
    [logged] = client.get("/api/requests").json()
    assert (logged["service_id"], logged["status"]) == (None, 404)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (incident(state="open"), "state"),
        (incident(start_time="2024-05-01 12:00:00"), "start_time"),
        (incident(start_time="2024-05-01T12:00:00+00:00"), "start_time"),
        ({k: v for k, v in incident().items() if k != "id"}, "id"),
    ],
)
def test_an_invalid_payload_is_422_and_changes_nothing(
    client: httpx.Client, payload: dict[str, Any], field: str
) -> None:
    service = create_service(client)

    response = post_hook(client, service, payload)

    assert response.status_code == 422
    assert response.json()["error"].startswith(field)
    assert service_state(client, service)["status"] == "up"
    assert service_state(client, service)["incidents"] == []


def test_a_status_fault_answers_for_count_requests_then_the_hook_works(client: httpx.Client) -> None:
    service = create_service(client)
    assert client.post("/api/faults", json={"status": 503, "count": 2}).status_code == 201

    statuses = [post_hook(client, service, incident()).status_code for _ in range(3)]

    assert statuses == [503, 503, 200]
    assert [r["status"] for r in client.get("/api/requests").json()] == [503, 503, 200]
    assert client.get("/api/faults").json() == []
    [only] = service_state(client, service)["incidents"]
    assert len(only["updates"]) == 1


def test_a_fault_sends_its_headers(client: httpx.Client) -> None:
    service = create_service(client)
    client.post("/api/faults", json={"status": 429, "count": 1, "headers": {"Retry-After": "3"}})

    response = post_hook(client, service, incident())

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    assert response.json() == {"error": "injected fault"}


def test_a_per_service_fault_leaves_other_services_alone(client: httpx.Client) -> None:
    flaky, healthy = create_service(client, "Flaky"), create_service(client, "Healthy")
    client.post("/api/faults", json={"service_id": flaky["id"], "status": 500, "count": 1})

    assert post_hook(client, healthy, incident()).status_code == 200
    assert post_hook(client, flaky, incident()).status_code == 500
    assert post_hook(client, flaky, incident()).status_code == 200


def test_a_delay_fault_is_slow_but_still_applies_the_update(client: httpx.Client) -> None:
    service = create_service(client)
    client.post("/api/faults", json={"delay_s": 0.3, "count": 1})

    started = time.monotonic()
    response = post_hook(client, service, incident())

    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200
    assert service_state(client, service)["status"] == "down"


@pytest.mark.parametrize("body", [{"count": 0, "status": 503}, {"count": 1}, {"count": 1, "delay_s": "1"}])
def test_an_invalid_fault_is_400(client: httpx.Client, body: dict[str, Any]) -> None:
    assert client.post("/api/faults", json=body).status_code == 400


def test_the_page_shows_the_disruption_and_escapes_titles(client: httpx.Client) -> None:
    assert "No services yet" in client.get("/").text
    service = create_service(client)
    token = service["hook_url"].rsplit("=", 1)[1]

    post_hook(client, service, incident(title="<script>alert(1)</script>"))
    page = client.get("/").text

    assert "Service disruption" in page
    assert "Investigating" in page
    assert "&lt;script&gt;" in page
    assert "<script>" not in page
    assert token not in page
    assert f"token={token[:4]}…" in page
    assert "Service disruption" in client.get(f"/services/{service['id']}").text


def test_resolving_by_hand_and_reset(client: httpx.Client) -> None:
    service = create_service(client)
    post_hook(client, service, incident())

    resolved = client.post(f"/api/services/{service['id']}/incidents/inc-42/resolve")

    assert resolved.json()["state"] == "resolved"
    assert client.post("/api/reset").status_code == 204
    assert client.get("/api/services").json() == []
    assert client.get("/api/requests").json() == []


def test_a_receiver_keeps_every_request_and_answers_its_canned_body(client: httpx.Client) -> None:
    plain = client.post("/api/receivers", json={}).json()
    canned = client.post("/api/receivers", json={"status": 201, "body": {"result": {"sys_id": "a1"}}}).json()

    assert client.post(plain["url"], json={"x": 1}).json() == {"ok": True, "received": 1}
    answer = client.patch(f"{canned['url']}/api/now/table/incident/a1", json={"state": "6"})
    assert (answer.status_code, answer.json()) == (201, {"result": {"sys_id": "a1"}})
    (kept,) = client.get(f"/api/receivers/{canned['id']}").json()["requests"]
    assert (kept["method"], kept["path"], kept["json"]) == (
        "PATCH",
        f"/receivers/{canned['id']}/api/now/table/incident/a1",
        {"state": "6"},
    )
