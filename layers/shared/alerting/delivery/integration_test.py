"""Test send (`POST /Integration/{g}/Test`): sample data, sent now by the same senders and `http.send`
as real alerts, answered with the whole trace instead of being queued or retried."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

import httpx

from alerting.delivery import dispatch, http
from alerting.errors import InvalidInputError, NotFoundError, NothingToSendError, PermanentDeliveryError
from alerting.models.alert import AlertType
from alerting.models.api import IntegrationTestRequest, IntegrationTestResult, IntegrationTestStep
from alerting.models.config import IntegrationType
from alerting.models.delivery import DeliveryJob, Outcome
from alerting.storage.integrations import Integrations
from alerting.storage.monitors import Monitors
from alerting.templating import sample_alert


@dataclass
class IntegrationTester:
    integrations: Integrations
    monitors: Monitors
    channels: dispatch.Channels
    http: httpx.Client
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def run(self, guid: UUID, given: IntegrationTestRequest) -> IntegrationTestResult:
        found = self.integrations.config(guid)
        if found is None:
            raise NotFoundError("Integration", str(guid))
        integration = found.integration
        now = self.clock()
        monitor = self.monitors.get(given.monitor_guid) if given.monitor_guid else None
        alert = sample_alert(AlertType(given.alert_type), now, monitor)
        missing = [n for n in integration.per_level_variables if not given.variable_values.get(n)]
        if missing:
            raise InvalidInputError(
                f"VariableValues.{missing[0]}", "is required: the integration takes it from each level"
            )
        operators = [self.channels.operators.get(given.operator_guid)] if given.operator_guid else []
        delivery = dispatch.Delivery(
            job=DeliveryJob(
                alert=alert,
                integration_guid=guid,
                integration_type=integration.type,
                target=self._target(integration.type, found.services, given.integration_service_guid),
            ),
            integration=integration,
            services=found.services,
            variables={
                **integration.variables,
                **{n: given.variable_values[n] for n in integration.per_level_variables},
            },
            recipients=dispatch.Recipients(operators, list(given.extra_email_addresses)),
            channels=self.channels,
            now=now,
            transport=lambda request: http.send(self.http, request, now),
        )
        outcome, error = Outcome.FAILED, ""
        try:
            dispatch.run(delivery)
            final = delivery.steps[-1].result
            outcome = Outcome.DELIVERED if final.verdict is http.Verdict.DELIVERED else Outcome.FAILED
            error = final.error
        except NothingToSendError as exc:
            outcome, error = Outcome.SKIPPED, str(exc)
        except PermanentDeliveryError as exc:
            error = str(exc)
        steps = [
            IntegrationTestStep(exchange=s.result.exchange, duration_ms=s.duration_ms, error=s.result.error)
            for s in delivery.steps
        ]
        return IntegrationTestResult(outcome=outcome, error=error, steps=steps)

    @staticmethod
    def _target(kind: IntegrationType, services: Mapping[UUID, object], chosen: UUID | None) -> str:
        if kind is not IntegrationType.STATUSHUB:
            return "default"
        if chosen is not None:
            if chosen not in services:
                raise InvalidInputError("IntegrationServiceGuid", "is not a service of this integration")
            return str(chosen)
        if not services:
            raise InvalidInputError("IntegrationServiceGuid", "the integration has no service to test")
        return str(next(iter(services)))
