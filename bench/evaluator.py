"""The evaluator in process on moto, fed as the IntakeQueue feeds it: AWS requests per check result for
steady and state-change checks, published as single MonitorCheck events or as MonitorCheckBatch events;
and check results per second with storage vs the pure decision (`evaluate_check`) over the same inputs."""

from __future__ import annotations

import time
import uuid
from typing import Any

from alerting.evaluation import MonitorConfig, evaluate_check
from alerting.models.check import CheckResult
from bench.in_process import InProcessStack, check_detail, check_event, in_process_stack
from tests.support.intake import check_batch_event

MONITORS = 20  # each round checks every monitor once, as a minute at scale does
ROUNDS = 15  # minutes of checks per scenario
# Single events at 20 checks/s, gathered by the event source's 1 s batching window: 20 per invocation.
SINGLE_EVENTS_PER_INVOCATION = 20
# MonitorCheckBatch events of one round each (20 checks), 5 rounds to an invocation: 100 checks.
BATCH_EVENTS_PER_INVOCATION = 5
PURE_REPEAT = 20
HOOK = "https://hooks.statushub.io/hooks/uptrends?token=0123456789abcdef"

# The landed code before issue 12, from its bench/results.json (2026-11-23): one EventBridge event, one
# evaluator invocation and one conditional write per steady check; a read and a transaction per change.
BEFORE = {
    "steady": {"dynamodb_requests": 1.0, "invocations": 1.0, "events": 1.0},
    "state_change": {"dynamodb_requests": 2.0, "invocations": 1.0, "events": 1.0},
}


def _rounds(monitors: list[str], first_round: int, levels: list[str]) -> list[list[dict[str, Any]]]:
    """One list of check details per round (minute): every monitor once, at that round's level."""
    return [
        [
            check_detail(monitor, 1_000 * (first_round + r) + i, levels[r % len(levels)], first_round + r)
            for i, monitor in enumerate(monitors)
        ]
        for r in range(ROUNDS)
    ]


def _invocations(rounds: list[list[dict[str, Any]]], batched: bool) -> list[list[dict[str, Any]]]:
    """The EventBridge events of each evaluator invocation."""
    if batched:
        events = [check_batch_event(details, f"batch-{details[0]['Id']}") for details in rounds]
        size = BATCH_EVENTS_PER_INVOCATION
    else:
        events = [check_event(detail) for details in rounds for detail in details]
        size = SINGLE_EVENTS_PER_INVOCATION
    return [events[start : start + size] for start in range(0, len(events), size)]


def _per_check(stack: InProcessStack, rounds: list[list[dict[str, Any]]], batched: bool) -> dict[str, float]:
    invocations = _invocations(rounds, batched)
    n = sum(len(details) for details in rounds)
    stack.requests.clear()
    began = time.perf_counter()
    for events in invocations:
        stack.evaluate_events(events)
    elapsed = time.perf_counter() - began
    return {
        "checks_per_s": n / elapsed,
        "ms_per_check": elapsed * 1000 / n,
        "dynamodb_requests": stack.requests.of("dynamodb") / n,
        "dynamodb_write_units": stack.requests.write_units / n,
        "dynamodb_read_units": stack.requests.read_units / n,
        "sqs_requests": stack.requests.of("sqs") / n,
        "invocations": len(invocations) / n,
        "events": sum(len(events) for events in invocations) / n,
    }


def _pure_per_s(stack: InProcessStack, monitor: str, details: list[dict[str, Any]]) -> float:
    """evaluate_check alone over the same checks, state carried from one to the next as intake would."""
    deps = stack.evaluator.evaluator_root().intake
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
    results: dict[str, Any] = {}
    with in_process_stack() as stack:
        monitors = [stack.statushub_monitor(f"Bench {i}", HOOK)["monitor"] for i in range(MONITORS)]
        # Warm: the config cache filled, as a warm function has it.
        for warm in _invocations(_rounds(monitors, 0, ["NoError", "Confirmed", "NoError"])[:3], True):
            stack.evaluate_events(warm)
        first_round = 10
        for batched, kind in ((False, "single"), (True, "batched")):
            steady_rounds = _rounds(monitors, first_round, ["NoError"])
            results[f"steady_{kind}"] = _per_check(stack, steady_rounds, batched)
            first_round += ROUNDS
            changing_rounds = _rounds(monitors, first_round, ["Confirmed", "NoError"])
            results[f"state_change_{kind}"] = _per_check(stack, changing_rounds, batched)
            first_round += ROUNDS
            # Unmeasured: the monitors recover, so the next steady scenario starts clean.
            for closing in _invocations(_rounds(monitors, first_round, ["NoError"])[:1], True):
                stack.evaluate_events(closing)
            first_round += 1
        one_monitor = [details[0] for details in steady_rounds]
        changing = [details[0] for details in changing_rounds]
    # The pure baseline needs the config the stack held; measure it on a fresh stack with the same set-up.
    with in_process_stack() as stack:
        monitor = stack.statushub_monitor("Bench", HOOK)["monitor"]
        stack.evaluate(check_detail(monitor, 1, "NoError", 0))
        pure = {
            "steady": _pure_per_s(stack, monitor, [{**d, "MonitorGuid": monitor} for d in one_monitor]),
            "state_change": _pure_per_s(stack, monitor, [{**d, "MonitorGuid": monitor} for d in changing]),
        }
    for name, figures in results.items():
        figures["pure_checks_per_s"] = pure[name.rsplit("_", 1)[0]]
        figures["storage_overhead_ratio"] = figures["pure_checks_per_s"] / figures["checks_per_s"]
    # The names the cost arithmetic and the table read: single events, as before issue 12.
    results["steady"] = results["steady_single"]
    results["state_change"] = results["state_change_single"]
    results["before"] = BEFORE
    return results
