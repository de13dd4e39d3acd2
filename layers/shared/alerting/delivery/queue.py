"""The FIFO delivery queue: jobs in (evaluator), retries and dead letters (delivery function)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from alerting.errors import UnavailableError
from alerting.models.delivery import DeliveryJob

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

SQS_BATCH = 10
MAX_VISIBILITY_SECONDS = 12 * 60 * 60


class DeliveryQueue:
    def __init__(self, sqs: SQSClient, queue_url: str, dead_letter_url: str) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self._dead_letter_url = dead_letter_url

    def send(self, jobs: Sequence[DeliveryJob]) -> None:
        """Queue jobs; a job sent twice within five minutes is dropped by SQS (same deduplication id)."""
        for start in range(0, len(jobs), SQS_BATCH):
            entries = [
                {
                    "Id": str(index),
                    "MessageBody": job.model_dump_json(by_alias=True),
                    "MessageGroupId": job.message_group_id,
                    "MessageDeduplicationId": job.deduplication_id,
                }
                for index, job in enumerate(jobs[start : start + SQS_BATCH])
            ]
            try:
                response = self._sqs.send_message_batch(QueueUrl=self._queue_url, Entries=entries)  # type: ignore[arg-type]
            except (BotoCoreError, ClientError) as exc:
                raise UnavailableError(f"SQS send failed: {exc}") from exc
            if response.get("Failed"):
                raise UnavailableError(f"SQS refused {len(response['Failed'])} deliveries")

    def retry_later(self, receipt_handles: Sequence[str], seconds: float) -> None:
        """Hide received messages until their next attempt is due (the retry schedule lives here)."""
        timeout = max(0, min(MAX_VISIBILITY_SECONDS, round(seconds)))
        for start in range(0, len(receipt_handles), SQS_BATCH):
            entries = [
                {"Id": str(index), "ReceiptHandle": handle, "VisibilityTimeout": timeout}
                for index, handle in enumerate(receipt_handles[start : start + SQS_BATCH])
            ]
            try:
                self._sqs.change_message_visibility_batch(QueueUrl=self._queue_url, Entries=entries)  # type: ignore[arg-type]
            except (BotoCoreError, ClientError) as exc:
                raise UnavailableError(f"SQS visibility change failed: {exc}") from exc

    def dead_letter(self, body: str, group_id: str, deduplication_id: str, reason: str) -> None:
        """Park a message that used up its schedule (or cannot be read) where an operator can redrive it."""
        try:
            self._sqs.send_message(
                QueueUrl=self._dead_letter_url,
                MessageBody=body,
                MessageGroupId=group_id,
                MessageDeduplicationId=deduplication_id[:128],
                MessageAttributes={"Reason": {"DataType": "String", "StringValue": reason[:1000] or "-"}},
            )
        except (BotoCoreError, ClientError) as exc:
            raise UnavailableError(f"SQS dead-letter send failed: {exc}") from exc
