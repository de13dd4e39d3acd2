"""Takes one check result through evaluation: load the monitor, evaluate, save, queue deliveries.

Cost per check result with a warm function: a NoError or Unconfirmed check on a monitor with nothing
open is one conditional update; a state change is one read and one write (a transaction when alerts
are raised). Definitions and integrations come from the warm function's cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from aws_lambda_powertools.metrics import MetricUnit

from alerting.delivery.queue import DeliveryQueue
from alerting.errors import ConcurrentUpdateError, NotFoundError
from alerting.evaluation import MonitorConfig, Verdict, evaluate_check, plan_deliveries
from alerting.models.check import CheckResult, ErrorLevel
from alerting.models.config import Integration
from alerting.observability import Metric, logger, metrics
from alerting.storage.config_cache import ConfigCache
from alerting.storage.monitors import MonitorRecord, Monitors

MAX_CONFLICT_RETRIES = 5


@dataclass
class IntakeDependencies:
    monitors: Monitors
    config: ConfigCache
    queue: DeliveryQueue
    retention: timedelta
    clock: Callable[[], datetime]


@dataclass(frozen=True)
class IntakeResult:
    verdict: Verdict | None  # None: the monitor is unknown
    alerts_raised: int = 0
    deliveries_queued: int = 0

    def summary(self) -> dict[str, object]:
        verdict = self.verdict.value if self.verdict else "unknown-monitor"
        return {"verdict": verdict, "alerts": self.alerts_raised, "deliveries": self.deliveries_queued}


def process_check(check: CheckResult, deps: IntakeDependencies) -> IntakeResult:
    logger.append_keys(monitor_guid=str(check.monitor_guid), check_id=check.id)
    try:
        result = _process(check, deps)
    except NotFoundError:
        logger.warning("check result for an unknown monitor ignored")
        result = IntakeResult(verdict=None)
    metrics.add_metric(name=Metric.CHECKS_EVALUATED, unit=MetricUnit.Count, value=1)
    if result.verdict in (None, Verdict.DUPLICATE, Verdict.STALE, Verdict.MONITOR_INACTIVE):
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
    config = _monitor_config(record, deps.config)
    evaluation = evaluate_check(record.state, check, config)
    if evaluation.verdict is Verdict.DUPLICATE and record.outbox_watermark == check.watermark:
        # The same event again, maybe because we failed after saving: queue its deliveries again.
        # SQS drops what it already has (same deduplication ids).
        deps.queue.send(record.outbox)
        return IntakeResult(evaluation.verdict, deliveries_queued=len(record.outbox))
    if not evaluation.needs_write:
        logger.info("check result ignored", verdict=evaluation.verdict.value)
        return IntakeResult(evaluation.verdict)
    jobs = plan_deliveries(evaluation.alerts, config, _integrations(config, deps.config))
    expires_at = deps.clock() + deps.retention
    deps.monitors.save_evaluation(
        check.monitor_guid, record.state, evaluation.state, list(evaluation.alerts), jobs, expires_at
    )
    deps.queue.send(jobs)
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
    return IntakeResult(evaluation.verdict, len(evaluation.alerts), len(jobs))


def _monitor_config(record: MonitorRecord, cache: ConfigCache) -> MonitorConfig:
    definitions = [cache.definition(guid) for guid in sorted(record.definition_guids)]
    return MonitorConfig(record.monitor, [d for d in definitions if d is not None])


def _integrations(config: MonitorConfig, cache: ConfigCache) -> dict[UUID, Integration]:
    found: dict[UUID, Integration] = {}
    for definition in config.definitions:
        for attached in definition.level_integrations.values():
            for level_integration in attached:
                loaded = cache.integration(level_integration.integration_guid)
                if loaded is not None:
                    found[loaded.integration.integration_guid] = loaded.integration
    return found
