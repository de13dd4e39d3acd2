"""Maintenance windows published to status pages (DESIGN 6b, `PublishMaintenance` on a level integration).

Each occurrence of a linked monitor's maintenance period is published when it starts, with its end: the
sweep looks at the monitor at that moment (`next_notice_due`) and raises one notice per occurrence
(`maintenance_notices`). A notice is an Alert with `Maintenance` set; it goes only to the level
integrations that publish maintenance, and its guid depends on the occurrence and its end alone, so a
notice raised again for the same window is a duplicate the delivery drops, while a period edited
mid-window (a new end) raises a new notice that updates the published window. The page ends the window
itself at its end time (StatusHub's maintenance `end_time`, Statuspage's `scheduled_auto_completed`);
a window whose period, link or PublishMaintenance went away before its end is completed by the sweep
(`completions`): the job that published it again, with the window cut at that moment.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from uuid import UUID

from alerting.evaluation import MonitorConfig
from alerting.models.alert import Alert, AlertType, MaintenanceWindow, monitor_facts
from alerting.models.config import DefinitionConfig, EscalationLevel, MaintenancePeriod
from alerting.models.delivery import DeliveryJob
from alerting.suppression import next_start, window_at

NOTICE_NAMESPACE = UUID("3d0c6a52-3c8e-4a9f-b1f4-7e2d9c5a8b10")


def publishing_levels(config: MonitorConfig) -> Iterator[tuple[DefinitionConfig, EscalationLevel]]:
    """The active levels with an active PublishMaintenance integration that links this monitor."""
    monitor_guid = config.monitor.monitor_guid
    for definition in config.definitions:
        if not definition.definition.is_active:
            continue
        for level in definition.levels:
            attached = definition.level_integrations.get(level.id, ())
            if level.is_active and any(
                integration.publish_maintenance
                and integration.is_active
                and any(link.monitor_guid == monitor_guid for link in integration.status_hub_service_list)
                for integration in attached
            ):
                yield definition, level


def maintenance_notices(config: MonitorConfig, now: datetime) -> list[Alert]:
    """One notice per publishing level for each maintenance occurrence in force at `now`."""
    levels = list(publishing_levels(config))
    notices = []
    for period in config.maintenance:
        window = window_at(period, now, config.timezone)
        if window is not None:
            notices += [_notice(config, period, window, definition, level) for definition, level in levels]
    return notices


def completions(
    published: Iterable[DeliveryJob], planned: Iterable[DeliveryJob], now: datetime
) -> list[DeliveryJob]:
    """The published windows no notice of `now` goes to any more (period deleted, link or
    PublishMaintenance removed): each one's job again, its window ending `now`, which completes it."""
    still = {(job.integration_guid, job.target, job.alert.incident_key) for job in planned}
    ended = []
    for job in published:
        window = job.alert.maintenance
        if window is None or (job.integration_guid, job.target, job.alert.incident_key) in still:
            continue
        notice = job.alert.model_copy(
            update={
                "alert_guid": uuid.uuid5(NOTICE_NAMESPACE, f"{job.alert.incident_key}-completed"),
                "maintenance": window.model_copy(update={"end": max(now, window.start)}),
            }
        )
        ended.append(job.model_copy(update={"alert": notice}))
    return ended


def next_notice_due(config: MonitorConfig, now: datetime) -> datetime | None:
    """When the monitor's next maintenance occurrence starts, whether or not a level publishes it yet:
    the sweep decides then, with the configuration of then (a PublishMaintenance switched on after the
    period was saved, and not yet in a warm function's cache, still counts)."""
    starts = (next_start(period, now, config.timezone) for period in config.maintenance)
    return min((start for start in starts if start is not None), default=None)


def _notice(
    config: MonitorConfig,
    period: MaintenancePeriod,
    window: tuple[datetime, datetime],
    definition: DefinitionConfig,
    level: EscalationLevel,
) -> Alert:
    monitor = config.monitor
    start, end = window
    occurrence = f"{monitor.monitor_guid}-{period.id}-{start:%Y%m%dT%H%M%SZ}"
    description = period.description or f"Scheduled maintenance of {monitor.name}"
    return Alert(
        alert_guid=uuid.uuid5(NOTICE_NAMESPACE, f"{occurrence}-{end:%Y%m%dT%H%M%SZ}"),
        alert_type=AlertType.ERROR,
        incident_key=f"maintenance-{occurrence}",
        timestamp=start,
        first_error=start,
        monitor_check_id=0,
        first_error_monitor_check_id=0,
        error_description=description,
        **monitor_facts(monitor),
        alert_definition_guid=definition.definition.alert_definition_guid,
        alert_definition_name=definition.definition.alert_name,
        escalation_level_id=level.id,
        maintenance=MaintenanceWindow(period_id=period.id, start=start, end=end, description=description),
    )
