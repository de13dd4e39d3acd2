"""StatusHub: one POST of the incident payload to the hook URL of each linked service."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from alerting.delivery.http import OutgoingRequest
from alerting.errors import PermanentDeliveryError
from alerting.models.config import IntegrationService
from alerting.models.delivery import DeliveryJob
from alerting.rendering import statushub_payload

if TYPE_CHECKING:
    from alerting.delivery.dispatch import Delivery


def deliver(delivery: Delivery) -> None:
    service = delivery.services.get(UUID(delivery.job.target))
    if service is None:
        raise PermanentDeliveryError(f"StatusHub service {delivery.job.target} no longer exists")
    delivery.send(statushub_request(delivery.job, service, delivery.now))


def statushub_request(job: DeliveryJob, service: IntegrationService, now: datetime) -> OutgoingRequest:
    return OutgoingRequest(
        method="POST",
        url=str(service.url),
        headers={"webhook-id": job.webhook_id, "webhook-timestamp": str(int(now.timestamp()))},
        json_body=statushub_payload(job.alert),
    )
