"""The shared Powertools logger, tracer and metrics, and the names of the business metrics.

Log lines carry the correlation keys of what they are about: `monitor_guid` and `check_id` in the
evaluator, `alert_guid`, `incident_key`, `monitor_guid` and `target` in delivery (and `correlation_id`,
the API Gateway request id or EventBridge event id). Metrics go to the `POWERTOOLS_METRICS_NAMESPACE`
namespace as CloudWatch embedded metric format, one figure per business outcome below.
"""

from __future__ import annotations

import threading
from enum import StrEnum

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger()
tracer = Tracer()
metrics = Metrics()
# Powertools' metric set is not thread-safe: deliveries of several targets, and evaluations of several
# monitors of one batch, run in threads.
_metrics_lock = threading.Lock()


class Metric(StrEnum):
    CHECKS_EVALUATED = "ChecksEvaluated"
    # Duplicates, late checks, inactive or unknown monitors.
    CHECKS_IGNORED = "ChecksIgnored"
    MONITORS_SWEPT = "MonitorsSwept"
    ALERTS_RAISED = "AlertsRaised"
    # Recorded with a suppression reason and sent nowhere (GenerateAlert off, maintenance, ...).
    ALERTS_SUPPRESSED = "AlertsSuppressed"
    MALFORMED_EVENTS = "MalformedEvents"
    DELIVERIES_SUCCEEDED = "DeliveriesSucceeded"
    DELIVERIES_RETRIED = "DeliveriesRetried"
    # Permanent failures and messages whose retry schedule ran out.
    DELIVERIES_FAILED = "DeliveriesFailed"
    # Nothing to send for the alert: no step of the integration takes its type, or nobody is on duty.
    DELIVERIES_SKIPPED = "DeliveriesSkipped"
    # A target switched off after failing for too long.
    TARGETS_DISABLED = "TargetsDisabled"
    # A redelivered message whose target had already received it: acknowledged, not sent again.
    DELIVERY_DUPLICATES_SKIPPED = "DeliveryDuplicatesSkipped"


def count(metric: Metric, value: int = 1) -> None:
    """Add `value` to a metric, from any thread."""
    with _metrics_lock:
        metrics.add_metric(name=metric, unit=MetricUnit.Count, value=value)
