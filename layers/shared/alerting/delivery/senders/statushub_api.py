"""StatusHub API v3: create the incident once, then post incident updates to the id StatusHub returned."""

from __future__ import annotations

from urllib.parse import quote

from alerting.delivery.outbound import Outbound
from alerting.delivery.senders.status_page_incident import (
    send_incident,
    send_maintenance,
    send_to_status_page,
)
from alerting.integrations.spec import OutgoingRequest, Rendering
from alerting.integrations.statushub_api import (
    headers,
    incident_update,
    incidents_url,
    maintenance_event,
    maintenances_url,
)


def send(out: Outbound) -> None:
    send_to_status_page(out, _send_incident, _send_maintenance)


def _send_incident(out: Outbound, given: Rendering) -> None:
    body = incident_update(given, out.now)
    send_incident(out, incidents_url(given), headers(given), body, "POST", "/incident_updates")


def _send_maintenance(out: Outbound, given: Rendering) -> None:
    # StatusHub's API v3 has no update of a maintenance event: an edited window replaces it.
    events, auth = maintenances_url(given), headers(given)
    send_maintenance(
        out,
        lambda: OutgoingRequest("POST", events, auth, json_body=maintenance_event(given)),
        lambda event_id: OutgoingRequest("DELETE", f"{events}/{quote(event_id, safe='')}", auth),
        None,
    )
