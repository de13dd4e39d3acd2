"""Jinja2 for the console: one environment, built on first use, and the filters pages share."""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

_HERE = Path(__file__).resolve().parent
STYLESHEET = _HERE / "static" / "console.css"

# Outcome and state words to the badge colour a reader expects (green good, amber waiting, red bad).
_BADGES = {
    "delivered": "good",
    "ok": "good",
    "up": "good",
    "active": "good",
    "sent": "good",
    "alerted": "bad",
    "fired": "bad",
    "reminded": "wait",
    "error": "bad",
    "alert": "bad",
    "failed": "bad",
    "down": "bad",
    "retrying": "wait",
    "superseded": "muted",
    "inactive": "muted",
    "suppressed": "wait",
    "reminder": "wait",
}


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["badge"] = badge_class
    return env


def badge_class(word: object) -> str:
    return "badge " + _BADGES.get(str(word).lower(), "muted")


def readable_time(zone: ZoneInfo, moment: datetime | None) -> str:
    """A time as people read it, in the account's time zone: 30 Nov 2026, 21:39:48 CET."""
    if moment is None:
        return ""
    return moment.astimezone(zone).strftime("%d %b %Y, %H:%M:%S %Z")


def render(template: str, zone: ZoneInfo, **context: Any) -> str:
    return (
        environment()
        .get_template(template)
        .render(when=functools.partial(readable_time, zone), timezone=zone.key, **context)
    )
