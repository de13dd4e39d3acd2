"""Links between a monitor and what holds it (an alert definition, a monitor group).

A link is two writes made together: a member item under the holder (for listing its members) and the
holder's guid in a set on the monitor item (so the evaluator finds it in the monitor's own read).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from alerting.errors import AlreadyExistsError, NotFoundError
from alerting.storage import keys
from alerting.storage.config_repository import VERSION
from alerting.storage.dynamo import delete_with, transact

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


@dataclass(frozen=True)
class Holder:
    """What holds monitors: its kind (for errors), its item and the monitor attribute listing it."""

    kind: str
    member_kind: str
    guid: UUID
    key: keys.Key
    monitor_attribute: str


def link(table: Table, holder: Holder, member_key: keys.Key, monitor_guid: UUID) -> None:
    """Make the monitor a member; 404 for a missing holder or monitor, 409 if it already is one."""
    operations: list[Any] = [
        {
            "ConditionCheck": {
                "TableName": table.name,
                "Key": holder.key,
                "ConditionExpression": "attribute_exists(PK)",
            }
        },
        _monitor_set(table, holder, monitor_guid, "ADD"),
        {
            "Put": {
                "TableName": table.name,
                "Item": member_key,
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        },
    ]
    transact(
        table,
        operations,
        NotFoundError(holder.kind, str(holder.guid)),
        NotFoundError("Monitor", str(monitor_guid)),
        AlreadyExistsError(holder.member_kind, str(monitor_guid)),
    )


def unlink(table: Table, holder: Holder, member_key: keys.Key, monitor_guid: UUID) -> None:
    missing = NotFoundError(holder.member_kind, f"{holder.guid}/{monitor_guid}")
    delete_with(table, member_key, _monitor_set(table, holder, monitor_guid, "DELETE"), missing)


def _monitor_set(table: Table, holder: Holder, monitor_guid: UUID, action: str) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table.name,
            "Key": keys.monitor(monitor_guid),
            # Moving the monitor's version makes a delete that read the members before this retry.
            "UpdateExpression": f"{action} {holder.monitor_attribute} :guid "
            f"SET {VERSION} = if_not_exists({VERSION}, :zero) + :one",
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": {":guid": {str(holder.guid)}, ":zero": 0, ":one": 1},
        }
    }
