"""ServiceNow Table API: an Alert creates an incident (correlation_id = incident key) and we keep its
sys_id; the Ok resolves that incident, a Reminder adds a work note. When the sys_id is not known (the
incident was opened before we kept it), it is looked up by correlation_id first."""

from __future__ import annotations

import json
from urllib.parse import quote

from alerting.delivery.outbound import Outbound
from alerting.delivery.transport import Verdict
from alerting.errors import NothingToSendError
from alerting.integrations.servicenow import instance_url, servicenow_incident, servicenow_update
from alerting.integrations.spec import OutgoingRequest, basic_auth
from alerting.models.alert import AlertType


def send(out: Outbound) -> None:
    given = out.rendering()
    alert = given.alert
    table = f"{instance_url(given.variables)}/api/now/table/incident"
    headers = {
        "Accept": "application/json",
        "Authorization": basic_auth(given.variable("Username"), given.variable("Password")),
    }
    store, integration_guid = out.channels.servicenow, out.integration.integration_guid
    if alert.alert_type is AlertType.ERROR:
        # sysparm_fields keeps the answer short, so the sys_id is within the logged excerpt we read it from.
        create = f"{table}?sysparm_fields=sys_id,number"
        body = servicenow_incident(alert, given.values)
        result = out.send(OutgoingRequest("POST", create, headers, json_body=body))
        sys_id = _sys_id(result.exchange.response_excerpt)
        if result.verdict is Verdict.DELIVERED and sys_id:
            store.remember(integration_guid, alert.incident_key, sys_id, out.now)
        return
    sys_id = store.sys_id(integration_guid, alert.incident_key)
    if sys_id is None:
        key = quote(alert.incident_key, safe="")
        query = f"{table}?sysparm_query=correlation_id%3D{key}&sysparm_fields=sys_id&sysparm_limit=1"
        found = out.send(OutgoingRequest("GET", query, headers))
        if found.verdict is not Verdict.DELIVERED:
            return
        sys_id = _sys_id(found.exchange.response_excerpt)
        if not sys_id:
            raise NothingToSendError(f"no ServiceNow incident has correlation_id {alert.incident_key}")
        store.remember(integration_guid, alert.incident_key, sys_id, out.now)
    update = f"{table}/{quote(sys_id, safe='')}"
    out.send(OutgoingRequest("PATCH", update, headers, json_body=servicenow_update(alert)))


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
