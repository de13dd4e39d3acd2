"""SES and SNS calls traced like HTTP exchanges, so e-mail and SMS attempts read the same in the log."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from alerting.delivery.transport import Result, Verdict
from alerting.models.delivery import HttpExchange

# AWS error codes a later attempt can get past; anything else (MessageRejected, InvalidParameter…) is final.
RETRYABLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ServiceUnavailable",
        "InternalFailure",
        "InternalError",
        "RequestTimeout",
    }
)


def traced_call(
    sent: HttpExchange, call: Callable[[], dict[str, Any]], answer_key: str
) -> tuple[Result, int]:
    """Make the call; the exchange with AWS's answer, the verdict and the duration in ms."""
    began = time.perf_counter()
    try:
        response = call()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        exchange = sent.model_copy(
            update={"status_code": status, "response_excerpt": f"{code}: {error.get('Message', '')}"}
        )
        verdict = Verdict.RETRYABLE if code in RETRYABLE_CODES or (status or 0) >= 500 else Verdict.PERMANENT
        return Result(verdict, exchange, f"{code}: {error.get('Message', '')}"), _ms(began)
    except BotoCoreError as exc:
        return Result(Verdict.RETRYABLE, sent, f"connection failed: {type(exc).__name__}: {exc}"), _ms(began)
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 200)
    exchange = sent.model_copy(
        update={"status_code": status, "response_excerpt": f"{answer_key} {response.get(answer_key, '')}"}
    )
    return Result(Verdict.DELIVERED, exchange), _ms(began)


def _ms(began: float) -> int:
    return int((time.perf_counter() - began) * 1000)
