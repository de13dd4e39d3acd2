"""Atlassian Statuspage: create the incident once (with its component's status), then PATCH it."""

from __future__ import annotations

from urllib.parse import quote

from alerting.delivery.outbound import Outbound
from alerting.delivery.senders.status_page_incident import send_incident
from alerting.integrations.spec import OutgoingRequest
from alerting.integrations.statuspage import headers, incident, incidents_url, scheduled_maintenance


def send(out: Outbound) -> None:
    given = out.rendering()
    url, auth = incidents_url(given), headers(given)
    if given.alert.maintenance is not None:
        out.send(OutgoingRequest("POST", url, auth, json_body=scheduled_maintenance(given)))
        return
    body = incident(given)
    send_incident(
        out,
        lambda: OutgoingRequest("POST", url, auth, json_body=body),
        lambda incident_id: OutgoingRequest(
            "PATCH", f"{url}/{quote(incident_id, safe='')}", auth, json_body=body
        ),
    )
