"""Vendor renderers as tables: every alert type renders to what the vendor's API accepts."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from alerting.delivery.senders import SENDERS
from alerting.integrations import (
    email,
    opsgenie,
    pagerduty,
    public_type,
    servicenow,
    slack,
    sms,
    spec_for,
    splunk_on_call,
    stored_type,
    teams,
)
from alerting.integrations.uptrends_integration import uptrends_integration_body
from alerting.models.alert import Alert, AlertType
from alerting.models.config import IntegrationType
from alerting.templating import Account, alert_variables, parse, render, sample_alert
from tests import vendor_schemas as schemas

NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
KEY = "R0UT1NGKEY0123456789abcdef012345"

RENDERERS: list[tuple[str, Callable[[Alert, dict[str, str]], Any], Callable[[Any], list[str]]]] = [
    ("slack", slack.slack_message, schemas.slack_problems),
    ("teams", teams.teams_message, schemas.teams_problems),
    ("pagerduty", lambda a, v: pagerduty.pagerduty_event(a, v, KEY), schemas.pagerduty_problems),
    ("splunk", splunk_on_call.splunk_on_call_alert, schemas.splunk_on_call_problems),
    ("servicenow", servicenow.servicenow_incident, schemas.servicenow_incident_problems),
    ("opsgenie", opsgenie.opsgenie_alert, schemas.opsgenie_create_problems),
]


@pytest.mark.parametrize("alert_type", list(AlertType))
@pytest.mark.parametrize(("name", "renderer", "schema"), RENDERERS)
def test_each_vendor_format_matches_its_schema(
    name: str, renderer: Callable[..., Any], schema: Callable[[Any], list[str]], alert_type: AlertType
) -> None:
    alert = sample_alert(alert_type, NOW)
    assert schema(renderer(alert, alert_variables(alert, Account()))) == []


@pytest.mark.parametrize(
    ("alert_type", "action", "slack_colour", "splunk"),
    [
        (AlertType.ERROR, "trigger", "#D64545", "CRITICAL"),
        (AlertType.REMINDER, "trigger", "#D98E04", "CRITICAL"),
        (AlertType.OK, "resolve", "#2E9E5B", "RECOVERY"),
    ],
)
def test_alert_types_map_to_vendor_actions(
    alert_type: AlertType, action: str, slack_colour: str, splunk: str
) -> None:
    alert = sample_alert(alert_type, NOW)
    values = alert_variables(alert, Account())
    event = pagerduty.pagerduty_event(alert, values, KEY)
    assert (event["event_action"], event["dedup_key"]) == (action, alert.incident_key)
    assert slack.slack_message(alert, values)["attachments"][0]["color"] == slack_colour
    assert splunk_on_call.splunk_on_call_alert(alert, values)["message_type"] == splunk
    assert splunk_on_call.splunk_on_call_alert(alert, values)["entity_id"] == alert.incident_key


def test_teams_card_links_the_dashboard_and_the_monitor() -> None:
    alert = sample_alert(AlertType.ERROR, NOW)
    values = alert_variables(alert, Account())
    card = teams.teams_message(alert, values)["attachments"][0]["content"]
    assert [(a["title"], a["url"]) for a in card["actions"]] == [
        ("Dashboard", values["monitor.dashboardUrl"]),
        ("Monitor", values["monitor.editUrl"]),
    ]


def test_servicenow_resolves_on_ok_and_notes_a_reminder() -> None:
    assert servicenow.servicenow_update(sample_alert(AlertType.OK, NOW))["state"] == "6"
    assert "work_notes" in servicenow.servicenow_update(sample_alert(AlertType.REMINDER, NOW))


@pytest.mark.parametrize(
    ("alert_type", "subject"),
    [
        (AlertType.ERROR, "[Alert] Sample monitor is down"),
        (AlertType.REMINDER, "[Reminder] Sample monitor is still down"),
        (AlertType.OK, "[OK] Sample monitor is OK again"),
    ],
)
def test_email_subject_per_type_and_escaped_html(alert_type: AlertType, subject: str) -> None:
    alert = sample_alert(alert_type, NOW)
    message = email.email_message(alert, alert_variables(alert, Account()))
    assert message.subject == subject
    assert ("<tags>" not in message.html and "&lt;sample&gt;" in message.html) or alert_type is AlertType.OK
    assert "This is a test message." in message.text


def test_sms_fits_one_segment() -> None:
    alert = sample_alert(AlertType.ERROR, NOW).model_copy(update={"error_description": "x" * 500})
    text = sms.sms_text(alert, alert_variables(alert, Account()))
    assert len(text) == 160 and text.startswith("ALERT Sample monitor: ")


def test_uptrends_body_holds_every_variable_nested_by_prefix() -> None:
    alert = sample_alert(AlertType.ERROR, NOW)
    values = alert_variables(alert, Account())
    body = json.loads(render(parse(uptrends_integration_body()), values, json_body=True))
    flattened = {
        f"{prefix}.{name}": value for prefix, fields in body.items() for name, value in fields.items()
    }
    assert flattened == values


@pytest.mark.parametrize("kind", list(IntegrationType))
def test_every_type_has_a_spec_and_one_way_to_send(kind: IntegrationType) -> None:
    spec = spec_for(kind)
    assert spec.type is kind
    assert (spec.render is not None) != (kind in SENDERS)


@pytest.mark.parametrize("kind", list(IntegrationType))
def test_every_type_has_an_api_type_that_reads_back_as_itself(kind: IntegrationType) -> None:
    """The API shows each type as Uptrends' `Type` (with our `Template` for a ready-made GenericWebhook)
    and a client sending that pair back gets the same type."""
    shown, template = public_type(kind)
    assert stored_type(shown.value, template) is kind
