"""A fake Cognito on loopback: hosted login, token endpoint and the pool's JWKS, with real RS256 tokens.

The login page has one button, `Sign in`, that signs in `user` at once. The token endpoint checks the code,
the client and the PKCE verifier as Cognito does and answers with an ID token signed by the pool's key;
`token()` signs any other claims (expired, another audience) and `forged()` signs with a key not in the JWKS.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "console-client"
USER = "admin@example.com"


@dataclass
class FakeCognito:
    url: str = ""
    user: str = USER
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "pool-key"}))
    # Issued codes: their PKCE challenge and redirect URI.
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)
    logouts: list[str] = field(default_factory=list)

    def token(self, **changes: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "sub": "3f1c7d1e-0000-4000-8000-000000000001",
            "email": self.user,
            "token_use": "id",
            "iat": now,
            "exp": now + 3600,
        } | changes
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)

    def rotate(self) -> None:
        """A new signing key under a new key id, as Cognito rotates them; the JWKS serves only the new one."""
        self.key = RSAKey.generate_key(2048, parameters={"kid": f"pool-key-{secrets.token_hex(4)}"})

    def redeem(self, form: dict[str, str]) -> bool:
        """Whether a token request carries a code this fake issued, its PKCE verifier and redirect URI."""
        challenge, redirect_uri = self.codes.pop(form.get("code", ""), ("", ""))
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        verified = base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge
        return bool(challenge) and verified and form.get("redirect_uri") == redirect_uri

    def forged(self) -> str:
        """A well-formed token with our pool's key id, signed by someone else's key."""
        other = RSAKey.generate_key(2048, parameters={"kid": "pool-key"})
        now = int(time.time())
        claims = {"iss": self.url, "aud": CLIENT_ID, "email": "mallory@example.com", "token_use": "id"}
        return jwt.encode({"alg": "RS256", "kid": "pool-key"}, claims | {"exp": now + 3600}, other)


class _Handler(BaseHTTPRequestHandler):
    """Serves one fake user pool (`cognito`, set on the subclass `running_cognito` makes)."""

    cognito: FakeCognito

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test's output is the test's."""

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        if parts.path == "/.well-known/jwks.json":
            keys = {"keys": [self.cognito.key.as_dict(private=False) | {"alg": "RS256", "use": "sig"}]}
            self._send(200, json.dumps(keys).encode(), {"Content-Type": "application/json"})
        elif parts.path == "/oauth2/authorize" and query.get("client_id") == CLIENT_ID:
            self._login_page(query)
        elif parts.path == "/oauth2/signed-in":
            code = secrets.token_urlsafe(16)
            self.cognito.codes[code] = (query["code_challenge"], query["redirect_uri"])
            back = urlencode({"code": code, "state": query["state"]})
            self._send(302, headers={"Location": f"{query['redirect_uri']}?{back}"})
        elif parts.path == "/logout" and query.get("client_id") == CLIENT_ID:
            self.cognito.logouts.append(query["logout_uri"])
            self._send(302, headers={"Location": query["logout_uri"]})
        else:
            self._send(400, b"unknown request")

    def _login_page(self, query: dict[str, str]) -> None:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
            for name, value in query.items()
        )
        page = (
            "<!doctype html><title>Sign in</title><h1>Sign in to the console</h1>"
            f'<form method="get" action="/oauth2/signed-in">{hidden}<button>Sign in</button></form>'
        )
        self._send(200, page.encode(), {"Content-Type": "text/html"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = {name: values[-1] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
        if self.path != "/oauth2/token" or form.get("grant_type") != "authorization_code":
            self._send(400, b'{"error":"unsupported_grant_type"}')
            return
        if not self.cognito.redeem(form):
            self._send(400, b'{"error":"invalid_grant"}', {"Content-Type": "application/json"})
            return
        reply = {"id_token": self.cognito.token(), "access_token": "a", "token_type": "Bearer"}
        self._send(200, json.dumps(reply).encode(), {"Content-Type": "application/json"})


@contextmanager
def running_cognito() -> Iterator[FakeCognito]:
    cognito = FakeCognito()
    handler = type("Handler", (_Handler,), {"cognito": cognito})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    cognito.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield cognito
    finally:
        server.shutdown()
        server.server_close()
