"""What every console page shares: the facade and time zone it works with, the request, and the page frame."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, NamedTuple, TypeVar, cast
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from alerting.api.facade import ConfigApi
from alerting.console.forms import FieldErrors, Form, attempt
from alerting.console.rendering import render
from alerting.console.replies import CSRF_FIELD, Reply

# Rows a list page shows at once; the rest are a `Next page` away.
PAGE_SIZE = 200
Lister = Callable[[int, str | None], tuple[list[Any], str | None]]
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
# A page shown again with the errors of its form: a list page, or one object's page.
Shown = Callable[["Console", "Request", FieldErrors], Reply]
ShownOne = Callable[["Console", "Request", UUID, FieldErrors], Reply]

# Short notices a redirect may ask the next page to show, by key, so no text travels in the URL.
NOTICES = {
    "created": "Created.",
    "saved": "Saved.",
    "deleted": "Deleted.",
    "resent": "Queued again: the attempt shows below once it has run.",
    "link": "Choose the monitor and the service of the new row, then Save.",
}


class Console(NamedTuple):
    """The config API's facade (the same services, the same rules) and the account's time zone."""

    api: ConfigApi
    zone: ZoneInfo


@dataclass(frozen=True)
class Request:
    """One console request: where the console lives, this browser's CSRF token, query and form."""

    base: str
    csrf: str
    query: Mapping[str, str] = field(default_factory=dict)
    form: Form = field(default_factory=lambda: Form({}))
    # Who is signed in (deployed); None on the local stack, which has no login.
    user: str | None = None

    def url(self, path: str = "", notice: str | None = None) -> str:
        return f"{self.base}{path}" + (f"?notice={notice}" if notice else "")


def page(
    console: Console,
    request: Request,
    template: str,
    *,
    section: str,
    title: str,
    errors: FieldErrors | None = None,
    status: HTTPStatus | None = None,
    **context: Any,
) -> Reply:
    errors = errors or {}
    html = render(
        template,
        console.zone,
        base=request.base,
        csrf_field=CSRF_FIELD,
        csrf=request.csrf,
        section=section,
        title=title,
        user=request.user,
        notice=NOTICES.get(request.query.get("notice", "")),
        errors=errors,
        values=request.form.values(),
        **context,
    )
    if status is None:
        status = HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK
    return Reply(status, html)


def listing(
    console: Console,
    request: Request,
    lister: Lister,
    template: str,
    *,
    section: str,
    title: str,
    errors: FieldErrors | None = None,
    **context: Any,
) -> Reply:
    """A list page (listing.html): one page of `items`, the next page's cursor, its add form when asked."""
    items, next_cursor = lister(PAGE_SIZE, request.query.get("cursor") or None)
    adding = bool(errors) or request.query.get("add") == "1"
    context |= {"items": items, "next_cursor": next_cursor, "adding": adding}
    return page(console, request, template, section=section, title=title, errors=errors, **context)


def submit(
    action: Callable[[], T], shown_again: Callable[[FieldErrors], Reply], then: str | Callable[[T], str]
) -> Reply:
    """A form's one facade call: refused, the page again with the API's messages; done, a redirect to
    `then` (or to where `then` says for what the call made, e.g. the page of a new object)."""
    done, errors = attempt(action)
    if errors:
        return shown_again(errors)
    # Without errors the call returned what it made (None only where `then` is a plain URL).
    return Reply.redirect(then if isinstance(then, str) else then(cast(T, done)))


def _given(form: Form, checkboxes: tuple[str, ...] = ()) -> dict[str, Any]:
    """A form whose field names are the model's own: its fields as given, its checkboxes as booleans."""
    given: dict[str, Any] = {name: form.get(name) for name in form.fields if name != CSRF_FIELD}
    return given | {name: form.checked(name) for name in checkboxes}


def adder(
    model: type[M], create: Callable[[ConfigApi, M], T], again: Shown, page_of: str
) -> Callable[[Console, Request], Reply]:
    """The action of a list page's add form: create the object, then its page (`page_of`, formatted with
    the new object's fields, e.g. "/monitors/{monitor_guid}"); refused, the list again with the errors."""

    def add(console: Console, request: Request) -> Reply:
        return submit(
            lambda: create(console.api, model.model_validate(_given(request.form))),
            lambda errors: again(console, request, errors),
            lambda created: request.url(page_of.format(**vars(created)), "created"),
        )

    return add


def saver(
    model: type[M], save: Callable[[ConfigApi, UUID, M], None], again: ShownOne, page: str, *checkboxes: str
) -> Callable[[Console, Request, UUID], Reply]:
    """The action of an object's settings form: patch it, then its page again (`page` + guid), saved."""

    def save_one(console: Console, request: Request, guid: UUID) -> Reply:
        return submit(
            lambda: save(console.api, guid, model.model_validate(_given(request.form, checkboxes))),
            lambda errors: again(console, request, guid, errors),
            request.url(f"{page}/{guid}", "saved"),
        )

    return save_one
