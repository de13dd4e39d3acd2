"""What every integration type declares (`IntegrationSpec`), what it renders from (`Rendering`) and
what it renders to (`OutgoingRequest`)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from alerting.errors import PermanentDeliveryError
from alerting.models.alert import Alert
from alerting.models.config import (
    Integration,
    IntegrationService,
    IntegrationType,
    LevelIntegration,
    ServiceLink,
    ServiceStatus,
)
from alerting.templating import Account

# The one target of a type that sends each alert to one place.
DEFAULT_TARGET = "default"


@dataclass(frozen=True)
class OutgoingRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    json_body: object = None
    # A body that is not JSON (form, XML, text); wins over json_body.
    content: str | None = None
    content_type: str = "application/json"

    def body(self) -> str:
        """The exact text sent: what a signature covers."""
        if self.content is not None:
            return self.content
        return "" if self.json_body is None else json.dumps(self.json_body, separators=(",", ":"))

    def with_headers(self, headers: Mapping[str, str]) -> OutgoingRequest:
        return OutgoingRequest(
            self.method,
            self.url,
            {**self.headers, **headers},
            self.json_body,
            self.content,
            self.content_type,
        )


@dataclass(frozen=True)
class Rendering:
    """Everything a type renders an alert from: the integration, its variables resolved for the level
    (secret references already read), the template values and the target."""

    alert: Alert
    integration: Integration
    services: Mapping[UUID, IntegrationService]
    variables: Mapping[str, str]
    values: Mapping[str, str]
    fields: Mapping[str, str]
    target: str
    # The level's link of the alert's monitor to the target service, for types with services.
    link: ServiceLink | None = None

    def variable(self, name: str, default: str | None = None) -> str:
        value = self.variables.get(name) or default
        if not value:
            raise PermanentDeliveryError(f"the integration has no value for {name}")
        return value


Render = Callable[[Rendering], OutgoingRequest]
Targets = Callable[[LevelIntegration, Alert], list[str]]
Check = Callable[[Integration, datetime, Account], None]


def one_target(attached: LevelIntegration, alert: Alert) -> list[str]:
    return [DEFAULT_TARGET]


def no_check(integration: Integration, now: datetime, account: Account) -> None:
    return None


@dataclass(frozen=True)
class IntegrationSpec:
    """One integration type's rules. `render` is None for types whose delivery is more than one
    request (their sender in `delivery/senders/` does the I/O)."""

    type: IntegrationType
    name: str
    render: Render | None = None
    # Predefined variables (Uptrends' names); each must have a value, fixed or per level.
    required_variables: tuple[str, ...] = ()
    # A required variable another one can stand in for (ServiceNow's InstanceUrl for InstanceName).
    stands_in_for: Mapping[str, str] = field(default_factory=dict)
    # Optional variables holding a URL, checked at save like a step's URL when fixed in the integration.
    url_variables: tuple[str, ...] = ()
    # Variables holding a URL whose path and query are the credential (Slack, Teams, Splunk On-Call).
    secret_url_variables: tuple[str, ...] = ()
    reminders: bool = True
    # Which targets of an attached level get an alert; one, unless the type links services.
    targets: Targets = one_target
    # Why an alert goes nowhere when `targets` finds none.
    no_target_reason: str = ""
    # The integration has services (`/Integration/{g}/Service`) that levels link monitors to.
    services: bool = False
    # Its services name a status page's own service or component id (`ExternalId`), not a hook `Url`.
    external_services: bool = False
    # The integration is made of HTTP steps (custom webhooks).
    steps: bool = False
    # It goes to the level's on-duty operators (and, for e-mail, the level's extra addresses).
    recipients: bool = False
    extra_email_addresses: bool = False
    # Save-time checks beyond the variables every type has.
    check: Check = no_check
    # The target's documented rate; deliveries wait for it (an integration's MaxRequestsPerSecond wins).
    requests_per_second: float | None = None
    # What a service link's ServiceStatus may ask of this type's status page.
    service_statuses: frozenset[ServiceStatus] = frozenset(
        {ServiceStatus.DOWN, ServiceStatus.DEGRADED_PERFORMANCE}
    )


def hook_message_spec(
    kind: IntegrationType, name: str, url_variable: str, message: Callable[[Alert, Mapping[str, str]], object]
) -> IntegrationSpec:
    """A chat hook (Slack, Teams): one JSON message POSTed to the URL in `url_variable`, whose path
    is the credential."""

    def render(given: Rendering) -> OutgoingRequest:
        body = message(given.alert, given.values)
        return OutgoingRequest("POST", given.variable(url_variable), json_body=body)

    return IntegrationSpec(
        type=kind,
        name=name,
        render=render,
        required_variables=(url_variable,),
        secret_url_variables=(url_variable,),
    )


def basic_auth(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
