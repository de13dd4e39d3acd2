"""What a request body must be before anything parses it: small, UTF-8, shallow, valid Unicode (DESIGN §3).

Each check answers a 4xx naming the body; without them a 1,000-deep array overflows the parser's
recursion, a non-UTF-8 body fails decoding and a huge one reaches DynamoDB's item limit (all 5xx).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from http import HTTPStatus

from alerting.models.api import MessageInfo, MessageList

MAX_BODY_BYTES = 256 * 1024
# No config object nests deeper than a handful of levels; 32 leaves room and keeps parsing iterative-safe.
MAX_DEPTH = 32


@dataclass(frozen=True)
class BodyProblem:
    status: HTTPStatus
    messages: MessageList


def _problem(status: HTTPStatus, message: str) -> BodyProblem:
    return BodyProblem(status, MessageList(messages=[MessageInfo(field="body", message=message)]))


def body_problem(body: str | None, is_base64: bool) -> BodyProblem | None:
    """Why the body cannot be accepted, or None; a body that is not JSON is left to request validation."""
    if not body:
        return None
    if is_base64:
        decoded = _decoded(body)
        if isinstance(decoded, BodyProblem):
            return decoded
        body = decoded
    if len(body.encode("utf-8", "surrogatepass")) > MAX_BODY_BYTES:
        return _too_large()
    if nesting_depth(body) > MAX_DEPTH:
        return _problem(HTTPStatus.BAD_REQUEST, f"nests deeper than {MAX_DEPTH} levels")
    return _lone_surrogate(body)


def _lone_surrogate(body: str) -> BodyProblem | None:
    """JSON may escape a lone UTF-16 surrogate, which no store or UTF-8 answer can hold."""
    try:
        json.dumps(json.loads(body), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return _problem(HTTPStatus.BAD_REQUEST, "is not valid Unicode text (a lone surrogate escape)")
    except ValueError:
        return None  # not JSON: request validation words that
    return None


def _decoded(body: str) -> str | BodyProblem:
    """API Gateway hands bytes that are not UTF-8 text over base64-encoded."""
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return _problem(HTTPStatus.BAD_REQUEST, "is not valid base64")
    if len(raw) > MAX_BODY_BYTES:
        return _too_large()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _problem(HTTPStatus.BAD_REQUEST, "is not UTF-8 text")


def _too_large() -> BodyProblem:
    return _problem(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"is larger than {MAX_BODY_BYTES // 1024} KB")


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting of JSON text, counted without parsing (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest
