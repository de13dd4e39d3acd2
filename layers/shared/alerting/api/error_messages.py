"""How the config API words its errors: Uptrends' MessageList, with the field each message is about."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic.alias_generators import to_pascal

from alerting.errors import AlreadyExistsError, InvalidInputError, NotFoundError
from alerting.models.api import MessageInfo, MessageList

_FRIENDLY = {
    "extra_forbidden": "is not a known field",
    "missing": "is required",
    "uuid_parsing": "is not a guid",
    "uuid_type": "is not a guid",
    "json_invalid": "is not valid JSON",
}
_LOCATIONS = {"body", "path", "query", "header"}


def field_path(location: Sequence[int | str]) -> str:
    """("body", "StatusHubServiceList", 0, "MonitorGuid") -> "StatusHubServiceList[0].MonitorGuid"."""
    parts = list(location)
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part.startswith(("function-", "is-instance[", "str-enum[")):
            path += f".{part}" if path else part
    return path


def from_validation(errors: Iterable[dict[str, Any]]) -> MessageList:
    messages = [
        MessageInfo(
            # For unparsable JSON the location is a character offset, not a field.
            field="body"
            if error.get("type") == "json_invalid"
            else field_path(error.get("loc", ())) or "body",
            message=_FRIENDLY.get(error.get("type", ""), error.get("msg", "is invalid")),
        )
        for error in errors
    ]
    # A value that fits no member of a union fails each member: one message per field says enough.
    messages = list({message.field: message for message in reversed(messages)}.values())[::-1]
    return MessageList(messages=messages or [MessageInfo(field="body", message="is invalid")])


def from_model_errors(errors: Iterable[Mapping[str, Any]]) -> MessageList:
    """Errors of a stored model validated from its snake_case fields (a PATCH that would break the object)."""
    named = [{**error, "loc": tuple(_api_name(part) for part in error.get("loc", ()))} for error in errors]
    return from_validation(named)


def _api_name(part: int | str) -> int | str:
    return to_pascal(part) if isinstance(part, str) and re.fullmatch(r"[a-z][a-z0-9_]*", part) else part


def unsupported_media_type(content_type: str | None, body: str | None) -> MessageList | None:
    """Why a request body is not one the API reads (JSON only, whatever the client's default), or None."""
    if not body or content_type is None:
        return None
    media = content_type.split(";", 1)[0].strip().lower()
    if media in ("", "application/json", "text/json") or media.endswith("+json"):
        return None
    return single("Content-Type", f"{media} is not supported: send the body as JSON with application/json")


def from_error(error: InvalidInputError | NotFoundError | AlreadyExistsError) -> MessageList:
    if isinstance(error, InvalidInputError):
        return MessageList(messages=[MessageInfo(field=error.field, message=error.message)])
    return MessageList(messages=[MessageInfo(field=f"{error.kind}Guid", message=str(error))])


def single(field: str, message: str) -> MessageList:
    return MessageList(messages=[MessageInfo(field=field, message=message)])
