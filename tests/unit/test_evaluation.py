"""The evaluator's decisions as tables: (state so far, check) -> alerts and the next state."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from alerting.evaluation import Verdict, evaluate_check
from alerting.models.alert import (
    RESPONSE_BODY_MAX_BYTES,
    RESPONSE_HEADERS_MAX_BYTES,
    Alert,
    AlertType,
    MonitorState,
)
from alerting.models.check import CheckResult, ErrorLevel
from alerting.models.config import EscalationMode
from alerting.routing import plan_deliveries
from tests import factories as f
from tests.conftest import load_event

C, U, OK = ErrorLevel.CONFIRMED, ErrorLevel.UNCONFIRMED, ErrorLevel.NO_ERROR


def run(
    checks: Sequence[CheckResult], config: f.MonitorConfig | None = None
) -> tuple[MonitorState, list[Alert]]:
    state = MonitorState()
    alerts: list[Alert] = []
    for one in checks:
        evaluation = evaluate_check(state, one, config or f.config())
        state = evaluation.state
        alerts.extend(evaluation.alerts)
    return state, alerts


def kinds(alerts: Sequence[Alert]) -> list[tuple[str, int]]:
    return [(a.alert_type.value, a.escalation_level_id) for a in alerts]


@pytest.mark.parametrize(
    ("threshold", "levels", "expected"),
    [
        (1, [C], [("Error", 1)]),
        (1, [C, C, C], [("Error", 1)]),  # a level fires once per incident
        (2, [C], []),
        (2, [C, C], [("Error", 1)]),
        (2, [C, OK, C], []),  # recovery resets the count
        (2, [C, U, C], [("Error", 1)]),  # unconfirmed neither counts nor resets
        (2, [U, U, U], []),
        (1, [C, OK], [("Error", 1), ("Ok", 1)]),
        (2, [C, OK], []),  # no Ok for a level that never alerted
        (1, [OK, OK], []),
    ],
)
def test_error_count_levels(
    threshold: int, levels: list[ErrorLevel], expected: list[tuple[str, int]]
) -> None:
    checks = [f.check(i + 1, lvl) for i, lvl in enumerate(levels)]
    _, alerts = run(checks, f.config(f.level(1, threshold_error_count=threshold)))
    assert kinds(alerts) == expected


def test_levels_fire_independently_each_once() -> None:
    config = f.config(f.level(1, threshold_error_count=1), f.level(2, threshold_error_count=3))
    _, alerts = run([f.check(i, C) for i in range(1, 5)] + [f.check(5, OK)], config)
    assert kinds(alerts) == [("Error", 1), ("Error", 2), ("Ok", 1), ("Ok", 2)]


def test_duration_level_fires_after_more_than_the_threshold_since_the_first_confirmed_error() -> None:
    config = f.config(f.level(1, escalation_mode=EscalationMode.ALERT_ON_ERROR_DURATION, threshold_minutes=5))
    _, at_five = run([f.check(1, C, minute=0), f.check(2, C, minute=5)], config)
    _, past_five = run([f.check(1, C, minute=0), f.check(2, C, minute=5.5)], config)
    assert at_five == []
    assert kinds(past_five) == [("Error", 1)]


def test_incident_key_is_shared_by_alert_and_ok_and_new_streak_gets_a_new_one() -> None:
    _, alerts = run([f.check(1, C), f.check(2, OK), f.check(3, C), f.check(4, OK)])
    assert [a.alert_type for a in alerts] == [AlertType.ERROR, AlertType.OK, AlertType.ERROR, AlertType.OK]
    assert alerts[0].incident_key == alerts[1].incident_key
    assert alerts[2].incident_key == alerts[3].incident_key
    assert alerts[0].incident_key != alerts[2].incident_key
    assert alerts[0].incident_key == f"{f.DEFINITION_GUID}-1-1"


def test_same_inputs_give_the_same_alert_guid() -> None:
    _, first = run([f.check(1, C)])
    _, again = run([f.check(1, C)])
    assert first[0].alert_guid == again[0].alert_guid


@pytest.mark.parametrize(
    ("later", "verdict"),
    [
        (f.check(3, C), Verdict.DUPLICATE),
        (f.check(2, OK), Verdict.STALE),  # older than what was already taken into account
        (f.check(1, U, minute=2), Verdict.STALE),  # a late Unconfirmed error counts for nothing
    ],
)
def test_duplicates_and_late_checks_change_nothing(later: CheckResult, verdict: Verdict) -> None:
    state, _ = run([f.check(3, C)])
    evaluation = evaluate_check(state, later, f.config())
    assert evaluation.verdict is verdict
    assert evaluation.state == state
    assert evaluation.alerts == ()


def test_ok_alert_carries_first_error_and_recovery_time() -> None:
    _, alerts = run([f.check(1, C), f.check(2, C), f.check(7, OK)])
    ok = alerts[-1]
    assert ok.first_error == f.T0.replace(minute=1)
    assert ok.timestamp == f.T0.replace(minute=7)
    assert ok.first_error_monitor_check_id == 1
    assert ok.monitor_check_id == 7


@pytest.mark.parametrize(
    ("config", "expected_alerts"),
    [
        (f.config(f.level(1, is_active=False)), 0),
        (f.config(definition_active=False), 0),
        (f.config(monitor_overrides={"is_active": False}), 0),
    ],
)
def test_inactive_definition_level_or_monitor_raise_nothing(
    config: f.MonitorConfig, expected_alerts: int
) -> None:
    _, alerts = run([f.check(1, C), f.check(2, C)], config)
    assert len(alerts) == expected_alerts


def test_generate_alert_off_records_the_alert_with_its_reason_and_plans_no_delivery() -> None:
    config = f.config(monitor_overrides={"generate_alert": False})
    _, alerts = run([f.check(1, C)], config)
    assert alerts[0].suppressed_reason == "GenerateAlert is off for this monitor"
    assert plan_deliveries(alerts, config, {f.INTEGRATION_GUID: f.statushub_integration()}) == []


def test_statushub_gets_alert_and_ok_for_linked_services_only() -> None:
    other = f.statushub_attachment(status_hub_service_list=[])
    config = f.config(attachments={1: [f.statushub_attachment()]})
    _, alerts = run([f.check(1, C), f.check(2, OK)], config)
    jobs = plan_deliveries(alerts, config, {f.INTEGRATION_GUID: f.statushub_integration()})
    assert [(j.alert.alert_type, j.target) for j in jobs] == [
        (AlertType.ERROR, str(f.SERVICE_GUID)),
        (AlertType.OK, str(f.SERVICE_GUID)),
    ]
    unlinked = f.config(attachments={1: [other]})
    assert plan_deliveries(alerts, unlinked, {f.INTEGRATION_GUID: f.statushub_integration()}) == []


@pytest.mark.parametrize(
    ("attachment", "integration", "expected_types"),
    [
        (f.statushub_attachment(send_ok_alerts=False), f.statushub_integration(), [AlertType.ERROR]),
        (f.statushub_attachment(is_active=False), f.statushub_integration(), []),
        (f.statushub_attachment(), f.statushub_integration(is_active=False), []),
    ],
)
def test_level_integration_switches(attachment, integration, expected_types) -> None:  # type: ignore[no-untyped-def]
    config = f.config(attachments={1: [attachment]})
    _, alerts = run([f.check(1, C), f.check(2, OK)], config)
    jobs = plan_deliveries(alerts, config, {f.INTEGRATION_GUID: integration})
    assert [j.alert.alert_type for j in jobs] == expected_types


def test_job_identity_keeps_a_target_in_one_ordered_group() -> None:
    config = f.config()
    _, alerts = run([f.check(1, C), f.check(2, OK)], config)
    alert_job, ok_job = plan_deliveries(alerts, config, {f.INTEGRATION_GUID: f.statushub_integration()})
    assert alert_job.message_group_id == ok_job.message_group_id
    assert alert_job.deduplication_id != ok_job.deduplication_id


SSL_EXPIRY = "2027-01-31T23:59:59Z"
DETAILS = {
    "failure_message": "Log in button not found",
    "response_headers": {"Content-Type": "text/html", "Retry-After": "120"},
    "response_body": "<h1>Service Unavailable</h1>",
    "ssl_valid_until": SSL_EXPIRY,
}
LONG_BODY = "é" * RESPONSE_BODY_MAX_BYTES  # two bytes a character: twice the bound
MANY_HEADERS = {f"X-H{i:02d}": "v" * 1000 for i in range(20)}  # 1005 bytes each: 8 fit the bound


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        ({}, ("", {}, "", None)),
        (
            DETAILS,
            (
                "Log in button not found",
                DETAILS["response_headers"],
                "<h1>Service Unavailable</h1>",
                f.T0.replace(year=2027, month=1, day=31, hour=23, minute=59, second=59),
            ),
        ),
        # Cut to the bound on a character boundary: half the two-byte characters fit.
        ({"response_body": LONG_BODY}, ("", {}, "é" * (RESPONSE_BODY_MAX_BYTES // 2), None)),
        (
            {"response_headers": MANY_HEADERS},
            ("", dict(list(MANY_HEADERS.items())[: RESPONSE_HEADERS_MAX_BYTES // 1005]), "", None),
        ),
    ],
)
def test_the_alert_keeps_the_checks_details_within_bounds(
    details: dict[str, object], expected: tuple[object, ...]
) -> None:
    _, (alert,) = run([f.check(1, C, **details)])
    kept = (alert.failure_message, alert.response_headers, alert.response_body, alert.ssl_valid_until)
    assert kept == expected


@pytest.mark.parametrize("name", ["confirmed_error", "unconfirmed_error", "no_error"])
def test_sample_events_parse_with_and_without_the_optional_details(name: str) -> None:
    detail = load_event(f"alert_evaluator/{name}.json")["detail"]
    assert CheckResult.model_validate(detail).failure_message == ""
    extra = {"FailureMessage": "x", "ResponseHeaders": {"Server": "nginx"}, "SslValidUntil": SSL_EXPIRY}
    full = CheckResult.model_validate(detail | extra)
    assert (full.failure_message, full.response_headers) == ("x", {"Server": "nginx"})
    assert full.ssl_valid_until is not None and full.ssl_valid_until.year == 2027
