"""StatusHub API v3: create the incident once, then post incident updates to the id StatusHub returned."""

from __future__ import annotations

from urllib.parse import quote

from alerting.delivery.outbound import Outbound
from alerting.delivery.senders.status_page_incident import send_incident, send_maintenance
from alerting.integrations.spec import OutgoingRequest
from alerting.integrations.statushub_api import (
    headers,
    incident_update,
    incidents_url,
    maintenance_event,
    maintenances_url,
)


def send(out: Outbound) -> None:
    given = out.rendering()
    url, auth = incidents_url(given), headers(given)
    if given.alert.maintenance is not None:
        # StatusHub's API v3 has no update of a maintenance event: an edited window replaces it.
        events = maintenances_url(given)
        send_maintenance(
            out,
            lambda: OutgoingRequest("POST", events, auth, json_body=maintenance_event(given)),
            lambda event_id: OutgoingRequest("DELETE", f"{events}/{quote(event_id, safe='')}", auth),
            None,
        )
        return
    body = incident_update(given, out.now)
    send_incident(
        out,
        lambda: OutgoingRequest("POST", url, auth, json_body=body),
        lambda incident_id: OutgoingRequest(
            "POST", f"{url}/{quote(incident_id, safe='')}/incident_updates", auth, json_body=body
        ),
    )
