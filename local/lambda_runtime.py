"""Lambda's runtime, emulated in-process: owns loading handlers and invoking them as Lambda does.

A `LocalFunction` is a template function with its pool of execution environments (`EnvironmentPool`):
as on Lambda, each environment serves one invoke at a time with its own copy of the function's code (the
CodeUri package imported afresh under a name of its own, so its module globals, the Powertools resolver
included, are never shared by two requests in flight); the pool grows by a cold start when every environment
is busy, up to its size (the function's ReservedConcurrentExecutions, or the stack's `--concurrency`). The
layer (`alerting`, Powertools) is imported once per process and shared, as a layer's files are, but so are
its module globals: the composition roots (thread-safe clients), Powertools' Logger keys and Metrics. The one
piece of Powertools state that would mix up requests, the event being resolved (kept on a class, so once per
process), is made per thread by `isolate_powertools_event`: an invoke runs on one thread. The shared metric
set and logger keys are used one operation at a time (`serialize_powertools_shared_state`).

`invoke` builds the context Lambda would pass and calls the handler once. `AsyncInvoker` adds what an
asynchronous invoke gets on top: retries, then the function's dead-letter queue. What triggers an invoke
(queues, rules, schedules, HTTP) lives in `local.event_sources` and `local.api_gateway`; they only call
`invoke` and `cold_start`.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import importlib.util
import itertools
import json
import logging
import os
import sys
import threading
import time
import types
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler.api_gateway import BaseRouter
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

from local.provisioning import ACCOUNT_ID, FUNCTION_TYPE, REGION, STACK_NAME

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from mypy_boto3_sqs import SQSClient

    from local.provisioning import Resolver, Template

    Handler = Callable[[dict[str, Any], Any], Any]

# Lambda retries a failed async invoke twice unless EventInvokeConfig says otherwise.
DEFAULT_ASYNC_RETRIES = 2
# Environments per function at most, unless its ReservedConcurrentExecutions is lower (Lambda's account
# default is 1,000; a laptop needs fewer, and 64 covers the concurrency suite's 32 clients twice).
DEFAULT_CONCURRENCY = 64
# The interpreter lock's hand-off interval while environments (threads here) share the stack's process.
ENVIRONMENT_SWITCH_INTERVAL_S = 0.0005

log = logging.getLogger("local.lambda_runtime")


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


def invocation_context(
    function_name: str, *, memory_mb: int, timeout_s: float, request_id: str | None = None
) -> LambdaContext:
    """The context Lambda passes to one invoke: its deadline is `timeout_s` from now."""
    now = datetime.now(UTC)
    return LambdaContext(
        function_name=function_name,
        memory_limit_in_mb=memory_mb,
        invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{function_name}",
        aws_request_id=request_id or str(uuid.uuid4()),
        log_group_name=f"/aws/lambda/{function_name}",
        log_stream_name=f"{now:%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}",
        deadline=time.monotonic() + timeout_s,
    )


def environment_count(text: str) -> int:
    """The `--concurrency` option: a whole number of environments, at least one."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of environments: {text!r}") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 environment: {text!r}")
    return count


class ThrottledError(RuntimeError):
    """Every environment is busy and the pool is at its size: Lambda's TooManyRequestsException (429)."""


@dataclass
class ExecutionEnvironment:
    """One execution environment: its own copy of the handler, serving one invoke at a time."""

    handler: Handler
    generation: int


@dataclass
class EnvironmentPool:
    """A function's execution environments: an idle one serves the next invoke (the most recently used, as
    Lambda prefers warm ones); when none is idle, a new one starts cold, up to `size`.

    `load` runs a new environment's init phase (imports the handler) and returns its handler.
    """

    load: Callable[[], Handler]
    size: int
    cold_starts: int = 0
    last_loaded: Handler | None = None
    _idle: list[ExecutionEnvironment] = field(default_factory=list)
    _alive: int = 0
    _generation: int = 0
    _changed: threading.Condition = field(default_factory=threading.Condition)

    @contextlib.contextmanager
    def environment(self, *, wait: bool) -> Iterator[ExecutionEnvironment]:
        """An environment of its own for one invoke; without `wait`, `ThrottledError` when none can be had."""
        environment = self._take(wait=wait)
        try:
            yield environment
        finally:
            self._give_back(environment)

    def _take(self, *, wait: bool) -> ExecutionEnvironment:
        with self._changed:
            while not self._idle and self._alive >= self.size:
                if not wait:
                    raise ThrottledError(f"all {self.size} environments are busy (reserved concurrency)")
                self._changed.wait()
            if self._idle:
                return self._idle.pop()
            self._alive += 1
            self.cold_starts += 1
            generation = self._generation
        try:
            # The init phase runs outside the lock: other environments keep serving meanwhile.
            self.last_loaded = self.load()
            return ExecutionEnvironment(self.last_loaded, generation)
        except BaseException:
            with self._changed:
                self._alive -= 1
                self._changed.notify()
            raise

    def _give_back(self, environment: ExecutionEnvironment) -> None:
        with self._changed:
            if environment.generation == self._generation:
                self._idle.append(environment)
            else:
                self._alive -= 1  # retired while it served: it goes away now
            self._changed.notify()

    def retire_all(self) -> None:
        """Every environment goes away once idle; the next invokes start cold."""
        with self._changed:
            self._generation += 1
            self._alive -= len(self._idle)
            self._idle.clear()
            self._changed.notify_all()


@dataclass(frozen=True)
class LocalFunction:
    """A template function and its pool of execution environments."""

    logical_id: str
    name: str
    environments: EnvironmentPool
    timeout_s: int
    memory_mb: int
    async_retries: int
    dead_letter_arn: str | None

    def invoke(self, event: dict[str, Any], *, wait: bool = True) -> Any:
        """Runs the handler in an environment of its own. A synchronous caller (API Gateway) passes
        `wait=False` and gets `ThrottledError` when the pool is full; event sources wait (Lambda retries)."""
        with self.environments.environment(wait=wait) as environment:
            context = invocation_context(self.name, memory_mb=self.memory_mb, timeout_s=self.timeout_s)
            return environment.handler(event, context)

    def cold_start(self) -> None:
        """The next invokes start cold: the environments go, and with them the layer's cached roots."""
        self.environments.retire_all()
        module = sys.modules.get(getattr(self.environments.last_loaded, "__module__", ""))
        if module is None:
            return
        for value in vars(module).values():
            # A handler's root lives in alerting.roots (the handler holds a reference to it).
            defined_in = getattr(value, "__module__", None) or ""
            own = defined_in == module.__name__ or defined_in.startswith("alerting.roots.")
            if own and callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


class _PerThread:
    """A class attribute whose value is the current thread's: read and set on the class or an instance."""

    def __init__(self, name: str, values: threading.local) -> None:
        self.name, self.values = name, values

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        try:
            return getattr(self.values, self.name)
        except AttributeError:
            raise AttributeError(self.name) from None

    def __set__(self, instance: object, value: Any) -> None:
        setattr(self.values, self.name, value)


_resolved = threading.local()


class _PerThreadRouterType(type(BaseRouter)):  # type: ignore[misc]
    # `BaseRouter.current_event = ...` (a set on the class) goes through its metaclass's descriptors.
    current_event = _PerThread("current_event", _resolved)
    lambda_context = _PerThread("lambda_context", _resolved)


def isolate_powertools_event() -> None:
    """Powertools' resolvers keep the event and context they resolve on BaseRouter, a class: one per Lambda
    environment's process, but one for every in-process environment here. Makes them per thread."""
    if type(BaseRouter) is _PerThreadRouterType:
        return
    for name in ("current_event", "lambda_context"):
        setattr(BaseRouter, name, _PerThread(name, _resolved))  # reads through instances
    BaseRouter.__class__ = _PerThreadRouterType  # type: ignore[method-assign]


# Powertools' metric set is shared by every Metrics (a class attribute), and the layer's one Logger keeps its
# keys in one dict: on Lambda one invocation per process uses them. Here concurrent invocations do: a log
# record was formatted while another invocation changed the keys ("dictionary changed size during
# iteration", seen in make chaos), and a flush iterating the metric set while another invocation adds to it
# would raise the same out of the handler (its batch back only after the visibility timeout). Each
# operation is made whole under a lock (one for metrics, one for logging, so neither waits on the other).
_SHARED_POWERTOOLS_STATE = (
    (
        AmazonCloudWatchEMFProvider,
        (
            "add_metric",
            "add_dimension",
            "add_metadata",
            "serialize_metric_set",
            "flush_metrics",
            "clear_metrics",
        ),
        threading.RLock(),
    ),
    (LambdaPowertoolsFormatter, ("format", "append_keys", "remove_keys", "clear_state"), threading.RLock()),
)


def serialize_powertools_shared_state() -> None:
    """Makes the Powertools state every in-process environment shares safe to use from several threads."""
    for owner, names, lock in _SHARED_POWERTOOLS_STATE:
        for name in names:
            operation = getattr(owner, name)
            if getattr(operation, "serialized", False):
                continue
            setattr(owner, name, _under(lock, operation))


def _under(lock: threading.RLock, operation: Any) -> Any:
    @functools.wraps(operation)
    def serialized(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return operation(*args, **kwargs)

    serialized.serialized = True  # type: ignore[attr-defined]
    return serialized


def load_functions(
    template: Template,
    template_dir: Path,
    resolver: Resolver,
    handlers: Mapping[str, Handler],
    concurrency: int = DEFAULT_CONCURRENCY,
) -> dict[str, LocalFunction]:
    """Every template function, its handler imported from CodeUri and Handler unless `handlers` has it.

    Each function's first environment starts here, so a handler that cannot be imported fails the start.
    """
    import_roots = [
        template_dir / resource["Properties"]["ContentUri"]
        for resource in template.resources_of_type("AWS::Serverless::LayerVersion").values()
    ]
    # Lambda puts the layers on the path; the handler's own code is imported per environment.
    _prepend_to_path([template_dir, *import_roots])
    isolate_powertools_event()
    serialize_powertools_shared_state()
    functions: dict[str, LocalFunction] = {}
    for logical_id in template.resources_of_type(FUNCTION_TYPE):
        properties = template.function_properties(logical_id)
        fake = handlers.get(logical_id)
        # A test's fake handler is the same object in every environment; it only gets the pool's limits.
        load = environment_loader(logical_id, template_dir, properties) if fake is None else _fixed(fake)
        reserved = properties.get("ReservedConcurrentExecutions")
        pool = EnvironmentPool(load, min(concurrency, int(reserved)) if reserved else concurrency)
        dead_letter = properties.get("DeadLetterQueue") or {}
        invoke_config = properties.get("EventInvokeConfig") or {}
        functions[logical_id] = LocalFunction(
            logical_id=logical_id,
            name=properties.get("FunctionName", f"{STACK_NAME}-{logical_id}"),
            environments=pool,
            timeout_s=int(properties.get("Timeout", 3)),
            memory_mb=int(properties.get("MemorySize", 128)),
            async_retries=int(invoke_config.get("MaximumRetryAttempts", DEFAULT_ASYNC_RETRIES)),
            dead_letter_arn=resolver.resolve(dead_letter.get("TargetArn")),
        )
        with pool.environment(wait=True):
            pass
    return functions


# Numbers the environments of every function, so each copy of a CodeUri package has a name of its own.
_environment_numbers = itertools.count(1)
# Imports of a new environment's package register it in sys.modules first; one at a time.
_import_lock = threading.Lock()


def environment_loader(
    logical_id: str, template_dir: Path, properties: Mapping[str, Any]
) -> Callable[[], Handler]:
    """Imports the function's CodeUri as a package of a new name each call: a fresh copy of every module in
    it (relative imports stay inside the copy), as a new execution environment would load it."""
    code_dir = (template_dir / properties["CodeUri"]).resolve()
    module_name, _, attribute = properties["Handler"].rpartition(".")

    def load() -> Handler:
        with _import_lock:
            package = f"{code_dir.name}__{logical_id}_env{next(_environment_numbers)}"
            init = code_dir / "__init__.py"
            if init.exists():
                spec = importlib.util.spec_from_file_location(
                    package, init, submodule_search_locations=[str(code_dir)]
                )
                if spec is None or spec.loader is None:
                    raise ImportError(f"{logical_id}: cannot import {init}")
                module = importlib.util.module_from_spec(spec)
                sys.modules[package] = module
                spec.loader.exec_module(module)
            else:
                module = types.ModuleType(package)
                module.__path__ = [str(code_dir)]
                sys.modules[package] = module
            handler: Handler = getattr(importlib.import_module(f"{package}.{module_name}"), attribute)
            return handler

    return load


def _fixed(handler: Handler) -> Callable[[], Handler]:
    return lambda: handler


def _prepend_to_path(directories: Iterable[Path]) -> None:
    for directory in reversed(list(directories)):
        entry = str(directory.resolve())
        if entry not in sys.path:
            sys.path.insert(0, entry)


class ProcessEnvironment:
    """The process environment handlers read their settings from: set for a stack, put back after it.

    Every function of the stack shares this one process, so they share it too (provisioning checks that
    their variables agree).
    """

    def __init__(self) -> None:
        self._saved: dict[str, str | None] = {}

    def set(self, values: Mapping[str, str | None]) -> None:
        """Sets each variable, or removes it where the value is None; `restore` puts back what was there."""
        for name, value in values.items():
            self._saved.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def restore(self) -> None:
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved.clear()


@dataclass
class AsyncInvoker:
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
