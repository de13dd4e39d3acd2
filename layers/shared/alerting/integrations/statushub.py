"""StatusHub: one POST of the incident payload to the hook URL of each linked service.

Targets are the level's services linked to the alert's monitor; a status page holds its state until
the Ok, so reminders would only add noise and are never sent.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from alerting.errors import PermanentDeliveryError
from alerting.integrations.spec import IntegrationSpec, OutgoingRequest, Render, Rendering
from alerting.integrations.wording import downtime, utc_iso
from alerting.models.alert import Alert, AlertType
from alerting.models.config import IntegrationType, LevelIntegration, ServiceLink, ServiceStatus


def incident_state(alert: Alert) -> str:
    """investigating on an Alert, monitoring on the Ok, resolved on the sweep's resolve."""
    if alert.resolves_incident:
        return "resolved"
    return "monitoring" if alert.alert_type is AlertType.OK else "investigating"


def alert_status(link: ServiceLink | None) -> str:
    """What an Alert sets the service to: the link's ServiceStatus, `down` by default."""
    return (link.service_status if link else ServiceStatus.DOWN).value


TITLE_STATE = {
    ServiceStatus.DOWN: "is down",
    ServiceStatus.DEGRADED_PERFORMANCE: "is degraded",
    ServiceStatus.PARTIAL_OUTAGE: "is partly down",
}


def incident_title(alert: Alert, link: ServiceLink | None) -> str:
    return f"{alert.monitor_name} {TITLE_STATE[link.service_status if link else ServiceStatus.DOWN]}"


def incident_body(alert: Alert) -> str:
    if alert.resolves_incident:
        return f"{alert.monitor_name} has been operating normally since the last update."
    if alert.alert_type is AlertType.OK:
        return f"{alert.monitor_name} is operating normally again (down for {downtime(alert)})."
    return alert.escalation_level_message or alert.error_description or "The monitor reports errors."


def statushub_payload(alert: Alert, link: ServiceLink | None = None) -> dict[str, Any]:
    """The StatusHub hook body: an Alert opens the incident (down, or the link's ServiceStatus;
    investigating), an Ok moves it on to monitoring with the service up. `resolved` goes out only
    when the link sets ResolveAfterMinutes; by default a person resolves the incident."""
    recovered = alert.alert_type is AlertType.OK
    return {
        "type": "incident",
        "id": alert.incident_key,
        "title": incident_title(alert, link),
        "description": incident_body(alert),
        "start_time": utc_iso(alert.first_error),
        "state": incident_state(alert),
        "service_status": "up" if recovered else alert_status(link),
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
    if service.url is None:
        raise PermanentDeliveryError(f"StatusHub service {given.target} has no hook Url")
    return OutgoingRequest("POST", str(service.url), json_body=statushub_payload(given.alert, given.link))


def linked_external_id(given: Rendering) -> str:
    """The target service's id on the status page (API modes: `ExternalId`)."""
    service = given.services.get(UUID(given.target))
    if service is None or not service.external_id:
        raise PermanentDeliveryError(f"service {given.target} no longer exists or has no ExternalId")
    return service.external_id


def linked_services(attached: LevelIntegration, alert: Alert) -> list[str]:
    """Only services the level links to the alert's monitor, each once."""
    linked = (
        str(link.integration_service_guid)
        for link in attached.status_hub_service_list
        if link.monitor_guid == alert.monitor_guid
    )
    return list(dict.fromkeys(linked))


def linked_service_spec(kind: IntegrationType, name: str, render: Render | None = None) -> IntegrationSpec:
    """A status page: alerts go to the services a level links to the monitor, and never as reminders
    (the page holds its state until the Ok)."""
    return IntegrationSpec(
        type=kind,
        name=name,
        reminders=False,
        targets=linked_services,
        no_target_reason=f"no {name} service of this level is linked to the monitor",
        services=True,
        render=render,
    )


def status_page_api_spec(
    kind: IntegrationType,
    name: str,
    required: tuple[str, ...],
    url_variable: str,
    per_second: float,
    statuses: frozenset[ServiceStatus] = frozenset({ServiceStatus.DOWN, ServiceStatus.DEGRADED_PERFORMANCE}),
) -> IntegrationSpec:
    """A status page driven through its own API: services named by `ExternalId`, linked per level as
    for the hook, paced to the page's documented rate."""
    return replace(
        linked_service_spec(kind, name),
        required_variables=required,
        url_variables=(url_variable,),
        external_services=True,
        requests_per_second=per_second,
        service_statuses=statuses,
    )


SPEC = linked_service_spec(IntegrationType.STATUSHUB, "StatusHub", render=render)
