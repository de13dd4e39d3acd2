"""HTML forms in, the API's models out; the API's own errors back, keyed by the field they concern.

Form fields carry the API's PascalCase names (`Name`, `Url`, `Variables.ApiUrl`), so a message the API
words for a field lands next to the input of that name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import parse_qs

from pydantic import ValidationError

from alerting.api import error_messages
from alerting.errors import AlreadyExistsError, InvalidInputError, NotFoundError
from alerting.models.api import MessageList

T = TypeVar("T")
FieldErrors = dict[str, str]


@dataclass(frozen=True)
class Form:
    """A submitted `application/x-www-form-urlencoded` body."""

    fields: dict[str, list[str]]

    @classmethod
    def parse(cls, body: str | None) -> Form:
        return cls(parse_qs(body or "", keep_blank_values=True))

    def get(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[-1].strip() if values else default

    def all(self, name: str) -> list[str]:
        return [value.strip() for value in self.fields.get(name, [])]

    def checked(self, name: str) -> bool:
        return name in self.fields

    def values(self) -> dict[str, str]:
        """What to put back into the form when it is shown again with its errors."""
        return {name: values[-1] for name, values in self.fields.items()}


def field_errors(messages: MessageList) -> FieldErrors:
    errors: FieldErrors = {}
    for message in messages.messages:
        errors.setdefault(message.field or "form", message.message)
    return errors


def attempt(action: Callable[[], T]) -> tuple[T | None, FieldErrors]:
    """Run one facade call; its result, or the API's messages by field when the input is refused."""
    try:
        return action(), {}
    except ValidationError as error:
        return None, field_errors(error_messages.from_model_errors(error.errors()))
    except (InvalidInputError, NotFoundError, AlreadyExistsError) as error:
        return None, field_errors(error_messages.from_error(error))
