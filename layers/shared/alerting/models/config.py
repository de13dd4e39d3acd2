"""Configuration objects of the config API: monitors, integrations, alert definitions and their levels."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import AfterValidator, AnyHttpUrl, Field, StringConstraints, field_validator, model_validator

from alerting.models.base import ApiModel, example, omitted_when_unset
from alerting.models.uptrends_fields import (
    HASH_ONLY,
    INTEGRATION_UPTRENDS_ONLY,
    MONITOR_GROUP_UPTRENDS_ONLY,
    MONITOR_UPTRENDS_ONLY,
    OPERATOR_UPTRENDS_ONLY,
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# E.164: a plus, a country code and at most 15 digits in all, nothing else.
E164 = Annotated[str, StringConstraints(pattern=r"^(\+[1-9][0-9]{6,14})?$")]
EmailAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^([^@\s,;]+@[^@\s,;]+\.[^@\s,;]+)?$"),
]
LEVEL_IDS = (1, 2, 3)


class MonitorType(StrEnum):
    HTTP = "Http"
    HTTPS = "Https"
    CONNECT = "Connect"
    PING = "Ping"
    POP3 = "POP3"
    SMTP = "SMTP"
    FTP = "FTP"
    MYSQL = "MySQL"
    MSSQL = "MSSQL"
    WEBSERVICE_HTTP = "WebserviceHttp"
    WEBSERVICE_HTTPS = "WebserviceHttps"
    TRANSACTION = "Transaction"
    DNS = "DNS"
    FULL_PAGE_CHECK = "FullPageCheck"
    REAL_BROWSER_CHECK = "RealBrowserCheck"
    CERTIFICATE = "Certificate"
    SFTP = "SFTP"
    MULTI_STEP_API = "MultiStepApi"
    IMAP = "IMAP"


class CustomField(ApiModel):
    name: Name
    value: str = ""


# Each object's fields are declared once, in a *Fields base with the guid optional: the API's create
# body (models.api.*Input) is that base, and the stored object requires the guid.
class MonitorFields(ApiModel):
    uptrends_only = MONITOR_UPTRENDS_ONLY
    monitor_guid: UUID | None = None
    name: Name
    monitor_type: MonitorType = MonitorType.HTTPS
    url: str = ""
    notes: str = ""
    is_active: bool = True
    generate_alert: bool = True
    custom_fields: list[CustomField] = Field(default_factory=list)


class Monitor(MonitorFields):
    """The alerting view of a monitor; MonitorGuid must match the check results' MonitorGuid."""

    monitor_guid: UUID


class IntegrationType(StrEnum):
    STATUSHUB = "Statushub"
    WEBHOOK = "Webhook"
    UPTRENDS_INTEGRATION = "UptrendsIntegration"
    SLACK = "Slack"
    TEAMS = "Teams"
    PAGERDUTY = "PagerDuty"
    SPLUNK_ON_CALL = "SplunkOnCall"
    SERVICENOW = "ServiceNow"
    OPSGENIE = "Opsgenie"
    EMAIL = "Email"
    SMS = "Sms"
    STATUSHUB_API = "StatushubApi"
    STATUSPAGE = "Statuspage"


class UptrendsIntegrationType(StrEnum):
    """`Type` as the API speaks it: Uptrends' IntegrationTypeEnum (our other types are its GenericWebhook)."""

    STATUSHUB = "Statushub"
    SLACK = "Slack"
    PAGERDUTY = "PagerDuty"
    EMAIL = "Email"
    SMS = "Sms"
    PHONE = "Phone"
    GENERIC_WEBHOOK = "GenericWebhook"


class IntegrationTemplate(StrEnum):
    """Our additive `Template`: the ready-made GenericWebhook an integration is built from."""

    UPTRENDS_INTEGRATION = "UptrendsIntegration"
    TEAMS = "Teams"
    SPLUNK_ON_CALL = "SplunkOnCall"
    SERVICENOW = "ServiceNow"
    OPSGENIE = "Opsgenie"
    STATUSHUB_API = "StatushubApi"
    STATUSPAGE = "Statuspage"


class HttpMethod(StrEnum):
    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"


# The REST names of alert types (AlertType in models.alert, which builds on this module).
StepAlertType = Literal["Error", "Ok", "Reminder"]
ALL_ALERT_TYPES: tuple[StepAlertType, ...] = ("Error", "Ok", "Reminder")


class WebhookStep(ApiModel):
    """One HTTP request of a custom webhook; URL, header values and body are templates."""

    method: HttpMethod = HttpMethod.POST
    url: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    headers: dict[str, str] = Field(default_factory=dict)
    body: str = Field(default="", max_length=100_000)
    username: str = ""
    password: str = ""
    alert_types: list[StepAlertType] = Field(default_factory=lambda: list(ALL_ALERT_TYPES))

    @field_validator("alert_types")
    @classmethod
    def _distinct(cls, value: list[StepAlertType]) -> list[StepAlertType]:
        if len(set(value)) != len(value):
            raise ValueError("names an alert type twice")
        return value


# Delay before each delivery attempt, in whole seconds; its length is the number of attempts (then the DLQ).
# An SQS message stays hidden for at most 12 hours, so no single delay may be longer.
RetrySchedule = Annotated[
    list[Annotated[int, Field(ge=0, le=12 * 60 * 60)]], Field(min_length=1, max_length=20)
]
# Standard Webhooks secrets (`whsec_<base64>`, or a `ssm:`/`secretsmanager:` reference); two while rotating.
SigningSecrets = Annotated[list[Annotated[str, StringConstraints(min_length=1)]], Field(max_length=2)]


class FunctionType(StrEnum):
    REGULAR_EXPRESSION = "RegularExpression"
    MAPPING = "Mapping"
    HASH = "Hash"
    JWT_ENCODE = "JwtEncode"


HashAlgorithm = Literal["MD5", "SHA1", "SHA256", "SHA512", "HMACSHA1", "HMACSHA256", "HMACSHA512"]


class FunctionMapping(ApiModel):
    key: str
    value: str


class UserDefinedFunction(ApiModel):
    """A named function templates call on a value (`{{@Name({{@alert.type}})}}`); Uptrends' fields.

    `HashKey` and `JwtSigningKey` are write-only: a GET shows `****`.
    """

    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    type: FunctionType
    regex: str = ""
    mappings: list[FunctionMapping] = Field(default_factory=list)
    # What a Mapping returns for an input no pair names; None returns the input unchanged.
    default: str | None = None
    hash_algorithm: HashAlgorithm | None = None
    hash_key: str = ""
    hash_encoding: Literal["Hex", "Base64"] = "Hex"
    jwt_signing_key: str = ""
    jwt_algorithm: Literal["HS256"] = "HS256"

    @field_validator("type", mode="before")
    @classmethod
    def _uptrends_name(cls, value: object) -> object:
        # Uptrends' API spells the regular-expression type `Regex`.
        return FunctionType.REGULAR_EXPRESSION if value == "Regex" else value


class IntegrationFields(ApiModel):
    uptrends_only = INTEGRATION_UPTRENDS_ONLY
    integration_guid: UUID | None = None
    name: Name
    is_active: bool = True
    variables: dict[str, str] = Field(default_factory=dict)
    per_level_variables: list[str] = Field(default_factory=list)
    steps: list[WebhookStep] = Field(default_factory=list)
    retry_schedule: RetrySchedule | None = None
    signing_secrets: SigningSecrets = Field(default_factory=list)
    functions: list[UserDefinedFunction] = Field(default_factory=list, max_length=50)
    # Pacing of requests to each target (DESIGN 6); absent: the type's documented rate, if it has one.
    max_requests_per_second: float | None = Field(default=None, gt=0, le=1000)


class Integration(IntegrationFields):
    integration_guid: UUID
    type: IntegrationType

    def step_for(self, alert_type: str) -> WebhookStep | None:
        """The step that sends this alert type (each type is in at most one step)."""
        return next((step for step in self.steps if alert_type in step.alert_types), None)


class OperatorFields(ApiModel):
    uptrends_only = OPERATOR_UPTRENDS_ONLY
    operator_guid: UUID | None = None
    full_name: Name
    email: EmailAddress = ""
    mobile_phone: E164 = ""
    is_on_duty: bool = True


class Operator(OperatorFields):
    """A person a level can page by e-mail and SMS; off-duty operators get nothing."""

    operator_guid: UUID


def _unset(value: object) -> bool:
    """An additive option holding its default is left out of the JSON (Uptrends' shape stays exact)."""
    return value is None or value is False or value == ""


ExternalId = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200, pattern=r"^[A-Za-z0-9_.:-]*$")
]


class IntegrationServiceFields(ApiModel):
    integration_service_guid: UUID | None = None
    name: Name
    # The hook URL (Statushub), or the service id / component id (StatushubApi, Statuspage).
    url: AnyHttpUrl | None = Field(default=None, exclude_if=_unset)
    external_id: ExternalId = Field(default="", exclude_if=_unset)

    @model_validator(mode="after")
    def _url_or_external_id(self) -> Self:
        if self.url is None and not self.external_id:
            raise ValueError("Url (a StatusHub hook) or ExternalId (a service or component id) is required")
        return self


class IntegrationService(IntegrationServiceFields):
    """A StatusHub service: its name and the hook URL StatusHub shows for it (the URL holds a token)."""

    integration_service_guid: UUID


class AlertDefinitionFields(ApiModel):
    uptrends_only = HASH_ONLY
    alert_definition_guid: UUID | None = None
    alert_name: Name
    is_active: bool = True


class AlertDefinition(AlertDefinitionFields):
    alert_definition_guid: UUID


class EscalationMode(StrEnum):
    ALERT_ON_ERROR_COUNT = "AlertOnErrorCount"
    ALERT_ON_ERROR_DURATION = "AlertOnErrorDuration"


class EscalationLevel(ApiModel):
    """One of the fixed level slots 1..3 of an alert definition."""

    uptrends_only = HASH_ONLY

    id: int = Field(ge=1, le=len(LEVEL_IDS))
    escalation_mode: EscalationMode = EscalationMode.ALERT_ON_ERROR_COUNT
    threshold_error_count: int = Field(default=1, ge=1, le=1000)
    threshold_minutes: int = Field(default=5, ge=1, le=7 * 24 * 60)
    is_active: bool = False
    message: str = Field(default="", max_length=4000)
    number_of_reminders: int = Field(default=0, ge=0, le=100)
    reminder_delay: int = Field(default=10, ge=1, le=7 * 24 * 60)
    include_trace_route: bool = False

    @classmethod
    def default_slot(cls, level_id: int) -> Self:
        """Level 1 starts active, alerting on the first confirmed error; the others start inactive."""
        return cls(id=level_id, is_active=level_id == 1)


class ServiceStatus(StrEnum):
    """What an Alert sets the linked service to (DESIGN 6b); an Ok always sets it back to up."""

    DOWN = "down"
    DEGRADED_PERFORMANCE = "degraded-performance"
    # Statuspage only (its component status `partial_outage`); StatusHub has no such status.
    PARTIAL_OUTAGE = "partial-outage"


class ServiceLink(ApiModel):
    """Uptrends' IntegrationServiceMap: this monitor updates this StatusHub service, with our options
    (left out of the JSON while they hold their default, so a plain link reads as Uptrends' schema)."""

    monitor_guid: UUID
    integration_service_guid: UUID
    service_status: ServiceStatus = Field(
        default=ServiceStatus.DOWN, exclude_if=lambda status: status is ServiceStatus.DOWN
    )
    # Absent: never resolve (Uptrends). N: the sweep resolves the incident N minutes after the Ok.
    resolve_after_minutes: int | None = Field(default=None, ge=1, le=7 * 24 * 60, exclude_if=_unset)
    # API modes only: publish without notifying the page's subscribers.
    silent: bool = Field(default=False, exclude_if=_unset)


class LevelIntegration(ApiModel):
    """An integration attached to an escalation level, with what the level decides about it."""

    integration_guid: UUID
    is_active: bool = True
    send_ok_alerts: bool = True
    send_reminder_alerts: bool = False
    status_hub_service_list: list[ServiceLink] = Field(default_factory=list)
    variable_values: dict[str, str] = Field(default_factory=dict)
    extra_email_addresses: list[EmailAddress] = Field(default_factory=list)
    # Publish the linked monitors' maintenance windows to their services (API modes).
    publish_maintenance: bool = False


class AlertDefinitionMember(ApiModel):
    monitor_guid: UUID | None = omitted_when_unset()
    monitor_group_guid: UUID | None = omitted_when_unset()


# The group every monitor belongs to without being added (Uptrends' "All monitors", IsAll: true).
ALL_MONITORS_GROUP_GUID = UUID("a11a11a1-0000-4000-8000-000000000000")


class MonitorGroupFields(ApiModel):
    uptrends_only = MONITOR_GROUP_UPTRENDS_ONLY
    monitor_group_guid: UUID | None = None
    description: Name
    is_all: bool = False


class MonitorGroup(MonitorGroupFields):
    """Uptrends' MonitorGroup (the quota fields are not modelled: there are no quotas here)."""

    monitor_group_guid: UUID


class MonitorGroupMember(ApiModel):
    monitor_guid: UUID


class ScheduleMode(StrEnum):
    ONE_TIME = "OneTime"
    DAILY = "Daily"
    WEEKLY = "Weekly"
    MONTHLY = "Monthly"


class MaintenanceType(StrEnum):
    DISABLE_MONITORING = "DisableMonitoring"
    DISABLE_NOTIFICATIONS = "DisableNotifications"


class DayOfWeek(StrEnum):
    SUNDAY = "Sunday"
    MONDAY = "Monday"
    TUESDAY = "Tuesday"
    WEDNESDAY = "Wednesday"
    THURSDAY = "Thursday"
    FRIDAY = "Friday"
    SATURDAY = "Saturday"

    @property
    def iso_weekday(self) -> int:
        """Monday 1 .. Sunday 7, as `date.isoweekday()` counts."""
        return list(DayOfWeek).index(self) or 7


TimeOfDay = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")]


# Bounds on a OneTime period's dates, as on every date-time the API takes (years 2000 to 2099): a date
# with an offset is compared in UTC, one without is a wall-clock time of the account time zone (Uptrends).
MAINTENANCE_EARLIEST = datetime(2000, 1, 1)
MAINTENANCE_LATEST = datetime(2100, 1, 1)


def _within_maintenance_years(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    zone = None if moment.tzinfo is None else UTC
    if not MAINTENANCE_EARLIEST.replace(tzinfo=zone) <= moment < MAINTENANCE_LATEST.replace(tzinfo=zone):
        raise ValueError("must lie within the years 2000 to 2099")
    return moment


MaintenanceDateTime = Annotated[datetime | None, AfterValidator(_within_maintenance_years)]


class MaintenancePeriod(ApiModel):
    """Uptrends' MaintenancePeriod; dates and times are wall-clock times of the account time zone."""

    model_config = example(
        {"ScheduleMode": "Weekly", "WeekDay": "Sunday", "StartTime": "02:00", "EndTime": "04:00"}
    )

    id: int = 0
    description: str = ""
    schedule_mode: ScheduleMode
    start_date_time: MaintenanceDateTime = omitted_when_unset()
    end_date_time: MaintenanceDateTime = omitted_when_unset()
    start_time: TimeOfDay | None = omitted_when_unset()
    end_time: TimeOfDay | None = omitted_when_unset()
    week_day: DayOfWeek | None = omitted_when_unset()
    month_day: int | None = omitted_when_unset(ge=1, le=31)
    maintenance_type: MaintenanceType = MaintenanceType.DISABLE_NOTIFICATIONS

    @model_validator(mode="after")
    def _fields_of_the_mode(self) -> Self:
        if self.schedule_mode is ScheduleMode.ONE_TIME:
            if self.start_date_time is None or self.end_date_time is None:
                raise ValueError("StartDateTime and EndDateTime are required for a OneTime period")
            if (self.start_date_time.tzinfo is None) != (self.end_date_time.tzinfo is None):
                raise ValueError("StartDateTime and EndDateTime must both have a UTC offset or both not")
            if self.end_date_time <= self.start_date_time:
                raise ValueError("EndDateTime must be after StartDateTime")
            return self
        if self.start_time is None or self.end_time is None:
            raise ValueError("StartTime and EndTime are required for a recurring period")
        if self.schedule_mode is ScheduleMode.WEEKLY and self.week_day is None:
            raise ValueError("WeekDay is required for a Weekly period")
        if self.schedule_mode is ScheduleMode.MONTHLY and self.month_day is None:
            raise ValueError("MonthDay is required for a Monthly period")
        return self


# Here, not in alerting.evaluation, so the delivery function reads definitions without loading the evaluator.
@dataclass(frozen=True)
class DefinitionConfig:
    """An alert definition with its level slots and the integrations attached to each level."""

    definition: AlertDefinition
    levels: Sequence[EscalationLevel]
    level_integrations: Mapping[int, Sequence[LevelIntegration]] = field(default_factory=dict)
