"""API fuzzing: schemathesis generates requests from the OpenAPI document the config API serves, against
the local stack. No request may cause a 5xx, every 4xx speaks Uptrends' MessageList shape, and every
answer is one the document promises: a documented status code, with a body matching its schema (DESIGN §3).

Each operation gets a bounded, derandomized number of examples, so the run is repeatable and short.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import response_schema_conformance, status_code_conformance

from local.client import StackClient

EXAMPLES_PER_OPERATION = 25
CONFORMANCE = [response_schema_conformance, status_code_conformance]


def is_message_list(body: Any) -> bool:
    if not isinstance(body, dict) or set(body) != {"Messages"} or not isinstance(body["Messages"], list):
        return False
    return bool(body["Messages"]) and all(
        isinstance(m, dict) and set(m) == {"Field", "Message"} and all(isinstance(v, str) for v in m.values())
        for m in body["Messages"]
    )


def problem_with(status: int, body: Any) -> str | None:
    if status >= 500:
        return "server error"
    if 400 <= status < 500 and not is_message_list(body):
        return "error body is not a MessageList"
    return None


def fuzz(operation: Any, api: str, problems: dict[tuple[str, str, int], str]) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def exercise(case: Any) -> None:
        response = case.call(base_url=api)
        try:
            body = response.json()
        except ValueError:
            body = None
        key = (operation.method.upper(), operation.path, response.status_code)
        problem = problem_with(response.status_code, body)
        if problem:
            problems.setdefault(key, f"{problem}: {case.as_curl_command()} -> {response.text[:200]}")
        try:
            case.validate_response(response, checks=CONFORMANCE)
        except Exception as failure:  # schemathesis raises its failed checks as one group
            problems.setdefault(key, f"not as documented: {failure}"[:600])

    exercise()


# Some 1,500 requests: well over the default per-test timeout on a busy machine.
@pytest.mark.timeout(900)
def test_no_generated_request_causes_a_server_error_and_every_answer_is_as_documented(
    client: StackClient,
) -> None:
    api = client.info.api_url
    schema = schemathesis.openapi.from_url(f"{api}/swagger?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20  # the document describes the API
    problems: dict[tuple[str, str, int], str] = {}
    for operation in operations:
        fuzz(operation, api, problems)
    assert problems == {}
