"""One repository for every config kind: create, get, page and replace, each a conditional write.

A kind says how its objects are keyed and listed; the repositories of monitors, alert definitions,
integrations, operators and monitor groups are this class with their own reads and writes added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from uuid import UUID

from alerting.errors import AlreadyExistsError, NotFoundError
from alerting.models.base import ApiModel
from alerting.storage import keys
from alerting.storage.dynamo import failed_condition_raises, page_of_kind, translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

M = TypeVar("M", bound=ApiModel)


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
    def __init__(self, table: Table, kind: ConfigKind[M]) -> None:
        self._table = table
        self._kind = kind

    def create(self, config: M, **attributes: Any) -> None:
        """Store a new object, with any extra attributes of its item; AlreadyExistsError if it exists."""
        guid = self._kind.guid(config)
        item: dict[str, Any] = {
            **self._kind.key(guid),
            **keys.listing(self._kind.listing, self._kind.title(config), guid),
            "Config": config.to_json_dict(),
            **attributes,
        }
        with failed_condition_raises(AlreadyExistsError(self._kind.name, str(guid))):
            self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")

    def get(self, guid: UUID) -> M:
        return self._kind.model.model_validate(self._item(guid)["Config"])

    def _item(self, guid: UUID) -> dict[str, Any]:
        with translated_errors():
            item = self._table.get_item(Key=self._kind.key(guid), ConsistentRead=True).get("Item")
        if item is None:
            raise NotFoundError(self._kind.name, str(guid))
        return item

    def page(self, limit: int, cursor: str | None) -> tuple[list[M], str | None]:
        return page_of_kind(self._table, self._kind.listing, self._kind.model, limit, cursor)

    def replace(self, config: M) -> None:
        """Change the object's config; the rest of its item (state, memberships) is left alone."""
        guid = self._kind.guid(config)
        order = keys.listing(self._kind.listing, self._kind.title(config), guid)["GSI1SK"]
        self._update_existing(
            guid,
            "SET Config = :config, GSI1SK = :order",
            {":config": config.to_json_dict(), ":order": order},
        )

    def _update_existing(
        self, guid: UUID, expression: str, values: dict[str, Any], names: dict[str, str] | None = None
    ) -> None:
        """Update the object's item, which must exist."""
        extra = {"ExpressionAttributeNames": names} if names else {}
        with failed_condition_raises(NotFoundError(self._kind.name, str(guid))):
            self._table.update_item(
                Key=self._kind.key(guid),
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=values,
                **extra,  # type: ignore[arg-type]
            )

    # Items that hang off an object (services, level integrations, memberships), named `kind` in errors
    def _put_new(self, key: keys.Key, kind: str, guid: object, config: ApiModel | None = None) -> None:
        with failed_condition_raises(AlreadyExistsError(kind, str(guid))):
            self._table.put_item(Item=_item(key, config), ConditionExpression="attribute_not_exists(PK)")

    def _put_existing(self, key: keys.Key, kind: str, guid: object, config: ApiModel) -> None:
        with failed_condition_raises(NotFoundError(kind, str(guid))):
            self._table.put_item(Item=_item(key, config), ConditionExpression="attribute_exists(PK)")

    def _delete_existing(self, key: keys.Key, kind: str, guid: object) -> None:
        with failed_condition_raises(NotFoundError(kind, str(guid))):
            self._table.delete_item(Key=key, ConditionExpression="attribute_exists(PK)")


def _item(key: keys.Key, config: ApiModel | None) -> dict[str, Any]:
    return {**key, "Config": config.to_json_dict()} if config is not None else {**key}
