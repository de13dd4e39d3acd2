"""The sweep in a mass outage, in process on moto: monitors swept per second by one shard's invocation.

Every monitor of one alert definition whose level 1 fires after a minute of errors gets a Confirmed check,
then each shard of the Due index is swept as its schedule would invoke it; every due monitor raises its
alert in the sweep (a state transaction per monitor). Shards run one after the other here; on AWS each is
its own invocation, so a minute's sweep takes the slowest shard's time (README: Scaling)."""

from __future__ import annotations

import time
from typing import Any

from alerting.storage import keys
from bench.in_process import CONTEXT, InProcessStack, check_detail, in_process_stack
from local.client import statushub_setup
from tests.support.intake import check_batch_event

MONITORS = 200
BATCH = 100  # checks per MonitorCheckBatch event
HOOK = "https://hooks.statushub.io/hooks/uptrends?token=0123456789abcdef"
DURATION_LEVEL = {"EscalationMode": "AlertOnErrorDuration", "ThresholdMinutes": 1}
TARGET_MONITORS = 10_000
TARGET_SECONDS = 60.0


def _outage(stack: InProcessStack) -> list[str]:
    """MONITORS monitors in one definition, each with a Confirmed check: all due a minute later."""
    ids = statushub_setup(
        stack.api,
        {"Name": "Outage 0", "Url": "https://shop.example"},
        {"Name": "Outage", "Url": HOOK},
        alert_name="Outage",
        level=DURATION_LEVEL,
    )
    monitors = [ids["monitor"]]
    for index in range(1, MONITORS):
        guid = stack.api("POST", "/Monitor", {"Name": f"Outage {index}", "Url": "https://shop.example"})
        monitors.append(guid["MonitorGuid"])
        stack.api("POST", f"/AlertDefinition/{ids['definition']}/Member/Monitor/{guid['MonitorGuid']}")
    details = [check_detail(monitor, index + 1, "Confirmed", 0) for index, monitor in enumerate(monitors)]
    for start in range(0, len(details), BATCH):
        stack.evaluate_events([check_batch_event(details[start : start + BATCH], f"outage-{start}")])
    return monitors


def run() -> dict[str, Any]:
    with in_process_stack() as stack:
        _outage(stack)
        stack.requests.clear()
        shards = []
        for shard in range(keys.DUE_SHARDS):
            event = {"source": "alerting.sweep", "detail-type": "AlertSweep", "detail": {"Shard": shard}}
            began = time.perf_counter()
            summary = stack.evaluator.lambda_handler(event, CONTEXT)
            shards.append({**summary, "seconds": time.perf_counter() - began})
        swept = sum(shard["due"] for shard in shards)
        seconds = sum(shard["seconds"] for shard in shards)
        requests = sum(stack.requests.operations.values())
    if swept != MONITORS:
        raise RuntimeError(f"expected {MONITORS} due monitors, swept {swept}")
    per_invocation = swept / seconds
    # Each shard sweeps its share in its own invocation; the minute's sweep ends with the slowest.
    target_seconds = TARGET_MONITORS / keys.DUE_SHARDS / per_invocation
    return {
        "monitors": swept,
        "shards": keys.DUE_SHARDS,
        "alerts_raised": sum(shard["alerts"] for shard in shards),
        "monitors_per_s_per_invocation": per_invocation,
        "aws_requests_per_monitor": requests / swept,
        "slowest_shard_s": max(shard["seconds"] for shard in shards),
        "target_monitors": TARGET_MONITORS,
        "target_seconds_at_this_rate": target_seconds,
        "target_within_minute": target_seconds <= TARGET_SECONDS,
    }


def rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (
            f"Sweep: monitors swept/s, one shard's invocation (moto, {figures['monitors']} due)",
            f"{figures['monitors_per_s_per_invocation']:.0f}",
            f"{figures['target_monitors'] / figures['shards'] / TARGET_SECONDS:.0f} for 10,000 in 60 s",
            f"{figures['target_monitors']:,} in {figures['target_seconds_at_this_rate']:.0f} s "
            f"({figures['shards']} shards)",
        )
    ]
