"""Opsgenie Alert API: create with alias = incident key (a Reminder repeats it), close the alias on Ok."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from alerting.errors import PermanentDeliveryError
from alerting.integrations.spec import IntegrationSpec, OutgoingRequest, Rendering
from alerting.integrations.wording import Values, clip, detail, headline
from alerting.models.alert import Alert, AlertType
from alerting.models.config import IntegrationType

OPSGENIE_URLS = {"US": "https://api.opsgenie.com/v2/alerts", "EU": "https://api.eu.opsgenie.com/v2/alerts"}


def opsgenie_alert(alert: Alert, values: Values) -> dict[str, Any]:
    """Opsgenie Alert API create; a Reminder repeats it (Opsgenie counts duplicates of one alias)."""
    return {
        "message": clip(headline(alert), 130),
        "alias": clip(alert.incident_key, 512),
        "description": clip(
            "\n".join(
                filter(None, (detail(alert), alert.escalation_level_message, values["monitor.dashboardUrl"]))
            ),
            15000,
        ),
        "source": "Alerting",
        "priority": "P1",
        "entity": clip(alert.monitor_name, 512),
        "details": {
            "monitorGuid": str(alert.monitor_guid),
            "checkpoint": alert.checkpoint_name,
            "firstErrorUtc": values["alert.firstErrorUtc"],
            "dashboardUrl": values["monitor.dashboardUrl"],
        },
    }


def opsgenie_close(alert: Alert) -> dict[str, Any]:
    return {"source": "Alerting", "note": f"{headline(alert)}. {detail(alert)}"}


def alerts_url(given: Rendering) -> str:
    """The EU or US endpoint (`Region`), or `ApiUrl` for a proxy or a local receiver."""
    if given.variables.get("ApiUrl"):
        return given.variables["ApiUrl"].rstrip("/")
    region = (given.variables.get("Region") or "US").upper()
    if region not in OPSGENIE_URLS:
        raise PermanentDeliveryError(f"Region must be {' or '.join(OPSGENIE_URLS)}, not {region}")
    return OPSGENIE_URLS[region]


def render(given: Rendering) -> OutgoingRequest:
    alert = given.alert
    headers = {"Authorization": f"GenieKey {given.variable('ApiKey')}"}
    if alert.alert_type is AlertType.OK:
        url = f"{alerts_url(given)}/{quote(alert.incident_key, safe='')}/close?identifierType=alias"
        return OutgoingRequest("POST", url, headers, json_body=opsgenie_close(alert))
    return OutgoingRequest("POST", alerts_url(given), headers, json_body=opsgenie_alert(alert, given.values))


SPEC = IntegrationSpec(
    type=IntegrationType.OPSGENIE,
    name="Opsgenie",
    render=render,
    required_variables=("ApiKey",),
)
