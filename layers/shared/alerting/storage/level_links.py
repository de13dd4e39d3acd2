"""Links from an escalation level to what it pages (an integration, an operator), kept transactional
with the existence of both sides (DESIGN §3 Concurrency).

A link is the level's item under the definition plus a back-reference under the linked object's
partition, written together with a check that the definition exists and a bump of the linked object's
`Links` counter. Deleting the object deletes every level item its back-references name, in one
transaction conditioned on that counter: a link made meanwhile makes the delete read again, so no
level keeps naming a deleted object, and none comes back when its guid is created again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from alerting.errors import AlreadyExistsError, ConcurrentUpdateError, NotFoundError
from alerting.storage import keys
from alerting.storage.dynamo import delete_with, query_prefix, transact, translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

LINKS = "Links"
# Level items whose back-references fit in one transaction with the head's delete (limit 100 items).
_PER_TRANSACTION = 49
DELETE_TRIES = 5


@dataclass(frozen=True)
class Linked:
    """The object a level links to: its kind (for errors), guid and head item."""

    kind: str
    guid: UUID
    head: keys.Key


def link(table: Table, linked: Linked, definition_guid: UUID, level_item: dict[str, Any], kind: str) -> None:
    """Put the level's item for `linked`; 404 for a missing definition or object, 409 if linked already."""
    level_key = {"PK": level_item["PK"], "SK": level_item["SK"]}
    operations: list[Any] = [
        {
            "ConditionCheck": {
                "TableName": table.name,
                "Key": keys.definition(definition_guid),
                "ConditionExpression": "attribute_exists(PK)",
            }
        },
        {
            "Update": {
                "TableName": table.name,
                "Key": linked.head,
                "UpdateExpression": f"SET {LINKS} = if_not_exists({LINKS}, :zero) + :one",
                "ConditionExpression": "attribute_exists(PK)",
                "ExpressionAttributeValues": {":zero": 0, ":one": 1},
            }
        },
        {
            "Put": {
                "TableName": table.name,
                "Item": level_item,
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        },
        {
            "Put": {
                "TableName": table.name,
                "Item": {**_back_reference(linked, level_key), **_level(level_key)},
            }
        },
    ]
    transact(
        table,
        operations,
        NotFoundError("AlertDefinition", str(definition_guid)),
        NotFoundError(linked.kind, str(linked.guid)),
        AlreadyExistsError(kind, str(linked.guid)),
    )


def unlink(table: Table, linked: Linked, level_key: keys.Key, kind: str) -> None:
    back_reference = {"Delete": {"TableName": table.name, "Key": _back_reference(linked, level_key)}}
    delete_with(table, level_key, back_reference, NotFoundError(kind, str(linked.guid)))


def delete_linked(table: Table, linked: Linked) -> None:
    """Delete the object's head and every level item linking to it; NotFoundError if it is gone."""
    for _ in range(DELETE_TRIES):
        with translated_errors():
            head = table.get_item(Key=linked.head, ConsistentRead=True).get("Item")
        if head is None:
            raise NotFoundError(linked.kind, str(linked.guid))
        references = query_prefix(table, linked.head["PK"], keys.LINK_PREFIX)
        first, rest = references[:_PER_TRANSACTION], references[_PER_TRANSACTION:]
        try:
            _delete_head_with(table, linked, head.get(LINKS), first)
        except ConcurrentUpdateError:
            continue  # linked meanwhile: read the references again
        # The head is gone, so no new link can be made: the rest need no transaction.
        with translated_errors(), table.batch_writer() as batch:
            for reference in rest:
                batch.delete_item(Key={"PK": reference["PK"], "SK": reference["SK"]})
                batch.delete_item(Key=_level_of(reference))
        return
    raise AlreadyExistsError(linked.kind, "a concurrent change; retry")


def _delete_head_with(table: Table, linked: Linked, links: object, references: list[dict[str, Any]]) -> None:
    condition: dict[str, Any] = (
        {"ConditionExpression": f"{LINKS} = :links", "ExpressionAttributeValues": {":links": links}}
        if links is not None
        else {"ConditionExpression": f"attribute_exists(PK) AND attribute_not_exists({LINKS})"}
    )
    operations: list[Any] = [{"Delete": {"TableName": table.name, "Key": linked.head, **condition}}]
    for reference in references:
        operations.append(
            {"Delete": {"TableName": table.name, "Key": {"PK": reference["PK"], "SK": reference["SK"]}}}
        )
        operations.append({"Delete": {"TableName": table.name, "Key": _level_of(reference)}})
    with translated_errors():
        table.meta.client.transact_write_items(TransactItems=operations)


def level_keys(table: Table, linked_partition: str) -> list[keys.Key]:
    """The keys of the level items linking to the object of this partition."""
    return [_level_of(reference) for reference in query_prefix(table, linked_partition, keys.LINK_PREFIX)]


def back_reference_of(level_key: keys.Key, linked_partition: str) -> keys.Key:
    """The back-reference of a level item, for a definition's delete to remove with it."""
    return {"PK": linked_partition, "SK": f"{keys.LINK_PREFIX}{level_key['PK']}#{level_key['SK']}"}


def _back_reference(linked: Linked, level_key: keys.Key) -> keys.Key:
    return back_reference_of(level_key, linked.head["PK"])


def _level(level_key: keys.Key) -> dict[str, str]:
    return {"LevelPK": level_key["PK"], "LevelSK": level_key["SK"]}


def _level_of(reference: dict[str, Any]) -> keys.Key:
    return {"PK": str(reference["LevelPK"]), "SK": str(reference["LevelSK"])}
