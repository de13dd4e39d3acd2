"""Microsoft Teams Workflows: POST an Adaptive Card to the workflow's URL (`WorkflowUrl`)."""

from __future__ import annotations

from typing import Any

from alerting.integrations.spec import hook_message_spec
from alerting.integrations.wording import Values, clip, detail, headline, teams_escaped
from alerting.models.alert import Alert, AlertType
from alerting.models.config import IntegrationType


def teams_message(alert: Alert, values: Values) -> dict[str, Any]:
    """Teams Workflows ("post to a channel when a webhook request is received"): one Adaptive Card.

    TextBlocks and facts render markdown: values from the monitor or its checks are escaped, and cut."""
    colour = {AlertType.ERROR: "Attention", AlertType.REMINDER: "Warning", AlertType.OK: "Good"}[
        alert.alert_type
    ]
    facts = [
        {"title": "Alert type", "value": alert.alert_type.template_name},
        {"title": "Monitor", "value": teams_escaped(clip(alert.monitor_name, 500))},
        {"title": "First error (UTC)", "value": values["alert.firstErrorUtc"]},
        {"title": "Checkpoint", "value": teams_escaped(clip(alert.checkpoint_name or "-", 500))},
        {"title": "Incident", "value": alert.incident_key},
    ]
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": teams_escaped(clip(headline(alert), 500)),
            "size": "Large",
            "weight": "Bolder",
            "color": colour,
            "wrap": True,
        },
        {"type": "TextBlock", "text": teams_escaped(clip(detail(alert), 4000)), "wrap": True},
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


SPEC = hook_message_spec(IntegrationType.TEAMS, "Teams", "WorkflowUrl", teams_message)
