"""SQS glue of delivery: a FIFO batch of delivery jobs into alerting.delivery.attempts."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from alerting import composition
from alerting.delivery.attempts import deliver_batch
from alerting.observability import logger, metrics, tracer

# Tests reach the cached root through the handler module.
_dependencies = composition.delivery_root


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return deliver_batch(event, context, _dependencies())
