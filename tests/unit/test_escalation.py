"""Escalation over time as tables: duration thresholds and reminders (by check or by sweep tick),
suppression reasons, Ok per fired level, and the decision each evaluation records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from alerting.evaluation import (
    DefinitionConfig,
    MonitorConfig,
    Verdict,
    evaluate_check,
    evaluate_tick,
    next_due,
)
from alerting.models.alert import Alert, DecisionOutcome, MonitorState
from alerting.models.check import ErrorLevel
from alerting.models.config import AlertDefinition, EscalationMode, IntegrationType, MaintenancePeriod
from alerting.routing import delivery_plan, explained
from tests import factories as f

C, U, OK = ErrorLevel.CONFIRMED, ErrorLevel.UNCONFIRMED, ErrorLevel.NO_ERROR
DURATION = EscalationMode.ALERT_ON_ERROR_DURATION


def at(minute: float) -> datetime:
    return f.T0 + timedelta(minutes=minute)


def play(steps: Sequence[tuple[str, float]], config: MonitorConfig) -> tuple[MonitorState, list[Alert]]:
    """Steps: ("C"|"U"|"OK", minute) is a check at that minute; ("tick", minute) is a sweep tick."""
    state = MonitorState()
    alerts: list[Alert] = []
    for check_id, (kind, minute) in enumerate(steps, start=1):
        if kind == "tick":
            evaluation = evaluate_tick(state, at(minute), config)
        else:
            level = {"C": C, "U": U, "OK": OK}[kind]
            evaluation = evaluate_check(state, f.check(check_id, level, minute=minute), config)
        state = evaluation.state
        alerts.extend(evaluation.alerts)
    return state, alerts


def kinds(alerts: Sequence[Alert]) -> list[tuple[str, int, float]]:
    return [
        (a.alert_type.value, a.escalation_level_id, (a.timestamp - f.T0).total_seconds() / 60) for a in alerts
    ]


REMIND_TWICE = f.level(1, number_of_reminders=2, reminder_delay=10)
DURATION_5 = f.level(2, escalation_mode=DURATION, threshold_minutes=5, message="Call the on-call engineer")


@pytest.mark.parametrize(
    ("levels", "steps", "expected"),
    [
        # Reminders every ReminderDelay while the error lasts, up to NumberOfReminders, by sweep ticks.
        (
            [REMIND_TWICE],
            [("C", 0), ("tick", 9), ("tick", 10), ("tick", 15), ("tick", 20), ("tick", 30), ("tick", 45)],
            [("Error", 1, 0), ("Reminder", 1, 10), ("Reminder", 1, 20)],
        ),
        # ... or by checks that happen to arrive when one is due.
        (
            [REMIND_TWICE],
            [("C", 0), ("C", 5), ("C", 10), ("C", 11), ("C", 21)],
            [("Error", 1, 0), ("Reminder", 1, 10), ("Reminder", 1, 21)],
        ),
        # Reminders stop at the Ok.
        (
            [REMIND_TWICE],
            [("C", 0), ("tick", 10), ("OK", 12), ("tick", 20)],
            [("Error", 1, 0), ("Reminder", 1, 10), ("Ok", 1, 12)],
        ),
        # No reminders configured: nothing after the Error.
        ([f.level(1)], [("C", 0), ("tick", 10), ("tick", 60)], [("Error", 1, 0)]),
        # Duration: "more than 5 minutes" since the first confirmed error, fired by the sweep with no check.
        ([DURATION_5], [("C", 0), ("tick", 5), ("tick", 5.1)], [("Error", 2, 5.1)]),
        ([DURATION_5], [("C", 0), ("OK", 4), ("tick", 6)], []),
        # Unconfirmed neither resets the duration nor counts.
        ([DURATION_5], [("C", 0), ("U", 3), ("tick", 6)], [("Error", 2, 6)]),
        ([DURATION_5], [("U", 0), ("tick", 6)], []),
        # Level 1 on the first error, level 2 after 5 minutes, an Ok for each.
        (
            [f.level(1), DURATION_5],
            [("C", 0), ("tick", 6), ("C", 7), ("OK", 8)],
            [("Error", 1, 0), ("Error", 2, 6), ("Ok", 1, 8), ("Ok", 2, 8)],
        ),
        # Level 2 with reminders: they count from when its threshold was crossed.
        (
            [
                f.level(
                    2, escalation_mode=DURATION, threshold_minutes=5, number_of_reminders=2, reminder_delay=3
                )
            ],
            [("C", 0), ("tick", 6), ("tick", 8), ("tick", 9), ("tick", 12), ("tick", 15), ("OK", 16)],
            # opened when the threshold was crossed (minute 5): reminders are due at 8 and 11
            [("Error", 2, 6), ("Reminder", 2, 8), ("Reminder", 2, 12), ("Ok", 2, 16)],
        ),
        # An inactive level never fires.
        ([f.level(1, is_active=False)], [("C", 0), ("C", 1)], []),
    ],
)
def test_escalation_over_time(levels: list[Any], steps: list[tuple[str, float]], expected: list[Any]) -> None:
    _, alerts = play(steps, f.config(*levels))
    assert kinds(alerts) == expected


def test_reminders_share_the_incident_key_and_have_their_own_guids() -> None:
    _, alerts = play([("C", 0), ("tick", 10), ("tick", 20), ("OK", 21)], f.config(REMIND_TWICE))
    assert len({a.incident_key for a in alerts}) == 1
    assert len({a.alert_guid for a in alerts}) == 4
    assert [a.reminder_number for a in alerts] == [0, 1, 2, 0]


def test_the_level_message_is_carried_into_every_alert_of_the_level() -> None:
    level = DURATION_5.model_copy(update={"number_of_reminders": 1, "reminder_delay": 1})
    _, alerts = play([("C", 0), ("tick", 6), ("tick", 7), ("OK", 8)], f.config(level))
    assert [a.escalation_level_message for a in alerts] == ["Call the on-call engineer"] * 3


def test_an_inactive_definition_never_fires() -> None:
    _, alerts = play([("C", 0), ("tick", 10)], f.config(definition_active=False))
    assert alerts == []


def test_a_monitor_in_two_definitions_is_evaluated_in_each() -> None:
    second = DefinitionConfig(
        AlertDefinition(alert_definition_guid=UUID(int=7), alert_name="Night shift"), [f.level(1)], {}
    )
    base = f.config()
    config = MonitorConfig(base.monitor, [*base.definitions, second])
    _, alerts = play([("C", 0), ("OK", 1)], config)
    assert sorted((a.alert_definition_name, a.alert_type.value) for a in alerts) == [
        ("Night shift", "Error"),
        ("Night shift", "Ok"),
        ("Production", "Error"),
        ("Production", "Ok"),
    ]


@pytest.mark.parametrize(
    ("levels", "steps", "due_minute"),
    [
        ([f.level(1)], [("C", 0)], None),  # fired, no reminders: nothing left to do
        ([REMIND_TWICE], [("C", 0)], 10),
        ([REMIND_TWICE], [("C", 0), ("tick", 10)], 20),
        ([REMIND_TWICE], [("C", 0), ("tick", 10), ("tick", 20)], None),
        ([DURATION_5], [("C", 0)], 5 + 1 / 60),
        ([DURATION_5], [("C", 0), ("OK", 1)], None),
        ([f.level(1), DURATION_5], [("C", 0)], 5 + 1 / 60),
        ([], [("OK", 0)], None),
    ],
)
def test_next_due(levels: list[Any], steps: list[tuple[str, float]], due_minute: float | None) -> None:
    config = f.config(*levels) if levels else f.config()
    state, _ = play(steps, config)
    due = next_due(state, config)
    assert (None if due is None else round((due - f.T0).total_seconds() / 60, 4)) == (
        None if due_minute is None else round(due_minute, 4)
    )


def test_an_inactive_monitor_is_never_due() -> None:
    state, _ = play([("C", 0)], f.config(REMIND_TWICE))
    assert next_due(state, f.config(REMIND_TWICE, monitor_overrides={"is_active": False})) is None


def test_a_tick_with_nothing_due_is_idle_and_changes_nothing() -> None:
    state, _ = play([("C", 0)], f.config(REMIND_TWICE))
    tick = evaluate_tick(state, at(5), f.config(REMIND_TWICE))
    assert tick.verdict is Verdict.IDLE
    assert tick.state == state


ALWAYS_NOTIFY_OFF = {"ScheduleMode": "Daily", "StartTime": "00:00", "EndTime": "23:59", "Id": 3}


def with_maintenance(
    config: MonitorConfig, kind: str, window: tuple[str, str] = ("00:00", "23:59")
) -> MonitorConfig:
    period = MaintenancePeriod.model_validate(
        {**ALWAYS_NOTIFY_OFF, "StartTime": window[0], "EndTime": window[1], "MaintenanceType": kind}
    )
    return MonitorConfig(config.monitor, config.definitions, [period], config.stopped_groups, config.timezone)


def stopped(config: MonitorConfig) -> MonitorConfig:
    return MonitorConfig(config.monitor, config.definitions, config.maintenance, ["Web shop"])


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        (f.config(), None),
        (f.config(monitor_overrides={"generate_alert": False}), "GenerateAlert is off for this monitor"),
        (
            with_maintenance(f.config(), "DisableNotifications"),
            "maintenance period 3 (Daily, DisableNotifications) is active",
        ),
        (stopped(f.config()), "alerts are stopped on monitor group Web shop"),
    ],
)
def test_suppressed_alerts_are_recorded_with_their_reason(config: MonitorConfig, reason: str | None) -> None:
    evaluation = evaluate_check(MonitorState(), f.check(1, C), config)
    (alert,) = evaluation.alerts
    assert alert.suppressed_reason == reason
    assert evaluation.decision is not None
    (level,) = evaluation.decision.levels
    assert level.outcome is (DecisionOutcome.SUPPRESSED if reason else DecisionOutcome.FIRED)
    assert level.reason == (reason or "")


def test_disable_monitoring_ignores_errors_but_an_ok_still_closes_the_incident() -> None:
    plain = f.config()
    # 10:00-10:30 UTC is maintenance; the error at 09:59 opened the incident before it began.
    paused = with_maintenance(plain, "DisableMonitoring", ("10:00", "10:30"))
    opened = evaluate_check(MonitorState(), f.check(1, C, minute=-1), paused)
    ignored = evaluate_check(opened.state, f.check(2, C, minute=5), paused)
    assert ignored.verdict is Verdict.IGNORED
    assert ignored.state.consecutive_errors == 1
    assert ignored.decision is not None and "DisableMonitoring" in ignored.decision.reason
    closed = evaluate_check(ignored.state, f.check(3, OK, minute=10), paused)
    (ok,) = closed.alerts
    assert ok.alert_type.value == "Ok" and ok.suppressed_reason is None
    assert closed.state.is_clean


def test_an_ok_follows_its_error_through_a_maintenance_period() -> None:
    notify_off = with_maintenance(f.config(), "DisableNotifications", ("10:00", "10:30"))
    sent = evaluate_check(MonitorState(), f.check(1, C, minute=-1), notify_off)
    ok_in_maintenance = evaluate_check(sent.state, f.check(2, OK, minute=5), notify_off)
    assert ok_in_maintenance.alerts[0].suppressed_reason is None  # the Error went out, so does the Ok
    held = evaluate_check(MonitorState(), f.check(1, C, minute=5), notify_off)
    ok_after = evaluate_check(held.state, f.check(2, OK, minute=40), notify_off)
    assert ok_after.alerts[0].suppressed_reason == (
        "the Error alert of this incident was not sent "
        "(maintenance period 3 (Daily, DisableNotifications) is active)"
    )


def test_unconfirmed_is_recorded_with_why_it_does_not_count() -> None:
    evaluation = evaluate_check(MonitorState(), f.check(1, U), f.config())
    assert evaluation.verdict is Verdict.RECORDED and evaluation.alerts == ()
    assert evaluation.decision is not None and "Unconfirmed" in evaluation.decision.reason


def test_decisions_say_why_each_level_did_not_fire() -> None:
    config = f.config(f.level(1, threshold_error_count=3), DURATION_5, f.level(3, is_active=False))
    evaluation = evaluate_check(MonitorState(), f.check(1, C), config)
    assert evaluation.decision is not None
    table = [(d.escalation_level_id, d.outcome, d.threshold, d.counted) for d in evaluation.decision.levels]
    assert table == [
        (1, DecisionOutcome.BELOW_THRESHOLD, 3, 1.0),
        (2, DecisionOutcome.BELOW_THRESHOLD, 5, 0.0),
        (3, DecisionOutcome.INACTIVE, 1, 1.0),
    ]
    again = evaluate_check(evaluation.state, f.check(2, C), f.config(REMIND_TWICE))
    assert again.decision is not None
    (level,) = again.decision.levels
    assert level.outcome is DecisionOutcome.FIRED
    third = evaluate_check(again.state, f.check(3, C), f.config(REMIND_TWICE))
    assert third.decision is not None
    assert third.decision.levels[0].outcome is DecisionOutcome.ALREADY_FIRED
    assert "reminder 1 of 2 is due at 2026-11-22T10:12:00Z" in third.decision.levels[0].reason


@pytest.mark.parametrize(
    ("attachment", "integration", "alert_steps", "delivered", "why_not"),
    [
        ({}, {}, [("C", 0)], 1, []),
        ({"is_active": False}, {}, [("C", 0)], 0, ["Status page: the integration is inactive on this level"]),
        ({}, {"is_active": False}, [("C", 0)], 0, ["Status page: the integration is inactive"]),
        (
            {"send_ok_alerts": False},
            {},
            [("C", 0), ("OK", 1)],
            1,
            ["Status page: SendOkAlerts is off on this level"],
        ),
        (
            {"status_hub_service_list": []},
            {},
            [("C", 0)],
            0,
            ["Status page: no StatusHub service of this level is linked to the monitor"],
        ),
        (
            {"send_reminder_alerts": True},
            {},
            [("C", 0), ("tick", 10)],
            1,
            ["Status page: StatusHub never receives reminders"],
        ),
        (
            {"send_reminder_alerts": False},
            {"type": IntegrationType.WEBHOOK},
            [("C", 0), ("tick", 10)],
            1,
            ["Status page: SendReminderAlerts is off on this level"],
        ),
        ({"send_reminder_alerts": True}, {"type": IntegrationType.WEBHOOK}, [("C", 0), ("tick", 10)], 2, []),
    ],
)
def test_delivery_plan_says_who_gets_each_alert_and_why_not(
    attachment: dict[str, Any],
    integration: dict[str, Any],
    alert_steps: list[tuple[str, float]],
    delivered: int,
    why_not: list[str],
) -> None:
    config = f.config(REMIND_TWICE, attachments={1: [f.statushub_attachment(**attachment)]})
    _, alerts = play(alert_steps, config)
    chosen = f.statushub_integration(**integration)
    plan = delivery_plan(alerts, config, {chosen.integration_guid: chosen})
    assert len(plan.jobs) == delivered
    assert [reason for reasons in plan.not_delivered.values() for reason in reasons] == why_not


def test_the_decision_counts_deliveries_per_alert() -> None:
    config = f.config()
    evaluation = evaluate_check(MonitorState(), f.check(1, C), config)
    integration = f.statushub_integration()
    plan = delivery_plan(evaluation.alerts, config, {integration.integration_guid: integration})
    assert evaluation.decision is not None
    (level,) = explained(evaluation.decision, plan).levels
    assert (level.deliveries, level.not_delivered_to) == (1, [])
