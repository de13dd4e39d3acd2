"""The local stack's execution environments: one invoke at a time each, cold starts as the pool grows, and
API Gateway's answer when the pool is full (issue 16)."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from aws_lambda_powertools.event_handler.api_gateway import BaseRouter
from werkzeug.test import Client

from local.api_gateway import ApiGateway
from local.event_sources import SqsEventSource, pollers_for
from local.lambda_runtime import (
    EnvironmentPool,
    LocalFunction,
    ThrottledError,
    environment_loader,
    isolate_powertools_event,
)
from local.stack import REPO_ROOT

WAIT = 30.0  # a safety net for a broken test, never the thing asserted


class Gate:
    """A handler that holds its invoke until `release`; `entered` counts invokes holding."""

    def __init__(self) -> None:
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()
        self.environments: list[int] = []

    def load(self) -> Any:
        number = len(self.environments) + 1
        self.environments.append(number)

        def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            self.entered.release()
            assert self.release.wait(WAIT)
            return {"statusCode": 200, "body": str(number)}

        return handler


def function(gate: Gate, size: int) -> LocalFunction:
    return LocalFunction("Fn", "stack-Fn", EnvironmentPool(gate.load, size), 3, 128, 2, None)


def test_invokes_in_flight_each_get_an_environment_and_later_ones_reuse_them() -> None:
    gate = Gate()
    fn = function(gate, size=4)
    with ThreadPoolExecutor(3) as pool:
        answers = [pool.submit(fn.invoke, {}) for _ in range(3)]
        for _ in range(3):
            assert gate.entered.acquire(timeout=WAIT)
        gate.release.set()
        bodies = sorted(answer.result()["body"] for answer in answers)

    assert bodies == ["1", "2", "3"]
    assert fn.environments.cold_starts == 3
    assert fn.invoke({})["body"] in bodies  # warm: no fourth environment
    assert fn.environments.cold_starts == 3


def test_a_synchronous_invoke_beyond_the_pool_size_is_throttled_and_an_event_source_waits() -> None:
    gate = Gate()
    fn = function(gate, size=1)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(fn.invoke, {})
        assert gate.entered.acquire(timeout=WAIT)
        with pytest.raises(ThrottledError):
            fn.invoke({}, wait=False)
        waiting = pool.submit(fn.invoke, {})  # an event source's invoke: waits for the environment
        gate.release.set()
        assert [first.result()["body"], waiting.result()["body"]] == ["1", "1"]


def test_api_gateway_answers_a_throttled_request_500_as_aws_does() -> None:
    gate = Gate()
    api = ApiGateway("v4")
    api.add_route("ANY", "/{proxy+}", function(gate, size=1))
    http = Client(api)
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(http.get, "/v4/Monitor")
        assert gate.entered.acquire(timeout=WAIT)
        throttled = http.get("/v4/Monitor")
        gate.release.set()
        assert first.result().status_code == 200
    assert (throttled.status_code, throttled.json) == (500, {"message": "Internal server error"})


def test_a_cold_start_retires_the_environments() -> None:
    gate = Gate()
    gate.release.set()
    fn = function(gate, size=2)
    fn.invoke({})
    fn.cold_start()
    assert fn.invoke({})["body"] == "2"


def test_each_environment_imports_its_own_copy_of_the_function_code() -> None:
    load = environment_loader(
        "ConfigApiFunction", REPO_ROOT, {"CodeUri": "functions", "Handler": "config_api.app.lambda_handler"}
    )
    first, second = load(), load()
    first_module, second_module = sys.modules[first.__module__], sys.modules[second.__module__]
    assert first_module is not second_module
    assert first_module.app is not second_module.app  # each its own Powertools resolver


def test_the_event_a_resolver_resolves_is_the_current_threads() -> None:
    isolate_powertools_event()
    BaseRouter.current_event = "main"  # type: ignore[assignment]
    seen: list[Any] = []

    def other() -> None:
        BaseRouter.current_event = "other"  # type: ignore[assignment]
        seen.append(BaseRouter.current_event)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == ["other"]
    assert BaseRouter.current_event == "main"


class OneMessageQueue:
    """An SQS client stand-in: each receive hands out one new message; deletes are recorded."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent = 0
        self.deleted: list[str] = []

    def receive_message(self, **_: Any) -> dict[str, Any]:
        with self.lock:
            self.sent += 1
            number = self.sent
        message = {"MessageId": f"m{number}", "ReceiptHandle": f"r{number}", "Body": "{}", "MD5OfBody": ""}
        return {"Messages": [message]}

    def delete_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:  # noqa: N803
        with self.lock:
            self.deleted += [entry["ReceiptHandle"] for entry in Entries]
        return {}


def test_an_sqs_event_source_works_on_as_many_batches_at_once_as_it_has_pollers() -> None:
    gate, queue, stop = Gate(), OneMessageQueue(), threading.Event()
    source = SqsEventSource(
        function(gate, size=8),
        queue,  # type: ignore[arg-type]
        "url",
        "arn",
        batch_size=1,
        reports_failures=False,
        stop=stop,
        pollers=3,
    )
    threads = [threading.Thread(target=source.run, daemon=True) for _ in range(source.pollers)]
    for thread in threads:
        thread.start()
    # Three batches held in the handler at once: one poller would hold one and wait.
    for _ in range(3):
        assert gate.entered.acquire(timeout=WAIT)
    pausing = threading.Thread(target=source.pause)
    pausing.start()
    pausing.join(0.2)
    assert pausing.is_alive()  # pausing waits for every batch in hand
    gate.release.set()
    pausing.join(WAIT)
    stop.set()
    for thread in threads:
        thread.join(WAIT)
    assert not pausing.is_alive()
    assert sorted(queue.deleted) == ["r1", "r2", "r3"]
    assert pollers_for("https://sqs/123/q.fifo") > pollers_for("https://sqs/123/q") > 1
