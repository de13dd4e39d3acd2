"""Configuration objects of the config API: monitors, integrations, alert definitions and their levels."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import AnyHttpUrl, Field, StringConstraints

from alerting.models.base import ApiModel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
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


class Monitor(ApiModel):
    """The alerting view of a monitor; MonitorGuid must match the check results' MonitorGuid."""

    monitor_guid: UUID
    name: Name
    monitor_type: MonitorType = MonitorType.HTTPS
    url: str = ""
    notes: str = ""
    is_active: bool = True
    generate_alert: bool = True
    custom_fields: list[CustomField] = Field(default_factory=list)


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


# Delay before each delivery attempt, in whole seconds; its length is the number of attempts (then the DLQ).
# An SQS message stays hidden for at most 12 hours, so no single delay may be longer.
RetrySchedule = Annotated[
    list[Annotated[int, Field(ge=0, le=12 * 60 * 60)]], Field(min_length=1, max_length=20)
]
# Standard Webhooks secrets (`whsec_<base64>`, or a `ssm:`/`secretsmanager:` reference); two while rotating.
SigningSecrets = Annotated[list[Annotated[str, StringConstraints(min_length=1)]], Field(max_length=2)]


class Integration(ApiModel):
    integration_guid: UUID
    name: Name
    type: IntegrationType
    is_active: bool = True
    variables: dict[str, str] = Field(default_factory=dict)
    per_level_variables: list[str] = Field(default_factory=list)
    retry_schedule: RetrySchedule | None = None
    signing_secrets: SigningSecrets = Field(default_factory=list)


class IntegrationService(ApiModel):
    """A StatusHub service: its name and the hook URL StatusHub shows for it (the URL holds a token)."""

    integration_service_guid: UUID
    name: Name
    url: AnyHttpUrl


class AlertDefinition(ApiModel):
    alert_definition_guid: UUID
    alert_name: Name
    is_active: bool = True


class EscalationMode(StrEnum):
    ALERT_ON_ERROR_COUNT = "AlertOnErrorCount"
    ALERT_ON_ERROR_DURATION = "AlertOnErrorDuration"


class EscalationLevel(ApiModel):
    """One of the fixed level slots 1..3 of an alert definition."""

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
    def default_slot(cls, level_id: int) -> EscalationLevel:
        """Level 1 starts active, alerting on the first confirmed error; the others start inactive."""
        return cls(id=level_id, is_active=level_id == 1)


class ServiceLink(ApiModel):
    """Uptrends' IntegrationServiceMap: this monitor updates this StatusHub service."""

    monitor_guid: UUID
    integration_service_guid: UUID


class LevelIntegration(ApiModel):
    """An integration attached to an escalation level, with what the level decides about it."""

    integration_guid: UUID
    is_active: bool = True
    send_ok_alerts: bool = True
    send_reminder_alerts: bool = False
    status_hub_service_list: list[ServiceLink] = Field(default_factory=list)
    variable_values: dict[str, str] = Field(default_factory=dict)
    extra_email_addresses: list[str] = Field(default_factory=list)


class AlertDefinitionMember(ApiModel):
    monitor_guid: UUID | None = None
    monitor_group_guid: UUID | None = None
