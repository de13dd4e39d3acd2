"""The delivery log: every attempt to deliver every alert, readable per alert (Messages API)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from alerting.errors import ConcurrentUpdateError
from alerting.models.delivery import DeliveryAttempt, DeliveryJob
from alerting.storage import keys
from alerting.storage.dynamo import query_prefix, translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


class DeliveryLog:
    def __init__(self, table: Table, retention: timedelta) -> None:
        self._table = table
        self._retention = retention

    def record(self, attempt: DeliveryAttempt, job: DeliveryJob, delivered: bool = False) -> None:
        """Write one attempt (with its job, so the Messages API can resend it later) and the job's attempt
        count; a delivered attempt also its delivered marker. One request, before the message is
        acknowledged, so a redelivered copy is not sent again (`SendStates.read`).

        Attempts are counted here rather than from the SQS receive count, which also grows when a
        message is received only to be held back behind a failing one of its group."""
        key = keys.delivery_attempt(
            attempt.alert_guid,
            attempt.started_at,
            attempt.integration_guid,
            attempt.target,
            attempt.attempt,
            attempt.replay,
        )
        expires_at = int((attempt.started_at + self._retention).timestamp())
        alert, integration, target = job.alert.alert_guid, job.integration_guid, job.target
        items: list[dict[str, Any]] = [
            {
                **key,
                "Attempt": attempt.model_dump_json(by_alias=True),
                "Job": job.model_dump_json(by_alias=True),
                "ExpiresAt": expires_at,
            },
            {
                **keys.job_attempts(alert, integration, target, job.replay),
                "Attempts": attempt.attempt,
                "ExpiresAt": expires_at,
            },
        ]
        if delivered:
            # Written only ever by a delivered attempt, so a failing copy of the job cannot undo it.
            marker = keys.delivered_marker(alert, integration, target, job.replay)
            items.append({**marker, "DeliveredAt": attempt.started_at.isoformat(), "ExpiresAt": expires_at})
        with translated_errors(), self._table.batch_writer() as batch:
            for item in items:
                batch.put_item(Item=item)

    def last_job(self, alert_guid: UUID, integration_guid: UUID, target: str) -> DeliveryJob | None:
        """The job of the alert's latest attempt at that target, to send it again."""
        items = query_prefix(self._table, keys.alert_partition(alert_guid), "ATTEMPT#")
        infix = f"#{integration_guid}#{target}#"
        for item in reversed(items):
            if infix in str(item["SK"]) and "Job" in item:
                return DeliveryJob.model_validate_json(str(item["Job"]))
        return None

    def reached_target(self, job: DeliveryJob, at: datetime) -> None:
        """Remember that this alert of its incident reached the target, unless a later one already had."""
        key = keys.incident_progress(job.alert.incident_key, job.integration_guid, job.target)
        item: dict[str, Any] = {**key, "Latest": job.incident_rank}
        item["ExpiresAt"] = int((at + self._retention).timestamp())
        try:
            with translated_errors():
                self._table.put_item(
                    Item=item,
                    ConditionExpression="attribute_not_exists(Latest) OR Latest < :rank",
                    ExpressionAttributeValues={":rank": job.incident_rank},
                )
        except ConcurrentUpdateError:
            return  # a later alert of the incident is already recorded there

    def attempts(self, alert_guid: UUID) -> list[DeliveryAttempt]:
        """Every attempt for the alert, oldest first (the sort key starts with the attempt time)."""
        items = query_prefix(self._table, keys.alert_partition(alert_guid), "ATTEMPT#")
        return [DeliveryAttempt.model_validate_json(str(item["Attempt"])) for item in items]
