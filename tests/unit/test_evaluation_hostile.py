"""Hostile check events and stored maintenance periods: a check is evaluated or refused as malformed,
never a crash that would retry it into the dead-letter queue (and lose the alert it should raise)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from alerting.check_sizes import within_sizes
from alerting.evaluation import MonitorConfig, Verdict, evaluate_check
from alerting.models.alert import (
    ERROR_DESCRIPTION_MAX_BYTES,
    RESPONSE_BODY_MAX_BYTES,
    RESPONSE_HEADERS_MAX_BYTES,
    MonitorState,
)
from alerting.models.check import CheckResult
from alerting.models.config import MaintenancePeriod, MaintenanceType, ScheduleMode
from alerting.routing import plan_deliveries
from alerting.storage import outbox
from alerting.storage.monitors import _stored_periods
from tests import factories as f

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def stored_period(start: datetime, end: datetime) -> MaintenancePeriod:
    """A period as an older version of the API stored it, before its dates were bounded."""
    return MaintenancePeriod.model_construct(
        id=1,
        description="",
        schedule_mode=ScheduleMode.ONE_TIME,
        start_date_time=start,
        end_date_time=end,
        start_time=None,
        end_time=None,
        week_day=None,
        month_day=None,
        maintenance_type=MaintenanceType.DISABLE_NOTIFICATIONS,
    )


def with_periods(*periods: MaintenancePeriod, zone: Any = UTC) -> MonitorConfig:
    base = f.config()
    return MonitorConfig(base.monitor, base.definitions, maintenance=periods, timezone=zone)


# Finding 3: a period at the edge of the calendar crashed every later Confirmed check.
@pytest.mark.parametrize(
    ("start", "end", "zone"),
    [
        (datetime.fromisoformat("0001-01-01T00:00:00+14:00"), datetime(2000, 1, 1, tzinfo=UTC), UTC),
        (datetime(2026, 1, 1), datetime(9999, 12, 31, 23, 59), AMSTERDAM),
        (datetime(1, 1, 1), datetime(2020, 1, 1), ZoneInfo("America/New_York")),
    ],
)
def test_a_stored_period_at_the_calendar_s_edge_never_stops_a_check_from_alerting(
    start: datetime, end: datetime, zone: Any
) -> None:
    config = with_periods(stored_period(start, end), zone=zone)
    evaluation = evaluate_check(MonitorState(), f.check(1), config)
    assert evaluation.verdict is Verdict.CHANGED
    assert len(evaluation.alerts) == 1


def test_a_period_covering_all_of_time_still_suppresses_rather_than_crashing() -> None:
    period = stored_period(datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59))
    (alert,) = evaluate_check(MonitorState(), f.check(1), with_periods(period, zone=AMSTERDAM)).alerts
    assert alert.suppressed_reason is not None and "maintenance period 1" in alert.suppressed_reason


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        ("0001-01-01T00:00:00+14:00", "2026-01-01T00:00:00+14:00", "StartDateTime\n.*2000 to 2099"),
        ("2026-01-01T00:00:00", "9999-12-31T23:59:00", "EndDateTime\n.*2000 to 2099"),
        ("2026-01-01T00:00:00", "2100-01-01T00:00:00", "EndDateTime\n.*2000 to 2099"),
        ("2000-01-01T00:30:00+01:00", "2026-01-01T00:00:00Z", "StartDateTime\n.*2000 to 2099"),
        ("2026-01-01T00:00:00+01:00", "2026-01-02T00:00:00", "both have a UTC offset"),
    ],
)
def test_the_api_model_refuses_periods_outside_the_bounds_with_the_field(
    start: str, end: str, reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason):
        MaintenancePeriod.model_validate(
            {"ScheduleMode": "OneTime", "StartDateTime": start, "EndDateTime": end}
        )


def test_a_period_ending_in_the_last_hour_of_2099_in_utc_is_accepted() -> None:
    period = MaintenancePeriod.model_validate(
        {
            "ScheduleMode": "OneTime",
            "StartDateTime": "2099-12-31T00:00:00+01:00",
            "EndDateTime": "2100-01-01T00:30:00+01:00",
        }
    )
    assert period.end_date_time is not None and period.end_date_time.year == 2100


def test_a_stored_period_no_longer_valid_is_left_out_when_the_monitor_is_read() -> None:
    good = {"Id": 2, "ScheduleMode": "Daily", "StartTime": "01:00", "EndTime": "02:00"}
    bad = {"Id": 1, "ScheduleMode": "OneTime", "StartDateTime": "0001-01-01T00:00:00+14:00"}
    bad["EndDateTime"] = "2026-01-01T00:00:00+14:00"
    assert [p.id for p in _stored_periods(json.dumps([bad, good]))] == [2]


# Finding 11: a 41-digit check id failed the function instead of being counted malformed.
def test_a_41_digit_check_id_is_malformed() -> None:
    with pytest.raises(ValidationError, match="Id"):
        CheckResult.model_validate({**_event(), "Id": 10**40})


# Finding 1 (sizes): what a check brings is cut before it is stored or queued.
def test_a_check_is_cut_to_the_design_sizes_where_it_enters() -> None:
    check = f.check(
        1,
        response_body="x" * 16_000,
        error_description="é" * 5_000,
        response_headers={f"X-H{i}": "v" * 100 for i in range(200)},
    )
    cut = within_sizes(check)
    assert len(cut.response_body.encode()) == RESPONSE_BODY_MAX_BYTES
    assert len(cut.error_description.encode()) <= ERROR_DESCRIPTION_MAX_BYTES
    assert sum(len(k) + len(v) for k, v in cut.response_headers.items()) <= RESPONSE_HEADERS_MAX_BYTES


def _event(**overrides: Any) -> dict[str, Any]:
    return {
        "Id": 1,
        "MonitorGuid": str(f.MONITOR_GUID),
        "Timestamp": "2026-11-22T10:01:00Z",
        "ErrorLevel": "Confirmed",
        **overrides,
    }


# Property: hostile values in every text of a check event give a check or a refusal, never a crash, and
# an accepted Confirmed check always raises its alert, whose JSON can be stored and queued.
HOSTILE_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F)),  # control characters
    st.sampled_from(["\ud800", "a\udfffb", "\u202eevil\u202c", "<!channel>", "<https://evil|click>", "&<>"]),
    st.sampled_from(["é" * 10**6, "x" * 10**6]),
    st.recursive(st.text(max_size=3), lambda inner: inner.map(lambda s: "{{" + s + "}}"), max_leaves=5),
)
HOSTILE_NUMBER = st.one_of(st.integers(), st.floats(allow_nan=True), st.just(10**40), st.just(-1))
HOSTILE_DATE = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "not a date", ""]),
)
TEXT_FIELDS = ("ErrorDescription", "CheckpointName", "ResponseBody", "FailureMessage", "ServerIpv4")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.fixed_dictionaries(dict.fromkeys(TEXT_FIELDS, HOSTILE_TEXT)),
    headers=st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=3),
    check_id=HOSTILE_NUMBER,
    timestamp=HOSTILE_DATE,
)
def test_any_check_event_is_evaluated_or_malformed_never_a_crash(
    texts: dict[str, str], headers: dict[str, str], check_id: object, timestamp: str
) -> None:
    event = _event(Id=check_id, Timestamp=timestamp, ResponseHeaders=headers, **texts)
    try:
        check = CheckResult.model_validate(event)
    except ValidationError:
        return  # malformed: parked on the dead-letter queue with its reason, counted
    config = f.config(attachments={1: [f.statushub_attachment()]})
    evaluation = evaluate_check(MonitorState(), within_sizes(check), config)
    (alert,) = evaluation.alerts
    jobs = plan_deliveries(evaluation.alerts, config, {f.INTEGRATION_GUID: f.statushub_integration()})
    assert len(jobs) == 1
    stored = jobs[0].model_dump_json(by_alias=True).encode()  # no lone surrogate survives to UTF-8
    assert len(stored) < 64 * 1024
    assert len(alert.response_body.encode()) <= RESPONSE_BODY_MAX_BYTES


def test_an_outbox_written_before_references_is_read_as_references() -> None:
    config = f.config()
    evaluation = evaluate_check(MonitorState(), f.check(1), config)
    (job,) = plan_deliveries(evaluation.alerts, config, {f.INTEGRATION_GUID: f.statushub_integration()})
    whole_jobs = json.dumps([job.to_json_dict()])
    assert outbox.decoded(whole_jobs) == (job.reference,)
    assert outbox.decoded(outbox.encoded([job])) == (job.reference,)
