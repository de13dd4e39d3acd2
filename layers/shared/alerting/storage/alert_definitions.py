"""Alert definitions, their fixed escalation level slots, level integrations and monitor members."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from alerting.errors import NotFoundError
from alerting.models.config import (
    LEVEL_IDS,
    AlertDefinition,
    AlertDefinitionMember,
    DefinitionConfig,
    EscalationLevel,
    LevelIntegration,
)
from alerting.storage import keys, level_links, membership
from alerting.storage.config_repository import VERSION, ConfigKind, ConfigRepository, Versioned, version_of
from alerting.storage.dynamo import query_all, query_prefix, translated_errors

if TYPE_CHECKING:
    pass

KIND = "AlertDefinition"
LEVEL_INTEGRATION = "EscalationLevelIntegration"


def _levels(item: dict[str, Any]) -> dict[int, EscalationLevel]:
    """The level slots a definition's item holds, by level id."""
    return {int(k): EscalationLevel.model_validate(v) for k, v in item["Levels"].items()}


def _member(sort_key: str) -> AlertDefinitionMember:
    guid = UUID(sort_key.rsplit("#", 1)[1])
    if sort_key.startswith(keys.GROUP_MEMBER_PREFIX):
        return AlertDefinitionMember(monitor_group_guid=guid)
    return AlertDefinitionMember(monitor_guid=guid)


DEFINITION = ConfigKind(
    KIND,
    AlertDefinition,
    keys.Kind.DEFINITION,
    keys.definition,
    lambda d: d.alert_definition_guid,
    lambda d: d.alert_name,
)


class AlertDefinitions(ConfigRepository[AlertDefinition]):
    _kind = DEFINITION

    def create(self, config: AlertDefinition, **attributes: Any) -> None:
        """A new definition gets its level slots: level 1 active on the first error, 2 and 3 inactive."""
        slots = {str(i): EscalationLevel.default_slot(i).to_json_dict() for i in LEVEL_IDS}
        super().create(config, Levels=slots, **attributes)

    def delete(self, guid: UUID) -> None:
        """Delete the definition, its level integrations and memberships, and unlink its monitors."""
        self._item(guid)
        items = self._partition_keys(keys.definition_partition(guid))
        for item in list(items):
            sk = str(item["SK"])
            member_key = None
            if sk.startswith(keys.MONITOR_MEMBER_PREFIX):
                member_key = keys.monitor(UUID(sk.rsplit("#", 1)[1]))
            elif sk.startswith(keys.GROUP_MEMBER_PREFIX):
                member_key = keys.group(UUID(sk.rsplit("#", 1)[1]))
            linked = _linked_partition(sk)
            if linked is not None:
                items.append(level_links.back_reference_of({"PK": str(item["PK"]), "SK": sk}, linked))
            if member_key is not None:
                with translated_errors():
                    self._table.update_item(
                        Key=member_key,
                        UpdateExpression="DELETE DefinitionGuids :guid",
                        ExpressionAttributeValues={":guid": {str(guid)}},
                    )
        self._delete_keys(items)

    def levels(self, guid: UUID) -> list[EscalationLevel]:
        levels = _levels(self._item(guid))
        return [levels[i] for i in sorted(levels)]

    def level(self, guid: UUID, level_id: int) -> EscalationLevel:
        return self.level_versioned(guid, level_id).config

    def level_versioned(self, guid: UUID, level_id: int) -> Versioned[EscalationLevel]:
        """A level with the version of its definition's item, which holds the levels."""
        item = self._item(guid)
        levels = _levels(item)
        if level_id not in levels:
            raise NotFoundError("EscalationLevel", f"{guid}/{level_id}")
        return Versioned(levels[level_id], version_of(item))

    def replace_level(self, guid: UUID, level: EscalationLevel, version: int | None = None) -> None:
        self._update_existing(
            guid,
            "SET Levels.#id = :level",
            {":level": level.to_json_dict()},
            names={"#id": str(level.id)},
            version=version,
        )

    def members(self, guid: UUID) -> list[AlertDefinitionMember]:
        self._item(guid)
        items = query_prefix(self._table, keys.definition_partition(guid), keys.MEMBER_PREFIX)
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
        items = query_prefix(
            self._table, keys.definition_partition(guid), keys.level_integration_prefix(level_id)
        )
        return [LevelIntegration.model_validate(item["Config"]) for item in items]

    def level_integration(self, guid: UUID, level_id: int, integration_guid: UUID) -> LevelIntegration:
        return self.level_integration_versioned(guid, level_id, integration_guid).config

    def level_integration_versioned(
        self, guid: UUID, level_id: int, integration_guid: UUID
    ) -> Versioned[LevelIntegration]:
        key = keys.level_integration(guid, level_id, integration_guid)
        name = f"{guid}/{level_id}/{integration_guid}"
        return self._get_versioned(key, LEVEL_INTEGRATION, name, LevelIntegration)

    def attach(self, guid: UUID, level_id: int, attached: LevelIntegration) -> None:
        """Attach, if the definition and the integration both exist (no level names a deleted one)."""
        self.level(guid, level_id)
        key = keys.level_integration(guid, level_id, attached.integration_guid)
        item = {**key, "Config": attached.to_json_dict(), VERSION: 1}
        level_links.link(
            self._table, linked_integration(attached.integration_guid), guid, item, LEVEL_INTEGRATION
        )

    def replace_level_integration(
        self, guid: UUID, level_id: int, attached: LevelIntegration, version: int
    ) -> None:
        key = keys.level_integration(guid, level_id, attached.integration_guid)
        self._put_existing(key, LEVEL_INTEGRATION, attached.integration_guid, attached, version)

    def detach(self, guid: UUID, level_id: int, integration_guid: UUID) -> None:
        key = keys.level_integration(guid, level_id, integration_guid)
        level_links.unlink(self._table, linked_integration(integration_guid), key, LEVEL_INTEGRATION)

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
        levels = _levels(head)
        attached: dict[int, list[LevelIntegration]] = {}
        for item in items:
            sk = str(item["SK"])
            if sk.startswith(keys.level_integration_prefix()):
                level_id = int(sk.split("#")[1])
                attached.setdefault(level_id, []).append(LevelIntegration.model_validate(item["Config"]))
        definition = AlertDefinition.model_validate(head["Config"])
        return DefinitionConfig(definition, [levels[i] for i in sorted(levels)], attached)


def linked_integration(integration_guid: UUID) -> level_links.Linked:
    return level_links.Linked("Integration", integration_guid, keys.integration(integration_guid))


def _linked_partition(sort_key: str) -> str | None:
    """The partition holding the back-reference of a level item of a definition, if it is one."""
    if sort_key.startswith(keys.level_integration_prefix()) and "#INTEGRATION#" in sort_key:
        return keys.integration_partition(UUID(sort_key.rsplit("#", 1)[1]))
    if sort_key.startswith(keys.LEVEL_OPERATOR_PREFIX):
        return keys.operator(UUID(sort_key.rsplit("#", 1)[1]))["PK"]
    return None
