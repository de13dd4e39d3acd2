"""Runs queued delivery jobs: one attempt each, written to the delivery log, retried on schedule.

Retries belong to the queue: a failed attempt hides its message until the next attempt is due
(`ChangeMessageVisibility`) and reports it failed in the batch response, which holds back the rest
of its FIFO group, so an Ok never overtakes its Alert at one target. When the schedule is used up,
the message is parked on the dead-letter queue. Message groups (targets) of one batch are sent to in
parallel, up to `DELIVERY_CONCURRENCY`.

Idempotency: success is recorded (the delivered marker) before the message is acknowledged, and
checked before sending, so a duplicate SQS message or a redelivery after a crash sends nothing.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
from alerting.delivery.health import TargetHealthTracker
from alerting.delivery.queue import DeliveryQueue
from alerting.delivery.secrets import SecretResolver
from alerting.delivery.signing import signature_headers
from alerting.errors import (
    NothingToSendError,
    PermanentDeliveryError,
    RetryableDeliveryError,
    TargetDisabledError,
    UnavailableError,
)
from alerting.models.delivery import DeliveryAttempt, DeliveryJob, HttpExchange, Outcome, TargetHealth
from alerting.observability import Metric, logger, metrics
from alerting.storage.config_cache import ConfigCache
from alerting.storage.delivery_log import DeliveryLog

JITTER = 0.2
_metrics_lock = threading.Lock()


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
    throttled_min_seconds: float = 60.0
    health: TargetHealthTracker | None = None
    secrets: SecretResolver | None = None
    concurrency: int = 1


@dataclass(frozen=True)
class AttemptResult:
    outcome: Outcome
    retry_in_seconds: float | None = None
    error: str = ""
    # The schedule is used up: the message goes to the dead-letter queue.
    dead_letter: bool = False


def next_delay(
    schedule: tuple[float, ...],
    attempt: int,
    jitter: float,
    retry_after: float | None = None,
    minimum: float = 0.0,
) -> float | None:
    """Seconds until attempt `attempt + 1`, or None when `attempt` was the last one.

    The schedule gives the base delay (raised to `minimum` after a timeout or a 429), jittered by
    ±20 % so retries of many targets spread out; a Retry-After from the target is honoured within
    [base, 2 × base].
    """
    if attempt >= len(schedule):
        return None
    base = max(schedule[attempt], minimum)
    delay = base * (1 + jitter)
    if retry_after is not None:
        delay = min(max(retry_after, base), 2 * base) if base else retry_after
    return max(0.0, delay)


@dataclass
class _Sent:
    verdict: http.Verdict
    error: str
    result: http.Result | None = None
    # Every request of a delivery that needs several (ServiceNow lookup then update, SMS per phone).
    steps: list[HttpExchange] = field(default_factory=list)
    # The integration sends nothing for this alert type or nobody is on duty: done, nothing sent.
    skipped: bool = False


def attempt_delivery(job: DeliveryJob, deps: DeliveryDependencies) -> AttemptResult:
    """Send the job once (unless it already reached its target), record the attempt, say what is next."""
    history = deps.log.history(job)
    attempt = history.attempts + 1
    if history.delivered:
        logger.info("already delivered: duplicate message acknowledged without sending", attempt=attempt)
        with _metrics_lock:
            metrics.add_metric(name=Metric.DELIVERY_DUPLICATES_SKIPPED, unit=MetricUnit.Count, value=1)
        return AttemptResult(Outcome.DELIVERED)
    schedule = _schedule(job, deps)
    started_at = deps.clock()
    began = time.perf_counter()
    health = deps.health.store.get(job.integration_guid, job.target) if deps.health else None
    sent = _send_once(job, deps, started_at, health)
    result = sent.result
    retry_in = None
    if sent.verdict is http.Verdict.DELIVERED:
        outcome = Outcome.SKIPPED if sent.skipped else Outcome.DELIVERED
        deps.log.mark_delivered(job, started_at)
    elif sent.verdict is http.Verdict.RETRYABLE:
        retry_in = next_delay(
            schedule,
            attempt,
            deps.jitter(),
            result.retry_after_seconds if result else None,
            deps.throttled_min_seconds if result and result.throttled else 0.0,
        )
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
            steps=sent.steps if len(sent.steps) > 1 else [],
            error=sent.error,
            outcome=outcome,
            next_attempt_in_seconds=retry_in,
            replay=job.replay,
        ),
        job,
    )
    if deps.health and health and result is not None:
        if outcome in (Outcome.DELIVERED, Outcome.SKIPPED):
            if health.consecutive_failures or health.failing_since:
                deps.health.succeeded(job, started_at)
        else:
            deps.health.failed(job, started_at, sent.error, result.exchange.status_code)
    logger.info(
        "delivery attempt",
        outcome=outcome.value,
        attempt=attempt,
        status_code=result.exchange.status_code if result else None,
        error=sent.error,
        retry_in_seconds=retry_in,
    )
    with _metrics_lock:
        metrics.add_metric(name=_OUTCOME_METRIC[outcome], unit=MetricUnit.Count, value=1)
    dead_letter = sent.verdict is http.Verdict.RETRYABLE and retry_in is None
    return AttemptResult(outcome, retry_in, sent.error, dead_letter)


def _schedule(job: DeliveryJob, deps: DeliveryDependencies) -> tuple[float, ...]:
    """The integration's own retry schedule, or the deployment's."""
    config = deps.config.integration(job.integration_guid)
    if config is not None and config.integration.retry_schedule:
        return tuple(float(delay) for delay in config.integration.retry_schedule)
    return deps.retry_schedule


def _send_once(
    job: DeliveryJob, deps: DeliveryDependencies, now: datetime, health: TargetHealth | None
) -> _Sent:
    """Every request the job's integration makes, signed where it has secrets, through `http.send`."""

    def send(request: http.OutgoingRequest) -> http.Result:
        return http.send(deps.http, _signed(job, deps, request, now), now)

    try:
        if health is not None and health.disabled:
            raise TargetDisabledError(f"target disabled: {health.disabled_reason or 'by an operator'}")
        steps = dispatch.deliver(job, deps.config, deps.channels, send, now, deps.secrets)
    except NothingToSendError as exc:
        return _Sent(http.Verdict.DELIVERED, str(exc), skipped=True)
    except PermanentDeliveryError as exc:
        return _Sent(http.Verdict.PERMANENT, str(exc))
    except UnavailableError as exc:  # a secret store that cannot be read now
        return _Sent(http.Verdict.RETRYABLE, str(exc))
    result = steps[-1].result
    return _Sent(result.verdict, result.error, result, [step.result.exchange for step in steps])


def _signed(
    job: DeliveryJob, deps: DeliveryDependencies, request: http.OutgoingRequest, now: datetime
) -> http.OutgoingRequest:
    """The request with Standard Webhooks headers when the integration has signing secrets."""
    config = deps.config.integration(job.integration_guid)
    secrets = config.integration.signing_secrets if config else []
    if not secrets:
        return request
    resolved = [deps.secrets.resolve(secret) if deps.secrets else secret for secret in secrets]
    headers = {**request.headers, **signature_headers(job.webhook_id, now, request.body(), resolved)}
    return http.OutgoingRequest(
        request.method, request.url, headers, request.json_body, request.content, request.content_type
    )


_OUTCOME_METRIC = {
    Outcome.DELIVERED: Metric.DELIVERIES_SUCCEEDED,
    Outcome.RETRYING: Metric.DELIVERIES_RETRIED,
    Outcome.FAILED: Metric.DELIVERIES_FAILED,
    Outcome.SKIPPED: Metric.DELIVERIES_SKIPPED,
}


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
            with _metrics_lock:
                metrics.add_metric(name=Metric.MALFORMED_EVENTS, unit=MetricUnit.Count, value=1)
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
