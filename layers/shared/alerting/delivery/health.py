"""Target health: counts failures, disables dead targets, and tells the bus so someone can be alerted.

`410 Gone` disables a target at once; so does failing without a single success for
`TARGET_DISABLE_AFTER_DAYS`. After `TARGET_FAILING_AFTER_ATTEMPTS` consecutive failures a
`DeliveryFailing` event is published, and a `TargetDisabled` event when it is disabled, both with
`source: alerting.delivery` on the alerting bus: a rule on them can drive another integration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from alerting.models.delivery import DeliveryJob, TargetHealth
from alerting.observability import logger
from alerting.storage.targets import TargetHealthStore

if TYPE_CHECKING:
    from mypy_boto3_events.client import EventBridgeClient

EVENT_SOURCE = "alerting.delivery"
DELIVERY_FAILING = "DeliveryFailing"
TARGET_DISABLED = "TargetDisabled"
GONE_STATUS = 410


class OperationalEvents:
    """Publishes delivery events on the alerting bus; a bus outage is logged, never fails a delivery."""

    def __init__(self, events: EventBridgeClient, bus_name: str) -> None:
        self._events = events
        self._bus_name = bus_name

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        if not self._bus_name:
            return
        try:
            answer = self._events.put_events(
                Entries=[
                    {
                        "Source": EVENT_SOURCE,
                        "DetailType": detail_type,
                        "Detail": json.dumps(detail, default=str),
                        "EventBusName": self._bus_name,
                    }
                ]
            )
            if answer.get("FailedEntryCount"):
                logger.warning("operational event refused", detail_type=detail_type, answer=answer)
        except (BotoCoreError, ClientError):
            logger.exception("operational event not published", detail_type=detail_type)


@dataclass
class TargetHealthTracker:
    store: TargetHealthStore
    events: OperationalEvents
    failing_after_attempts: int
    disable_after: timedelta

    def succeeded(self, job: DeliveryJob, at: datetime) -> None:
        self.store.record_success(job.integration_guid, job.target, at)

    def failed(self, job: DeliveryJob, at: datetime, error: str, status_code: int | None) -> None:
        health = self.store.record_failure(job.integration_guid, job.target, at, error)
        if health.consecutive_failures == self.failing_after_attempts:
            self.events.publish(DELIVERY_FAILING, _detail(health))
        reason = None
        if status_code == GONE_STATUS:
            reason = "the target answered 410 Gone"
        elif health.failing_since is not None and at - health.failing_since >= self.disable_after:
            reason = f"failing without a success since {health.failing_since.isoformat()}"
        if reason and self.store.disable(job.integration_guid, job.target, at, reason):
            logger.warning("target disabled", reason=reason)
            disabled = health.model_copy(
                update={"disabled": True, "disabled_reason": reason, "disabled_at": at}
            )
            self.events.publish(TARGET_DISABLED, _detail(disabled))


def _detail(health: TargetHealth) -> dict[str, Any]:
    return health.to_json_dict()
