"""Integrations, their StatusHub services, test sends and the health of their targets."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from uuid import UUID

from aws_lambda_powertools.event_handler import Response

from alerting.models.api import (
    IntegrationInput,
    IntegrationPatch,
    IntegrationTestRequest,
    IntegrationTestResult,
    IntegrationView,
    ServiceInput,
    TargetHealthPatch,
)
from alerting.models.config import IntegrationService
from alerting.models.delivery import TargetHealth
from alerting.roots.config_api import config_api_root

from .shapes import Cursor, Take, if_match, no_content, page, paged, resource_router

router = resource_router()


@router.get("/Integration", responses=paged(IntegrationView))
def list_integrations(Take: Take = 1000, Cursor: Cursor = None) -> Response[Any]:
    """List integrations

    Type speaks Uptrends' enum; integrations built from a template are GenericWebhook with Template.
    Secrets are masked.
    """
    return page(*config_api_root().list_integrations(Take, Cursor))


@router.post("/Integration", status_code=HTTPStatus.CREATED)
def create_integration(body: IntegrationInput) -> IntegrationView:
    """Create an integration

    Type is Uptrends' name (GenericWebhook with a Template for the ready-made webhooks); today's names
    (Webhook, Teams, Opsgenie, ...) are accepted as aliases.
    """
    return config_api_root().create_integration(body)


@router.get("/Integration/<integrationGuid>")
def get_integration(integrationGuid: UUID) -> IntegrationView:
    """Get an integration

    Secrets are write-only: they read back as ****.
    """
    return config_api_root().get_integration(integrationGuid)


@router.patch("/Integration/<integrationGuid>", status_code=HTTPStatus.NO_CONTENT)
def patch_integration(integrationGuid: UUID, body: IntegrationPatch) -> Response[None]:
    """Change some fields of an integration

    Writing **** back keeps the stored secret; changing where it sends drops secrets not given again.
    """
    config_api_root().patch_integration(integrationGuid, body, if_match(router))
    return no_content()


@router.delete("/Integration/<integrationGuid>", status_code=HTTPStatus.NO_CONTENT)
def delete_integration(integrationGuid: UUID) -> Response[None]:
    """Delete an integration."""
    config_api_root().delete_integration(integrationGuid)
    return no_content()


@router.get("/Integration/<integrationGuid>/Service")
def list_services(integrationGuid: UUID) -> list[IntegrationService]:
    """List the StatusHub services of an integration."""
    return config_api_root().list_services(integrationGuid)


@router.post("/Integration/<integrationGuid>/Service", status_code=HTTPStatus.CREATED)
def create_service(integrationGuid: UUID, body: ServiceInput) -> IntegrationService:
    """Add a StatusHub service to an integration

    Url is the hook URL StatusHub shows for the service (it holds a token).
    """
    return config_api_root().create_service(integrationGuid, body)


@router.get("/Integration/<integrationGuid>/Service/<integrationServiceGuid>")
def get_service(integrationGuid: UUID, integrationServiceGuid: UUID) -> IntegrationService:
    """Get a StatusHub service."""
    return config_api_root().get_service(integrationGuid, integrationServiceGuid)


@router.put(
    "/Integration/<integrationGuid>/Service/<integrationServiceGuid>", status_code=HTTPStatus.NO_CONTENT
)
def replace_service(
    integrationGuid: UUID, integrationServiceGuid: UUID, body: ServiceInput
) -> Response[None]:
    """Replace a StatusHub service."""
    config_api_root().replace_service(integrationGuid, integrationServiceGuid, body)
    return no_content()


@router.delete(
    "/Integration/<integrationGuid>/Service/<integrationServiceGuid>", status_code=HTTPStatus.NO_CONTENT
)
def delete_service(integrationGuid: UUID, integrationServiceGuid: UUID) -> Response[None]:
    """Delete a StatusHub service."""
    config_api_root().delete_service(integrationGuid, integrationServiceGuid)
    return no_content()


@router.post("/Integration/<integrationGuid>/Test")
def test_integration(integrationGuid: UUID, body: IntegrationTestRequest) -> IntegrationTestResult:
    """Send a test message now

    Sends sample data through the integration and returns the full trace. A StatusHub test changes the
    public page.
    """
    return config_api_root().test_integration(integrationGuid, body)


@router.get("/Integration/<integrationGuid>/Target")
def list_targets(integrationGuid: UUID) -> list[TargetHealth]:
    """List the health of an integration's targets."""
    return config_api_root().list_targets(integrationGuid)


@router.patch("/Integration/<integrationGuid>/Target/<target>", status_code=HTTPStatus.NO_CONTENT)
def patch_target(integrationGuid: UUID, target: str, body: TargetHealthPatch) -> Response[None]:
    """Re-enable or disable a target of an integration."""
    config_api_root().set_target_disabled(integrationGuid, target, body.disabled)
    return no_content()
