"""The evaluator's root: the monitors' state, the cached configuration and the queues it writes to."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import boto3

from alerting.intake import IntakeDependencies
from alerting.messaging.dead_letters import EventDeadLetters
from alerting.messaging.delivery_queue import DeliveryQueue
from alerting.roots.tables import table
from alerting.settings import Settings
from alerting.storage.alert_definitions import AlertDefinitions
from alerting.storage.config_cache import ConfigCache
from alerting.storage.integrations import Integrations
from alerting.storage.monitor_groups import MonitorGroups
from alerting.storage.monitors import Monitors
from alerting.storage.status_page_incidents import StatusPageIncidents


class EvaluatorRoot(NamedTuple):
    intake: IntakeDependencies
    dead_letters: EventDeadLetters


@functools.cache
def evaluator_root() -> EvaluatorRoot:
    return evaluator(Settings.from_environment())


def evaluator(settings: Settings) -> EvaluatorRoot:
    stored = table(settings)
    sqs = boto3.client("sqs")
    intake = IntakeDependencies(
        monitors=Monitors(stored),
        config=ConfigCache(
            AlertDefinitions(stored),
            Integrations(stored),
            settings.config_cache_seconds,
            groups=MonitorGroups(stored),
        ),
        queue=DeliveryQueue(sqs, settings.delivery_queue_url, settings.delivery_dlq_url),
        retention=timedelta(days=settings.alert_retention_days),
        clock=lambda: datetime.now(UTC),
        timezone=ZoneInfo(settings.account_timezone),
        resolve_minute=timedelta(seconds=settings.resolve_minute_seconds),
        published_maintenance=StatusPageIncidents(stored, timedelta(days=settings.alert_retention_days)),
    )
    return EvaluatorRoot(intake, EventDeadLetters(sqs, settings.evaluator_dlq_url))
