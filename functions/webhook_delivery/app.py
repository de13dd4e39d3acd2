"""SQS glue of delivery: a FIFO batch of delivery jobs, each run by alerting.delivery.attempt.

Retries belong to the queue: a failed attempt hides its message until the next attempt is due
(`ChangeMessageVisibility`) and reports it failed in the batch response, which holds back the rest
of its FIFO group, so an Ok never overtakes its Alert at one target. When the schedule is used up,
the message is parked on the dead-letter queue. Message groups (targets) of one batch are sent to in
parallel, up to `DELIVERY_CONCURRENCY`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from alerting.delivery.attempt import DeliveryDependencies, attempt_delivery
from alerting.errors import RetryableDeliveryError
from alerting.models.delivery import DeliveryJob, Outcome
from alerting.observability import Metric, count, logger, metrics, tracer
from alerting.roots.delivery import delivery_root

# Tests reach the cached root through the handler module.
_dependencies = delivery_root


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return deliver_batch(event, context, _dependencies())


def deliver_batch(
    event: dict[str, Any], context: LambdaContext, deps: DeliveryDependencies
) -> dict[str, Any]:
    """Process one SQS FIFO batch; a failing target holds back only its own message group.

    Groups are independent, so they are sent to in parallel; within a group, records go in order
    and the first failure skips the rest (Powertools' FIFO processor, one per group)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for raw in event.get("Records", []):
        groups.setdefault(raw.get("attributes", {}).get("MessageGroupId", ""), []).append(raw)

    def run(records: list[dict[str, Any]]) -> list[dict[str, str]]:
        try:
            return _deliver_group({**event, "Records": records}, context, deps)
        finally:
            logger.thread_safe_clear_keys()

    workers = min(deps.concurrency, len(groups))
    if workers <= 1:
        failures = [failure for records in groups.values() for failure in run(records)]
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="delivery") as pool:
            failures = [failure for found in pool.map(run, groups.values()) for failure in found]
    return {"batchItemFailures": failures}


def _deliver_group(
    event: dict[str, Any], context: LambdaContext, deps: DeliveryDependencies
) -> list[dict[str, str]]:
    group_delays: dict[str, float] = {}
    delayed: set[str] = set()

    def record_handler(record: SQSRecord) -> None:
        group = record.attributes.message_group_id or ""
        try:
            job = DeliveryJob.model_validate_json(record.body)
        except ValidationError as exc:
            logger.error("malformed delivery job dead-lettered", message_id=record.message_id, error=str(exc))
            count(Metric.MALFORMED_EVENTS)
            deps.queue.dead_letter(record.body, group or "malformed", record.message_id, "malformed job")
            return
        logger.thread_safe_append_keys(
            alert_guid=str(job.alert.alert_guid),
            incident_key=job.alert.incident_key,
            monitor_guid=str(job.alert.monitor_guid),
            target=job.target,
        )
        result = attempt_delivery(job, deps)
        if result.outcome is Outcome.RETRYING:
            assert result.retry_in_seconds is not None
            deps.queue.retry_later([record.receipt_handle], result.retry_in_seconds)
            group_delays[group] = result.retry_in_seconds
            delayed.add(record.message_id)
            raise RetryableDeliveryError(result.error, result.retry_in_seconds)
        if result.dead_letter:
            deps.queue.dead_letter(record.body, group, job.deduplication_id, result.error)

    processor = SqsFifoPartialProcessor(skip_group_on_error=True)
    # A batch whose every target is down is an expected outcome, not a function error: report the
    # failures item by item (their visibility is already set) instead of raising.
    processor.raise_on_entire_batch_failure = False
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    _hold_back_skipped(event, response, group_delays, delayed, deps)
    return [
        {"itemIdentifier": str(failure["itemIdentifier"])}
        for failure in response.get("batchItemFailures", [])
    ]


def _hold_back_skipped(
    event: dict[str, Any],
    response: Any,
    group_delays: dict[str, float],
    delayed: set[str],
    deps: DeliveryDependencies,
) -> None:
    """Records skipped behind a failed one become visible with it, so their FIFO group is not blocked
    for the queue's whole visibility timeout; an unexpected error retries on the schedule's first step."""
    failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
    fallback = deps.retry_schedule[1] if len(deps.retry_schedule) > 1 else 0.0
    by_delay: dict[float, list[str]] = {}
    for raw in event.get("Records", []):
        if raw["messageId"] in failed and raw["messageId"] not in delayed:
            group = raw.get("attributes", {}).get("MessageGroupId", "")
            by_delay.setdefault(group_delays.get(group, fallback), []).append(raw["receiptHandle"])
    for delay, handles in by_delay.items():
        deps.queue.retry_later(handles, delay)
