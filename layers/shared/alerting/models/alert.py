"""Alerts and the per-monitor evaluation state they come from."""

from datetime import datetime
from enum import StrEnum
from typing import TypedDict
from uuid import UUID

from pydantic import AwareDatetime, Field

from alerting.models.base import ApiModel, omitted_when_unset
from alerting.models.config import CustomField, Monitor, MonitorType


class AlertType(StrEnum):
    """The REST name of an alert's kind; templates call an Error an "Alert" (see `template_name`)."""

    ERROR = "Error"
    OK = "Ok"
    REMINDER = "Reminder"

    @property
    def template_name(self) -> str:
        return "Alert" if self is AlertType.ERROR else self.value


# Bounds on what a check brings (DESIGN §4 Sizes), applied where a check enters: the alert travels in
# SQS messages (256 KiB) and is stored in alert history, so a large page is cut (on a UTF-8 character
# boundary) rather than refused.
RESPONSE_BODY_MAX_BYTES = 4 * 1024
RESPONSE_HEADERS_MAX_BYTES = 4 * 1024  # names and values together; headers past it are left out
ERROR_DESCRIPTION_MAX_BYTES = 1024
FAILURE_MESSAGE_MAX_BYTES = 1024


class MaintenanceWindow(ApiModel):
    """One occurrence of a monitor's maintenance period, published to status pages (PublishMaintenance)."""

    period_id: int
    start: AwareDatetime
    end: AwareDatetime
    description: str = ""

    def is_completion(self, now: datetime) -> bool:
        """A notice whose window ends by now completes the published window (see maintenance_notices)."""
        return self.end <= now


class Alert(ApiModel):
    """One alert: the record kept in history and the snapshot every integration renders from."""

    alert_guid: UUID
    alert_type: AlertType
    incident_key: str
    timestamp: AwareDatetime
    first_error: AwareDatetime
    monitor_check_id: int
    first_error_monitor_check_id: int
    error_description: str = ""
    first_error_description: str = ""
    consecutive_errors: int = 0
    reminder_number: int = 0
    monitor_guid: UUID
    monitor_name: str
    monitor_type: MonitorType
    monitor_url: str = ""
    monitor_notes: str = ""
    custom_fields: list[CustomField] = Field(default_factory=list)
    alert_definition_guid: UUID
    alert_definition_name: str
    escalation_level_id: int
    escalation_level_message: str = ""
    checkpoint_name: str = ""
    http_status_code: int | None = None
    error_code: int = 0
    server_ipv4: str = ""
    server_ipv6: str = ""
    resolved_ip_address: str = ""
    failure_message: str = ""  # at most FAILURE_MESSAGE_MAX_BYTES of UTF-8
    response_headers: dict[str, str] = Field(default_factory=dict)
    response_body: str = ""  # at most RESPONSE_BODY_MAX_BYTES of UTF-8
    ssl_valid_until: AwareDatetime | None = None
    # Why no message went out for this alert; None when it was sent to its integrations.
    suppressed_reason: str | None = None
    # An Ok the sweep raises ResolveAfterMinutes after the first one: it resolves status-page incidents
    # and goes only to the service links that ask for it (DESIGN 6b).
    resolves_incident: bool = False
    # Set on the sweep's notice of a maintenance window to the status pages whose level integration has
    # PublishMaintenance (DESIGN 6b); such a notice is not an alert of the monitor's history.
    maintenance: MaintenanceWindow | None = omitted_when_unset()


class MonitorFacts(TypedDict):
    """What an alert copies from its monitor, so it renders the same after the monitor changes."""

    monitor_guid: UUID
    monitor_name: str
    monitor_type: MonitorType
    monitor_url: str
    monitor_notes: str
    custom_fields: list[CustomField]


def monitor_facts(monitor: Monitor) -> MonitorFacts:
    return {
        "monitor_guid": monitor.monitor_guid,
        "monitor_name": monitor.name,
        "monitor_type": monitor.monitor_type,
        "monitor_url": monitor.url,
        "monitor_notes": monitor.notes,
        "custom_fields": monitor.custom_fields,
    }


class ResolvingIncident(ApiModel):
    """A level's incident after its Ok, kept open on status pages until `resolve_at` (ResolveAfterMinutes);
    a new error before then continues it under the same IncidentKey."""

    alert_definition_guid: UUID
    escalation_level_id: int
    incident_key: str
    resolve_at: AwareDatetime
    first_error_at: AwareDatetime
    first_error_check_id: int
    first_error_description: str = ""


class LevelIncident(ApiModel):
    """An escalation level that fired for the current error streak of one monitor."""

    alert_definition_guid: UUID
    escalation_level_id: int
    incident_key: str
    alert_guid: UUID
    opened_at: AwareDatetime
    reminders_sent: int = 0
    # Why the level's Error alert was not sent; its Ok follows it (see the README, "Alerting model").
    suppressed_reason: str | None = None


class MonitorState(ApiModel):
    """What the evaluator remembers about one monitor between check results.

    `watermark` is the newest check taken into account: anything not newer is a duplicate or late.
    The rest is present only while an error streak or an incident is open ("dirty" state).
    """

    watermark: str | None = None
    version: int = 0
    consecutive_errors: int = 0
    first_error_at: datetime | None = None
    first_error_check_id: int | None = None
    first_error_description: str = ""
    last_error_check_id: int | None = None
    incidents: dict[str, LevelIncident] = Field(default_factory=dict)
    resolving: dict[str, ResolvingIncident] = Field(default_factory=dict)
    # The open episode: the watermark it started after (a late Confirmed check newer than this still
    # counts), and the ids of the Confirmed checks counted in it (so a late duplicate counts once).
    episode_floor: str | None = None
    counted_check_ids: tuple[int, ...] = ()

    @property
    def is_clean(self) -> bool:
        return self.consecutive_errors == 0 and not self.incidents and not self.resolving

    @staticmethod
    def incident_slot(alert_definition_guid: UUID, escalation_level_id: int) -> str:
        return f"{alert_definition_guid}#{escalation_level_id}"


class DecisionOutcome(StrEnum):
    FIRED = "Fired"
    REMINDED = "Reminded"
    OK = "Ok"
    SUPPRESSED = "Suppressed"  # an alert was recorded but not sent; Reason says why
    BELOW_THRESHOLD = "BelowThreshold"
    ALREADY_FIRED = "AlreadyFired"  # the level fired earlier in this incident; no reminder is due
    INACTIVE = "Inactive"  # the definition or the level is switched off
    IGNORED = "Ignored"  # the check itself did not count (Unconfirmed, DisableMonitoring)


class LevelDecision(ApiModel):
    """What one escalation level (or, without a level id, the whole definition) decided, and why."""

    alert_definition_guid: UUID | None = None
    alert_definition_name: str = ""
    escalation_level_id: int | None = None
    escalation_mode: str | None = None
    threshold: int | None = None  # errors or minutes, by EscalationMode
    counted: float | None = None  # consecutive confirmed errors, or minutes since the first one
    outcome: DecisionOutcome
    reason: str = ""
    alert_type: AlertType | None = None
    alert_guid: UUID | None = None
    incident_key: str | None = None
    deliveries: int = 0
    not_delivered_to: list[str] = Field(default_factory=list)


class DecisionTrigger(StrEnum):
    CHECK = "Check"
    SWEEP = "Sweep"


class Decision(ApiModel):
    """Why a check result (or a sweep tick) did or did not alert: the answer to "why (not) notified?"."""

    monitor_guid: UUID
    trigger: DecisionTrigger
    timestamp: AwareDatetime  # the check's time, or the tick's
    monitor_check_id: int | None = None
    error_level: str | None = None
    consecutive_errors: int = 0
    first_error: AwareDatetime | None = None
    reason: str = ""
    levels: list[LevelDecision] = Field(default_factory=list)
