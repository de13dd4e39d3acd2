"""What is secret, and how it is hidden wherever it is shown: GET answers, the delivery log, test sends.

One list of secret words decides for variables and headers alike (DESIGN §3, "Secrets are
write-only"); URLs lose their userinfo and secret-named query values; a delivery's trace also loses
every secret value its integration holds, wherever it appears.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from alerting.errors import InvalidInputError
from alerting.models.config import Integration, UserDefinedFunction, WebhookStep
from alerting.models.delivery import HttpExchange

MASK = "****"
# Words that make a variable, header or query name secret (compared without case, `-` or `_`): the
# one list of DESIGN §3 (Authorization and Cookie headers match through "auth" and "cookie").
SECRET_NAME_PARTS = (
    "key",
    "token",
    "secret",
    "password",
    "pass",
    "pwd",
    "auth",
    "bearer",
    "signature",
    "credential",
    "cookie",
)
# Names that match a part but hold no secret: the per-message signature the delivery log shows.
NOT_SECRET_NAMES = frozenset({"webhooksignature"})
# Query names whose values are credentials though no part above names them (compared without case).
SECRET_QUERY_NAMES = frozenset({"sig", "code"})
# Values shorter than this are not hidden inside a trace: they would mask ordinary words.
MIN_SECRET_CHARS = 6
# Values that point to a secret store (resolved at send time); not secret themselves.
REFERENCE_PREFIXES = ("ssm:", "secretsmanager:")


def is_secret_name(name: str) -> bool:
    folded = name.lower().replace("-", "").replace("_", "")
    return folded not in NOT_SECRET_NAMES and any(part in folded for part in SECRET_NAME_PARTS)


def is_reference(value: str) -> bool:
    return value.startswith(REFERENCE_PREFIXES)


def is_masked(value: str) -> bool:
    return MASK in value


def mask_url(url: str, secret_path: bool = False) -> str:
    """The URL with credentials and token-like query values hidden (StatusHub hook URLs carry one);
    with `secret_path`, its path too (Slack, Teams and Splunk On-Call URLs are the credential)."""
    try:
        parts = urlsplit(url)
        netloc = parts.hostname or ""
        if parts.port:
            netloc = f"{netloc}:{parts.port}"
    except ValueError:
        # Not a URL we can take apart (`http://[::1`): show none of it rather than fail the answer.
        return MASK
    if parts.username or parts.password:
        netloc = f"{MASK}@{netloc}"
    query = [
        (name, _mask_value(value) if _is_secret_query(name) else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    path = f"/{MASK}" if secret_path and parts.path.strip("/") else parts.path
    return urlunsplit((parts.scheme, netloc, path, urlencode(query, safe="*"), ""))


def _is_secret_query(name: str) -> bool:
    return name.lower() in SECRET_QUERY_NAMES or is_secret_name(name)


def host_of(url: str) -> str | None:
    """Where a URL sends to (host and port), or None for text that is not an absolute URL."""
    try:
        parts = urlsplit(url)
        return f"{parts.hostname}:{parts.port}" if parts.hostname else None
    except ValueError:
        return None


def _mask_value(value: str) -> str:
    return f"{value[:4]}{MASK}" if len(value) > 8 else MASK


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: MASK if is_secret_name(name) else value for name, value in headers.items()}


def mask_value(name: str, value: str, secret_urls: Iterable[str] = ()) -> str:
    """What a GET or a log shows for a variable: references as they are, credentials masked."""
    if is_reference(value):
        return value
    if is_secret_name(name):
        return MASK if value else ""
    if value.startswith(("http://", "https://")):
        return mask_url(value, secret_path=name in set(secret_urls))
    return value


def mask_variables(variables: Mapping[str, str], secret_urls: Iterable[str] = ()) -> dict[str, str]:
    names = set(secret_urls)
    return {name: mask_value(name, value, names) for name, value in variables.items()}


def mask_step(step: WebhookStep) -> WebhookStep:
    """A webhook step as GET shows it: its password, credential headers and URL secrets masked."""
    return step.model_copy(
        update={
            "url": step.url if "{{" in step.url else mask_url(step.url),
            "password": MASK if step.password and not is_reference(step.password) else step.password,
            "headers": {name: mask_value(name, value) for name, value in step.headers.items()},
        }
    )


def kept_secrets(given: Integration, stored: Integration, fresh_fields: Iterable[str]) -> Integration:
    """The integration a write makes: values written back masked keep what is stored. A write that moves
    where the integration sends (a new host) must carry every secret anew (`fresh_fields` are the fields
    the request named): a stored secret never goes to a host it was not entered for, and the write is
    refused with the secret's field rather than saved without it."""
    moved = bool(destinations(given) - destinations(stored))
    named = set(fresh_fields)

    def keep(value: str, stored_value: str | None, field: str, path: str) -> str:
        carried = is_masked(value) or (field not in named and bool(value) and not is_reference(value))
        if moved and carried:
            raise InvalidInputError(path, "must be entered again: the integration now sends to another host")
        if is_masked(value):
            return stored_value or ""
        return value

    variables = {
        name: keep(value, stored.variables.get(name), "variables", f"Variables.{name}")
        if is_secret_name(name) or is_masked(value)
        else value
        for name, value in given.variables.items()
    }
    steps = []
    for index, step in enumerate(given.steps):
        old = stored.steps[index] if index < len(stored.steps) else None
        at = f"Steps[{index}]"
        headers = {
            name: keep(value, old.headers.get(name) if old else None, "steps", f"{at}.Headers.{name}")
            if is_secret_name(name) or is_masked(value)
            else value
            for name, value in step.headers.items()
        }
        password = (
            keep(step.password, old.password if old else None, "steps", f"{at}.Password")
            if step.password
            else ""
        )
        steps.append(step.model_copy(update={"headers": headers, "password": password}))
    signing = [
        kept
        for index, secret in enumerate(given.signing_secrets)
        if (
            kept := keep(
                secret, _at(stored.signing_secrets, index), "signing_secrets", f"SigningSecrets[{index}]"
            )
        )
    ]
    return given.model_copy(update={"variables": variables, "steps": steps, "signing_secrets": signing})


def _at(values: list[str], index: int) -> str | None:
    return values[index] if index < len(values) else None


def destinations(integration: Integration) -> set[str]:
    """Every host the integration's fixed URLs send to."""
    urls = [*integration.variables.values(), *(step.url for step in integration.steps)]
    return {host for url in urls if "{{" not in url and (host := host_of(url)) is not None}


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
