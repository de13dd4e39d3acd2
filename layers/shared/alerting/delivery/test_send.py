"""Test send (`POST /Integration/{g}/Test`): sample data, sent now through the same path as real alerts
(the registry's rendering or the type's sender, stamped, traced and masked the same way), answered with
the whole trace instead of being queued or retried."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID, uuid4

import httpx

from alerting.delivery.attempt import send_through
from alerting.delivery.outbound import Channels, Outbound, Recipients
from alerting.delivery.secrets import SecretResolver
from alerting.delivery.transport import Verdict
from alerting.errors import (
    InvalidInputError,
    NotFoundError,
    NothingToSendError,
    PermanentDeliveryError,
    UnavailableError,
)
from alerting.integrations import IntegrationSpec, spec_for
from alerting.integrations.spec import DEFAULT_TARGET
from alerting.models.alert import AlertType
from alerting.models.api import IntegrationTestRequest, IntegrationTestResult, IntegrationTestStep
from alerting.models.delivery import DeliveryJob, Outcome
from alerting.storage.integrations import IntegrationConfig, Integrations
from alerting.storage.monitors import Monitors
from alerting.templating import sample_alert


@dataclass
class IntegrationTester:
    integrations: Integrations
    monitors: Monitors
    channels: Channels
    http: httpx.Client
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # Reads ssm:… and secretsmanager:… references, as the delivery function does at send time.
    secrets: SecretResolver | None = None
    # Each test send is a message of its own: a fresh AlertGuid, hence a fresh webhook-id.
    new_alert_guid: Callable[[], UUID] = uuid4

    def run(self, guid: UUID, given: IntegrationTestRequest) -> IntegrationTestResult:
        found = self.integrations.config(guid)
        if found is None:
            raise NotFoundError("Integration", str(guid))
        integration = found.integration
        missing = [n for n in integration.per_level_variables if not given.variable_values.get(n)]
        if missing:
            raise InvalidInputError(
                f"VariableValues.{missing[0]}", "is required: the integration takes it from each level"
            )
        spec = spec_for(integration.type)
        sends = [AlertType(given.alert_type)]
        if given.then_ok and given.alert_type != "Ok":
            sends.append(AlertType.OK)
        outcome, error, steps = Outcome.SKIPPED, "", []
        for alert_type in sends:
            outcome, error, sent = self._send(found, given, alert_type, spec)
            steps += sent
            if outcome is not Outcome.DELIVERED:
                break
        return IntegrationTestResult(
            outcome=outcome, error=error, steps=steps, warning=_warning(spec, given, sends, outcome)
        )

    def _send(
        self,
        found: IntegrationConfig,
        given: IntegrationTestRequest,
        alert_type: AlertType,
        spec: IntegrationSpec,
    ) -> tuple[Outcome, str, list[IntegrationTestStep]]:
        integration, now = found.integration, self.clock()
        monitor = self.monitors.get(given.monitor_guid) if given.monitor_guid else None
        operators = [self.channels.operators.get(given.operator_guid)] if given.operator_guid else []
        alert = sample_alert(alert_type, now, monitor).model_copy(
            update={"alert_guid": self.new_alert_guid()}
        )
        resolve = self.secrets.resolve if self.secrets else str
        variables = {
            **integration.variables,
            **{n: given.variable_values[n] for n in integration.per_level_variables},
        }
        outcome, error = Outcome.FAILED, ""
        try:
            resolved = {name: resolve(value) for name, value in variables.items()}
            signing_secrets = [resolve(secret) for secret in integration.signing_secrets]
        except (PermanentDeliveryError, UnavailableError) as exc:
            return outcome, str(exc), []
        out = Outbound(
            job=DeliveryJob(
                alert=alert,
                integration_guid=integration.integration_guid,
                integration_type=integration.type,
                target=_target(spec, found.services, given.integration_service_guid),
            ),
            integration=integration,
            services=found.services,
            variables=resolved,
            recipients=Recipients(operators, list(given.extra_email_addresses)),
            channels=self.channels,
            now=now,
            client=self.http,
            signing_secrets=signing_secrets,
        )
        try:
            final = send_through(out)[-1].result
            outcome = Outcome.DELIVERED if final.verdict is Verdict.DELIVERED else Outcome.FAILED
            error = final.error
        except NothingToSendError as exc:
            outcome, error = Outcome.SKIPPED, str(exc)
        except PermanentDeliveryError as exc:
            error = str(exc)
        steps = [
            IntegrationTestStep(exchange=s.result.exchange, duration_ms=s.duration_ms, error=s.result.error)
            for s in out.steps
        ]
        return outcome, error, steps


def _warning(
    spec: IntegrationSpec, given: IntegrationTestRequest, sent: list[AlertType], outcome: Outcome
) -> str | None:
    """A test send to a status page changes what the public sees: say so, and how to undo it."""
    if not spec.services or given.alert_type == "Ok":
        return None
    if AlertType.OK in sent and outcome is Outcome.DELIVERED:
        return (
            "This test changed the public status page: the service showed a disruption and a sample incident,"
            " and the Ok sent right after set it back to operating normally (the incident stays, Monitoring)."
        )
    return (
        "This test changed the public status page: the service now shows a disruption with a sample"
        ' incident. Send {"AlertType": "Ok"} now to set it back, or test with "ThenOk": true next time.'
    )


def _target(spec: IntegrationSpec, services: Mapping[UUID, object], chosen: UUID | None) -> str:
    """The service a test of a type with services goes to: the chosen one, or the first."""
    if not spec.services:
        return DEFAULT_TARGET
    if chosen is not None:
        if chosen not in services:
            raise InvalidInputError("IntegrationServiceGuid", "is not a service of this integration")
        return str(chosen)
    if not services:
        raise InvalidInputError("IntegrationServiceGuid", "the integration has no service to test")
    return str(next(iter(services)))
