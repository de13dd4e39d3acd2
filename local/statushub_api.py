"""StatusHub management API v3 simulator: hubs, services, incidents with updates and maintenance events.

Modelled on StatusHub's public document (api-docs.statushub.com, "3.0-R1") and as strict as it is:
`X-API-KEY` auth, required fields and enums (422), `start_time` never in the future, `resolved` never
first and never with `service_statuses`, and 429 + Retry-After past 5 writes/s (30 reads/s) per API key.
The admin routes under /api/hubs are the simulator's own (StatusHub has no API to create a hub).
Mounted by `local.status_pages`.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING, Any

from flask import Blueprint, current_app, request

from local.status_page_gate import (
    Clock,
    Owner,
    RateLimit,
    authenticated,
    close_request,
    create_owner,
    create_part,
    is_int,
    iso,
    json_response,
    parse_time,
    record_json,
    system_clock,
    too_many_requests,
)
from local.statushub import INCIDENT_STATE_LABELS

if TYPE_CHECKING:
    from datetime import datetime

    from flask import Response
    from flask.typing import ResponseReturnValue

SEVERITY = {"up": 0, "degraded-performance": 1, "down": 2}
EVENT_STATES = ("draft", "published")
_HTML_TAG = re.compile(r"<[^>]*>")
_TITLE_MAX = 255


@dataclass
class IncidentUpdate:
    id: int
    title: str
    incident_type: str
    body: str
    start_time: datetime
    silent: bool
    state: str
    service_statuses: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return record_json(self)


@dataclass
class HubIncident:
    id: int
    updates: list[IncidentUpdate] = field(default_factory=list)
    # Each affected service's status within this incident; resolving sets them all to "up".
    statuses: dict[int, str] = field(default_factory=dict)

    @property
    def latest(self) -> IncidentUpdate:
        published = [u for u in self.updates if u.state == "published"] or self.updates
        # Latest by start_time; on a tie the one posted last (max keeps the first it meets, hence reversed).
        return max(reversed(published), key=lambda u: u.start_time)

    @property
    def is_open(self) -> bool:
        return self.latest.state == "published" and self.latest.incident_type != "resolved"

    def to_json(self) -> dict[str, Any]:
        latest = self.latest
        return {
            "id": self.id,
            "title": latest.title,
            "start_time": iso(min(u.start_time for u in self.updates)),
            "end_time": iso(latest.start_time) if latest.incident_type == "resolved" else None,
            "last_incident_type": latest.incident_type,
            "silent": latest.silent,
            "state": latest.state,
            "service_statuses": [{"service_id": k, "status": v} for k, v in self.statuses.items()],
            "incident_updates": [u.to_json() for u in self.updates],
        }


@dataclass
class Maintenance:
    id: int
    title: str
    body: str
    start: datetime
    end: datetime
    service_statuses: list[dict[str, Any]]
    silent: bool
    state: str

    def phase(self, now: datetime) -> str:
        if now < self.start:
            return "scheduled"
        return "in_progress" if now < self.end else "completed"

    def to_json(self) -> dict[str, Any]:
        return record_json(self, renamed={"start": "start_time", "end": "end_time"})


@dataclass
class Hub(Owner):
    services: dict[int, str] = field(default_factory=dict)
    incidents: dict[int, HubIncident] = field(default_factory=dict)
    maintenances: dict[int, Maintenance] = field(default_factory=dict)

    def service_status(self, service_id: int, now: datetime) -> str:
        """The worst status any open incident or running published maintenance gives the service."""
        statuses = [
            i.statuses[service_id] for i in self.incidents.values() if i.is_open and service_id in i.statuses
        ]
        statuses += [
            s["status"]
            for m in self.maintenances.values()
            if m.state == "published" and m.phase(now) == "in_progress"
            for s in m.service_statuses
            if s["service_id"] == service_id
        ]
        return max(statuses, key=SEVERITY.__getitem__, default="up")

    def service_view(self, service_id: int, now: datetime) -> dict[str, Any]:
        """The admin shape of one service (DESIGN §7), which the browser page also shows."""
        incidents = [i for i in self.incidents.values() if service_id in i.statuses]
        maintenances = [
            m
            for m in self.maintenances.values()
            if any(s["service_id"] == service_id for s in m.service_statuses)
        ]
        return {
            "id": service_id,
            "name": self.services[service_id],
            "status": self.service_status(service_id, now),
            "incidents": [
                {
                    "id": i.id,
                    "title": i.latest.title,
                    "state": i.latest.incident_type,
                    "silent": i.latest.silent,
                    "updates": [
                        {"state": u.incident_type, "body": u.body, "time": iso(u.start_time)}
                        for u in i.updates
                    ],
                }
                for i in incidents
            ],
            "maintenances": [
                {
                    "id": m.id,
                    "title": m.title,
                    "start": iso(m.start),
                    "end": iso(m.end),
                    "state": m.phase(now),
                }
                for m in maintenances
            ],
        }


@dataclass
class HubsState:
    """Every simulated hub; hold `lock` for every read and write (requests are concurrent)."""

    clock: Clock = system_clock
    lock: threading.Lock = field(default_factory=threading.Lock)
    hubs: dict[str, Hub] = field(default_factory=dict)
    writes: RateLimit = field(default_factory=lambda: RateLimit(5, 1.0))
    reads: RateLimit = field(default_factory=lambda: RateLimit(30, 1.0))
    # StatusHub ids are integers; one sequence for every record keeps them unique across hubs and resets.
    ids: count[int] = field(default_factory=lambda: count(1001))
    hub_numbers: count[int] = field(default_factory=lambda: count(1))

    def reset(self) -> None:
        self.hubs.clear()
        self.writes.hits.clear()
        self.reads.hits.clear()


admin = Blueprint("statushub_admin", __name__, url_prefix="/api/hubs")
api = Blueprint("statushub_api_v3", __name__, url_prefix="/api/v3/hubs/<hub_id>")


def _state() -> HubsState:
    state: HubsState = current_app.extensions["statushub_api"]
    return state


def _plain_title(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "title: is required and must be a non-empty string"
    if len(value) > _TITLE_MAX:
        return f"title: must be at most {_TITLE_MAX} characters"
    return "title: can contain only plain text" if _HTML_TAG.search(value) else None


def _service_statuses_error(value: Any, hub: Hub) -> str | None:
    if not isinstance(value, list) or not value:
        return "service_statuses: must be a non-empty array"
    seen: set[int] = set()
    for item in value:
        if not isinstance(item, dict) or set(item) != {"service_id", "status"}:
            return "service_statuses: each item must be {service_id, status}"
        if not is_int(item["service_id"]) or item["service_id"] not in hub.services:
            return f"service_statuses: unknown service_id {item['service_id']!r}"
        if item["status"] not in SEVERITY:
            return f"service_statuses.status: must be one of {', '.join(SEVERITY)}"
        if item["service_id"] in seen:
            return f"service_statuses: service_id {item['service_id']} given twice"
        seen.add(item["service_id"])
    return None


def _optional_fields_error(body: dict[str, Any]) -> str | None:
    if "body" in body and not isinstance(body["body"], str):
        return "body: must be a string"
    if "silent" in body and not isinstance(body["silent"], bool):
        return "silent: must be a boolean"
    if body.get("state") not in (None, *EVENT_STATES):
        return f"state: must be one of {', '.join(EVENT_STATES)}"
    return None


def _update_from(body: Any, hub: Hub, now: datetime, *, first: bool) -> IncidentUpdate | str:
    """An incident update from a create-incident or create-update body, or why StatusHub refuses it."""
    if not isinstance(body, dict):
        return "body: must be a JSON object"
    for key in ("title", "start_time", "incident_type"):
        if key not in body:
            return f"{key}: is required"
    start = now if body["start_time"] is None else parse_time(body["start_time"], utc_only=True)
    kind = body["incident_type"]
    problems = [
        _plain_title(body["title"]),
        None if start is not None else "start_time: must be ISO 8601 UTC, e.g. 2020-09-01T08:29:00Z",
        None if start is None or start <= now else "start_time: can't be in the future",
        None
        if kind in INCIDENT_STATE_LABELS
        else f"incident_type: must be one of {', '.join(INCIDENT_STATE_LABELS)}",
        "incident_type: resolved can't be the first update of an incident"
        if first and kind == "resolved"
        else None,
        "service_statuses: is forbidden when incident_type is resolved"
        if kind == "resolved" and "service_statuses" in body
        else None,
        _service_statuses_error(body.get("service_statuses"), hub) if kind != "resolved" else None,
        _optional_fields_error(body),
    ]
    error = next((p for p in problems if p), None)
    if error or start is None:
        return error or "start_time: is invalid"
    return IncidentUpdate(
        next(_state().ids),
        body["title"],
        kind,
        body.get("body", ""),
        start,
        body.get("silent", False),
        body.get("state") or "published",
        [dict(s) for s in body.get("service_statuses", [])],
    )


def _maintenance_from(body: Any, hub: Hub) -> Maintenance | str:
    if not isinstance(body, dict):
        return "body: must be a JSON object"
    for key in ("title", "start_time", "end_time", "service_statuses"):
        if key not in body:
            return f"{key}: is required"
    start = parse_time(body["start_time"], utc_only=True)
    end = parse_time(body["end_time"], utc_only=True)
    problems = [
        _plain_title(body["title"]),
        None if start is not None else "start_time: must be ISO 8601 UTC, e.g. 2020-09-01T08:29:00Z",
        None if end is not None else "end_time: must be ISO 8601 UTC, e.g. 2020-09-01T10:00:00Z",
        "end_time: must be after start_time" if start and end and end <= start else None,
        _service_statuses_error(body["service_statuses"], hub),
        _optional_fields_error(body),
    ]
    error = next((p for p in problems if p), None)
    if error or start is None or end is None:
        return error or "start_time: is invalid"
    return Maintenance(
        next(_state().ids),
        body["title"],
        body.get("body", ""),
        start,
        end,
        [dict(s) for s in body["service_statuses"]],
        body.get("silent", False),
        body.get("state") or "published",
    )


@api.before_request
def _gate() -> Response | None:
    state = _state()
    owner = authenticated(
        state.lock,
        state.hubs,
        (request.view_args or {}).get("hub_id"),
        request.headers.get("X-API-KEY", ""),
        ("Unauthorized - invalid or missing X-API-KEY", "Hub not found"),
    )
    if not isinstance(owner, Hub):
        return owner
    with state.lock:
        limit = state.reads if request.method == "GET" else state.writes
        wait = limit.admit(owner.api_key, state.clock())
    return too_many_requests(wait, "Too many requests - please retry later") if wait else None


api.after_request(close_request)


def _gated_hub(hub_id: str) -> Hub:
    # The gate admitted this key for this hub; only a reset in between could remove it (then a 500 is fair).
    return _state().hubs[hub_id]


@api.post("/incidents")
def create_incident(hub_id: str) -> ResponseReturnValue:
    state = _state()
    with state.lock:
        hub = _gated_hub(hub_id)
        update = _update_from(request.get_json(silent=True), hub, state.clock(), first=True)
        if isinstance(update, str):
            return json_response({"error": update}, 422)
        incident = HubIncident(
            next(state.ids), [update], {s["service_id"]: s["status"] for s in update.service_statuses}
        )
        hub.incidents[incident.id] = incident
        return json_response(incident.to_json())


def _listed(
    hub_id: str, items: Callable[[Hub], Mapping[int, HubIncident] | Mapping[int, Maintenance]]
) -> Response:
    """An index endpoint: every item of the hub, as `{"data": [...]}`."""
    state = _state()
    with state.lock:
        return json_response({"data": [item.to_json() for item in items(_gated_hub(hub_id)).values()]})


@api.get("/incidents")
def list_incidents(hub_id: str) -> ResponseReturnValue:
    return _listed(hub_id, lambda hub: hub.incidents)


@api.get("/incidents/<int:incident_id>")
def get_incident(hub_id: str, incident_id: int) -> ResponseReturnValue:
    state = _state()
    with state.lock:
        incident = _gated_hub(hub_id).incidents.get(incident_id)
        return json_response(incident.to_json()) if incident else json_response({"error": "Not found"}, 404)


@api.post("/incidents/<int:incident_id>/incident_updates")
def create_incident_update(hub_id: str, incident_id: int) -> ResponseReturnValue:
    state = _state()
    with state.lock:
        hub = _gated_hub(hub_id)
        incident = hub.incidents.get(incident_id)
        if incident is None:
            return json_response({"error": "Not found"}, 404)
        update = _update_from(request.get_json(silent=True), hub, state.clock(), first=False)
        if isinstance(update, str):
            return json_response({"error": update}, 422)
        incident.updates.append(update)
        if update.incident_type == "resolved":
            incident.statuses = dict.fromkeys(incident.statuses, "up")
        else:
            incident.statuses.update({s["service_id"]: s["status"] for s in update.service_statuses})
        return json_response(update.to_json())


@api.post("/maintenances")
def create_maintenance(hub_id: str) -> ResponseReturnValue:
    state = _state()
    with state.lock:
        hub = _gated_hub(hub_id)
        maintenance = _maintenance_from(request.get_json(silent=True), hub)
        if isinstance(maintenance, str):
            return json_response({"error": maintenance}, 422)
        hub.maintenances[maintenance.id] = maintenance
        return json_response(maintenance.to_json())


@api.get("/maintenances")
def list_maintenances(hub_id: str) -> ResponseReturnValue:
    return _listed(hub_id, lambda hub: hub.maintenances)


@api.route("/maintenances/<int:maintenance_id>", methods=["GET", "DELETE"])
def one_maintenance(hub_id: str, maintenance_id: int) -> ResponseReturnValue:
    state = _state()
    with state.lock:
        maintenances = _gated_hub(hub_id).maintenances
        if maintenance_id not in maintenances:
            return json_response({"error": "Not found"}, 404)
        deleting = request.method == "DELETE"
        maintenance = maintenances.pop(maintenance_id) if deleting else maintenances[maintenance_id]
        return json_response(maintenance.to_json())


@api.get("/services")
def list_services(hub_id: str) -> ResponseReturnValue:
    state = _state()
    with state.lock:
        hub, now = _gated_hub(hub_id), state.clock()
        return json_response(
            {
                "data": [
                    {"id": i, "name": n, "status": hub.service_status(i, now)}
                    for i, n in hub.services.items()
                ]
            }
        )


@admin.post("")
def create_hub() -> ResponseReturnValue:
    state = _state()
    return create_owner(
        state.lock,
        state.hubs,
        lambda name: Hub(f"hub-{next(state.hub_numbers)}", name, secrets.token_hex(16)),
        "api/v3",
    )


@admin.post("/<hub_id>/services")
def create_hub_service(hub_id: str) -> ResponseReturnValue:
    state = _state()

    def add(hub: Hub, name: str) -> int:
        service_id = next(state.ids)
        hub.services[service_id] = name
        return service_id

    return create_part(state.lock, state.hubs, hub_id, add, "unknown hub")


@admin.get("/<hub_id>/services/<int:service_id>")
def get_hub_service(hub_id: str, service_id: int) -> ResponseReturnValue:
    state = _state()
    with state.lock:
        hub = state.hubs.get(hub_id)
        if hub is None or service_id not in hub.services:
            return json_response({"error": "unknown hub or service"}, 404)
        return json_response(hub.service_view(service_id, state.clock()))


def hub_views(state: HubsState, hub_id: str | None = None) -> list[dict[str, Any]]:
    """Snapshots of the hubs (or one) for the browser page."""
    with state.lock:
        now = state.clock()
        return [
            {"id": h.id, "name": h.name, "services": [h.service_view(s, now) for s in h.services]}
            for h in state.hubs.values()
            if hub_id in (None, h.id)
        ]
