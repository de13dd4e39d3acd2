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


ROUTES = (
    Route("GET", "", home),
    Route("GET", "/monitors", monitor_pages.monitors),
    Route("POST", "/monitors", monitor_pages.add_monitor),
    Route("GET", "/monitors/<guid>", monitor_pages.monitor, (UUID,)),
    Route("POST", "/monitors/<guid>", monitor_pages.save_monitor, (UUID,)),
    Route("POST", "/monitors/<guid>/maintenance", monitor_pages.add_maintenance, (UUID,)),
    Route(
        "POST", "/monitors/<guid>/maintenance/<period>/delete", monitor_pages.delete_maintenance, (UUID, int)
    ),
    Route("GET", "/monitor-groups", group_pages.groups),
    Route("POST", "/monitor-groups", group_pages.add_group),
    Route("GET", "/monitor-groups/<guid>", group_pages.group, (UUID,)),
    Route("POST", "/monitor-groups/<guid>/members", group_pages.add_member, (UUID,)),
    Route("POST", "/monitor-groups/<guid>/members/remove", group_pages.remove_member, (UUID,)),
    Route("GET", "/integrations", integration_pages.integrations),
    Route("GET", "/integrations/new", integration_pages.new_integration),
    Route("POST", "/integrations", integration_pages.add_integration),
    Route("GET", "/integrations/<guid>", integration_pages.integration, (UUID,)),
    Route("POST", "/integrations/<guid>", integration_pages.save_integration, (UUID,)),
    Route("POST", "/integrations/<guid>/services", integration_pages.add_service, (UUID,)),
    Route(
        "POST",
        "/integrations/<guid>/services/<service>/delete",
        integration_pages.delete_service,
        (UUID, UUID),
    ),
    Route("POST", "/integrations/<guid>/test", integration_pages.test_integration, (UUID,)),
    Route("GET", "/alert-definitions", definition_pages.definitions),
    Route("POST", "/alert-definitions", definition_pages.add_definition),
    Route("GET", "/alert-definitions/<guid>", definition_pages.definition, (UUID,)),
    Route("POST", "/alert-definitions/<guid>/members", definition_pages.add_member, (UUID,)),
    Route("POST", "/alert-definitions/<guid>/members/remove", definition_pages.remove_member, (UUID,)),
    Route("POST", "/alert-definitions/<guid>/levels/<level>", definition_pages.save_level, (UUID, level_id)),
    Route("GET", "/alerts", alert_pages.alerts),
    Route("GET", "/alerts/<guid>", alert_pages.monitor_alerts, (UUID,)),
    Route("POST", "/alerts/<guid>/resend", alert_pages.resend, (UUID,)),
    Route("GET", "/dead-letters", alert_pages.dead_letters),
    Route("POST", "/dead-letters/redrive", alert_pages.redrive),
)
