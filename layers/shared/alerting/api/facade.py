"""The config API as one object: one method per route, so routes never reach past it into repositories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

from alerting.api.configuration import Configuration
from alerting.api.monitor_alerting import MonitorAlerting, utc_or_none
from alerting.api.preset_periods import window
from alerting.delivery.replay import Replay
from alerting.errors import AlreadyExistsError, InvalidInputError, NotFoundError, VersionMismatchError
from alerting.messaging.delivery_queue import DeadLetter, DeliveryQueue
from alerting.models.api import (
    AlertDefinitionInput,
    AlertDefinitionMonitor,
    AlertDefinitionMonitorGroup,
    AlertDefinitionOperator,
    AlertDefinitionPatch,
    AlertPage,
    DeadLetterView,
    DecisionPage,
    EscalationLevelMember,
    EscalationLevelPatch,
    IntegrationInput,
    IntegrationPatch,
    IntegrationTestRequest,
    IntegrationTestResult,
    IntegrationView,
    LevelIntegrationPatch,
    LevelIntegrationView,
    MonitorGroupInput,
    MonitorInput,
    MonitorPatch,
    OperatorInput,
    OperatorPatch,
    PresetPeriod,
    RedriveResult,
    ResendAccepted,
    ServiceInput,
)
from alerting.models.config import (
    ALL_MONITORS_GROUP_GUID,
    AlertDefinition,
    AlertDefinitionMember,
    EscalationLevel,
    IntegrationService,
    MaintenancePeriod,
    Monitor,
    MonitorGroup,
    MonitorGroupMember,
    Operator,
)
from alerting.models.delivery import DeliveryAttempt, DeliveryJob, TargetHealth
from alerting.storage.alert_definitions import LEVEL_INTEGRATION, AlertDefinitions
from alerting.storage.alert_history import AlertQuery
from alerting.storage.config_repository import Versioned
from alerting.storage.delivery_log import DeliveryLog
from alerting.storage.integrations import Integrations
from alerting.storage.monitor_groups import MonitorGroups
from alerting.storage.monitors import MonitorRecord, Monitors
from alerting.storage.operators import Operators
from alerting.storage.targets import TargetHealthStore, set_target_disabled

# Tries to write a level integration without the deleted monitor's links while the level keeps changing.
MAX_UNLINK_TRIES = 5


class IntegrationTesting(Protocol):
    """Sends a sample message now (delivery.test_send); handed in so the API never imports the senders."""

    def run(self, guid: UUID, given: IntegrationTestRequest) -> IntegrationTestResult: ...


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
    def list_monitors(self, take: int, cursor: str | None) -> tuple[list[Monitor], str | None]:
        return self.monitors.page(take, cursor)

    def create_monitor(self, given: MonitorInput) -> Monitor:
        return self.configuration.create_monitor(given)

    def get_monitor(self, guid: UUID) -> Monitor:
        return self.monitors.get(guid)

    def get_monitor_versioned(self, guid: UUID) -> Versioned[Monitor]:
        return self.monitors.get_versioned(guid)

    def replace_monitor(self, guid: UUID, given: MonitorInput, if_match: int | None = None) -> None:
        self.configuration.replace_monitor(guid, given, if_match)

    def patch_monitor(self, guid: UUID, patch: MonitorPatch, if_match: int | None = None) -> None:
        self.configuration.patch_monitor(guid, patch, if_match)

    def delete_monitor(self, guid: UUID, if_match: int | None = None) -> None:
        record = self.monitors.record(guid)
        self.monitors.delete(guid, if_match)
        self._drop_service_links(guid, record)

    def _drop_service_links(self, monitor_guid: UUID, record: MonitorRecord) -> None:
        """Take the deleted monitor out of the StatusHubServiceList of the definitions that alerted for it
        (directly, through its groups, or the all-monitors group), so no page keeps a link nothing can
        update. Only those: a monitor delete must not read every definition."""
        definition_guids = set(record.definition_guids)
        for group_guid in {*record.group_guids, ALL_MONITORS_GROUP_GUID}:
            group = self.groups.config(group_guid)
            definition_guids |= group.definition_guids if group else set()
        for definition_guid in sorted(definition_guids):
            try:
                self._unlink_from_definition(definition_guid, monitor_guid)
            except NotFoundError:
                continue  # deleted meanwhile: nothing of it links the monitor any more

    def _unlink_from_definition(self, guid: UUID, monitor_guid: UUID) -> None:
        for level in self.definitions.levels(guid):
            for attached in self.definitions.level_integrations(guid, level.id):
                if any(link.monitor_guid == monitor_guid for link in attached.status_hub_service_list):
                    self._unlink_monitor(guid, level.id, attached.integration_guid, monitor_guid)

    def _unlink_monitor(self, guid: UUID, level_id: int, integration_guid: UUID, monitor_guid: UUID) -> None:
        for _ in range(MAX_UNLINK_TRIES):
            read = self.definitions.level_integration_versioned(guid, level_id, integration_guid)
            kept = [link for link in read.config.status_hub_service_list if link.monitor_guid != monitor_guid]
            changed = read.config.model_copy(update={"status_hub_service_list": kept})
            try:
                self.definitions.replace_level_integration(guid, level_id, changed, read.version)
                return
            except VersionMismatchError:
                continue
        raise AlreadyExistsError(LEVEL_INTEGRATION, "a concurrent change; retry")

    # Maintenance periods
    def list_maintenance_periods(self, monitor_guid: UUID) -> list[MaintenancePeriod]:
        return self.monitors.maintenance_periods(monitor_guid)

    def add_maintenance_period(self, monitor_guid: UUID, given: MaintenancePeriod) -> MaintenancePeriod:
        return self.monitor_alerting.add_maintenance(monitor_guid, given)

    def replace_maintenance_period(
        self, monitor_guid: UUID, period_id: int, given: MaintenancePeriod
    ) -> None:
        self.monitor_alerting.replace_maintenance(monitor_guid, period_id, given)

    def delete_maintenance_period(self, monitor_guid: UUID, period_id: int) -> None:
        self.monitors.delete_maintenance_period(monitor_guid, period_id)

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

    def list_decisions(self, monitor_guid: UUID, take: int, cursor: str | None) -> DecisionPage:
        return self.monitor_alerting.decisions(monitor_guid, take, cursor)

    # Monitor groups
    def list_monitor_groups(self, take: int, cursor: str | None) -> tuple[list[MonitorGroup], str | None]:
        return self.monitor_alerting.list_groups(take, cursor)

    def create_monitor_group(self, given: MonitorGroupInput) -> MonitorGroup:
        return self.monitor_alerting.create_group(given)

    def get_monitor_group(self, guid: UUID) -> MonitorGroup:
        return self.monitor_alerting.get_group(guid)

    def list_group_members(self, guid: UUID) -> list[MonitorGroupMember]:
        return self.monitor_alerting.group_members(guid)

    def add_group_member(self, guid: UUID, monitor_guid: UUID) -> MonitorGroupMember:
        return self.monitor_alerting.add_group_member(guid, monitor_guid)

    def remove_group_member(self, guid: UUID, monitor_guid: UUID) -> None:
        self.groups.remove_monitor(guid, monitor_guid)

    def set_group_alerts_stopped(self, guid: UUID, stopped: bool) -> None:
        self.monitor_alerting.set_group_alerts(guid, stopped=stopped)

    # Integrations and their StatusHub services
    def list_integrations(self, take: int, cursor: str | None) -> tuple[list[IntegrationView], str | None]:
        return self.configuration.list_integrations(take, cursor)

    def create_integration(self, given: IntegrationInput) -> IntegrationView:
        return self.configuration.create_integration(given)

    def get_integration(self, guid: UUID) -> IntegrationView:
        return self.configuration.integration_view(guid)

    def patch_integration(self, guid: UUID, patch: IntegrationPatch, if_match: int | None = None) -> None:
        self.configuration.patch_integration(guid, patch, if_match)

    def delete_integration(self, guid: UUID) -> None:
        self.integrations.delete(guid)

    def list_services(self, guid: UUID) -> list[IntegrationService]:
        return self.configuration.service_views(guid)

    def create_service(self, guid: UUID, given: ServiceInput) -> IntegrationService:
        return self.configuration.add_service(guid, given)

    def get_service(self, guid: UUID, service_guid: UUID) -> IntegrationService:
        return self.configuration.service_view(guid, service_guid)

    def replace_service(self, guid: UUID, service_guid: UUID, given: ServiceInput) -> None:
        self.configuration.replace_service(guid, service_guid, given)

    def delete_service(self, guid: UUID, service_guid: UUID) -> None:
        self.integrations.delete_service(guid, service_guid)

    def test_integration(self, guid: UUID, given: IntegrationTestRequest) -> IntegrationTestResult:
        return self.tester.run(guid, given)

    # Alert definitions and their members
    def list_definitions(self, take: int, cursor: str | None) -> tuple[list[AlertDefinition], str | None]:
        return self.definitions.page(take, cursor)

    def create_definition(self, given: AlertDefinitionInput) -> AlertDefinition:
        return self.configuration.create_definition(given)

    def get_definition(self, guid: UUID) -> AlertDefinition:
        return self.definitions.get(guid)

    def replace_definition(self, guid: UUID, given: AlertDefinitionInput) -> None:
        self.configuration.replace_definition(guid, given)

    def patch_definition(self, guid: UUID, patch: AlertDefinitionPatch, if_match: int | None = None) -> None:
        self.configuration.patch_definition(guid, patch, if_match)

    def delete_definition(self, guid: UUID) -> None:
        self.definitions.delete(guid)

    def list_definition_members(self, guid: UUID) -> list[AlertDefinitionMember]:
        return self.configuration.members(guid)

    def add_definition_monitor(self, guid: UUID, monitor_guid: UUID) -> AlertDefinitionMonitor:
        return self.configuration.add_monitor_member(guid, monitor_guid)

    def remove_definition_monitor(self, guid: UUID, monitor_guid: UUID) -> None:
        self.definitions.remove_monitor(guid, monitor_guid)

    def add_definition_group(self, guid: UUID, group_guid: UUID) -> AlertDefinitionMonitorGroup:
        return self.monitor_alerting.add_definition_group(guid, group_guid)

    def remove_definition_group(self, guid: UUID, group_guid: UUID) -> None:
        self.groups.remove_from_definition(group_guid, guid)

    # Escalation levels (fixed slots 1..3)
    def list_levels(self, guid: UUID) -> list[EscalationLevel]:
        return self.definitions.levels(guid)

    def get_level(self, guid: UUID, level_id: int) -> EscalationLevel:
        return self.definitions.level(guid, level_id)

    def replace_level(self, guid: UUID, level_id: int, given: EscalationLevel) -> None:
        self.configuration.replace_level(guid, level_id, given)

    def patch_level(self, guid: UUID, level_id: int, patch: EscalationLevelPatch) -> None:
        self.configuration.patch_level(guid, level_id, patch)

    # Integrations attached to an escalation level
    def list_level_integrations(self, guid: UUID, level_id: int) -> list[LevelIntegrationView]:
        return self.configuration.level_integration_views(guid, level_id)

    def attach_integration(
        self, guid: UUID, level_id: int, given: LevelIntegrationPatch
    ) -> LevelIntegrationView:
        return self.configuration.attach_integration(guid, level_id, given)

    def get_level_integration(
        self, guid: UUID, level_id: int, integration_guid: UUID
    ) -> LevelIntegrationView:
        return self.configuration.level_integration_view(guid, level_id, integration_guid)

    def patch_level_integration(
        self, guid: UUID, level_id: int, integration_guid: UUID, patch: LevelIntegrationPatch
    ) -> None:
        self.configuration.patch_level_integration(guid, level_id, integration_guid, patch)

    def detach_integration(self, guid: UUID, level_id: int, integration_guid: UUID) -> None:
        self.definitions.detach(guid, level_id, integration_guid)

    # Operators and the escalation levels they are members of
    def list_operators(self, take: int, cursor: str | None) -> tuple[list[Operator], str | None]:
        return self.operators.page(take, cursor)

    def create_operator(self, given: OperatorInput) -> Operator:
        return self.configuration.create_operator(given)

    def get_operator(self, guid: UUID) -> Operator:
        return self.operators.get(guid)

    def patch_operator(self, guid: UUID, patch: OperatorPatch) -> None:
        self.configuration.patch_operator(guid, patch)

    def delete_operator(self, guid: UUID) -> None:
        self.operators.delete(guid)

    def list_level_members(self, guid: UUID, level_id: int) -> list[EscalationLevelMember]:
        return self.configuration.level_members(guid, level_id)

    def add_level_operator(self, guid: UUID, level_id: int, operator_guid: UUID) -> AlertDefinitionOperator:
        return self.configuration.add_level_operator(guid, level_id, operator_guid)

    def remove_level_operator(self, guid: UUID, level_id: int, operator_guid: UUID) -> None:
        self.configuration.remove_level_operator(guid, level_id, operator_guid)

    # Delivery: the log, target health, resend and dead-letter redrive
    def list_messages(self, alert_guid: UUID) -> list[DeliveryAttempt]:
        return self.delivery_log.attempts(alert_guid)

    def list_targets(self, integration_guid: UUID) -> list[TargetHealth]:
        self.integrations.get(integration_guid)
        return self.targets.all(integration_guid)

    def set_target_disabled(self, integration_guid: UUID, target: str, disabled: bool) -> None:
        set_target_disabled(self.targets, integration_guid, target, disabled)

    def resend_message(self, alert_guid: UUID, integration_guid: UUID, target: str) -> ResendAccepted:
        return ResendAccepted(resend_id=self.replay.resend(alert_guid, integration_guid, target))

    def redrive_dead_letters(self, since: datetime) -> RedriveResult:
        return self.replay.redrive(since)

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
