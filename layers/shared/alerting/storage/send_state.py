"""What a delivery attempt reads before it sends, in one consistent BatchGetItem.

Whether the job already reached its target and how many attempts it had (the delivery log's items), the
integration (with the target's service, for types that send to services), the level's attachment of
it, the incident's progress at the target and the target's health. Read at send time, not from a warm
function's cache: an integration deactivated or a level changed after the alert counts at once, and the
attempt costs one request however many configurations a burst of alerts touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from alerting.integrations import spec_for
from alerting.models.config import LevelIntegration
from alerting.models.delivery import DeliveryJob, TargetHealth
from alerting.storage import keys
from alerting.storage.dynamo import get_many
from alerting.storage.integrations import IntegrationConfig, integration_config
from alerting.storage.targets import health_from_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


@dataclass(frozen=True)
class SendState:
    # An earlier copy of the job already reached the target (SQS delivers at least once).
    delivered: bool
    attempts: int
    # None once the integration is deleted.
    integration: IntegrationConfig | None
    # None once the level no longer attaches the integration (or the definition is deleted).
    attached: LevelIntegration | None
    # A later alert of the job's incident already reached the target (DESIGN §6: a target never goes
    # backwards, so a redriven Alert is not sent after its Ok).
    superseded: bool
    health: TargetHealth


class SendStates:
    def __init__(self, table: Table) -> None:
        self._table = table

    def read(self, job: DeliveryJob) -> SendState:
        alert = job.alert
        head = keys.integration(job.integration_guid)
        attached = keys.level_integration(
            alert.alert_definition_guid, alert.escalation_level_id, job.integration_guid
        )
        progress = keys.incident_progress(alert.incident_key, job.integration_guid, job.target)
        health = keys.target_health(job.integration_guid, job.target)
        marker = keys.delivered_marker(alert.alert_guid, job.integration_guid, job.target, job.replay)
        tries = keys.job_attempts(alert.alert_guid, job.integration_guid, job.target, job.replay)
        wanted = [marker, tries, head, attached, progress, health]
        service = _service_key(job)
        if service is not None:
            wanted.append(service)
        found = {(item["PK"], item["SK"]): item for item in get_many(self._table, wanted, consistent=True)}

        def item(key: keys.Key) -> dict[str, Any] | None:
            return found.get((key["PK"], key["SK"]))

        head_item = item(head)
        service_item = item(service) if service is not None else None
        attached_item = item(attached)
        progress_item = item(progress)
        tries_item = item(tries)
        return SendState(
            delivered=item(marker) is not None,
            attempts=int(tries_item["Attempts"]) if tries_item else 0,
            integration=integration_config(head_item, [service_item] if service_item else [])
            if head_item
            else None,
            attached=LevelIntegration.model_validate(attached_item["Config"]) if attached_item else None,
            superseded=progress_item is not None and str(progress_item["Latest"]) > job.incident_rank,
            health=health_from_item(item(health) or {}, job.integration_guid, job.target),
        )


def _service_key(job: DeliveryJob) -> keys.Key | None:
    """The target's service item, for types whose targets are their integration's services."""
    if not spec_for(job.integration_type).services:
        return None
    try:
        return keys.service(job.integration_guid, UUID(job.target))
    except ValueError:
        return None  # not a service: the sender says the service no longer exists
