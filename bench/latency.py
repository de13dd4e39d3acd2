"""Check result → first StatusHub POST on the local stack: ≥ 1,000 check results across ≥ 50 monitors,
every one a state change (alternating Confirmed / NoError), published at a steady rate the 2-core machine
sustains; latency = the simulator's receive time of the first hook request minus the publish time."""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from local.chaos import set_up_monitors
from local.client import StackClient, check, running_stack, wait_until

MONITORS = 50
ROUNDS = 20
CHECKS_PER_S = 3.0
ALERTMANAGER_GROUP_WAIT_S = 30.0  # Alertmanager's documented default group_wait (route config)
T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(
    monitors: int = MONITORS, rounds: int = ROUNDS, rate: float = CHECKS_PER_S, *stack_args: str
) -> dict[str, Any]:
    with running_stack(None, *stack_args) as info:
        client = StackClient.connect(info)
        runs = set_up_monitors(client, monitors, "Latency")
        events = boto3.client(
            "events",
            endpoint_url=info.aws_endpoint_url,
            region_name=info.region,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        published: dict[tuple[str, datetime], datetime] = {}
        details = []
        for round_number in range(rounds):
            level = "Confirmed" if round_number % 2 == 0 else "NoError"
            at = T0 + timedelta(minutes=round_number)
            details += [
                (run.guid, check(run.guid, 10_000 * (round_number + 1) + i, level, at), at)
                for i, run in enumerate(runs)
            ]
        began = time.monotonic()
        for start in range(0, len(details), 10):
            chunk = details[start : start + 10]
            # Steady pacing: batch n goes out at n × 10 / rate seconds.
            time.sleep(max(0.0, began + start / rate - time.monotonic()))
            sent_at = datetime.now(UTC)
            events.put_events(
                Entries=[
                    {
                        "Source": "monitoring.checks",
                        "DetailType": "MonitorCheck",
                        "Detail": json.dumps(detail),
                        "EventBusName": info.event_bus_name,
                    }
                    for _, detail, _ in chunk
                ]
            )
            for guid, _, at in chunk:
                published[(guid, at)] = sent_at
        publish_seconds = time.monotonic() - began

        def first_posts() -> dict[tuple[str, datetime], datetime] | None:
            found: dict[tuple[str, datetime], datetime] = {}
            for request in client.statushub("GET", "/api/requests"):
                alert = (request.get("json") or {}).get("alert") or {}
                key = (
                    alert.get("MonitorGuid", ""),
                    _parse(alert.get("TimestampUtc", "1970-01-01T00:00:00Z")),
                )
                if key in published and key not in found:
                    found[key] = _parse(request["time"])
            return found if len(found) == len(published) else None

        firsts = wait_until(first_posts, timeout=300, interval=1.0)
    latencies = [(firsts[key] - sent).total_seconds() for key, sent in published.items()]
    p50, p99 = _percentile(latencies, 0.5), _percentile(latencies, 0.99)
    return {
        "checks": len(latencies),
        "monitors": monitors,
        "publish_rate_per_s": len(details) / publish_seconds,
        "p50_ms": p50 * 1000,
        "p99_ms": p99 * 1000,
        "max_ms": max(latencies) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
        "alertmanager_group_wait_s": ALERTMANAGER_GROUP_WAIT_S,
        "p99_vs_group_wait": ALERTMANAGER_GROUP_WAIT_S / p99,
    }


BURST_MONITORS = 100
BURST_RATE_PER_S = 50.0  # 100 checks published within 2 s
# Issue 12, measured on the landed code (EventBridge → one async invoke per check).
BURST_BEFORE_MS = {"p50_ms": 4500.0, "p99_ms": 7100.0}


def burst() -> dict[str, Any]:
    """100 Confirmed checks for 100 monitors (one StatusHub service each) published within 2 s."""
    figures = run(BURST_MONITORS, 1, BURST_RATE_PER_S)
    return figures | {f"before_{key}": value for key, value in BURST_BEFORE_MS.items()}
