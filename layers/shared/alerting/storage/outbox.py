"""The monitor's outbox: the deliveries of its last transition, kept as references to the alerts.

A duplicate of the event that caused the transition queues them again. The alerts themselves are the
history items written in the same transaction, so the monitor's item holds a few hundred bytes per
target instead of a copy of the alert per target.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import ConfigDict, TypeAdapter

from alerting.models.alert import Alert
from alerting.models.delivery import DeliveryJob, JobReference
from alerting.storage import keys
from alerting.storage.dynamo import translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

# Built on first use like the models, not in every cold start.
_references = TypeAdapter(list[JobReference], config=ConfigDict(defer_build=True))


def encoded(jobs: Sequence[DeliveryJob]) -> str:
    """The outbox attribute: the jobs' references as JSON text."""
    return _references.dump_json([job.reference for job in jobs], by_alias=True).decode()


def decoded(text: str) -> tuple[JobReference, ...]:
    """The references; an outbox written before references (whole jobs) is read as references too."""
    return tuple(
        DeliveryJob.model_validate(raw).reference if "Alert" in raw else JobReference.model_validate(raw)
        for raw in json.loads(text)
    )


def queued_jobs(table: Table, monitor_guid: UUID, references: Sequence[JobReference]) -> list[DeliveryJob]:
    """The jobs again, each with its alert read back from history (one read per alert, not per job)."""
    alerts: dict[UUID, Alert] = {}
    jobs = []
    for reference in references:
        alert = alerts.get(reference.alert_guid)
        if alert is None:
            with translated_errors():
                item = table.get_item(
                    Key=keys.alert(monitor_guid, reference.alert_timestamp, reference.alert_guid),
                    ConsistentRead=True,
                ).get("Item")
            if item is None:
                continue  # expired from history: nothing left to send
            alert = alerts[reference.alert_guid] = Alert.model_validate(item["Alert"])
        jobs.append(
            DeliveryJob(
                alert=alert,
                integration_guid=reference.integration_guid,
                integration_type=reference.integration_type,
                target=reference.target,
            )
        )
    return jobs
