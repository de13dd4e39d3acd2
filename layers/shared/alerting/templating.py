"""Uptrends-style message templates: a small parser and renderer, no eval and no template language.

    {{@alert.type}}                         an alerting variable (`SYSTEM_VARIABLES`) or the integration's
    {{@JsonEncode({{@monitor.notes}})}}     the inner text, escaped for a JSON string (no quotes added)
    {{@XmlEncode(...)}}                     the inner text, escaped for XML; both nest
    {{@CustomField(Team)}}                  a custom field of the monitor ("" when the monitor has none)
    {{@Severity({{@alert.type}})}}          a user-defined function of the integration (its `Functions`)
                                            on the inner text; `{{@Severity(@alert.type)}}` is the same

In a JSON body (`json_body=True`) a tag can never break the JSON: the renderer knows, from the literal
text around it, whether the tag stands inside a JSON string (its value is escaped; a `JsonEncode` result
is already escaped and kept as is) or outside one (numbers, true, false and null stay bare, anything
else becomes a quoted JSON string).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from uuid import UUID
from zoneinfo import ZoneInfo

from alerting.errors import InvalidInputError, TemplateError
from alerting.models.alert import Alert, AlertType, monitor_facts
from alerting.models.config import (
    CustomField,
    FunctionType,
    Monitor,
    MonitorType,
    UserDefinedFunction,
)

SYSTEM_VARIABLES = (
    "account.accountId",
    "alert.alertGuid",
    "alert.type",
    "alert.description",
    "alert.checkpointName",
    "alert.downtimeDuration",
    "alert.errorTypeId",
    "alert.failureMessage",
    "alert.firstError",
    "alert.firstErrorCheckId",
    "alert.firstErrorCheckUrl",
    "alert.firstErrorDescription",
    "alert.firstErrorFormatted",
    "alert.firstErrorUtc",
    "alert.firstErrorUtcFormatted",
    "alert.numberOfConsecutiveErrors",
    "alert.resolvedIpAddress",
    "alert.responseHeaders",
    "alert.responseBody",
    "alert.serverIpv4",
    "alert.serverIpv6",
    "alert.sslValidUntil",
    "alert.timestamp",
    "alert.timestampFormatted",
    "alert.timestampUtc",
    "alert.timestampUtcFormatted",
    "alertDefinition.guid",
    "alertDefinition.name",
    "escalationLevel.id",
    "escalationLevel.message",
    "incident.key",
    "monitor.dashboardUrl",
    "monitor.editUrl",
    "monitor.monitorGuid",
    "monitor.name",
    "monitor.notes",
    "monitor.type",
    "monitor.url",
)

# .NET-style date patterns of the cultures an account may choose ("Formatted" variables).
CULTURE_PATTERNS = {
    "en-US": "M/d/yyyy h:mm tt",
    "en-GB": "dd/MM/yyyy HH:mm",
    "en-AU": "d/MM/yyyy h:mm tt",
    "nl-NL": "d-M-yyyy HH:mm",
    "nl-BE": "d/MM/yyyy HH:mm",
    "de-DE": "dd.MM.yyyy HH:mm",
    "fr-FR": "dd/MM/yyyy HH:mm",
    "es-ES": "dd/MM/yyyy H:mm",
    "ja-JP": "yyyy/MM/dd H:mm",
    "invariant": "MM/dd/yyyy HH:mm",
}

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_ENCODERS = ("JsonEncode", "XmlEncode")
_BARE_JSON = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null", re.ASCII)
_DATE_TOKEN = re.compile(r"yyyy|MM|M|dd|d|HH|H|hh|h|mm|ss|tt")
# What xml.sax.saxutils.escape does with quotes added, without importing the xml.sax package.
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})


@dataclass(frozen=True)
class Account:
    """What the account contributes to variables: its id, time zone, culture and where its app lives."""

    account_id: str = "1"
    timezone: str = "UTC"
    culture: str = "en-US"
    app_url: str = "https://app.uptrends.com"


# The parsed form: literal text, a variable, a custom field, or an encoder around a sequence.
@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class _Reference:
    name: str


class Variable(_Reference):
    """{{@alert.type}}: an alerting variable, or one of the integration's."""


class CustomFieldRef(_Reference):
    """{{@CustomField(Team)}}: a custom field of the monitor, by its name."""


@dataclass(frozen=True)
class Call:
    """An encoder, or a user-defined function of the integration, applied to the inner text."""

    function: str
    inner: tuple[Node, ...]


Node = Text | Variable | CustomFieldRef | Call


@dataclass(frozen=True)
class Template:
    source: str
    nodes: tuple[Node, ...]

    def variables(self) -> set[str]:
        """Every variable the template names, nested ones included."""
        return set(_variables(self.nodes))


def _variables(nodes: tuple[Node, ...]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, Variable):
            yield node.name
        elif isinstance(node, Call):
            yield from _variables(node.inner)


def _calls(nodes: tuple[Node, ...]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, Call):
            if node.function not in _ENCODERS:
                yield node.function
            yield from _calls(node.inner)


# Function calls nest at most this deep: deeper is refused as a template error, not a recursion crash.
MAX_NESTING = 32
# What one render may produce, in characters. Each JsonEncode can double what it wraps (every backslash
# escaped again), so nested calls over a hostile value would otherwise grow without bound.
MAX_RENDERED_CHARS = 1024 * 1024


def parse(source: str) -> Template:
    nodes, end = _sequence(source, 0, inside_call=False)
    assert end == len(source)
    return Template(source, nodes)


def _sequence(source: str, pos: int, inside_call: bool, depth: int = 0) -> tuple[tuple[Node, ...], int]:
    nodes: list[Node] = []
    text_start = pos
    while pos < len(source):
        if inside_call and source.startswith(")}}", pos):
            break
        if source.startswith("{{@", pos):
            if pos > text_start:
                nodes.append(Text(source[text_start:pos]))
            node, pos = _tag(source, pos + 3, depth)
            nodes.append(node)
            text_start = pos
        else:
            pos += 1
    else:
        if inside_call:
            raise TemplateError(
                f"a function call opened before position {text_start} is not closed by ')}}}}'"
            )
    if pos > text_start:
        nodes.append(Text(source[text_start:pos]))
    return tuple(nodes), pos


def _tag(source: str, pos: int, depth: int) -> tuple[Node, int]:
    match = _NAME.match(source, pos)
    if match is None:
        raise TemplateError(f"a name must follow '{{{{@' at position {pos}")
    name, pos = match.group(), match.end()
    if source.startswith("}}", pos):
        return Variable(name), pos + 2
    if not source.startswith("(", pos):
        raise TemplateError(f"'{{{{@{name}' at position {match.start()} is not closed by '}}}}'")
    if name == "CustomField":
        end = source.find(")}}", pos)
        if end < 0:
            raise TemplateError(f"'{{{{@CustomField(' at position {match.start()} is not closed by ')}}}}'")
        return CustomFieldRef(source[pos + 1 : end].strip()), end + 3
    if depth >= MAX_NESTING:
        raise TemplateError(f"function calls are nested more than {MAX_NESTING} deep at position {pos}")
    inner, end = _sequence(source, pos + 1, inside_call=True, depth=depth + 1)
    # `{{@JsonEncode(@monitor.notes)}}` is accepted as a shorthand for the nested tag.
    if len(inner) == 1 and isinstance(inner[0], Text):
        bare = inner[0].value.strip()
        if bare.startswith("@") and _NAME.fullmatch(bare[1:]):
            inner = (Variable(bare[1:]),)
    # Any other name is a user-defined function: `check` and `render` know the integration's.
    return Call(name, inner), end + 3


def check(template: Template, known: set[str], functions: Sequence[UserDefinedFunction] = ()) -> None:
    """Refuse variables that are neither alerting variables nor the integration's own, and functions
    that are neither built in nor the integration's."""
    unknown = sorted(template.variables() - known - set(SYSTEM_VARIABLES))
    if unknown:
        raise TemplateError(f"unknown variable @{unknown[0]}")
    undefined = sorted(set(_calls(template.nodes)) - {function.name for function in functions})
    if undefined:
        raise TemplateError(
            f"unknown function @{undefined[0]}: use JsonEncode, XmlEncode, CustomField"
            " or a function of the integration's Functions"
        )


def render(
    template: Template,
    values: Mapping[str, str],
    custom_fields: Mapping[str, str] | None = None,
    json_body: bool = False,
    functions: Sequence[UserDefinedFunction] = (),
) -> str:
    """The template with every tag replaced; in a JSON body, tags are escaped for where they stand."""
    context = _Context(values, custom_fields or {}, {function.name: function for function in functions})
    out: list[str] = []
    length = 0
    for piece in _json_pieces(template, context) if json_body else map(context.raw, template.nodes):
        length += len(piece)
        _bounded_text(piece, length)
        out.append(piece)
    return "".join(out)


def _json_pieces(template: Template, context: _Context) -> Iterator[str]:
    scanner = _JsonScanner()
    for node in template.nodes:
        if isinstance(node, Text):
            scanner.feed(node.value)
            yield node.value
            continue
        value = context.raw(node)
        already_escaped = isinstance(node, Call) and node.function == "JsonEncode"
        if scanner.in_string:
            yield value if already_escaped else json_encode(value)
        elif not already_escaped and _BARE_JSON.fullmatch(value):
            yield value
        else:
            yield f'"{value if already_escaped else json_encode(value)}"'


def _bounded_text(text: str, length: int | None = None) -> str:
    """The text, unless it (or the whole `length` rendered so far) is past MAX_RENDERED_CHARS."""
    if max(len(text), length or 0) > MAX_RENDERED_CHARS:
        raise TemplateError(f"renders to more than {MAX_RENDERED_CHARS // 1024} KB")
    return text


@dataclass(frozen=True)
class _Context:
    values: Mapping[str, str]
    fields: Mapping[str, str]
    functions: Mapping[str, UserDefinedFunction]

    def raw(self, node: Node) -> str:
        if isinstance(node, Text):
            return node.value
        if isinstance(node, Variable):
            if node.name not in self.values:
                raise TemplateError(f"unknown variable @{node.name}")
            return self.values[node.name]
        if isinstance(node, CustomFieldRef):
            return self.fields.get(node.name, "")
        inner = _bounded_text("".join(self.raw(child) for child in node.inner))
        if node.function == "JsonEncode":
            return _bounded_text(json_encode(inner))
        if node.function == "XmlEncode":
            return _bounded_text(xml_encode(inner))
        if node.function not in self.functions:
            raise TemplateError(f"unknown function @{node.function}")
        return _bounded_text(apply_function(self.functions[node.function], inner))


class _JsonScanner:
    """Tracks whether the literal text seen so far leaves us inside a JSON string."""

    def __init__(self) -> None:
        self.in_string = False
        self._escaped = False

    def feed(self, text: str) -> None:
        for char in text:
            if self._escaped:
                self._escaped = False
            elif self.in_string and char == "\\":
                self._escaped = True
            elif char == '"':
                self.in_string = not self.in_string


def json_encode(value: str) -> str:
    """The value as the inside of a JSON string literal."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


def xml_encode(value: str) -> str:
    return value.translate(_XML_ESCAPES)


# User-defined functions (Uptrends' "User-defined functions" of an integration's Customizations)
_HMAC = "HMAC"
_BUILT_IN_FUNCTIONS = {*_ENCODERS, "CustomField"}


def apply_function(function: UserDefinedFunction, value: str) -> str:
    """The function's result for one input text."""
    if function.type is FunctionType.REGULAR_EXPRESSION:
        found = re.search(function.regex, value)
        return (found.group(1) or "") if found else ""
    if function.type is FunctionType.MAPPING:
        mapped = next((pair.value for pair in function.mappings if pair.key == value), None)
        if mapped is not None:
            return mapped
        return value if function.default is None else function.default
    if function.type is FunctionType.HASH:
        digest = _digest(function, value.encode())
        return digest.hex() if function.hash_encoding == "Hex" else base64.b64encode(digest).decode()
    return jwt_encode(value, function.jwt_signing_key)


def _digest(function: UserDefinedFunction, data: bytes) -> bytes:
    algorithm = function.hash_algorithm or "SHA256"
    name = algorithm.removeprefix(_HMAC).lower()  # HMACSHA256 -> sha256
    if algorithm.startswith(_HMAC):
        return hmac.new(function.hash_key.encode(), data, name).digest()
    return hashlib.new(name, data).digest()


def jwt_encode(claims: str, key: str) -> str:
    """An HS256 JSON Web Token (RFC 7519) whose payload is the given JSON object."""
    try:
        payload = json.loads(claims)
    except ValueError as exc:
        raise TemplateError(f"JwtEncode needs a JSON object of claims: {exc}") from exc
    if not isinstance(payload, dict):
        raise TemplateError("JwtEncode needs a JSON object of claims")

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = part(json.dumps(payload, separators=(",", ":")).encode())
    signature = hmac.new(key.encode(), f"{header}.{body}".encode(), "sha256").digest()
    return f"{header}.{body}.{part(signature)}"


def check_functions(functions: Sequence[UserDefinedFunction]) -> None:
    """Refuse, at save, a function that could not run; the error names its field."""
    seen: set[str] = set()
    for index, function in enumerate(functions):
        field = f"Functions[{index}]"
        if function.name in seen or function.name in _BUILT_IN_FUNCTIONS:
            raise InvalidInputError(f"{field}.Name", f"{function.name} is already a function name")
        seen.add(function.name)
        problem = _function_problem(function)
        if problem:
            raise InvalidInputError(f"{field}.{problem[0]}", problem[1])


def _function_problem(function: UserDefinedFunction) -> tuple[str, str] | None:
    return _PROBLEMS[function.type](function)


def _regex_problem(function: UserDefinedFunction) -> tuple[str, str] | None:
    try:
        groups = re.compile(function.regex).groups
    except re.error as exc:
        return "Regex", f"is not a regular expression: {exc}"
    return None if groups == 1 else ("Regex", f"needs exactly one capture group, has {groups}")


def _mapping_problem(function: UserDefinedFunction) -> tuple[str, str] | None:
    keys = [pair.key for pair in function.mappings]
    if not keys:
        return "Mappings", "a Mapping needs at least one Key and Value"
    return None if len(set(keys)) == len(keys) else ("Mappings", "names a Key twice")


def _hash_problem(function: UserDefinedFunction) -> tuple[str, str] | None:
    if function.hash_algorithm is None:
        return "HashAlgorithm", "is required for a Hash: MD5, SHA1, SHA256, SHA512 or HMACSHA1/256/512"
    if function.hash_algorithm.startswith(_HMAC) and not function.hash_key:
        return "HashKey", f"is required for {function.hash_algorithm}"
    return None


def _jwt_problem(function: UserDefinedFunction) -> tuple[str, str] | None:
    return None if function.jwt_signing_key else ("JwtSigningKey", "is required for JwtEncode")


_PROBLEMS = {
    FunctionType.REGULAR_EXPRESSION: _regex_problem,
    FunctionType.MAPPING: _mapping_problem,
    FunctionType.HASH: _hash_problem,
    FunctionType.JWT_ENCODE: _jwt_problem,
}


# Variable values
def local_iso(moment: datetime, timezone: str) -> str:
    """ISO 8601 without offset, in the given zone (Uptrends' non-UTC form)."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M:%S")


def culture_format(moment: datetime, culture: str) -> str:
    """A wall-clock time in the culture's pattern, e.g. en-US `8/28/2020 12:23 PM`."""
    pattern = CULTURE_PATTERNS.get(culture, CULTURE_PATTERNS["invariant"])
    hour12 = moment.hour % 12 or 12
    parts = {
        "yyyy": f"{moment.year:04d}",
        "MM": f"{moment.month:02d}",
        "M": str(moment.month),
        "dd": f"{moment.day:02d}",
        "d": str(moment.day),
        "HH": f"{moment.hour:02d}",
        "H": str(moment.hour),
        "hh": f"{hour12:02d}",
        "h": str(hour12),
        "mm": f"{moment.minute:02d}",
        "ss": f"{moment.second:02d}",
        "tt": "AM" if moment.hour < 12 else "PM",
    }
    return _DATE_TOKEN.sub(lambda token: parts[token.group()], pattern)


def duration(seconds: int) -> str:
    """h:mm:ss, hours unbounded (`48:03:21`)."""
    seconds = max(0, seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def alert_variables(alert: Alert, account: Account) -> dict[str, str]:
    """Every alerting variable of `SYSTEM_VARIABLES` for this alert, as text."""
    zone = ZoneInfo(account.timezone)
    local_first, local_at = alert.first_error.astimezone(zone), alert.timestamp.astimezone(zone)
    utc_first, utc_at = (
        alert.first_error.astimezone(ZoneInfo("UTC")),
        alert.timestamp.astimezone(ZoneInfo("UTC")),
    )
    iso = "%Y-%m-%dT%H:%M:%S"
    monitor, first_check = alert.monitor_guid, alert.first_error_monitor_check_id
    values = {
        "account.accountId": account.account_id,
        "alert.alertGuid": str(alert.alert_guid),
        "alert.type": alert.alert_type.template_name,
        "alert.description": alert.error_description,
        "alert.checkpointName": alert.checkpoint_name,
        "alert.downtimeDuration": duration(int((alert.timestamp - alert.first_error).total_seconds())),
        "alert.errorTypeId": str(alert.error_code),
        # Check details; empty when the check did not report them (or a sweep raised the alert).
        "alert.failureMessage": alert.failure_message,
        "alert.responseHeaders": "\n".join(
            f"{name}: {value}" for name, value in alert.response_headers.items()
        ),
        "alert.responseBody": alert.response_body,
        "alert.sslValidUntil": alert.ssl_valid_until.astimezone(zone).strftime(iso)
        if alert.ssl_valid_until
        else "",
        "alert.firstError": local_first.strftime(iso),
        "alert.firstErrorCheckId": str(alert.first_error_monitor_check_id),
        "alert.firstErrorCheckUrl": f"{account.app_url}/Report/ProbeLog/Check/{first_check}",
        "alert.firstErrorDescription": alert.first_error_description,
        "alert.firstErrorFormatted": culture_format(local_first, account.culture),
        "alert.firstErrorUtc": utc_first.strftime(iso),
        "alert.firstErrorUtcFormatted": culture_format(utc_first, account.culture),
        "alert.numberOfConsecutiveErrors": str(alert.consecutive_errors),
        "alert.resolvedIpAddress": alert.resolved_ip_address,
        "alert.serverIpv4": alert.server_ipv4,
        "alert.serverIpv6": alert.server_ipv6,
        "alert.timestamp": local_at.strftime(iso),
        "alert.timestampFormatted": culture_format(local_at, account.culture),
        "alert.timestampUtc": utc_at.strftime(iso),
        "alert.timestampUtcFormatted": culture_format(utc_at, account.culture),
        "alertDefinition.guid": str(alert.alert_definition_guid),
        "alertDefinition.name": alert.alert_definition_name,
        "escalationLevel.id": str(alert.escalation_level_id),
        "escalationLevel.message": alert.escalation_level_message,
        "incident.key": alert.incident_key,
        "monitor.dashboardUrl": f"{account.app_url}/Probe/Dashboard?probeGuids={monitor}",
        "monitor.editUrl": f"{account.app_url}/Report/Probe?probeGuid={monitor}",
        "monitor.monitorGuid": str(monitor),
        "monitor.name": alert.monitor_name,
        "monitor.notes": alert.monitor_notes,
        "monitor.type": alert.monitor_type.value,
        "monitor.url": alert.monitor_url,
    }
    assert set(values) == set(SYSTEM_VARIABLES)
    return values


def custom_fields(alert: Alert) -> dict[str, str]:
    return {field.name: field.value for field in alert.custom_fields}


@cache
def _sample_monitor() -> Monitor:
    # Built on first use: a Monitor at import would build its validator in every cold start.
    return Monitor(
        monitor_guid=UUID("00000000-0000-4000-8000-00000000a001"),
        name="Sample monitor",
        monitor_type=MonitorType.HTTPS,
        url="https://www.example.com/",
        notes='Sample notes with "quotes", <tags> & a\nnew line',
        custom_fields=[CustomField(name="Team", value="Web")],
    )


def sample_alert(alert_type: AlertType, now: datetime, monitor: Monitor | None = None) -> Alert:
    """Fictitious but complete data, for checking templates at save and for test sends."""
    shown = monitor or _sample_monitor()
    first_error = now - timedelta(minutes=12, seconds=34)
    return Alert(
        alert_guid=UUID("00000000-0000-4000-8000-00000000a002"),
        alert_type=alert_type,
        incident_key="00000000-0000-4000-8000-00000000a003-1-30833627687",
        timestamp=now,
        first_error=first_error,
        monitor_check_id=30833627699,
        first_error_monitor_check_id=30833627687,
        error_description='HTTP 503 "Service Unavailable" <sample>',
        first_error_description="HTTP 503 Service Unavailable",
        consecutive_errors=3,
        **monitor_facts(shown),
        alert_definition_guid=UUID("00000000-0000-4000-8000-00000000a004"),
        alert_definition_name="Sample alert definition",
        escalation_level_id=1,
        escalation_level_message="This is a test message.",
        checkpoint_name="Ghent, Belgium",
        http_status_code=503,
        error_code=5407,
        server_ipv4="192.0.2.10",
        server_ipv6="2001:db8::10",
        resolved_ip_address="198.51.100.7",
        failure_message='Sample failure: "Log in" button not found',
        response_headers={"Content-Type": "text/html; charset=utf-8", "Retry-After": "120"},
        response_body='<html><body><h1>503 "Service Unavailable"</h1></body></html>',
        ssl_valid_until=now + timedelta(days=90),
    )
