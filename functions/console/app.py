"""API Gateway glue of the web console: the console's routes, the CSRF check, the security headers."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

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
from alerting.console.routes import ROUTES, Route
from alerting.console.views import Request
from alerting.errors import NotFoundError
from alerting.observability import logger, tracer
from alerting.roots.console import console_root

app = APIGatewayRestResolver()
PREFIX = "/console"
EXPIRED = "This form has expired. Go back, reload the page, and try again."
GONE = "There is nothing here (it may have been deleted)."


def _serve(route: Route, parameters: dict[str, str]) -> Response[str]:
    event = app.current_event
    token, new_token = csrf_token(event.get_header_value("Cookie"))
    base = f"/{event.request_context.stage}{PREFIX}"
    form = Form.parse(event.decoded_body) if event.http_method == "POST" else Form({})
    request = Request(base, token, dict(event.query_string_parameters or {}), form)
    if event.http_method == "POST" and (new_token or not csrf_matches(token, form.get(CSRF_FIELD) or None)):
        reply = _problem(request, HTTPStatus.FORBIDDEN, EXPIRED)
    else:
        try:
            values = [parse(text) for parse, text in zip(route.parameters, parameters.values(), strict=True)]
            reply = route.view(console_root(), request, *values)
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
    zone = console_root().zone
    page = render("problem.html", zone, base=request.base, section="", title=status.phrase, message=message)
    return Reply(status, page)


def _handler(route: Route) -> Callable[..., Response[str]]:
    def handle(**parameters: str) -> Response[str]:
        return _serve(route, parameters)

    return handle


for _route in ROUTES:
    app.route(PREFIX + _route.path, _route.method)(_handler(_route))


@app.get(f"{PREFIX}/static/console.css")
def stylesheet() -> Response[str]:
    headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=300"}
    return Response(HTTPStatus.OK, "text/css; charset=utf-8", STYLESHEET.read_text(), headers)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
