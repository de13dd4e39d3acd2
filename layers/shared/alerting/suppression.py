"""Reasons an alert is recorded but not sent, and when a maintenance period is in force.

Each reason is a small predicate with the same shape (Alertmanager's inhibitors and silences, in
miniature); the first that speaks is recorded on the alert.

Maintenance periods are wall-clock times of the account time zone. Converting one to an instant:
a time that does not exist (the hour skipped when clocks go forward) is shifted forward by the gap,
so 02:30 on the spring-forward day in Europe/Amsterdam is 03:30 CEST; a time that exists twice (the
hour repeated when clocks go back) is its first occurrence. A MonthDay past the month's last day (31
in April or February, 30 in February) means the last day.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from alerting.models.alert import AlertType
from alerting.models.config import MaintenancePeriod, MaintenanceType, Monitor, ScheduleMode


@dataclass(frozen=True)
class SuppressionContext:
    monitor: Monitor
    now: datetime
    alert_type: AlertType = AlertType.ERROR
    maintenance: MaintenancePeriod | None = None  # the DisableNotifications period in force, if any
    stopped_groups: Sequence[str] = ()  # descriptions of groups holding the monitor with alerts stopped
    error_suppressed_reason: str | None = None  # for an Ok: why its incident's Error was not sent


Muter = Callable[[SuppressionContext], str | None]


def _alerts_turned_off(context: SuppressionContext) -> str | None:
    if not context.monitor.generate_alert:
        return "GenerateAlert is off for this monitor"
    return None


def _in_maintenance(context: SuppressionContext) -> str | None:
    period = context.maintenance
    if period is not None and period.maintenance_type is MaintenanceType.DISABLE_NOTIFICATIONS:
        return (
            f"maintenance period {period.id} ({period.schedule_mode.value}, DisableNotifications) is active"
        )
    return None


def _group_alerts_stopped(context: SuppressionContext) -> str | None:
    if context.stopped_groups:
        return f"alerts are stopped on monitor group {', '.join(context.stopped_groups)}"
    return None


MUTERS: tuple[Muter, ...] = (_alerts_turned_off, _in_maintenance, _group_alerts_stopped)


def suppression_reason(context: SuppressionContext) -> str | None:
    """The first reason not to send, or None when the alert goes out.

    An Ok follows its incident's Error: it is sent when the Error was sent, whatever holds now, so a
    status page that went down comes back up even if a maintenance period began in between.
    """
    if context.alert_type is AlertType.OK:
        if context.error_suppressed_reason is not None:
            return f"the Error alert of this incident was not sent ({context.error_suppressed_reason})"
        return None
    for muter in MUTERS:
        reason = muter(context)
        if reason is not None:
            return reason
    return None


def active_maintenance(
    periods: Iterable[MaintenancePeriod], now: datetime, zone: tzinfo
) -> MaintenancePeriod | None:
    """The period in force at `now`; DisableMonitoring wins over DisableNotifications when both are."""
    active = [period for period in periods if _covers(period, now, zone)]
    active.sort(key=lambda p: (p.maintenance_type is not MaintenanceType.DISABLE_MONITORING, p.id))
    return active[0] if active else None


def window_at(period: MaintenancePeriod, now: datetime, zone: tzinfo) -> tuple[datetime, datetime] | None:
    """The occurrence of the period in force at `now` (UTC start and end), or None."""
    return next(((start, end) for start, end in _windows(period, now, zone) if start <= now < end), None)


def next_start(period: MaintenancePeriod, now: datetime, zone: tzinfo) -> datetime | None:
    """When the period's next occurrence after `now` starts; None when it has no later one."""
    if period.schedule_mode is ScheduleMode.ONE_TIME:
        start = _windows(period, now, zone)[0][0]
        return start if start > now else None
    # Every recurring mode comes back within a month; the window of `now + 1 day` covers yesterday too.
    for days in range(1, 33):
        later = [start for start, _ in _windows(period, now + timedelta(days=days), zone) if start > now]
        if later:
            return min(later)
    return None


def _covers(period: MaintenancePeriod, now: datetime, zone: tzinfo) -> bool:
    return any(start <= now < end for start, end in _windows(period, now, zone))


_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


def _instant(wall: datetime, zone: tzinfo) -> datetime:
    """The UTC instant of a period's date; a date at the edge of the calendar (year 1 or 9999) whose
    offset would push it past the edge is pinned to the edge, so evaluation never fails on a
    stored period."""
    try:
        if wall.tzinfo is not None:
            return wall.astimezone(UTC)
        # fold=0 with zoneinfo: a skipped time takes the offset before the gap (it moves forward by the
        # gap), a repeated time its first occurrence.
        return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    except (OverflowError, ValueError):
        return _EARLIEST if wall.year < 2 else _LATEST


def _clock(text: str) -> time:
    return time.fromisoformat(text)


def _windows(period: MaintenancePeriod, now: datetime, zone: tzinfo) -> list[tuple[datetime, datetime]]:
    """The windows that could hold `now`: those starting on the local day of `now` or the day before."""
    if period.schedule_mode is ScheduleMode.ONE_TIME:
        assert period.start_date_time is not None and period.end_date_time is not None
        return [(_instant(period.start_date_time, zone), _instant(period.end_date_time, zone))]
    assert period.start_time is not None and period.end_time is not None
    start, end = _clock(period.start_time), _clock(period.end_time)
    today = now.astimezone(zone).date()
    windows = []
    for day in (today - timedelta(days=1), today):
        if not _recurs_on(period, day):
            continue
        # An end at or before the start means the window runs past midnight.
        end_day = day if end > start else day + timedelta(days=1)
        windows.append(
            (
                _instant(datetime.combine(day, start), zone),
                _instant(datetime.combine(end_day, end), zone),
            )
        )
    return windows


def _recurs_on(period: MaintenancePeriod, day: date) -> bool:
    if period.schedule_mode is ScheduleMode.DAILY:
        return True
    if period.schedule_mode is ScheduleMode.WEEKLY:
        assert period.week_day is not None
        return day.isoweekday() == period.week_day.iso_weekday
    assert period.month_day is not None
    last_day = calendar.monthrange(day.year, day.month)[1]
    return day.day == min(period.month_day, last_day)
