"""API Gateway glue of the web console: routes to the console's views, CSRF check, security headers."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from uuid import UUID

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from alerting.composition import console_root
from alerting.console import alert_pages, definition_pages, integration_pages, monitor_pages
from alerting.console.forms import Form
from alerting.console.rendering import STYLESHEET, render
from alerting.console.replies import (
    CSRF_FIELD,
    SECURITY_HEADERS,
    Reply,
    csrf_cookie,
    csrf_matches,
    csrf_token,
)
from alerting.console.views import Console, Request
from alerting.errors import NotFoundError
from alerting.observability import logger, tracer

app = APIGatewayRestResolver()
PREFIX = "/console"
View = Callable[..., Reply]
EXPIRED = "This form has expired. Go back, reload the page, and try again."
GONE = "There is nothing here (it may have been deleted)."


def _serve(view: View, *args: Callable[[], Any]) -> Response[str]:
    """Runs a view; `args` are path parameters, parsed with their view (a bad one is a 404 page)."""
    event = app.current_event
    token, new_token = csrf_token(event.get_header_value("Cookie"))
    base = f"/{event.request_context.stage}{PREFIX}"
    query = dict(event.query_string_parameters or {})
    form = Form.parse(event.decoded_body) if event.http_method == "POST" else Form({})
    request = Request(base, token, query, form)
    if event.http_method == "POST" and (new_token or not csrf_matches(token, form.get(CSRF_FIELD) or None)):
        reply = _problem(request, HTTPStatus.FORBIDDEN, EXPIRED)
    else:
        try:
            reply = view(console_root(), request, *(parse() for parse in args))
        except (NotFoundError, ValueError):
            reply = _problem(request, HTTPStatus.NOT_FOUND, GONE)
    headers = {**SECURITY_HEADERS, **reply.headers}
    if reply.location:
        headers["Location"] = reply.location
    if new_token:
        secure = (event.get_header_value("X-Forwarded-Proto") or "") == "https"
        headers["Set-Cookie"] = csrf_cookie(token, secure=secure)
    return Response(reply.status, reply.content_type, reply.html, headers)


def _problem(request: Request, status: HTTPStatus, message: str) -> Reply:
    html = render(
        "problem.html",
        console_root().zone,
        base=request.base,
        section="",
        title=status.phrase,
        message=message,
        notice=None,
        errors={},
    )
    return Reply(status, html)


def _home(console: Console, request: Request) -> Reply:
    return Reply(HTTPStatus.FOUND, location=request.url("/integrations"))


@app.get(PREFIX)
def home() -> Response[str]:
    return _serve(_home)


@app.get(f"{PREFIX}/static/console.css")
def stylesheet() -> Response[str]:
    headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=300"}
    return Response(HTTPStatus.OK, "text/css; charset=utf-8", STYLESHEET.read_text(), headers)


# Monitors
@app.get(f"{PREFIX}/monitors")
def monitors() -> Response[str]:
    return _serve(monitor_pages.monitors)


@app.post(f"{PREFIX}/monitors")
def add_monitor() -> Response[str]:
    return _serve(monitor_pages.add_monitor)


@app.get(f"{PREFIX}/monitors/<guid>")
def monitor(guid: str) -> Response[str]:
    return _serve(monitor_pages.monitor, lambda: UUID(guid))


@app.post(f"{PREFIX}/monitors/<guid>")
def save_monitor(guid: str) -> Response[str]:
    return _serve(monitor_pages.save_monitor, lambda: UUID(guid))


@app.post(f"{PREFIX}/monitors/<guid>/maintenance")
def add_maintenance(guid: str) -> Response[str]:
    return _serve(monitor_pages.add_maintenance, lambda: UUID(guid))


@app.post(f"{PREFIX}/monitors/<guid>/maintenance/<period>/delete")
def delete_maintenance(guid: str, period: str) -> Response[str]:
    return _serve(monitor_pages.delete_maintenance, lambda: UUID(guid), lambda: int(period))


# Integrations and their StatusHub services
@app.get(f"{PREFIX}/integrations")
def integrations() -> Response[str]:
    return _serve(integration_pages.integrations)


@app.get(f"{PREFIX}/integrations/new")
def new_integration() -> Response[str]:
    return _serve(integration_pages.new_integration)


@app.post(f"{PREFIX}/integrations")
def add_integration() -> Response[str]:
    return _serve(integration_pages.add_integration)


@app.get(f"{PREFIX}/integrations/<guid>")
def integration(guid: str) -> Response[str]:
    return _serve(integration_pages.integration, lambda: UUID(guid))


@app.post(f"{PREFIX}/integrations/<guid>")
def save_integration(guid: str) -> Response[str]:
    return _serve(integration_pages.save_integration, lambda: UUID(guid))


@app.post(f"{PREFIX}/integrations/<guid>/services")
def add_service(guid: str) -> Response[str]:
    return _serve(integration_pages.add_service, lambda: UUID(guid))


@app.post(f"{PREFIX}/integrations/<guid>/services/<service>/delete")
def delete_service(guid: str, service: str) -> Response[str]:
    return _serve(integration_pages.delete_service, lambda: UUID(guid), lambda: UUID(service))


@app.post(f"{PREFIX}/integrations/<guid>/test")
def test_integration(guid: str) -> Response[str]:
    return _serve(integration_pages.test_integration, lambda: UUID(guid))


# Alert definitions, their members and escalation levels
@app.get(f"{PREFIX}/alert-definitions")
def definitions() -> Response[str]:
    return _serve(definition_pages.definitions)


@app.post(f"{PREFIX}/alert-definitions")
def add_definition() -> Response[str]:
    return _serve(definition_pages.add_definition)


@app.get(f"{PREFIX}/alert-definitions/<guid>")
def definition(guid: str) -> Response[str]:
    return _serve(definition_pages.definition, lambda: UUID(guid))


@app.post(f"{PREFIX}/alert-definitions/<guid>/members")
def add_member(guid: str) -> Response[str]:
    return _serve(definition_pages.add_member, lambda: UUID(guid))


@app.post(f"{PREFIX}/alert-definitions/<guid>/members/remove")
def remove_member(guid: str) -> Response[str]:
    return _serve(definition_pages.remove_member, lambda: UUID(guid))


@app.post(f"{PREFIX}/alert-definitions/<guid>/levels/<level>")
def save_level(guid: str, level: str) -> Response[str]:
    return _serve(definition_pages.save_level, lambda: UUID(guid), lambda: _level_id(level))


def _level_id(text: str) -> int:
    level = int(text)
    if level not in (1, 2, 3):
        raise ValueError(text)
    return level


# Alerts, delivery attempts and dead letters
@app.get(f"{PREFIX}/alerts")
def alerts() -> Response[str]:
    return _serve(alert_pages.alerts)


@app.get(f"{PREFIX}/alerts/<guid>")
def monitor_alerts(guid: str) -> Response[str]:
    return _serve(alert_pages.monitor_alerts, lambda: UUID(guid))


@app.post(f"{PREFIX}/alerts/<guid>/resend")
def resend(guid: str) -> Response[str]:
    return _serve(alert_pages.resend, lambda: UUID(guid))


@app.get(f"{PREFIX}/dead-letters")
def dead_letters() -> Response[str]:
    return _serve(alert_pages.dead_letters)


@app.post(f"{PREFIX}/dead-letters/redrive")
def redrive() -> Response[str]:
    return _serve(alert_pages.redrive)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
