"""Pure rendering of alerts into the bodies integrations receive."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from alerting.models.alert import Alert, AlertType
from alerting.templating import SYSTEM_VARIABLES


def utc_iso(moment: datetime) -> str:
    """UTC ISO 8601 with a Z, as StatusHub's hook expects for start_time."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def downtime(alert: Alert) -> str:
    """First error to this alert as h:mm:ss (hours may exceed 24), like @alert.downtimeDuration."""
    seconds = max(0, int((alert.timestamp - alert.first_error).total_seconds()))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def statushub_payload(alert: Alert) -> dict[str, Any]:
    """The StatusHub hook body: an Alert opens the incident (down/investigating), an Ok moves it on
    to monitoring with the service up. We never send `resolved`: a person resolves the incident."""
    recovered = alert.alert_type is AlertType.OK
    if recovered:
        description = f"{alert.monitor_name} is operating normally again (down for {downtime(alert)})."
    else:
        description = (
            alert.escalation_level_message or alert.error_description or "The monitor reports errors."
        )
    return {
        "type": "incident",
        "id": alert.incident_key,
        "title": f"{alert.monitor_name} is down",
        "description": description,
        "start_time": utc_iso(alert.first_error),
        "state": "monitoring" if recovered else "investigating",
        "service_status": "up" if recovered else "down",
        "alert": {
            "AlertGuid": str(alert.alert_guid),
            "AlertType": alert.alert_type.template_name,
            "IncidentKey": alert.incident_key,
            "MonitorGuid": str(alert.monitor_guid),
            "MonitorName": alert.monitor_name,
            "TimestampUtc": utc_iso(alert.timestamp),
            "FirstErrorUtc": utc_iso(alert.first_error),
            "ErrorDescription": alert.error_description,
        },
    }


# The vendor formats. Each takes the alert and its template values (`templating.alert_variables`),
# so links and times read the same in every integration.
Values = Mapping[str, str]

# Colour per alert type, shared by Slack's attachment bar and the e-mail header.
COLOURS = {AlertType.ERROR: "#D64545", AlertType.REMINDER: "#D98E04", AlertType.OK: "#2E9E5B"}


def headline(alert: Alert) -> str:
    """One line that says what happened, the same everywhere."""
    if alert.alert_type is AlertType.OK:
        return f"{alert.monitor_name} is OK again"
    if alert.alert_type is AlertType.REMINDER:
        return f"{alert.monitor_name} is still down"
    return f"{alert.monitor_name} is down"


def _detail(alert: Alert) -> str:
    if alert.alert_type is AlertType.OK:
        return f"Recovered after {downtime(alert)}."
    return alert.error_description or "The monitor reports errors."


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_message(alert: Alert, values: Values) -> dict[str, Any]:
    """Slack incoming webhook: `text` for notifications, blocks for the message, a coloured bar."""
    facts = [
        f"*Monitor*\n<{values['monitor.url'] or values['monitor.dashboardUrl']}|{alert.monitor_name}>",
        f"*Alert type*\n{alert.alert_type.template_name}",
        f"*Since (UTC)*\n{values['alert.firstErrorUtc']}",
        f"*Checkpoint*\n{alert.checkpoint_name or '-'}",
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _clip(headline(alert), 150)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _clip(_detail(alert), 3000)}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": _clip(f, 2000)} for f in facts]},
    ]
    if alert.escalation_level_message:
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": _clip(alert.escalation_level_message, 3000)}],
            }
        )
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Dashboard"},
                    "url": values["monitor.dashboardUrl"],
                },
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Monitor"},
                    "url": values["monitor.editUrl"],
                },
            ],
        }
    )
    return {
        "text": _clip(f"{headline(alert)}: {_detail(alert)}", 3000),
        "blocks": blocks,
        "attachments": [
            {"color": COLOURS[alert.alert_type], "fallback": headline(alert), "text": alert.incident_key}
        ],
    }


def teams_message(alert: Alert, values: Values) -> dict[str, Any]:
    """Teams Workflows ("post to a channel when a webhook request is received"): one Adaptive Card."""
    colour = {AlertType.ERROR: "Attention", AlertType.REMINDER: "Warning", AlertType.OK: "Good"}[
        alert.alert_type
    ]
    facts = [
        {"title": "Alert type", "value": alert.alert_type.template_name},
        {"title": "Monitor", "value": alert.monitor_name},
        {"title": "First error (UTC)", "value": values["alert.firstErrorUtc"]},
        {"title": "Checkpoint", "value": alert.checkpoint_name or "-"},
        {"title": "Incident", "value": alert.incident_key},
    ]
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": headline(alert),
            "size": "Large",
            "weight": "Bolder",
            "color": colour,
            "wrap": True,
        },
        {"type": "TextBlock", "text": _detail(alert), "wrap": True},
        {"type": "FactSet", "facts": facts},
    ]
    if alert.escalation_level_message:
        body.append(
            {"type": "TextBlock", "text": alert.escalation_level_message, "wrap": True, "isSubtle": True}
        )
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [
            {"type": "Action.OpenUrl", "title": "Dashboard", "url": values["monitor.dashboardUrl"]},
            {"type": "Action.OpenUrl", "title": "Monitor", "url": values["monitor.editUrl"]},
        ],
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def pagerduty_event(alert: Alert, values: Values, routing_key: str) -> dict[str, Any]:
    """PagerDuty Events API v2: Alert and Reminder trigger (deduplicated by the incident key), Ok resolves."""
    dedup_key = _clip(alert.incident_key, 255)
    if alert.alert_type is AlertType.OK:
        return {"routing_key": routing_key, "event_action": "resolve", "dedup_key": dedup_key}
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": dedup_key,
        "payload": {
            "summary": _clip(f"{headline(alert)}: {_detail(alert)}", 1024),
            "source": alert.monitor_url or alert.monitor_name,
            "severity": "critical",
            "timestamp": alert.timestamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "component": alert.monitor_name,
            "group": alert.alert_definition_name,
            "class": alert.monitor_type.value,
            "custom_details": {
                "Message": alert.escalation_level_message,
                "Description": alert.error_description,
                "Checkpoint": alert.checkpoint_name,
                "First error (UTC)": values["alert.firstErrorUtc"],
                "Consecutive errors": alert.consecutive_errors,
            },
        },
        "client": "Alerting",
        "client_url": values["monitor.dashboardUrl"],
        "links": [
            {"href": values["monitor.dashboardUrl"], "text": "Dashboard"},
            {"href": values["monitor.editUrl"], "text": "Monitor"},
        ],
    }


def splunk_on_call_alert(alert: Alert, values: Values) -> dict[str, Any]:
    """Splunk On-Call (VictorOps) REST endpoint: CRITICAL opens, RECOVERY with the same entity_id resolves."""
    return {
        "message_type": "RECOVERY" if alert.alert_type is AlertType.OK else "CRITICAL",
        "entity_id": alert.incident_key,
        "entity_display_name": headline(alert),
        "state_message": _detail(alert),
        "state_start_time": int(alert.first_error.timestamp()),
        "timestamp": int(alert.timestamp.timestamp()),
        "monitoring_tool": "Alerting",
        "monitor_name": alert.monitor_name,
        "monitor_url": alert.monitor_url,
        "dashboard_url": values["monitor.dashboardUrl"],
        "escalation_level_message": alert.escalation_level_message,
    }


def servicenow_incident(alert: Alert, values: Values) -> dict[str, Any]:
    """ServiceNow Table API: the incident to create; correlation_id ties it to our incident key."""
    description = "\n".join(
        line
        for line in (
            _detail(alert),
            alert.escalation_level_message,
            f"Monitor: {alert.monitor_name} ({alert.monitor_url})"
            if alert.monitor_url
            else f"Monitor: {alert.monitor_name}",
            f"First error (UTC): {values['alert.firstErrorUtc']}",
            f"Dashboard: {values['monitor.dashboardUrl']}",
        )
        if line
    )
    return {
        "short_description": _clip(headline(alert), 160),
        "description": description,
        "correlation_id": alert.incident_key,
        "correlation_display": "Alerting",
        "urgency": "1",
        "impact": "1",
    }


def servicenow_update(alert: Alert) -> dict[str, Any]:
    """The change to an incident we opened: resolved on Ok (state 6), a work note on a Reminder."""
    if alert.alert_type is AlertType.OK:
        return {
            "state": "6",
            "close_code": "Solved (Permanently)",
            "close_notes": f"{headline(alert)}. {_detail(alert)}",
        }
    return {"work_notes": f"{headline(alert)}: {_detail(alert)}"}


OPSGENIE_URLS = {"US": "https://api.opsgenie.com/v2/alerts", "EU": "https://api.eu.opsgenie.com/v2/alerts"}


def opsgenie_alert(alert: Alert, values: Values) -> dict[str, Any]:
    """Opsgenie Alert API create; a Reminder repeats it (Opsgenie counts duplicates of one alias)."""
    return {
        "message": _clip(headline(alert), 130),
        "alias": _clip(alert.incident_key, 512),
        "description": _clip(
            "\n".join(
                filter(None, (_detail(alert), alert.escalation_level_message, values["monitor.dashboardUrl"]))
            ),
            15000,
        ),
        "source": "Alerting",
        "priority": "P1",
        "entity": _clip(alert.monitor_name, 512),
        "details": {
            "monitorGuid": str(alert.monitor_guid),
            "checkpoint": alert.checkpoint_name,
            "firstErrorUtc": values["alert.firstErrorUtc"],
            "dashboardUrl": values["monitor.dashboardUrl"],
        },
    }


def opsgenie_close(alert: Alert) -> dict[str, Any]:
    return {"source": "Alerting", "note": f"{headline(alert)}. {_detail(alert)}"}


@dataclass(frozen=True)
class EmailMessage:
    subject: str
    text: str
    html: str


def email_message(alert: Alert, values: Values) -> EmailMessage:
    """The alert e-mail: subject per alert type, a plain-text and an HTML body with the same facts."""
    prefix = {AlertType.ERROR: "[Alert]", AlertType.REMINDER: "[Reminder]", AlertType.OK: "[OK]"}[
        alert.alert_type
    ]
    facts = [
        ("Monitor", alert.monitor_name),
        ("URL", alert.monitor_url),
        ("Alert type", alert.alert_type.template_name),
        ("Description", _detail(alert)),
        ("Message", alert.escalation_level_message),
        ("First error", f"{values['alert.firstErrorFormatted']} ({values['alert.firstErrorUtc']} UTC)"),
        ("This alert", f"{values['alert.timestampFormatted']} ({values['alert.timestampUtc']} UTC)"),
        ("Checkpoint", alert.checkpoint_name),
        ("Alert definition", f"{alert.alert_definition_name}, escalation level {alert.escalation_level_id}"),
        ("Incident", alert.incident_key),
    ]
    shown = [(label, value) for label, value in facts if value]
    text = "\n".join(
        [
            headline(alert),
            "",
            *(f"{label}: {value}" for label, value in shown),
            "",
            f"Dashboard: {values['monitor.dashboardUrl']}",
        ]
    )
    rows = "".join(
        f'<tr><th align="left">{escape(label)}</th><td>{escape(value)}</td></tr>' for label, value in shown
    )
    html = (
        '<!doctype html><html><body style="font-family:sans-serif">'
        f'<h2 style="color:{COLOURS[alert.alert_type]}">{escape(headline(alert))}</h2>'
        f"<table>{rows}</table>"
        f'<p><a href="{escape(values["monitor.dashboardUrl"])}">Dashboard</a> · '
        f'<a href="{escape(values["monitor.editUrl"])}">Monitor</a></p></body></html>'
    )
    return EmailMessage(subject=_clip(f"{prefix} {headline(alert)}", 200), text=text, html=html)


SMS_CHARS = 160


def sms_text(alert: Alert, values: Values) -> str:
    """One SMS segment: type, monitor, what, when (UTC)."""
    kind = {AlertType.ERROR: "ALERT", AlertType.REMINDER: "REMINDER", AlertType.OK: "OK"}[alert.alert_type]
    at = values["alert.timestampUtc"][11:16]
    return _clip(f"{kind} {alert.monitor_name}: {_detail(alert)} ({at} UTC)", SMS_CHARS)


def uptrends_integration_body() -> str:
    """The Uptrends integration's JSON body template: every alerting variable, nested by prefix."""
    sections: dict[str, list[str]] = {}
    for name in SYSTEM_VARIABLES:
        prefix, field = name.split(".", 1)
        sections.setdefault(prefix, []).append(f'    "{field}": "{{{{@{name}}}}}"')
    parts = [f'  "{prefix}": {{\n' + ",\n".join(fields) + "\n  }" for prefix, fields in sections.items()]
    return "{\n" + ",\n".join(parts) + "\n}"
