"""The status page's own id of each incident we opened there (StatusHub API v3, Statuspage), per
integration, IncidentKey and target service: every later update of the incident goes to that id.

A published maintenance window is kept under its monitor as well, with the job that published it, so
the sweep can update the window when its period is edited and complete it when the period, the link or
PublishMaintenance goes away (DESIGN 6b)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from alerting.models.delivery import DeliveryJob
from alerting.storage import keys
from alerting.storage.dynamo import query_all, translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

MAINTENANCE_PREFIX = "PUBLISHED_MAINTENANCE#"


def _maintenance_key(job: DeliveryJob) -> keys.Key:
    return {
        "PK": f"{MAINTENANCE_PREFIX}{job.alert.monitor_guid}",
        "SK": f"{job.integration_guid}#{job.target}#{job.alert.incident_key}",
    }


class StatusPageIncidents:
    def __init__(self, table: Table, retention: timedelta) -> None:
        self._table = table
        self._retention = retention

    def remember(
        self, integration_guid: UUID, incident_key: str, target: str, incident_id: str, at: datetime
    ) -> None:
        with translated_errors():
            self._table.put_item(
                Item={
                    **keys.status_page_incident(integration_guid, incident_key, target),
                    "IncidentId": incident_id,
                    "ExpiresAt": int((at + self._retention).timestamp()),
                }
            )

    def incident_id(self, integration_guid: UUID, incident_key: str, target: str) -> str | None:
        with translated_errors():
            item = self._table.get_item(
                Key=keys.status_page_incident(integration_guid, incident_key, target), ConsistentRead=True
            ).get("Item")
        return str(item["IncidentId"]) if item else None

    # Published maintenance windows
    def remember_maintenance(self, job: DeliveryJob, maintenance_id: str) -> None:
        window = job.alert.maintenance
        assert window is not None
        with translated_errors():
            self._table.put_item(
                Item={
                    **_maintenance_key(job),
                    "IncidentId": maintenance_id,
                    "Job": job.model_dump_json(by_alias=True),
                    "ExpiresAt": int((window.end + self._retention).timestamp()),
                }
            )

    def maintenance_id(self, job: DeliveryJob) -> str | None:
        with translated_errors():
            item = self._table.get_item(Key=_maintenance_key(job), ConsistentRead=True).get("Item")
        return str(item["IncidentId"]) if item else None

    def forget_maintenance(self, job: DeliveryJob) -> None:
        with translated_errors():
            self._table.delete_item(Key=_maintenance_key(job))

    def open_maintenance(self, monitor_guid: UUID, now: datetime) -> list[DeliveryJob]:
        """The jobs that published the monitor's windows still running on their pages at `now`."""
        items = query_all(
            self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": f"{MAINTENANCE_PREFIX}{monitor_guid}"},
        )
        jobs = [DeliveryJob.model_validate_json(str(item["Job"])) for item in items]
        return [job for job in jobs if job.alert.maintenance and job.alert.maintenance.end > now]
