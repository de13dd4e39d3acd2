"""ServiceNow Table API: an Alert creates an incident (correlation_id = incident key), the Ok resolves
it, a Reminder adds a work note. The requests are made by `delivery/senders/servicenow.py`: an update
may first have to look the incident up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alerting.errors import PermanentDeliveryError
from alerting.integrations.spec import IntegrationSpec
from alerting.integrations.wording import SERVICENOW_DESCRIPTION_LIMIT, Values, clip, detail, headline
from alerting.models.alert import Alert, AlertType
from alerting.models.config import IntegrationType


def instance_url(variables: Mapping[str, str]) -> str:
    """`InstanceUrl` when set (an on-premises or proxied instance, a test receiver), else
    `https://<InstanceName>.service-now.com`; a full URL in InstanceName is used as is. Either way the
    requests go through the same SSRF checks as every other URL."""
    url = variables.get("InstanceUrl", "").strip()
    if url:
        return url.rstrip("/")
    name = (variables.get("InstanceName") or "").strip().rstrip("/")
    if not name:
        raise PermanentDeliveryError("the integration has no value for InstanceName")
    return name if name.startswith(("https://", "http://")) else f"https://{name}.service-now.com"


def servicenow_incident(alert: Alert, values: Values) -> dict[str, Any]:
    """ServiceNow Table API: the incident to create; correlation_id ties it to our incident key."""
    description = "\n".join(
        line
        for line in (
            detail(alert),
            alert.escalation_level_message,
            f"Monitor: {alert.monitor_name} ({alert.monitor_url})"
            if alert.monitor_url
            else f"Monitor: {alert.monitor_name}",
            f"First error (UTC): {values['alert.firstErrorUtc']}",
            f"Dashboard: {values['monitor.dashboardUrl']}",
        )
        if line
    )
    return {
        "short_description": clip(headline(alert), 160),
        "description": clip(description, SERVICENOW_DESCRIPTION_LIMIT),
        "correlation_id": alert.incident_key,
        "correlation_display": "Alerting",
        "urgency": "1",
        "impact": "1",
    }


def servicenow_update(alert: Alert) -> dict[str, Any]:
    """The change to an incident we opened: resolved on Ok (state 6), a work note on a Reminder."""
    if alert.alert_type is AlertType.OK:
        return {
            "state": "6",
            "close_code": "Solved (Permanently)",
            "close_notes": f"{headline(alert)}. {detail(alert)}",
        }
    return {"work_notes": f"{headline(alert)}: {detail(alert)}"}


SPEC = IntegrationSpec(
    type=IntegrationType.SERVICENOW,
    name="ServiceNow",
    required_variables=("InstanceName", "Username", "Password"),
    stands_in_for={"InstanceName": "InstanceUrl"},
    url_variables=("InstanceUrl",),
)
