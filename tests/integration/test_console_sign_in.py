"""Deployed sign-in: the console sends a browser to Cognito's hosted login and trusts only its pool's tokens.

A fake Cognito on loopback issues real RS256 ID tokens and a JWKS; `Browser` keeps cookies and follows
redirects, so each test reads as what a person at the browser sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from alerting import composition
from alerting.console import sign_in
from tests.conftest import LambdaContext, Stack
from tests.support.console_browser import CONSOLE, Browser
from tests.support.fake_cognito import CLIENT_ID, USER, FakeCognito, running_cognito


@pytest.fixture
def cognito(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCognito]:
    with running_cognito() as fake:
        monkeypatch.setenv("CONSOLE_USER_POOL_ID", "us-east-1_console")
        monkeypatch.setenv("CONSOLE_ISSUER", fake.url)
        monkeypatch.setenv("CONSOLE_LOGIN_URL", fake.url)
        monkeypatch.setenv("CONSOLE_CLIENT_ID", CLIENT_ID)
        caches: list[Any] = [sign_in.settings, sign_in.key_set, composition.console_root]
        for cache in caches:
            cache.cache_clear()
        yield fake
        for cache in caches:
            cache.cache_clear()


@pytest.fixture
def browser(lambda_context: LambdaContext) -> Browser:
    return Browser(lambda_context)


def test_a_browser_is_sent_to_the_login_and_comes_back_signed_in(
    cognito: FakeCognito, browser: Browser
) -> None:
    login = browser.open(f"{CONSOLE}/integrations")
    assert login.url.startswith(f"{cognito.url}/oauth2/authorize?")
    asked = parse_qs(urlsplit(login.url).query)
    assert asked["client_id"] == [CLIENT_ID]
    assert asked["redirect_uri"] == [f"{CONSOLE}/callback"]
    assert asked["code_challenge_method"] == ["S256"]
    assert "Sign in to the console" in login.html

    # The user presses Sign in at Cognito; the callback keeps the session and lands on the console.
    console = browser.open(f"{cognito.url}/oauth2/signed-in?{urlsplit(login.url).query}")
    assert console.status == 200
    assert console.url == f"{CONSOLE}/integrations"
    assert "<h1>Integrations</h1>" in console.html
    assert USER in console.html
    assert "Sign out" in console.html
    session = next(cookie for cookie in console.set_cookies if cookie.startswith("console_session="))
    for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/v4/console"):
        assert attribute in session

    # Signed in, the next page is served without another trip to the login.
    assert browser.open(f"{CONSOLE}/monitors").url == f"{CONSOLE}/monitors"


@pytest.mark.parametrize(
    "cookie",
    [
        pytest.param(lambda fake: fake.forged(), id="signed by another key"),
        pytest.param(lambda fake: fake.token(exp=1_700_000_000), id="expired"),
        pytest.param(lambda fake: fake.token(aud="another-client"), id="another app client"),
        pytest.param(lambda fake: fake.token(iss="https://cognito-idp.example/other"), id="another pool"),
        pytest.param(lambda fake: fake.token(token_use="access"), id="an access token"),
        pytest.param(lambda fake: "not.a.token", id="garbage"),
    ],
)
def test_a_session_cookie_the_pool_did_not_issue_is_refused(
    cognito: FakeCognito, browser: Browser, cookie: Any
) -> None:
    browser.cookies["console_session"] = (cookie(cognito), "/v4/console")
    visit = browser.open(f"{CONSOLE}/integrations")
    assert visit.url.startswith(f"{cognito.url}/oauth2/authorize?")
    assert "Integrations" not in visit.html


def test_a_callback_this_browser_did_not_start_signs_nobody_in(
    cognito: FakeCognito, browser: Browser
) -> None:
    login = browser.open(CONSOLE)
    value, scope = browser.cookies["console_login"]
    browser.cookies["console_login"] = ("another-state." + value.partition(".")[2], scope)
    visit = browser.open(f"{cognito.url}/oauth2/signed-in?{urlsplit(login.url).query}")
    assert visit.status == 403
    assert "did not start here" in visit.html
    assert "console_session" not in browser.cookies


def test_a_key_the_pool_rotated_in_is_read_again(cognito: FakeCognito, browser: Browser) -> None:
    browser.cookies["console_session"] = (cognito.token(), "/v4/console")
    assert browser.open(f"{CONSOLE}/monitors").url == f"{CONSOLE}/monitors"
    cognito.rotate()
    browser.cookies["console_session"] = (cognito.token(), "/v4/console")
    assert browser.open(f"{CONSOLE}/monitors").url == f"{CONSOLE}/monitors"


def test_sign_out_forgets_the_session_here_and_at_cognito(cognito: FakeCognito, browser: Browser) -> None:
    login = browser.open(CONSOLE)
    browser.open(f"{cognito.url}/oauth2/signed-in?{urlsplit(login.url).query}")
    assert "console_session" in browser.cookies

    after = browser.open(f"{CONSOLE}/sign-out")
    assert cognito.logouts == [CONSOLE]
    assert "console_session" not in browser.cookies
    assert after.url.startswith(f"{cognito.url}/oauth2/authorize?")


def test_the_local_stack_has_no_login(stack: Stack, browser: Browser) -> None:
    sign_in.settings.cache_clear()
    composition.console_root.cache_clear()
    visit = browser.open(f"{CONSOLE}/integrations")
    assert visit.status == 200
    assert "<h1>Integrations</h1>" in visit.html
    assert "Sign out" not in visit.html
