"""Where moto differs from AWS in ways the local stack's concurrent handlers notice: owns patching moto.

`apply()` patches moto's backends in this process (idempotent); the local stack and the in-process benchmarks
run on the same patched moto. Each fix says what moto does and what AWS does instead.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import functools
import inspect
import json
import threading
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

import jsonpath_ng.ext
from moto import backends
from moto.core import responses as moto_responses
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoResult
from moto.sqs import models as sqs_models
from moto.sqs.models import Message, Queue, SQSBackend

if TYPE_CHECKING:
    from collections.abc import Iterator


def apply() -> None:
    """Patches moto where it differs from AWS in ways the stack's concurrent handlers notice."""
    _keep_fifo_order_on_redelivery()
    _serialize_dynamodb()
    _query_one_partition()
    _parse_once_per_process()
    _serialize_dynamodb_items_as_json()
    _read_the_sqs_clock_cheaply()


def _parse_once_per_process() -> None:
    """Makes moto's per-request lookups that never change cost once per process, not once per request.

    For every event put on a bus, moto parses the eight JSONPaths of a target's default input afresh (each
    parse builds a yacc parser: some 11 ms of CPU per event on a quiet machine); for every
    request, moto's server lists its own package directory to find the service, and each response class
    lists its own methods (`inspect.getmembers`) to find the action. AWS pays none of these: a burst of
    check results published to the bus waited on the CPU they took from the evaluator and deliveries.
    """
    parse = getattr(jsonpath_ng.ext, "parse")  # noqa: B009 (not in the stubs' exports)
    if hasattr(parse, "cache_info"):
        return
    # moto imports `parse` inside the function, so the module attribute is what it calls; a parsed path
    # is only read afterwards (`find`), so one serves every thread.
    setattr(jsonpath_ng.ext, "parse", functools.lru_cache(maxsize=256)(parse))  # noqa: B010
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    # A class's methods do not change while it serves; the answer is only searched (`action in names`).
    names = getattr(moto_responses, "method_names_from_class")  # noqa: B009 (not in the module's exports)
    setattr(moto_responses, "method_names_from_class", functools.cache(names))  # noqa: B010


_receiving = threading.Lock()


def _keep_fifo_order_on_redelivery() -> None:
    """Makes moto hand out a FIFO group's messages in order when several become visible again.

    moto counts a group as in flight while any of its received messages has not been received again, even
    when their visibility timeouts have ended, and decides that once per long poll while releasing messages
    one by one: of a group's messages that became visible again, a later one could be delivered first. SQS
    holds a group only while one of its messages is invisible, so: that rule, decided afresh on every pass,
    one receive at a time (an event source mapping polls with several threads).
    """
    if getattr(SQSBackend.receive_message, "keeps_fifo_order", False):
        return
    original = SQSBackend.receive_message

    def pending_message_groups(queue: Queue) -> set[str]:
        return {m.group_id for m in queue.pending_messages if m.group_id is not None and not m.visible}

    def receive_message(
        backend: SQSBackend, queue_name: str, count: int, wait_seconds: int, *args: Any, **kwargs: Any
    ) -> Any:
        deadline = time.monotonic() + (wait_seconds or 0)
        while True:
            seen = _arrivals.count(queue_name)
            # One receive at a time: moto's receive is not atomic, and an event source polls a queue on
            # several threads, which could take the same message, or two messages of one FIFO group, at
            # once. SQS hands a message (and a FIFO group) to one receiver.
            with _receiving:
                received = original(backend, queue_name, count, 0, *args, **kwargs)
            left = deadline - time.monotonic()
            if received or left <= 0:
                return received
            _arrivals.wait_after(queue_name, seen, min(left, _VISIBILITY_RECHECK_S))

    receive_message.keeps_fifo_order = True  # type: ignore[attr-defined]
    Queue.pending_message_groups = property(pending_message_groups)  # type: ignore[assignment,method-assign]
    SQSBackend.receive_message = receive_message  # type: ignore[assignment,method-assign]
    # Deletes and visibility changes edit the queue's pending set that a receive iterates, and a batch send
    # tags each message with its entry's id after queueing it, while a receive may be copying it: one at a
    # time (chaos runs failed receives with "dictionary changed size during iteration").
    for name in ("delete_message", "change_message_visibility", "send_message_batch"):
        setattr(SQSBackend, name, _under_receive_lock(getattr(SQSBackend, name)))
    Queue.add_message = _announcing_message(Queue.add_message)  # type: ignore[method-assign]
    SQSBackend.change_message_visibility = _announcing_visibility(  # type: ignore[method-assign]
        SQSBackend.change_message_visibility
    )


class _Arrivals:
    """Wakes a queue's long polls when a message arrives on it or is made visible, instead of every 50 ms.

    With a dozen event-source pollers long-polling, asking every queue 20 times a second was a tenth of
    moto's CPU while a burst waited on it; SQS answers a long poll when a message arrives.
    """

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._changed = threading.Condition()

    def count(self, queue_name: str) -> int:
        return self._counts.get(queue_name, 0)

    def announce(self, queue_name: str) -> None:
        with self._changed:
            self._counts[queue_name] = self.count(queue_name) + 1
            self._changed.notify_all()

    def wait_after(self, queue_name: str, seen: int, timeout: float) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self.count(queue_name) != seen, timeout=timeout)


_arrivals = _Arrivals()
# A message whose visibility timeout ends announces nothing: long polls look again this often.
_VISIBILITY_RECHECK_S = 0.25


def _read_the_sqs_clock_cheaply() -> None:
    """Makes moto's SQS read the clock once per question, and a message's retention without a census.

    moto's SQS takes every "now" as a naive UTC datetime minus the epoch (importing inside the call), and a
    receive checks each message's retention period by building all of its queue's attributes, which counts
    the queue's messages three times: receiving from a queue of n messages read the clock O(n²) times. While
    a burst filled the delivery queue that was half of moto's CPU. The same instants, from time.time().
    """
    moto_unix_time = getattr(sqs_models, "unix_time")  # noqa: B009 (imported there, not exported)
    if getattr(moto_unix_time, "reads_time_time", False):
        return

    def unix_time(moment: datetime | None = None) -> float:
        return time.time() if moment is None else float(moto_unix_time(moment))

    def unix_time_millis(moment: datetime | None = None) -> float:
        return unix_time(moment) * 1000.0

    def retained(backend: SQSBackend, queue_name: str, message: Message) -> bool:
        retention_seconds = int(getattr(backend.get_queue(queue_name), "message_retention_period"))  # noqa: B009
        return retention_seconds + (message.sent_timestamp or 0) / 1000 > unix_time()

    unix_time.reads_time_time = True  # type: ignore[attr-defined]
    setattr(sqs_models, "unix_time", unix_time)  # noqa: B010
    setattr(sqs_models, "unix_time_millis", unix_time_millis)  # noqa: B010
    SQSBackend.is_message_valid_based_on_retention_period = retained  # type: ignore[assignment,method-assign]


def _under_receive_lock(operation: Any) -> Any:
    @functools.wraps(operation)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _receiving:
            return operation(*args, **kwargs)

    return locked


def _announcing_message(add_message: Any) -> Any:
    @functools.wraps(add_message)
    def announcing(queue: Queue, *args: Any, **kwargs: Any) -> Any:
        try:
            return add_message(queue, *args, **kwargs)
        finally:
            _arrivals.announce(queue.name)

    return announcing


def _announcing_visibility(change: Any) -> Any:
    @functools.wraps(change)
    def announcing(backend: SQSBackend, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return change(backend, queue_name, *args, **kwargs)
        finally:
            _arrivals.announce(queue_name)

    return announcing


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
    (the latency benchmark, the chaos run) slowed down the longer it ran. An index Query looks only at the
    items the index holds (those with its key attributes: the sweep's sparse Due index holds a few),
    not at the whole table sorted, which cost each sweep shard some 60 ms of moto's CPU.
    """
    if getattr(Table.query, "_one_partition", False):
        return
    original_query, original_all_items = Table.query, Table.all_items
    signature = inspect.signature(original_query)
    asked = threading.local()

    def all_items(table: Table) -> list[Any]:
        partition = getattr(asked, "partition", None)
        indexed = getattr(asked, "indexed", None)
        if partition is not None and partition[0] is table:
            hash_set = table.items.get(partition[1], {})
            return list(hash_set.values()) if table.range_key_attr else ([hash_set] if hash_set else [])
        if indexed is not None and indexed[0] is table:
            # An index holds only the items with its key attributes; moto sorts its answer afterwards.
            every = (
                (item for hash_set in table.items.values() for item in hash_set.values())
                if table.range_key_attr
                else iter(table.items.values())
            )
            return [item for item in every if all(name in item.attrs for name in indexed[1])]
        return original_all_items(table)

    def query(table: Table, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(table, *args, **kwargs).arguments
        index_name = arguments.get("index_name")
        if index_name is None and arguments.get("hash_key") is not None:
            asked.partition = (table, arguments["hash_key"])
        elif index_name is not None:
            index = next((i for i in table.all_indexes() if i.name == index_name), None)
            if index is not None:
                asked.indexed = (table, [key["AttributeName"] for key in index.schema])
        try:
            return original_query(table, *args, **kwargs)
        finally:
            asked.partition = asked.indexed = None

    query._one_partition = True  # type: ignore[attr-defined]
    setattr(Table, "all_items", all_items)  # noqa: B010
    setattr(Table, "query", query)  # noqa: B010


# DynamoDB operations whose answer is items and counts: already in DynamoDB's JSON wire format.
_DYNAMODB_ITEM_RESULTS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)


def _wire_bytes(value: object) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")  # a B attribute, as DynamoDB sends it
    raise TypeError(type(value).__name__)


def _serialize_dynamodb_items_as_json() -> None:
    """Makes moto write an item operation's answer as the JSON it already is.

    moto walks every answer member by member against the API model (its generic serializer): a Query of a
    definition's partition cost some 10 ms of moto's CPU, more than the query itself, and moto's one core
    was what a burst of alerts waited on. DynamoDB answers in the same JSON; anything else (errors, table
    descriptions with timestamps) keeps moto's serializer.
    """
    original = DynamoResult.execute_result
    if getattr(original, "_as_json", False):
        return

    def execute_result(result: DynamoResult, context: Any) -> Any:
        operation = context.operation_model
        body = result.result
        if operation.name in _DYNAMODB_ITEM_RESULTS and isinstance(body, dict):
            members = operation.output_shape.members
            try:
                text = json.dumps({k: v for k, v in body.items() if k in members}, default=_wire_bytes)
            except TypeError:
                return original(result, context)
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, text
        return original(result, context)

    execute_result._as_json = True  # type: ignore[attr-defined]
    setattr(DynamoResult, "execute_result", execute_result)  # noqa: B010
