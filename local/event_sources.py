"""What invokes a function besides HTTP, as AWS wires it: owns the EventBridge bridge, SQS event source
mappings and schedules.

- EventBridge rule -> function: the rule targets a local "bridge" SQS queue (moto cannot invoke Lambda
  without Docker); `EventBridgeBridge` polls it and hands each event to an async invoke on a small pool,
  because AWS runs them concurrently.
- SQS -> function: `SqsEventSource` does what the event source mapping does, partial batch failures
  included, with as many batches in flight at once as the mapping starts with on AWS (`pollers`); it can
  be paused and resumed (a cold start) for chaos runs.
- EventBridge Scheduler -> function: `Schedule` invokes with the schedule's input every period.

Each calls `LocalFunction.invoke` (see `local.lambda_runtime`) and nothing else of the function: every
invoke runs in an execution environment of its own, and waits for one when the function's pool is full (as
Lambda retries a throttled async or event-source invoke).
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from local.lambda_runtime import AsyncInvoker, LocalFunction
from local.provisioning import ACCOUNT_ID, REGION, STACK_NAME

if TYPE_CHECKING:
    from collections.abc import Mapping
    from concurrent.futures import ThreadPoolExecutor

    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

log = logging.getLogger("local.event_sources")

# Lambda's most messages in one SQS receive, and in one delete batch.
_SQS_BATCH_MAX = 10
# While a batching window is open, how long to wait before asking an empty queue again.
_GATHER_PAUSE_S = 0.05
# Batches in flight at once. A standard queue's event source mapping starts with five pollers (and adds
# more over minutes); a FIFO queue's scales to its active message groups, each group's batches one at a
# time in order (moto holds a group while any of its messages is in flight), bounded here by the same
# environments a laptop affords: one poller per batch means a burst waits on one invoke after another.
STANDARD_QUEUE_POLLERS = 5
FIFO_QUEUE_POLLERS = 10


# The most a local event source keeps gathering a batch (MaximumBatchingWindowInSeconds). The template's
# 1 s is what AWS is asked for; the local stack shortens it, as it shortens the sweep's period, so a
# check's alert is not held a second on a laptop where a batch's work takes longer than on Lambda.
LOCAL_BATCHING_WINDOW_MAX_S = 0.2


def local_batching_window(configured_s: float) -> float:
    """The batching window the local event source uses for the one the template configures."""
    return min(configured_s, LOCAL_BATCHING_WINDOW_MAX_S)


def pollers_for(queue_url: str) -> int:
    """How many batches the event source mapping of this queue works on at once (see above)."""
    return FIFO_QUEUE_POLLERS if queue_url.endswith(".fifo") else STANDARD_QUEUE_POLLERS


class InFlight:
    """Bounds how many bridged events are received but not yet handled, so none outlive their visibility."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._changed = threading.Condition()

    def take(self, wanted: int, stop: threading.Event) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self._free > 0 or stop.is_set(), timeout=0.5)
            taken = min(wanted, self._free)
            self._free -= taken
            return taken

    def give_back(self, count: int = 1) -> None:
        with self._changed:
            self._free += count
            self._changed.notify_all()


@dataclass
class EventBridgeBridge:
    """Polls a rule's bridge queue and hands each event to the async invoker on the pool."""

    invoker: AsyncInvoker
    sqs: SQSClient
    queue_url: str
    pool: ThreadPoolExecutor
    in_flight: InFlight
    stop: threading.Event

    def run(self) -> None:
        while not self.stop.is_set():
            wanted = self.in_flight.take(_SQS_BATCH_MAX, self.stop)
            if wanted == 0:
                continue
            try:
                messages = self.sqs.receive_message(
                    QueueUrl=self.queue_url, MaxNumberOfMessages=wanted, WaitTimeSeconds=1
                ).get("Messages", [])
            except Exception:
                log.exception("receiving from %s failed", self.queue_url)
                messages = []
                self.stop.wait(1)
            self.in_flight.give_back(wanted - len(messages))
            for message in messages:
                self.pool.submit(self._handle, message)

    def _handle(self, message: MessageTypeDef) -> None:
        try:
            event = json.loads(message["Body"])
            # moto's default target input drops the event's account, which real events carry.
            event.setdefault("account", ACCOUNT_ID)
            self.invoker.invoke(event)
            self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        except Exception:
            log.exception("bridging an event to %s failed", self.invoker.function.logical_id)
        finally:
            self.in_flight.give_back()


def bridge_rule(
    function: LocalFunction,
    event_name: str,
    properties: Mapping[str, Any],
    *,
    events: EventBridgeClient,
    sqs: SQSClient,
    dead_letter_url: str | None,
    pool: ThreadPoolExecutor,
    in_flight: InFlight,
    stop: threading.Event,
) -> EventBridgeBridge:
    """Creates the rule and its bridge queue on moto; the returned bridge's `run` polls it until `stop`."""
    bus = properties.get("EventBusName", "default")
    rule = f"{STACK_NAME}-{function.logical_id}-{event_name}"[:64]
    events.put_rule(
        Name=rule,
        EventBusName=bus,
        EventPattern=json.dumps(properties["Pattern"]),
        State=properties.get("State", "ENABLED"),
    )
    # Room for every attempt of an async invoke, so a slow event is not received twice.
    visibility = function.timeout_s * (function.async_retries + 1) + 30
    bridge_url = sqs.create_queue(
        QueueName=f"{STACK_NAME}-{function.logical_id}-{event_name}-eventbridge-bridge",
        Attributes={"VisibilityTimeout": str(min(visibility, 43200))},
    )["QueueUrl"]
    bridge_arn = sqs.get_queue_attributes(QueueUrl=bridge_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": function.logical_id, "Arn": bridge_arn}])
    invoker = AsyncInvoker(function, sqs, dead_letter_url)
    return EventBridgeBridge(invoker, sqs, bridge_url, pool, in_flight, stop)


def _lambda_message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "dataType": value["DataType"],
        "stringListValues": [],
        "binaryListValues": [],
    }
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
    return attribute


def sqs_record(message: MessageTypeDef, queue_arn: str) -> dict[str, Any]:
    """One record of a Lambda SQS event, built from a received message."""
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: _lambda_message_attribute(value)
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


@dataclass
class SqsEventSource:
    """What a Lambda SQS event source mapping does: receive a batch, invoke, delete what succeeded."""

    function: LocalFunction
    sqs: SQSClient
    queue_url: str
    queue_arn: str
    batch_size: int
    reports_failures: bool
    stop: threading.Event
    # MaximumBatchingWindowInSeconds: how long to keep gathering once the first message is in hand.
    batching_window_s: float = 0.0
    # How many threads run `run` at once: the batches the mapping has in flight (`pollers_for`).
    pollers: int = 1
    enabled: threading.Event = field(default_factory=threading.Event)
    restarts: int = 0
    # Batches in hand, so pausing waits for them rather than abandoning them.
    _in_hand: int = 0
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        self.enabled.set()

    def run(self) -> None:
        """One poller: receives a batch, invokes, acknowledges, until `stop`; `pollers` of them run."""
        while not self.stop.is_set():
            if not self.enabled.wait(0.2):
                continue
            with self._changed:
                if not self.enabled.is_set():
                    continue
                self._in_hand += 1
            try:
                self.poll_once()
            except Exception:
                log.exception("polling %s for %s failed", self.queue_url, self.function.logical_id)
                self.stop.wait(1)
            finally:
                with self._changed:
                    self._in_hand -= 1
                    self._changed.notify_all()

    def pause(self) -> None:
        with self._changed:
            self.enabled.clear()
            # Every batch in hand is finished and acknowledged.
            self._changed.wait_for(lambda: self._in_hand == 0)

    def resume(self) -> None:
        if not self.enabled.is_set():
            self.restarts += 1
            self.function.cold_start()
            self.enabled.set()

    def _receive(self, wanted: int, wait_s: int) -> list[MessageTypeDef]:
        return self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=min(wanted, _SQS_BATCH_MAX),
            WaitTimeSeconds=wait_s,
            AttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])

    def _gather(self) -> list[MessageTypeDef]:
        """A batch as the event source mapping gathers it: until BatchSize, or the batching window ends."""
        messages = self._receive(self.batch_size, wait_s=1)
        if not messages:
            return []
        closes = time.monotonic() + self.batching_window_s
        while len(messages) < self.batch_size and time.monotonic() < closes:
            more = self._receive(self.batch_size - len(messages), wait_s=0)
            if not more:
                self.stop.wait(min(_GATHER_PAUSE_S, max(0.0, closes - time.monotonic())))
            messages += more
        return messages

    def poll_once(self) -> None:
        messages = self._gather()
        if not messages:
            return
        try:
            response = self.function.invoke({"Records": [sqs_record(m, self.queue_arn) for m in messages]})
        except Exception:
            # As on AWS: the whole batch comes back once its visibility timeout ends.
            log.exception("%s failed a batch of %d", self.function.logical_id, len(messages))
            return
        failed = self._failed_ids(response, {m["MessageId"] for m in messages})
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), _SQS_BATCH_MAX):
            chunk = done[start : start + _SQS_BATCH_MAX]
            result = self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
            for failure in result.get("Failed", []):
                log.error("deleting a handled message failed: %s", failure)

    def _failed_ids(self, response: Any, batch: set[str]) -> set[str]:
        if not self.reports_failures or not isinstance(response, dict):
            return set()
        failures = response.get("batchItemFailures") or []
        identifiers = {item.get("itemIdentifier") if isinstance(item, dict) else None for item in failures}
        if not identifiers <= batch:
            # Lambda treats an unknown or empty identifier as a failure of the whole batch.
            log.error("%s reported unknown batch item failures %s", self.function.logical_id, identifiers)
            return batch
        return {identifier for identifier in identifiers if identifier is not None}


@dataclass
class Schedule:
    """EventBridge Scheduler's target: invokes with the schedule's input every `period_s` until `stop`.

    moto runs no schedules, so the period stands in for the ScheduleExpression.
    """

    function: LocalFunction
    event: dict[str, Any]
    period_s: float
    stop: threading.Event

    def run(self) -> None:
        while not self.stop.wait(self.period_s):
            try:
                self.function.invoke(dict(self.event))
            except Exception:
                # The next tick is the retry, as with the template's MaximumRetryAttempts: 0.
                log.warning("%s: scheduled invoke failed", self.function.logical_id, exc_info=True)
