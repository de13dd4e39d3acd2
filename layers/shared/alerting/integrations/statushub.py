"""StatusHub: one POST of the incident payload to the hook URL of each linked service.

Targets are the level's services linked to the alert's monitor; a status page holds its state until
the Ok, so reminders would only add noise and are never sent.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from alerting.errors import PermanentDeliveryError
from alerting.integrations.spec import IntegrationSpec, OutgoingRequest, Rendering
from alerting.integrations.wording import downtime, utc_iso
from alerting.models.alert import Alert, AlertType
from alerting.models.config import IntegrationType, LevelIntegration


def statushub_payload(alert: Alert) -> dict[str, Any]:
    """The StatusHub hook body: an Alert opens the incident (down/investigating), an Ok moves it on
    to monitoring with the service up. We never send `resolved`: a person resolves the incident."""
    recovered = alert.alert_type is AlertType.OK
    if recovered:
        description = f"{alert.monitor_name} is operating normally again (down for {downtime(alert)})."
    else:
        description = (
            alert.escalation_level_message or alert.error_description or "The monitor reports errors."
        )
    return {
        "type": "incident",
        "id": alert.incident_key,
        "title": f"{alert.monitor_name} is down",
        "description": description,
        "start_time": utc_iso(alert.first_error),
        "state": "monitoring" if recovered else "investigating",
        "service_status": "up" if recovered else "down",
        "alert": {
            "AlertGuid": str(alert.alert_guid),
            "AlertType": alert.alert_type.template_name,
            "IncidentKey": alert.incident_key,
            "MonitorGuid": str(alert.monitor_guid),
            "MonitorName": alert.monitor_name,
            "TimestampUtc": utc_iso(alert.timestamp),
            "FirstErrorUtc": utc_iso(alert.first_error),
            "ErrorDescription": alert.error_description,
        },
    }


def render(given: Rendering) -> OutgoingRequest:
    service = given.services.get(UUID(given.target))
    if service is None:
        raise PermanentDeliveryError(f"StatusHub service {given.target} no longer exists")
    return OutgoingRequest("POST", str(service.url), json_body=statushub_payload(given.alert))


def linked_services(attached: LevelIntegration, alert: Alert) -> list[str]:
    """Only services the level links to the alert's monitor, each once."""
    linked = (
        str(link.integration_service_guid)
        for link in attached.status_hub_service_list
        if link.monitor_guid == alert.monitor_guid
    )
    return list(dict.fromkeys(linked))


SPEC = IntegrationSpec(
    type=IntegrationType.STATUSHUB,
    name="StatusHub",
    render=render,
    reminders=False,
    targets=linked_services,
    no_target_reason="no StatusHub service of this level is linked to the monitor",
    services=True,
)
