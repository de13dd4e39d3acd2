"""Slack incoming webhook: POST text, blocks and a coloured attachment to the webhook URL (`Url`)."""

from __future__ import annotations

from typing import Any

from alerting.integrations.spec import IntegrationSpec, OutgoingRequest, Rendering
from alerting.integrations.wording import COLOURS, Values, clip, detail, headline
from alerting.models.alert import Alert
from alerting.models.config import IntegrationType


def slack_message(alert: Alert, values: Values) -> dict[str, Any]:
    """Slack incoming webhook: `text` for notifications, blocks for the message, a coloured bar."""
    facts = [
        f"*Monitor*\n<{values['monitor.url'] or values['monitor.dashboardUrl']}|{alert.monitor_name}>",
        f"*Alert type*\n{alert.alert_type.template_name}",
        f"*Since (UTC)*\n{values['alert.firstErrorUtc']}",
        f"*Checkpoint*\n{alert.checkpoint_name or '-'}",
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(headline(alert), 150)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(detail(alert), 3000)}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": clip(f, 2000)} for f in facts]},
    ]
    if alert.escalation_level_message:
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": clip(alert.escalation_level_message, 3000)}],
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
        "text": clip(f"{headline(alert)}: {detail(alert)}", 3000),
        "blocks": blocks,
        "attachments": [
            {"color": COLOURS[alert.alert_type], "fallback": headline(alert), "text": alert.incident_key}
        ],
    }


def render(given: Rendering) -> OutgoingRequest:
    body = slack_message(given.alert, given.values)
    return OutgoingRequest("POST", given.variable("Url"), json_body=body)


SPEC = IntegrationSpec(
    type=IntegrationType.SLACK,
    name="Slack",
    render=render,
    required_variables=("Url",),
    secret_url_variables=("Url",),
)
