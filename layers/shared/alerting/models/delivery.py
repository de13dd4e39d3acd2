"""Delivery jobs on the queue and the attempts the delivery log records."""

from enum import StrEnum
from uuid import UUID

from pydantic import AwareDatetime, Field

from alerting.models.alert import Alert
from alerting.models.base import ApiModel
from alerting.models.config import IntegrationType


class DeliveryJob(ApiModel):
    """One message to send: one alert, to one integration, for one target (a StatusHub service, …)."""

    alert: Alert
    integration_guid: UUID
    integration_type: IntegrationType
    target: str
    # Set when an operator resends or redrives the message: a new delivery with its own idempotency
    # marker and attempt count, under the same webhook-id (receivers that dedupe may drop it).
    replay: str | None = None

    @property
    def message_group_id(self) -> str:
        """Alert, Reminder and Ok for one target share a FIFO group, so they arrive in order."""
        return f"{self.integration_guid}.{self.target}"

    @property
    def webhook_id(self) -> str:
        """Stable across retries, so receivers can drop duplicates; distinct per alert, integration and
        target, so one alert reaching two integrations is not taken for a duplicate."""
        return f"{self.alert.alert_guid}.{self.integration_guid}.{self.target}"

    @property
    def reference(self) -> "JobReference":
        return JobReference(
            alert_guid=self.alert.alert_guid,
            alert_timestamp=self.alert.timestamp,
            integration_guid=self.integration_guid,
            integration_type=self.integration_type,
            target=self.target,
        )

    @property
    def incident_rank(self) -> str:
        """Orders the alerts of one incident (Error, then Reminders, then Ok) as comparable text."""
        alert = self.alert
        kind = {"Error": 0, "Reminder": 1, "Ok": 2}[alert.alert_type.value]
        return f"{alert.timestamp:%Y-%m-%dT%H:%M:%S.%f}#{kind}#{alert.reminder_number:05d}"

    @property
    def deduplication_id(self) -> str:
        base = f"{self.alert.alert_guid}.{self.integration_guid}.{self.target}"
        return base if self.replay is None else f"{base}.{self.replay}"


class JobReference(ApiModel):
    """A queued job as the monitor's outbox keeps it: the alert by its history key, never a copy, so
    the monitor's item stays small whatever the number of targets (DynamoDB items stop at 400 KB)."""

    alert_guid: UUID
    alert_timestamp: AwareDatetime
    integration_guid: UUID
    integration_type: IntegrationType
    target: str


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRYING = "retrying"
    FAILED = "failed"
    # Nothing to send: no step of the integration takes this alert type, or no recipient is on duty.
    SKIPPED = "skipped"
    # Not sent: a later alert of the same incident already reached the target (it never goes backwards).
    SUPERSEDED = "superseded"


class HttpExchange(ApiModel):
    """What was sent and what came back, with secrets already masked."""

    method: str
    url: str
    request_headers: dict[str, str] = Field(default_factory=dict)
    request_body: str = ""
    status_code: int | None = None
    response_headers: dict[str, str] = Field(default_factory=dict)
    response_excerpt: str = ""


class DeliveryAttempt(ApiModel):
    """One row of the delivery log (the Messages API)."""

    alert_guid: UUID
    integration_guid: UUID
    integration_type: IntegrationType
    target: str
    attempt: int = Field(ge=1)
    started_at: AwareDatetime
    duration_ms: int = Field(ge=0)
    exchange: HttpExchange | None = None
    # Every request of a delivery that takes more than one (e.g. ServiceNow finding the incident to
    # resolve), in order; `exchange` is the last of them.
    steps: list[HttpExchange] = Field(default_factory=list)
    error: str = ""
    outcome: Outcome
    next_attempt_in_seconds: float | None = None
    replay: str | None = None


class TargetHealth(ApiModel):
    """How a target has fared lately (GET /Integration/{g}/Target): failures since its last success."""

    integration_guid: UUID
    target: str
    disabled: bool = False
    disabled_reason: str = ""
    disabled_at: AwareDatetime | None = None
    consecutive_failures: int = 0
    failing_since: AwareDatetime | None = None
    last_failure_at: AwareDatetime | None = None
    last_success_at: AwareDatetime | None = None
    last_error: str = ""
