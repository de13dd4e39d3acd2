"""A browser's part, without a browser: calls the console's handler as API Gateway does for
https://localhost/v4/..., keeps cookies as a browser would (Path, Max-Age), follows redirects, and sends
forms with the CSRF token the console gave it. Other hosts (a fake Cognito on loopback) go through httpx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from console import app as console_app
from local import api_gateway
from local.lambda_runtime import LambdaContext

CONSOLE = "https://localhost/v4/console"


@dataclass
class Visit:
    status: int
    url: str
    html: str
    set_cookies: list[str]


@dataclass
class Browser:
    """Calls the console's handler for https://localhost/v4/..., and httpx for the fake Cognito."""

    context: LambdaContext
    cookies: dict[str, tuple[str, str]] = field(default_factory=dict)

    def request(self, url: str, form: dict[str, str] | None = None) -> tuple[int, str | None, str, list[str]]:
        """One request (a POST when there is a form): status, Location, body and the cookies it sets."""
        parts = urlsplit(url)
        if parts.hostname != "localhost":
            response = httpx.get(url, follow_redirects=False)
            return response.status_code, response.headers.get("Location"), response.text, []
        path = parts.path.removeprefix("/v4")
        sent = "; ".join(
            f"{name}={value}" for name, (value, scope) in self.cookies.items() if path_in(parts.path, scope)
        )
        headers = {"Cookie": [sent]} if sent else {}
        if form is not None:
            headers["Content-Type"] = ["application/x-www-form-urlencoded"]
        event = api_gateway.proxy_event(
            "GET" if form is None else "POST",
            path,
            resource="/console/{proxy+}",
            stage="v4",
            path_parameters={"proxy": path.removeprefix("/console/")},
            headers=headers,
            query=parse_qs(parts.query),
            body=None if form is None else urlencode(form),
        )
        reply = console_app.lambda_handler(event, self.context)
        answered = reply.get("multiValueHeaders") or {}
        location = (answered.get("Location") or [None])[0]
        if location and location.startswith("/"):
            location = "https://localhost" + location
        return reply["statusCode"], location, reply.get("body") or "", answered.get("Set-Cookie", [])

    def open(self, url: str, form: dict[str, str] | None = None) -> Visit:
        """Follows redirects as a browser does; the last page and every cookie set on the way."""
        set_cookies: list[str] = []
        for _ in range(10):
            status, location, html, cookies = self.request(url, form)
            form = None
            set_cookies += cookies
            for header in cookies:
                self.keep(header)
            if location is None:
                return Visit(status, url, html, set_cookies)
            url = location
        raise AssertionError(f"redirect loop at {url}")

    def submit(self, url: str, fields: dict[str, str]) -> Visit:
        """A console form sent with this browser's CSRF token (open a console page first)."""
        return self.open(url, fields | {"csrf_token": self.cookies["console_csrf"][0]})

    def keep(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = (morsel.value, morsel["path"] or "/")


def path_in(path: str, scope: str) -> bool:
    return path == scope or path.startswith(scope.rstrip("/") + "/")
