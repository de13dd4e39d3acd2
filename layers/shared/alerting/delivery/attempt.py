"""One queued delivery job, straight through: state -> render -> sign -> send -> log -> health -> next step.

Retries belong to the queue (the handler's batch glue): an attempt only says when the next one is due,
or that the schedule is used up and the message goes to the dead-letter queue.

Idempotency: success is recorded (the delivered marker) before the message is acknowledged, and
checked before sending, so a duplicate SQS message or a redelivery after a crash sends nothing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from alerting.delivery.health import TargetHealthTracker
from alerting.delivery.outbound import Channels, Outbound, Recipients, Step, level_variables, target_link
from alerting.delivery.secrets import SecretResolver
from alerting.delivery.senders import SENDERS
from alerting.delivery.transport import Result, Verdict
from alerting.errors import (
    NothingToSendError,
    PermanentDeliveryError,
    TargetDisabledError,
    UnavailableError,
)
from alerting.integrations import spec_for
from alerting.messaging.delivery_queue import DeliveryQueue
from alerting.models.delivery import DeliveryAttempt, DeliveryJob, HttpExchange, Outcome, TargetHealth
from alerting.observability import Metric, count, logger
from alerting.storage.delivery_log import DeliveryLog
from alerting.storage.integrations import IntegrationConfig
from alerting.storage.send_state import SendState, SendStates

JITTER = 0.2
SUPERSEDED_REASON = "not sent: a later alert of this incident already reached the target"


@dataclass
class DeliveryDependencies:
    state: SendStates
    log: DeliveryLog
    queue: DeliveryQueue
    http: httpx.Client
    retry_schedule: tuple[float, ...]
    channels: Channels
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


def send_through(out: Outbound) -> list[Step]:
    """Every request of the delivery, in order (the last one decides): the type's sender when it takes
    several, else the one request its integration module renders."""
    sender = SENDERS.get(out.integration.type)
    render = spec_for(out.integration.type).render
    if sender is not None:
        sender(out)
    elif render is not None:
        out.send(render(out.rendering()))
    if not out.steps:
        raise PermanentDeliveryError(f"{out.integration.type.value} sent nothing")
    return out.steps


@dataclass
class _Sent:
    verdict: Verdict
    error: str
    result: Result | None = None
    # Every request of a delivery that needs several (ServiceNow lookup then update, SMS per phone).
    steps: list[HttpExchange] = field(default_factory=list)
    # Done without sending: SKIPPED (nothing to send for this alert type, nobody on duty) or
    # SUPERSEDED (a later alert of the incident already reached the target).
    outcome: Outcome = Outcome.DELIVERED


def attempt_delivery(job: DeliveryJob, deps: DeliveryDependencies) -> AttemptResult:
    """Send the job once (unless it already reached its target), record the attempt, say what is next."""
    began = time.perf_counter()
    state = deps.state.read(job)
    attempt = state.attempts + 1
    if state.delivered:
        logger.info("already delivered: duplicate message acknowledged without sending", attempt=attempt)
        count(Metric.DELIVERY_DUPLICATES_SKIPPED)
        return AttemptResult(Outcome.DELIVERED)
    started_at = deps.clock()
    found = state.integration
    health = state.health if deps.health else None
    if state.superseded:
        sent = _Sent(Verdict.DELIVERED, SUPERSEDED_REASON, outcome=Outcome.SUPERSEDED)
    else:
        sent = _send_once(job, state, deps, started_at, health)
    result = sent.result
    retry_in = None
    if sent.verdict is Verdict.DELIVERED:
        outcome = sent.outcome
    elif sent.verdict is Verdict.RETRYABLE:
        retry_in = next_delay(
            _schedule(found, deps),
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
        delivered=sent.verdict is Verdict.DELIVERED,
    )
    if outcome is Outcome.DELIVERED:
        deps.log.reached_target(job, started_at)
    if deps.health and health and result is not None:
        if outcome in (Outcome.DELIVERED, Outcome.SKIPPED, Outcome.SUPERSEDED):
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
    count(_OUTCOME_METRIC[outcome])
    dead_letter = sent.verdict is Verdict.RETRYABLE and retry_in is None
    return AttemptResult(outcome, retry_in, sent.error, dead_letter)


def _schedule(found: IntegrationConfig | None, deps: DeliveryDependencies) -> tuple[float, ...]:
    """The integration's own retry schedule, or the deployment's."""
    if found is not None and found.integration.retry_schedule:
        return tuple(float(delay) for delay in found.integration.retry_schedule)
    return deps.retry_schedule


def _send_once(
    job: DeliveryJob,
    state: SendState,
    deps: DeliveryDependencies,
    now: datetime,
    health: TargetHealth | None,
) -> _Sent:
    try:
        if health is not None and health.disabled:
            raise TargetDisabledError(f"target disabled: {health.disabled_reason or 'by an operator'}")
        steps = send_through(_outbound(job, state, deps, now))
    except NothingToSendError as exc:
        return _Sent(Verdict.DELIVERED, str(exc), outcome=Outcome.SKIPPED)
    except PermanentDeliveryError as exc:
        return _Sent(Verdict.PERMANENT, str(exc))
    except UnavailableError as exc:  # a secret store that cannot be read now
        return _Sent(Verdict.RETRYABLE, str(exc))
    except Exception as exc:  # anything else is a permanent failure with its type: logged, never lost
        logger.exception("delivery attempt failed unexpectedly")
        return _Sent(Verdict.PERMANENT, f"unexpected {type(exc).__name__}: {exc}")
    result = steps[-1].result
    return _Sent(result.verdict, result.error, result, [step.result.exchange for step in steps])


def _outbound(job: DeliveryJob, state: SendState, deps: DeliveryDependencies, now: datetime) -> Outbound:
    """The delivery with its variables and signing secrets resolved now, at send time (ssm:…,
    secretsmanager:… references included)."""
    found, attached = state.integration, state.attached
    if found is None:
        raise PermanentDeliveryError("the integration no longer exists")
    integration = found.integration
    if not integration.is_active:
        raise PermanentDeliveryError("the integration was deactivated after the alert")
    recipients = Recipients()
    if spec_for(integration.type).recipients:
        alert = job.alert
        recipients = Recipients(
            deps.channels.operators.level_members(alert.alert_definition_guid, alert.escalation_level_id),
            list(attached.extra_email_addresses) if attached else [],
        )
    variables = level_variables(integration, attached)
    resolve = deps.secrets.resolve if deps.secrets else str
    return Outbound(
        job=job,
        integration=integration,
        services=found.services,
        variables={name: resolve(value) for name, value in variables.items()},
        recipients=recipients,
        channels=deps.channels,
        now=now,
        client=deps.http,
        signing_secrets=[resolve(secret) for secret in integration.signing_secrets],
        link=target_link(attached, job),
    )


_OUTCOME_METRIC = {
    Outcome.DELIVERED: Metric.DELIVERIES_SUCCEEDED,
    Outcome.RETRYING: Metric.DELIVERIES_RETRIED,
    Outcome.FAILED: Metric.DELIVERIES_FAILED,
    Outcome.SKIPPED: Metric.DELIVERIES_SKIPPED,
    Outcome.SUPERSEDED: Metric.DELIVERIES_SKIPPED,
}
