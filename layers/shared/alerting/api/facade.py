"""The config API as one object: one method per route, so routes never reach past it into repositories."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, overload
from uuid import UUID

from alerting.api.configuration import Configuration
from alerting.api.monitor_alerting import MonitorAlerting, utc_or_none
from alerting.api.preset_periods import window
from alerting.delivery.replay import Replay
from alerting.errors import InvalidInputError
from alerting.messaging.delivery_queue import DeadLetter, DeliveryQueue
from alerting.models.api import (
    AlertPage,
    DeadLetterView,
    IntegrationTestRequest,
    IntegrationTestResult,
    PresetPeriod,
    ResendAccepted,
)
from alerting.models.delivery import DeliveryJob, TargetHealth
from alerting.storage.alert_definitions import AlertDefinitions
from alerting.storage.alert_history import AlertQuery
from alerting.storage.delivery_log import DeliveryLog
from alerting.storage.integrations import Integrations
from alerting.storage.monitor_groups import MonitorGroups
from alerting.storage.monitors import Monitors
from alerting.storage.operators import Operators
from alerting.storage.targets import TargetHealthStore, set_target_disabled


class IntegrationTesting(Protocol):
    """Sends a sample message now (delivery.test_send); handed in so the API never imports the senders."""

    def run(self, guid: UUID, given: IntegrationTestRequest) -> IntegrationTestResult: ...


P = ParamSpec("P")
R = TypeVar("R")


class _Route(Generic[P, R]):
    """A route the facade answers with one call of a service or repository, named in one line:
    `get_monitor = _Route(lambda api: api.monitors.get)` reads as a method of the target's signature."""

    def __init__(self, target: Callable[[ConfigApi], Callable[P, R]]) -> None:
        self._target = target

    @overload
    def __get__(self, api: None, owner: type[ConfigApi]) -> Callable[Concatenate[ConfigApi, P], R]: ...
    @overload
    def __get__(self, api: ConfigApi, owner: type[ConfigApi]) -> Callable[P, R]: ...
    def __get__(self, api: ConfigApi | None, owner: type[ConfigApi]) -> Any:
        if api is None:  # read on the class (ConfigApi.create_monitor), as the console's forms do
            return self._unbound
        return self._target(api)

    def _unbound(self, api: ConfigApi, *args: Any, **kwargs: Any) -> Any:
        return self._target(api)(*args, **kwargs)


@dataclass(frozen=True)
class ConfigApi:
    """The services that hold rules (configuration, monitor alerting) and the repositories read as is."""

    configuration: Configuration
    monitor_alerting: MonitorAlerting
    monitors: Monitors
    definitions: AlertDefinitions
    integrations: Integrations
    operators: Operators
    groups: MonitorGroups
    delivery_log: DeliveryLog
    tester: IntegrationTesting
    targets: TargetHealthStore
    replay: Replay
    # The evaluator's dead-letter queue (parked check results), read through the same queue code.
    event_dead_letters: DeliveryQueue | None = None

    # Monitors
    list_monitors = _Route(lambda api: api.monitors.page)
    create_monitor = _Route(lambda api: api.configuration.create_monitor)
    get_monitor = _Route(lambda api: api.monitors.get)
    get_monitor_versioned = _Route(lambda api: api.monitors.get_versioned)
    replace_monitor = _Route(lambda api: api.configuration.replace_monitor)
    patch_monitor = _Route(lambda api: api.configuration.patch_monitor)

    delete_monitor = _Route(lambda api: api.monitor_alerting.delete_monitor)

    # Maintenance periods
    list_maintenance_periods = _Route(lambda api: api.monitors.maintenance_periods)
    add_maintenance_period = _Route(lambda api: api.monitor_alerting.add_maintenance)
    replace_maintenance_period = _Route(lambda api: api.monitor_alerting.replace_maintenance)
    delete_maintenance_period = _Route(lambda api: api.monitors.delete_maintenance_period)

    # Alert history and decision records
    def list_monitor_alerts(
        self,
        monitor_guid: UUID,
        take: int,
        cursor: str | None,
        ascending: bool,
        start: datetime | None,
        end: datetime | None,
        include_reminders: bool,
        preset: PresetPeriod | None = None,
    ) -> AlertPage:
        start, end = utc_or_none(start), utc_or_none(end)
        if preset is not None:
            if start is not None or end is not None:
                raise InvalidInputError("PresetPeriod", "cannot be used together with Start or End")
            start, end = window(preset, self.configuration.clock(), self.configuration.account.timezone)
        query = AlertQuery(take, cursor, ascending, start, end, include_reminders)
        return self.monitor_alerting.alerts(monitor_guid, query)

    list_decisions = _Route(lambda api: api.monitor_alerting.decisions)

    # Monitor groups
    list_monitor_groups = _Route(lambda api: api.monitor_alerting.list_groups)
    create_monitor_group = _Route(lambda api: api.monitor_alerting.create_group)
    get_monitor_group = _Route(lambda api: api.monitor_alerting.get_group)
    list_group_members = _Route(lambda api: api.monitor_alerting.group_members)
    add_group_member = _Route(lambda api: api.monitor_alerting.add_group_member)
    remove_group_member = _Route(lambda api: api.groups.remove_monitor)
    set_group_alerts_stopped = _Route(lambda api: api.monitor_alerting.set_group_alerts)

    # Integrations and their StatusHub services
    list_integrations = _Route(lambda api: api.configuration.list_integrations)
    create_integration = _Route(lambda api: api.configuration.create_integration)
    get_integration = _Route(lambda api: api.configuration.integration_view)
    patch_integration = _Route(lambda api: api.configuration.patch_integration)
    delete_integration = _Route(lambda api: api.integrations.delete)
    list_services = _Route(lambda api: api.configuration.service_views)
    create_service = _Route(lambda api: api.configuration.add_service)
    get_service = _Route(lambda api: api.configuration.service_view)
    replace_service = _Route(lambda api: api.configuration.replace_service)
    delete_service = _Route(lambda api: api.integrations.delete_service)
    test_integration = _Route(lambda api: api.tester.run)

    # Alert definitions and their members
    list_definitions = _Route(lambda api: api.definitions.page)
    create_definition = _Route(lambda api: api.configuration.create_definition)
    get_definition = _Route(lambda api: api.definitions.get)
    replace_definition = _Route(lambda api: api.configuration.replace_definition)
    patch_definition = _Route(lambda api: api.configuration.patch_definition)
    delete_definition = _Route(lambda api: api.definitions.delete)
    list_definition_members = _Route(lambda api: api.configuration.members)
    add_definition_monitor = _Route(lambda api: api.configuration.add_monitor_member)
    remove_definition_monitor = _Route(lambda api: api.definitions.remove_monitor)
    add_definition_group = _Route(lambda api: api.monitor_alerting.add_definition_group)
    remove_definition_group = _Route(lambda api: api.monitor_alerting.remove_definition_group)

    # Escalation levels (fixed slots 1..3)
    list_levels = _Route(lambda api: api.definitions.levels)
    get_level = _Route(lambda api: api.definitions.level)
    replace_level = _Route(lambda api: api.configuration.replace_level)
    patch_level = _Route(lambda api: api.configuration.patch_level)

    # Integrations attached to an escalation level
    list_level_integrations = _Route(lambda api: api.configuration.level_integration_views)
    attach_integration = _Route(lambda api: api.configuration.attach_integration)
    get_level_integration = _Route(lambda api: api.configuration.level_integration_view)
    patch_level_integration = _Route(lambda api: api.configuration.patch_level_integration)
    detach_integration = _Route(lambda api: api.definitions.detach)

    # Operators and the escalation levels they are members of
    list_operators = _Route(lambda api: api.operators.page)
    create_operator = _Route(lambda api: api.configuration.create_operator)
    get_operator = _Route(lambda api: api.operators.get)
    patch_operator = _Route(lambda api: api.configuration.patch_operator)
    delete_operator = _Route(lambda api: api.operators.delete)
    list_level_members = _Route(lambda api: api.configuration.level_members)
    add_level_operator = _Route(lambda api: api.configuration.add_level_operator)
    remove_level_operator = _Route(lambda api: api.configuration.remove_level_operator)

    # Delivery: the log, target health, resend and dead-letter redrive
    list_messages = _Route(lambda api: api.delivery_log.attempts)

    def list_targets(self, integration_guid: UUID) -> list[TargetHealth]:
        self.integrations.get(integration_guid)
        return self.targets.all(integration_guid)

    def set_target_disabled(self, integration_guid: UUID, target: str, disabled: bool) -> None:
        set_target_disabled(self.targets, integration_guid, target, disabled)

    def resend_message(self, alert_guid: UUID, integration_guid: UUID, target: str) -> ResendAccepted:
        return ResendAccepted(resend_id=self.replay.resend(alert_guid, integration_guid, target))

    redrive_dead_letters = _Route(lambda api: api.replay.redrive)

    def list_dead_letters(self, limit: int) -> list[DeadLetterView]:
        """What both dead-letter queues hold, oldest first, left on them (looked at, then released)."""
        views = [self._delivery_letter(letter) for letter in _peek(self.replay.queue, limit)]
        if self.event_dead_letters is not None:
            views += [
                DeadLetterView(
                    kind="CheckResult",
                    message_id=letter.message_id,
                    parked_at=_parked_at(letter),
                    reason=letter.reason or "The intake failed on it every time it was received.",
                )
                for letter in _peek(self.event_dead_letters, limit)
            ]
        return sorted(views, key=lambda view: view.parked_at)

    def _delivery_letter(self, letter: DeadLetter) -> DeadLetterView:
        try:
            job = DeliveryJob.model_validate_json(letter.body)
        except ValueError:
            reason = "Not a delivery job: Redrive keeps it."
            return DeadLetterView(
                kind="Delivery", message_id=letter.message_id, parked_at=_parked_at(letter), reason=reason
            )
        attempts = [
            attempt
            for attempt in self.delivery_log.attempts(job.alert.alert_guid)
            if attempt.integration_guid == job.integration_guid and attempt.target == job.target
        ]
        last = attempts[-1] if attempts else None
        reason = (last.error or f"Last attempt: {last.outcome}") if last else "Failed every attempt."
        return DeadLetterView(
            kind="Delivery",
            message_id=letter.message_id,
            parked_at=_parked_at(letter),
            reason=reason,
            monitor_name=job.alert.monitor_name,
            alert_guid=job.alert.alert_guid,
            integration_guid=job.integration_guid,
            target=job.target,
        )


def _peek(queue: DeliveryQueue, limit: int) -> list[DeadLetter]:
    try:
        return queue.dead_letters(limit)
    finally:
        queue.release_dead_letters()


def _parked_at(letter: DeadLetter) -> datetime:
    return datetime.fromtimestamp(letter.sent_timestamp_ms / 1000, UTC)
