"""A check result, as the monitoring system publishes it on the event bus (detail of MonitorCheck)."""

from datetime import UTC, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import AwareDatetime, Field, field_validator

from alerting.models.base import ApiModel


class ErrorLevel(StrEnum):
    NO_ERROR = "NoError"
    UNCONFIRMED = "Unconfirmed"
    CONFIRMED = "Confirmed"


class CheckResult(ApiModel):
    model_config = ApiModel.model_config | {"extra": "ignore"}

    # The watermark orders ids as 20 digits; a longer one is malformed (and DynamoDB keeps 38 at most).
    id: int = Field(ge=0, lt=10**20)
    monitor_guid: UUID
    timestamp: AwareDatetime
    error_level: ErrorLevel
    error_code: int = 0
    error_description: str = ""
    http_status_code: int | None = None
    total_time: int | None = None
    checkpoint_name: str = ""
    server_ipv4: str = ""
    server_ipv6: str = ""
    resolved_ip_address: str = ""
    response_body: str = ""
    # Optional details (README, "Check result event"); the alert keeps them for its templates.
    failure_message: str = ""  # a transaction step's own failure message
    response_headers: dict[str, str] = Field(default_factory=dict)
    ssl_valid_until: AwareDatetime | None = None  # SSL monitors: when the certificate expires

    @field_validator("timestamp")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        try:
            return value.astimezone(UTC)
        except OverflowError as exc:  # year 1 with a positive offset, year 9999 with a negative one
            raise ValueError("Timestamp is outside the calendar once converted to UTC") from exc

    @property
    def watermark(self) -> str:
        """Orders checks of one monitor: by time, then by check id; equal means the same check."""
        return f"{self.timestamp:%Y-%m-%dT%H:%M:%S.%fZ}#{self.id:020d}"


# EventBridge caps an event at 256 KB; 100 checks with their bodies cut to 4 KB stay well inside it.
MAX_CHECKS_PER_BATCH = 100


class CheckBatch(ApiModel):
    """The detail of MonitorCheckBatch: up to 100 check results in one event (EventBridge bills per event).

    Checks stay raw here so that one malformed check is parked alone instead of failing its batch.
    """

    model_config = ApiModel.model_config | {"extra": "ignore"}

    checks: list[dict[str, object]] = Field(min_length=1, max_length=MAX_CHECKS_PER_BATCH)
