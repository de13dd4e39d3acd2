"""Deployed sign-in: Cognito's hosted login through the authorization-code flow with PKCE.

API Gateway's Cognito authorizer reads only the Authorization header, which a browser never sends, so the
console signs its users in itself: a request without a valid session cookie goes to the hosted login;
`/callback` exchanges the code at the token endpoint, verifies the ID token (RS256 signature against the
user pool's JWKS, `iss`, `aud`, `exp`, `token_use`) and keeps it as the session cookie, which is verified
again on every request. The local stack has no user pool, so no login (`SignInSettings.enabled`).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
import time
from http import HTTPStatus
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import httpx
from aws_lambda_powertools.utilities import parameters
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from pydantic import BaseModel, ValidationError

from alerting.console.replies import Reply
from alerting.settings import EnvironmentSettings

SESSION_COOKIE = "console_session"
LOGIN_COOKIE = "console_login"
CALLBACK = "/callback"
SIGN_OUT = "/sign-out"
# Long enough to type a password, short enough that a stale login attempt cannot be replayed.
LOGIN_SECONDS = 600
TIMEOUT = httpx.Timeout(10.0)
KEYS_REREAD_SECONDS = 300


class SignInSettings(EnvironmentSettings):
    """The user pool the console trusts (CONSOLE_* in template.yaml); empty locally, so no login."""

    env_prefix = "CONSOLE_"

    user_pool_id: str = ""
    # Tokens' `iss`; its /.well-known/jwks.json holds the keys they are signed with.
    issuer: str = ""
    # The hosted login: https://<domain>.auth.<region>.amazoncognito.com
    login_url: str = ""
    # The app client's id, or the SSM parameter that holds it (the client names the API in its callback
    # URL and the API names this function, so the function cannot name the client without a cycle).
    client_id: str = ""
    client_id_parameter: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.user_pool_id)

    def app_client_id(self) -> str:
        if self.client_id:
            return self.client_id
        return str(parameters.get_parameter(self.client_id_parameter, max_age=3600))


class TokenReply(BaseModel):
    """The token endpoint's answer, of which the console keeps only the ID token."""

    id_token: str
    token_type: str


@functools.cache
def settings() -> SignInSettings:
    return SignInSettings.from_environment()


@functools.cache
def key_set(issuer: str) -> KeySet:
    response = httpx.get(f"{issuer}/.well-known/jwks.json", timeout=TIMEOUT)
    response.raise_for_status()
    return KeySet.import_key_set(response.json())


_keys_read_at: dict[str, float] = {}


def _decode(token: str, issuer: str) -> jwt.Token:
    try:
        return jwt.decode(token, key_set(issuer), algorithms=["RS256"])
    except InvalidKeyIdError:
        # The pool may have rotated its keys since this container read them; read them again, but at most
        # every few minutes, so tokens with made-up key ids cannot make every request fetch the JWKS.
        if time.monotonic() - _keys_read_at.get(issuer, 0.0) < KEYS_REREAD_SECONDS:
            raise
        _keys_read_at[issuer] = time.monotonic()
        key_set.cache_clear()
        return jwt.decode(token, key_set(issuer), algorithms=["RS256"])


def cookies(header: str | None) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header or "")
    except (KeyError, ValueError):
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def _cookie(name: str, value: str, path: str, max_age: int) -> str:
    return f"{name}={value}; Path={path}; Max-Age={max_age}; Secure; HttpOnly; SameSite=Lax"


def verified_claims(config: SignInSettings, token: str | None) -> dict[str, Any] | None:
    """The claims of a session cookie that is a valid, unexpired ID token of our app client, else None."""
    if not token:
        return None
    try:
        decoded = _decode(token, config.issuer)
        jwt.JWTClaimsRegistry(
            now=int(time.time()),
            iss={"essential": True, "value": config.issuer},
            aud={"essential": True, "value": config.app_client_id()},
            exp={"essential": True},
            token_use={"essential": True, "value": "id"},
        ).validate(decoded.claims)
    except (JoseError, ValueError):
        return None
    return decoded.claims


def go_to_login(config: SignInSettings, console_url: str, base: str) -> Reply:
    """Off to the hosted login, remembering this attempt's state and PKCE verifier in a short cookie."""
    state, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": config.app_client_id(),
            "redirect_uri": console_url + CALLBACK,
            "scope": "openid email",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    login = _cookie(LOGIN_COOKIE, f"{state}.{verifier}", base + CALLBACK, LOGIN_SECONDS)
    return Reply(HTTPStatus.FOUND, location=f"{config.login_url}/oauth2/authorize?{query}", cookies=(login,))


def callback(
    config: SignInSettings, console_url: str, base: str, query: dict[str, str], jar: dict[str, str]
) -> Reply | str:
    """The session cookie's reply after a good login; the reason it failed otherwise."""
    state, _, verifier = jar.get(LOGIN_COOKIE, "").partition(".")
    if not state or not hmac.compare_digest(state, query.get("state", "")):
        return "The sign-in did not start here or took too long."
    if not query.get("code"):
        return "The sign-in was refused: " + query.get("error_description", query.get("error", "no code"))
    try:
        response = httpx.post(
            f"{config.login_url}/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "client_id": config.app_client_id(),
                "code": query["code"],
                "redirect_uri": console_url + CALLBACK,
                "code_verifier": verifier,
            },
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        token = TokenReply.model_validate_json(response.content).id_token
    except (httpx.HTTPError, ValidationError):
        return "The sign-in service did not give a token for this login."
    claims = verified_claims(config, token)
    if claims is None:
        return "The sign-in service gave a token the console does not trust."
    expires = int(claims["exp"])
    session = _cookie(SESSION_COOKIE, token, base, max(0, expires - int(time.time())))
    done = _cookie(LOGIN_COOKIE, "", base + CALLBACK, 0)
    return Reply(HTTPStatus.FOUND, location=base, cookies=(session, done))


def sign_out(config: SignInSettings, console_url: str, base: str) -> Reply:
    """Forget the session here and at Cognito, whose /logout comes back to the console (and its login)."""
    query = urlencode({"client_id": config.app_client_id(), "logout_uri": console_url})
    return Reply(
        HTTPStatus.FOUND,
        location=f"{config.login_url}/logout?{query}",
        cookies=(_cookie(SESSION_COOKIE, "", base, 0),),
    )
