"""Operators and the escalation levels they are members of (the people e-mail and SMS alerts page)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from alerting.errors import AlreadyExistsError, ConcurrentUpdateError, NotFoundError
from alerting.models.config import Operator
from alerting.storage import keys
from alerting.storage.dynamo import page_of_kind, query_all, translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

KIND = "Operator"


class Operators:
    def __init__(self, table: Table) -> None:
        self._table = table

    def create(self, operator: Operator) -> None:
        guid = operator.operator_guid
        item: dict[str, Any] = {
            **keys.operator(guid),
            **keys.listing(keys.Kind.OPERATOR, operator.full_name, guid),
            "Config": operator.to_json_dict(),
        }
        try:
            with translated_errors():
                self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ConcurrentUpdateError as exc:
            raise AlreadyExistsError(KIND, str(guid)) from exc

    def get(self, guid: UUID) -> Operator:
        with translated_errors():
            item = self._table.get_item(Key=keys.operator(guid), ConsistentRead=True).get("Item")
        if item is None:
            raise NotFoundError(KIND, str(guid))
        return Operator.model_validate(item["Config"])

    def page(self, limit: int, cursor: str | None) -> tuple[list[Operator], str | None]:
        return page_of_kind(self._table, keys.Kind.OPERATOR, Operator, limit, cursor)

    def replace(self, operator: Operator) -> None:
        guid = operator.operator_guid
        order = keys.listing(keys.Kind.OPERATOR, operator.full_name, guid)["GSI1SK"]
        try:
            with translated_errors():
                self._table.update_item(
                    Key=keys.operator(guid),
                    UpdateExpression="SET Config = :config, GSI1SK = :order",
                    ConditionExpression="attribute_exists(PK)",
                    ExpressionAttributeValues={":config": operator.to_json_dict(), ":order": order},
                )
        except ConcurrentUpdateError as exc:
            raise NotFoundError(KIND, str(guid)) from exc

    def delete(self, guid: UUID) -> None:
        """Delete the operator; levels still naming them skip them from then on."""
        try:
            with translated_errors():
                self._table.delete_item(Key=keys.operator(guid), ConditionExpression="attribute_exists(PK)")
        except ConcurrentUpdateError as exc:
            raise NotFoundError(KIND, str(guid)) from exc

    # Level membership
    def add_to_level(self, definition_guid: UUID, level_id: int, operator_guid: UUID) -> None:
        self.get(operator_guid)
        try:
            with translated_errors():
                self._table.put_item(
                    Item={**keys.level_operator(definition_guid, level_id, operator_guid)},
                    ConditionExpression="attribute_not_exists(PK)",
                )
        except ConcurrentUpdateError as exc:
            raise AlreadyExistsError("EscalationLevelMember", str(operator_guid)) from exc

    def remove_from_level(self, definition_guid: UUID, level_id: int, operator_guid: UUID) -> None:
        try:
            with translated_errors():
                self._table.delete_item(
                    Key=keys.level_operator(definition_guid, level_id, operator_guid),
                    ConditionExpression="attribute_exists(PK)",
                )
        except ConcurrentUpdateError as exc:
            raise NotFoundError("EscalationLevelMember", str(operator_guid)) from exc

    def level_member_guids(self, definition_guid: UUID, level_id: int) -> list[UUID]:
        items = query_all(
            self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={
                ":pk": keys.definition_partition(definition_guid),
                ":prefix": keys.level_operator_prefix(level_id),
            },
            ProjectionExpression="SK",
        )
        return [UUID(str(item["SK"]).rsplit("#", 1)[1]) for item in items]

    def level_members(self, definition_guid: UUID, level_id: int) -> list[Operator]:
        """The level's operators that still exist, in one batch read."""
        guids = self.level_member_guids(definition_guid, level_id)
        found: list[Operator] = []
        for start in range(0, len(guids), 100):
            request: dict[str, Any] = {
                self._table.name: {"Keys": [keys.operator(g) for g in guids[start : start + 100]]}
            }
            while request:
                with translated_errors():
                    answer = self._table.meta.client.batch_get_item(RequestItems=request)
                found += [
                    Operator.model_validate(item["Config"])
                    for item in answer.get("Responses", {}).get(self._table.name, [])
                ]
                request = dict(answer.get("UnprocessedKeys") or {})
        return sorted(found, key=lambda operator: operator.full_name.casefold())
