"""Delivers one job through its integration type's sender, and traces every request it makes.

A sender (one module per integration type) gets a `Delivery`: the alert, the integration with its
variables resolved for the level, the template values, and `send`, which goes through the same
`http.send` as everything else. Senders that need several requests (ServiceNow finding the incident it
resolves) call `send` several times; non-HTTP senders (SES, SNS) `record` their call in the same shape.
Secrets the integration holds are masked in every trace, on top of what `http` masks by name.
"""

from __future__ import annotations

import base64
import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from uuid import UUID

from alerting.delivery import http
from alerting.delivery.secrets import SecretResolver
from alerting.errors import NothingToSendError, PermanentDeliveryError
from alerting.models.config import (
    Integration,
    IntegrationService,
    IntegrationType,
    LevelIntegration,
    Operator,
)
from alerting.models.delivery import DeliveryJob, HttpExchange
from alerting.storage.config_cache import ConfigCache
from alerting.storage.integrations import IntegrationConfig
from alerting.storage.operators import Operators
from alerting.storage.servicenow_incidents import ServiceNowIncidents
from alerting.templating import Account, alert_variables, custom_fields

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sns import SNSClient

Send = Callable[[http.OutgoingRequest], http.Result]

# Variables whose values are credentials (compared without case, `-` or `_`).
SECRET_NAME_PARTS = ("password", "secret", "token", "apikey", "routingkey", "key", "credential")
# Variables holding a URL whose path and query are the credential (Slack, Teams, Splunk On-Call hooks).
SECRET_URL_VARIABLES = frozenset({"Url", "WorkflowUrl", "SplunkOnCallUrl"})
_MIN_SECRET_CHARS = 6


def is_secret_name(name: str) -> bool:
    folded = name.lower().replace("-", "").replace("_", "")
    return any(part in folded for part in SECRET_NAME_PARTS)


@dataclass
class Channels:
    """What senders need besides HTTP; built once per warm function."""

    account: Account
    operators: Operators
    servicenow: ServiceNowIncidents
    ses: SESClient
    sns: SNSClient
    email_sender: str
    sms_sender_id: str


@dataclass(frozen=True)
class Step:
    result: http.Result
    duration_ms: int


@dataclass
class Recipients:
    """Who an e-mail or SMS goes to: the level's operators (only those on duty) and extra addresses."""

    operators: list[Operator] = field(default_factory=list)
    extra_emails: list[str] = field(default_factory=list)

    def emails(self) -> list[str]:
        found = [o.email for o in self.operators if o.is_on_duty and o.email] + self.extra_emails
        return list(dict.fromkeys(found))

    def phones(self) -> list[str]:
        return list(dict.fromkeys(o.mobile_phone for o in self.operators if o.is_on_duty and o.mobile_phone))


@dataclass
class Delivery:
    """One delivery in progress: what a sender renders from and how it sends."""

    job: DeliveryJob
    integration: Integration
    services: Mapping[UUID, IntegrationService]
    variables: dict[str, str]
    recipients: Recipients
    channels: Channels
    now: datetime
    transport: Send
    steps: list[Step] = field(default_factory=list)

    @property
    def alert_type(self) -> str:
        return self.job.alert.alert_type.value

    def values(self) -> dict[str, str]:
        """Template values: the alerting variables and the integration's own."""
        return {**alert_variables(self.job.alert, self.channels.account), **self.variables}

    def custom_fields(self) -> dict[str, str]:
        return custom_fields(self.job.alert)

    def variable(self, name: str, default: str | None = None) -> str:
        value = self.variables.get(name) or default
        if not value:
            raise PermanentDeliveryError(f"the integration has no value for {name}")
        return value

    def send(self, request: http.OutgoingRequest) -> http.Result:
        headers = {
            "webhook-id": self.job.webhook_id,
            "webhook-timestamp": str(int(self.now.timestamp())),
            **request.headers,
        }
        request = http.OutgoingRequest(
            request.method, request.url, headers, request.json_body, request.content, request.content_type
        )
        began = time.perf_counter()
        result = self.transport(request)
        self.record(result, int((time.perf_counter() - began) * 1000))
        return self.steps[-1].result

    def record(self, result: http.Result, duration_ms: int) -> None:
        masked = _masked(result.exchange, self.secrets())
        self.steps.append(Step(dataclasses.replace(result, exchange=masked), duration_ms))

    def secrets(self) -> list[str]:
        found = [value for name, value in self.variables.items() if is_secret_name(name)]
        for name in SECRET_URL_VARIABLES & set(self.variables):
            parts = urlsplit(self.variables[name])
            found += [parts.path, parts.query]
        found += [step.password for step in self.integration.steps]
        return sorted({s for s in found if len(s) >= _MIN_SECRET_CHARS}, key=len, reverse=True)


def _masked(exchange: HttpExchange, secrets: list[str]) -> HttpExchange:
    if not secrets:
        return exchange

    def hide(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, http.MASK)
        return text

    return exchange.model_copy(
        update={
            "url": hide(exchange.url),
            "request_headers": {name: hide(value) for name, value in exchange.request_headers.items()},
            "request_body": hide(exchange.request_body),
            "response_excerpt": hide(exchange.response_excerpt),
        }
    )


def basic_auth(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def resolved_variables(integration: Integration, attached: LevelIntegration | None) -> dict[str, str]:
    """The integration's fixed variables and, from the level, its per-level ones."""
    given = attached.variable_values if attached else {}
    missing = [name for name in integration.per_level_variables if not given.get(name)]
    if missing:
        raise PermanentDeliveryError(f"the escalation level has no value for the variable {missing[0]}")
    return {**integration.variables, **{name: given[name] for name in integration.per_level_variables}}


Sender = Callable[[Delivery], None]


def _senders() -> dict[IntegrationType, Sender]:
    from alerting.delivery import (
        email,
        opsgenie,
        pagerduty,
        servicenow,
        slack,
        sms,
        splunk_on_call,
        statushub,
        teams,
        webhook,
    )

    return {
        IntegrationType.STATUSHUB: statushub.deliver,
        IntegrationType.WEBHOOK: webhook.deliver,
        IntegrationType.UPTRENDS_INTEGRATION: webhook.deliver_uptrends_integration,
        IntegrationType.SLACK: slack.deliver,
        IntegrationType.TEAMS: teams.deliver,
        IntegrationType.PAGERDUTY: pagerduty.deliver,
        IntegrationType.SPLUNK_ON_CALL: splunk_on_call.deliver,
        IntegrationType.SERVICENOW: servicenow.deliver,
        IntegrationType.OPSGENIE: opsgenie.deliver,
        IntegrationType.EMAIL: email.deliver,
        IntegrationType.SMS: sms.deliver,
    }


def run(delivery: Delivery) -> list[Step]:
    """Run the delivery's sender; every request it made, in order (the last one decides)."""
    _senders()[delivery.integration.type](delivery)
    if not delivery.steps:
        raise PermanentDeliveryError(f"{delivery.integration.type.value} sent nothing")
    return delivery.steps


def deliver(
    job: DeliveryJob,
    config: ConfigCache,
    channels: Channels,
    transport: Send,
    now: datetime,
    secrets: SecretResolver | None = None,
) -> list[Step]:
    """Deliver a queued job. Raises PermanentDeliveryError when it cannot be sent at all and
    NothingToSendError when the integration sends nothing for it. Secret references among the
    variables (ssm:…, secretsmanager:…) are resolved now, at send time."""
    found = config.integration(job.integration_guid)
    if found is None:
        raise PermanentDeliveryError("the integration no longer exists")
    if not found.integration.is_active:
        raise PermanentDeliveryError("the integration was deactivated after the alert")
    attached = _level_integration(job, config)
    recipients = Recipients()
    if found.integration.type in (IntegrationType.EMAIL, IntegrationType.SMS):
        alert = job.alert
        recipients = Recipients(
            channels.operators.level_members(alert.alert_definition_guid, alert.escalation_level_id),
            list(attached.extra_email_addresses) if attached else [],
        )
    return run(_delivery(job, found, attached, recipients, channels, transport, now, secrets))


def _delivery(
    job: DeliveryJob,
    found: IntegrationConfig,
    attached: LevelIntegration | None,
    recipients: Recipients,
    channels: Channels,
    transport: Send,
    now: datetime,
    secrets: SecretResolver | None,
) -> Delivery:
    variables = resolved_variables(found.integration, attached)
    return Delivery(
        job=job,
        integration=found.integration,
        services=found.services,
        variables=secrets.resolve_all(variables) if secrets else variables,
        recipients=recipients,
        channels=channels,
        now=now,
        transport=transport,
    )


def _level_integration(job: DeliveryJob, config: ConfigCache) -> LevelIntegration | None:
    definition = config.definition(job.alert.alert_definition_guid)
    if definition is None:
        return None
    attached = definition.level_integrations.get(job.alert.escalation_level_id, ())
    return next((a for a in attached if a.integration_guid == job.integration_guid), None)


def nothing_for_type(delivery: Delivery) -> NothingToSendError:
    return NothingToSendError(f"no step of the integration sends {delivery.alert_type} alerts")
