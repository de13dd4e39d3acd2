"""The words and times every vendor format shares, so an alert reads the same in each."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from alerting.models.alert import Alert, AlertType

# Template values (`templating.alert_variables` and the integration's own), as renderers receive them.
Values = Mapping[str, str]

# Colour per alert type, shared by Slack's attachment bar and the e-mail header.
COLOURS = {AlertType.ERROR: "#D64545", AlertType.REMINDER: "#D98E04", AlertType.OK: "#2E9E5B"}


def utc_iso(moment: datetime) -> str:
    """UTC ISO 8601 with a Z, as StatusHub's hook expects for start_time."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def downtime(alert: Alert) -> str:
    """First error to this alert as h:mm:ss (hours may exceed 24), like @alert.downtimeDuration."""
    seconds = max(0, int((alert.timestamp - alert.first_error).total_seconds()))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def headline(alert: Alert) -> str:
    """One line that says what happened, the same everywhere."""
    if alert.alert_type is AlertType.OK:
        return f"{alert.monitor_name} is OK again"
    if alert.alert_type is AlertType.REMINDER:
        return f"{alert.monitor_name} is still down"
    return f"{alert.monitor_name} is down"


def detail(alert: Alert) -> str:
    if alert.alert_type is AlertType.OK:
        return f"Recovered after {downtime(alert)}."
    return alert.error_description or "The monitor reports errors."


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Vendor field limits (DESIGN §6): values from monitors and checks are cut to them.
SERVICENOW_DESCRIPTION_LIMIT = 4000

_SLACK_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# An entity cut in half at the end of a clipped text.
_PARTIAL_ENTITY = re.compile(r"&[a-z]*$")
# Teams (Adaptive Card) markdown: emphasis, links, lists, headings and code.
_TEAMS_MARKUP = re.compile(r"([\\`*_~\[\]()#+\-!>|<])")


def slack_escaped(text: str, limit: int) -> str:
    """Text for Slack mrkdwn, within `limit` characters: `& < >` as entities, so a monitor named
    `<!channel>` pings nobody and `<https://evil|click>` shows as typed."""
    escaped = "".join(_SLACK_ENTITIES.get(char, char) for char in text)
    if len(escaped) <= limit:
        return escaped
    return _PARTIAL_ENTITY.sub("", escaped[: limit - 1]) + "…"


def teams_escaped(text: str) -> str:
    """Text for a Teams TextBlock or fact, its markdown characters backslash-escaped."""
    return _TEAMS_MARKUP.sub(r"\\\1", text)


def one_line(text: str) -> str:
    """Text for a header (an e-mail subject): line breaks and other control characters as spaces."""
    return "".join(" " if ord(char) < 32 or ord(char) == 127 else char for char in text)
