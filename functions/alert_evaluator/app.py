"""EventBridge glue of the evaluator: a check result per invocation, or the scheduled sweep, into intake.

The EventBridge Scheduler schedule (template: Sweep) sends a fixed Input whose `source` is SWEEP_SOURCE;
anything else is a check result event.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.parser import ValidationError, parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from alerting.dead_letters import EventDeadLetters
from alerting.delivery.queue import DeliveryQueue
from alerting.intake import SWEEP_SOURCE, IntakeDependencies, process_check, sweep
from alerting.models.check import CheckResult
from alerting.observability import logger, metrics, tracer
from alerting.settings import Settings
from alerting.storage.alert_definitions import AlertDefinitions
from alerting.storage.config_cache import ConfigCache
from alerting.storage.integrations import Integrations
from alerting.storage.monitor_groups import MonitorGroups
from alerting.storage.monitors import Monitors


class CheckResultEvent(EventBridgeModel):
    detail: CheckResult


@functools.cache
def _dependencies() -> tuple[IntakeDependencies, EventDeadLetters]:
    settings = Settings()
    table = boto3.resource("dynamodb").Table(settings.table_name)
    sqs = boto3.client("sqs")
    deps = IntakeDependencies(
        monitors=Monitors(table),
        config=ConfigCache(
            AlertDefinitions(table),
            Integrations(table),
            settings.config_cache_seconds,
            groups=MonitorGroups(table),
        ),
        queue=DeliveryQueue(sqs, settings.delivery_queue_url, settings.delivery_dlq_url),
        retention=timedelta(days=settings.alert_retention_days),
        clock=lambda: datetime.now(UTC),
        timezone=ZoneInfo(settings.account_timezone),
    )
    return deps, EventDeadLetters(sqs, settings.evaluator_dlq_url)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.EVENT_BRIDGE, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    deps, dead_letters = _dependencies()
    if event.get("source") == SWEEP_SOURCE:
        return sweep(deps).summary()
    try:
        check = parse(event=event, model=CheckResultEvent).detail
    except ValidationError as exc:
        # No retry can fix a malformed event: park it and succeed, so it is not retried for a day.
        dead_letters.park(event, str(exc))
        return {"verdict": "malformed"}
    return process_check(check, deps).summary()
