"""Custom webhooks and the Uptrends integration: the step for the alert's type, rendered from templates."""

from __future__ import annotations

from alerting.delivery.dispatch import Delivery, basic_auth, nothing_for_type
from alerting.delivery.http import OutgoingRequest
from alerting.integration_rules import content_type, is_json
from alerting.models.config import ALL_ALERT_TYPES, HttpMethod, WebhookStep
from alerting.rendering import uptrends_integration_body
from alerting.templating import parse, render


def deliver(delivery: Delivery) -> None:
    step = delivery.integration.step_for(delivery.alert_type)
    if step is None:
        raise nothing_for_type(delivery)
    delivery.send(step_request(step, delivery.values(), delivery.custom_fields()))


def deliver_uptrends_integration(delivery: Delivery) -> None:
    delivery.send(step_request(uptrends_integration_step(), delivery.values(), delivery.custom_fields()))


def uptrends_integration_step() -> WebhookStep:
    """The predefined step: POST every alerting variable, nested by prefix, to {{@ApiUrl}}."""
    return WebhookStep(
        method=HttpMethod.POST,
        url="{{@ApiUrl}}",
        headers={"Content-Type": "application/json"},
        body=uptrends_integration_body(),
        alert_types=list(ALL_ALERT_TYPES),
    )


def step_request(step: WebhookStep, values: dict[str, str], fields: dict[str, str]) -> OutgoingRequest:
    """The step's request; in a JSON body every value is escaped for where it stands."""

    def text(template: str) -> str:
        return render(parse(template), values, fields)

    media_type = text(content_type(step))
    headers = {
        # A value with a line break would start a new header: keep it on one line.
        name: " ".join(text(value).splitlines())
        for name, value in step.headers.items()
        if name.lower() != "content-type"
    }
    if step.username or step.password:
        headers["Authorization"] = basic_auth(text(step.username), text(step.password))
    body = render(parse(step.body), values, fields, json_body=is_json(media_type)) if step.body else None
    return OutgoingRequest(step.method.value, text(step.url), headers, content=body, content_type=media_type)
