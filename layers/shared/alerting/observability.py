"""The shared Powertools logger, tracer and metrics, and the names of the business metrics."""

from __future__ import annotations

from enum import StrEnum

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()


class Metric(StrEnum):
    CHECKS_EVALUATED = "ChecksEvaluated"
    CHECKS_IGNORED = "ChecksIgnored"
    ALERTS_RAISED = "AlertsRaised"
    ALERTS_SUPPRESSED = "AlertsSuppressed"
    MALFORMED_EVENTS = "MalformedEvents"
    DELIVERIES_SUCCEEDED = "DeliveriesSucceeded"
    DELIVERIES_RETRIED = "DeliveriesRetried"
    DELIVERIES_FAILED = "DeliveriesFailed"
    DELIVERY_DUPLICATES_SKIPPED = "DeliveryDuplicatesSkipped"
