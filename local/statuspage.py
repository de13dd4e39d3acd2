"""Atlassian Statuspage REST API v1 simulator: pages, components, incidents and scheduled maintenance.

Modelled on developer.statuspage.io and as strict as it is: `Authorization: OAuth <key>` (or `?api_key=`),
a missing `component`/`incident` wrapper is 400, bad fields and enums are 422, and 429 + Retry-After past
1 request/s per API key (Statuspage measures over 60 s; this counts each second, so bursts are caught).
Scheduled maintenance moves to `in_progress` at `scheduled_for` and to `completed` at `scheduled_until`
when its auto flags are set, with its components under maintenance in between.
The admin routes under /api/pages are the simulator's own. Mounted by `local.status_pages`.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Blueprint, current_app, request

from local import status_page_gate as gate
from local.status_page_gate import iso, json_response, parse_time

if TYPE_CHECKING:
    from datetime import datetime

    from flask import Response
    from flask.typing import ResponseReturnValue

COMPONENT_STATUS_LABELS: dict[str, str] = {
    "operational": "Operational",
    "degraded_performance": "Degraded performance",
    "partial_outage": "Partial outage",
    "major_outage": "Major outage",
    "under_maintenance": "Under maintenance",
}
REALTIME_STATUSES = ("investigating", "identified", "monitoring", "resolved")
SCHEDULED_STATUSES = ("scheduled", "in_progress", "verifying", "completed")
IMPACTS = ("none", "maintenance", "minor", "major", "critical")
_IMPACT_OF = {"major_outage": "critical", "partial_outage": "major", "degraded_performance": "minor"}
_BOOLEAN_FIELDS = (
    "deliver_notifications",
    "scheduled_auto_in_progress",
    "scheduled_auto_completed",
    "scheduled_remind_prior",
    "auto_transition_to_maintenance_state",
    "auto_transition_to_operational_state",
)
_NAME_MAX, _BODY_MAX = 255, 25000


admin = Blueprint("statuspage_admin", __name__, url_prefix="/api/pages")
api = Blueprint("statuspage_v1", __name__, url_prefix="/v1/pages/<page_id>")


def _new_id() -> str:
    # Statuspage ids are 12 lowercase alphanumerics.
    return secrets.token_hex(6)


@dataclass
class Component:
    id: str
    page_id: str
    name: str
    created_at: datetime
    status: str = "operational"
    description: str | None = None
    updated_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {**gate.record_json(self), "updated_at": iso(self.updated_at or self.created_at)}


@dataclass
class Incident:
    id: str
    page_id: str
    name: str
    status: str
    created_at: datetime
    impact_override: str | None = None
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None
    auto_in_progress: bool = False
    auto_completed: bool = False
    component_ids: list[str] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None
    resolved_at: datetime | None = None

    @property
    def scheduled(self) -> bool:
        return self.scheduled_for is not None


@dataclass
class Page(gate.Owner):
    components: dict[str, Component] = field(default_factory=dict)
    incidents: dict[str, Incident] = field(default_factory=dict)

    def set_statuses(
        self, incident: Incident, statuses: dict[str, str], now: datetime
    ) -> list[dict[str, Any]]:
        """Apply component statuses; the affected-components list an incident update records."""
        changes = []
        for component_id, status in statuses.items():
            component = self.components[component_id]
            changes.append(
                {
                    "code": component_id,
                    "name": component.name,
                    "old_status": component.status,
                    "new_status": status,
                }
            )
            component.status, component.updated_at = status, now
            if component_id not in incident.component_ids:
                incident.component_ids.append(component_id)
        return changes

    def add_update(
        self, incident: Incident, status: str, body: str, now: datetime, changes: list[Any]
    ) -> None:
        incident.status, incident.updated_at = status, now
        if status in ("resolved", "completed"):
            incident.resolved_at = now
        incident.updates.append(
            {
                "id": _new_id(),
                "incident_id": incident.id,
                "status": status,
                "body": body,
                "created_at": iso(now),
                "display_at": iso(now),
                "affected_components": changes,
            }
        )

    def advance(self, now: datetime) -> None:
        """Scheduled maintenance's automatic transitions, applied lazily on every read or write."""
        for incident in self.incidents.values():
            start, end = incident.scheduled_for, incident.scheduled_until
            affected = dict.fromkeys(incident.component_ids, "under_maintenance")
            if incident.status == "scheduled" and incident.auto_in_progress and start and now >= start:
                changes = self.set_statuses(incident, affected, now)
                self.add_update(
                    incident, "in_progress", "Scheduled maintenance is currently in progress.", now, changes
                )
            in_window = incident.status in ("scheduled", "in_progress", "verifying")
            if in_window and incident.auto_completed and end and now >= end:
                changes = self.set_statuses(incident, dict.fromkeys(affected, "operational"), now)
                self.add_update(
                    incident, "completed", "The scheduled maintenance has been completed.", now, changes
                )

    def incident_json(self, incident: Incident) -> dict[str, Any]:
        worst = [_IMPACT_OF.get(self.components[c].status, "none") for c in incident.component_ids]
        impact = incident.impact_override or (
            "maintenance" if incident.scheduled else max(worst, key=IMPACTS.index, default="none")
        )
        return {
            "id": incident.id,
            "page_id": self.id,
            "name": incident.name,
            "status": incident.status,
            "impact": impact,
            "created_at": iso(incident.created_at),
            "updated_at": iso(incident.updated_at or incident.created_at),
            "resolved_at": iso(incident.resolved_at) if incident.resolved_at else None,
            "scheduled_for": iso(incident.scheduled_for) if incident.scheduled_for else None,
            "scheduled_until": iso(incident.scheduled_until) if incident.scheduled_until else None,
            "scheduled_auto_in_progress": incident.auto_in_progress,
            "scheduled_auto_completed": incident.auto_completed,
            "shortlink": f"https://stspg.io/{incident.id[:6]}",
            "metadata": dict(incident.metadata),
            "components": [self.components[c].to_json() for c in incident.component_ids],
            # Statuspage lists updates newest first.
            "incident_updates": [dict(u) for u in reversed(incident.updates)],
        }


@dataclass
class PagesState:
    """Every simulated page; hold `lock` for every read and write (requests are concurrent)."""

    clock: gate.Clock = gate.system_clock
    lock: threading.Lock = field(default_factory=threading.Lock)
    pages: dict[str, Page] = field(default_factory=dict)
    limit: gate.RateLimit = field(default_factory=lambda: gate.RateLimit(1, 1.0))

    def reset(self) -> None:
        self.pages.clear()
        self.limit.hits.clear()


def _state() -> PagesState:
    state: PagesState = current_app.extensions["statuspage"]
    return state


def _api_key() -> str:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    # Statuspage's document insists on "OAuth"; "Bearer" or "Oauth" are refused.
    return key.strip() if scheme == "OAuth" else request.args.get("api_key", "")


@api.before_request
def _gate() -> Response | None:
    state = _state()
    page_id = (request.view_args or {}).get("page_id")
    refusals = ("Could not authenticate", "Not found")
    owner = gate.authenticated(state.lock, state.pages, page_id, _api_key(), refusals)
    if not isinstance(owner, Page):
        return owner
    with state.lock:
        now = state.clock()
        wait = state.limit.admit(owner.api_key, now)
        owner.advance(now)
    return gate.too_many_requests(wait, "Rate limit exceeded - 1 request per second") if wait else None


api.after_request(gate.close_request)


def _wrapped(key: str) -> dict[str, Any] | Response:
    body = request.get_json(silent=True)
    inner: Any = body.get(key) if isinstance(body, dict) else None
    if not isinstance(inner, dict) or not inner:
        return json_response({"error": f"param is missing or the value is empty: {key}"}, 400)
    return inner


def _components_error(fields: dict[str, Any], page: Page) -> str | None:
    ids, statuses = fields.get("component_ids", []), fields.get("components", {})
    if not isinstance(ids, list) or not all(isinstance(c, str) for c in ids):
        return "component_ids: must be an array of component ids"
    if not isinstance(statuses, dict):
        return "components: must be an object of component id to status"
    unknown = [c for c in [*ids, *statuses] if c not in page.components]
    if unknown:
        return f"components: unknown component {unknown[0]!r}"
    bad = [s for s in statuses.values() if s not in COMPONENT_STATUS_LABELS]
    return f"components: status must be one of {', '.join(COMPONENT_STATUS_LABELS)}" if bad else None


def _incident_error(fields: dict[str, Any], page: Page, incident: Incident | None) -> str | None:
    """Why Statuspage refuses these incident fields (a create when `incident` is None), or None."""
    scheduled = incident.scheduled if incident else "scheduled_for" in fields
    allowed = SCHEDULED_STATUSES if scheduled else REALTIME_STATUSES
    name: Any = fields.get("name", "" if incident is None else "kept")
    problems = [
        None if isinstance(name, str) and name.strip() else "name: can't be blank",
        f"name: is too long (maximum is {_NAME_MAX} characters)" if len(str(name)) > _NAME_MAX else None,
        None
        if "status" not in fields or fields["status"] in allowed
        else f"status: must be one of {', '.join(allowed)}",
        None if isinstance(fields.get("body", ""), str) else "body: must be a string",
        f"body: is too long (maximum is {_BODY_MAX} characters)"
        if len(str(fields.get("body", ""))) > _BODY_MAX
        else None,
        None
        if fields.get("impact_override") in (None, *IMPACTS)
        else f"impact_override: must be one of {', '.join(IMPACTS)}",
        next(
            (
                f"{k}: must be a boolean"
                for k in _BOOLEAN_FIELDS
                if k in fields and not isinstance(fields[k], bool)
            ),
            None,
        ),
        None if isinstance(fields.get("metadata", {}), dict) else "metadata: must be an object",
        _components_error(fields, page),
    ]
    if incident is None and scheduled:
        start = parse_time(fields.get("scheduled_for"), utc_only=False)
        end = parse_time(fields.get("scheduled_until"), utc_only=False)
        problems += [
            None if start else "scheduled_for: must be an ISO 8601 time with a zone",
            None if end else "scheduled_until: must be an ISO 8601 time with a zone",
            "scheduled_until: must be after scheduled_for" if start and end and end <= start else None,
        ]
    return next((p for p in problems if p), None)


def _apply(page: Page, incident: Incident, fields: dict[str, Any], now: datetime, *, created: bool) -> None:
    for component_id in fields.get("component_ids", []):
        if component_id not in incident.component_ids:
            incident.component_ids.append(component_id)
    changes = page.set_statuses(incident, fields.get("components", {}), now)
    incident.name = fields.get("name", incident.name)
    incident.impact_override = fields.get("impact_override", incident.impact_override)
    incident.metadata.update(fields.get("metadata", {}))
    incident.auto_in_progress = fields.get("scheduled_auto_in_progress", incident.auto_in_progress)
    incident.auto_completed = fields.get("scheduled_auto_completed", incident.auto_completed)
    # Statuspage lets a scheduled maintenance's end move (an edited window).
    if incident.scheduled and fields.get("scheduled_until"):
        moved = parse_time(fields["scheduled_until"], utc_only=False)
        incident.scheduled_until = moved or incident.scheduled_until
    if created or "status" in fields or "body" in fields:
        page.add_update(incident, fields.get("status", incident.status), fields.get("body", ""), now, changes)
    incident.updated_at = now


@api.post("/incidents")
def create_incident(page_id: str) -> ResponseReturnValue:
    fields = _wrapped("incident")
    if not isinstance(fields, dict):
        return fields
    state = _state()
    with state.lock:
        page, now = state.pages[page_id], state.clock()
        error = _incident_error(fields, page, None)
        if error:
            return json_response({"error": error}, 422)
        scheduled = "scheduled_for" in fields
        incident = Incident(
            _new_id(),
            page.id,
            fields["name"],
            fields.get("status", "scheduled" if scheduled else "investigating"),
            now,
            scheduled_for=parse_time(fields.get("scheduled_for"), utc_only=False),
            scheduled_until=parse_time(fields.get("scheduled_until"), utc_only=False),
        )
        page.incidents[incident.id] = incident
        _apply(page, incident, fields, now, created=True)
        page.advance(now)
        return json_response(page.incident_json(incident), 201)


@api.get("/incidents")
def list_incidents(page_id: str) -> ResponseReturnValue:
    state = _state()
    with state.lock:
        page = state.pages[page_id]
        return json_response([page.incident_json(i) for i in reversed(page.incidents.values())])


@api.route("/incidents/<incident_id>", methods=["GET", "PATCH", "PUT"])
def one_incident(page_id: str, incident_id: str) -> ResponseReturnValue:
    state = _state()
    with state.lock:
        page, now = state.pages[page_id], state.clock()
        incident = page.incidents.get(incident_id)
        if incident is None:
            return json_response({"error": "Not found"}, 404)
        if request.method == "GET":
            return json_response(page.incident_json(incident))
        fields = _wrapped("incident")
        if not isinstance(fields, dict):
            return fields
        error = _incident_error(fields, page, incident)
        if error:
            return json_response({"error": error}, 422)
        _apply(page, incident, fields, now, created=False)
        page.advance(now)
        return json_response(page.incident_json(incident))


@api.get("/components")
def list_components(page_id: str) -> ResponseReturnValue:
    state = _state()
    with state.lock:
        return json_response([c.to_json() for c in state.pages[page_id].components.values()])


@api.route("/components/<component_id>", methods=["GET", "PATCH", "PUT"])
def one_component(page_id: str, component_id: str) -> ResponseReturnValue:
    state = _state()
    with state.lock:
        component = state.pages[page_id].components.get(component_id)
        if component is None:
            return json_response({"error": "Not found"}, 404)
        if request.method == "GET":
            return json_response(component.to_json())
        fields = _wrapped("component")
        if not isinstance(fields, dict):
            return fields
        if "status" in fields and fields["status"] not in COMPONENT_STATUS_LABELS:
            return json_response(
                {"error": f"status: must be one of {', '.join(COMPONENT_STATUS_LABELS)}"}, 422
            )
        if "name" in fields and not (isinstance(fields["name"], str) and fields["name"].strip()):
            return json_response({"error": "name: can't be blank"}, 422)
        component.status = fields.get("status", component.status)
        component.name = fields.get("name", component.name)
        component.updated_at = state.clock()
        return json_response(component.to_json())


@admin.post("")
def create_page() -> ResponseReturnValue:
    state = _state()
    return gate.create_owner(
        state.lock, state.pages, lambda name: Page(_new_id(), name, secrets.token_hex(16)), "v1"
    )


@admin.post("/<page_id>/components")
def create_component(page_id: str) -> ResponseReturnValue:
    state = _state()

    def add(page: Page, name: str) -> str:
        component = Component(_new_id(), page.id, name, state.clock())
        page.components[component.id] = component
        return component.id

    return gate.create_part(state.lock, state.pages, page_id, add, "unknown page")


@admin.get("/<page_id>/components/<component_id>")
def get_component(page_id: str, component_id: str) -> ResponseReturnValue:
    state = _state()
    with state.lock:
        page = state.pages.get(page_id)
        component = page.components.get(component_id) if page else None
        if page is None or component is None:
            return json_response({"error": "unknown page or component"}, 404)
        page.advance(state.clock())
        return json_response({"id": component.id, "name": component.name, "status": component.status})


@admin.get("/<page_id>/incidents")
def get_page_incidents(page_id: str) -> ResponseReturnValue:
    state = _state()
    with state.lock:
        page = state.pages.get(page_id)
        if page is None:
            return json_response({"error": "unknown page"}, 404)
        page.advance(state.clock())
        return json_response([page.incident_json(i) for i in page.incidents.values()])


def page_views(state: PagesState, page_id: str | None = None) -> list[dict[str, Any]]:
    """Snapshots of the pages (or one) for the browser page."""
    with state.lock:
        now = state.clock()
        views = []
        for page in state.pages.values():
            if page_id not in (None, page.id):
                continue
            page.advance(now)
            views.append(
                {
                    "id": page.id,
                    "name": page.name,
                    "components": [c.to_json() for c in page.components.values()],
                    "incidents": [page.incident_json(i) for i in reversed(page.incidents.values())],
                }
            )
        return views
