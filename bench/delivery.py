"""Deliveries per second of one delivery invocation against the StatusHub simulator: a batch of jobs for
different targets, sent with DELIVERY_CONCURRENCY=1 (sequential) and =8, at two target latencies."""

from __future__ import annotations

import time
from typing import Any

import boto3
import httpx

from bench.in_process import CONTEXT, REGION, InProcessStack, check_detail, in_process_stack
from local.event_sources import sqs_record
from local.statushub import StatusHubSimulator

BATCH = 10  # the template's BatchSize: the most one FIFO invocation gets
ROUNDS = 6
LATENCIES_S = (0.0, 0.1)  # the simulator answering at once, and like a hook 100 ms away
CONCURRENCY = (1, 8)


def _queued_batch(stack: InProcessStack, wanted: int) -> tuple[dict[str, Any], list[str]]:
    sqs = boto3.client("sqs", region_name=REGION)
    url = stack.environment["DELIVERY_QUEUE_URL"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    messages: list[Any] = []
    while len(messages) < wanted:
        got = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=min(10, wanted - len(messages)),
            AttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not got:
            raise RuntimeError(f"expected {wanted} queued deliveries, found {len(messages)}")
        messages += got
    return {"Records": [sqs_record(m, arn) for m in messages]}, [m["ReceiptHandle"] for m in messages]


def _acknowledge(stack: InProcessStack, handles: list[str]) -> None:
    """What the event source mapping does after a successful invocation."""
    sqs = boto3.client("sqs", region_name=REGION)
    entries = [{"Id": str(i), "ReceiptHandle": handle} for i, handle in enumerate(handles)]
    sqs.delete_message_batch(QueueUrl=stack.environment["DELIVERY_QUEUE_URL"], Entries=entries)  # type: ignore[arg-type]


def _deliveries_per_s(concurrency: int, latency_s: float) -> dict[str, float]:
    with in_process_stack(DELIVERY_CONCURRENCY=str(concurrency)) as stack, StatusHubSimulator() as hub:
        http = httpx.Client(base_url=hub.url)
        monitors = []
        for index in range(BATCH):
            service = http.post("/api/services", json={"name": f"Service {index}"}).json()
            monitors.append(stack.statushub_monitor(f"Monitor {index}", service["hook_url"])["monitor"])
        elapsed = 0.0
        delivered = 0
        stack.requests.clear()
        # Round 0 warms the function (clients, caches) and is not timed.
        for round_number in range(ROUNDS + 1):
            level = "Confirmed" if round_number % 2 == 0 else "NoError"
            for index, monitor in enumerate(monitors):
                stack.evaluate(check_detail(monitor, 1000 * (round_number + 1) + index, level, round_number))
            event, handles = _queued_batch(stack, BATCH)
            if latency_s:
                http.post("/api/faults", json={"delay_s": latency_s, "count": BATCH})
            stack.requests.clear()
            began = time.perf_counter()
            response = stack.delivery.lambda_handler(event, CONTEXT)
            if round_number:
                elapsed += time.perf_counter() - began
                delivered += len(event["Records"])
            assert not response.get("batchItemFailures"), response
            _acknowledge(stack, handles)
        received = [r for r in http.get("/api/requests").json() if r["status"] == 200]
        assert len(received) == delivered + BATCH, (len(received), delivered)
        per_delivery = {
            "dynamodb_requests": stack.requests.of("dynamodb") / BATCH,
            "dynamodb_write_units": stack.requests.write_units / BATCH,
            "dynamodb_read_units": stack.requests.read_units / BATCH,
            "sqs_requests": stack.requests.of("sqs") / BATCH,
        }
    return {
        "deliveries_per_s": delivered / elapsed,
        "ms_per_invocation": elapsed * 1000 / ROUNDS,
        **per_delivery,
    }


def run() -> dict[str, Any]:
    results: dict[str, Any] = {}
    for latency in LATENCIES_S:
        row: dict[str, Any] = {f"concurrency_{c}": _deliveries_per_s(c, latency) for c in CONCURRENCY}
        row["speedup"] = (
            row[f"concurrency_{CONCURRENCY[-1]}"]["deliveries_per_s"]
            / row["concurrency_1"]["deliveries_per_s"]
        )
        results[f"target_latency_{int(latency * 1000)}ms"] = row
    return results
