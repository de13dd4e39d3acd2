"""Splunk On-Call REST endpoint: POST to `<SplunkOnCallUrl>/<RoutingKey>`; RECOVERY closes the entity."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from alerting.integrations.spec import IntegrationSpec, OutgoingRequest, Rendering
from alerting.integrations.wording import Values, detail, headline
from alerting.models.alert import Alert, AlertType
from alerting.models.config import IntegrationType


def splunk_on_call_alert(alert: Alert, values: Values) -> dict[str, Any]:
    """Splunk On-Call (VictorOps) REST endpoint: CRITICAL opens, RECOVERY with the same entity_id resolves."""
    return {
        "message_type": "RECOVERY" if alert.alert_type is AlertType.OK else "CRITICAL",
        "entity_id": alert.incident_key,
        "entity_display_name": headline(alert),
        "state_message": detail(alert),
        "state_start_time": int(alert.first_error.timestamp()),
        "timestamp": int(alert.timestamp.timestamp()),
        "monitoring_tool": "Alerting",
        "monitor_name": alert.monitor_name,
        "monitor_url": alert.monitor_url,
        "dashboard_url": values["monitor.dashboardUrl"],
        "escalation_level_message": alert.escalation_level_message,
    }


def render(given: Rendering) -> OutgoingRequest:
    base = given.variable("SplunkOnCallUrl").rstrip("/")
    url = f"{base}/{quote(given.variable('RoutingKey'), safe='')}"
    return OutgoingRequest("POST", url, json_body=splunk_on_call_alert(given.alert, given.values))


SPEC = IntegrationSpec(
    type=IntegrationType.SPLUNK_ON_CALL,
    name="Splunk On-Call",
    render=render,
    required_variables=("SplunkOnCallUrl", "RoutingKey"),
    secret_url_variables=("SplunkOnCallUrl",),
)
