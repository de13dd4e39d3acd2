"""When a maintenance period is in force, in the account time zone, as tables (DST edges, month ends)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from alerting.models.config import MaintenancePeriod, MaintenanceType
from alerting.suppression import active_maintenance

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def period(mode: str, **fields: Any) -> MaintenancePeriod:
    return MaintenancePeriod.model_validate({"Id": 1, "ScheduleMode": mode, **fields})


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


DAILY_0130_0230 = period("Daily", StartTime="01:30", EndTime="02:30")


@pytest.mark.parametrize(
    ("maintenance", "now_utc", "active"),
    [
        # Daily 01:30-02:30 Amsterdam on an ordinary winter day (CET, UTC+1): 00:30-01:30 UTC.
        (DAILY_0130_0230, "2026-01-15T00:29:59", False),
        (DAILY_0130_0230, "2026-01-15T00:30:00", True),
        (DAILY_0130_0230, "2026-01-15T01:29:59", True),
        (DAILY_0130_0230, "2026-01-15T01:30:00", False),
        # Spring forward, 2026-03-29 02:00 CET -> 03:00 CEST: 02:30 does not exist and moves forward by
        # the gap to 03:30 CEST (01:30 UTC); the window starts at 01:30 CET (00:30 UTC).
        (DAILY_0130_0230, "2026-03-29T00:29:59", False),
        (DAILY_0130_0230, "2026-03-29T00:30:00", True),
        (DAILY_0130_0230, "2026-03-29T01:15:00", True),  # 03:15 CEST, inside
        (DAILY_0130_0230, "2026-03-29T01:30:00", False),
        # The day after, summer time (CEST, UTC+2): 23:30-00:30 UTC.
        (DAILY_0130_0230, "2026-03-29T23:30:00", True),
        (DAILY_0130_0230, "2026-03-30T00:30:00", False),
        # Fall back, 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 happens twice; the first one ends the window.
        (DAILY_0130_0230, "2026-10-24T23:29:59", False),  # 01:29:59 CEST
        (DAILY_0130_0230, "2026-10-24T23:30:00", True),  # 01:30 CEST
        (DAILY_0130_0230, "2026-10-25T00:29:59", True),  # 02:29:59 CEST
        (DAILY_0130_0230, "2026-10-25T00:30:00", False),  # 02:30 CEST
        (DAILY_0130_0230, "2026-10-25T01:15:00", False),  # 02:15 CET, the repeated hour
        # Past midnight: 23:00-01:00 runs into the next day.
        (period("Daily", StartTime="23:00", EndTime="01:00"), "2026-01-15T23:30:00", True),  # 00:30 CET
        (period("Daily", StartTime="23:00", EndTime="01:00"), "2026-01-15T00:30:00", False),  # 01:30 CET
        # Weekly: Monday 2026-01-12, 08:00-09:00 CET.
        (period("Weekly", WeekDay="Monday", StartTime="08:00", EndTime="09:00"), "2026-01-12T07:30:00", True),
        (
            period("Weekly", WeekDay="Monday", StartTime="08:00", EndTime="09:00"),
            "2026-01-13T07:30:00",
            False,
        ),
        (period("Weekly", WeekDay="Sunday", StartTime="08:00", EndTime="09:00"), "2026-01-11T07:30:00", True),
        # Weekly past midnight: Sunday 23:00 to Monday 01:00.
        (period("Weekly", WeekDay="Sunday", StartTime="23:00", EndTime="01:00"), "2026-01-11T23:30:00", True),
        # Monthly: 31 means the last day, in February too; 15 is the 15th only.
        (period("Monthly", MonthDay=31, StartTime="10:00", EndTime="11:00"), "2026-02-28T09:30:00", True),
        (period("Monthly", MonthDay=31, StartTime="10:00", EndTime="11:00"), "2028-02-28T09:30:00", False),
        (period("Monthly", MonthDay=31, StartTime="10:00", EndTime="11:00"), "2028-02-29T09:30:00", True),
        (period("Monthly", MonthDay=31, StartTime="10:00", EndTime="11:00"), "2026-04-30T08:30:00", True),
        (period("Monthly", MonthDay=31, StartTime="10:00", EndTime="11:00"), "2026-01-31T09:30:00", True),
        (period("Monthly", MonthDay=31, StartTime="10:00", EndTime="11:00"), "2026-01-30T09:30:00", False),
        (period("Monthly", MonthDay=30, StartTime="10:00", EndTime="11:00"), "2026-02-28T09:30:00", True),
        (period("Monthly", MonthDay=15, StartTime="10:00", EndTime="11:00"), "2026-02-15T09:30:00", True),
        (period("Monthly", MonthDay=15, StartTime="10:00", EndTime="11:00"), "2026-02-16T09:30:00", False),
        # Monthly past midnight from the last day into the 1st.
        (period("Monthly", MonthDay=31, StartTime="23:00", EndTime="02:00"), "2026-03-01T00:30:00", True),
        # OneTime: local wall-clock start and end, end excluded.
        (
            period("OneTime", StartDateTime="2026-03-29T01:00:00", EndDateTime="2026-03-29T04:00:00"),
            "2026-03-29T01:59:00",  # 03:59 CEST
            True,
        ),
        (
            period("OneTime", StartDateTime="2026-03-29T01:00:00", EndDateTime="2026-03-29T04:00:00"),
            "2026-03-29T02:00:00",  # 04:00 CEST
            False,
        ),
        (
            period("OneTime", StartDateTime="2026-01-15 10:00:00", EndDateTime="2026-01-15 11:00:00"),
            "2026-01-15T08:59:59",
            False,
        ),
    ],
)
def test_period_is_in_force(maintenance: MaintenancePeriod, now_utc: str, active: bool) -> None:
    assert (active_maintenance([maintenance], utc(now_utc), AMSTERDAM) is not None) is active


def test_disable_monitoring_wins_when_both_kinds_are_in_force() -> None:
    notify = period("Daily", Id=1, StartTime="00:00", EndTime="23:59")
    monitoring = period(
        "Daily", Id=2, StartTime="00:00", EndTime="23:59", MaintenanceType="DisableMonitoring"
    )
    found = active_maintenance([notify, monitoring], utc("2026-01-15T10:00:00"), UTC)
    assert found is not None and found.maintenance_type is MaintenanceType.DISABLE_MONITORING


@pytest.mark.parametrize(
    "fields",
    [
        {"ScheduleMode": "OneTime", "StartDateTime": "2026-01-15T10:00:00"},
        {
            "ScheduleMode": "OneTime",
            "StartDateTime": "2026-01-15T10:00:00",
            "EndDateTime": "2026-01-15T09:00:00",
        },
        {"ScheduleMode": "Daily", "StartTime": "10:00"},
        {"ScheduleMode": "Weekly", "StartTime": "10:00", "EndTime": "11:00"},
        {"ScheduleMode": "Monthly", "StartTime": "10:00", "EndTime": "11:00"},
        {"ScheduleMode": "Monthly", "MonthDay": 32, "StartTime": "10:00", "EndTime": "11:00"},
        {"ScheduleMode": "Daily", "StartTime": "25:00", "EndTime": "11:00"},
    ],
)
def test_incomplete_periods_are_refused(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        MaintenancePeriod.model_validate(fields)
