"""Request and response bodies of the config API where they differ from the stored objects.

Creates take the object with an optional guid; PATCH bodies have every field optional and change
only the fields they name (Uptrends semantics); responses add what Uptrends' schemas show.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AnyHttpUrl, Field

from alerting.models.base import ApiModel
from alerting.models.config import (
    CustomField,
    EscalationMode,
    IntegrationType,
    MonitorType,
    Name,
    ServiceLink,
)

Minutes = Annotated[int, Field(ge=1, le=7 * 24 * 60)]
# Template variables are written {{@Name}}; a name is never empty (nor is a DynamoDB map key).
VariableName = Annotated[str, Field(min_length=1, max_length=100)]


class MonitorInput(ApiModel):
    monitor_guid: UUID | None = None
    name: Name
    monitor_type: MonitorType = MonitorType.HTTPS
    url: str = ""
    notes: str = ""
    is_active: bool = True
    generate_alert: bool = True
    custom_fields: list[CustomField] = Field(default_factory=list)


class MonitorPatch(ApiModel):
    monitor_guid: UUID | None = None
    name: Name | None = None
    monitor_type: MonitorType | None = None
    url: str | None = None
    notes: str | None = None
    is_active: bool | None = None
    generate_alert: bool | None = None
    custom_fields: list[CustomField] | None = None


class IntegrationInput(ApiModel):
    integration_guid: UUID | None = None
    name: Name
    type: IntegrationType
    is_active: bool = True
    variables: dict[VariableName, str] = Field(default_factory=dict)
    per_level_variables: list[VariableName] = Field(default_factory=list)


class IntegrationPatch(ApiModel):
    integration_guid: UUID | None = None
    name: Name | None = None
    is_active: bool | None = None
    variables: dict[VariableName, str] | None = None
    per_level_variables: list[VariableName] | None = None


class IntegrationView(ApiModel):
    """GET /Integration: Uptrends' Integration schema plus our fields."""

    integration_guid: UUID
    name: str
    type: IntegrationType
    is_active: bool
    variables: dict[str, str]
    per_level_variables: list[str]
    integration_services: list[UUID]


class ServiceInput(ApiModel):
    integration_service_guid: UUID | None = None
    name: Name
    url: AnyHttpUrl


class AlertDefinitionInput(ApiModel):
    alert_definition_guid: UUID | None = None
    alert_name: Name
    is_active: bool = True


class AlertDefinitionPatch(ApiModel):
    alert_definition_guid: UUID | None = None
    alert_name: Name | None = None
    is_active: bool | None = None


class EscalationLevelPatch(ApiModel):
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

    integration_guid: UUID | None = None
    is_active: bool | None = None
    send_ok_alerts: bool | None = None
    send_reminder_alerts: bool | None = None
    status_hub_service_list: list[ServiceLink] | None = None
    status_hub_service_list_specified: bool | None = None
    variable_values: dict[VariableName, str] | None = None
    extra_email_addresses: list[str] | None = None
    extra_email_addresses_specified: bool | None = None


class LevelIntegrationView(ApiModel):
    """An integration as attached to a level: Uptrends' Integration schema plus the level's switches."""

    integration_guid: UUID
    name: str
    type: IntegrationType
    is_active: bool
    send_ok_alerts: bool
    send_reminder_alerts: bool
    status_hub_service_list: list[ServiceLink]
    variable_values: dict[str, str]
    extra_email_addresses: str
    integration_services: list[UUID]


class AlertDefinitionMonitor(ApiModel):
    alert_definition: UUID
    monitor: UUID


class MessageInfo(ApiModel):
    field: str
    message: str


class MessageList(ApiModel):
    messages: list[MessageInfo]
