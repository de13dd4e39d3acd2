"""PagerDuty Events API v2: trigger on Alert and Reminder, resolve on Ok, deduplicated by the incident key."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from alerting.integrations.spec import IntegrationSpec, OutgoingRequest, Rendering
from alerting.integrations.wording import Values, clip, detail, headline
from alerting.models.alert import Alert, AlertType
from alerting.models.config import IntegrationType

EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"


def pagerduty_event(alert: Alert, values: Values, routing_key: str) -> dict[str, Any]:
    """PagerDuty Events API v2: Alert and Reminder trigger (deduplicated by the incident key), Ok resolves."""
    dedup_key = clip(alert.incident_key, 255)
    if alert.alert_type is AlertType.OK:
        return {"routing_key": routing_key, "event_action": "resolve", "dedup_key": dedup_key}
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": dedup_key,
        "payload": {
            "summary": clip(f"{headline(alert)}: {detail(alert)}", 1024),
            "source": alert.monitor_url or alert.monitor_name,
            "severity": "critical",
            "timestamp": alert.timestamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "component": alert.monitor_name,
            "group": alert.alert_definition_name,
            "class": alert.monitor_type.value,
            "custom_details": {
                "Message": alert.escalation_level_message,
                "Description": alert.error_description,
                "Checkpoint": alert.checkpoint_name,
                "First error (UTC)": values["alert.firstErrorUtc"],
                "Consecutive errors": alert.consecutive_errors,
            },
        },
        "client": "Alerting",
        "client_url": values["monitor.dashboardUrl"],
        "links": [
            {"href": values["monitor.dashboardUrl"], "text": "Dashboard"},
            {"href": values["monitor.editUrl"], "text": "Monitor"},
        ],
    }


def render(given: Rendering) -> OutgoingRequest:
    body = pagerduty_event(given.alert, given.values, given.variable("RoutingKey"))
    # ApiUrl is optional: a proxy, or a local receiver in tests.
    return OutgoingRequest("POST", given.variable("ApiUrl", EVENTS_URL), json_body=body)


SPEC = IntegrationSpec(
    type=IntegrationType.PAGERDUTY,
    name="PagerDuty",
    render=render,
    required_variables=("RoutingKey",),
)
