"""The local stack: owns running template.yaml on one machine, with no AWS account and no Docker.

moto server holds the template's table, queues and event bus (created from the template's own properties);
the functions run in-process, wired as AWS wires them:

- EventBridge rule -> function: the rule targets a local "bridge" SQS queue (moto cannot invoke Lambda without
  Docker); a poller invokes the function once per event, as an async invoke: retries, then the function's
  dead-letter queue. Events are handled by a small thread pool because AWS runs them concurrently.
- SQS -> function: a poller does what the event source mapping does, including partial batch failures.
- HTTP -> function: a threaded server turns requests under the API's stage into REST proxy events.
  IAM auth (SigV4) is not checked locally.
- EventBridge Scheduler (ScheduleV2) -> function: moto runs no schedules, so a thread invokes the function
  with the schedule's Input every `--sweep-seconds` (default 5) instead of its ScheduleExpression; a shorter
  period only makes the evaluator's sweep notice due reminders and duration thresholds sooner.

Plus the StatusHub simulator. The stack writes `<state-dir>/stack.json` (the readiness signal) and routes the
handlers' logs to `<state-dir>/stack.log`.

A control endpoint on the API's port (`control_url` in stack.json) lets a chaos run restart a queue's worker:
`POST <control_url>/event-sources/<FunctionLogicalId>/stop` waits for the batch in hand, then stops polling
(messages wait in the queue, as while Lambda replaces a function's instances); `.../start` resumes with a cold
start (the function's cached composition root is dropped); `GET <control_url>/event-sources` lists them.

    python -m local.stack [--state-dir .local] [--api-port 0] [--retry-schedule 0,1,2,4,8,16,32,64]
                          [--sweep-seconds 5]
                          [--delivery-timeout 15] [--throttled-retry-min 1]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import copy
import functools
import importlib
import inspect
import json
import logging
import os
import re
import signal
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
import zoneinfo
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.server import ThreadedMotoServer
from moto.sqs.models import Queue, SQSBackend
from pydantic import BaseModel, ConfigDict, ValidationError
from werkzeug.datastructures import Headers
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from local.provisioning import (
    ACCOUNT_ID,
    FUNCTION_TYPE,
    STACK_NAME,
    Resolver,
    TemplateError,
    load_template,
    provision_template,
)
from local.statushub import StatusHubSimulator

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
    from types import FrameType, TracebackType
    from typing import TextIO

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef
    from werkzeug.serving import BaseWSGIServer

    Handler = Callable[[dict[str, Any], Any], Any]

REPO_ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
SAM_ENV_FILE = "sam-env.json"
STACK_FILE = "stack.json"
LOG_FILE = "stack.log"
DEFAULT_RETRY_SCHEDULE = (0, 1, 2, 4, 8, 16, 32, 64)
DEFAULT_SWEEP_SECONDS = 5.0
# Config edits (a fixed service URL, a level switched on) take effect within this long; deployed: 30 s.
DEFAULT_CONFIG_CACHE_SECONDS = 2.0
# Everything runs on loopback, so delivery must be allowed to reach it.
LOCAL_PRIVATE_NETWORKS = "127.0.0.0/8"
# A timeout or a 429 waits at least a minute when deployed; locally a second, so fault tests stay fast.
DEFAULT_THROTTLED_RETRY_MIN = 1.0
DEFAULT_DELIVERY_TIMEOUT = 15.0
ASYNC_INVOKE_WORKERS = 4
# Lambda retries a failed async invoke twice unless EventInvokeConfig says otherwise.
DEFAULT_ASYNC_RETRIES = 2
# Outside every stage, so no API path can shadow it.
CONTROL_PREFIX = "/_local"

log = logging.getLogger("local.stack")
# moto keeps its state in module globals and the functions read os.environ, so both are per process:
# one stack runs at a time in a process.
_PROCESS_SLOT = threading.Lock()


def _keep_fifo_order_on_redelivery() -> None:
    """Makes moto hand out a FIFO group's messages in order when several become visible again.

    moto counts a group as in flight while any of its received messages has not been received again, even
    when their visibility timeouts have ended, and decides that once per long poll while releasing messages
    one by one: of a group's messages that became visible again, a later one could be delivered first. SQS
    holds a group only while one of its messages is invisible, so: that rule, decided afresh on every pass.
    """
    if getattr(SQSBackend.receive_message, "keeps_fifo_order", False):
        return
    original = SQSBackend.receive_message

    def pending_message_groups(queue: Queue) -> set[str]:
        return {m.group_id for m in queue.pending_messages if m.group_id is not None and not m.visible}

    def receive_message(
        backend: SQSBackend, queue_name: str, count: int, wait_seconds: int, *args: Any, **kwargs: Any
    ) -> Any:
        if not backend.get_queue(queue_name).fifo_queue:
            return original(backend, queue_name, count, wait_seconds, *args, **kwargs)
        deadline = time.monotonic() + (wait_seconds or 0)
        while True:
            received = original(backend, queue_name, count, 0, *args, **kwargs)
            if received or time.monotonic() >= deadline:
                return received
            time.sleep(0.05)

    receive_message.keeps_fifo_order = True  # type: ignore[attr-defined]
    Queue.pending_message_groups = property(pending_message_groups)  # type: ignore[assignment,method-assign]
    SQSBackend.receive_message = receive_message  # type: ignore[assignment,method-assign]


_DYNAMODB_ITEM_OPERATIONS = (
    "get_item",
    "put_item",
    "update_item",
    "delete_item",
    "query",
    "scan",
    "batch_get_item",
    "batch_write_item",
    "transact_get_items",
    "transact_write_items",
)


class _TransactionBackups:
    """Stands in for the `copy` module inside moto's DynamoDB backend: transactions back up only their items.

    moto deep-copies the whole table once per item of a TransactWriteItems to roll back on failure, so every
    state change cost copies of everything stored, growing with each alert: the stack slowed down as it ran.
    Here a transaction snapshots the items it names, hands moto the live table as its "backup" (moto's
    rollback then puts back the same object) and restores the snapshots itself when the transaction fails.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if getattr(self._local, "active", False) and isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)

    @contextlib.contextmanager
    def transaction(self, backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> Iterator[None]:
        snapshots = [self._snapshot(backend, item) for item in transact_items]
        self._local.active = True
        try:
            yield
        except BaseException:
            for snapshot in reversed(snapshots):
                if snapshot is not None:
                    self._restore(*snapshot)
            raise
        finally:
            self._local.active = False

    @staticmethod
    def _snapshot(backend: DynamoDBBackend, transact_item: dict[str, Any]) -> tuple[Any, ...] | None:
        operation = next(iter(transact_item.values()))
        table = backend.tables.get(operation.get("TableName", ""))
        key = operation.get("Key") or operation.get("Item")
        if table is None or not key or table.hash_key_attr not in key:
            return None
        hash_value = DynamoType(key[table.hash_key_attr])
        range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
        existing = table.get_item(hash_value, range_value)
        return table, hash_value, range_value, copy.deepcopy(existing)

    @staticmethod
    def _restore(table: Table, hash_value: Any, range_value: Any, item: Any) -> None:
        if range_value is None:
            if item is None:
                table.items.pop(hash_value, None)
            else:
                table.items[hash_value] = item
        elif item is None:
            table.items[hash_value].pop(range_value, None)
        else:
            table.items[hash_value][range_value] = item


def _serialize_dynamodb() -> None:
    """Makes moto's DynamoDB take one item operation at a time, as its threaded server does not.

    moto backs up a whole table (deepcopy) before each transaction while other request threads write to it,
    which fails with "dictionary changed size during iteration" under the stack's concurrent handlers.
    """
    if isinstance(getattr(dynamodb_models, "copy", None), _TransactionBackups):
        return
    backups = _TransactionBackups()
    setattr(dynamodb_models, "copy", backups)  # noqa: B010  # the backend module's own `copy` name
    lock = threading.RLock()
    for name in _DYNAMODB_ITEM_OPERATIONS:
        original = getattr(DynamoDBBackend, name)
        transactional = name == "transact_write_items"

        def serialized(
            backend: DynamoDBBackend,
            *args: Any,
            _original: Any = original,
            _transactional: bool = transactional,
            **kwargs: Any,
        ) -> Any:
            with lock:
                if not _transactional:
                    return _original(backend, *args, **kwargs)
                with backups.transaction(backend, kwargs.get("transact_items") or args[0]):
                    return _original(backend, *args, **kwargs)

        setattr(DynamoDBBackend, name, functools.wraps(original)(serialized))


def _query_one_partition() -> None:
    """Makes moto answer a table Query from the one partition it names, as DynamoDB does.

    moto lists and sorts every item of the table for each Query, so as alerts, decision records and
    delivery attempts piled up, every config load and delivery-log read got slower: a long local run
    (the latency benchmark, the chaos run) slowed down the longer it ran.
    """
    if getattr(Table.query, "_one_partition", False):
        return
    original_query, original_all_items = Table.query, Table.all_items
    signature = inspect.signature(original_query)
    asked = threading.local()

    def all_items(table: Table) -> list[Any]:
        partition = getattr(asked, "partition", None)
        if partition is None or partition[0] is not table:
            return original_all_items(table)
        hash_set = table.items.get(partition[1], {})
        return list(hash_set.values()) if table.range_key_attr else ([hash_set] if hash_set else [])

    def query(table: Table, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(table, *args, **kwargs).arguments
        if arguments.get("index_name") is None and arguments.get("hash_key") is not None:
            asked.partition = (table, arguments["hash_key"])
        try:
            return original_query(table, *args, **kwargs)
        finally:
            asked.partition = None

    query._one_partition = True  # type: ignore[attr-defined]
    setattr(Table, "all_items", all_items)  # noqa: B010
    setattr(Table, "query", query)  # noqa: B010


def moto_fixes() -> None:
    """Where moto differs from AWS in ways the stack's concurrent handlers notice (see each function)."""
    _keep_fifo_order_on_redelivery()
    _serialize_dynamodb()
    _query_one_partition()


class StackInfo(BaseModel):
    """What `stack.json` holds: everything a client needs to use the running stack."""

    model_config = ConfigDict(frozen=True)

    api_url: str
    aws_endpoint_url: str
    region: str
    event_bus_name: str
    statushub_url: str
    table_name: str
    delivery_queue_url: str
    delivery_dlq_url: str
    evaluator_dlq_url: str
    # Restart hooks for chaos runs; see the module docstring.
    control_url: str = ""


# stack.json fields that are the functions' own settings, by the environment variable that carries them.
_INFO_FROM_ENVIRONMENT = {
    "event_bus_name": "EVENT_BUS_NAME",
    "table_name": "TABLE_NAME",
    "delivery_queue_url": "DELIVERY_QUEUE_URL",
    "delivery_dlq_url": "DELIVERY_DLQ_URL",
    "evaluator_dlq_url": "EVALUATOR_DLQ_URL",
}


@dataclass(frozen=True)
class LambdaContext:
    """The subset of the Lambda context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    aws_request_id: str
    log_group_name: str
    log_stream_name: str
    deadline: float
    function_version: str = "$LATEST"
    identity: None = None
    client_context: None = None

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


@dataclass(frozen=True)
class LocalFunction:
    """A template function bound to its in-process handler."""

    logical_id: str
    name: str
    handler: Handler
    timeout_s: int
    memory_mb: int
    async_retries: int
    dead_letter_arn: str | None

    def invoke(self, event: dict[str, Any]) -> Any:
        now = datetime.now(UTC)
        context = LambdaContext(
            function_name=self.name,
            memory_limit_in_mb=self.memory_mb,
            invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.name}",
            aws_request_id=str(uuid.uuid4()),
            log_group_name=f"/aws/lambda/{self.name}",
            log_stream_name=f"{now:%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}",
            deadline=time.monotonic() + self.timeout_s,
        )
        return self.handler(event, context)


class _InFlight:
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
class _AsyncInvoker:
    """Lambda's asynchronous invocation: one event per invoke, retries, then the dead-letter queue."""

    function: LocalFunction
    sqs: SQSClient
    dead_letter_url: str | None

    def invoke(self, event: dict[str, Any]) -> None:
        error: Exception | None = None
        for attempt in range(1, self.function.async_retries + 2):
            try:
                self.function.invoke(event)
            except Exception as raised:
                error = raised
                log.warning("%s failed (attempt %d)", self.function.logical_id, attempt, exc_info=True)
            else:
                return
        if self.dead_letter_url is None:
            log.error(
                "%s dropped an event after its retries (no dead-letter queue)", self.function.logical_id
            )
            return
        # The attributes Lambda sets on a dead-lettered async event.
        self.sqs.send_message(
            QueueUrl=self.dead_letter_url,
            MessageBody=json.dumps(event),
            MessageAttributes={
                "RequestID": {"DataType": "String", "StringValue": str(uuid.uuid4())},
                "ErrorCode": {"DataType": "Number", "StringValue": "200"},
                "ErrorMessage": {
                    "DataType": "String",
                    "StringValue": str(error)[:1000] or type(error).__name__,
                },
            },
        )
        log.error("%s sent an event to its dead-letter queue: %s", self.function.logical_id, error)


@dataclass
class _EventBridgeBridge:
    """Polls a rule's bridge queue and hands each event to the async invoker on the pool."""

    invoker: _AsyncInvoker
    sqs: SQSClient
    queue_url: str
    pool: ThreadPoolExecutor
    in_flight: _InFlight
    stop: threading.Event

    def run(self) -> None:
        while not self.stop.is_set():
            wanted = self.in_flight.take(10, self.stop)
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
class _SqsEventSource:
    """What a Lambda SQS event source mapping does: receive a batch, invoke, delete what succeeded."""

    function: LocalFunction
    sqs: SQSClient
    queue_url: str
    queue_arn: str
    batch_size: int
    reports_failures: bool
    stop: threading.Event
    enabled: threading.Event = field(default_factory=threading.Event)
    # Held while a batch is in hand, so pausing waits for it rather than abandoning it.
    busy: threading.Lock = field(default_factory=threading.Lock)
    restarts: int = 0

    def __post_init__(self) -> None:
        self.enabled.set()

    def run(self) -> None:
        while not self.stop.is_set():
            if not self.enabled.wait(0.2):
                continue
            try:
                with self.busy:
                    if self.enabled.is_set():
                        self.poll_once()
            except Exception:
                log.exception("polling %s for %s failed", self.queue_url, self.function.logical_id)
                self.stop.wait(1)

    def pause(self) -> None:
        self.enabled.clear()
        with self.busy:
            pass  # the batch in hand is finished and acknowledged

    def resume(self) -> None:
        if not self.enabled.is_set():
            self.restarts += 1
            _drop_cached_roots(self.function.handler)
            self.enabled.set()

    def poll_once(self) -> None:
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=1,
            AttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
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
        for start in range(0, len(done), 10):
            chunk = done[start : start + 10]
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


@dataclass(frozen=True)
class _Route:
    method: str
    resource: str
    pattern: re.Pattern[str]
    function: LocalFunction

    @property
    def precedence(self) -> tuple[int, int, int]:
        # API Gateway prefers literal paths over variables over greedy variables, and a method over ANY.
        return (self.resource.count("+}"), self.resource.count("{"), self.method == "ANY")


def _resource_pattern(resource: str) -> re.Pattern[str]:
    parts: list[str] = []
    for segment in filter(None, resource.split("/")):
        variable = re.fullmatch(r"\{(\w+)(\+?)\}", segment)
        if variable is None:
            parts.append(re.escape(segment))
        else:
            parts.append(f"(?P<{variable[1]}>{'.+' if variable[2] else '[^/]+'})")
    return re.compile("/" + "/".join(parts))


def _drop_cached_roots(handler: Handler) -> None:
    """A restarted function starts cold: clear the functools caches of its module (its composition root)."""
    module = sys.modules.get(getattr(handler, "__module__", ""))
    if module is None:
        return
    for value in vars(module).values():
        own = getattr(value, "__module__", "") in (module.__name__, "alerting.composition")
        if own and callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


def _json_response(status: int, message: str) -> Response:
    return Response(json.dumps({"message": message}), status=status, content_type="application/json")


@dataclass
class _ApiGateway:
    """A WSGI app standing in for an API Gateway REST API stage with Lambda proxy integrations."""

    stage: str
    routes: list[_Route] = field(default_factory=list)
    event_sources: dict[str, _SqsEventSource] = field(default_factory=dict)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self.handle(request)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        if request.path.startswith(CONTROL_PREFIX + "/"):
            return self.control(request, request.path[len(CONTROL_PREFIX) :])
        prefix = f"/{self.stage}"
        if request.path != prefix and not request.path.startswith(prefix + "/"):
            return _json_response(404, f"Not Found: the API is served under {prefix}")
        path = request.path[len(prefix) :] or "/"
        for route in sorted(self.routes, key=lambda r: r.precedence):
            match = route.pattern.fullmatch(path)
            if match and route.method in ("ANY", request.method):
                event = self.proxy_event(request, route, path, match.groupdict() or None)
                try:
                    result = route.function.invoke(event)
                except Exception:
                    log.exception("%s failed %s %s", route.function.logical_id, request.method, path)
                    return _json_response(502, "Internal server error")
                return _http_response(result)
        return _json_response(404, "Missing Authentication Token")

    def control(self, request: Request, path: str) -> Response:
        """The chaos hooks: list, stop and start the SQS workers by their function's logical id."""
        if path == "/event-sources" and request.method == "GET":
            listing = {
                name: {"running": source.enabled.is_set(), "restarts": source.restarts}
                for name, source in self.event_sources.items()
            }
            return Response(json.dumps(listing), content_type="application/json")
        action = re.fullmatch(r"/event-sources/(\w+)/(stop|start)", path)
        source = self.event_sources.get(action[1]) if action else None
        if action is None or source is None or request.method != "POST":
            return _json_response(404, "unknown control path")
        if action[2] == "stop":
            source.pause()
        else:
            source.resume()
        log.info("%s worker %s", action[1], "stopped" if action[2] == "stop" else "started")
        return Response(status=204)

    def proxy_event(
        self, request: Request, route: _Route, path: str, path_parameters: dict[str, str] | None
    ) -> dict[str, Any]:
        """The REST API (payload version 1.0) proxy event for `request`."""
        multi_headers: dict[str, list[str]] = {}
        for name, value in request.headers.items():
            multi_headers.setdefault(name, []).append(value)
        multi_query = request.args.to_dict(flat=False)
        raw = request.get_data()
        body: str | None
        try:
            body, is_base64 = (raw.decode("utf-8") if raw else None), False
        except UnicodeDecodeError:
            body, is_base64 = base64.b64encode(raw).decode("ascii"), True
        now = datetime.now(UTC)
        return {
            "resource": route.resource,
            "path": path,
            "httpMethod": request.method,
            "headers": {name: values[-1] for name, values in multi_headers.items()},
            "multiValueHeaders": multi_headers,
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": path_parameters,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": route.resource,
                "httpMethod": request.method,
                "path": f"/{self.stage}{path}",
                "stage": self.stage,
                "requestId": str(uuid.uuid4()),
                "accountId": ACCOUNT_ID,
                "apiId": "local",
                "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
                "domainName": request.host,
                "identity": {"sourceIp": request.remote_addr, "userAgent": request.user_agent.string},
                "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "requestTimeEpoch": int(now.timestamp() * 1000),
            },
            "body": body,
            "isBase64Encoded": is_base64,
        }


def _http_response(result: Any) -> Response:
    if not isinstance(result, dict) or "statusCode" not in result:
        log.error("the API handler returned no proxy response: %r", result)
        return _json_response(502, "Internal server error")
    headers = Headers()
    for name, values in (result.get("multiValueHeaders") or {}).items():
        for value in values:
            headers.add(name, str(value))
    for name, value in (result.get("headers") or {}).items():
        if name not in headers:
            headers.add(name, str(value))
    if "Content-Type" not in headers:
        headers["Content-Type"] = "application/json"  # API Gateway's default for proxy responses
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8")
    return Response(data, status=int(result["statusCode"]), headers=headers)


class _QuietRequestHandler(WSGIRequestHandler):
    """Keeps the per-request access log off the terminal."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.debug("%s %s", self.requestline, code)


class LocalStack:
    """The template's resources on moto server, its functions in-process, and the StatusHub simulator.

    `handlers` replaces functions' handlers by logical id (tests run the wiring with fakes); functions not
    in it are imported from their CodeUri and Handler, as Lambda would load them.
    """

    def __init__(
        self,
        state_dir: Path | str = ".local",
        *,
        host: str = "127.0.0.1",
        api_port: int = 0,
        moto_port: int = 0,
        statushub_port: int = 0,
        retry_schedule: Sequence[int] = DEFAULT_RETRY_SCHEDULE,
        timezone: str = "UTC",
        sweep_seconds: float = DEFAULT_SWEEP_SECONDS,
        config_cache_seconds: float = DEFAULT_CONFIG_CACHE_SECONDS,
        delivery_timeout: float = DEFAULT_DELIVERY_TIMEOUT,
        throttled_retry_min: float = DEFAULT_THROTTLED_RETRY_MIN,
        template_path: Path | str = REPO_ROOT / "template.yaml",
        handlers: Mapping[str, Handler] | None = None,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.host = host
        self.api_port = api_port
        self.moto_port = moto_port
        self.statushub_port = statushub_port
        self.sweep_seconds = sweep_seconds
        self.template_path = Path(template_path)
        self.template = load_template(self.template_path)
        self.handlers = dict(handlers or {})
        # The stack's own settings, by the function environment variable that carries them.
        self.local_settings = {
            "ALLOWED_PRIVATE_NETWORKS": LOCAL_PRIVATE_NETWORKS,
            "RETRY_SCHEDULE_SECONDS": ",".join(str(delay) for delay in retry_schedule),
            "ACCOUNT_TIMEZONE": timezone,
            "DELIVERY_TIMEOUT_SECONDS": str(delivery_timeout),
            "THROTTLED_RETRY_MIN_SECONDS": str(throttled_retry_min),
            "CONFIG_CACHE_SECONDS": str(config_cache_seconds),
        }
        self.info: StackInfo | None = None
        self._stop = threading.Event()
        self._moto: Any = None
        self._statushub = StatusHubSimulator()
        self._api_server: BaseWSGIServer | None = None
        self._threads: list[threading.Thread] = []
        self._pool: ThreadPoolExecutor | None = None
        self._clients: list[Any] = []
        self._saved_environ: dict[str, str | None] = {}
        self._queue_urls: dict[str, str] = {}
        self._event_sources: dict[str, _SqsEventSource] = {}
        self._holds_process_slot = False

    @property
    def stack_file(self) -> Path:
        return self.state_dir / STACK_FILE

    @property
    def sam_env_file(self) -> Path:
        """`sam local invoke --env-vars` input: the functions' environment pointed at this stack's moto."""
        return self.state_dir / SAM_ENV_FILE

    def start(self) -> StackInfo:
        if not _PROCESS_SLOT.acquire(blocking=False):
            raise RuntimeError(
                "a local stack is already running in this process (moto's state is per process)"
            )
        self._holds_process_slot = True
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.stack_file.unlink(missing_ok=True)  # a stale file from a killed run is not a readiness signal
        self._stop.clear()
        try:
            endpoint = self._start_moto()
            provisioned = provision_template(
                self.template,
                self._dynamodb,
                self._sqs,
                self._events,
                parameter_overrides={
                    self.template.parameter_behind(variable): value
                    for variable, value in self.local_settings.items()
                },
                stack_name=STACK_NAME,
            )
            self._queue_urls = dict(provisioned.queue_urls)
            resolver, environment = provisioned.resolver, provisioned.environment
            self._set_environ(environment)
            # SES sends only from verified identities; the local account verifies the sender address.
            self._ses.verify_email_identity(EmailAddress=environment["EMAIL_SENDER_ADDRESS"])
            statushub_url = self._statushub.start(host=self.host, port=self.statushub_port)
            functions = self._load_functions(resolver)
            api_url = self._wire(functions, resolver)
            self.info = StackInfo(
                api_url=api_url,
                aws_endpoint_url=endpoint,
                region=REGION,
                statushub_url=statushub_url,
                control_url=api_url.rsplit("/", 1)[0] + CONTROL_PREFIX if api_url else "",
                **{key: environment[variable] for key, variable in _INFO_FROM_ENVIRONMENT.items()},
            )
            _write_atomically(self.sam_env_file, _sam_env_vars(environment, endpoint))
            _write_atomically(self.stack_file, self.info.model_dump_json(indent=2) + "\n")
        except BaseException:
            self.stop()
            raise
        return self.info

    def stop(self) -> None:
        """Stops everything start() started, in reverse order; safe to call more than once."""
        self.stack_file.unlink(missing_ok=True)
        self.sam_env_file.unlink(missing_ok=True)
        self.info = None
        self._stop.set()
        if self._api_server is not None:
            self._api_server.shutdown()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()
        self._event_sources.clear()
        if self._pool is not None:
            # Events not yet started stay in their bridge queue, which goes away with moto.
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._api_server is not None:
            self._api_server.server_close()
            self._api_server = None
        self._statushub.stop()
        for client in self._clients:
            client.close()
        self._clients.clear()
        if self._moto is not None:
            self._moto.stop()
            # ThreadedMotoServer.stop() leaves its listening socket open.
            server = getattr(self._moto, "_server", None)
            if server is not None:
                server.server_close()
            self._moto = None
        self._restore_environ()
        if self._holds_process_slot:
            self._holds_process_slot = False
            _PROCESS_SLOT.release()

    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- moto and the AWS environment -------------------------------------------------------------

    def _start_moto(self) -> str:
        moto_fixes()
        self._moto = ThreadedMotoServer(ip_address=self.host, port=self.moto_port, verbose=False)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        werkzeug_log = logging.getLogger("werkzeug")
        if werkzeug_log.level == logging.NOTSET:
            # moto's access log (a line per poll) would bury everything else; its warnings still show.
            werkzeug_log.setLevel(logging.WARNING)
        endpoint = f"http://{host}:{port}"
        # A stack started earlier in this process left its resources in moto's (global) backends.
        with urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")):
            pass
        # Fake credentials so nothing can reach a real account, and no profile from the user's config.
        self._set_environ(
            {
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SESSION_TOKEN": "testing",
                "AWS_PROFILE": None,
                "POWERTOOLS_TRACE_DISABLED": "true",
            }
        )
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
        )
        self._sqs: SQSClient = session.client("sqs", endpoint_url=endpoint)
        self._dynamodb: DynamoDBClient = session.client("dynamodb", endpoint_url=endpoint)
        self._events: EventBridgeClient = session.client("events", endpoint_url=endpoint)
        self._ses = session.client("ses", endpoint_url=endpoint)
        self._clients += [self._sqs, self._dynamodb, self._events, self._ses]
        return endpoint

    def _set_environ(self, values: Mapping[str, str | None]) -> None:
        for name, value in values.items():
            self._saved_environ.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def _restore_environ(self) -> None:
        for name, value in self._saved_environ.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environ.clear()

    # -- functions and their triggers -----------------------------------------------------------------

    def _load_functions(self, resolver: Resolver) -> dict[str, LocalFunction]:
        template_dir = self.template_path.parent
        import_roots = [
            template_dir / resource["Properties"]["ContentUri"]
            for resource in self.template.resources_of_type("AWS::Serverless::LayerVersion").values()
        ]
        functions: dict[str, LocalFunction] = {}
        for logical_id in self.template.resources_of_type(FUNCTION_TYPE):
            properties = self.template.function_properties(logical_id)
            handler = self.handlers.get(logical_id)
            if handler is None:
                code_dir = template_dir / properties["CodeUri"]
                module_name, _, attribute = properties["Handler"].rpartition(".")
                # Lambda puts CodeUri on the path; importing it as a package keeps the three apps apart.
                _prepend_to_path([template_dir, *import_roots, code_dir.parent])
                module = importlib.import_module(f"{code_dir.name}.{module_name}")
                handler = getattr(module, attribute)
            dead_letter = properties.get("DeadLetterQueue") or {}
            invoke_config = properties.get("EventInvokeConfig") or {}
            functions[logical_id] = LocalFunction(
                logical_id=logical_id,
                name=properties.get("FunctionName", f"{STACK_NAME}-{logical_id}"),
                handler=handler,
                timeout_s=int(properties.get("Timeout", 3)),
                memory_mb=int(properties.get("MemorySize", 128)),
                async_retries=int(invoke_config.get("MaximumRetryAttempts", DEFAULT_ASYNC_RETRIES)),
                dead_letter_arn=resolver.resolve(dead_letter.get("TargetArn")),
            )
        return functions

    def _wire(self, functions: Mapping[str, LocalFunction], resolver: Resolver) -> str:
        """Connects every function event the stack supports; returns the API's base URL."""
        # AWS runs async invokes concurrently; a small pool keeps the handlers honest about it.
        self._pool = pool = ThreadPoolExecutor(ASYNC_INVOKE_WORKERS, thread_name_prefix="async-invoke")
        in_flight = _InFlight(ASYNC_INVOKE_WORKERS * 2)
        api: _ApiGateway | None = None
        for logical_id, function in functions.items():
            events = self.template.function_properties(logical_id).get("Events", {})
            for event_name, event in events.items():
                kind, properties = event["Type"], event.get("Properties", {})
                if kind == "EventBridgeRule":
                    used = _used(properties, "EventBusName", "Pattern", "State")
                    self._wire_rule(function, event_name, resolver.resolve(used), pool, in_flight)
                elif kind == "SQS":
                    used = _used(properties, "Queue", "BatchSize", "Enabled", "FunctionResponseTypes")
                    self._wire_queue(function, resolver.resolve(used))
                elif kind == "Api":
                    api = self._wire_api_route(api, function, properties)
                elif kind == "ScheduleV2":
                    self._wire_schedule(function, resolver.resolve(_used(properties, "Input", "State")))
                else:
                    log.warning("%s.%s (%s) is not wired locally", logical_id, event_name, kind)
        if api is None:
            return ""
        api.event_sources = self._event_sources
        self._api_server = make_server(
            self.host, self.api_port, api, threaded=True, request_handler=_QuietRequestHandler
        )
        self._start_thread(self._api_server.serve_forever, "api", poll_interval=0.1)
        return f"http://{self.host}:{self._api_server.server_port}/{api.stage}"

    def _wire_rule(
        self,
        function: LocalFunction,
        event_name: str,
        properties: dict[str, Any],
        pool: ThreadPoolExecutor,
        in_flight: _InFlight,
    ) -> None:
        bus = properties.get("EventBusName", "default")
        rule = f"{STACK_NAME}-{function.logical_id}-{event_name}"[:64]
        self._events.put_rule(
            Name=rule,
            EventBusName=bus,
            EventPattern=json.dumps(properties["Pattern"]),
            State=properties.get("State", "ENABLED"),
        )
        # Room for every attempt of an async invoke, so a slow event is not received twice.
        visibility = function.timeout_s * (function.async_retries + 1) + 30
        bridge_url = self._sqs.create_queue(
            QueueName=f"{STACK_NAME}-{function.logical_id}-{event_name}-eventbridge-bridge",
            Attributes={"VisibilityTimeout": str(min(visibility, 43200))},
        )["QueueUrl"]
        bridge_arn = self._sqs.get_queue_attributes(QueueUrl=bridge_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        self._events.put_targets(
            Rule=rule, EventBusName=bus, Targets=[{"Id": function.logical_id, "Arn": bridge_arn}]
        )
        dead_letter_url = self._queue_urls.get(function.dead_letter_arn or "")
        if function.dead_letter_arn and dead_letter_url is None:
            raise TemplateError(
                f"{function.logical_id}: dead-letter queue {function.dead_letter_arn} is unknown"
            )
        invoker = _AsyncInvoker(function, self._sqs, dead_letter_url)
        bridge = _EventBridgeBridge(invoker, self._sqs, bridge_url, pool, in_flight, self._stop)
        self._start_thread(bridge.run, f"{function.logical_id}-{event_name}")

    def _wire_queue(self, function: LocalFunction, properties: dict[str, Any]) -> None:
        queue_url = self._queue_urls.get(properties["Queue"])
        if queue_url is None:
            raise TemplateError(f"{function.logical_id}: queue {properties['Queue']} is not a template queue")
        if not properties.get("Enabled", True):
            return
        source = _SqsEventSource(
            function=function,
            sqs=self._sqs,
            queue_url=queue_url,
            queue_arn=properties["Queue"],
            batch_size=int(properties.get("BatchSize", 10)),
            reports_failures="ReportBatchItemFailures" in properties.get("FunctionResponseTypes", []),
            stop=self._stop,
        )
        self._event_sources[function.logical_id] = source
        self._start_thread(source.run, f"{function.logical_id}-sqs")

    def _wire_schedule(self, function: LocalFunction, properties: dict[str, Any]) -> None:
        if properties.get("State", "ENABLED") != "ENABLED":
            return
        event = json.loads(properties.get("Input") or "{}")

        def run() -> None:
            while not self._stop.wait(self.sweep_seconds):
                try:
                    function.invoke(dict(event))
                except Exception:
                    # The next tick is the retry, as with the template's MaximumRetryAttempts: 0.
                    log.warning("%s: scheduled invoke failed", function.logical_id, exc_info=True)

        self._start_thread(run, f"{function.logical_id}-schedule")

    def _wire_api_route(
        self, api: _ApiGateway | None, function: LocalFunction, properties: dict[str, Any]
    ) -> _ApiGateway:
        # RestApiId is a !Ref to an AWS::Serverless::Api served here, not a resource moto creates.
        api_id = (properties.get("RestApiId") or {}).get("Ref")
        api_properties = self.template.resources[api_id].get("Properties", {}) if api_id else {}
        stage = api_properties.get("StageName", "Prod")  # SAM's implicit API uses the Prod stage
        if api is None:
            api = _ApiGateway(stage)
        elif api.stage != stage:
            raise TemplateError("the local stack serves one REST API; the template's functions use several")
        resource, method = properties["Path"], str(properties["Method"]).upper()
        api.routes.append(_Route(method, resource, _resource_pattern(resource), function))
        return api

    def _start_thread(self, target: Callable[..., object], name: str, **kwargs: Any) -> None:
        thread = threading.Thread(target=target, name=name, kwargs=kwargs, daemon=True)
        thread.start()
        self._threads.append(thread)


def _used(properties: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    # Only these are resolved: the rest (retry policies, DLQ configs of AWS-side retries) has no local effect.
    return {key: properties[key] for key in keys if key in properties}


def _prepend_to_path(directories: Iterable[Path]) -> None:
    for directory in reversed(list(directories)):
        entry = str(directory.resolve())
        if entry not in sys.path:
            sys.path.insert(0, entry)


def _write_atomically(path: Path, text: str) -> None:
    # Readers poll for this file, so it must never be seen half-written.
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=path.name, delete=False, encoding="utf-8"
    ) as f:
        f.write(text)
    Path(f.name).replace(path)


def wait_for_stack(
    state_dir: Path | str, timeout: float = 30.0, *, process: subprocess.Popen[Any] | None = None
) -> StackInfo:
    """Waits for a stack started as `python -m local.stack` to write stack.json, and returns it.

    With `process`, fails as soon as that process exits instead of waiting out the timeout.
    """
    path = Path(state_dir) / STACK_FILE
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(FileNotFoundError, ValidationError):
            return StackInfo.model_validate_json(path.read_text(encoding="utf-8"))
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the local stack exited with status {process.returncode} before it was ready")
        if time.monotonic() >= deadline:
            raise TimeoutError(f"no {path} after {timeout} s")
        time.sleep(0.1)


# -- command line -------------------------------------------------------------------------------------


def _retry_schedule(text: str) -> tuple[int, ...]:
    try:
        delays = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of seconds: {text!r}") from None
    if not delays or min(delays) < 0:
        raise argparse.ArgumentTypeError(f"delays must be one or more non-negative seconds: {text!r}")
    return delays


def _timezone(text: str) -> str:
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(f"not an IANA time zone: {text!r}") from None
    return text


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m local.stack", description="Run the template locally on moto server until interrupted."
    )
    parser.add_argument(
        "--state-dir", type=Path, default=Path(".local"), help="where stack.json/stack.log go"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--moto-port", type=int, default=0)
    parser.add_argument("--statushub-port", type=int, default=0)
    parser.add_argument(
        "--retry-schedule",
        type=_retry_schedule,
        default=DEFAULT_RETRY_SCHEDULE,
        help="delivery delays in seconds, short so faults recover quickly (default: %(default)s)",
    )
    parser.add_argument("--timezone", type=_timezone, default="UTC", help="the account's IANA time zone")
    parser.add_argument(
        "--sweep-seconds",
        type=float,
        default=DEFAULT_SWEEP_SECONDS,
        help="how often the scheduled sweep runs (deployed: every minute) (default: %(default)s)",
    )
    parser.add_argument(
        "--config-cache-seconds",
        type=float,
        default=DEFAULT_CONFIG_CACHE_SECONDS,
        help="how stale a warm function's copy of the config may be (deployed: 30) (default: %(default)s)",
    )
    parser.add_argument(
        "--delivery-timeout",
        type=_positive_seconds,
        default=DEFAULT_DELIVERY_TIMEOUT,
        help="timeout of one delivery request; fault tests use a short one (default: %(default)s)",
    )
    parser.add_argument(
        "--throttled-retry-min",
        type=_positive_seconds,
        default=DEFAULT_THROTTLED_RETRY_MIN,
        help="least delay after a timeout or 429 (deployed: 60; default here: %(default)s)",
    )
    return parser.parse_args(argv)


def _positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds: {text!r}")
    return seconds


@contextlib.contextmanager
def _output_to(log_file: TextIO) -> Iterator[None]:
    """Sends stdout (Powertools' JSON logs) and stdlib logging to the log file while the stack runs."""
    root = logging.getLogger()
    handler = logging.StreamHandler(log_file)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("local").setLevel(logging.INFO)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's access log: one line per poll
    logging.captureWarnings(True)
    try:
        with contextlib.redirect_stdout(log_file):
            yield
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        root.setLevel(previous_level)


def _sam_env_vars(environment: Mapping[str, str], aws_endpoint_url: str) -> str:
    """Every function's variables for `sam local invoke`, which runs the handler in a container; with
    `--docker-network host` that container reaches moto on this machine's loopback."""
    variables = {
        **environment,
        "AWS_ENDPOINT_URL": aws_endpoint_url,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    return json.dumps({"Parameters": variables}, indent=2) + "\n"


def _banner(info: StackInfo, log_path: Path, stack_file: Path) -> str:
    return "\n".join(
        [
            "Local stack is running (Ctrl-C stops it).",
            f"  Config API        {info.api_url}",
            f"  AWS endpoint      {info.aws_endpoint_url}  (region {info.region})",
            f"  Event bus         {info.event_bus_name}",
            f"  StatusHub         {info.statushub_url}",
            f"  Handler logs      {log_path}",
            f"  Stack file        {stack_file}",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    stop_requested = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    terminal = sys.stdout
    args.state_dir.mkdir(parents=True, exist_ok=True)
    log_path = args.state_dir / LOG_FILE
    stack = LocalStack(
        args.state_dir,
        host=args.host,
        api_port=args.api_port,
        moto_port=args.moto_port,
        statushub_port=args.statushub_port,
        retry_schedule=args.retry_schedule,
        timezone=args.timezone,
        sweep_seconds=args.sweep_seconds,
        config_cache_seconds=args.config_cache_seconds,
        delivery_timeout=args.delivery_timeout,
        throttled_retry_min=args.throttled_retry_min,
    )
    with log_path.open("w", encoding="utf-8", buffering=1) as log_file, _output_to(log_file):
        try:
            info = stack.start()
        except Exception as error:
            log.exception("the local stack failed to start")
            print(f"The local stack failed to start: {error} (details in {log_path})", file=sys.stderr)
            return 1
        try:
            print(_banner(info, log_path, stack.stack_file), file=terminal, flush=True)
            # A timed wait keeps the main thread responsive to signals.
            while not stop_requested.wait(0.5):
                pass
        finally:
            stack.stop()
    print("Local stack stopped.", file=terminal, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
