"""Delivery health per target: consecutive failures since the last success, and whether it is disabled.

Updates are single atomic UpdateItems, so concurrent attempts to one target count every failure once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from alerting.errors import ConcurrentUpdateError, NotFoundError
from alerting.models.delivery import TargetHealth
from alerting.storage import keys
from alerting.storage.dynamo import query_prefix, translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

KIND = "Target"
_FIELDS = {
    "Disabled": "disabled",
    "DisabledReason": "disabled_reason",
    "DisabledAt": "disabled_at",
    "ConsecutiveFailures": "consecutive_failures",
    "FailingSince": "failing_since",
    "LastFailureAt": "last_failure_at",
    "LastSuccessAt": "last_success_at",
    "LastError": "last_error",
}


def health_from_item(item: dict[str, Any], integration_guid: UUID, target: str) -> TargetHealth:
    """The health its item records; no item (a target never attempted) is healthy."""
    values = {field: item[name] for name, field in _FIELDS.items() if name in item}
    if "consecutive_failures" in values:
        values["consecutive_failures"] = int(values["consecutive_failures"])
    return TargetHealth.model_validate({"integration_guid": integration_guid, "target": target, **values})


class TargetHealthStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, integration_guid: UUID, target: str) -> TargetHealth:
        """The target's health; a target never attempted is healthy."""
        with translated_errors():
            item = self._table.get_item(
                Key=keys.target_health(integration_guid, target), ConsistentRead=True
            ).get("Item")
        return health_from_item(item or {}, integration_guid, target)

    def all(self, integration_guid: UUID) -> list[TargetHealth]:
        items = query_prefix(self._table, keys.integration_partition(integration_guid), keys.TARGET_PREFIX)
        return [
            health_from_item(item, integration_guid, str(item["SK"]).removeprefix(keys.TARGET_PREFIX))
            for item in items
        ]

    def record_failure(self, integration_guid: UUID, target: str, at: datetime, error: str) -> TargetHealth:
        """One more failed attempt; returns the health after it."""
        with translated_errors():
            answer = self._table.update_item(
                Key=keys.target_health(integration_guid, target),
                UpdateExpression=(
                    "SET ConsecutiveFailures = if_not_exists(ConsecutiveFailures, :zero) + :one, "
                    "FailingSince = if_not_exists(FailingSince, :at), LastFailureAt = :at, LastError = :error"
                ),
                ExpressionAttributeValues={
                    ":zero": 0,
                    ":one": 1,
                    ":at": at.isoformat(),
                    ":error": error[:500],
                },
                ReturnValues="ALL_NEW",
            )
        return health_from_item(answer.get("Attributes", {}), integration_guid, target)

    def record_success(self, integration_guid: UUID, target: str, at: datetime) -> None:
        with translated_errors():
            self._table.update_item(
                Key=keys.target_health(integration_guid, target),
                UpdateExpression="SET ConsecutiveFailures = :zero, LastSuccessAt = :at REMOVE FailingSince",
                ExpressionAttributeValues={":zero": 0, ":at": at.isoformat()},
            )

    def disable(self, integration_guid: UUID, target: str, at: datetime, reason: str) -> bool:
        """Disable the target; False if it already was (so the event is published once)."""
        try:
            with translated_errors():
                self._table.update_item(
                    Key=keys.target_health(integration_guid, target),
                    UpdateExpression="SET Disabled = :yes, DisabledReason = :reason, DisabledAt = :at",
                    ConditionExpression="attribute_not_exists(Disabled) OR Disabled = :no",
                    ExpressionAttributeValues={
                        ":yes": True,
                        ":no": False,
                        ":reason": reason,
                        ":at": at.isoformat(),
                    },
                )
        except ConcurrentUpdateError:
            return False
        return True

    def enable(self, integration_guid: UUID, target: str) -> None:
        """Re-enable a target, with a clean failure count (the user says it is fixed)."""
        try:
            with translated_errors():
                self._table.update_item(
                    Key=keys.target_health(integration_guid, target),
                    UpdateExpression=(
                        "SET Disabled = :no, ConsecutiveFailures = :zero "
                        "REMOVE DisabledReason, DisabledAt, FailingSince"
                    ),
                    ConditionExpression="attribute_exists(PK)",
                    ExpressionAttributeValues={":no": False, ":zero": 0},
                )
        except ConcurrentUpdateError as exc:
            raise NotFoundError(KIND, target) from exc


def set_target_disabled(
    store: TargetHealthStore, integration_guid: UUID, target: str, disabled: bool
) -> None:
    """What PATCH /Integration/{g}/Target/{target} does: re-enable (or disable by hand) a target."""
    if disabled:
        store.disable(integration_guid, target, datetime.now(UTC), "disabled by an operator")
    else:
        store.enable(integration_guid, target)
