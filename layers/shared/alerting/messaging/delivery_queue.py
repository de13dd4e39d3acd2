"""The FIFO delivery queue: jobs in (evaluator), retries and dead letters (delivery function)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from alerting.errors import UnavailableError
from alerting.models.delivery import DeliveryJob

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

SQS_BATCH = 10
MAX_VISIBILITY_SECONDS = 12 * 60 * 60
# How long a redrive holds the dead letters it looks at before it releases the ones it keeps.
REDRIVE_HOLD_SECONDS = 120


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    receipt_handle: str
    body: str
    sent_timestamp_ms: int
    # Why it was parked, where the one who parked it said so (the evaluator's Reason, EventBridge's error).
    reason: str = ""


class DeliveryQueue:
    def __init__(self, sqs: SQSClient, queue_url: str, dead_letter_url: str) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self._dead_letter_url = dead_letter_url
        self._held: list[str] = []

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

    def dead_letters(self, limit: int) -> list[DeadLetter]:
        """Receive up to `limit` dead letters, hidden from other readers until released or deleted.

        FIFO: a target group's later letters are only seen once its earliest is deleted, so a group
        whose earliest letter is kept is kept whole, and order within a target survives a redrive."""
        letters: list[DeadLetter] = []
        while len(letters) < limit:
            try:
                answer = self._sqs.receive_message(
                    QueueUrl=self._dead_letter_url,
                    MaxNumberOfMessages=min(SQS_BATCH, limit - len(letters)),
                    VisibilityTimeout=REDRIVE_HOLD_SECONDS,
                    AttributeNames=["SentTimestamp"],
                    MessageAttributeNames=["All"],
                    WaitTimeSeconds=0,
                )
            except (BotoCoreError, ClientError) as exc:
                raise UnavailableError(f"SQS dead-letter receive failed: {exc}") from exc
            messages = answer.get("Messages", [])
            if not messages:
                break
            for message in messages:
                self._held.append(message["ReceiptHandle"])
                letters.append(
                    DeadLetter(
                        message_id=message["MessageId"],
                        receipt_handle=message["ReceiptHandle"],
                        body=message["Body"],
                        sent_timestamp_ms=int(message.get("Attributes", {}).get("SentTimestamp", "0")),
                        reason=_parked_reason(message.get("MessageAttributes", {})),
                    )
                )
        return letters

    def delete_dead_letter(self, receipt_handle: str) -> None:
        try:
            self._sqs.delete_message(QueueUrl=self._dead_letter_url, ReceiptHandle=receipt_handle)
        except (BotoCoreError, ClientError) as exc:
            raise UnavailableError(f"SQS dead-letter delete failed: {exc}") from exc
        self._held.remove(receipt_handle)

    def release_dead_letters(self) -> None:
        """Make the dead letters a redrive looked at but kept visible again at once."""
        held, self._held = self._held, []
        for start in range(0, len(held), SQS_BATCH):
            entries = [
                {"Id": str(index), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                for index, handle in enumerate(held[start : start + SQS_BATCH])
            ]
            try:
                self._sqs.change_message_visibility_batch(QueueUrl=self._dead_letter_url, Entries=entries)  # type: ignore[arg-type]
            except (BotoCoreError, ClientError) as exc:
                raise UnavailableError(f"SQS dead-letter release failed: {exc}") from exc


def _parked_reason(attributes: Mapping[str, Any]) -> str:
    for name in ("Reason", "ERROR_MESSAGE", "ERROR_CODE"):
        if name in attributes:
            return str(attributes[name].get("StringValue", ""))
    return ""
