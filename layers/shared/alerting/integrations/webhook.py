"""Custom webhooks: HTTP steps rendered from templates, one per alert type they send.

At save, each step is parsed and rendered against a sample alert of each type it sends: an unknown
variable, a template that does not parse, a URL that is not http(s), or a JSON body that renders to
invalid JSON is refused with the field it is in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from alerting.errors import InvalidInputError, NothingToSendError, TemplateError
from alerting.integrations.spec import IntegrationSpec, OutgoingRequest, Rendering, basic_auth
from alerting.models.alert import AlertType
from alerting.models.config import Integration, IntegrationType, UserDefinedFunction, WebhookStep
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

DEFAULT_CONTENT_TYPE = "application/json"
# What a per-level variable stands for while a step is checked at save.
SAMPLE_LEVEL_VALUE = "https://level.example/sample"


def content_type(step: WebhookStep) -> str:
    """The step's Content-Type header (a template), JSON when it has none."""
    return next((v for k, v in step.headers.items() if k.lower() == "content-type"), DEFAULT_CONTENT_TYPE)


def is_json(media_type: str) -> bool:
    return "json" in media_type.lower()


def step_request(
    step: WebhookStep,
    values: Mapping[str, str],
    fields: Mapping[str, str],
    functions: Sequence[UserDefinedFunction] = (),
) -> OutgoingRequest:
    """The step's request; in a JSON body every value is escaped for where it stands."""

    def text(template: str) -> str:
        return render(parse(template), values, fields, functions=functions)

    media_type = text(content_type(step))
    headers = {
        # A value with a line break would start a new header: keep it on one line.
        name: " ".join(text(value).splitlines())
        for name, value in step.headers.items()
        if name.lower() != "content-type"
    }
    if step.username or step.password:
        headers["Authorization"] = basic_auth(text(step.username), text(step.password))
    body = (
        render(parse(step.body), values, fields, json_body=is_json(media_type), functions=functions)
        if step.body
        else None
    )
    return OutgoingRequest(step.method.value, text(step.url), headers, content=body, content_type=media_type)


def render_step(given: Rendering) -> OutgoingRequest:
    alert_type = given.alert.alert_type.value
    step = given.integration.step_for(alert_type)
    if step is None:
        raise NothingToSendError(f"no step of the integration sends {alert_type} alerts")
    return step_request(step, given.values, given.fields, given.integration.functions)


def check_steps(integration: Integration, now: datetime, account: Account) -> None:
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
            check(templates[name], known, integration.functions)
        except TemplateError as exc:
            raise InvalidInputError(f"{field}.{name}", str(exc)) from exc
    per_level = dict.fromkeys(integration.per_level_variables, SAMPLE_LEVEL_VALUE)
    for alert_type in step.alert_types or ["Error"]:
        alert = sample_alert(AlertType(alert_type), now)
        values = {**alert_variables(alert, account), **integration.variables, **per_level}
        fields = custom_fields(alert)
        functions = integration.functions
        try:
            url = render(templates["Url"], values, fields, functions=functions)
        except TemplateError as exc:
            raise InvalidInputError(f"{field}.Url", str(exc)) from exc
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise InvalidInputError(f"{field}.Url", f"renders to {url!r}, which is not an http(s) URL")
        media_type = render(parse(content_type(step)), values, fields, functions=functions)
        if step.body and is_json(media_type):
            try:
                json.loads(render(templates["Body"], values, fields, json_body=True, functions=functions))
            except TemplateError as exc:
                raise InvalidInputError(f"{field}.Body", str(exc)) from exc
            except ValueError as exc:
                raise InvalidInputError(
                    f"{field}.Body", f"renders to invalid JSON for a {alert_type} alert: {exc}"
                ) from exc


SPEC = IntegrationSpec(
    type=IntegrationType.WEBHOOK,
    name="Webhook",
    render=render_step,
    steps=True,
    check=check_steps,
)
