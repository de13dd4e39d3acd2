"""Pure evaluation of one check result against a monitor's state and its alert definitions.

Time and ids come in with the check: the same inputs always give the same alerts, with the same
AlertGuids and IncidentKeys, which is what makes duplicate events harmless downstream.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from alerting.models.alert import Alert, AlertType, LevelIncident, MonitorState
from alerting.models.check import CheckResult, ErrorLevel
from alerting.models.config import (
    AlertDefinition,
    EscalationLevel,
    EscalationMode,
    Integration,
    IntegrationType,
    LevelIntegration,
    Monitor,
)
from alerting.models.delivery import DeliveryJob
from alerting.suppression import SuppressionContext, suppression_reason

# Fixed namespace: AlertGuids are uuid5 of the incident and alert kind, so re-evaluating a check
# yields the same guid (and the same queue deduplication id).
ALERT_NAMESPACE = UUID("6f1c1f0e-8a4e-4f7e-9d55-1a2b3c4d5e6f")


@dataclass(frozen=True)
class DefinitionConfig:
    """An alert definition with its level slots and the integrations attached to each level."""

    definition: AlertDefinition
    levels: Sequence[EscalationLevel]
    level_integrations: Mapping[int, Sequence[LevelIntegration]] = field(default_factory=dict)


@dataclass(frozen=True)
class MonitorConfig:
    """Everything about one monitor's alerting that the evaluator needs."""

    monitor: Monitor
    definitions: Sequence[DefinitionConfig]

    def definition(self, guid: UUID) -> DefinitionConfig | None:
        return next((d for d in self.definitions if d.definition.alert_definition_guid == guid), None)


class Verdict(StrEnum):
    DUPLICATE = "duplicate"  # this very check was evaluated before
    STALE = "stale"  # older than a check already taken into account
    MONITOR_INACTIVE = "monitor-inactive"
    RECORDED = "recorded"  # the state moved on, nothing else happened
    CHANGED = "changed"  # the error streak or the incidents changed


@dataclass(frozen=True)
class Evaluation:
    verdict: Verdict
    state: MonitorState
    alerts: tuple[Alert, ...] = ()

    @property
    def needs_write(self) -> bool:
        return self.verdict in (Verdict.RECORDED, Verdict.CHANGED)


def evaluate_check(state: MonitorState, check: CheckResult, config: MonitorConfig) -> Evaluation:
    """Apply one check result to a monitor's state; return the new state and the alerts it raised."""
    if state.watermark is not None and check.watermark <= state.watermark:
        verdict = Verdict.DUPLICATE if check.watermark == state.watermark else Verdict.STALE
        return Evaluation(verdict, state)
    moved = state.model_copy(update={"watermark": check.watermark})
    if not config.monitor.is_active:
        return Evaluation(Verdict.MONITOR_INACTIVE, moved)
    if check.error_level is ErrorLevel.UNCONFIRMED:
        # Unconfirmed errors are recorded but neither count toward a threshold nor end a streak.
        return Evaluation(Verdict.RECORDED, moved)
    if check.error_level is ErrorLevel.CONFIRMED:
        return _on_confirmed_error(moved, check, config)
    return _on_recovery(moved, check, config)


def _on_confirmed_error(state: MonitorState, check: CheckResult, config: MonitorConfig) -> Evaluation:
    first_error_at = state.first_error_at or check.timestamp
    first_error_check_id = state.first_error_check_id if state.first_error_check_id is not None else check.id
    streak = state.model_copy(
        update={
            "consecutive_errors": state.consecutive_errors + 1,
            "first_error_at": first_error_at,
            "first_error_check_id": first_error_check_id,
            "first_error_description": state.first_error_description or check.error_description,
        }
    )
    incidents = dict(streak.incidents)
    alerts: list[Alert] = []
    for definition in config.definitions:
        if not definition.definition.is_active:
            continue
        for level in definition.levels:
            slot = MonitorState.incident_slot(definition.definition.alert_definition_guid, level.id)
            if not level.is_active or slot in incidents or not _threshold_met(level, streak, check):
                continue
            incident_key = f"{definition.definition.alert_definition_guid}-{level.id}-{first_error_check_id}"
            alert = _make_alert(
                AlertType.ERROR, incident_key, streak, check, config.monitor, definition, level
            )
            incidents[slot] = LevelIncident(
                alert_definition_guid=definition.definition.alert_definition_guid,
                escalation_level_id=level.id,
                incident_key=incident_key,
                alert_guid=alert.alert_guid,
                opened_at=check.timestamp,
            )
            alerts.append(alert)
    return Evaluation(Verdict.CHANGED, streak.model_copy(update={"incidents": incidents}), tuple(alerts))


def _threshold_met(level: EscalationLevel, streak: MonitorState, check: CheckResult) -> bool:
    if level.escalation_mode is EscalationMode.ALERT_ON_ERROR_COUNT:
        return streak.consecutive_errors >= level.threshold_error_count
    assert streak.first_error_at is not None
    return check.timestamp - streak.first_error_at > timedelta(minutes=level.threshold_minutes)


def _on_recovery(state: MonitorState, check: CheckResult, config: MonitorConfig) -> Evaluation:
    if state.is_clean:
        return Evaluation(Verdict.RECORDED, state)
    alerts = []
    for incident in state.incidents.values():
        definition = config.definition(incident.alert_definition_guid)
        if definition is None:
            # The definition was deleted while its incident was open: close it quietly.
            continue
        level = next((lvl for lvl in definition.levels if lvl.id == incident.escalation_level_id), None)
        if level is None:
            continue
        alerts.append(
            _make_alert(AlertType.OK, incident.incident_key, state, check, config.monitor, definition, level)
        )
    recovered = MonitorState(watermark=state.watermark, version=state.version)
    return Evaluation(Verdict.CHANGED, recovered, tuple(alerts))


def _make_alert(
    alert_type: AlertType,
    incident_key: str,
    state: MonitorState,
    check: CheckResult,
    monitor: Monitor,
    definition: DefinitionConfig,
    level: EscalationLevel,
    reminder_number: int = 0,
) -> Alert:
    assert state.first_error_at is not None and state.first_error_check_id is not None
    description = check.error_description if alert_type is not AlertType.OK else ""
    return Alert(
        alert_guid=uuid.uuid5(ALERT_NAMESPACE, f"{incident_key}/{alert_type.value}/{reminder_number}"),
        alert_type=alert_type,
        incident_key=incident_key,
        timestamp=check.timestamp,
        first_error=state.first_error_at,
        monitor_check_id=check.id,
        first_error_monitor_check_id=state.first_error_check_id,
        error_description=description or state.first_error_description,
        first_error_description=state.first_error_description,
        consecutive_errors=state.consecutive_errors,
        reminder_number=reminder_number,
        monitor_guid=monitor.monitor_guid,
        monitor_name=monitor.name,
        monitor_type=monitor.monitor_type,
        monitor_url=monitor.url,
        monitor_notes=monitor.notes,
        custom_fields=monitor.custom_fields,
        alert_definition_guid=definition.definition.alert_definition_guid,
        alert_definition_name=definition.definition.alert_name,
        escalation_level_id=level.id,
        escalation_level_message=level.message,
        checkpoint_name=check.checkpoint_name,
        http_status_code=check.http_status_code,
        error_code=check.error_code,
        server_ipv4=check.server_ipv4,
        server_ipv6=check.server_ipv6,
        resolved_ip_address=check.resolved_ip_address,
        suppressed_reason=suppression_reason(SuppressionContext(monitor=monitor, now=check.timestamp)),
    )


def plan_deliveries(
    alerts: Sequence[Alert], config: MonitorConfig, integrations: Mapping[UUID, Integration]
) -> list[DeliveryJob]:
    """One job per (alert, integration, target) that should receive the alert."""
    jobs: list[DeliveryJob] = []
    for alert in alerts:
        if alert.suppressed_reason is not None:
            continue
        definition = config.definition(alert.alert_definition_guid)
        if definition is None:
            continue
        for attached in definition.level_integrations.get(alert.escalation_level_id, ()):
            integration = integrations.get(attached.integration_guid)
            if integration is None or not integration.is_active or not attached.is_active:
                continue
            if not _sends_type(attached, integration, alert.alert_type):
                continue
            jobs.extend(
                DeliveryJob(
                    alert=alert,
                    integration_guid=integration.integration_guid,
                    integration_type=integration.type,
                    target=target,
                )
                for target in _targets(attached, integration, alert)
            )
    return jobs


def _sends_type(attached: LevelIntegration, integration: Integration, alert_type: AlertType) -> bool:
    if alert_type is AlertType.OK:
        return attached.send_ok_alerts
    if alert_type is AlertType.REMINDER:
        # A status page holds its state until the Ok: reminders would only add noise.
        return attached.send_reminder_alerts and integration.type is not IntegrationType.STATUSHUB
    return True


def _targets(attached: LevelIntegration, integration: Integration, alert: Alert) -> list[str]:
    if integration.type is IntegrationType.STATUSHUB:
        linked = (
            str(link.integration_service_guid)
            for link in attached.status_hub_service_list
            if link.monitor_guid == alert.monitor_guid
        )
        return list(dict.fromkeys(linked))
    return ["default"]


def reminder_due(incident: LevelIncident, level: EscalationLevel, now: datetime) -> bool:
    """Whether the next reminder of a fired level is due (the sweep asks; see the README)."""
    if incident.reminders_sent >= level.number_of_reminders:
        return False
    due_at = incident.opened_at + timedelta(minutes=level.reminder_delay * (incident.reminders_sent + 1))
    return now >= due_at
