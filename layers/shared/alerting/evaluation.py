"""Pure evaluation of a check result, or a sweep tick, against a monitor's state and its alert definitions.

Time and ids come in with the check (or the tick): the same inputs always give the same alerts, with the
same AlertGuids and IncidentKeys, which is what makes duplicate events harmless downstream. Every
evaluation that could change alert state also explains itself in a `Decision`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum
from uuid import UUID

from alerting.check_sizes import bounded_headers, clipped
from alerting.models.alert import (
    FAILURE_MESSAGE_MAX_BYTES,
    RESPONSE_BODY_MAX_BYTES,
    Alert,
    AlertType,
    Decision,
    DecisionOutcome,
    DecisionTrigger,
    LevelDecision,
    LevelIncident,
    MonitorState,
    ResolvingIncident,
    monitor_facts,
)
from alerting.models.check import CheckResult, ErrorLevel
from alerting.models.config import (
    DefinitionConfig,
    EscalationLevel,
    EscalationMode,
    MaintenancePeriod,
    MaintenanceType,
    Monitor,
)
from alerting.suppression import SuppressionContext, active_maintenance, suppression_reason

# Fixed namespace: AlertGuids are uuid5 of the incident and alert kind, so re-evaluating a check
# yields the same guid (and the same queue deduplication id).
ALERT_NAMESPACE = UUID("6f1c1f0e-8a4e-4f7e-9d55-1a2b3c4d5e6f")
# How many counted check ids an episode remembers, to tell a late duplicate from a late error.
MAX_COUNTED_CHECK_IDS = 500
# A duration threshold is "more than X minutes": the sweep looks just after X.
_JUST_AFTER = timedelta(seconds=1)


@dataclass(frozen=True)
class MonitorConfig:
    """Everything about one monitor's alerting that the evaluator needs."""

    monitor: Monitor
    definitions: Sequence[DefinitionConfig]
    maintenance: Sequence[MaintenancePeriod] = ()
    # Descriptions of the monitor groups holding this monitor whose alerts are stopped.
    stopped_groups: Sequence[str] = ()
    timezone: tzinfo = UTC
    # How long a minute of ResolveAfterMinutes lasts (shortened on the local stack).
    resolve_minute: timedelta = timedelta(minutes=1)

    def definition(self, guid: UUID) -> DefinitionConfig | None:
        return next((d for d in self.definitions if d.definition.alert_definition_guid == guid), None)


class Verdict(StrEnum):
    DUPLICATE = "duplicate"  # this very check was evaluated before
    STALE = "stale"  # older than a check already taken into account
    MONITOR_INACTIVE = "monitor-inactive"
    IGNORED = "ignored"  # a DisableMonitoring maintenance period is in force
    RECORDED = "recorded"  # the state moved on, nothing else happened
    CHANGED = "changed"  # the error streak or the incidents changed
    IDLE = "idle"  # a sweep tick found nothing due


@dataclass(frozen=True)
class Evaluation:
    verdict: Verdict
    state: MonitorState
    alerts: tuple[Alert, ...] = ()
    decision: Decision | None = None

    @property
    def needs_write(self) -> bool:
        return self.verdict in (Verdict.RECORDED, Verdict.CHANGED, Verdict.IGNORED)


def evaluate_check(state: MonitorState, check: CheckResult, config: MonitorConfig) -> Evaluation:
    """Apply one check result to a monitor's state; return the new state, the alerts it raised and why."""
    if check.id in state.counted_check_ids or (state.watermark and check.watermark <= state.watermark):
        return _on_late_check(state, check, config)
    if not config.monitor.is_active:
        return Evaluation(Verdict.MONITOR_INACTIVE, _moved(state, check))
    maintenance = active_maintenance(config.maintenance, check.timestamp, config.timezone)
    # The watermark of a clean monitor stays on its last NoError, so that a Confirmed check older than an
    # Unconfirmed one still counts when it arrives after it.
    moved = state if state.is_clean and check.error_level is ErrorLevel.UNCONFIRMED else _moved(state, check)
    if check.error_level is not ErrorLevel.NO_ERROR and _disables_monitoring(maintenance):
        assert maintenance is not None
        reason = f"maintenance period {maintenance.id} (DisableMonitoring) is active: the check is ignored"
        return Evaluation(Verdict.IGNORED, moved, decision=_decision(moved, check, reason=reason))
    if check.error_level is ErrorLevel.UNCONFIRMED:
        # Unconfirmed errors are recorded but neither count toward a threshold nor end a streak.
        reason = "an Unconfirmed error neither counts toward a threshold nor ends an error streak"
        return Evaluation(Verdict.RECORDED, moved, decision=_decision(moved, check, reason=reason))
    if check.error_level is ErrorLevel.CONFIRMED:
        return _on_confirmed_error(state, check, config)
    return _on_recovery(moved, check, config)


def joins_episode(state: MonitorState, check: CheckResult) -> bool:
    """Whether a check older than the newest one seen still counts (DESIGN §4): a Confirmed error of the
    ongoing episode, i.e. newer than the NoError the episode started after."""
    return (
        check.error_level is ErrorLevel.CONFIRMED
        and not state.is_clean
        and (state.episode_floor is None or check.watermark > state.episode_floor)
    )


def _on_late_check(state: MonitorState, check: CheckResult, config: MonitorConfig) -> Evaluation:
    """A check seen before (a duplicate), or older than the newest one seen: only a Confirmed error of
    the ongoing episode counts."""
    if check.watermark == state.watermark or check.id in state.counted_check_ids:
        return Evaluation(Verdict.DUPLICATE, state)
    if not joins_episode(state, check) or not config.monitor.is_active:
        return Evaluation(Verdict.STALE, state)
    if _disables_monitoring(active_maintenance(config.maintenance, check.timestamp, config.timezone)):
        return Evaluation(Verdict.STALE, state)
    return _on_confirmed_error(state, check, config)


def _moved(state: MonitorState, check: CheckResult) -> MonitorState:
    return state.model_copy(update={"watermark": check.watermark})


def evaluate_tick(state: MonitorState, now: datetime, config: MonitorConfig) -> Evaluation:
    """The sweep: fire duration thresholds and reminders that came due with no new check."""
    if state.is_clean or not config.monitor.is_active:
        return Evaluation(Verdict.IDLE, state)
    if _disables_monitoring(active_maintenance(config.maintenance, now, config.timezone)):
        return Evaluation(Verdict.IDLE, state)
    resolved, resolves, resolve_levels = _resolve_due(state, now, config)
    escalated, alerts, levels = _escalate(resolved, now, None, config)
    alerts, levels = resolves + alerts, resolve_levels + levels
    if not alerts:
        return Evaluation(Verdict.IDLE, state)
    decision = Decision(
        monitor_guid=config.monitor.monitor_guid,
        trigger=DecisionTrigger.SWEEP,
        timestamp=now,
        monitor_check_id=state.last_error_check_id,
        consecutive_errors=state.consecutive_errors,
        first_error=state.first_error_at,
        levels=levels,
    )
    return Evaluation(Verdict.CHANGED, escalated, tuple(alerts), decision)


def next_due(state: MonitorState, config: MonitorConfig) -> datetime | None:
    """When the sweep should next look at this monitor: a duration threshold or a reminder; None if never."""
    if state.is_clean or not config.monitor.is_active:
        return None
    due: list[datetime] = [resolving.resolve_at for resolving in state.resolving.values()]
    for definition in _active(config.definitions):
        guid = definition.definition.alert_definition_guid
        for level in definition.levels:
            if not level.is_active:
                continue
            incident = state.incidents.get(MonitorState.incident_slot(guid, level.id))
            if incident is not None:
                if incident.reminders_sent < level.number_of_reminders:
                    due.append(_reminder_at(incident, level))
            elif (
                level.escalation_mode is EscalationMode.ALERT_ON_ERROR_DURATION
                and state.consecutive_errors
                and state.first_error_at is not None
            ):
                due.append(state.first_error_at + timedelta(minutes=level.threshold_minutes) + _JUST_AFTER)
    return min(due, default=None)


def _disables_monitoring(period: MaintenancePeriod | None) -> bool:
    return period is not None and period.maintenance_type is MaintenanceType.DISABLE_MONITORING


def _active(definitions: Sequence[DefinitionConfig]) -> list[DefinitionConfig]:
    return [d for d in definitions if d.definition.is_active]


def _decision(
    state: MonitorState,
    check: CheckResult,
    levels: Sequence[LevelDecision] = (),
    reason: str = "",
) -> Decision:
    return Decision(
        monitor_guid=check.monitor_guid,
        trigger=DecisionTrigger.CHECK,
        timestamp=check.timestamp,
        monitor_check_id=check.id,
        error_level=check.error_level.value,
        consecutive_errors=state.consecutive_errors,
        first_error=state.first_error_at,
        reason=reason,
        levels=list(levels),
    )


def _on_confirmed_error(state: MonitorState, check: CheckResult, config: MonitorConfig) -> Evaluation:
    """Count a Confirmed error; `state` still has the watermark from before this check."""
    starts = state.is_clean
    # A late error older than the streak's first becomes its first, unless an incident is already open
    # under the first one's key.
    earliest = state.first_error_at is None or (
        check.timestamp < state.first_error_at and not state.incidents
    )
    update: dict[str, object] = {
        "watermark": max(state.watermark or "", check.watermark),
        "consecutive_errors": state.consecutive_errors + 1,
        "counted_check_ids": (*state.counted_check_ids, check.id)[-MAX_COUNTED_CHECK_IDS:],
        "last_error_check_id": check.id
        if state.watermark is None or check.watermark > state.watermark
        else state.last_error_check_id,
    }
    if starts:
        update["episode_floor"] = state.watermark
    if earliest:
        update |= {
            "first_error_at": check.timestamp,
            "first_error_check_id": check.id,
            "first_error_description": check.error_description,
        }
    streak = state.model_copy(update=update)
    escalated, alerts, levels = _escalate(streak, check.timestamp, check, config)
    return Evaluation(Verdict.CHANGED, escalated, tuple(alerts), _decision(escalated, check, levels))


def _escalate(
    state: MonitorState, now: datetime, check: CheckResult | None, config: MonitorConfig
) -> tuple[MonitorState, list[Alert], list[LevelDecision]]:
    """Every level of every definition, independently: fire, remind, or say why not."""
    incidents = dict(state.incidents)
    resolving = dict(state.resolving)
    alerts: list[Alert] = []
    decisions: list[LevelDecision] = []
    for definition in config.definitions:
        guid = definition.definition.alert_definition_guid
        named = {"alert_definition_guid": guid, "alert_definition_name": definition.definition.alert_name}
        if not definition.definition.is_active:
            decisions.append(
                _level(named, DecisionOutcome.INACTIVE, reason="the alert definition is inactive")
            )
            continue
        for level in definition.levels:
            about = {**named, **_threshold_fields(level, state, now)}
            slot = MonitorState.incident_slot(guid, level.id)
            incident = incidents.get(slot)
            if not level.is_active:
                reason = "the escalation level is inactive"
                decisions.append(_level(about, DecisionOutcome.INACTIVE, reason=reason))
            elif incident is not None:
                reminded = _remind(incident, level, state, now, check, config, definition)
                if reminded is None:
                    decisions.append(
                        _level(
                            about,
                            DecisionOutcome.ALREADY_FIRED,
                            reason=_no_reminder_reason(incident, level),
                            incident_key=incident.incident_key,
                        )
                    )
                    continue
                alert = reminded
                incidents[slot] = incident.model_copy(update={"reminders_sent": alert.reminder_number})
                alerts.append(alert)
                decisions.append(_fired(about, alert, DecisionOutcome.REMINDED))
            elif _threshold_met(level, state, now):
                # Inside its ResolveAfterMinutes window, a new error continues the status pages' incident.
                flapped = resolving.pop(slot, None)
                incident_key = (
                    flapped.incident_key if flapped else f"{guid}-{level.id}-{state.first_error_check_id}"
                )
                alert = _make_alert(
                    AlertType.ERROR, incident_key, state, now, check, config, definition, level
                )
                incidents[slot] = LevelIncident(
                    alert_definition_guid=guid,
                    escalation_level_id=level.id,
                    incident_key=incident_key,
                    alert_guid=alert.alert_guid,
                    opened_at=now if check is not None else _crossed_at(level, state),
                    suppressed_reason=alert.suppressed_reason,
                )
                alerts.append(alert)
                decisions.append(_fired(about, alert, DecisionOutcome.FIRED))
            else:
                decisions.append(_level(about, DecisionOutcome.BELOW_THRESHOLD))
    return state.model_copy(update={"incidents": incidents, "resolving": resolving}), alerts, decisions


def _level(about: Mapping[str, object], outcome: DecisionOutcome, **extra: object) -> LevelDecision:
    return LevelDecision.model_validate({**about, "outcome": outcome, **extra})


def _threshold_fields(level: EscalationLevel, state: MonitorState, now: datetime) -> dict[str, object]:
    if level.escalation_mode is EscalationMode.ALERT_ON_ERROR_COUNT:
        threshold, counted = level.threshold_error_count, float(state.consecutive_errors)
    else:
        elapsed = now - state.first_error_at if state.first_error_at else timedelta()
        threshold, counted = level.threshold_minutes, round(elapsed.total_seconds() / 60, 2)
    return {
        "escalation_level_id": level.id,
        "escalation_mode": level.escalation_mode.value,
        "threshold": threshold,
        "counted": counted,
    }


def _fired(about: Mapping[str, object], alert: Alert, outcome: DecisionOutcome) -> LevelDecision:
    suppressed = alert.suppressed_reason is not None
    return _level(
        about,
        DecisionOutcome.SUPPRESSED if suppressed else outcome,
        reason=alert.suppressed_reason or "",
        alert_type=alert.alert_type,
        alert_guid=alert.alert_guid,
        incident_key=alert.incident_key,
    )


def _threshold_met(level: EscalationLevel, state: MonitorState, now: datetime) -> bool:
    if not state.consecutive_errors or state.first_error_at is None:
        return False
    if level.escalation_mode is EscalationMode.ALERT_ON_ERROR_COUNT:
        return state.consecutive_errors >= level.threshold_error_count
    return now - state.first_error_at > timedelta(minutes=level.threshold_minutes)


def _crossed_at(level: EscalationLevel, state: MonitorState) -> datetime:
    """When a duration threshold was crossed: the sweep notices it up to a minute late, and reminders
    count from the crossing, on the checks' own timeline."""
    assert state.first_error_at is not None
    return state.first_error_at + timedelta(minutes=level.threshold_minutes)


def _reminder_at(incident: LevelIncident, level: EscalationLevel) -> datetime:
    return incident.opened_at + timedelta(minutes=level.reminder_delay * (incident.reminders_sent + 1))


def reminder_due(incident: LevelIncident, level: EscalationLevel, now: datetime) -> bool:
    """Whether the next reminder of a fired level is due: up to NumberOfReminders, every ReminderDelay."""
    return incident.reminders_sent < level.number_of_reminders and now >= _reminder_at(incident, level)


def _no_reminder_reason(incident: LevelIncident, level: EscalationLevel) -> str:
    if level.number_of_reminders == 0:
        return "fired earlier in this incident; the level sends no reminders"
    if incident.reminders_sent >= level.number_of_reminders:
        return f"fired earlier in this incident; all {level.number_of_reminders} reminders were sent"
    return (
        f"fired earlier in this incident; reminder {incident.reminders_sent + 1} of "
        f"{level.number_of_reminders} is due at {_reminder_at(incident, level):%Y-%m-%dT%H:%M:%SZ}"
    )


def _remind(
    incident: LevelIncident,
    level: EscalationLevel,
    state: MonitorState,
    now: datetime,
    check: CheckResult | None,
    config: MonitorConfig,
    definition: DefinitionConfig,
) -> Alert | None:
    if not reminder_due(incident, level, now):
        return None
    return _make_alert(
        AlertType.REMINDER,
        incident.incident_key,
        state,
        now,
        check,
        config,
        definition,
        level,
        reminder_number=incident.reminders_sent + 1,
    )


def _on_recovery(state: MonitorState, check: CheckResult, config: MonitorConfig) -> Evaluation:
    if state.consecutive_errors == 0 and not state.incidents:
        return Evaluation(Verdict.RECORDED, state)
    resolving = dict(state.resolving)
    alerts = []
    decisions = []
    for incident in state.incidents.values():
        definition = config.definition(incident.alert_definition_guid)
        level = None
        if definition is not None:
            level = next((lvl for lvl in definition.levels if lvl.id == incident.escalation_level_id), None)
        if definition is None or level is None:
            # The definition was deleted while its incident was open: close it quietly.
            decisions.append(
                LevelDecision(
                    alert_definition_guid=incident.alert_definition_guid,
                    escalation_level_id=incident.escalation_level_id,
                    outcome=DecisionOutcome.IGNORED,
                    reason="the alert definition was deleted: the incident closes without an Ok",
                    incident_key=incident.incident_key,
                )
            )
            continue
        alert = _make_alert(
            AlertType.OK,
            incident.incident_key,
            state,
            check.timestamp,
            check,
            config,
            definition,
            level,
            error_suppressed_reason=incident.suppressed_reason,
        )
        alerts.append(alert)
        window = _resolve_window(definition, level.id, config)
        if window is not None:
            assert state.first_error_at is not None and state.first_error_check_id is not None
            resolving[MonitorState.incident_slot(incident.alert_definition_guid, level.id)] = (
                ResolvingIncident(
                    alert_definition_guid=incident.alert_definition_guid,
                    escalation_level_id=level.id,
                    incident_key=incident.incident_key,
                    resolve_at=check.timestamp + window * config.resolve_minute,
                    first_error_at=state.first_error_at,
                    first_error_check_id=state.first_error_check_id,
                    first_error_description=state.first_error_description,
                )
            )
        about = {
            "alert_definition_guid": incident.alert_definition_guid,
            "alert_definition_name": definition.definition.alert_name,
            "escalation_level_id": level.id,
            "escalation_mode": level.escalation_mode.value,
        }
        decisions.append(_fired(about, alert, DecisionOutcome.OK))
    decision = _decision(state, check, decisions, reason="the first NoError check closes every open incident")
    recovered = MonitorState(watermark=state.watermark, version=state.version, resolving=resolving)
    return Evaluation(Verdict.CHANGED, recovered, tuple(alerts), decision)


def _make_alert(
    alert_type: AlertType,
    incident_key: str,
    state: MonitorState,
    now: datetime,
    check: CheckResult | None,
    config: MonitorConfig,
    definition: DefinitionConfig,
    level: EscalationLevel,
    reminder_number: int = 0,
    error_suppressed_reason: str | None = None,
    resolves_incident: bool = False,
) -> Alert:
    assert state.first_error_at is not None and state.first_error_check_id is not None
    kind = "Resolved" if resolves_incident else alert_type.value
    seed = f"{incident_key}/{kind}/{reminder_number}"
    if not incident_key.endswith(f"-{state.first_error_check_id}"):
        seed += f"/{state.first_error_check_id}"  # a later episode continuing the incident (a flap)
    monitor = config.monitor
    description = check.error_description if check and alert_type is not AlertType.OK else ""
    maintenance = active_maintenance(config.maintenance, now, config.timezone)
    context = SuppressionContext(
        monitor=monitor,
        now=now,
        alert_type=alert_type,
        maintenance=maintenance,
        stopped_groups=config.stopped_groups,
        error_suppressed_reason=error_suppressed_reason,
    )
    check_id = check.id if check else (state.last_error_check_id or state.first_error_check_id)
    return Alert(
        alert_guid=uuid.uuid5(ALERT_NAMESPACE, seed),
        alert_type=alert_type,
        incident_key=incident_key,
        timestamp=now,
        first_error=state.first_error_at,
        monitor_check_id=check_id,
        first_error_monitor_check_id=state.first_error_check_id,
        error_description=description or state.first_error_description,
        first_error_description=state.first_error_description,
        consecutive_errors=state.consecutive_errors,
        reminder_number=reminder_number,
        **monitor_facts(monitor),
        alert_definition_guid=definition.definition.alert_definition_guid,
        alert_definition_name=definition.definition.alert_name,
        escalation_level_id=level.id,
        escalation_level_message=level.message,
        checkpoint_name=check.checkpoint_name if check else "",
        http_status_code=check.http_status_code if check else None,
        error_code=check.error_code if check else 0,
        server_ipv4=check.server_ipv4 if check else "",
        server_ipv6=check.server_ipv6 if check else "",
        resolved_ip_address=check.resolved_ip_address if check else "",
        failure_message=clipped(check.failure_message, FAILURE_MESSAGE_MAX_BYTES) if check else "",
        response_headers=bounded_headers(check.response_headers) if check else {},
        response_body=clipped(check.response_body, RESPONSE_BODY_MAX_BYTES) if check else "",
        ssl_valid_until=check.ssl_valid_until if check else None,
        suppressed_reason=suppression_reason(context),
        resolves_incident=resolves_incident,
    )


def _resolve_window(definition: DefinitionConfig, level_id: int, config: MonitorConfig) -> int | None:
    """The longest ResolveAfterMinutes of the level's links of this monitor; None when none asks."""
    monitor_guid = config.monitor.monitor_guid
    windows = [
        link.resolve_after_minutes
        for attached in definition.level_integrations.get(level_id, ())
        for link in attached.status_hub_service_list
        if link.monitor_guid == monitor_guid and link.resolve_after_minutes is not None
    ]
    return max(windows, default=None)


def _resolve_due(
    state: MonitorState, now: datetime, config: MonitorConfig
) -> tuple[MonitorState, list[Alert], list[LevelDecision]]:
    """The sweep's `resolved` for each incident whose ResolveAfterMinutes passed with no new error."""
    alerts: list[Alert] = []
    decisions: list[LevelDecision] = []
    resolving = dict(state.resolving)
    for slot, pending in state.resolving.items():
        if now < pending.resolve_at:
            continue
        del resolving[slot]
        definition = config.definition(pending.alert_definition_guid)
        level = (
            next((lvl for lvl in definition.levels if lvl.id == pending.escalation_level_id), None)
            if definition
            else None
        )
        if definition is None or level is None:
            continue
        episode = state.model_copy(
            update={
                "first_error_at": pending.first_error_at,
                "first_error_check_id": pending.first_error_check_id,
                "first_error_description": pending.first_error_description,
            }
        )
        alert = _make_alert(
            AlertType.OK,
            pending.incident_key,
            episode,
            now,
            None,
            config,
            definition,
            level,
            resolves_incident=True,
        )
        alerts.append(alert)
        about = {
            "alert_definition_guid": pending.alert_definition_guid,
            "alert_definition_name": definition.definition.alert_name,
            "escalation_level_id": level.id,
        }
        decision = _fired(about, alert, DecisionOutcome.OK)
        reason = "ResolveAfterMinutes passed without a new error: the status pages' incident is resolved"
        decisions.append(decision.model_copy(update={"reason": decision.reason or reason}))
    return state.model_copy(update={"resolving": resolving}), alerts, decisions
