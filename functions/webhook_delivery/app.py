"""SQS glue of delivery: a FIFO batch of delivery jobs into alerting.delivery.attempts."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

import boto3
import httpx
from alerting.delivery.attempts import DeliveryDependencies, deliver_batch
from alerting.delivery.channels import build_channels
from alerting.delivery.queue import DeliveryQueue
from alerting.observability import logger, metrics, tracer
from alerting.settings import Settings
from alerting.storage.alert_definitions import AlertDefinitions
from alerting.storage.config_cache import ConfigCache
from alerting.storage.delivery_log import DeliveryLog
from alerting.storage.integrations import Integrations
from aws_lambda_powertools.utilities.typing import LambdaContext


@functools.cache
def _dependencies() -> DeliveryDependencies:
    settings = Settings()
    table = boto3.resource("dynamodb").Table(settings.table_name)
    return DeliveryDependencies(
        config=ConfigCache(AlertDefinitions(table), Integrations(table), settings.config_cache_seconds),
        log=DeliveryLog(table, timedelta(days=settings.alert_retention_days)),
        queue=DeliveryQueue(boto3.client("sqs"), settings.delivery_queue_url, settings.delivery_dlq_url),
        # Redirects are not followed: a hook that moves is a configuration error to surface, not chase.
        http=httpx.Client(timeout=settings.delivery_timeout_seconds, follow_redirects=False),
        retry_schedule=settings.retry_schedule_seconds,
        channels=build_channels(settings, table),
    )


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return deliver_batch(event, context, _dependencies())
