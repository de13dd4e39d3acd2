"""Takes a check result or a sweep tick through evaluation: load the monitor, evaluate, save, queue jobs.

Cost per check result with a warm function: a NoError or Unconfirmed check on a monitor with nothing
open is one conditional update; a state change is one read and one transaction (the state, its alerts
and its decision record). Definitions, integrations and monitor groups come from the warm function's cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from uuid import UUID

from aws_lambda_powertools.metrics import MetricUnit

from alerting.errors import ConcurrentUpdateError, NotFoundError
from alerting.evaluation import (
    Evaluation,
    MonitorConfig,
    Verdict,
    bounded_headers,
    clipped,
    evaluate_check,
    evaluate_tick,
    next_due,
)
from alerting.messaging.delivery_queue import DeliveryQueue
from alerting.models.alert import (
    ERROR_DESCRIPTION_MAX_BYTES,
    FAILURE_MESSAGE_MAX_BYTES,
    RESPONSE_BODY_MAX_BYTES,
)
from alerting.models.check import CheckResult, ErrorLevel
from alerting.models.config import ALL_MONITORS_GROUP_GUID, Integration
from alerting.observability import Metric, logger, metrics
from alerting.routing import delivery_plan, explained
from alerting.storage import keys
from alerting.storage.config_cache import ConfigCache
from alerting.storage.monitors import MonitorRecord, Monitors, Transition

MAX_CONFLICT_RETRIES = 5
SHORT_TEXT_MAX_BYTES = 256
# The `source` of the scheduled sweep's event (template.yaml: AlertEvaluatorFunction, event Sweep).
SWEEP_SOURCE = "alerting.sweep"


@dataclass
class IntakeDependencies:
    monitors: Monitors
    config: ConfigCache
    queue: DeliveryQueue
    retention: timedelta
    clock: Callable[[], datetime]
    timezone: tzinfo = field(default=UTC)
    resolve_minute: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class IntakeResult:
    verdict: Verdict | None  # None: the monitor is unknown
    alerts_raised: int = 0
    deliveries_queued: int = 0

    def summary(self) -> dict[str, object]:
        verdict = self.verdict.value if self.verdict else "unknown-monitor"
        return {"verdict": verdict, "alerts": self.alerts_raised, "deliveries": self.deliveries_queued}


def within_sizes(check: CheckResult) -> CheckResult:
    """The check cut to DESIGN §4 Sizes before anything of it is stored or queued; its short texts
    made storable (no lone surrogates) on the way."""
    short_texts = ("checkpoint_name", "server_ipv4", "server_ipv6", "resolved_ip_address")
    return check.model_copy(
        update={
            **{name: clipped(getattr(check, name), SHORT_TEXT_MAX_BYTES) for name in short_texts},
            "response_body": clipped(check.response_body, RESPONSE_BODY_MAX_BYTES),
            "error_description": clipped(check.error_description, ERROR_DESCRIPTION_MAX_BYTES),
            "failure_message": clipped(check.failure_message, FAILURE_MESSAGE_MAX_BYTES),
            "response_headers": bounded_headers(check.response_headers),
        }
    )


def process_check(check: CheckResult, deps: IntakeDependencies) -> IntakeResult:
    check = within_sizes(check)
    logger.append_keys(monitor_guid=str(check.monitor_guid), check_id=check.id)
    try:
        result = _process(check, deps)
    except NotFoundError:
        logger.warning("check result for an unknown monitor ignored")
        result = IntakeResult(verdict=None)
    metrics.add_metric(name=Metric.CHECKS_EVALUATED, unit=MetricUnit.Count, value=1)
    if result.verdict in (None, Verdict.DUPLICATE, Verdict.STALE, Verdict.MONITOR_INACTIVE, Verdict.IGNORED):
        metrics.add_metric(name=Metric.CHECKS_IGNORED, unit=MetricUnit.Count, value=1)
    return result


def _process(check: CheckResult, deps: IntakeDependencies) -> IntakeResult:
    if check.error_level is ErrorLevel.CONFIRMED:
        record = deps.monitors.record(check.monitor_guid)
    else:
        advance = deps.monitors.advance_if_clean(check.monitor_guid, check.watermark)
        if advance.done:
            return IntakeResult(Verdict.RECORDED)
        assert advance.record is not None
        record = advance.record
    for _ in range(MAX_CONFLICT_RETRIES):
        try:
            return _evaluate_and_save(check, record, deps)
        except ConcurrentUpdateError:
            # Another invocation for this monitor won the race: evaluate again on what it wrote.
            logger.info("monitor state changed concurrently; evaluating again")
            record = deps.monitors.record(check.monitor_guid)
    raise ConcurrentUpdateError(
        f"monitor {check.monitor_guid} kept changing under {MAX_CONFLICT_RETRIES} tries"
    )


def _evaluate_and_save(check: CheckResult, record: MonitorRecord, deps: IntakeDependencies) -> IntakeResult:
    config = _monitor_config(record, deps)
    evaluation = evaluate_check(record.state, check, config)
    if evaluation.verdict is Verdict.DUPLICATE and record.outbox_watermark == check.watermark:
        # The same event again, maybe because we failed after saving: queue its deliveries again.
        # SQS drops what it already has (same deduplication ids).
        jobs = deps.monitors.outbox_jobs(record)
        deps.queue.send(jobs)
        return IntakeResult(evaluation.verdict, deliveries_queued=len(jobs))
    if not evaluation.needs_write:
        logger.info("check result ignored", verdict=evaluation.verdict.value)
        return IntakeResult(evaluation.verdict)
    return _save(record, evaluation, config, deps, outbox_key=check.watermark)


def _save(
    record: MonitorRecord,
    evaluation: Evaluation,
    config: MonitorConfig,
    deps: IntakeDependencies,
    outbox_key: str | None,
) -> IntakeResult:
    plan = delivery_plan(evaluation.alerts, config, _integrations(config, deps.config))
    now = deps.clock()
    decision = explained(evaluation.decision, plan) if evaluation.decision else None
    deps.monitors.save_evaluation(
        record.monitor.monitor_guid,
        Transition(
            previous=record.state,
            state=evaluation.state,
            evaluated_at=now,
            expires_at=now + deps.retention,
            alerts=evaluation.alerts,
            outbox=plan.jobs,
            outbox_key=outbox_key,
            decision=decision,
            due_at=next_due(evaluation.state, config),
        ),
    )
    deps.queue.send(plan.jobs)
    for alert in evaluation.alerts:
        logger.info(
            "alert raised",
            alert_guid=str(alert.alert_guid),
            alert_type=alert.alert_type.value,
            incident_key=alert.incident_key,
            escalation_level_id=alert.escalation_level_id,
            suppressed_reason=alert.suppressed_reason,
        )
        metric = Metric.ALERTS_SUPPRESSED if alert.suppressed_reason else Metric.ALERTS_RAISED
        metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
    return IntakeResult(evaluation.verdict, len(evaluation.alerts), len(plan.jobs))


@dataclass(frozen=True)
class SweepResult:
    monitors_due: int = 0
    alerts_raised: int = 0
    deliveries_queued: int = 0

    def summary(self) -> dict[str, object]:
        return {
            "verdict": "swept",
            "due": self.monitors_due,
            "alerts": self.alerts_raised,
            "deliveries": self.deliveries_queued,
        }


def sweep(deps: IntakeDependencies) -> SweepResult:
    """The scheduled sweep: duration thresholds and reminders that came due without a new check."""
    now = deps.clock()
    due = deps.monitors.due(now)
    alerts = deliveries = 0
    for monitor_guid in due:
        logger.append_keys(monitor_guid=str(monitor_guid))
        try:
            result = _tick(monitor_guid, now, deps)
        except NotFoundError:
            continue
        alerts += result.alerts_raised
        deliveries += result.deliveries_queued
    logger.remove_keys(["monitor_guid"])
    metrics.add_metric(name=Metric.MONITORS_SWEPT, unit=MetricUnit.Count, value=len(due))
    return SweepResult(len(due), alerts, deliveries)


def _tick(monitor_guid: UUID, now: datetime, deps: IntakeDependencies) -> IntakeResult:
    for _ in range(MAX_CONFLICT_RETRIES):
        record = deps.monitors.record(monitor_guid)
        config = _monitor_config(record, deps)
        evaluation = evaluate_tick(record.state, now, config)
        due_at = next_due(evaluation.state, config)
        unchanged_due = record.due_at == (keys.due(monitor_guid, due_at)["DueAt"] if due_at else None)
        if evaluation.verdict is Verdict.IDLE and unchanged_due:
            return IntakeResult(evaluation.verdict)
        try:
            return _save(record, evaluation, config, deps, outbox_key=None)
        except ConcurrentUpdateError:
            logger.info("monitor state changed concurrently; sweeping it again")
    raise ConcurrentUpdateError(f"monitor {monitor_guid} kept changing under {MAX_CONFLICT_RETRIES} tries")


def _monitor_config(record: MonitorRecord, deps: IntakeDependencies) -> MonitorConfig:
    """The monitor's definitions, directly and through its groups (every monitor is in the IsAll group)."""
    cache = deps.config
    definition_guids = set(record.definition_guids)
    stopped = []
    for group_guid in sorted({*record.group_guids, ALL_MONITORS_GROUP_GUID}):
        group = cache.group(group_guid)
        if group is None:
            continue
        definition_guids |= group.definition_guids
        if group.alerts_stopped:
            stopped.append(group.group.description)
    definitions = [cache.definition(guid) for guid in sorted(definition_guids)]
    return MonitorConfig(
        record.monitor,
        [d for d in definitions if d is not None],
        maintenance=record.maintenance,
        stopped_groups=stopped,
        timezone=deps.timezone,
        resolve_minute=deps.resolve_minute,
    )


def _integrations(config: MonitorConfig, cache: ConfigCache) -> dict[UUID, Integration]:
    found: dict[UUID, Integration] = {}
    for definition in config.definitions:
        for attached in definition.level_integrations.values():
            for level_integration in attached:
                loaded = cache.integration(level_integration.integration_guid)
                if loaded is not None:
                    found[loaded.integration.integration_guid] = loaded.integration
    return found
