"""SQS glue of the evaluator: batches of check-result events from the IntakeQueue, or the scheduled sweep.

The EventBridge rule puts every MonitorCheck and MonitorCheckBatch event on the IntakeQueue; the event
source mapping hands them over in batches (template: AlertEvaluatorFunction, event CheckResults). The
EventBridge Scheduler schedules (events Sweep0..Sweep7, one per shard of the Due index) invoke directly
with a fixed Input whose `source` is SWEEP_SOURCE and whose detail names the shard.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from alerting.intake import SWEEP_SOURCE, ReceivedCheck, SweepRequest, process_batch, sweep
from alerting.messaging.dead_letters import EventDeadLetters
from alerting.models.check import CheckBatch, CheckResult
from alerting.observability import logger, metrics, tracer
from alerting.roots.evaluator import evaluator_root

SINGLE, BATCH = "MonitorCheck", "MonitorCheckBatch"

processor = BatchProcessor(event_type=EventType.SQS)


class RetryableCheckError(Exception):
    """A check this message carries failed for a reason a retry can fix: the message goes back."""


def _checks(record: SQSRecord, dead_letters: EventDeadLetters) -> list[ReceivedCheck]:
    """The checks one message carries; whatever cannot be read is parked with the reason, never retried."""
    try:
        event = json.loads(record.body)
        details = [event["detail"]]
        if event.get("detail-type") == BATCH:
            details = CheckBatch.model_validate(event["detail"]).checks
    except (ValueError, KeyError, TypeError, ValidationError) as exc:
        dead_letters.park({"body": record.body}, f"not a {SINGLE} or {BATCH} event: {exc}")
        return []
    received = []
    for detail in details:
        try:
            received.append(ReceivedCheck(CheckResult.model_validate(detail), record.message_id))
        except ValidationError as exc:
            dead_letters.park({**event, "detail": detail}, str(exc))
    return received


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    deps, dead_letters = evaluator_root()
    if event.get("source") == SWEEP_SOURCE:
        return sweep(deps, SweepRequest.model_validate(event.get("detail") or {}).shard).summary()
    received = [
        check for record in event.get("Records", []) for check in _checks(SQSRecord(record), dead_letters)
    ]

    def park(check: CheckResult, reason: str) -> None:
        dead_letters.park({"detail-type": SINGLE, "detail": check.to_json_dict()}, reason)

    outcome = process_batch(received, deps, park)

    def record_handler(record: SQSRecord) -> None:
        if record.message_id in outcome.failed_message_ids:
            raise RetryableCheckError(record.message_id)

    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    # Lambda reads batchItemFailures only; the per-check summaries are for logs and tests.
    return {**response, "checks": [result.summary() for result in outcome.results]}
