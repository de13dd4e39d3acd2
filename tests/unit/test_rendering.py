"""What StatusHub receives for an alert and for its recovery."""

from __future__ import annotations

import re

from alerting.evaluation import evaluate_check
from alerting.integrations.statushub import statushub_payload
from alerting.integrations.wording import downtime
from alerting.models.alert import Alert, MonitorState
from alerting.models.check import ErrorLevel
from tests import factories as f


def alerts_for(*levels: ErrorLevel, message: str = "") -> list[Alert]:
    state, alerts = MonitorState(), []
    config = f.config(f.level(1, message=message))
    for index, level in enumerate(levels, start=1):
        evaluation = evaluate_check(state, f.check(index, level, minute=index * 10), config)
        state = evaluation.state
        alerts += evaluation.alerts
    return alerts


def test_alert_opens_an_investigating_incident_with_the_service_down() -> None:
    (alert,) = alerts_for(ErrorLevel.CONFIRMED)
    body = statushub_payload(alert)
    assert body["type"] == "incident"
    assert body["id"] == alert.incident_key
    assert body["title"] == "Shop checkout is down"
    assert body["state"] == "investigating"
    assert body["service_status"] == "down"
    assert body["description"] == "HTTP 503 Service Unavailable"
    assert re.fullmatch(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["start_time"])
    assert body["alert"]["AlertType"] == "Alert"


def test_level_message_is_the_incident_description() -> None:
    (alert,) = alerts_for(ErrorLevel.CONFIRMED, message="Checkout is failing; we are on it.")
    assert statushub_payload(alert)["description"] == "Checkout is failing; we are on it."


def test_ok_moves_the_same_incident_to_monitoring_with_the_service_up() -> None:
    error, ok = alerts_for(ErrorLevel.CONFIRMED, ErrorLevel.CONFIRMED, ErrorLevel.NO_ERROR)
    body = statushub_payload(ok)
    assert body["id"] == statushub_payload(error)["id"]
    assert body["state"] == "monitoring"
    assert body["service_status"] == "up"
    assert body["start_time"] == statushub_payload(error)["start_time"]
    assert body["alert"]["AlertType"] == "Ok"
    assert "down for 0:20:00" in body["description"]


def test_downtime_counts_hours_past_a_day() -> None:
    (alert,) = alerts_for(ErrorLevel.CONFIRMED)
    long = alert.model_copy(update={"timestamp": alert.first_error.replace(day=alert.first_error.day + 2)})
    assert downtime(long) == "48:00:00"
