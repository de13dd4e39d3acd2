"""The requests of one delivery, real or test: stamped and signed, sent, and traced with secrets hidden.

An attempt builds an `Outbound` from the job and the integration's config (read once), then either
sends the one request the type's module renders, or lets the type's sender (several requests, SES,
SNS) use `send` and `record`. `webhook-id` and `webhook-timestamp` are stamped on every request here
(through `signing.signature_headers`) and nowhere else.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

import httpx

from alerting.delivery import transport
from alerting.delivery.pacing import INLINE_RETRIES, Pacer
from alerting.delivery.signing import signature_headers
from alerting.errors import PermanentDeliveryError
from alerting.integrations import spec_for
from alerting.integrations.spec import OutgoingRequest, Rendering
from alerting.masking import function_keys, hide_in_exchange, secret_values
from alerting.models.config import Integration, IntegrationService, LevelIntegration, Operator, ServiceLink
from alerting.models.delivery import DeliveryJob
from alerting.storage.operators import Operators
from alerting.storage.servicenow_incidents import ServiceNowIncidents
from alerting.storage.status_page_incidents import StatusPageIncidents
from alerting.templating import Account, alert_variables, custom_fields

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sns import SNSClient


@dataclass
class Channels:
    """What deliveries need besides HTTP; built once per warm function."""

    account: Account
    operators: Operators
    servicenow: ServiceNowIncidents
    status_pages: StatusPageIncidents
    ses: SESClient
    sns: SNSClient
    email_sender: str
    sms_sender_id: str
    pacer: Pacer = field(default_factory=Pacer)


@dataclass(frozen=True)
class Step:
    result: transport.Result
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
class Outbound:
    """One delivery in progress: what it renders from, how it sends, and every request it made."""

    job: DeliveryJob
    integration: Integration
    services: Mapping[UUID, IntegrationService]
    # Resolved for the level, secret references already read.
    variables: dict[str, str]
    recipients: Recipients
    channels: Channels
    now: datetime
    client: httpx.Client
    signing_secrets: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    # The level's link of the monitor to the target service (status pages), with its options.
    link: ServiceLink | None = None

    def rendering(self) -> Rendering:
        alert = self.job.alert
        return Rendering(
            alert=alert,
            integration=self.integration,
            services=self.services,
            variables=self.variables,
            values={**alert_variables(alert, self.channels.account), **self.variables},
            fields=custom_fields(alert),
            target=self.job.target,
            link=self.link,
        )

    def send(self, request: OutgoingRequest) -> transport.Result:
        """Stamp (and sign, with the integration's secrets), send and record one request."""
        stamped = request.with_headers(
            signature_headers(self.job.webhook_id, self.now, request.body(), self.signing_secrets)
        )
        rate = self.integration.max_requests_per_second or spec_for(self.integration.type).requests_per_second
        pace_key = f"{self.integration.integration_guid}"
        for _ in range(1 + INLINE_RETRIES):
            if rate:
                self.channels.pacer.wait_turn(pace_key, rate)
            began = time.perf_counter()
            result = transport.send(self.client, stamped, self.now)
            self.record(result, int((time.perf_counter() - began) * 1000))
            if not (rate and self.channels.pacer.backs_off(pace_key, result)):
                break
        return self.steps[-1].result

    def record(self, result: transport.Result, duration_ms: int) -> None:
        """Keep a request's trace (an HTTP exchange, or an SES or SNS call), secrets hidden."""
        masked = hide_in_exchange(result.exchange, self.secrets())
        self.steps.append(Step(dataclasses.replace(result, exchange=masked), duration_ms))

    def secrets(self) -> list[str]:
        spec = spec_for(self.integration.type)
        passwords = [step.password for step in self.integration.steps]
        keys = function_keys(self.integration.functions)
        return secret_values(self.variables, spec.secret_url_variables, [*passwords, *keys])


def target_link(attached: LevelIntegration | None, job: DeliveryJob) -> ServiceLink | None:
    """The level's link of the job's monitor to the job's target service, if the target is one."""
    links = attached.status_hub_service_list if attached else []
    monitor = job.alert.monitor_guid
    return next(
        (
            lnk
            for lnk in links
            if lnk.monitor_guid == monitor and str(lnk.integration_service_guid) == job.target
        ),
        None,
    )


def level_variables(integration: Integration, attached: LevelIntegration | None) -> dict[str, str]:
    """The integration's fixed variables and, from the level, its per-level ones."""
    given = attached.variable_values if attached else {}
    missing = [name for name in integration.per_level_variables if not given.get(name)]
    if missing:
        raise PermanentDeliveryError(f"the escalation level has no value for the variable {missing[0]}")
    return {**integration.variables, **{name: given[name] for name in integration.per_level_variables}}
