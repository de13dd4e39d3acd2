"""The sizes of a check result (DESIGN §4): what is cut before anything of it is stored or queued. (pure)"""

from __future__ import annotations

from collections.abc import Mapping

from alerting.models.alert import (
    ERROR_DESCRIPTION_MAX_BYTES,
    FAILURE_MESSAGE_MAX_BYTES,
    RESPONSE_BODY_MAX_BYTES,
    RESPONSE_HEADERS_MAX_BYTES,
)
from alerting.models.check import CheckResult

SHORT_TEXT_MAX_BYTES = 256


def within_sizes(check: CheckResult) -> CheckResult:
    """The check cut to DESIGN §4 Sizes before anything of it is stored or queued; its short texts
    made storable (no lone surrogates) on the way."""
    short_texts = ("checkpoint_name", "server_ipv4", "server_ipv6", "resolved_ip_address")
    return check.model_copy(
        update={
            **{name: clipped(getattr(check, name), SHORT_TEXT_MAX_BYTES) for name in short_texts},
            "response_body": clipped(check.response_body, RESPONSE_BODY_MAX_BYTES),
            "error_description": clipped(check.error_description, ERROR_DESCRIPTION_MAX_BYTES),
            "failure_message": clipped(check.failure_message, FAILURE_MESSAGE_MAX_BYTES),
            "response_headers": bounded_headers(check.response_headers),
        }
    )


def clipped(text: str, max_bytes: int) -> str:
    """`text` cut to at most `max_bytes` of UTF-8, never inside a character; a lone surrogate (valid
    in JSON, not in UTF-8) becomes "?" so the text can be stored and sent."""
    encoded = text.encode(errors="replace")
    return encoded[:max_bytes].decode(errors="ignore")


def bounded_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers, in order, while names and values together fit RESPONSE_HEADERS_MAX_BYTES."""
    kept: dict[str, str] = {}
    used = 0
    for name, value in headers.items():
        used += len(name.encode(errors="replace")) + len(value.encode(errors="replace"))
        if used > RESPONSE_HEADERS_MAX_BYTES:
            break
        kept[clipped(name, RESPONSE_HEADERS_MAX_BYTES)] = clipped(value, RESPONSE_HEADERS_MAX_BYTES)
    return kept
