"""A short seeded chaos run: faults at StatusHub and delivery worker restarts lose or reorder nothing."""

from __future__ import annotations

from local.chaos import ChaosPlan, run_chaos
from local.client import StackClient


def test_faults_and_worker_restarts_lose_and_reorder_no_update(client: StackClient) -> None:
    report = run_chaos(
        client,
        ChaosPlan(
            monitors=8, rounds=8, seed=11, fault_rate=0.3, restart_every_s=(0.5, 1.5), settle_timeout_s=90
        ),
    )
    assert report.problems == []
    assert report.checks == 64
    assert report.failed_requests > 0  # the faults did hit deliveries
    assert report.restarts > 0
