"""The Uptrends integration: a predefined webhook whose JSON body holds every alerting variable."""

from __future__ import annotations

from alerting.integrations.spec import IntegrationSpec, OutgoingRequest, Rendering
from alerting.integrations.webhook import step_request
from alerting.models.config import ALL_ALERT_TYPES, HttpMethod, IntegrationType, WebhookStep
from alerting.templating import SYSTEM_VARIABLES


def uptrends_integration_body() -> str:
    """The Uptrends integration's JSON body template: every alerting variable, nested by prefix."""
    sections: dict[str, list[str]] = {}
    for name in SYSTEM_VARIABLES:
        prefix, field = name.split(".", 1)
        sections.setdefault(prefix, []).append(f'    "{field}": "{{{{@{name}}}}}"')
    parts = [f'  "{prefix}": {{\n' + ",\n".join(fields) + "\n  }" for prefix, fields in sections.items()]
    return "{\n" + ",\n".join(parts) + "\n}"


def uptrends_integration_step() -> WebhookStep:
    """The predefined step: POST every alerting variable, nested by prefix, to {{@ApiUrl}}."""
    return WebhookStep(
        method=HttpMethod.POST,
        url="{{@ApiUrl}}",
        headers={"Content-Type": "application/json"},
        body=uptrends_integration_body(),
        alert_types=list(ALL_ALERT_TYPES),
    )


def render(given: Rendering) -> OutgoingRequest:
    return step_request(uptrends_integration_step(), given.values, given.fields)


SPEC = IntegrationSpec(
    type=IntegrationType.UPTRENDS_INTEGRATION,
    name="UptrendsIntegration",
    render=render,
    required_variables=("ApiUrl",),
)
