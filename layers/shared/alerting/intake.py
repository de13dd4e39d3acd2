"""Takes a batch of check results, or a sweep tick, through evaluation: read, evaluate, save, queue jobs.

Cost with a warm function: a batch's monitors are read in one BatchGetItem per 100; a NoError or
Unconfirmed check on a monitor with nothing open writes nothing (a clean monitor's watermark moves once
per WATERMARK_REFRESH); a state change is one transaction (the state, its alerts and its decision record).
Definitions, integrations and monitor groups come from the warm function's cache. The deliveries of
the batch's monitors that have one check in it are queued 10 to a request, as soon as 10 are ready.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol
from uuid import UUID

from pydantic import Field

from alerting.check_sizes import within_sizes
from alerting.errors import ConcurrentUpdateError, NotFoundError, UnavailableError
from alerting.evaluation import (
    Evaluation,
    MonitorConfig,
    Verdict,
    evaluate_check,
    evaluate_tick,
    next_due,
)
from alerting.maintenance_notices import completions, maintenance_notices, next_notice_due
from alerting.messaging.delivery_queue import SQS_BATCH
from alerting.models.alert import MonitorState
from alerting.models.base import ApiModel
from alerting.models.check import CheckResult, ErrorLevel
from alerting.models.config import ALL_MONITORS_GROUP_GUID, Integration
from alerting.models.delivery import DeliveryJob
from alerting.observability import Metric, count, logger
from alerting.routing import delivery_plan, explained
from alerting.storage import keys
from alerting.storage.config_cache import ConfigCache
from alerting.storage.monitors import MonitorRecord, Monitors, Transition, applied
from alerting.storage.status_page_incidents import StatusPageIncidents

MAX_CONFLICT_RETRIES = 5
# A check may be dated at most this far ahead of the evaluator's clock (DESIGN §4).
MAX_CLOCK_AHEAD = timedelta(minutes=5)
# How far behind its newest NoError a clean monitor's stored watermark may fall: the steady path writes
# it once per this span of check time, and writes nothing in between.
WATERMARK_REFRESH = timedelta(minutes=10)
# The `source` of the scheduled sweep's event (template.yaml: AlertEvaluatorFunction, events Sweep0..7).
SWEEP_SOURCE = "alerting.sweep"


class JobQueue(Protocol):
    def send(self, jobs: Sequence[DeliveryJob]) -> None: ...


@dataclass
class IntakeDependencies:
    monitors: Monitors
    config: ConfigCache
    queue: JobQueue
    retention: timedelta
    clock: Callable[[], datetime]
    timezone: tzinfo = field(default=UTC)
    resolve_minute: timedelta = timedelta(minutes=1)
    # The maintenance windows published to status pages, to update or complete them (DESIGN 6b).
    published_maintenance: StatusPageIncidents | None = None


@dataclass(frozen=True)
class IntakeResult:
    verdict: Verdict | None  # None: the monitor is unknown
    alerts_raised: int = 0
    deliveries_queued: int = 0

    def summary(self) -> dict[str, object]:
        verdict = self.verdict.value if self.verdict else "unknown-monitor"
        return {"verdict": verdict, "alerts": self.alerts_raised, "deliveries": self.deliveries_queued}


@dataclass(frozen=True)
class ReceivedCheck:
    """A check result and the queue message that carried it (a MonitorCheckBatch carries many)."""

    check: CheckResult
    message_id: str


@dataclass(frozen=True)
class BatchResult:
    results: tuple[IntakeResult, ...] = ()
    # Messages to hand back to the queue: a check they carry failed for a reason a retry can fix.
    failed_message_ids: frozenset[str] = frozenset()
    malformed: int = 0


def out_of_bounds(check: CheckResult, now: datetime, retention: timedelta) -> str | None:
    """Why a check's Timestamp cannot be taken (DESIGN §4), or None: it would move the monitor's watermark
    past every real check (the future), or concern alerts already expired (the past)."""
    if check.timestamp > now + MAX_CLOCK_AHEAD:
        return f"Timestamp: {check.timestamp:%Y-%m-%dT%H:%M:%SZ} is more than 5 minutes in the future"
    if check.timestamp < now - retention:
        return f"Timestamp: {check.timestamp:%Y-%m-%dT%H:%M:%SZ} is older than the alert retention"
    return None


def process_batch(
    received: Sequence[ReceivedCheck], deps: IntakeDependencies, park: Callable[[CheckResult, str], None]
) -> BatchResult:
    """Checks taken per monitor in timestamp order, the monitors read in one request per 100.

    A failure on one monitor fails only the messages that carried its checks; what was taken before it
    is a duplicate when they come back.
    """
    now = deps.clock()
    by_monitor: dict[UUID, list[ReceivedCheck]] = {}
    malformed = 0
    for given in received:
        item = ReceivedCheck(within_sizes(given.check), given.message_id)
        reason = out_of_bounds(item.check, now, deps.retention)
        if reason is not None:
            park(item.check, reason)
            malformed += 1
            continue
        by_monitor.setdefault(item.check.monitor_guid, []).append(item)
    records = deps.monitors.records(by_monitor)
    try:
        _read_config_ahead(by_monitor, records, deps)
    except UnavailableError:
        logger.warning("config not read ahead; each check reads its own", exc_info=True)
    results: list[IntakeResult] = []
    failed: set[str] = set()
    pending = _PendingJobs(deps.queue)
    for monitor_guid, items in by_monitor.items():
        items.sort(key=lambda item: item.check.watermark)
        owners = frozenset(item.message_id for item in items)
        # A monitor's second save replaces the outbox its first one's jobs would be resent from.
        taking = replace(deps, queue=pending.carried_by(owners)) if len(items) == 1 else deps
        try:
            results += _take_in_order([item.check for item in items], records.get(monitor_guid), taking)
        except Exception:
            logger.exception("checks of a monitor failed; their messages go back to the queue")
            failed |= owners
    failed |= pending.flush()
    logger.remove_keys(["monitor_guid", "check_id"])
    count(Metric.CHECKS_EVALUATED, len(results))
    ignored = sum(result.verdict in _IGNORED for result in results)
    if ignored:
        count(Metric.CHECKS_IGNORED, ignored)
    return BatchResult(tuple(results), frozenset(failed), malformed)


class _PendingJobs:
    """Delivery jobs held until 10 can share a request (the rest at the end of the batch), each with the
    messages that carried its check: a burst's first deliveries leave while later monitors are evaluated.

    A send that fails fails those messages: they come back as duplicates of a saved evaluation, whose
    outbox is sent again (DESIGN §9)."""

    def __init__(self, queue: JobQueue) -> None:
        self._queue = queue
        self._jobs: list[tuple[DeliveryJob, frozenset[str]]] = []
        self._failed: set[str] = set()

    def carried_by(self, owners: frozenset[str]) -> JobQueue:
        """A queue that holds jobs here on behalf of the messages `owners`."""
        return _HeldFor(self, owners)

    def hold(self, jobs: Sequence[DeliveryJob], owners: frozenset[str]) -> None:
        self._jobs += [(job, owners) for job in jobs]
        if len(self._jobs) >= SQS_BATCH:
            self._send(len(self._jobs) - len(self._jobs) % SQS_BATCH)

    def flush(self) -> set[str]:
        """Sends every job still held; returns the messages of the jobs that were not sent."""
        self._send(len(self._jobs))
        return self._failed

    def _send(self, jobs: int) -> None:
        taken, self._jobs = self._jobs[:jobs], self._jobs[jobs:]
        for start in range(0, len(taken), SQS_BATCH):
            chunk = taken[start : start + SQS_BATCH]
            try:
                self._queue.send([job for job, _ in chunk])
            except UnavailableError:
                logger.exception("queueing deliveries failed; their checks' messages go back to the queue")
                self._failed.update(*(owners for _, owners in chunk))


@dataclass(frozen=True)
class _HeldFor:
    pending: _PendingJobs
    owners: frozenset[str]

    def send(self, jobs: Sequence[DeliveryJob]) -> None:
        self.pending.hold(jobs, self.owners)


def process_check(check: CheckResult, deps: IntakeDependencies) -> IntakeResult:
    """One check on its own (no time bounds: the queue's batches go through `process_batch`)."""
    check = within_sizes(check)
    (result,) = _take_in_order(
        [check], deps.monitors.records([check.monitor_guid]).get(check.monitor_guid), deps
    )
    count(Metric.CHECKS_EVALUATED)
    return result


_IGNORED = (None, Verdict.DUPLICATE, Verdict.STALE, Verdict.MONITOR_INACTIVE, Verdict.IGNORED)


def _take_in_order(
    checks: Sequence[CheckResult], record: MonitorRecord | None, deps: IntakeDependencies
) -> list[IntakeResult]:
    results = []
    for check in checks:
        logger.append_keys(monitor_guid=str(check.monitor_guid), check_id=check.id)
        if record is None:
            logger.warning("check result for an unknown monitor ignored")
            results.append(IntakeResult(verdict=None))
            continue
        result, record = _take(check, record, deps)
        results.append(result)
    return results


def _take(
    check: CheckResult, record: MonitorRecord, deps: IntakeDependencies
) -> tuple[IntakeResult, MonitorRecord]:
    """One check on the record as it stands; returns the result and the record as it stands after it."""
    state = record.state
    if state.is_clean and check.error_level is not ErrorLevel.CONFIRMED:
        # The steady path: a clean monitor stays clean. Nothing is written unless the stored watermark
        # is WATERMARK_REFRESH behind, which bounds how far back a late Confirmed check can reach.
        if state.watermark is not None and check.watermark <= state.watermark:
            verdict = Verdict.DUPLICATE if check.watermark == state.watermark else Verdict.STALE
            return IntakeResult(verdict), record
        refresh = _watermark(check.timestamp - WATERMARK_REFRESH)
        if check.error_level is ErrorLevel.UNCONFIRMED or (state.watermark or "") > refresh:
            return IntakeResult(Verdict.RECORDED), record
        advance = deps.monitors.advance_if_clean(check.monitor_guid, check.watermark)
        if advance.done:
            moved = state.model_copy(update={"watermark": check.watermark})
            return IntakeResult(Verdict.RECORDED), replace(record, state=moved)
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


def _watermark(moment: datetime) -> str:
    """The lowest watermark of a check at `moment` (watermarks sort as text)."""
    return f"{moment:%Y-%m-%dT%H:%M:%S.%fZ}#"


def _evaluate_and_save(
    check: CheckResult, record: MonitorRecord, deps: IntakeDependencies
) -> tuple[IntakeResult, MonitorRecord]:
    config = _monitor_config(record, deps)
    evaluation = evaluate_check(record.state, check, config)
    if evaluation.verdict is Verdict.DUPLICATE and record.outbox_watermark == check.watermark:
        # The same event again, maybe because we failed after saving: queue its deliveries again.
        # SQS drops what it already has (same deduplication ids).
        jobs = deps.monitors.outbox_jobs(record)
        deps.queue.send(jobs)
        return IntakeResult(evaluation.verdict, deliveries_queued=len(jobs)), record
    if not evaluation.needs_write or evaluation.state == record.state:
        logger.info("check result taken without a write", verdict=evaluation.verdict.value)
        return IntakeResult(evaluation.verdict), record
    return _save(record, evaluation, config, deps, outbox_key=check.watermark)


def _save(
    record: MonitorRecord,
    evaluation: Evaluation,
    config: MonitorConfig,
    deps: IntakeDependencies,
    outbox_key: str | None,
) -> tuple[IntakeResult, MonitorRecord]:
    plan = delivery_plan(evaluation.alerts, config, _integrations(config, deps.config))
    now = deps.clock()
    decision = explained(evaluation.decision, plan) if evaluation.decision else None
    transition = Transition(
        previous=record.state,
        state=evaluation.state,
        evaluated_at=now,
        expires_at=now + deps.retention,
        alerts=evaluation.alerts,
        outbox=plan.jobs,
        outbox_key=outbox_key,
        decision=decision,
        due_at=_next_due(evaluation.state, config, now),
    )
    deps.monitors.save_evaluation(record.monitor.monitor_guid, transition)
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
        count(Metric.ALERTS_SUPPRESSED if alert.suppressed_reason else Metric.ALERTS_RAISED)
    result = IntakeResult(evaluation.verdict, len(evaluation.alerts), len(plan.jobs))
    return result, applied(record, transition)


class SweepRequest(ApiModel):
    """The sweep schedule's `detail`: the shard of the Due index to sweep; none sweeps every shard."""

    model_config = ApiModel.model_config | {"extra": "ignore"}

    shard: int | None = Field(default=None, ge=0, lt=keys.DUE_SHARDS)


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


def sweep(deps: IntakeDependencies, shard: int | None = None) -> SweepResult:
    """The scheduled sweep: duration thresholds and reminders that came due without a new check.

    One shard of the Due index (each has its own schedule, so a mass outage is swept by every shard at
    once), or all of them. The due monitors are read in one request per 100; only those whose evaluation
    changes are written.
    """
    now = deps.clock()
    due = deps.monitors.due(now, shard)
    records = deps.monitors.records(due)
    alerts = deliveries = 0
    for monitor_guid in due:
        logger.append_keys(monitor_guid=str(monitor_guid))
        record = records.get(monitor_guid)
        if record is None:
            continue
        try:
            result = _tick(record, now, deps)
        except NotFoundError:
            continue
        alerts += result.alerts_raised
        deliveries += result.deliveries_queued
    logger.remove_keys(["monitor_guid"])
    count(Metric.MONITORS_SWEPT, len(due))
    return SweepResult(len(due), alerts, deliveries)


def _tick(record: MonitorRecord, now: datetime, deps: IntakeDependencies) -> IntakeResult:
    monitor_guid = record.monitor.monitor_guid
    for _ in range(MAX_CONFLICT_RETRIES):
        config = _monitor_config(record, deps)
        evaluation = evaluate_tick(record.state, now, config)
        due_at = _next_due(evaluation.state, config, now)
        unchanged_due = record.due_at == (keys.due(monitor_guid, due_at)["DueAt"] if due_at else None)
        published = _publish_maintenance(config, now, deps)
        if evaluation.verdict is Verdict.IDLE and unchanged_due:
            return IntakeResult(evaluation.verdict, deliveries_queued=published)
        try:
            result = _save(record, evaluation, config, deps, outbox_key=None)[0]
            return replace(result, deliveries_queued=result.deliveries_queued + published)
        except ConcurrentUpdateError:
            logger.info("monitor state changed concurrently; sweeping it again")
            record = deps.monitors.record(monitor_guid)
    raise ConcurrentUpdateError(f"monitor {monitor_guid} kept changing under {MAX_CONFLICT_RETRIES} tries")


def _next_due(state: MonitorState, config: MonitorConfig, now: datetime) -> datetime | None:
    """The sooner of the evaluation's next moment and the next maintenance window to publish."""
    due = [at for at in (next_due(state, config), next_notice_due(config, now)) if at is not None]
    return min(due, default=None)


def _publish_maintenance(config: MonitorConfig, now: datetime, deps: IntakeDependencies) -> int:
    """Queue the notices of the maintenance windows in force to the pages that publish them; a notice
    queued again (a later tick inside the same window) is dropped as a duplicate at delivery."""
    notices = maintenance_notices(config, now)
    jobs = delivery_plan(notices, config, _integrations(config, deps.config)).jobs if notices else []
    if deps.published_maintenance is not None:
        published = deps.published_maintenance.open_maintenance(config.monitor.monitor_guid, now)
        jobs += completions(published, jobs, now)
    if not jobs:
        return 0
    deps.queue.send(jobs)
    for notice in notices:
        logger.info(
            "maintenance published", alert_guid=str(notice.alert_guid), incident_key=notice.incident_key
        )
    return len(jobs)


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
    return cache.integrations(_integration_guids(config))


def _integration_guids(config: MonitorConfig) -> set[UUID]:
    return {
        attached.integration_guid
        for definition in config.definitions
        for level in definition.level_integrations.values()
        for attached in level
    }


def _read_config_ahead(
    by_monitor: dict[UUID, list[ReceivedCheck]], records: dict[UUID, MonitorRecord], deps: IntakeDependencies
) -> None:
    """Reads the integrations of every monitor the batch may change in one request, so its checks find
    them cached instead of reading their own. A clean monitor with no Confirmed check takes the steady
    path, which reads no config."""
    guids: set[UUID] = set()
    for monitor_guid, items in by_monitor.items():
        record = records.get(monitor_guid)
        if record is None or (
            record.state.is_clean
            and all(item.check.error_level is not ErrorLevel.CONFIRMED for item in items)
        ):
            continue
        guids |= _integration_guids(_monitor_config(record, deps))
    deps.config.integrations(guids)
