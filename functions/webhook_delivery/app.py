"""SQS glue of delivery: a FIFO batch of delivery jobs into alerting.delivery.attempts."""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from alerting.delivery.attempts import DeliveryDependencies, deliver_batch
from alerting.delivery.wiring import delivery_dependencies
from alerting.observability import logger, metrics, tracer
from alerting.settings import Settings


@functools.cache
def _dependencies() -> DeliveryDependencies:
    return delivery_dependencies(Settings())


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return deliver_batch(event, context, _dependencies())
