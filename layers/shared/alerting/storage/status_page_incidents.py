"""The status page's own id of each incident we opened there (StatusHub API v3, Statuspage), per
integration, IncidentKey and target service: every later update of the incident goes to that id."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from alerting.storage import keys
from alerting.storage.dynamo import translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


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
