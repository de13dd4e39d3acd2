"""The evaluator in process on moto: DynamoDB requests per check result, and check results per second
with storage vs the pure decision (`evaluate_check`) over the same inputs."""

from __future__ import annotations

import time
import uuid
from typing import Any

from alerting.evaluation import MonitorConfig, evaluate_check
from alerting.models.check import CheckResult
from bench.in_process import InProcessStack, check_detail, in_process_stack

STEADY_CHECKS = 300
CHANGING_CHECKS = 200
PURE_REPEAT = 20


def _per_check(stack: InProcessStack, details: list[dict[str, Any]]) -> dict[str, float]:
    stack.requests.clear()
    began = time.perf_counter()
    for detail in details:
        stack.evaluate(detail)
    elapsed = time.perf_counter() - began
    n = len(details)
    return {
        "checks_per_s": n / elapsed,
        "ms_per_check": elapsed * 1000 / n,
        "dynamodb_requests": stack.requests.of("dynamodb") / n,
        "dynamodb_write_units": stack.requests.write_units / n,
        "dynamodb_read_units": stack.requests.read_units / n,
        "sqs_requests": stack.requests.of("sqs") / n,
    }


def _pure_per_s(stack: InProcessStack, monitor: str, details: list[dict[str, Any]]) -> float:
    """evaluate_check alone over the same checks, state carried from one to the next as intake would."""
    deps = stack.evaluator.composition.evaluator_root().intake
    record = deps.monitors.record(uuid.UUID(monitor))
    definitions = [deps.config.definition(g) for g in sorted(record.definition_guids)]
    config = MonitorConfig(record.monitor, [d for d in definitions if d is not None])
    checks = [CheckResult.model_validate(detail) for detail in details]
    began = time.perf_counter()
    for _ in range(PURE_REPEAT):
        state = record.state
        for check in checks:
            state = evaluate_check(state, check, config).state
    return PURE_REPEAT * len(checks) / (time.perf_counter() - began)


def run() -> dict[str, Any]:
    with in_process_stack() as stack:
        monitor = stack.statushub_monitor(
            "Bench", "https://hooks.statushub.io/hooks/uptrends?token=0123456789abcdef"
        )["monitor"]
        # Warm: the first check loads config into the cache, as a warm function has it.
        stack.evaluate(check_detail(monitor, 1, "NoError", 0))
        stack.evaluate(check_detail(monitor, 2, "Confirmed", 1))
        stack.evaluate(check_detail(monitor, 3, "NoError", 2))
        steady_details = [check_detail(monitor, 10 + i, "NoError", 10 + i) for i in range(STEADY_CHECKS)]
        steady = _per_check(stack, steady_details)
        base = 10 + STEADY_CHECKS
        changing_details = [
            check_detail(monitor, base + i, "Confirmed" if i % 2 == 0 else "NoError", base + i)
            for i in range(CHANGING_CHECKS)
        ]
        changing = _per_check(stack, changing_details)
    # The pure baseline needs the config the stack held; measure it on a fresh stack with the same set-up.
    with in_process_stack() as stack:
        monitor = stack.statushub_monitor(
            "Bench", "https://hooks.statushub.io/hooks/uptrends?token=0123456789abcdef"
        )["monitor"]
        stack.evaluate(check_detail(monitor, 1, "NoError", 0))
        steady["pure_checks_per_s"] = _pure_per_s(stack, monitor, steady_details)
        changing["pure_checks_per_s"] = _pure_per_s(stack, monitor, changing_details)
    for figures in (steady, changing):
        figures["storage_overhead_ratio"] = figures["pure_checks_per_s"] / figures["checks_per_s"]
    return {"steady": steady, "state_change": changing}
