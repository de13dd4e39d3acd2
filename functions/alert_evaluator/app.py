"""EventBridge glue of the evaluator: a check result per invocation, or the scheduled sweep, into intake.

The EventBridge Scheduler schedule (template: Sweep) sends a fixed Input whose `source` is SWEEP_SOURCE;
anything else is a check result event.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.parser import ValidationError, parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from alerting import composition
from alerting.intake import SWEEP_SOURCE, process_check, sweep
from alerting.models.check import CheckResult
from alerting.observability import logger, metrics, tracer


class CheckResultEvent(EventBridgeModel):
    detail: CheckResult


@logger.inject_lambda_context(correlation_id_path=correlation_paths.EVENT_BRIDGE, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    deps, dead_letters = composition.evaluator_root()
    if event.get("source") == SWEEP_SOURCE:
        return sweep(deps).summary()
    try:
        check = parse(event=event, model=CheckResultEvent).detail
    except ValidationError as exc:
        # No retry can fix a malformed event: park it and succeed, so it is not retried for a day.
        dead_letters.park(event, str(exc))
        return {"verdict": "malformed"}
    return process_check(check, deps).summary()
