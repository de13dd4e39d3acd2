"""The delivery log: every attempt to deliver every alert, readable per alert (Messages API)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from alerting.errors import ConcurrentUpdateError
from alerting.models.delivery import DeliveryAttempt, DeliveryJob
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

    def was_delivered(self, job: DeliveryJob) -> bool:
        """Whether an earlier copy of this job already reached its target (SQS delivers at least once)."""
        key = keys.delivered_marker(job.alert.alert_guid, job.integration_guid, job.target)
        with translated_errors():
            return "Item" in self._table.get_item(Key=key, ConsistentRead=True, ProjectionExpression="PK")

    def mark_delivered(self, job: DeliveryJob, at: datetime) -> None:
        """Recorded before the message is acknowledged, so a redelivered copy is not sent again."""
        key = keys.delivered_marker(job.alert.alert_guid, job.integration_guid, job.target)
        expires_at = int((at + self._retention).timestamp())
        item: dict[str, Any] = {**key, "DeliveredAt": at.isoformat(), "ExpiresAt": expires_at}
        try:
            with translated_errors():
                self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ConcurrentUpdateError:
            return  # an earlier copy got there first: the marker is what matters

    def attempts(self, alert_guid: UUID) -> list[DeliveryAttempt]:
        """Every attempt for the alert, oldest first (the sort key starts with the attempt time)."""
        items = query_all(
            self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :attempt)",
            ExpressionAttributeValues={":pk": keys.alert_partition(alert_guid), ":attempt": "ATTEMPT#"},
        )
        return [DeliveryAttempt.model_validate_json(str(item["Attempt"])) for item in items]
