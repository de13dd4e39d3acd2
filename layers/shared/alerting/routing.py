"""Which integrations and targets get an alert, and why the others do not.

Each attached integration's type says (through the registry) whether it takes reminders and which of
the level's targets an alert goes to; the level's switches say the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from alerting.evaluation import MonitorConfig
from alerting.integrations import spec_for
from alerting.models.alert import Alert, AlertType, Decision
from alerting.models.config import Integration, LevelIntegration
from alerting.models.delivery import DeliveryJob


@dataclass(frozen=True)
class DeliveryPlan:
    jobs: list[DeliveryJob]
    # Per alert: the integrations that will not get it, each with why.
    not_delivered: dict[UUID, list[str]]


def delivery_plan(
    alerts: Sequence[Alert], config: MonitorConfig, integrations: Mapping[UUID, Integration]
) -> DeliveryPlan:
    """One job per (alert, integration, target) that should receive the alert, and why the others don't."""
    jobs: list[DeliveryJob] = []
    skipped: dict[UUID, list[str]] = {}
    for alert in alerts:
        if alert.suppressed_reason is not None:
            continue
        definition = config.definition(alert.alert_definition_guid)
        if definition is None:
            continue
        attached_all = definition.level_integrations.get(alert.escalation_level_id, ())
        if not attached_all:
            skipped.setdefault(alert.alert_guid, []).append("no integration is attached to this level")
        for attached in attached_all:
            if alert.maintenance is not None and not attached.publish_maintenance:
                continue  # a maintenance notice goes only where the level asks for it
            integration = integrations.get(attached.integration_guid)
            reason = not_sent_reason(attached, integration, alert.alert_type)
            targets = []
            if integration is not None and not reason:
                spec = spec_for(integration.type)
                targets = spec.targets(attached, alert)
                if alert.resolves_incident:
                    targets = [target for target in targets if target in resolving_targets(attached, alert)]
                if not targets:
                    reason = RESOLVE_REASON if alert.resolves_incident else spec.no_target_reason
            if reason:
                name = integration.name if integration is not None else str(attached.integration_guid)
                skipped.setdefault(alert.alert_guid, []).append(f"{name}: {reason}")
                continue
            assert integration is not None
            jobs.extend(
                DeliveryJob(
                    alert=alert,
                    integration_guid=integration.integration_guid,
                    integration_type=integration.type,
                    target=target,
                )
                for target in targets
            )
    return DeliveryPlan(jobs, skipped)


RESOLVE_REASON = "no service link of this level asks for ResolveAfterMinutes"


def resolving_targets(attached: LevelIntegration, alert: Alert) -> set[str]:
    """The services whose link resolves the incident after ResolveAfterMinutes (only they get the sweep's
    resolve; every other integration and link already had the Ok)."""
    return {
        str(link.integration_service_guid)
        for link in attached.status_hub_service_list
        if link.monitor_guid == alert.monitor_guid and link.resolve_after_minutes is not None
    }


def plan_deliveries(
    alerts: Sequence[Alert], config: MonitorConfig, integrations: Mapping[UUID, Integration]
) -> list[DeliveryJob]:
    """One job per (alert, integration, target) that should receive the alert."""
    return delivery_plan(alerts, config, integrations).jobs


def not_sent_reason(
    attached: LevelIntegration, integration: Integration | None, alert_type: AlertType
) -> str | None:
    """Why the attached integration gets no alert of this type, or None when it gets it."""
    if integration is None:
        return "the integration was deleted"
    spec = spec_for(integration.type)
    reminder = alert_type is AlertType.REMINDER
    rules = (
        (not integration.is_active, "the integration is inactive"),
        (not attached.is_active, "the integration is inactive on this level"),
        (alert_type is AlertType.OK and not attached.send_ok_alerts, "SendOkAlerts is off on this level"),
        (reminder and not spec.reminders, f"{spec.name} never receives reminders"),
        (reminder and not attached.send_reminder_alerts, "SendReminderAlerts is off on this level"),
    )
    return next((reason for applies, reason in rules if applies), None)


def explained(decision: Decision, plan: DeliveryPlan) -> Decision:
    """The decision with, per alert, how many deliveries were queued and who does not get it."""
    counts: dict[UUID, int] = {}
    for job in plan.jobs:
        counts[job.alert.alert_guid] = counts.get(job.alert.alert_guid, 0) + 1
    levels = [
        level.model_copy(
            update={
                "deliveries": counts.get(level.alert_guid, 0),
                "not_delivered_to": plan.not_delivered.get(level.alert_guid, []),
            }
        )
        if level.alert_guid is not None
        else level
        for level in decision.levels
    ]
    return decision.model_copy(update={"levels": levels})
