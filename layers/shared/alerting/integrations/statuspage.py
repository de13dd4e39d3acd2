"""Atlassian Statuspage (`Statuspage`): component status and incidents through the REST API v1
(`Authorization: OAuth <ApiKey>`, `PageId`). Each linked service is a target; its `ExternalId` is
the component id.

An Alert creates an incident (`investigating`) that sets the component to `major_outage`, or
`partial_outage` / `degraded_performance` when the link says so; its id is kept per (IncidentKey,
target). The Ok sets the component `operational` and the incident `monitoring`; ResolveAfterMinutes
later, `resolved`. A maintenance notice (PublishMaintenance) is a scheduled maintenance of the window.
The requests go out from `delivery/senders/statuspage.py`; this module says what they carry.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from alerting.integrations.spec import Rendering
from alerting.integrations.statushub import (
    incident_body,
    incident_state,
    incident_title,
    linked_external_id,
    status_page_api_spec,
)
from alerting.integrations.wording import clip, utc_iso
from alerting.models.alert import AlertType
from alerting.models.config import IntegrationType, ServiceStatus

DEFAULT_API_URL = "https://api.statuspage.io/v1"
# Statuspage's documented limit: 1 request per second per API key.
REQUESTS_PER_SECOND = 1.0
COMPONENT_STATUS = {
    ServiceStatus.DOWN: "major_outage",
    ServiceStatus.DEGRADED_PERFORMANCE: "degraded_performance",
    ServiceStatus.PARTIAL_OUTAGE: "partial_outage",
}


def incidents_url(given: Rendering) -> str:
    api_url = given.variable("ApiUrl", DEFAULT_API_URL).rstrip("/")
    return f"{api_url}/pages/{quote(given.variable('PageId'), safe='')}/incidents"


def headers(given: Rendering) -> dict[str, str]:
    return {"Authorization": f"OAuth {given.variable('ApiKey')}", "Accept": "application/json"}


def component_status(given: Rendering) -> str:
    if given.alert.alert_type is AlertType.OK:
        return "operational"
    return COMPONENT_STATUS[given.link.service_status if given.link else ServiceStatus.DOWN]


def incident(given: Rendering) -> dict[str, Any]:
    """The `incident` object of a create or update for this alert."""
    alert, link = given.alert, given.link
    component = linked_external_id(given)
    fields: dict[str, Any] = {
        "name": clip(incident_title(alert, link), 255),
        "status": incident_state(alert),
        "body": clip(incident_body(alert), 25000),
        "deliver_notifications": not (link and link.silent),
    }
    if not alert.resolves_incident:
        fields |= {"component_ids": [component], "components": {component: component_status(given)}}
    return {"incident": fields}


def scheduled_maintenance(given: Rendering) -> dict[str, Any]:
    """A scheduled maintenance (an incident with `scheduled_for`) of the notice's window on the linked
    component; Statuspage moves it to in progress and completed on its own."""
    window = given.alert.maintenance
    assert window is not None
    return {
        "incident": {
            "name": clip(f"Maintenance: {given.alert.monitor_name}", 255),
            "status": "scheduled",
            "body": clip(window.description, 25000),
            "scheduled_for": utc_iso(window.start),
            "scheduled_until": utc_iso(window.end),
            "scheduled_auto_in_progress": True,
            "scheduled_auto_completed": True,
            "component_ids": [linked_external_id(given)],
            "deliver_notifications": not (given.link and given.link.silent),
        }
    }


SPEC = status_page_api_spec(
    IntegrationType.STATUSPAGE,
    "Statuspage",
    ("ApiKey", "PageId"),
    "ApiUrl",
    REQUESTS_PER_SECOND,
    frozenset(COMPONENT_STATUS),
)
