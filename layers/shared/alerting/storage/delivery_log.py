"""The delivery log: every attempt to deliver every alert, readable per alert (Messages API)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from alerting.models.delivery import DeliveryAttempt
from alerting.storage import keys
from alerting.storage.dynamo import query_all, translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


class DeliveryLog:
    def __init__(self, table: Table, retention: timedelta) -> None:
        self._table = table
        self._retention = retention

    def record(self, attempt: DeliveryAttempt) -> None:
        key = keys.delivery_attempt(
            attempt.alert_guid, attempt.started_at, attempt.integration_guid, attempt.target, attempt.attempt
        )
        expires_at = int((attempt.started_at + self._retention).timestamp())
        with translated_errors():
            self._table.put_item(
                Item={**key, "Attempt": attempt.model_dump_json(by_alias=True), "ExpiresAt": expires_at}
            )

    def attempts(self, alert_guid: UUID) -> list[DeliveryAttempt]:
        """Every attempt for the alert, oldest first (the sort key starts with the attempt time)."""
        items = query_all(
            self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": keys.alert_partition(alert_guid)},
        )
        return [DeliveryAttempt.model_validate_json(str(item["Attempt"])) for item in items]
