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
from alerting.console.sign_in import (
    CALLBACK,
    SESSION_COOKIE,
    SIGN_OUT,
    callback,
    cookies,
    go_to_login,
    settings,
    sign_out,
    verified_claims,
)
from alerting.console.views import Request
from alerting.errors import NotFoundError
from alerting.observability import logger, tracer
from alerting.roots.console import console_root

app = APIGatewayRestResolver()
PREFIX = "/console"
EXPIRED = "This form has expired. Go back, reload the page, and try again."
GONE = "There is nothing here (it may have been deleted)."


def _serve(route: Route | None, parameters: dict[str, str]) -> Response[str]:
    """A console route (None: the sign-in's own routes), behind the sign-in when the stack has one."""
    event = app.current_event
    cookie_header = event.headers.get("Cookie")
    token, new_token = csrf_token(cookie_header)
    base = f"/{event.request_context.stage}{PREFIX}"
    form = Form.parse(event.decoded_body) if event.http_method == "POST" else Form({})
    query = dict(event.query_string_parameters or {})
    login, jar = settings(), cookies(cookie_header)
    claims = verified_claims(login, jar.get(SESSION_COOKIE)) if login.enabled else None
    user = None if claims is None else str(claims.get("email") or claims["sub"])
    request = Request(base, token, query, form, user)
    if route is None or (login.enabled and user is None):
        # API Gateway always says https; a loopback test server in front of the handler says http.
        scheme = event.headers.get("X-Forwarded-Proto") or "https"
        console_url = f"{scheme}://{event.request_context.domain_name}{base}"
        reply = _sign_in(request, route, query, jar, console_url) if login.enabled else Reply.redirect(base)
    elif event.http_method == "POST" and (new_token or not csrf_matches(token, form.get(CSRF_FIELD) or None)):
        reply = _problem(request, HTTPStatus.FORBIDDEN, EXPIRED)
    else:
        try:
            values = [parse(text) for parse, text in zip(route.parameters, parameters.values(), strict=True)]
            reply = route.view(console_root(), request, *values)
        except (NotFoundError, ValueError):
            reply = _problem(request, HTTPStatus.NOT_FOUND, GONE)
    headers: dict[str, str | list[str]] = {**SECURITY_HEADERS, **reply.headers}
    if reply.location:
        headers["Location"] = reply.location
    set_cookies = list(reply.cookies)
    if new_token:
        secure = (event.headers.get("X-Forwarded-Proto") or "") == "https"
        set_cookies.append(csrf_cookie(token, secure=secure))
    if set_cookies:
        headers["Set-Cookie"] = set_cookies
    return Response(reply.status, reply.content_type, reply.html, headers)


def _sign_in(
    request: Request, route: Route | None, query: dict[str, str], jar: dict[str, str], console_url: str
) -> Reply:
    login, base, path = settings(), request.base, app.current_event.path
    if route is None and path.endswith(SIGN_OUT):
        return sign_out(login, console_url, base)
    if route is None and path.endswith(CALLBACK):
        outcome = callback(login, console_url, base, query, jar)
        if isinstance(outcome, Reply):
            return outcome
        return _problem(request, HTTPStatus.FORBIDDEN, outcome + " Open the console again to sign in.")
    return go_to_login(login, console_url, base)


def _problem(request: Request, status: HTTPStatus, message: str) -> Reply:
    zone = console_root().zone
    page = render(
        "problem.html", zone, base=request.base, section="", title=status.phrase, message=message, user=None
    )
    return Reply(status, page)


def _handler(route: Route) -> Callable[..., Response[str]]:
    def handle(**parameters: str) -> Response[str]:
        return _serve(route, parameters)

    return handle


for _route in ROUTES:
    app.route(PREFIX + _route.path, _route.method)(_handler(_route))


@app.get(PREFIX + CALLBACK)
@app.get(PREFIX + SIGN_OUT)
def sign_in_routes() -> Response[str]:
    return _serve(None, {})


@app.get(f"{PREFIX}/static/console.css")
def stylesheet() -> Response[str]:
    headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=300"}
    return Response(HTTPStatus.OK, "text/css; charset=utf-8", STYLESHEET.read_text(), headers)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
