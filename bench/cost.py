"""Estimated AWS cost per million check results, from the request counts measured in this run and the
published on-demand prices below; and the same arithmetic at the scale target (DESIGN §9)."""

from __future__ import annotations

from typing import Any

# us-east-1 on-demand list prices, as published on the AWS pricing pages on this date (no free tier).
PRICES_AS_OF = "2025-06-01"
EVENTBRIDGE_CUSTOM_EVENTS_PER_MILLION_USD = 1.00
LAMBDA_REQUESTS_PER_MILLION_USD = 0.20
LAMBDA_ARM64_GB_SECOND_USD = 0.0000133334
DYNAMODB_WRITE_REQUEST_UNITS_PER_MILLION_USD = 0.625
DYNAMODB_READ_REQUEST_UNITS_PER_MILLION_USD = 0.125
SQS_FIFO_REQUESTS_PER_MILLION_USD = 0.50
SQS_STANDARD_REQUESTS_PER_MILLION_USD = 0.40

FUNCTION_MEMORY_GB = 0.5  # template Globals MemorySize 512
DELIVERY_BATCH = 10  # template BatchSize
STATE_CHANGE_SHARE = 0.01  # assumed: 1 check result in 100 opens or closes an incident
SCALE_CHECKS_PER_S = 100_000 / 60  # 100,000 monitors checked every minute
SECONDS_PER_MONTH = 30 * 24 * 3600
INTAKE_RECEIVE_BATCH = 10  # the event source mapping receives and deletes up to 10 messages a call
# Lambda duration per check, priced from counts rather than this run's timing (which moves with the
# machine's load): the landed code's unloaded run of 2026-11-23 (bench/results.json), one check per
# invocation. Batching only removes per-invocation overhead, so this overstates the batched cost.
LAMBDA_MS_PER_CHECK = {"steady": 3.19, "state_change": 25.0}
# Steady checks before issue 12 (EventBridge → async invoke, one write each): bench/results.json, 2026-11-23.
BEFORE_STEADY_USD_PER_MILLION = 1.85


def _lambda(requests: float, milliseconds: float) -> float:
    """USD for `requests` invocations of `milliseconds` each (billed per ms), per check result."""
    return requests * LAMBDA_REQUESTS_PER_MILLION_USD / 1e6 + requests * milliseconds / 1000 * (
        FUNCTION_MEMORY_GB * LAMBDA_ARM64_GB_SECOND_USD
    )


def _dynamodb(write_units: float, read_units: float) -> float:
    return (
        write_units * DYNAMODB_WRITE_REQUEST_UNITS_PER_MILLION_USD
        + read_units * DYNAMODB_READ_REQUEST_UNITS_PER_MILLION_USD
    ) / 1e6


def _intake_usd(figures: dict[str, Any]) -> float:
    """Per check: the EventBridge event, and the intake queue's send, receive and delete (10 a call)."""
    events = float(figures["events"])
    sqs_requests = events * (1 + 2 / INTAKE_RECEIVE_BATCH)
    return (
        events * EVENTBRIDGE_CUSTOM_EVENTS_PER_MILLION_USD / 1e6
        + sqs_requests * SQS_STANDARD_REQUESTS_PER_MILLION_USD / 1e6
    )


def _evaluator_usd(figures: dict[str, Any], lambda_ms_per_check: float) -> float:
    ms_per_invocation = lambda_ms_per_check / figures["invocations"]
    return (
        _intake_usd(figures)
        + _lambda(figures["invocations"], ms_per_invocation)
        + _dynamodb(figures["dynamodb_write_units"], figures["dynamodb_read_units"])
    )


def per_million(evaluator: dict[str, Any], delivery: dict[str, Any]) -> dict[str, Any]:
    sequential = delivery["target_latency_100ms"]["concurrency_1"]
    # A state change also queues one delivery (one linked service); the delivery side receives and
    # deletes it in batches of 10, and writes the attempt log and the delivered marker.
    delivery_usd = (
        _lambda(1 / DELIVERY_BATCH, sequential["ms_per_invocation"])
        + _dynamodb(sequential["dynamodb_write_units"], sequential["dynamodb_read_units"])
        + 2 / DELIVERY_BATCH * SQS_FIFO_REQUESTS_PER_MILLION_USD / 1e6
    )
    figures: dict[str, Any] = {"prices_as_of": PRICES_AS_OF, "state_change_share": STATE_CHANGE_SHARE}
    for kind in ("single", "batched"):
        steady, change = evaluator[f"steady_{kind}"], evaluator[f"state_change_{kind}"]
        steady_usd = _evaluator_usd(steady, LAMBDA_MS_PER_CHECK["steady"])
        change_usd = (
            _evaluator_usd(change, LAMBDA_MS_PER_CHECK["state_change"])
            + change["sqs_requests"] * SQS_FIFO_REQUESTS_PER_MILLION_USD / 1e6
            + delivery_usd
        )
        blended = (1 - STATE_CHANGE_SHARE) * steady_usd + STATE_CHANGE_SHARE * change_usd
        figures[kind] = {
            "steady_usd_per_million": steady_usd * 1e6,
            "state_change_usd_per_million": change_usd * 1e6,
            "blended_usd_per_million": blended * 1e6,
            "eventbridge_share_of_steady": steady["events"]
            * EVENTBRIDGE_CUSTOM_EVENTS_PER_MILLION_USD
            / 1e6
            / steady_usd,
        }
    figures["before_steady_usd_per_million"] = BEFORE_STEADY_USD_PER_MILLION
    figures["delivery_ms_per_job"] = sequential["ms_per_invocation"] / DELIVERY_BATCH
    return figures


def at_scale(evaluator: dict[str, Any], cost: dict[str, Any]) -> dict[str, Any]:
    """The scale target with single MonitorCheck events (the monitoring system does not batch)."""
    steady, change = evaluator["steady_single"], evaluator["state_change_single"]
    share = STATE_CHANGE_SHARE
    write_units = (1 - share) * steady["dynamodb_write_units"] + share * change["dynamodb_write_units"]
    read_units = (1 - share) * steady["dynamodb_read_units"] + share * change["dynamodb_read_units"]
    invocations = (1 - share) * steady["invocations"] + share * change["invocations"]
    checks_per_month = SCALE_CHECKS_PER_S * SECONDS_PER_MONTH
    busy_ms = (1 - share) * LAMBDA_MS_PER_CHECK["steady"] + share * LAMBDA_MS_PER_CHECK["state_change"]
    return {
        "checks_per_s": SCALE_CHECKS_PER_S,
        "burst_checks_per_s": SCALE_CHECKS_PER_S * 10,
        "evaluator_invocations_per_s": SCALE_CHECKS_PER_S * invocations,
        "evaluator_concurrency": SCALE_CHECKS_PER_S * busy_ms / 1000,
        "burst_evaluator_concurrency": 10 * SCALE_CHECKS_PER_S * busy_ms / 1000,
        "dynamodb_write_units_per_s": SCALE_CHECKS_PER_S * write_units,
        "dynamodb_read_units_per_s": SCALE_CHECKS_PER_S * read_units,
        "deliveries_per_s": SCALE_CHECKS_PER_S * share,
        "checks_per_month": checks_per_month,
        "usd_per_month": checks_per_month / 1e6 * cost["single"]["blended_usd_per_million"],
        "usd_per_month_batched": checks_per_month / 1e6 * cost["batched"]["blended_usd_per_million"],
    }
