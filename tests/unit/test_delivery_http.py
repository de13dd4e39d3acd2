"""How a target's answer is classified, how long until the next try, and what the log may show."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from alerting.delivery.attempt import next_delay
from alerting.delivery.transport import Verdict, classify, retry_after_seconds, send
from alerting.integrations.spec import OutgoingRequest
from alerting.masking import mask_headers, mask_url

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
SCHEDULE = (0.0, 5.0, 300.0, 1800.0)


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, Verdict.DELIVERED),
        (202, Verdict.DELIVERED),
        (204, Verdict.DELIVERED),
        (408, Verdict.RETRYABLE),
        (429, Verdict.RETRYABLE),
        (500, Verdict.RETRYABLE),
        (503, Verdict.RETRYABLE),
        (400, Verdict.PERMANENT),
        (404, Verdict.PERMANENT),
        (410, Verdict.PERMANENT),
        (301, Verdict.PERMANENT),  # redirects are not followed
    ],
)
def test_classify(status: int, verdict: Verdict) -> None:
    assert classify(status) is verdict


@pytest.mark.parametrize(
    ("attempt", "jitter", "retry_after", "expected"),
    [
        (1, 0.0, None, 5.0),
        (2, 0.0, None, 300.0),
        (1, 0.2, None, 6.0),
        (1, -0.2, None, 4.0),
        (2, 0.0, 1.0, 300.0),  # Retry-After shorter than the schedule: the schedule wins
        (2, 0.0, 450.0, 450.0),
        (2, 0.0, 9999.0, 600.0),  # clamped to twice the scheduled delay
        (4, 0.0, None, None),  # schedule used up
    ],
)
def test_next_delay(attempt: int, jitter: float, retry_after: float | None, expected: float | None) -> None:
    assert next_delay(SCHEDULE, attempt, jitter, retry_after) == expected


@pytest.mark.parametrize(
    ("attempt", "jitter", "retry_after", "expected"),
    [
        (1, 0.0, None, 60.0),  # a timeout or 429 waits at least the minimum, not the schedule's 5 s
        (1, 0.2, None, 72.0),
        (1, 0.0, 90.0, 90.0),  # Retry-After within [minimum, 2 x minimum]
        (1, 0.0, 1.0, 60.0),
        (1, 0.0, 500.0, 120.0),
        (2, 0.0, None, 300.0),  # the schedule is already past the minimum
        (3, 0.0, 9999.0, 3600.0),
        (4, 0.0, None, None),
    ],
)
def test_next_delay_after_a_timeout_or_429(
    attempt: int, jitter: float, retry_after: float | None, expected: float | None
) -> None:
    assert next_delay(SCHEDULE, attempt, jitter, retry_after, minimum=60.0) == expected


def test_a_429_and_a_timeout_are_throttled_a_503_is_not() -> None:
    def answer(status: int) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(status)))

    def stall(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    request = OutgoingRequest("POST", "https://hooks.example/", {}, {})
    assert send(answer(429), request, NOW).throttled
    assert not send(answer(503), request, NOW).throttled
    assert send(httpx.Client(transport=httpx.MockTransport(stall)), request, NOW).throttled


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Authorization", True),
        ("X-Api-Key", True),
        ("x-routing-key", True),
        ("X-Auth-Token", True),
        ("Cookie", True),
        ("Content-Type", False),
        ("webhook-id", False),
        ("webhook-signature", False),
    ],
)
def test_secret_headers_are_masked(name: str, masked: bool) -> None:
    assert (mask_headers({name: "v"})[name] == "****") is masked


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("120", 120.0), ("Sun, 22 Nov 2026 10:01:00 GMT", 60.0), ("soon", None), (None, None)],
)
def test_retry_after_forms(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, NOW) == seconds


def test_statushub_token_and_credentials_never_reach_the_log() -> None:
    masked = mask_url("https://user:pw@hooks.statushub.io/hooks/uptrends?token=598f3b0da9ba4738")
    assert "598f3b0da9ba4738" not in masked
    assert "pw" not in masked
    assert masked == "https://****@hooks.statushub.io/hooks/uptrends?token=598f****"


def test_send_records_the_exchange_with_secrets_masked() -> None:
    def receiver(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": "7"}, text="busy")

    client = httpx.Client(transport=httpx.MockTransport(receiver))
    result = send(
        client,
        OutgoingRequest(
            "POST",
            "https://hooks.example/h?token=0123456789abcdef",
            {"Authorization": "Bearer s3cret"},
            {"a": 1},
        ),
        NOW,
    )
    assert result.verdict is Verdict.RETRYABLE
    assert result.retry_after_seconds == 7.0
    assert result.exchange.status_code == 503
    assert result.exchange.response_excerpt == "busy"
    assert result.exchange.request_headers["Authorization"] == "****"
    assert "0123456789abcdef" not in result.exchange.url


def test_connection_errors_and_timeouts_are_retryable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def stall(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    for transport in (refuse, stall):
        client = httpx.Client(transport=httpx.MockTransport(transport))
        result = send(client, OutgoingRequest("POST", "https://hooks.example/", {}, {}), NOW)
        assert result.verdict is Verdict.RETRYABLE
        assert result.error
