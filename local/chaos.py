"""The chaos run: owns streaming many check results through the local stack while things go wrong.

Monitors each get their own StatusHub service (level 1 alerts on the first confirmed error). Check results
are published in rounds, one check per monitor per round, as a seeded random walk of NoError / Unconfirmed
/ Confirmed; a round is published once the evaluator has taken the previous one, as a real monitor's
checks are a minute apart. Meanwhile the StatusHub simulator answers with seeded faults (500, 503,
429 + Retry-After, slow answers) and the delivery worker is stopped and started again (a cold start).

Then every service must end in the state its monitor's checks imply, with exactly one incident per
IncidentKey, each holding exactly the updates expected in order (investigating, then monitoring on
recovery): nothing lost, duplicated or reordered.

    python -m local.chaos [--monitors 50] [--rounds 20] [--seed 7]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from local.client import StackClient, check, running_stack, wait_until

DELIVERY_FUNCTION = "WebhookDeliveryFunction"
T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
# Slow answers stay well under the delivery timeout: a timed-out request that StatusHub applied anyway
# would be sent again (at-least-once), which is a duplicate this run does not set out to provoke.
FAULTS: tuple[dict[str, Any], ...] = (
    {"status": 500},
    {"status": 503},
    {"status": 429, "headers": {"Retry-After": "1"}},
    {"delay_s": 0.5},
    {"status": 503, "delay_s": 0.3},
)
# Error level of the next check, given the current one: errors come in streaks, as outages do.
WALK: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "NoError": (("NoError", "Unconfirmed", "Confirmed"), (0.7, 0.1, 0.2)),
    "Unconfirmed": (("NoError", "Unconfirmed", "Confirmed"), (0.4, 0.2, 0.4)),
    "Confirmed": (("NoError", "Unconfirmed", "Confirmed"), (0.3, 0.1, 0.6)),
}


@dataclass(frozen=True)
class ChaosPlan:
    monitors: int = 50
    rounds: int = 20
    seed: int = 7
    # Chance that a service without a pending fault gets one, per round.
    fault_rate: float = 0.15
    restart_every_s: tuple[float, float] = (2.0, 5.0)
    settle_timeout_s: float = 180.0


@dataclass
class ExpectedIncident:
    key: str
    updates: list[str] = field(default_factory=lambda: ["investigating"])


@dataclass
class MonitorRun:
    """One monitor, its StatusHub service, and what its checks so far imply (threshold: one error)."""

    name: str
    guid: str
    definition: str
    service_id: str
    incidents: list[ExpectedIncident] = field(default_factory=list)
    open: bool = False
    level: str = "NoError"

    def take(self, check_id: int, level: str) -> None:
        self.level = level
        if level == "Confirmed" and not self.open:
            self.incidents.append(ExpectedIncident(f"{self.definition}-1-{check_id}"))
            self.open = True
        elif level == "NoError" and self.open:
            self.incidents[-1].updates.append("monitoring")
            self.open = False

    @property
    def status(self) -> str:
        return "down" if self.open else "up"


@dataclass
class ChaosReport:
    checks: int = 0
    monitors: int = 0
    faults_injected: int = 0
    restarts: int = 0
    requests: int = 0
    failed_requests: int = 0
    incidents: int = 0
    updates: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"check results published    {self.checks} for {self.monitors} monitors",
            f"faults injected            {self.faults_injected}",
            f"delivery worker restarts   {self.restarts}",
            f"hook requests              {self.requests} ({self.failed_requests} answered with a fault)",
            f"incidents / updates        {self.incidents} / {self.updates}",
            f"problems                   {len(self.problems)}",
            *(f"  - {problem}" for problem in self.problems[:20]),
            f"took                       {self.seconds:.1f} s",
        ]


def set_up_monitors(client: StackClient, count: int, prefix: str) -> list[MonitorRun]:
    runs = []
    for index in range(count):
        name = f"{prefix} {index:03d}"
        service = client.new_service(name)
        ids = client.statushub_setup(name, service["hook_url"])
        runs.append(MonitorRun(name, ids["monitor"], ids["definition"], service["id"]))
    return runs


class EvaluatorBacklog:
    """How many check results the evaluator has not finished: its intake queue's depth."""

    def __init__(self, client: StackClient) -> None:
        self.sqs = boto3.client(
            "sqs",
            endpoint_url=client.info.aws_endpoint_url,
            region_name=client.info.region,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        urls = self.sqs.list_queues().get("QueueUrls", [])
        self.url = next(url for url in urls if url.endswith("-IntakeQueue"))

    def size(self) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(value) for value in attributes.values())

    def wait_empty(self, timeout: float = 60.0) -> None:
        wait_until(lambda: self.size() == 0, timeout=timeout, interval=0.05)


class Restarter(threading.Thread):
    """Stops and starts the delivery worker at seeded random intervals until told to finish."""

    def __init__(self, client: StackClient, rng: random.Random, every_s: tuple[float, float]) -> None:
        super().__init__(name="chaos-restarter", daemon=True)
        self.client, self.rng, self.every_s = client, rng, every_s
        self.finish = threading.Event()
        self.restarts = 0

    def run(self) -> None:
        while not self.finish.wait(self.rng.uniform(*self.every_s)):
            self.client.stop_worker(DELIVERY_FUNCTION)
            self.finish.wait(self.rng.uniform(0.3, 1.5))
            self.client.start_worker(DELIVERY_FUNCTION)
            self.restarts += 1


def inject_faults(client: StackClient, runs: Sequence[MonitorRun], rng: random.Random, rate: float) -> int:
    pending = {fault["service_id"] for fault in client.statushub("GET", "/api/faults")}
    injected = 0
    for run in runs:
        if run.service_id in pending or rng.random() >= rate:
            continue
        fault = dict(rng.choice(FAULTS), service_id=run.service_id, count=rng.randint(1, 2))
        client.statushub("POST", "/api/faults", fault)
        injected += 1
    return injected


def stream(
    client: StackClient, runs: Sequence[MonitorRun], plan: ChaosPlan, first_id: int
) -> tuple[int, int]:
    """Publishes the rounds; returns (checks published, faults injected).

    The checks come from their own seeded generator, so a seed always streams the same checks; which
    faults hit depends on timing as well (a service gets a new fault only once its last one is used).
    """
    walk, faults = random.Random(plan.seed), random.Random(plan.seed + 2)
    backlog = EvaluatorBacklog(client)
    published = injected = 0
    check_id = first_id
    for round_number in range(plan.rounds):
        injected += inject_faults(client, runs, faults, plan.fault_rate)
        at = T0 + timedelta(minutes=round_number)
        details = []
        for run in runs:
            levels, weights = WALK[run.level]
            level = walk.choices(levels, weights)[0]
            check_id += 1
            run.take(check_id, level)
            details.append(check(run.guid, check_id, level, at))
        client.publish_checks(*details)
        published += len(details)
        backlog.wait_empty()
    return published, injected


def settled(client: StackClient, runs: Sequence[MonitorRun]) -> bool:
    for run in runs:
        service = client.service(run.service_id)
        if service["status"] != run.status:
            return False
        states = [[u["state"] for u in incident["updates"]] for incident in service["incidents"]]
        if states != [incident.updates for incident in run.incidents]:
            return False
    return True


def verify(client: StackClient, runs: Sequence[MonitorRun], report: ChaosReport) -> None:
    requests = client.statushub("GET", "/api/requests")
    ours = {run.service_id for run in runs}
    mine = [r for r in requests if r["service_id"] in ours]
    report.requests = len(mine)
    report.failed_requests = sum(1 for r in mine if r["status"] != 200)
    for run in runs:
        service = client.service(run.service_id)
        if service["status"] != run.status:
            report.problems.append(f"{run.name}: service is {service['status']}, expected {run.status}")
        keys = Counter(incident["id"] for incident in service["incidents"])
        report.problems += [f"{run.name}: {n} incidents for {key}" for key, n in keys.items() if n > 1]
        found = {
            incident["id"]: [u["state"] for u in incident["updates"]] for incident in service["incidents"]
        }
        expected = {incident.key: incident.updates for incident in run.incidents}
        for key in expected.keys() - found.keys():
            report.problems.append(f"{run.name}: incident {key} never reached StatusHub")
        for key in found.keys() - expected.keys():
            report.problems.append(f"{run.name}: unexpected incident {key}")
        for key in expected.keys() & found.keys():
            if found[key] != expected[key]:
                report.problems.append(
                    f"{run.name}: incident {key} got {found[key]}, expected {expected[key]}"
                )
        report.incidents += len(found)
        report.updates += sum(len(updates) for updates in found.values())


def run_chaos(client: StackClient, plan: ChaosPlan, prefix: str = "Chaos") -> ChaosReport:
    """Runs the plan against a running stack; report.problems is empty when everything held."""
    began = time.monotonic()
    report = ChaosReport(monitors=plan.monitors)
    runs = set_up_monitors(client, plan.monitors, prefix)
    restarter = Restarter(client, random.Random(plan.seed + 1), plan.restart_every_s)
    restarter.start()
    try:
        report.checks, report.faults_injected = stream(client, runs, plan, first_id=plan.seed * 10**6)
    finally:
        restarter.finish.set()
        restarter.join()
        client.start_worker(DELIVERY_FUNCTION)
    report.restarts = restarter.restarts
    with contextlib.suppress(TimeoutError):  # verify() says what is wrong
        wait_until(lambda: settled(client, runs), timeout=plan.settle_timeout_s, interval=0.5)
    verify(client, runs, report)
    report.seconds = time.monotonic() - began
    return report


# The local stack's default retry schedule gives up after about two minutes (0…64 s), where a deployment's
# takes hours. Faults here re-arm every round while checks stream, so a delivery backing off could meet one
# at each attempt until the stream ends (then a service has at most one fault of two requests left): three
# more attempts at 64 s outlast it, as the deployed schedule outlasts a transient outage.
CHAOS_RETRY_SCHEDULE = "0,1,2,4,8,16,32,64,64,64,64"
CHAOS_SETTLE_TIMEOUT_S = 360.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.chaos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--monitors", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20, help="check results per monitor")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fault-rate", type=float, default=0.15)
    args = parser.parse_args(argv)
    plan = ChaosPlan(
        monitors=args.monitors,
        rounds=args.rounds,
        seed=args.seed,
        fault_rate=args.fault_rate,
        settle_timeout_s=CHAOS_SETTLE_TIMEOUT_S,
    )
    print(f"Chaos run: {plan.monitors} monitors x {plan.rounds} check results, seed {plan.seed}", flush=True)
    with running_stack(None, "--retry-schedule", CHAOS_RETRY_SCHEDULE) as info:
        client = StackClient.connect(info)
        report = run_chaos(client, plan)
    print("\n".join(report.lines()))
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
