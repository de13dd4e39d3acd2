"""Runs queued delivery jobs: one attempt each, written to the delivery log, retried on schedule.

Retries belong to the queue: a failed attempt hides its message until the next attempt is due
(`ChangeMessageVisibility`, from the receive count) and reports it failed in the batch response.
When the schedule is used up, the message is parked on the dead-letter queue.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from alerting.delivery import dispatch, http
from alerting.delivery.queue import DeliveryQueue
from alerting.errors import NothingToSendError, PermanentDeliveryError, RetryableDeliveryError
from alerting.models.delivery import DeliveryAttempt, DeliveryJob, HttpExchange, Outcome
from alerting.observability import Metric, logger, metrics
from alerting.storage.config_cache import ConfigCache
from alerting.storage.delivery_log import DeliveryLog

JITTER = 0.2


@dataclass
class DeliveryDependencies:
    config: ConfigCache
    log: DeliveryLog
    queue: DeliveryQueue
    http: httpx.Client
    retry_schedule: tuple[float, ...]
    channels: dispatch.Channels
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    jitter: Callable[[], float] = field(default=lambda: random.uniform(-JITTER, JITTER))


@dataclass(frozen=True)
class AttemptResult:
    outcome: Outcome
    retry_in_seconds: float | None = None
    error: str = ""


def next_delay(
    schedule: tuple[float, ...], attempt: int, jitter: float, retry_after: float | None = None
) -> float | None:
    """Seconds until attempt `attempt + 1`, or None when `attempt` was the last one.

    The schedule gives the base delay, jittered by ±20 % so retries of many targets spread out;
    a Retry-After from the target is honoured within [base, 2 × base].
    """
    if attempt >= len(schedule):
        return None
    base = schedule[attempt]
    delay = base * (1 + jitter)
    if retry_after is not None:
        delay = min(max(retry_after, base), 2 * base) if base else retry_after
    return max(0.0, delay)


def attempt_delivery(job: DeliveryJob, attempt: int, deps: DeliveryDependencies) -> AttemptResult:
    """Send the job once, record the attempt, and say what happens next."""
    if deps.log.was_delivered(job):
        logger.info("already delivered: duplicate message acknowledged without sending", attempt=attempt)
        return AttemptResult(Outcome.DELIVERED)
    started_at = deps.clock()
    began = time.perf_counter()
    result: http.Result | None = None
    steps: list[HttpExchange] = []
    skipped = False
    try:
        sent = _send(job, deps, started_at)
        result, steps = sent[-1].result, [step.result.exchange for step in sent]
        verdict, error = result.verdict, result.error
    except NothingToSendError as exc:
        verdict, error, skipped = http.Verdict.DELIVERED, str(exc), True
    except PermanentDeliveryError as exc:
        verdict, error = http.Verdict.PERMANENT, str(exc)
    retry_in = None
    if verdict is http.Verdict.DELIVERED:
        outcome = Outcome.SKIPPED if skipped else Outcome.DELIVERED
        deps.log.mark_delivered(job, started_at)
    elif verdict is http.Verdict.RETRYABLE:
        retry_after = result.retry_after_seconds if result else None
        retry_in = next_delay(deps.retry_schedule, attempt, deps.jitter(), retry_after)
        outcome = Outcome.FAILED if retry_in is None else Outcome.RETRYING
    else:
        outcome = Outcome.FAILED
    deps.log.record(
        DeliveryAttempt(
            alert_guid=job.alert.alert_guid,
            integration_guid=job.integration_guid,
            integration_type=job.integration_type,
            target=job.target,
            attempt=attempt,
            started_at=started_at,
            duration_ms=int((time.perf_counter() - began) * 1000),
            exchange=result.exchange if result else None,
            steps=steps if len(steps) > 1 else [],
            error=error,
            outcome=outcome,
            next_attempt_in_seconds=retry_in,
        )
    )
    logger.info(
        "delivery attempt",
        outcome=outcome.value,
        attempt=attempt,
        status_code=result.exchange.status_code if result else None,
        error=error,
        retry_in_seconds=retry_in,
    )
    metrics.add_metric(name=_OUTCOME_METRIC[outcome], unit=MetricUnit.Count, value=1)
    return AttemptResult(outcome, retry_in, error)


_OUTCOME_METRIC = {
    Outcome.DELIVERED: Metric.DELIVERIES_SUCCEEDED,
    Outcome.RETRYING: Metric.DELIVERIES_RETRIED,
    Outcome.FAILED: Metric.DELIVERIES_FAILED,
    Outcome.SKIPPED: Metric.DELIVERIES_SUCCEEDED,
}


def _send(job: DeliveryJob, deps: DeliveryDependencies, now: datetime) -> list[dispatch.Step]:
    """Every request the job's integration made (most make one), through the same `http.send`."""
    return dispatch.deliver(
        job, deps.config, deps.channels, lambda request: http.send(deps.http, request, now), now
    )


def deliver_batch(
    event: dict[str, Any], context: LambdaContext, deps: DeliveryDependencies
) -> dict[str, Any]:
    """Process one SQS FIFO batch; a failing target holds back only its own message group."""
    group_delays: dict[str, float] = {}
    delayed: set[str] = set()

    def record_handler(record: SQSRecord) -> None:
        group = record.attributes.message_group_id or ""
        try:
            job = DeliveryJob.model_validate_json(record.body)
        except ValidationError as exc:
            logger.error("malformed delivery job dead-lettered", message_id=record.message_id, error=str(exc))
            metrics.add_metric(name=Metric.MALFORMED_EVENTS, unit=MetricUnit.Count, value=1)
            deps.queue.dead_letter(record.body, group or "malformed", record.message_id, "malformed job")
            return
        logger.append_keys(
            alert_guid=str(job.alert.alert_guid),
            incident_key=job.alert.incident_key,
            monitor_guid=str(job.alert.monitor_guid),
            target=job.target,
        )
        attempt = int(record.attributes.approximate_receive_count)
        result = attempt_delivery(job, attempt, deps)
        if result.outcome is Outcome.RETRYING:
            assert result.retry_in_seconds is not None
            deps.queue.retry_later([record.receipt_handle], result.retry_in_seconds)
            group_delays[group] = result.retry_in_seconds
            delayed.add(record.message_id)
            raise RetryableDeliveryError(result.error, result.retry_in_seconds)
        if result.outcome is Outcome.FAILED and attempt >= len(deps.retry_schedule):
            deps.queue.dead_letter(record.body, group, job.deduplication_id, result.error)

    processor = SqsFifoPartialProcessor(skip_group_on_error=True)
    # A batch whose every target is down is an expected outcome, not a function error: report the
    # failures item by item (their visibility is already set) instead of raising.
    processor.raise_on_entire_batch_failure = False
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    _hold_back_skipped(event, response, group_delays, delayed, deps)
    return dict(response)


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
