"""Lambda's runtime, emulated in-process: owns loading handlers and invoking them as Lambda does.

A `LocalFunction` is a template function bound to its handler; `invoke` builds the context Lambda would
pass and calls the handler once. `AsyncInvoker` adds what an asynchronous invoke gets on top: retries, then
the function's dead-letter queue. What triggers an invoke (queues, rules, schedules, HTTP) lives in
`local.event_sources` and `local.api_gateway`; they only call `invoke` and `cold_start`.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from local.provisioning import ACCOUNT_ID, FUNCTION_TYPE, REGION, STACK_NAME

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from mypy_boto3_sqs import SQSClient

    from local.provisioning import Resolver, Template

    Handler = Callable[[dict[str, Any], Any], Any]

# Lambda retries a failed async invoke twice unless EventInvokeConfig says otherwise.
DEFAULT_ASYNC_RETRIES = 2

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
        context = invocation_context(self.name, memory_mb=self.memory_mb, timeout_s=self.timeout_s)
        return self.handler(event, context)

    def cold_start(self) -> None:
        """The next invoke starts cold: clears the functools caches of the handler's module (its root)."""
        module = sys.modules.get(getattr(self.handler, "__module__", ""))
        if module is None:
            return
        for value in vars(module).values():
            # A handler's root may live in alerting.composition (the handler holds a reference to it).
            own = getattr(value, "__module__", "") in (module.__name__, "alerting.composition")
            if own and callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def load_functions(
    template: Template, template_dir: Path, resolver: Resolver, handlers: Mapping[str, Handler]
) -> dict[str, LocalFunction]:
    """Every template function, its handler imported from CodeUri and Handler unless `handlers` has it."""
    import_roots = [
        template_dir / resource["Properties"]["ContentUri"]
        for resource in template.resources_of_type("AWS::Serverless::LayerVersion").values()
    ]
    functions: dict[str, LocalFunction] = {}
    for logical_id in template.resources_of_type(FUNCTION_TYPE):
        properties = template.function_properties(logical_id)
        handler = handlers.get(logical_id)
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
