"""Every console page and form action: method, path below /console, view, and how its path parameters parse.

A parameter that does not parse (not a guid, level 4) raises ValueError, which the glue answers with a
404 page like a missing object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from uuid import UUID

from alerting.console import alert_pages, definition_pages, group_pages, integration_pages, monitor_pages
from alerting.console.replies import Reply
from alerting.console.views import Console, Request

View = Callable[..., Reply]
Parse = Callable[[str], Any]


def level_id(text: str) -> int:
    level = int(text)
    if level not in (1, 2, 3):
        raise ValueError(text)
    return level


def home(console: Console, request: Request) -> Reply:
    # The seed's set-up starts at the integrations.
    return Reply(HTTPStatus.FOUND, location=request.url("/integrations"))


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    view: View
    parameters: tuple[Parse, ...] = ()


def resource(path: str, items: View, add: View, one: View, save: View | None = None) -> tuple[Route, ...]:
    """A kind of object's list, its add form's action, one object's page and its save action."""
    routes = (
        Route("GET", path, items),
        Route("POST", path, add),
        Route("GET", f"{path}/<guid>", one, (UUID,)),
    )
    return routes + ((Route("POST", f"{path}/<guid>", save, (UUID,)),) if save else ())


def members(path: str, add: View, remove: View) -> tuple[Route, ...]:
    """A definition's or a group's members: add one, remove one (both say which in the form)."""
    return (
        Route("POST", f"{path}/<guid>/members", add, (UUID,)),
        Route("POST", f"{path}/<guid>/members/remove", remove, (UUID,)),
    )


# `/integrations/new` before `/integrations/<guid>`: the first route that matches serves.
ROUTES = (
    Route("GET", "", home),
    *resource(
        "/monitors",
        monitor_pages.monitors,
        monitor_pages.add_monitor,
        monitor_pages.monitor,
        monitor_pages.save_monitor,
    ),
    Route("POST", "/monitors/<guid>/maintenance", monitor_pages.add_maintenance, (UUID,)),
    Route(
        "POST", "/monitors/<guid>/maintenance/<period>/delete", monitor_pages.delete_maintenance, (UUID, int)
    ),
    *resource("/monitor-groups", group_pages.groups, group_pages.add_group, group_pages.group),
    *members("/monitor-groups", group_pages.add_member, group_pages.remove_member),
    Route("GET", "/integrations/new", integration_pages.new_integration),
    *resource(
        "/integrations",
        integration_pages.integrations,
        integration_pages.add_integration,
        integration_pages.integration,
        integration_pages.save_integration,
    ),
    Route("POST", "/integrations/<guid>/services", integration_pages.add_service, (UUID,)),
    Route(
        "POST",
        "/integrations/<guid>/services/<service>/delete",
        integration_pages.delete_service,
        (UUID, UUID),
    ),
    Route("POST", "/integrations/<guid>/test", integration_pages.test_integration, (UUID,)),
    *resource(
        "/alert-definitions",
        definition_pages.definitions,
        definition_pages.add_definition,
        definition_pages.definition,
    ),
    Route("POST", "/alert-definitions/<guid>/levels/<level>", definition_pages.save_level, (UUID, level_id)),
    Route("GET", "/alerts", alert_pages.alerts),
    Route("GET", "/alerts/<guid>", alert_pages.monitor_alerts, (UUID,)),
    Route("POST", "/alerts/<guid>/resend", alert_pages.resend, (UUID,)),
    *members("/alert-definitions", definition_pages.add_member, definition_pages.remove_member),
    Route("GET", "/dead-letters", alert_pages.dead_letters),
    Route("POST", "/dead-letters/redrive", alert_pages.redrive),
)
