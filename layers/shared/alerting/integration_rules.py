"""What makes an integration and its attachment to a level valid, checked when they are saved.

Each type names the variables it needs (fixed in the integration or set per level). Custom webhook
steps are parsed and rendered against a sample alert of each type they send: an unknown variable, a
template that does not parse, a URL that is not http(s), or a JSON body that renders to invalid JSON is
refused with the field it is in.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import urlsplit

from alerting.errors import InvalidInputError, TemplateError
from alerting.models.alert import AlertType
from alerting.models.config import Integration, IntegrationType, LevelIntegration, WebhookStep
from alerting.templating import (
    Account,
    Template,
    alert_variables,
    check,
    custom_fields,
    parse,
    render,
    sample_alert,
)

# Predefined variables per type (Uptrends' names); each must have a value, fixed or per level.
REQUIRED_VARIABLES: dict[IntegrationType, tuple[str, ...]] = {
    IntegrationType.UPTRENDS_INTEGRATION: ("ApiUrl",),
    IntegrationType.SLACK: ("Url",),
    IntegrationType.TEAMS: ("WorkflowUrl",),
    IntegrationType.PAGERDUTY: ("RoutingKey",),
    IntegrationType.SPLUNK_ON_CALL: ("SplunkOnCallUrl", "RoutingKey"),
    IntegrationType.SERVICENOW: ("InstanceName", "Username", "Password"),
    IntegrationType.OPSGENIE: ("ApiKey",),
}
# A required variable another one can stand in for: ServiceNow's InstanceUrl (on-premises, proxied or a
# test receiver) replaces the InstanceName that otherwise makes https://<name>.service-now.com.
STANDS_IN_FOR: dict[str, str] = {"InstanceName": "InstanceUrl"}
# Optional variables that hold a URL, checked at save like a step's URL when fixed in the integration.
URL_VARIABLES: dict[IntegrationType, tuple[str, ...]] = {IntegrationType.SERVICENOW: ("InstanceUrl",)}
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# What a per-level variable stands for while a step is checked at save.
SAMPLE_LEVEL_VALUE = "https://level.example/sample"


DEFAULT_CONTENT_TYPE = "application/json"


def content_type(step: WebhookStep) -> str:
    """The step's Content-Type header (a template), JSON when it has none."""
    return next((v for k, v in step.headers.items() if k.lower() == "content-type"), DEFAULT_CONTENT_TYPE)


def is_json(media_type: str) -> bool:
    return "json" in media_type.lower()


def check_integration(integration: Integration, now: datetime, account: Account) -> None:
    """Refuse an integration that could not deliver; the message names the field."""
    _check_variables(integration)
    if integration.type is not IntegrationType.WEBHOOK:
        if integration.steps:
            raise InvalidInputError("Steps", "NotAvailable: only Webhook integrations have steps")
        return
    if not integration.steps:
        raise InvalidInputError("Steps", "a Webhook integration needs at least one step")
    seen: dict[str, int] = {}
    for index, step in enumerate(integration.steps):
        for alert_type in step.alert_types:
            if alert_type in seen:
                raise InvalidInputError(
                    f"Steps[{index}].AlertTypes", f"{alert_type} is already sent by step {seen[alert_type]}"
                )
            seen[alert_type] = index
        check_step(step, f"Steps[{index}]", integration, now, account)


def _check_variables(integration: Integration) -> None:
    for name in [*integration.variables, *integration.per_level_variables]:
        if not VARIABLE_NAME.fullmatch(name):
            raise InvalidInputError(f"Variables.{name}", "must be a name of letters, digits and _")
    for name in integration.per_level_variables:
        if name in integration.variables:
            raise InvalidInputError(f"PerLevelVariables.{name}", "is also fixed in Variables: choose one")
    given = {name for name, value in integration.variables.items() if value}
    given |= set(integration.per_level_variables)
    for name in REQUIRED_VARIABLES.get(integration.type, ()):
        if name not in given and STANDS_IN_FOR.get(name) not in given:
            alternative = f" or {STANDS_IN_FOR[name]}" if name in STANDS_IN_FOR else ""
            raise InvalidInputError(
                f"Variables.{name}",
                f"is required for {integration.type.value}{alternative} (or list it in PerLevelVariables)",
            )
    for name in URL_VARIABLES.get(integration.type, ()):
        url = integration.variables.get(name, "").strip()
        if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname):
            raise InvalidInputError(f"Variables.{name}", f"{url!r} is not an http(s) URL")


def check_step(
    step: WebhookStep, field: str, integration: Integration, now: datetime, account: Account
) -> None:
    known = set(integration.variables) | set(integration.per_level_variables)
    templates: dict[str, Template] = {}
    sources = {
        "Url": step.url,
        "Username": step.username,
        "Password": step.password,
        "Body": step.body,
        **{f"Headers.{name}": value for name, value in step.headers.items()},
    }
    for name, source in sources.items():
        try:
            templates[name] = parse(source)
            check(templates[name], known)
        except TemplateError as exc:
            raise InvalidInputError(f"{field}.{name}", str(exc)) from exc
    per_level = dict.fromkeys(integration.per_level_variables, SAMPLE_LEVEL_VALUE)
    for alert_type in step.alert_types or ["Error"]:
        alert = sample_alert(AlertType(alert_type), now)
        values = {**alert_variables(alert, account), **integration.variables, **per_level}
        fields = custom_fields(alert)
        url = render(templates["Url"], values, fields)
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise InvalidInputError(f"{field}.Url", f"renders to {url!r}, which is not an http(s) URL")
        media_type = render(parse(content_type(step)), values, fields)
        if step.body and is_json(media_type):
            body = render(templates["Body"], values, fields, json_body=True)
            try:
                json.loads(body)
            except ValueError as exc:
                raise InvalidInputError(
                    f"{field}.Body", f"renders to invalid JSON for a {alert_type} alert: {exc}"
                ) from exc


def check_attachment(integration: Integration, attached: LevelIntegration) -> None:
    """A level must give a value to each per-level variable, and nothing the integration cannot use."""
    for name in integration.per_level_variables:
        if not attached.variable_values.get(name):
            raise InvalidInputError(
                f"VariableValues.{name}", "is required: the integration takes this variable from each level"
            )
    for name in attached.variable_values:
        if name not in integration.per_level_variables:
            raise InvalidInputError(
                f"VariableValues.{name}", "is not a per-level variable of the integration"
            )
    if attached.extra_email_addresses and integration.type is not IntegrationType.EMAIL:
        raise InvalidInputError("ExtraEmailAddresses", "NotAvailable: the integration is not of Type Email")
