"""Monitor groups: their members, the alert definitions they belong to, and whether their alerts are stopped.

A monitor's groups are also kept on the monitor's item (GroupGuids), and a group's definitions and its
alerts-stopped switch on the group's item, so the evaluator needs no query per check: it reads the
monitor's item and takes the groups from its cache. Every monitor is in the IsAll group implicitly.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from uuid import UUID

from alerting.errors import AlreadyExistsError, ConcurrentUpdateError, InvalidInputError, NotFoundError
from alerting.models.config import ALL_MONITORS_GROUP_GUID, MonitorGroup, MonitorGroupMember
from alerting.storage import keys, membership
from alerting.storage.config_repository import ConfigKind, ConfigRepository
from alerting.storage.dynamo import failed_conditions, query_prefix, translated_errors

if TYPE_CHECKING:
    pass

KIND = "MonitorGroup"


@cache
def all_monitors() -> MonitorGroup:
    """The predefined IsAll group (built on first use: a model at import would build its validator)."""
    return MonitorGroup(monitor_group_guid=ALL_MONITORS_GROUP_GUID, description="All monitors", is_all=True)


@dataclass(frozen=True)
class GroupConfig:
    """A group as the evaluator needs it."""

    group: MonitorGroup
    definition_guids: frozenset[UUID]
    alerts_stopped: bool


GROUP = ConfigKind(
    KIND, MonitorGroup, keys.Kind.GROUP, keys.group, lambda g: g.monitor_group_guid, lambda g: g.description
)


class MonitorGroups(ConfigRepository[MonitorGroup]):
    _kind = GROUP

    def ensure_all(self) -> None:
        """The IsAll group exists from the start: created on first use of the group API."""
        with contextlib.suppress(AlreadyExistsError):
            super().create(all_monitors())

    def create(self, config: MonitorGroup, **attributes: Any) -> None:
        if config.is_all:
            raise InvalidInputError("IsAll", "only the predefined group holds all monitors")
        super().create(config, **attributes)

    def members(self, guid: UUID) -> list[MonitorGroupMember]:
        """Explicit members; the IsAll group lists none (it holds every monitor)."""
        self._item(guid)
        items = query_prefix(self._table, keys.group_partition(guid), keys.MONITOR_MEMBER_PREFIX)
        return [MonitorGroupMember(monitor_guid=UUID(str(item["SK"]).rsplit("#", 1)[1])) for item in items]

    def add_monitor(self, guid: UUID, monitor_guid: UUID) -> None:
        if guid == ALL_MONITORS_GROUP_GUID:
            raise InvalidInputError("MonitorGroupGuid", "every monitor is a member of the IsAll group")
        membership.link(self._table, self._holder(guid), keys.group_member(guid, monitor_guid), monitor_guid)

    def remove_monitor(self, guid: UUID, monitor_guid: UUID) -> None:
        membership.unlink(
            self._table, self._holder(guid), keys.group_member(guid, monitor_guid), monitor_guid
        )

    @staticmethod
    def _holder(guid: UUID) -> membership.Holder:
        return membership.Holder(KIND, "MonitorGroupMember", guid, keys.group(guid), "GroupGuids")

    def set_alerts_stopped(self, guid: UUID, stopped: bool) -> None:
        if guid == ALL_MONITORS_GROUP_GUID:
            self.ensure_all()
        self._update_existing(guid, "SET AlertsStopped = :stopped", {":stopped": stopped})

    def add_to_definition(self, guid: UUID, definition_guid: UUID) -> None:
        if guid == ALL_MONITORS_GROUP_GUID:
            self.ensure_all()
        name = self._table.name
        operations: list[dict[str, Any]] = [
            {
                "ConditionCheck": {
                    "TableName": name,
                    "Key": keys.definition(definition_guid),
                    "ConditionExpression": "attribute_exists(PK)",
                }
            },
            {
                "Update": {
                    "TableName": name,
                    "Key": keys.group(guid),
                    "UpdateExpression": "ADD DefinitionGuids :definition",
                    "ConditionExpression": "attribute_exists(PK)",
                    "ExpressionAttributeValues": {":definition": {str(definition_guid)}},
                }
            },
            {
                "Put": {
                    "TableName": name,
                    "Item": keys.definition_group_member(definition_guid, guid),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        ]
        try:
            with translated_errors():
                self._table.meta.client.transact_write_items(TransactItems=operations)  # type: ignore[arg-type]
        except ConcurrentUpdateError as exc:
            failed = failed_conditions(exc) + [False] * 3
            if failed[0]:
                raise NotFoundError("AlertDefinition", str(definition_guid)) from exc
            if failed[1]:
                raise NotFoundError(KIND, str(guid)) from exc
            if failed[2]:
                raise AlreadyExistsError("AlertDefinitionMember", str(guid)) from exc
            raise

    def remove_from_definition(self, guid: UUID, definition_guid: UUID) -> None:
        name = self._table.name
        operations: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": name,
                    "Key": keys.definition_group_member(definition_guid, guid),
                    "ConditionExpression": "attribute_exists(PK)",
                }
            },
            {
                "Update": {
                    "TableName": name,
                    "Key": keys.group(guid),
                    "UpdateExpression": "DELETE DefinitionGuids :definition",
                    "ConditionExpression": "attribute_exists(PK)",
                    "ExpressionAttributeValues": {":definition": {str(definition_guid)}},
                }
            },
        ]
        try:
            with translated_errors():
                self._table.meta.client.transact_write_items(TransactItems=operations)  # type: ignore[arg-type]
        except ConcurrentUpdateError as exc:
            raise NotFoundError("AlertDefinitionMember", f"{definition_guid}/{guid}") from exc

    def config(self, guid: UUID) -> GroupConfig | None:
        """The group as the evaluator needs it; None if it does not exist (yet)."""
        try:
            item = self._item(guid)
        except NotFoundError:
            return None
        return GroupConfig(
            group=MonitorGroup.model_validate(item["Config"]),
            definition_guids=frozenset(UUID(g) for g in item.get("DefinitionGuids", ())),
            alerts_stopped=bool(item.get("AlertsStopped", False)),
        )
