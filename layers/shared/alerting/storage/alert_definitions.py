"""Alert definitions, their fixed escalation level slots, level integrations and monitor members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from alerting.errors import AlreadyExistsError, ConcurrentUpdateError, NotFoundError
from alerting.evaluation import DefinitionConfig
from alerting.models.config import (
    LEVEL_IDS,
    AlertDefinition,
    AlertDefinitionMember,
    EscalationLevel,
    LevelIntegration,
)
from alerting.storage import keys, membership
from alerting.storage.dynamo import (
    page_of_kind,
    query_all,
    translated_errors,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

KIND = "AlertDefinition"


@dataclass(frozen=True)
class _Definition:
    definition: AlertDefinition
    levels: dict[int, EscalationLevel]


def _definition(item: dict[str, Any]) -> _Definition:
    levels = {int(k): EscalationLevel.model_validate(v) for k, v in item["Levels"].items()}
    return _Definition(AlertDefinition.model_validate(item["Config"]), levels)


def _member(sort_key: str) -> AlertDefinitionMember:
    guid = UUID(sort_key.rsplit("#", 1)[1])
    if sort_key.startswith(keys.GROUP_MEMBER_PREFIX):
        return AlertDefinitionMember(monitor_group_guid=guid)
    return AlertDefinitionMember(monitor_guid=guid)


class AlertDefinitions:
    def __init__(self, table: Table) -> None:
        self._table = table

    def create(self, definition: AlertDefinition) -> None:
        """A new definition gets its level slots: level 1 active on the first error, 2 and 3 inactive."""
        guid = definition.alert_definition_guid
        item: dict[str, Any] = {
            **keys.definition(guid),
            **keys.listing(keys.Kind.DEFINITION, definition.alert_name, guid),
            "Config": definition.to_json_dict(),
            "Levels": {str(i): EscalationLevel.default_slot(i).to_json_dict() for i in LEVEL_IDS},
        }
        try:
            with translated_errors():
                self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ConcurrentUpdateError as exc:
            raise AlreadyExistsError(KIND, str(guid)) from exc

    def _load(self, guid: UUID) -> _Definition:
        with translated_errors():
            item = self._table.get_item(Key=keys.definition(guid), ConsistentRead=True).get("Item")
        if item is None:
            raise NotFoundError(KIND, str(guid))
        return _definition(item)

    def get(self, guid: UUID) -> AlertDefinition:
        return self._load(guid).definition

    def page(self, limit: int, cursor: str | None) -> tuple[list[AlertDefinition], str | None]:
        return page_of_kind(self._table, keys.Kind.DEFINITION, AlertDefinition, limit, cursor)

    def replace(self, definition: AlertDefinition) -> None:
        guid = definition.alert_definition_guid
        order = keys.listing(keys.Kind.DEFINITION, definition.alert_name, guid)["GSI1SK"]
        self._update_existing(
            keys.definition(guid),
            "SET Config = :config, GSI1SK = :order",
            {":config": definition.to_json_dict(), ":order": order},
            guid,
        )

    def delete(self, guid: UUID) -> None:
        """Delete the definition, its level integrations and memberships, and unlink its monitors."""
        self._load(guid)
        items = query_all(
            self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": keys.definition_partition(guid)},
            ProjectionExpression="PK, SK",
        )
        for item in items:
            sk = str(item["SK"])
            member_key = None
            if sk.startswith(keys.MONITOR_MEMBER_PREFIX):
                member_key = keys.monitor(UUID(sk.rsplit("#", 1)[1]))
            elif sk.startswith(keys.GROUP_MEMBER_PREFIX):
                member_key = keys.group(UUID(sk.rsplit("#", 1)[1]))
            if member_key is not None:
                with translated_errors():
                    self._table.update_item(
                        Key=member_key,
                        UpdateExpression="DELETE DefinitionGuids :guid",
                        ExpressionAttributeValues={":guid": {str(guid)}},
                    )
        with translated_errors(), self._table.batch_writer() as batch:
            for item in items:
                batch.delete_item(Key={"PK": item["PK"], "SK": item["SK"]})

    def levels(self, guid: UUID) -> list[EscalationLevel]:
        levels = self._load(guid).levels
        return [levels[i] for i in sorted(levels)]

    def level(self, guid: UUID, level_id: int) -> EscalationLevel:
        levels = self._load(guid).levels
        if level_id not in levels:
            raise NotFoundError("EscalationLevel", f"{guid}/{level_id}")
        return levels[level_id]

    def replace_level(self, guid: UUID, level: EscalationLevel) -> None:
        self._update_existing(
            keys.definition(guid),
            "SET Levels.#id = :level",
            {":level": level.to_json_dict()},
            guid,
            names={"#id": str(level.id)},
        )

    def _update_existing(
        self,
        key: keys.Key,
        expression: str,
        values: dict[str, Any],
        guid: UUID,
        names: dict[str, str] | None = None,
    ) -> None:
        extra = {"ExpressionAttributeNames": names} if names else {}
        try:
            with translated_errors():
                self._table.update_item(
                    Key=key,
                    UpdateExpression=expression,
                    ConditionExpression="attribute_exists(PK)",
                    ExpressionAttributeValues=values,
                    **extra,  # type: ignore[arg-type]
                )
        except ConcurrentUpdateError as exc:
            raise NotFoundError(KIND, str(guid)) from exc

    def members(self, guid: UUID) -> list[AlertDefinitionMember]:
        self._load(guid)
        items = query_all(
            self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :member)",
            ExpressionAttributeValues={":pk": keys.definition_partition(guid), ":member": keys.MEMBER_PREFIX},
        )
        return [_member(str(item["SK"])) for item in items]

    def add_monitor(self, guid: UUID, monitor_guid: UUID) -> None:
        membership.link(
            self._table, self._holder(guid), keys.definition_member(guid, monitor_guid), monitor_guid
        )

    def remove_monitor(self, guid: UUID, monitor_guid: UUID) -> None:
        membership.unlink(
            self._table, self._holder(guid), keys.definition_member(guid, monitor_guid), monitor_guid
        )

    @staticmethod
    def _holder(guid: UUID) -> membership.Holder:
        return membership.Holder(
            KIND, "AlertDefinitionMember", guid, keys.definition(guid), "DefinitionGuids"
        )

    def level_integrations(self, guid: UUID, level_id: int) -> list[LevelIntegration]:
        self.level(guid, level_id)
        items = query_all(
            self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={
                ":pk": keys.definition_partition(guid),
                ":prefix": keys.level_integration_prefix(level_id),
            },
        )
        return [LevelIntegration.model_validate(item["Config"]) for item in items]

    def level_integration(self, guid: UUID, level_id: int, integration_guid: UUID) -> LevelIntegration:
        with translated_errors():
            item = self._table.get_item(
                Key=keys.level_integration(guid, level_id, integration_guid), ConsistentRead=True
            ).get("Item")
        if item is None:
            raise NotFoundError("EscalationLevelIntegration", f"{guid}/{level_id}/{integration_guid}")
        return LevelIntegration.model_validate(item["Config"])

    def attach(self, guid: UUID, level_id: int, attached: LevelIntegration) -> None:
        self.level(guid, level_id)
        item: dict[str, Any] = {
            **keys.level_integration(guid, level_id, attached.integration_guid),
            "Config": attached.to_json_dict(),
        }
        try:
            with translated_errors():
                self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ConcurrentUpdateError as exc:
            raise AlreadyExistsError("EscalationLevelIntegration", str(attached.integration_guid)) from exc

    def replace_level_integration(self, guid: UUID, level_id: int, attached: LevelIntegration) -> None:
        try:
            with translated_errors():
                self._table.put_item(
                    Item={
                        **keys.level_integration(guid, level_id, attached.integration_guid),
                        "Config": attached.to_json_dict(),
                    },
                    ConditionExpression="attribute_exists(PK)",
                )
        except ConcurrentUpdateError as exc:
            raise NotFoundError("EscalationLevelIntegration", str(attached.integration_guid)) from exc

    def detach(self, guid: UUID, level_id: int, integration_guid: UUID) -> None:
        try:
            with translated_errors():
                self._table.delete_item(
                    Key=keys.level_integration(guid, level_id, integration_guid),
                    ConditionExpression="attribute_exists(PK)",
                )
        except ConcurrentUpdateError as exc:
            raise NotFoundError("EscalationLevelIntegration", str(integration_guid)) from exc

    def config(self, guid: UUID) -> DefinitionConfig | None:
        """The definition as the evaluator needs it, in one query; None if it was deleted."""
        items = query_all(
            self._table,
            KeyConditionExpression="PK = :pk AND SK BETWEEN :first AND :last",
            ExpressionAttributeValues={
                ":pk": keys.definition_partition(guid),
                ":first": keys.definition(guid)["SK"],
                ":last": keys.level_integration_prefix() + "~",
            },
        )
        head = next((item for item in items if item["SK"] == keys.definition(guid)["SK"]), None)
        if head is None:
            return None
        loaded = _definition(head)
        attached: dict[int, list[LevelIntegration]] = {}
        for item in items:
            sk = str(item["SK"])
            if sk.startswith(keys.level_integration_prefix()):
                level_id = int(sk.split("#")[1])
                attached.setdefault(level_id, []).append(LevelIntegration.model_validate(item["Config"]))
        levels = [loaded.levels[i] for i in sorted(loaded.levels)]
        return DefinitionConfig(loaded.definition, levels, attached)
