"""Pure rendering of alerts into the bodies integrations receive."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from alerting.models.alert import Alert, AlertType


def utc_iso(moment: datetime) -> str:
    """UTC ISO 8601 with a Z, as StatusHub's hook expects for start_time."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def downtime(alert: Alert) -> str:
    """First error to this alert as h:mm:ss (hours may exceed 24), like @alert.downtimeDuration."""
    seconds = max(0, int((alert.timestamp - alert.first_error).total_seconds()))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


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
