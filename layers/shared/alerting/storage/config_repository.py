"""One repository for every config kind: create, get, page and replace, each a conditional write.

A kind says how its objects are keyed and listed; the repositories of monitors, alert definitions,
integrations, operators and monitor groups are this class with their own reads and writes added.
Every config item carries a version (DESIGN §3 Concurrency): a write names the version it read and
fails with VersionMismatchError when someone wrote in between, so no change is silently lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from uuid import UUID

from alerting.errors import AlreadyExistsError, ConcurrentUpdateError, NotFoundError, VersionMismatchError
from alerting.models.base import ApiModel
from alerting.storage import keys, level_links
from alerting.storage.dynamo import failed_condition_raises, page_of_kind, query_all, translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

M = TypeVar("M", bound=ApiModel)
A = TypeVar("A", bound=ApiModel)

# The item attribute holding the version; items written before versions existed count as version 0.
VERSION = "ConfigVersion"


@dataclass(frozen=True)
class Versioned(Generic[A]):
    """A config object as read, with the version a write of it must name."""

    config: A
    version: int


@dataclass(frozen=True)
class ConfigKind(Generic[M]):
    """How one kind of config object is stored: its key, its listing and the name errors give it."""

    name: str
    model: type[M]
    listing: keys.Kind
    key: Callable[[UUID], keys.Key]
    guid: Callable[[M], UUID]
    # What the listing (index ByKind) orders by.
    title: Callable[[M], str]


class ConfigRepository(Generic[M]):
    # Each repository names its kind as a class attribute, e.g. `_kind = MONITOR`.
    _kind: ConfigKind[M]

    def __init__(self, table: Table) -> None:
        self._table = table

    def create(self, config: M, **attributes: Any) -> None:
        """Store a new object, with any extra attributes of its item; AlreadyExistsError if it exists."""
        guid = self._kind.guid(config)
        item: dict[str, Any] = {
            **self._kind.key(guid),
            **keys.listing(self._kind.listing, self._kind.title(config), guid),
            "Config": config.to_json_dict(),
            VERSION: 1,
            **attributes,
        }
        with failed_condition_raises(AlreadyExistsError(self._kind.name, str(guid))):
            self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")

    def get(self, guid: UUID) -> M:
        return self._kind.model.model_validate(self._item(guid)["Config"])

    def get_versioned(self, guid: UUID) -> Versioned[M]:
        item = self._item(guid)
        return Versioned(self._kind.model.model_validate(item["Config"]), version_of(item))

    def _item(self, guid: UUID) -> dict[str, Any]:
        with translated_errors():
            item = self._table.get_item(Key=self._kind.key(guid), ConsistentRead=True).get("Item")
        if item is None:
            raise NotFoundError(self._kind.name, str(guid))
        return item

    def page(self, limit: int, cursor: str | None) -> tuple[list[M], str | None]:
        return page_of_kind(self._table, self._kind.listing, self._kind.model, limit, cursor)

    def replace(self, config: M, version: int | None = None) -> None:
        """Change the object's config; the rest of its item (state, memberships) is left alone.

        With a version, only if the item is still at that version (else VersionMismatchError).
        """
        guid = self._kind.guid(config)
        order = keys.listing(self._kind.listing, self._kind.title(config), guid)["GSI1SK"]
        self._update_existing(
            guid,
            "SET Config = :config, GSI1SK = :order",
            {":config": config.to_json_dict(), ":order": order},
            version=version,
        )

    def delete_at(self, guid: UUID, version: int | None) -> None:
        """Delete the object's own item, at that version if one is given."""

        def delete(condition: str, values: dict[str, Any]) -> None:
            extra = {"ExpressionAttributeValues": values} if values else {}
            self._table.delete_item(Key=self._kind.key(guid), ConditionExpression=condition, **extra)  # type: ignore[arg-type]

        self._write_checked(self._kind.key(guid), self._kind.name, guid, version, delete)

    def _update_existing(
        self,
        guid: UUID,
        expression: str,
        values: dict[str, Any],
        names: dict[str, str] | None = None,
        version: int | None = None,
    ) -> None:
        """Update the object's item, which must exist; every update moves its version on."""

        def update(condition: str, checked: dict[str, Any]) -> None:
            self._table.update_item(
                Key=self._kind.key(guid),
                UpdateExpression=f"{expression}, {VERSION} = if_not_exists({VERSION}, :zero) + :one",
                ConditionExpression=condition,
                ExpressionAttributeValues={**values, ":zero": 0, ":one": 1, **checked},
                **({"ExpressionAttributeNames": names} if names else {}),  # type: ignore[arg-type]
            )

        self._write_checked(self._kind.key(guid), self._kind.name, guid, version, update)

    def _write_checked(
        self,
        key: keys.Key,
        kind: str,
        guid: object,
        version: int | None,
        write: Callable[[str, dict[str, Any]], None],
    ) -> None:
        """One write to an item that must exist (and be at `version`, if given); which of the two
        failed is told apart by reading the item again."""
        condition = "attribute_exists(PK)"
        values: dict[str, Any] = {}
        if version is not None:
            either_unversioned = f" OR attribute_not_exists({VERSION})" if version == 0 else ""
            condition += f" AND ({VERSION} = :version{either_unversioned})"
            values[":version"] = version
        try:
            with translated_errors():
                write(condition, values)
        except ConcurrentUpdateError as exc:
            with translated_errors():
                exists = "Item" in self._table.get_item(Key=key, ConsistentRead=True)
            if not exists:
                raise NotFoundError(kind, str(guid)) from exc
            raise VersionMismatchError(f"{kind} {guid} changed since version {version}") from exc

    # Items that hang off an object (services, level integrations, memberships), named `kind` in errors
    def _put_new(self, key: keys.Key, kind: str, guid: object, config: ApiModel | None = None) -> None:
        with failed_condition_raises(AlreadyExistsError(kind, str(guid))):
            self._table.put_item(Item=_item(key, config), ConditionExpression="attribute_not_exists(PK)")

    def _get_versioned(self, key: keys.Key, kind: str, guid: object, model: type[A]) -> Versioned[A]:
        with translated_errors():
            item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        if item is None:
            raise NotFoundError(kind, str(guid))
        return Versioned(model.model_validate(item["Config"]), version_of(item))

    def _put_existing(self, key: keys.Key, kind: str, guid: object, config: ApiModel, version: int) -> None:
        """Replace an item that must exist at `version` (read just before); the new one is a version on."""

        def put(condition: str, values: dict[str, Any]) -> None:
            item = {**_item(key, config), VERSION: version + 1}
            self._table.put_item(Item=item, ConditionExpression=condition, ExpressionAttributeValues=values)

        self._write_checked(key, kind, guid, version, put)

    def _partition_keys(self, partition: str) -> list[dict[str, Any]]:
        """The keys of every item of a partition: an object's own item and the items hanging off it."""
        return query_all(
            self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": partition},
            ProjectionExpression="PK, SK",
        )

    def _delete_keys(self, items: list[dict[str, Any]]) -> None:
        with translated_errors(), self._table.batch_writer() as batch:
            for item in items:
                batch.delete_item(Key={"PK": item["PK"], "SK": item["SK"]})

    def _delete_existing(self, key: keys.Key, kind: str, guid: object) -> None:
        with failed_condition_raises(NotFoundError(kind, str(guid))):
            self._table.delete_item(Key=key, ConditionExpression="attribute_exists(PK)")


def _item(key: keys.Key, config: ApiModel | None) -> dict[str, Any]:
    return {**key, "Config": config.to_json_dict(), VERSION: 1} if config is not None else {**key}


def version_of(item: dict[str, Any]) -> int:
    return int(item.get(VERSION, 0))


class LinkedConfigRepository(ConfigRepository[M]):
    """A kind that escalation levels link to (operators, integrations): deleting an object deletes
    the level items linking to it in the same transaction, so no level names a deleted object."""

    def delete(self, guid: UUID) -> None:
        level_links.delete_linked(self._table, self._as_linked(guid))

    def _as_linked(self, guid: UUID) -> level_links.Linked:
        return level_links.Linked(self._kind.name, guid, self._kind.key(guid))
