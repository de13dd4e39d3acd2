"""The sys_id of each ServiceNow incident we opened, per integration and IncidentKey, to resolve it on Ok."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from alerting.storage import keys
from alerting.storage.dynamo import translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


class ServiceNowIncidents:
    def __init__(self, table: Table, retention: timedelta) -> None:
        self._table = table
        self._retention = retention

    def remember(self, integration_guid: UUID, incident_key: str, sys_id: str, at: datetime) -> None:
        expires_at = int((at + self._retention).timestamp())
        with translated_errors():
            self._table.put_item(
                Item={
                    **keys.servicenow_incident(integration_guid, incident_key),
                    "SysId": sys_id,
                    "ExpiresAt": expires_at,
                }
            )

    def sys_id(self, integration_guid: UUID, incident_key: str) -> str | None:
        with translated_errors():
            item = self._table.get_item(
                Key=keys.servicenow_incident(integration_guid, incident_key), ConsistentRead=True
            ).get("Item")
        return str(item["SysId"]) if item else None
