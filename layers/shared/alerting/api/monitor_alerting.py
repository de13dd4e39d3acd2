"""The config API's operations around monitors' alerting: groups, maintenance, alert history, decisions,
and what a monitor's delete takes with it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from alerting.errors import AlreadyExistsError, InvalidInputError, NotFoundError, VersionMismatchError
from alerting.models.api import (
    AlertDefinitionMonitorGroup,
    AlertPage,
    AlertResource,
    Cursors,
    DecisionPage,
    DecisionResource,
    MonitorGroupInput,
)
from alerting.models.config import (
    ALL_MONITORS_GROUP_GUID,
    MaintenancePeriod,
    MonitorGroup,
    MonitorGroupMember,
)
from alerting.storage.alert_definitions import LEVEL_INTEGRATION, AlertDefinitions
from alerting.storage.alert_history import AlertHistory, AlertQuery
from alerting.storage.monitor_groups import MonitorGroups
from alerting.storage.monitors import MonitorRecord, Monitors

# Tries to write a level integration without the deleted monitor's links while the level keeps changing.
MAX_UNLINK_TRIES = 5


@dataclass
class MonitorAlerting:
    monitors: Monitors
    groups: MonitorGroups
    history: AlertHistory
    definitions: AlertDefinitions
    new_guid: Callable[[], UUID] = field(default=uuid.uuid4)

    # Monitors
    def delete_monitor(self, guid: UUID, if_match: int | None = None) -> None:
        record = self.monitors.record(guid)
        self.monitors.delete(guid, if_match)
        self._drop_service_links(guid, record)

    def _drop_service_links(self, monitor_guid: UUID, record: MonitorRecord) -> None:
        """Take the deleted monitor out of the StatusHubServiceList of the definitions that alerted for it
        (directly, through its groups, or the all-monitors group), so no page keeps a link nothing can
        update. Only those: a monitor delete must not read every definition."""
        definition_guids = set(record.definition_guids)
        for group_guid in {*record.group_guids, ALL_MONITORS_GROUP_GUID}:
            group = self.groups.config(group_guid)
            definition_guids |= group.definition_guids if group else set()
        for definition_guid in sorted(definition_guids):
            try:
                self._unlink_from_definition(definition_guid, monitor_guid)
            except NotFoundError:
                continue  # deleted meanwhile: nothing of it links the monitor any more

    def _unlink_from_definition(self, guid: UUID, monitor_guid: UUID) -> None:
        for level in self.definitions.levels(guid):
            for attached in self.definitions.level_integrations(guid, level.id):
                if any(link.monitor_guid == monitor_guid for link in attached.status_hub_service_list):
                    self._unlink_monitor(guid, level.id, attached.integration_guid, monitor_guid)

    def _unlink_monitor(self, guid: UUID, level_id: int, integration_guid: UUID, monitor_guid: UUID) -> None:
        for _ in range(MAX_UNLINK_TRIES):
            read = self.definitions.level_integration_versioned(guid, level_id, integration_guid)
            kept = [link for link in read.config.status_hub_service_list if link.monitor_guid != monitor_guid]
            changed = read.config.model_copy(update={"status_hub_service_list": kept})
            try:
                self.definitions.replace_level_integration(guid, level_id, changed, read.version)
                return
            except VersionMismatchError:
                continue
        raise AlreadyExistsError(LEVEL_INTEGRATION, "a concurrent change; retry")

    # Monitor groups
    def list_groups(self, take: int, cursor: str | None) -> tuple[list[MonitorGroup], str | None]:
        if cursor is None:
            self.groups.ensure_all()
        return self.groups.page(take, cursor)

    def get_group(self, guid: UUID) -> MonitorGroup:
        self.groups.ensure_all()
        return self.groups.get(guid)

    def create_group(self, given: MonitorGroupInput) -> MonitorGroup:
        group = MonitorGroup.model_validate(
            {**given.model_dump(), "monitor_group_guid": given.monitor_group_guid or self.new_guid()}
        )
        self.groups.create(group)
        return group

    def group_members(self, guid: UUID) -> list[MonitorGroupMember]:
        self.groups.ensure_all()
        return self.groups.members(guid)

    def add_group_member(self, guid: UUID, monitor_guid: UUID) -> MonitorGroupMember:
        self.groups.add_monitor(guid, monitor_guid)
        return MonitorGroupMember(monitor_guid=monitor_guid)

    def set_group_alerts(self, guid: UUID, stopped: bool) -> None:
        self.groups.set_alerts_stopped(guid, stopped)

    def add_definition_group(self, definition_guid: UUID, group_guid: UUID) -> AlertDefinitionMonitorGroup:
        self.groups.add_to_definition(group_guid, definition_guid)
        return AlertDefinitionMonitorGroup(alert_definition=definition_guid, monitor_group=group_guid)

    def remove_definition_group(self, definition_guid: UUID, group_guid: UUID) -> None:
        self.groups.remove_from_definition(group_guid, definition_guid)

    # Maintenance periods
    def add_maintenance(self, monitor_guid: UUID, given: MaintenancePeriod) -> MaintenancePeriod:
        return self.monitors.add_maintenance_period(monitor_guid, given)

    def replace_maintenance(self, monitor_guid: UUID, period_id: int, given: MaintenancePeriod) -> None:
        if given.id not in (0, period_id):
            raise InvalidInputError("Id", "does not match the maintenance period id in the path")
        self.monitors.replace_maintenance_period(monitor_guid, given.model_copy(update={"id": period_id}))

    # History and the "why"
    def alerts(self, monitor_guid: UUID, query: AlertQuery) -> AlertPage:
        self.monitors.get(monitor_guid)
        if query.start and query.end and query.end < query.start:
            raise InvalidInputError("End", "is before Start")
        if query.take == 0:
            # Uptrends allows Take=0: the page is empty (it only checks that the monitor exists).
            return AlertPage(data=[], cursors=Cursors())
        found, next_cursor = self.history.alerts(monitor_guid, query)
        return AlertPage(data=[AlertResource.of(a) for a in found], cursors=Cursors(next=next_cursor))

    def decisions(self, monitor_guid: UUID, take: int, cursor: str | None) -> DecisionPage:
        self.monitors.get(monitor_guid)
        if take == 0:
            return DecisionPage(data=[], cursors=Cursors())
        found, next_cursor = self.history.decisions(monitor_guid, take, cursor)
        return DecisionPage(
            data=[DecisionResource(id=key, attributes=decision) for key, decision in found],
            cursors=Cursors(next=next_cursor),
        )


def utc_or_none(moment: datetime | None) -> datetime | None:
    """Query times without a zone are UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
