"""The local stack under concurrent clients answers each one as it answers a client alone (issue 16).

Each client runs the same session of creates, reads, PATCHes and deletes across resources on resources of
its own; its transcript (status codes and bodies, with its generated ids and its name tag replaced by
placeholders) must equal the transcript of the same session run by one client with nobody else about. Two
more clients keep listing monitors meanwhile, as in the issue's report.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import boto3
import httpx
import pytest

from local.client import StackClient, check, wait_until

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
T = TypeVar("T")
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@dataclass
class Transcript:
    """What one client saw, with its own ids and tag replaced so two clients' transcripts compare."""

    tag: str
    exchanges: list[tuple[str, str, int, str]] = field(default_factory=list)
    _ids: dict[str, str] = field(default_factory=dict)

    def normalized(self, text: str) -> str:
        def placeholder(match: re.Match[str]) -> str:
            return self._ids.setdefault(match[0], f"<id{len(self._ids) + 1}>")

        return GUID.sub(placeholder, text.replace(self.tag, "<tag>"))

    def call(self, http: httpx.Client, method: str, path: str, body: Any = None) -> Any:
        response = http.request(method, path, json=body)
        self.exchanges.append(
            (method, self.normalized(path), response.status_code, self.normalized(response.text))
        )
        return response.json() if response.content and response.status_code < 300 else None


def crud_session(http: httpx.Client, tag: str) -> Transcript:
    """32 requests across monitors, integrations and their services, operators and alert definitions."""
    t = Transcript(tag)
    monitor = t.call(http, "POST", "/Monitor", {"Name": f"{tag} shop", "Url": "https://shop.example"})
    m = f"/Monitor/{monitor['MonitorGuid']}"
    t.call(http, "GET", m)
    t.call(http, "PATCH", m, {"Name": f"{tag} shop renamed"})
    t.call(http, "GET", m)
    t.call(http, "POST", "/Monitor", {"Url": 5})
    integration = t.call(http, "POST", "/Integration", {"Name": f"{tag} hub", "Type": "Statushub"})
    i = f"/Integration/{integration['IntegrationGuid']}"
    service = t.call(http, "POST", f"{i}/Service", {"Name": f"{tag} svc", "Url": "https://hub.example/h"})
    s = f"{i}/Service/{service['IntegrationServiceGuid']}"
    t.call(http, "GET", f"{i}/Service")
    t.call(http, "GET", s)
    t.call(http, "PATCH", i, {"Name": f"{tag} hub renamed"})
    t.call(http, "GET", i)
    operator = t.call(http, "POST", "/Operator", {"FullName": f"{tag} op", "Email": "op@example.com"})
    o = f"/Operator/{operator['OperatorGuid']}"
    t.call(http, "PATCH", o, {"IsOnDuty": False})
    t.call(http, "GET", o)
    definition = t.call(http, "POST", "/AlertDefinition", {"AlertName": f"{tag} alerts"})
    d = f"/AlertDefinition/{definition['AlertDefinitionGuid']}"
    t.call(http, "PATCH", d, {"AlertName": f"{tag} alerts renamed"})
    t.call(http, "POST", f"{d}/Member/Monitor/{monitor['MonitorGuid']}")
    t.call(http, "POST", f"{d}/Member/Monitor/{monitor['MonitorGuid']}")
    t.call(http, "GET", f"{d}/Member")
    t.call(http, "GET", f"{d}/EscalationLevel/1")
    t.call(http, "DELETE", f"{d}/Member/Monitor/{monitor['MonitorGuid']}")
    t.call(http, "DELETE", s)
    t.call(http, "GET", s)
    t.call(http, "DELETE", i)
    t.call(http, "GET", i)
    t.call(http, "DELETE", m)
    t.call(http, "GET", m)
    t.call(http, "DELETE", d)
    t.call(http, "GET", d)
    t.call(http, "DELETE", o)
    t.call(http, "GET", o)
    t.call(http, "DELETE", o)
    return t


def in_parallel(clients: int, session: Callable[[httpx.Client, str], T], base_url: str = "") -> list[T]:
    """Runs `session(http, tag)` on `clients` threads at once, each with its own connection and a name tag
    of its own (a "q" starts it: no generated id can contain it)."""
    start = threading.Barrier(clients)
    run = uuid.uuid4().hex[:6]

    def one(number: int) -> T:
        with httpx.Client(base_url=base_url, timeout=120.0) as http:
            start.wait()
            return session(http, f"q{run}-{number:02d}")

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(one, range(clients)))


def listing_monitors(api_url: str, stop: threading.Event) -> list[int]:
    """The issue's other client: lists monitors until `stop`; returns every status it was answered."""
    statuses: list[int] = []
    with httpx.Client(base_url=api_url, timeout=120.0) as http:
        while not stop.is_set():
            statuses.append(http.get("/Monitor", params={"Take": 5}).status_code)
    return statuses


@pytest.mark.parametrize("clients", [8, 32])
def test_parallel_clients_get_what_a_client_alone_gets(client: StackClient, clients: int) -> None:
    """With 32 clients, 1,024 concurrent requests: not one status code or body may differ."""
    with httpx.Client(base_url=client.info.api_url, timeout=120.0) as http:
        alone = crud_session(http, f"q-alone-{uuid.uuid4().hex[:6]}")
    assert [status for _, _, status, _ in alone.exchanges][:3] == [201, 200, 204]

    stop = threading.Event()
    with ThreadPoolExecutor(2) as readers:
        listings = [readers.submit(listing_monitors, client.info.api_url, stop) for _ in range(2)]
        try:
            transcripts = in_parallel(clients, crud_session, client.info.api_url)
        finally:
            stop.set()
        listed = [status for listing in listings for status in listing.result()]

    wrong = [
        (number, exchange, expected)
        for number, transcript in enumerate(transcripts)
        for exchange, expected in zip(transcript.exchanges, alone.exchanges, strict=True)
        if exchange != expected
    ]
    requests = sum(len(transcript.exchanges) for transcript in transcripts)
    assert requests == 32 * clients
    assert wrong == [], f"{len(wrong)} of {requests} answers differ from a client alone's: {wrong[:5]}"
    assert set(listed) == {200}


def test_parallel_test_sends_each_deliver_their_own_message(client: StackClient) -> None:
    def test_send(http: httpx.Client, tag: str) -> tuple[dict[str, Any], list[str]]:
        receiver = client.new_receiver()
        step = {
            "Method": "POST",
            "Url": "{{@HookUrl}}/test",
            "Headers": {"Content-Type": "application/json"},
            "Body": '{"type": "{{@alert.type}}", "from": "' + tag + '"}',
        }
        created = http.post(
            f"{client.info.api_url}/Integration",
            json={"Name": tag, "Type": "Webhook", "PerLevelVariables": ["HookUrl"], "Steps": [step]},
        ).json()
        response = http.post(
            f"{client.info.api_url}/Integration/{created['IntegrationGuid']}/Test",
            json={"AlertType": "Ok", "VariableValues": {"HookUrl": receiver["url"]}},
        )
        result = response.json()
        summary = {
            "status": response.status_code,
            "outcome": result["Outcome"],
            "steps": [
                (s["Exchange"]["StatusCode"], s["Exchange"]["RequestBody"].replace(tag, "<tag>"))
                for s in result["Steps"]
            ],
        }
        bodies = [request["body"].replace(tag, "<tag>") for request in client.received(receiver["id"])]
        return summary, bodies

    with httpx.Client(timeout=120.0) as http:
        alone = test_send(http, f"q-alone-{uuid.uuid4().hex[:6]}")
    assert alone[0]["outcome"] == "delivered"

    assert in_parallel(8, test_send) == [alone] * 8


def test_checks_published_in_parallel_each_take_their_own_service_down(client: StackClient) -> None:
    # One session per thread: boto3's default session must not build clients on several threads at once.
    events = threading.local()

    def monitor_goes_down(http: httpx.Client, tag: str) -> list[tuple[str, str]]:
        service = client.new_service(tag)
        setup = client.statushub_setup(tag, service["hook_url"])
        if not hasattr(events, "client"):
            session = boto3.session.Session(aws_access_key_id="local", aws_secret_access_key="local")
            events.client = session.client(
                "events", endpoint_url=client.info.aws_endpoint_url, region_name=client.info.region
            )
        detail = check(setup["monitor"], 1, "Confirmed", T0 + timedelta(minutes=1))
        events.client.put_events(
            Entries=[
                {
                    "Source": "monitoring.checks",
                    "DetailType": "MonitorCheck",
                    "Detail": json.dumps(detail),
                    "EventBusName": client.info.event_bus_name,
                }
            ]
        )
        down = wait_until(lambda: s if (s := client.service(service["id"]))["status"] == "down" else None)
        return [(i["title"].replace(tag, "<tag>"), i["state"]) for i in down["incidents"]]

    with httpx.Client(timeout=120.0) as http:
        alone = monitor_goes_down(http, f"q-alone-{uuid.uuid4().hex[:6]}")
    assert alone == [("<tag> is down", "investigating")]

    assert in_parallel(8, monitor_goes_down) == [alone] * 8
