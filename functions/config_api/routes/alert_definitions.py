"""Alert definitions: their members, escalation levels, the integrations and operators of each level."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from uuid import UUID

from aws_lambda_powertools.event_handler import Response

from alerting.models.api import (
    AlertDefinitionInput,
    AlertDefinitionMonitor,
    AlertDefinitionMonitorGroup,
    AlertDefinitionOperator,
    AlertDefinitionPatch,
    EscalationLevelMember,
    EscalationLevelPatch,
    LevelIntegrationPatch,
    LevelIntegrationView,
)
from alerting.models.config import AlertDefinition, AlertDefinitionMember, EscalationLevel
from alerting.roots.config_api import config_api_root

from .shapes import Cursor, LevelId, Take, if_match, no_content, page, paged, resource_router

router = resource_router()

DEFINITION = "/AlertDefinition/<alertDefinitionGuid>"
LEVEL = DEFINITION + "/EscalationLevel/<escalationLevelId>"
LEVEL_INTEGRATIONS = LEVEL + "/Integration"
LEVEL_MEMBERS = LEVEL + "/Member"


@router.get("/AlertDefinition", responses=paged(AlertDefinition))
def list_definitions(Take: Take = 1000, Cursor: Cursor = None) -> Response[Any]:
    """List alert definitions

    A plain array, at most Take per page; the next page's cursor comes in the X-Next-Cursor header.
    """
    return page(*config_api_root().list_definitions(Take, Cursor))


@router.post("/AlertDefinition", status_code=HTTPStatus.CREATED)
def create_definition(body: AlertDefinitionInput) -> AlertDefinition:
    """Create an alert definition

    Its three escalation levels are created with it (level 1 active, alerting on the first confirmed error).
    """
    return config_api_root().create_definition(body)


@router.get(DEFINITION)
def get_definition(alertDefinitionGuid: UUID) -> AlertDefinition:
    """Get an alert definition."""
    return config_api_root().get_definition(alertDefinitionGuid)


@router.put(DEFINITION, status_code=HTTPStatus.NO_CONTENT)
def replace_definition(alertDefinitionGuid: UUID, body: AlertDefinitionInput) -> Response[None]:
    """Replace an alert definition

    A body that names AlertDefinitionGuid must name the one in the path.
    """
    config_api_root().replace_definition(alertDefinitionGuid, body)
    return no_content()


@router.patch(DEFINITION, status_code=HTTPStatus.NO_CONTENT)
def patch_definition(alertDefinitionGuid: UUID, body: AlertDefinitionPatch) -> Response[None]:
    """Change some fields of an alert definition

    Only the fields the body names change.
    """
    config_api_root().patch_definition(alertDefinitionGuid, body, if_match(router))
    return no_content()


@router.delete(DEFINITION, status_code=HTTPStatus.NO_CONTENT)
def delete_definition(alertDefinitionGuid: UUID) -> Response[None]:
    """Delete an alert definition."""
    config_api_root().delete_definition(alertDefinitionGuid)
    return no_content()


# Members: monitors and monitor groups
@router.get(DEFINITION + "/Member")
def list_members(alertDefinitionGuid: UUID) -> list[AlertDefinitionMember]:
    """List the monitors and monitor groups of an alert definition."""
    return config_api_root().list_definition_members(alertDefinitionGuid)


@router.post(DEFINITION + "/Member/Monitor/<monitorGuid>", status_code=HTTPStatus.CREATED)
def add_monitor_member(alertDefinitionGuid: UUID, monitorGuid: UUID) -> AlertDefinitionMonitor:
    """Add a monitor to an alert definition."""
    return config_api_root().add_definition_monitor(alertDefinitionGuid, monitorGuid)


@router.delete(DEFINITION + "/Member/Monitor/<monitorGuid>", status_code=HTTPStatus.NO_CONTENT)
def remove_monitor_member(alertDefinitionGuid: UUID, monitorGuid: UUID) -> Response[None]:
    """Remove a monitor from an alert definition."""
    config_api_root().remove_definition_monitor(alertDefinitionGuid, monitorGuid)
    return no_content()


@router.post(DEFINITION + "/Member/MonitorGroup/<monitorGroupGuid>", status_code=HTTPStatus.CREATED)
def add_group_to_definition(alertDefinitionGuid: UUID, monitorGroupGuid: UUID) -> AlertDefinitionMonitorGroup:
    """Add a monitor group to an alert definition

    Every monitor of the group is then alerted on by the definition.
    """
    return config_api_root().add_definition_group(alertDefinitionGuid, monitorGroupGuid)


@router.delete(DEFINITION + "/Member/MonitorGroup/<monitorGroupGuid>", status_code=HTTPStatus.NO_CONTENT)
def remove_group_from_definition(alertDefinitionGuid: UUID, monitorGroupGuid: UUID) -> Response[None]:
    """Remove a monitor group from an alert definition."""
    config_api_root().remove_definition_group(alertDefinitionGuid, monitorGroupGuid)
    return no_content()


# Escalation levels (fixed slots 1..3)
@router.get(DEFINITION + "/EscalationLevel")
def list_levels(alertDefinitionGuid: UUID) -> list[EscalationLevel]:
    """List the escalation levels of an alert definition

    Always three fixed slots, Id 1 to 3.
    """
    return config_api_root().list_levels(alertDefinitionGuid)


@router.get(LEVEL)
def get_level(alertDefinitionGuid: UUID, escalationLevelId: LevelId) -> EscalationLevel:
    """Get an escalation level."""
    return config_api_root().get_level(alertDefinitionGuid, escalationLevelId)


@router.put(LEVEL, status_code=HTTPStatus.NO_CONTENT)
def replace_level(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, body: EscalationLevel
) -> Response[None]:
    """Replace an escalation level."""
    config_api_root().replace_level(alertDefinitionGuid, escalationLevelId, body)
    return no_content()


@router.patch(LEVEL, status_code=HTTPStatus.NO_CONTENT)
def patch_level(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, body: EscalationLevelPatch
) -> Response[None]:
    """Change some fields of an escalation level

    Only the fields the body names change.
    """
    config_api_root().patch_level(alertDefinitionGuid, escalationLevelId, body)
    return no_content()


# Integrations attached to an escalation level
@router.get(LEVEL_INTEGRATIONS)
def list_level_integrations(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId
) -> list[LevelIntegrationView]:
    """List the integrations of an escalation level."""
    return config_api_root().list_level_integrations(alertDefinitionGuid, escalationLevelId)


@router.post(LEVEL_INTEGRATIONS, status_code=HTTPStatus.CREATED)
def attach_integration(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, body: LevelIntegrationPatch
) -> LevelIntegrationView:
    """Attach an integration to an escalation level

    StatusHub integrations say which monitor updates which service in StatusHubServiceList; per-level
    variables get their values in VariableValues.
    """
    return config_api_root().attach_integration(alertDefinitionGuid, escalationLevelId, body)


@router.get(LEVEL_INTEGRATIONS + "/<integrationGuid>")
def get_level_integration(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, integrationGuid: UUID
) -> LevelIntegrationView:
    """Get an integration of an escalation level."""
    return config_api_root().get_level_integration(alertDefinitionGuid, escalationLevelId, integrationGuid)


@router.route(
    LEVEL_INTEGRATIONS + "/<integrationGuid>", method=["PATCH", "PUT"], status_code=HTTPStatus.NO_CONTENT
)
def patch_level_integration(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, integrationGuid: UUID, body: LevelIntegrationPatch
) -> Response[None]:
    """Change how an escalation level uses an integration

    PUT and PATCH both change only the fields the body names, as Uptrends does.
    """
    config_api_root().patch_level_integration(alertDefinitionGuid, escalationLevelId, integrationGuid, body)
    return no_content()


@router.delete(LEVEL_INTEGRATIONS + "/<integrationGuid>", status_code=HTTPStatus.NO_CONTENT)
def detach_integration(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, integrationGuid: UUID
) -> Response[None]:
    """Detach an integration from an escalation level."""
    config_api_root().detach_integration(alertDefinitionGuid, escalationLevelId, integrationGuid)
    return no_content()


# Operators who are members of an escalation level
@router.get(LEVEL_MEMBERS)
def list_level_members(alertDefinitionGuid: UUID, escalationLevelId: LevelId) -> list[EscalationLevelMember]:
    """List the operators of an escalation level."""
    return config_api_root().list_level_members(alertDefinitionGuid, escalationLevelId)


@router.post(LEVEL_MEMBERS + "/Operator/<operatorGuid>", status_code=HTTPStatus.CREATED)
def add_level_operator(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, operatorGuid: UUID
) -> AlertDefinitionOperator:
    """Add an operator to an escalation level

    The level's e-mail and SMS integrations then page this operator while on duty.
    """
    return config_api_root().add_level_operator(alertDefinitionGuid, escalationLevelId, operatorGuid)


@router.delete(LEVEL_MEMBERS + "/Operator/<operatorGuid>", status_code=HTTPStatus.NO_CONTENT)
def remove_level_operator(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, operatorGuid: UUID
) -> Response[None]:
    """Remove an operator from an escalation level."""
    config_api_root().remove_level_operator(alertDefinitionGuid, escalationLevelId, operatorGuid)
    return no_content()
