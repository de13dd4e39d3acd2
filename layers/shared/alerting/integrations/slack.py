"""Slack incoming webhook: POST text, blocks and a coloured attachment to the webhook URL (`Url`)."""

from __future__ import annotations

from typing import Any

from alerting.integrations.spec import hook_message_spec
from alerting.integrations.wording import COLOURS, Values, clip, detail, headline, slack_escaped
from alerting.models.alert import Alert
from alerting.models.config import IntegrationType


def slack_message(alert: Alert, values: Values) -> dict[str, Any]:
    """Slack incoming webhook: `text` for notifications, blocks for the message, a coloured bar.

    Every value from the monitor or its checks is escaped for mrkdwn and cut to Slack's limits
    (section text 3,000, a field 2,000, a header 150 characters)."""
    link = slack_escaped(values["monitor.url"] or values["monitor.dashboardUrl"], 900)
    facts = [
        f"*Monitor*\n<{link}|{slack_escaped(alert.monitor_name, 900)}>",
        f"*Alert type*\n{alert.alert_type.template_name}",
        f"*Since (UTC)*\n{values['alert.firstErrorUtc']}",
        f"*Checkpoint*\n{slack_escaped(alert.checkpoint_name or '-', 1900)}",
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(headline(alert), 150)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": slack_escaped(detail(alert), 3000)}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in facts]},
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
        "text": slack_escaped(f"{headline(alert)}: {detail(alert)}", 3000),
        "blocks": blocks,
        "attachments": [
            {
                "color": COLOURS[alert.alert_type],
                "fallback": clip(headline(alert), 3000),
                "text": slack_escaped(alert.incident_key, 3000),
            }
        ],
    }


SPEC = hook_message_spec(IntegrationType.SLACK, "Slack", "Url", slack_message)
