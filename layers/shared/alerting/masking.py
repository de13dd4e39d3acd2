"""What is secret, and how it is hidden wherever it is shown: GET answers, the delivery log, test sends.

One list of secret words decides for variables and headers alike (DESIGN §3, "Secrets are
write-only"); URLs lose their userinfo and secret-named query values; a delivery's trace also loses
every secret value its integration holds, wherever it appears.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from alerting.models.config import UserDefinedFunction
from alerting.models.delivery import HttpExchange

MASK = "****"
# Words that make a variable or header name secret (compared without case, `-` or `_`). The union of
# the lists GET masking and the delivery log used before; DESIGN §3's wider list would also mask
# `webhook-signature`, which the log shows on purpose.
SECRET_NAME_PARTS = (
    "password",
    "secret",
    "token",
    "apikey",
    "routingkey",
    "auth",
    "key",
    "credential",
    "cookie",
)
# Query names whose values are credentials (compared without case).
SECRET_QUERY_NAMES = frozenset({"token", "key", "api_key", "apikey", "secret", "sig", "signature", "code"})
# Values shorter than this are not hidden inside a trace: they would mask ordinary words.
MIN_SECRET_CHARS = 6
# Values that point to a secret store (resolved at send time); not secret themselves.
REFERENCE_PREFIXES = ("ssm:", "secretsmanager:")


def is_secret_name(name: str) -> bool:
    folded = name.lower().replace("-", "").replace("_", "")
    return any(part in folded for part in SECRET_NAME_PARTS)


def is_reference(value: str) -> bool:
    return value.startswith(REFERENCE_PREFIXES)


def is_masked(value: str) -> bool:
    return MASK in value


def mask_url(url: str) -> str:
    """The URL with credentials and token-like query values hidden (StatusHub hook URLs carry one)."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    if parts.username or parts.password:
        netloc = f"{MASK}@{netloc}"
    query = [
        (name, _mask_value(value) if name.lower() in SECRET_QUERY_NAMES else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="*"), ""))


def _mask_value(value: str) -> str:
    return f"{value[:4]}{MASK}" if len(value) > 8 else MASK


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: MASK if is_secret_name(name) else value for name, value in headers.items()}


def mask_value(name: str, value: str) -> str:
    """What a GET or a log shows for a variable: references as they are, credentials masked."""
    if is_reference(value):
        return value
    if is_secret_name(name):
        return MASK if value else ""
    if value.startswith(("http://", "https://")):
        return mask_url(value)
    return value


def mask_variables(variables: Mapping[str, str]) -> dict[str, str]:
    return {name: mask_value(name, value) for name, value in variables.items()}


def keep_masked(given: Mapping[str, str], stored: Mapping[str, str]) -> dict[str, str]:
    """A written value that is still masked (read back from a GET) keeps what is stored."""
    return {
        name: stored.get(name, value) if is_masked(value) and name in stored else value
        for name, value in given.items()
    }


# The write-only keys of a user-defined function.
FUNCTION_KEYS = ("hash_key", "jwt_signing_key")


def mask_functions(functions: Iterable[UserDefinedFunction]) -> list[UserDefinedFunction]:
    return [
        function.model_copy(update={key: MASK for key in FUNCTION_KEYS if getattr(function, key)})
        for function in functions
    ]


def keep_masked_functions(
    given: Iterable[UserDefinedFunction], stored: Iterable[UserDefinedFunction]
) -> list[UserDefinedFunction]:
    """A key written back masked keeps the key stored for the function of that name."""
    by_name = {function.name: function for function in stored}
    kept = []
    for function in given:
        earlier = by_name.get(function.name)
        update = {
            key: getattr(earlier, key) if earlier else ""
            for key in FUNCTION_KEYS
            if is_masked(getattr(function, key))
        }
        kept.append(function.model_copy(update=update))
    return kept


def function_keys(functions: Iterable[UserDefinedFunction]) -> list[str]:
    return [getattr(function, key) for function in functions for key in FUNCTION_KEYS]


def secret_values(
    variables: Mapping[str, str], secret_url_variables: Iterable[str], others: Iterable[str] = ()
) -> list[str]:
    """The secrets a delivery holds, longest first: secret-named variables, the path and query of
    URLs that are credentials themselves (Slack, Teams hooks), and any others (step passwords)."""
    found = [value for name, value in variables.items() if is_secret_name(name)]
    for name in set(secret_url_variables) & set(variables):
        parts = urlsplit(variables[name])
        found += [parts.path, parts.query]
    found += list(others)
    return sorted({s for s in found if len(s) >= MIN_SECRET_CHARS}, key=len, reverse=True)


def hide_in_exchange(exchange: HttpExchange, secrets: list[str]) -> HttpExchange:
    """The exchange with every secret value replaced by the mask, wherever it appears."""
    if not secrets:
        return exchange

    def hide(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, MASK)
        return text

    return exchange.model_copy(
        update={
            "url": hide(exchange.url),
            "request_headers": {name: hide(value) for name, value in exchange.request_headers.items()},
            "request_body": hide(exchange.request_body),
            "response_excerpt": hide(exchange.response_excerpt),
        }
    )
