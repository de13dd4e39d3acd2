"""StatusHub management API v3 (`StatushubApi`): incidents with `service_statuses` on a hub, through
`X-API-KEY`. Each linked service is a target; its `ExternalId` is the StatusHub service id.

An Alert opens an incident (`POST /hubs/{hub}/incidents`) and the id StatusHub returns is kept per
(IncidentKey, target); the Ok, a flap's new Alert and the resolve are updates of that incident
(`POST /hubs/{hub}/incidents/{id}/incident_updates`). A maintenance notice (PublishMaintenance) is a
maintenance event of the window. The requests go out from
`delivery/senders/statushub_api.py`; this module says what they carry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from alerting.integrations.spec import Rendering
from alerting.integrations.statushub import (
    alert_status,
    incident_body,
    incident_state,
    incident_title,
    linked_external_id,
    status_page_api_spec,
)
from alerting.integrations.wording import clip, utc_iso
from alerting.models.alert import AlertType
from alerting.models.config import IntegrationType

# StatusHub's documented limit for writes, per API key.
WRITES_PER_SECOND = 5.0


def service_id(given: Rendering) -> int | str:
    """The linked service's StatusHub id (numeric in StatusHub's API)."""
    external = linked_external_id(given)
    return int(external) if external.isdigit() else external


def incidents_url(given: Rendering) -> str:
    hub = quote(given.variable("Hub"), safe="")
    return f"{given.variable('HubUrl').rstrip('/')}/hubs/{hub}/incidents"


def maintenances_url(given: Rendering) -> str:
    return incidents_url(given).removesuffix("/incidents") + "/maintenances"


def headers(given: Rendering) -> dict[str, str]:
    return {"X-API-KEY": given.variable("ApiKey"), "Accept": "application/json"}


def incident_update(given: Rendering, now: datetime) -> dict[str, Any]:
    """The body of a create-incident or incident-update call for this alert."""
    alert, link = given.alert, given.link
    # StatusHub refuses a start_time in the future; a check's timestamp may run ahead of our clock.
    body: dict[str, Any] = {
        "title": incident_title(alert, link),
        "start_time": utc_iso(min(alert.timestamp, now)),
        "incident_type": incident_state(alert),
        "body": incident_body(alert),
        "silent": bool(link and link.silent),
        "state": "published",
    }
    if not alert.resolves_incident:  # StatusHub sets every service up on resolved and refuses statuses
        status = "up" if alert.alert_type is AlertType.OK else alert_status(link)
        body["service_statuses"] = [{"service_id": service_id(given), "status": status}]
    return body


def maintenance_event(given: Rendering) -> dict[str, Any]:
    """A maintenance event (`POST /hubs/{hub}/maintenances`) for the notice's window: the linked service
    shows the link's ServiceStatus while it lasts, and StatusHub ends it at `end_time`."""
    window = given.alert.maintenance
    assert window is not None
    return {
        "title": clip(f"Maintenance: {given.alert.monitor_name}", 255),
        "body": window.description,
        "start_time": utc_iso(window.start),
        "end_time": utc_iso(window.end),
        "service_statuses": [{"service_id": service_id(given), "status": alert_status(given.link)}],
        "silent": bool(given.link and given.link.silent),
        "state": "published",
    }


SPEC = status_page_api_spec(
    IntegrationType.STATUSHUB_API, "StatusHub API", ("HubUrl", "Hub", "ApiKey"), "HubUrl", WRITES_PER_SECOND
)
