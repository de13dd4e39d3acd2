"""Reasons an alert is recorded but not sent, each a small predicate with the same shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from alerting.models.config import Monitor


@dataclass(frozen=True)
class SuppressionContext:
    monitor: Monitor
    now: datetime


Muter = Callable[[SuppressionContext], str | None]


def _alerts_turned_off(context: SuppressionContext) -> str | None:
    if not context.monitor.generate_alert:
        return "GenerateAlert is off for this monitor"
    return None


MUTERS: tuple[Muter, ...] = (_alerts_turned_off,)


def suppression_reason(context: SuppressionContext) -> str | None:
    """The first reason not to send, or None when the alert goes out."""
    for muter in MUTERS:
        reason = muter(context)
        if reason is not None:
            return reason
    return None
