"""One HTTP exchange with a target: send with httpx, classify the answer, mask secrets for the log."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from alerting.models.delivery import HttpExchange

EXCERPT_CHARS = 2000
SECRET_QUERY_NAMES = frozenset({"token", "key", "api_key", "apikey", "secret", "sig", "signature", "code"})
# Header and variable names that hold credentials (compared without case, `-` or `_`).
SECRET_NAME_PARTS = ("password", "secret", "token", "apikey", "auth", "key", "credential", "cookie")
MASK = "****"


def is_secret_name(name: str) -> bool:
    folded = name.lower().replace("-", "").replace("_", "")
    return any(part in folded for part in SECRET_NAME_PARTS)


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRYABLE = "retryable"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class OutgoingRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    json_body: object = None
    # A body that is not JSON (form, XML, text); wins over json_body.
    content: str | None = None
    content_type: str = "application/json"

    def body(self) -> str:
        """The exact text sent: what a signature covers."""
        if self.content is not None:
            return self.content
        return "" if self.json_body is None else json.dumps(self.json_body, separators=(",", ":"))


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    exchange: HttpExchange
    error: str = ""
    retry_after_seconds: float | None = None
    # A timeout or a 429: the target is overloaded, so the next attempt waits longer.
    throttled: bool = False


def classify(status_code: int) -> Verdict:
    """2xx delivered; 408, 429 and 5xx worth another try; any other answer is final."""
    if 200 <= status_code < 300:
        return Verdict.DELIVERED
    if status_code in (408, 429) or status_code >= 500:
        return Verdict.RETRYABLE
    return Verdict.PERMANENT


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds, from either of its forms (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


def mask_url(url: str) -> str:
    """The URL with credentials and token-like query values hidden (StatusHub hook URLs carry one)."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    if parts.username or parts.password:
        netloc = f"{MASK}@{netloc}"
    query = [
        (name, _mask_value(value) if name.lower() in SECRET_QUERY_NAMES else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="*"), ""))


def _mask_value(value: str) -> str:
    return f"{value[:4]}{MASK}" if len(value) > 8 else MASK


def mask_headers(headers: dict[str, str]) -> dict[str, str]:
    return {name: MASK if is_secret_name(name) else value for name, value in headers.items()}


def send(client: httpx.Client, request: OutgoingRequest, now: datetime) -> Result:
    """One exchange; the client's transport refuses forbidden addresses (ForbiddenAddressError)."""
    body = request.body()
    headers = {"content-type": request.content_type, **request.headers} if body else dict(request.headers)
    sent = HttpExchange(
        method=request.method,
        url=mask_url(request.url),
        request_headers=mask_headers(headers),
        request_body=body,
    )
    try:
        response = client.request(request.method, request.url, headers=headers, content=body or None)
    except httpx.TimeoutException as exc:
        return Result(Verdict.RETRYABLE, sent, error=f"timed out: {type(exc).__name__}", throttled=True)
    except httpx.TransportError as exc:
        return Result(Verdict.RETRYABLE, sent, error=f"connection failed: {type(exc).__name__}: {exc}")
    exchange = sent.model_copy(
        update={
            "status_code": response.status_code,
            "response_headers": mask_headers(dict(response.headers)),
            "response_excerpt": response.text[:EXCERPT_CHARS],
        }
    )
    verdict = classify(response.status_code)
    error = "" if verdict is Verdict.DELIVERED else f"HTTP {response.status_code}"
    return Result(
        verdict,
        exchange,
        error,
        retry_after_seconds(response.headers.get("retry-after"), now),
        throttled=response.status_code == 429,
    )
