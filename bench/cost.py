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


def per_million(evaluator: dict[str, Any], delivery: dict[str, Any]) -> dict[str, Any]:
    steady, change = evaluator["steady"], evaluator["state_change"]
    sequential = delivery["target_latency_100ms"]["concurrency_1"]
    delivery_ms = sequential["ms_per_invocation"] / DELIVERY_BATCH
    event = EVENTBRIDGE_CUSTOM_EVENTS_PER_MILLION_USD / 1e6
    steady_usd = (
        event
        + _lambda(1, steady["ms_per_check"])
        + _dynamodb(steady["dynamodb_write_units"], steady["dynamodb_read_units"])
    )
    # A state change also queues one delivery (one linked service); the delivery side receives and
    # deletes it in batches of 10, and writes the attempt log and the delivered marker.
    delivery_usd = (
        _lambda(1 / DELIVERY_BATCH, sequential["ms_per_invocation"])
        + _dynamodb(sequential["dynamodb_write_units"], sequential["dynamodb_read_units"])
        + 2 / DELIVERY_BATCH * SQS_FIFO_REQUESTS_PER_MILLION_USD / 1e6
    )
    change_usd = (
        event
        + _lambda(1, change["ms_per_check"])
        + _dynamodb(change["dynamodb_write_units"], change["dynamodb_read_units"])
        + change["sqs_requests"] * SQS_FIFO_REQUESTS_PER_MILLION_USD / 1e6
        + delivery_usd
    )
    blended = (1 - STATE_CHANGE_SHARE) * steady_usd + STATE_CHANGE_SHARE * change_usd
    return {
        "prices_as_of": PRICES_AS_OF,
        "steady_usd_per_million": steady_usd * 1e6,
        "state_change_usd_per_million": change_usd * 1e6,
        "blended_usd_per_million": blended * 1e6,
        "state_change_share": STATE_CHANGE_SHARE,
        "delivery_ms_per_job": delivery_ms,
        "eventbridge_share_of_steady": event / steady_usd,
    }


def at_scale(evaluator: dict[str, Any], cost: dict[str, Any]) -> dict[str, Any]:
    steady, change = evaluator["steady"], evaluator["state_change"]
    share = STATE_CHANGE_SHARE
    write_units = (1 - share) * steady["dynamodb_write_units"] + share * change["dynamodb_write_units"]
    checks_per_month = SCALE_CHECKS_PER_S * SECONDS_PER_MONTH
    busy_ms = (1 - share) * steady["ms_per_check"] + share * change["ms_per_check"]
    return {
        "checks_per_s": SCALE_CHECKS_PER_S,
        "burst_checks_per_s": SCALE_CHECKS_PER_S * 10,
        "evaluator_invocations_per_s": SCALE_CHECKS_PER_S,
        "evaluator_concurrency": SCALE_CHECKS_PER_S * busy_ms / 1000,
        "burst_evaluator_concurrency": 10 * SCALE_CHECKS_PER_S * busy_ms / 1000,
        "dynamodb_write_units_per_s": SCALE_CHECKS_PER_S * write_units,
        "deliveries_per_s": SCALE_CHECKS_PER_S * share,
        "checks_per_month": checks_per_month,
        "usd_per_month": checks_per_month / 1e6 * cost["blended_usd_per_million"],
        # The documented option: EventBridge → SQS (standard) → evaluator in batches of 10.
        "sqs_batched_lambda_invocations_per_s": SCALE_CHECKS_PER_S / 10,
        "sqs_batched_extra_usd_per_million": (1 + 2 / 10) * SQS_STANDARD_REQUESTS_PER_MILLION_USD
        - 0.9 * LAMBDA_REQUESTS_PER_MILLION_USD,
    }
