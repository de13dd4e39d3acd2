"""Uptrends' PresetPeriod as a window of alert history: calendar periods on the account's wall clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from alerting.api.preset_periods import window
from alerting.models.api import PresetPeriod

# Tuesday 31 March 2026, 10:00 UTC: 12:00 in Amsterdam (summer time since Sunday).
NOW = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        (PresetPeriod.LAST_2_HOURS, (utc(2026, 3, 31, 8), None)),
        (PresetPeriod.LAST_7_DAYS, (utc(2026, 3, 24, 10), None)),
        # Midnight in Amsterdam, whose offset changed on Sunday 29 March.
        (PresetPeriod.CURRENT_DAY, (utc(2026, 3, 30, 22), None)),
        (PresetPeriod.CURRENT_WEEK, (utc(2026, 3, 29, 22), None)),
        (PresetPeriod.PREVIOUS_WEEK, (utc(2026, 3, 22, 23), utc(2026, 3, 29, 22))),
        (PresetPeriod.PREVIOUS_MONTH, (utc(2026, 1, 31, 23), utc(2026, 2, 28, 23))),
        (PresetPeriod.CURRENT_QUARTER, (utc(2025, 12, 31, 23), None)),
        (PresetPeriod.PREVIOUS_YEAR, (utc(2024, 12, 31, 23), utc(2025, 12, 31, 23))),
        # Three months back: 31 December at the same wall-clock time (winter time then).
        (PresetPeriod.LAST_3_MONTHS, (utc(2025, 12, 31, 11), None)),
        (PresetPeriod.ALL, (None, None)),
    ],
)
def test_a_preset_period_is_the_window_uptrends_names(
    preset: PresetPeriod, expected: tuple[datetime | None, datetime | None]
) -> None:
    assert window(preset, NOW, "Europe/Amsterdam") == expected


def test_every_month_back_lands_on_a_real_day() -> None:
    start, _ = window(PresetPeriod.LAST_3_MONTHS, utc(2026, 5, 31, 12), "UTC")
    assert start == utc(2026, 2, 28, 12)
