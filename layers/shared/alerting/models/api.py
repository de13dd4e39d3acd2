"""Request and response bodies of the config API where they differ from the stored objects.

Creates take the object with an optional guid; PATCH bodies have every field optional and change
only the fields they name (Uptrends semantics); responses add what Uptrends' schemas show.
"""

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, Field

from alerting.models.alert import Alert, AlertType, Decision
from alerting.models.base import ApiModel, example, omitted_when_unset
from alerting.models.config import (
    E164,
    AlertDefinitionFields,
    CustomField,
    EmailAddress,
    EscalationMode,
    IntegrationFields,
    IntegrationServiceFields,
    IntegrationTemplate,
    IntegrationType,
    MonitorFields,
    MonitorGroupFields,
    MonitorType,
    Name,
    OperatorFields,
    RetrySchedule,
    ServiceLink,
    SigningSecrets,
    StepAlertType,
    UptrendsIntegrationType,
    UserDefinedFunction,
    WebhookStep,
)
from alerting.models.delivery import HttpExchange, Outcome
from alerting.models.uptrends_fields import (
    HASH_ONLY,
    INTEGRATION_UPTRENDS_ONLY,
    MONITOR_UPTRENDS_ONLY,
    OPERATOR_UPTRENDS_ONLY,
)

Minutes = Annotated[int, Field(ge=1, le=7 * 24 * 60)]
# Template variables are written {{@Name}}; a name is never empty (nor is a DynamoDB map key).
VariableName = Annotated[str, Field(min_length=1, max_length=100)]

# The limits of DESIGN §3 at the API's edge: what a request may hold is bounded so that every object,
# and every queued job made from it, fits DynamoDB's 400 KB item (DESIGN §12); the README lists them.
NOTES_MAX = 8 * 1024
URL_MAX = 2 * 1024
TEMPLATE_MAX = 32 * 1024
CUSTOM_FIELDS_MAX = 100
VARIABLES_MAX = 100
STEPS_MAX = 20
HEADERS_MAX = 50
SERVICE_LINKS_MAX = 500
EXTRA_EMAILS_MAX = 100
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)

Url = Annotated[str, Field(max_length=URL_MAX)]
Notes = Annotated[str, Field(max_length=NOTES_MAX)]
Template = Annotated[str, Field(max_length=TEMPLATE_MAX)]
Variables = Annotated[dict[VariableName, Template], Field(max_length=VARIABLES_MAX)]
VariableNames = Annotated[list[VariableName], Field(max_length=VARIABLES_MAX)]
# RFC 9110 field names (a token); values may not break the header line.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,200}")
_HEADER_VALUE_BREAKS = re.compile(r"[\r\n\x00]")


def _bounded_custom_fields(fields: list[CustomField]) -> list[CustomField]:
    for index, custom in enumerate(fields):
        if len(custom.value) > URL_MAX:
            raise ValueError(f"[{index}].Value is longer than {URL_MAX} characters")
    return fields


def _bounded_steps(steps: list[WebhookStep]) -> list[WebhookStep]:
    """What a step may carry: bounded headers with names a request can send, a bounded body."""
    for index, step in enumerate(steps):
        if len(step.headers) > HEADERS_MAX:
            raise ValueError(f"[{index}].Headers: at most {HEADERS_MAX} headers")
        for name, value in step.headers.items():
            if not _HEADER_NAME.fullmatch(name):
                raise ValueError(f"[{index}].Headers: {name[:50]!r} is not a valid header name")
            if _HEADER_VALUE_BREAKS.search(value) or len(value) > TEMPLATE_MAX:
                raise ValueError(f"[{index}].Headers.{name}: a line break, NUL or over {TEMPLATE_MAX} chars")
        if len(step.body) > TEMPLATE_MAX:
            raise ValueError(f"[{index}].Body is longer than {TEMPLATE_MAX} characters")
        if len(step.password) > URL_MAX or len(step.username) > URL_MAX:
            raise ValueError(f"[{index}]: Username and Password are at most {URL_MAX} characters")
    return steps


CustomFields = Annotated[
    list[CustomField], Field(max_length=CUSTOM_FIELDS_MAX), AfterValidator(_bounded_custom_fields)
]
Steps = Annotated[list[WebhookStep], Field(max_length=STEPS_MAX), AfterValidator(_bounded_steps)]


def _within_years(moment: datetime) -> datetime:
    if not EARLIEST <= moment < LATEST:
        raise ValueError("must lie within the years 2000 to 2099")
    return moment


# A date-time a request gives: with an offset, and within 2000..2099 (DESIGN §3 Limits).
BoundedDateTime = Annotated[AwareDatetime, AfterValidator(_within_years)]


class MonitorInput(MonitorFields):
    model_config = example({"Name": "Shop checkout", "Url": "https://shop.example", "MonitorType": "Https"})
    url: Url = ""
    notes: Notes = ""
    custom_fields: CustomFields = Field(default_factory=list)


class MonitorPatch(ApiModel):
    model_config = example({"Notes": "Owned by the web team"})
    uptrends_only = MONITOR_UPTRENDS_ONLY
    monitor_guid: UUID | None = None
    name: Name | None = None
    monitor_type: MonitorType | None = None
    url: Url | None = None
    notes: Notes | None = None
    is_active: bool | None = None
    generate_alert: bool | None = None
    custom_fields: CustomFields | None = None


class IntegrationInput(IntegrationFields):
    model_config = example({"Name": "Status page", "Type": "Statushub"})
    # Uptrends' names first; today's (Webhook, Teams, Opsgenie, ...) stay accepted as aliases.
    type: UptrendsIntegrationType | IntegrationType
    # Folded into the stored type (integrations.stored_type), so never dumped with the rest.
    template: IntegrationTemplate | None = Field(default=None, exclude=True)
    variables: Variables = Field(default_factory=dict)
    per_level_variables: VariableNames = Field(default_factory=list)
    steps: Steps = Field(default_factory=list)


class IntegrationPatch(ApiModel):
    model_config = example({"IsActive": False})
    uptrends_only = INTEGRATION_UPTRENDS_ONLY
    integration_guid: UUID | None = None
    name: Name | None = None
    is_active: bool | None = None
    variables: Variables | None = None
    per_level_variables: VariableNames | None = None
    steps: Steps | None = None
    retry_schedule: RetrySchedule | None = None
    signing_secrets: SigningSecrets | None = None
    functions: list[UserDefinedFunction] | None = None
    max_requests_per_second: float | None = Field(default=None, gt=0, le=1000)


class IntegrationView(ApiModel):
    """GET /Integration: Uptrends' Integration schema plus our fields; secrets are masked (write-only)."""

    integration_guid: UUID
    name: str
    type: UptrendsIntegrationType
    template: IntegrationTemplate | None = omitted_when_unset()
    is_active: bool
    variables: dict[str, str]
    per_level_variables: list[str]
    steps: list[WebhookStep]
    integration_services: list[UUID]
    retry_schedule: list[int] | None = omitted_when_unset()
    signing_secrets: list[str] = Field(default_factory=list)
    functions: list[UserDefinedFunction] = Field(default_factory=list)
    max_requests_per_second: float | None = omitted_when_unset()


class TargetHealthPatch(ApiModel):
    """PATCH /Integration/{g}/Target/{Target}: `{"Disabled": false}` re-enables a disabled target."""

    disabled: bool


class ResendRequest(ApiModel):
    """POST /Alert/{AlertGuid}/Message/Resend: which of the alert's messages to send again."""

    integration_guid: UUID
    target: str


class ResendAccepted(ApiModel):
    resend_id: str


class RedriveRequest(ApiModel):
    """POST /DeadLetter/Redrive: requeue every dead-lettered delivery parked at or after Since."""

    since: BoundedDateTime


class RedriveResult(ApiModel):
    redriven: int
    kept: int


class DeadLetterView(ApiModel):
    """One parked message, left where it is: a delivery that failed its whole retry schedule, or a check
    result the evaluator could not take; why, and what it was about."""

    kind: Literal["Delivery", "CheckResult"]
    message_id: str
    parked_at: AwareDatetime
    reason: str = Field(min_length=1)
    # A delivery's alert and target; a parked check result has only its message id.
    monitor_name: str = ""
    alert_guid: UUID | None = None
    integration_guid: UUID | None = None
    target: str = ""


class ServiceInput(IntegrationServiceFields):
    model_config = example(
        {"Name": "Checkout", "Url": "https://hooks.statushub.io/hooks/uptrends?token=598f3b0d"}
    )


class AlertDefinitionInput(AlertDefinitionFields):
    model_config = example({"AlertName": "Production", "IsActive": True})


class AlertDefinitionPatch(ApiModel):
    model_config = example({"IsActive": False})
    uptrends_only = HASH_ONLY
    alert_definition_guid: UUID | None = None
    alert_name: Name | None = None
    is_active: bool | None = None


class EscalationLevelPatch(ApiModel):
    model_config = example({"ThresholdErrorCount": 2, "Message": "Checkout is down"})
    uptrends_only = HASH_ONLY
    id: int | None = None
    escalation_mode: EscalationMode | None = None
    threshold_error_count: Annotated[int, Field(ge=1, le=1000)] | None = None
    threshold_minutes: Minutes | None = None
    is_active: bool | None = None
    message: Annotated[str, Field(max_length=4000)] | None = None
    number_of_reminders: Annotated[int, Field(ge=0, le=100)] | None = None
    reminder_delay: Minutes | None = None
    include_trace_route: bool | None = None


class LevelIntegrationPatch(ApiModel):
    """Uptrends' EscalationLevelIntegration; the *Specified flags are accepted for compatibility."""

    uptrends_only = HASH_ONLY

    integration_guid: UUID | None = None
    is_active: bool | None = None
    send_ok_alerts: bool | None = None
    send_reminder_alerts: bool | None = None
    status_hub_service_list: Annotated[list[ServiceLink], Field(max_length=SERVICE_LINKS_MAX)] | None = None
    status_hub_service_list_specified: bool | None = None
    variable_values: Variables | None = None
    extra_email_addresses: Annotated[list[EmailAddress], Field(max_length=EXTRA_EMAILS_MAX)] | None = None
    extra_email_addresses_specified: bool | None = None
    publish_maintenance: bool | None = None


class LevelIntegrationView(ApiModel):
    """An integration as attached to a level: Uptrends' Integration schema plus the level's switches."""

    integration_guid: UUID
    name: str
    type: UptrendsIntegrationType
    template: IntegrationTemplate | None = omitted_when_unset()
    is_active: bool
    send_ok_alerts: bool
    send_reminder_alerts: bool
    status_hub_service_list: list[ServiceLink]
    variable_values: dict[str, str]
    extra_email_addresses: str
    integration_services: list[UUID]
    publish_maintenance: bool = Field(default=False, exclude_if=lambda value: not value)


class AlertDefinitionMonitor(ApiModel):
    alert_definition: UUID
    monitor: UUID


class MessageInfo(ApiModel):
    field: str
    message: str


class MessageList(ApiModel):
    messages: list[MessageInfo]


class OperatorInput(OperatorFields):
    model_config = example({"FullName": "Ada Ops", "Email": "ada@ops.example", "MobilePhone": "+31612345678"})


class OperatorPatch(ApiModel):
    model_config = example({"IsOnDuty": False})
    uptrends_only = OPERATOR_UPTRENDS_ONLY
    operator_guid: UUID | None = None
    full_name: Name | None = None
    email: EmailAddress | None = None
    mobile_phone: E164 | None = None
    is_on_duty: bool | None = None


class EscalationLevelMember(ApiModel):
    """Uptrends' AlertEscalationLevelMember (operator groups are not modelled here)."""

    operator_guid: UUID | None = omitted_when_unset()
    operator_group_guid: UUID | None = omitted_when_unset()


class AlertDefinitionOperator(ApiModel):
    """Uptrends' answer to adding an operator to a level (note its lower-case l in Escalationlevel)."""

    alert_definition: UUID
    escalationlevel: int
    operator: UUID


class IntegrationTestRequest(ApiModel):
    """POST /Integration/{g}/Test: what to send; the rest is sample data."""

    alert_type: StepAlertType = "Error"
    monitor_guid: UUID | None = None
    integration_service_guid: UUID | None = None
    # Values of the integration's per-level variables (a test has no level to take them from).
    variable_values: Variables = Field(default_factory=dict)
    # Who gets a test e-mail or SMS: these addresses, and this operator.
    extra_email_addresses: Annotated[list[EmailAddress], Field(max_length=EXTRA_EMAILS_MAX)] = Field(
        default_factory=list
    )
    operator_guid: UUID | None = None
    # After a non-Ok test, send the Ok too (a status page is set back to operating normally).
    then_ok: bool = False


class IntegrationTestStep(ApiModel):
    exchange: HttpExchange
    duration_ms: int
    error: str = ""


class IntegrationTestResult(ApiModel):
    """The full trace of a test send: every request made, secrets masked, with what came back."""

    outcome: Outcome
    error: str = ""
    steps: list[IntegrationTestStep]
    # Set when the test changed something the public sees (a status page), with how to undo it.
    warning: str | None = None


# Monitor groups, maintenance periods, alert history and decision records (issue 4)
class MonitorGroupInput(MonitorGroupFields):
    model_config = example({"Description": "Web shops"})


class AlertDefinitionMonitorGroup(ApiModel):
    alert_definition: UUID
    monitor_group: UUID


class SortDirection(StrEnum):
    ASCENDING = "Ascending"
    DESCENDING = "Descending"


class PresetPeriod(StrEnum):
    """Uptrends' named periods of alert history (api.preset_periods turns one into Start and End)."""

    CURRENT_DAY = "CurrentDay"
    CURRENT_WEEK = "CurrentWeek"
    CURRENT_MONTH = "CurrentMonth"
    CURRENT_QUARTER = "CurrentQuarter"
    CURRENT_YEAR = "CurrentYear"
    PREVIOUS_DAY = "PreviousDay"
    PREVIOUS_WEEK = "PreviousWeek"
    PREVIOUS_MONTH = "PreviousMonth"
    PREVIOUS_QUARTER = "PreviousQuarter"
    PREVIOUS_YEAR = "PreviousYear"
    LAST_2_HOURS = "Last2Hours"
    LAST_6_HOURS = "Last6Hours"
    LAST_12_HOURS = "Last12Hours"
    LAST_24_HOURS = "Last24Hours"
    LAST_48_HOURS = "Last48Hours"
    LAST_7_DAYS = "Last7Days"
    LAST_30_DAYS = "Last30Days"
    LAST_60_DAYS = "Last60Days"
    LAST_90_DAYS = "Last90Days"
    LAST_365_DAYS = "Last365Days"
    LAST_3_MONTHS = "Last3Months"
    LAST_6_MONTHS = "Last6Months"
    LAST_12_MONTHS = "Last12Months"
    LAST_24_MONTHS = "Last24Months"
    ALL = "All"


class AlertAttributes(ApiModel):
    """Uptrends' AlertAttributes, plus the definition and level that raised the alert."""

    alert_type: AlertType
    monitor_guid: UUID
    timestamp: AwareDatetime
    first_error: AwareDatetime
    monitor_check_id: int
    first_error_monitor_check_id: int
    error_description: str
    incident_key: str
    alert_definition_guid: UUID
    escalation_level_id: int


class AlertResource(ApiModel):
    id: UUID
    type: Literal["Alert"] = "Alert"
    attributes: AlertAttributes

    @classmethod
    def of(cls, alert: Alert) -> Self:
        return cls(
            id=alert.alert_guid,
            attributes=AlertAttributes.model_validate(
                alert.model_dump(include=set(AlertAttributes.model_fields))
            ),
        )


class Cursors(ApiModel):
    next: str | None = omitted_when_unset()


class AlertPage(ApiModel):
    data: list[AlertResource]
    cursors: Cursors


class DecisionResource(ApiModel):
    id: str
    type: Literal["Decision"] = "Decision"
    attributes: Decision


class DecisionPage(ApiModel):
    data: list[DecisionResource]
    cursors: Cursors
