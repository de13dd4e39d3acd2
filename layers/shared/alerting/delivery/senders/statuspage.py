"""Atlassian Statuspage: create the incident once (with its component's status), then PATCH it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from alerting.delivery.outbound import Outbound
from alerting.delivery.senders.status_page_incident import (
    send_incident,
    send_maintenance,
    send_to_status_page,
)
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
    send_to_status_page(out, _send_incident, _send_maintenance)


def _send_incident(out: Outbound, given: Rendering) -> None:
    send_incident(out, incidents_url(given), headers(given), incident(given), "PATCH")


def _send_maintenance(out: Outbound, given: Rendering) -> None:
    """Statuspage keeps a scheduled maintenance as an incident: PATCHed to a new end, or completed."""
    url, auth, window = incidents_url(given), headers(given), scheduled_maintenance(given)

    def patched(found: str, body: dict[str, Any]) -> OutgoingRequest:
        return OutgoingRequest("PATCH", f"{url}/{quote(found, safe='')}", auth, json_body=body)

    send_maintenance(
        out,
        lambda: OutgoingRequest("POST", url, auth, json_body=window),
        lambda found: patched(found, completed_maintenance(given)),
        lambda found: patched(
            found, {"incident": {"scheduled_until": window["incident"]["scheduled_until"]}}
        ),
    )
