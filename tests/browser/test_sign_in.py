"""Deployed sign-in in a real browser: chromium opens the console, is sent to the (fake) Cognito login,
signs in there and comes back to the console signed in; signing out sends it to the login again.

The console's handler runs behind a small loopback HTTP server (as API Gateway would call it) with the
sign-in configured against a fake Cognito that issues real RS256 tokens; no local stack is needed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from alerting import composition
from alerting.console import sign_in
from console import app as console_app
from local import api_gateway
from tests.conftest import LambdaContext, Stack
from tests.support.fake_cognito import CLIENT_ID, USER, FakeCognito, running_cognito

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def _console_server(context: LambdaContext) -> tuple[BaseWSGIServer, str]:
    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        path = request.path.removeprefix("/v4")
        event = api_gateway.proxy_event(
            request.method,
            path,
            resource="/console/{proxy+}",
            stage="v4",
            path_parameters={"proxy": path.removeprefix("/console/")},
            headers={name: [value] for name, value in request.headers.items()}
            | {"X-Forwarded-Proto": ["http"]},
            query=request.args.to_dict(flat=False),
            body=request.get_data(),
            domain_name=request.host,
        )
        reply = console_app.lambda_handler(event, context)
        response = Response(reply.get("body") or "", status=int(reply["statusCode"]))
        for name, values in (reply.get("multiValueHeaders") or {}).items():
            for value in values:
                response.headers.add(name, value)
        return response(environ, start_response)

    server = make_server("127.0.0.1", 0, application, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/v4/console"


@pytest.fixture
def console_url(
    stack: Stack, lambda_context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    with running_cognito() as cognito:
        monkeypatch.setenv("CONSOLE_USER_POOL_ID", "us-east-1_console")
        monkeypatch.setenv("CONSOLE_ISSUER", cognito.url)
        monkeypatch.setenv("CONSOLE_LOGIN_URL", cognito.url)
        monkeypatch.setenv("CONSOLE_CLIENT_ID", CLIENT_ID)
        for cache in (sign_in.settings, sign_in.key_set, composition.console_root):
            cache.cache_clear()
        server, url = _console_server(lambda_context)
        yield url
        server.shutdown()
        for cache in (sign_in.settings, sign_in.key_set, composition.console_root):
            cache.cache_clear()


def test_a_browser_signs_in_at_the_hosted_login_and_out_again(
    page: Page, console_url: str, screenshots: Path | None
) -> None:
    page.goto(console_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the console")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Integrations")
    expect(page.get_by_text(USER)).to_be_visible()
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Monitors", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitors")
    if screenshots is not None:
        page.screenshot(path=str(screenshots / "signed-in.png"), full_page=True)

    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the console")
    page.goto(console_url + "/monitors")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the console")


def test_a_forged_session_cookie_gets_the_login_not_the_console(page: Page, console_url: str) -> None:
    forged = FakeCognito(url=console_url).forged()
    page.context.add_cookies([{"name": "console_session", "value": forged, "url": console_url}])
    page.goto(console_url + "/monitors")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the console")
