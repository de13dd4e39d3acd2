"""What every console answer carries: its page or redirect, a strict CSP, and the CSRF cookie.

CSRF uses the double-submit cookie: a random token in a SameSite=Strict cookie and in a hidden field of
every form; a POST whose field does not match its cookie is refused before any view runs.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie

CSRF_COOKIE = "console_csrf"
CSRF_FIELD = "csrf_token"
# Nothing but our own stylesheet and our own forms; no script, no frames, no foreign origins.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Reply:
    """A page (status and HTML) or, with `location`, a 303 redirect after a POST."""

    status: HTTPStatus = HTTPStatus.OK
    html: str = ""
    location: str | None = None
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # Whole Set-Cookie values; an answer may set several.
    cookies: tuple[str, ...] = ()

    @classmethod
    def redirect(cls, location: str) -> Reply:
        return cls(HTTPStatus.SEE_OTHER, location=location)


def csrf_token(cookie_header: str | None) -> tuple[str, bool]:
    """The token of this browser, and whether it is new (so the reply must set the cookie)."""
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(cookie_header or "")
    except (KeyError, ValueError):
        cookies = SimpleCookie()
    morsel = cookies.get(CSRF_COOKIE)
    if morsel is not None and len(morsel.value) >= 32:
        return morsel.value, False
    return secrets.token_urlsafe(32), True


def csrf_matches(cookie_token: str, submitted: str | None) -> bool:
    return submitted is not None and hmac.compare_digest(cookie_token.encode(), submitted.encode())


def csrf_cookie(token: str, *, secure: bool) -> str:
    attributes = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
    return attributes + ("; Secure" if secure else "")
