"""Uptrends' PresetPeriod of alert history: a named window turned into Start and End.

Calendar periods (CurrentWeek, PreviousMonth, ...) follow the account's wall clock: a week starts on
Monday, a quarter in January, April, July or October. `All` is no window at all.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from alerting.models.api import PresetPeriod

_UNITS = {"Hours": "hours", "Days": "days"}
_CALENDAR_MONTHS = {"Month": 1, "Quarter": 3, "Year": 12}


def window(preset: PresetPeriod, now: datetime, timezone: str) -> tuple[datetime | None, datetime | None]:
    """(Start, End) in UTC of the period at `now`; None where the period is open."""
    name = preset.value
    local = now.astimezone(ZoneInfo(timezone))
    if preset is PresetPeriod.ALL:
        return None, None
    if name.startswith("Last"):
        count = int("".join(c for c in name if c.isdigit()))
        unit = name.removeprefix(f"Last{count}")
        if unit == "Months":
            return _utc(_months_back(local, count)), None
        return now - timedelta(**{_UNITS[unit]: count}), None
    unit = name.removeprefix("Current").removeprefix("Previous")
    start = _period_start(local, unit)
    if name.startswith("Current"):
        return _utc(start), None
    previous = _period_start(start - timedelta(microseconds=1), unit)
    return _utc(previous), _utc(start)


def _period_start(local: datetime, unit: str) -> datetime:
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "Day":
        return midnight
    if unit == "Week":
        return midnight - timedelta(days=midnight.weekday())
    months = _CALENDAR_MONTHS[unit]
    month = (midnight.month - 1) // months * months + 1
    return midnight.replace(month=month, day=1)


def _months_back(local: datetime, count: int) -> datetime:
    index = local.year * 12 + local.month - 1 - count
    year, month = divmod(index, 12)
    # The same day of an earlier month, or its last day when it is shorter (31 March -> 28 February).
    for day in range(local.day, 27, -1):
        try:
            return local.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    return local.replace(year=year, month=month + 1, day=min(local.day, 28))


def _utc(local: datetime) -> datetime:
    return local.astimezone(UTC)
