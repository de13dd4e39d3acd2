"""Sending messages again on an operator's request: one message from the delivery log (resend), or
everything the dead-letter queue holds since a time (redrive).

Both queue a replay of the job on the delivery queue, in its own FIFO group, so it keeps per-target
order and gets the normal retry schedule; a replay has its own idempotency marker (it is meant to
send again) and its own attempt count, under the same webhook-id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from pydantic import ValidationError

from alerting.errors import NotFoundError
from alerting.messaging.delivery_queue import DeliveryQueue
from alerting.models.api import RedriveResult
from alerting.models.delivery import DeliveryJob
from alerting.observability import logger
from alerting.storage.delivery_log import DeliveryLog

# How many dead letters one redrive call moves at most; call again for the rest.
MAX_REDRIVE = 1000


@dataclass
class Replay:
    log: DeliveryLog
    queue: DeliveryQueue
    new_id: Callable[[], str]

    def resend(self, alert_guid: UUID, integration_guid: UUID, target: str) -> str:
        """Queue the alert's message to that target once more; returns the resend id."""
        job = self.log.last_job(alert_guid, integration_guid, target)
        if job is None:
            raise NotFoundError("Message", f"{alert_guid}/{integration_guid}/{target}")
        replay = f"resend-{self.new_id()}"
        self.queue.send([job.model_copy(update={"replay": replay})])
        logger.info("message resent", alert_guid=str(alert_guid), target=target, replay=replay)
        return replay

    def redrive(self, since: datetime) -> RedriveResult:
        """Move every dead letter parked at or after `since` back to the delivery queue."""
        redriven = kept = 0
        for letter in self.queue.dead_letters(MAX_REDRIVE):
            parked_at = datetime.fromtimestamp(letter.sent_timestamp_ms / 1000, UTC)
            try:
                job = DeliveryJob.model_validate_json(letter.body)
            except ValidationError:
                job = None
            if job is None or parked_at < since:
                kept += 1
                continue
            self.queue.send([job.model_copy(update={"replay": f"redrive-{letter.message_id}"})])
            self.queue.delete_dead_letter(letter.receipt_handle)
            redriven += 1
        self.queue.release_dead_letters()
        logger.info("dead letters redriven", redriven=redriven, kept=kept, since=since.isoformat())
        return RedriveResult(redriven=redriven, kept=kept)
