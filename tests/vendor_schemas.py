"""What each vendor's API documents about the requests it accepts, as small validators (domain.md §5).

Each `*_problems(request)` returns what the receiving API would reject; an empty list means accepted.
The integration tests' MockTransport receivers and the end-to-end tests both use them.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

Problems = list[str]
HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
PD_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d{4}|Z)")


def _check(problems: Problems, ok: bool, message: str) -> None:
    if not ok:
        problems.append(message)


def _string(value: Any, max_length: int | None = None, required: bool = True) -> bool:
    if not isinstance(value, str) or (required and not value):
        return False
    return max_length is None or len(value) <= max_length


def slack_problems(body: Any) -> Problems:
    """Slack incoming webhook: text and/or blocks (≤ 50, known types), attachments with a hex colour."""
    problems: Problems = []
    if not isinstance(body, dict):
        return ["body: must be a JSON object"]
    _check(problems, _string(body.get("text"), 40000), "text: required string ≤ 40000")
    blocks = body.get("blocks", [])
    _check(problems, isinstance(blocks, list) and len(blocks) <= 50, "blocks: list of ≤ 50")
    for index, block in enumerate(blocks if isinstance(blocks, list) else []):
        kind = block.get("type")
        _check(
            problems, kind in {"header", "section", "context", "actions", "divider"}, f"blocks[{index}].type"
        )
        if kind == "header":
            text = block.get("text", {})
            _check(
                problems, text.get("type") == "plain_text" and _string(text.get("text"), 150), "header text"
            )
        if kind == "section":
            has_text = "text" in block and _string(block["text"].get("text"), 3000)
            fields = block.get("fields", [])
            _check(
                problems,
                has_text or (0 < len(fields) <= 10),
                f"blocks[{index}]: section needs text or fields",
            )
        if kind == "actions":
            for element in block.get("elements", []):
                _check(
                    problems, element.get("type") == "button" and _string(element.get("url"), 3000), "button"
                )
    for attachment in body.get("attachments", []):
        _check(problems, HEX_COLOUR.fullmatch(attachment.get("color", "")) is not None, "attachments[].color")
    return problems


def teams_problems(body: Any) -> Problems:
    """Teams Workflows: a message holding exactly one Adaptive Card (MessageCard is not accepted)."""
    problems: Problems = []
    if not isinstance(body, dict) or body.get("type") != "message":
        return ['type: must be "message"']
    attachments = body.get("attachments")
    if not isinstance(attachments, list) or len(attachments) != 1:
        return ["attachments: exactly one"]
    attachment = attachments[0]
    _check(
        problems,
        attachment.get("contentType") == "application/vnd.microsoft.card.adaptive",
        "contentType: must be application/vnd.microsoft.card.adaptive",
    )
    card = attachment.get("content", {})
    _check(problems, card.get("type") == "AdaptiveCard", "content.type: AdaptiveCard")
    _check(problems, card.get("version") in {"1.0", "1.2", "1.3", "1.4", "1.5"}, "content.version")
    _check(problems, isinstance(card.get("body"), list) and card["body"], "content.body: non-empty list")
    for item in card.get("body", []):
        _check(
            problems, item.get("type") in {"TextBlock", "FactSet", "ColumnSet", "Container"}, "body[].type"
        )
    for action in card.get("actions", []):
        _check(problems, action.get("type") == "Action.OpenUrl" and _string(action.get("url")), "actions[]")
    return problems


def pagerduty_problems(body: Any) -> Problems:
    """PagerDuty Events API v2 (POST /v2/enqueue)."""
    problems: Problems = []
    if not isinstance(body, dict):
        return ["body: must be a JSON object"]
    _check(problems, _string(body.get("routing_key"), 32), "routing_key: required, 32 chars")
    action = body.get("event_action")
    _check(problems, action in {"trigger", "acknowledge", "resolve"}, "event_action")
    _check(problems, _string(body.get("dedup_key"), 255, required=action != "trigger"), "dedup_key ≤ 255")
    if action == "trigger":
        payload = body.get("payload", {})
        _check(problems, _string(payload.get("summary"), 1024), "payload.summary: required ≤ 1024")
        _check(problems, _string(payload.get("source"), 255), "payload.source: required")
        _check(
            problems, payload.get("severity") in {"critical", "error", "warning", "info"}, "payload.severity"
        )
        stamp = payload.get("timestamp")
        _check(problems, stamp is None or PD_TIMESTAMP.fullmatch(stamp) is not None, "payload.timestamp")
        for link in body.get("links", []):
            _check(problems, _string(link.get("href")), "links[].href")
    return problems


def splunk_on_call_problems(body: Any) -> Problems:
    """Splunk On-Call REST endpoint."""
    problems: Problems = []
    if not isinstance(body, dict):
        return ["body: must be a JSON object"]
    message_types = {"CRITICAL", "WARNING", "INFO", "ACKNOWLEDGEMENT", "RECOVERY"}
    _check(problems, body.get("message_type") in message_types, "message_type")
    _check(problems, _string(body.get("entity_id")), "entity_id: required")
    start = body.get("state_start_time")
    _check(problems, start is None or isinstance(start, int), "state_start_time: epoch seconds")
    return problems


def servicenow_incident_problems(body: Any) -> Problems:
    """ServiceNow Table API, incident create."""
    problems: Problems = []
    if not isinstance(body, dict):
        return ["body: must be a JSON object"]
    _check(problems, _string(body.get("short_description"), 160), "short_description ≤ 160")
    _check(problems, _string(body.get("correlation_id"), 100), "correlation_id ≤ 100")
    for field in ("urgency", "impact"):
        _check(problems, body.get(field) in {"1", "2", "3"}, f"{field}: 1, 2 or 3")
    return problems


def servicenow_update_problems(body: Any) -> Problems:
    problems: Problems = []
    if not isinstance(body, dict) or not body:
        return ["body: must be a non-empty JSON object"]
    if body.get("state") == "6":
        _check(problems, _string(body.get("close_code")), "close_code: required to resolve")
        _check(problems, _string(body.get("close_notes")), "close_notes: required to resolve")
    else:
        _check(problems, _string(body.get("work_notes")), "work_notes")
    return problems


def opsgenie_create_problems(body: Any) -> Problems:
    problems: Problems = []
    if not isinstance(body, dict):
        return ["body: must be a JSON object"]
    _check(problems, _string(body.get("message"), 130), "message: required ≤ 130")
    _check(problems, _string(body.get("alias"), 512), "alias ≤ 512")
    _check(problems, _string(body.get("description", "x"), 15000), "description ≤ 15000")
    _check(problems, body.get("priority") in {"P1", "P2", "P3", "P4", "P5"}, "priority")
    return problems


def basic_auth(header: str | None) -> tuple[str, str] | None:
    if not header or not header.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return user, password


SCHEMAS: dict[str, Callable[[Any], Problems]] = {
    "slack": slack_problems,
    "teams": teams_problems,
    "pagerduty": pagerduty_problems,
    "splunk": splunk_on_call_problems,
}
