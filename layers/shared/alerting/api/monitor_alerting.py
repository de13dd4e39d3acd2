"""The config API's operations around monitors' alerting: groups, maintenance, alert history, decisions."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from alerting.errors import InvalidInputError
from alerting.models.api import (
    AlertDefinitionMonitorGroup,
    AlertPage,
    AlertResource,
    Cursors,
    DecisionPage,
    DecisionResource,
    MonitorGroupInput,
)
from alerting.models.config import MaintenancePeriod, MonitorGroup, MonitorGroupMember
from alerting.storage.alert_history import AlertHistory, AlertQuery
from alerting.storage.monitor_groups import MonitorGroups
from alerting.storage.monitors import Monitors


@dataclass
class MonitorAlerting:
    monitors: Monitors
    groups: MonitorGroups
    history: AlertHistory
    new_guid: Callable[[], UUID] = field(default=uuid.uuid4)

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
