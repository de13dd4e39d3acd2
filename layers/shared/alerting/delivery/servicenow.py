"""ServiceNow Table API: an Alert creates an incident (correlation_id = incident key) and we keep its
sys_id; the Ok resolves that incident, a Reminder adds a work note. When the sys_id is not known (the
incident was opened before we kept it), it is looked up by correlation_id first."""

from __future__ import annotations

import json
from urllib.parse import quote

from alerting.delivery.dispatch import Delivery, basic_auth
from alerting.delivery.http import OutgoingRequest, Verdict
from alerting.errors import NothingToSendError
from alerting.models.alert import AlertType
from alerting.rendering import servicenow_incident, servicenow_update


def instance_url(delivery: Delivery) -> str:
    """`InstanceUrl` when set (an on-premises or proxied instance, a test receiver), else
    `https://<InstanceName>.service-now.com`; a full URL in InstanceName is used as is. Either way the
    requests go through the same SSRF checks as every other URL."""
    url = delivery.variables.get("InstanceUrl", "").strip()
    if url:
        return url.rstrip("/")
    name = delivery.variable("InstanceName").strip().rstrip("/")
    return name if name.startswith(("https://", "http://")) else f"https://{name}.service-now.com"


def deliver(delivery: Delivery) -> None:
    alert = delivery.job.alert
    table = f"{instance_url(delivery)}/api/now/table/incident"
    headers = {
        "Accept": "application/json",
        "Authorization": basic_auth(delivery.variable("Username"), delivery.variable("Password")),
    }
    store, integration_guid = delivery.channels.servicenow, delivery.integration.integration_guid
    if alert.alert_type is AlertType.ERROR:
        # sysparm_fields keeps the answer short, so the sys_id is within the logged excerpt we read it from.
        create = f"{table}?sysparm_fields=sys_id,number"
        body = servicenow_incident(alert, delivery.values())
        result = delivery.send(OutgoingRequest("POST", create, headers, json_body=body))
        sys_id = _sys_id(result.exchange.response_excerpt)
        if result.verdict is Verdict.DELIVERED and sys_id:
            store.remember(integration_guid, alert.incident_key, sys_id, delivery.now)
        return
    sys_id = store.sys_id(integration_guid, alert.incident_key)
    if sys_id is None:
        key = quote(alert.incident_key, safe="")
        query = f"{table}?sysparm_query=correlation_id%3D{key}&sysparm_fields=sys_id&sysparm_limit=1"
        found = delivery.send(OutgoingRequest("GET", query, headers))
        if found.verdict is not Verdict.DELIVERED:
            return
        sys_id = _sys_id(found.exchange.response_excerpt)
        if not sys_id:
            raise NothingToSendError(f"no ServiceNow incident has correlation_id {alert.incident_key}")
        store.remember(integration_guid, alert.incident_key, sys_id, delivery.now)
    update = f"{table}/{quote(sys_id, safe='')}"
    delivery.send(OutgoingRequest("PATCH", update, headers, json_body=servicenow_update(alert)))


def _sys_id(response: str) -> str | None:
    """`result.sys_id` of a Table API answer (an object on create, a list on a query)."""
    try:
        result = json.loads(response).get("result")
    except (ValueError, AttributeError):
        return None
    if isinstance(result, list):
        result = result[0] if result else None
    sys_id = result.get("sys_id") if isinstance(result, dict) else None
    return sys_id if isinstance(sys_id, str) and sys_id else None
