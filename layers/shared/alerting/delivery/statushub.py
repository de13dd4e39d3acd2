"""StatusHub: one POST of the incident payload to the hook URL of each linked service."""

from __future__ import annotations

from datetime import datetime

from alerting.delivery.http import OutgoingRequest
from alerting.models.config import IntegrationService
from alerting.models.delivery import DeliveryJob
from alerting.rendering import statushub_payload


def statushub_request(job: DeliveryJob, service: IntegrationService, now: datetime) -> OutgoingRequest:
    return OutgoingRequest(
        method="POST",
        url=str(service.url),
        headers={"webhook-id": job.webhook_id, "webhook-timestamp": str(int(now.timestamp()))},
        json_body=statushub_payload(job.alert),
    )
