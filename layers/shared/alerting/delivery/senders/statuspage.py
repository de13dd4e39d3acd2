"""Atlassian Statuspage: create the incident once (with its component's status), then PATCH it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from alerting.delivery.outbound import Outbound
from alerting.delivery.senders.status_page_incident import send_incident, send_maintenance
from alerting.integrations.spec import OutgoingRequest, Rendering
from alerting.integrations.statushub import linked_external_id
from alerting.integrations.statuspage import headers, incident, incidents_url, scheduled_maintenance


def completed_maintenance(given: Rendering) -> dict[str, Any]:
    """The window ended before its time (period deleted or no longer published): completed, with its
    component operational again, as Statuspage does at a window's own end."""
    components = {linked_external_id(given): "operational"}
    body = "The maintenance has ended."
    return {"incident": {"status": "completed", "body": body, "components": components}}


def send(out: Outbound) -> None:
    given = out.rendering()
    url, auth = incidents_url(given), headers(given)
    if given.alert.maintenance is not None:
        window = scheduled_maintenance(given)
        send_maintenance(
            out,
            lambda: OutgoingRequest("POST", url, auth, json_body=window),
            lambda found: OutgoingRequest(
                "PATCH", f"{url}/{quote(found, safe='')}", auth, json_body=completed_maintenance(given)
            ),
            lambda found: OutgoingRequest(
                "PATCH",
                f"{url}/{quote(found, safe='')}",
                auth,
                json_body={"incident": {"scheduled_until": window["incident"]["scheduled_until"]}},
            ),
        )
        return
    body = incident(given)
    send_incident(
        out,
        lambda: OutgoingRequest("POST", url, auth, json_body=body),
        lambda incident_id: OutgoingRequest(
            "PATCH", f"{url}/{quote(incident_id, safe='')}", auth, json_body=body
        ),
    )
