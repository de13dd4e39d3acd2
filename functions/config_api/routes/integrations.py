"""Integrations, their StatusHub services, test sends and the health of their targets."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from uuid import UUID

from aws_lambda_powertools.event_handler import Response

from alerting.composition import config_api_root
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

from .shapes import Cursor, Take, if_match, no_content, page, resource_router

router = resource_router()


@router.get("/Integration")
def list_integrations(Take: Take = 1000, Cursor: Cursor = None) -> Response[Any]:
    return page(*config_api_root().list_integrations(Take, Cursor))


@router.post("/Integration", status_code=HTTPStatus.CREATED)
def create_integration(body: IntegrationInput) -> IntegrationView:
    return config_api_root().create_integration(body)


@router.get("/Integration/<integrationGuid>")
def get_integration(integrationGuid: UUID) -> IntegrationView:
    return config_api_root().get_integration(integrationGuid)


@router.patch("/Integration/<integrationGuid>")
def patch_integration(integrationGuid: UUID, body: IntegrationPatch) -> Response[None]:
    config_api_root().patch_integration(integrationGuid, body, if_match(router))
    return no_content()


@router.delete("/Integration/<integrationGuid>")
def delete_integration(integrationGuid: UUID) -> Response[None]:
    config_api_root().delete_integration(integrationGuid)
    return no_content()


@router.get("/Integration/<integrationGuid>/Service")
def list_services(integrationGuid: UUID) -> list[IntegrationService]:
    return config_api_root().list_services(integrationGuid)


@router.post("/Integration/<integrationGuid>/Service", status_code=HTTPStatus.CREATED)
def create_service(integrationGuid: UUID, body: ServiceInput) -> IntegrationService:
    return config_api_root().create_service(integrationGuid, body)


@router.get("/Integration/<integrationGuid>/Service/<integrationServiceGuid>")
def get_service(integrationGuid: UUID, integrationServiceGuid: UUID) -> IntegrationService:
    return config_api_root().get_service(integrationGuid, integrationServiceGuid)


@router.put("/Integration/<integrationGuid>/Service/<integrationServiceGuid>")
def replace_service(
    integrationGuid: UUID, integrationServiceGuid: UUID, body: ServiceInput
) -> Response[None]:
    config_api_root().replace_service(integrationGuid, integrationServiceGuid, body)
    return no_content()


@router.delete("/Integration/<integrationGuid>/Service/<integrationServiceGuid>")
def delete_service(integrationGuid: UUID, integrationServiceGuid: UUID) -> Response[None]:
    config_api_root().delete_service(integrationGuid, integrationServiceGuid)
    return no_content()


@router.post("/Integration/<integrationGuid>/Test")
def test_integration(integrationGuid: UUID, body: IntegrationTestRequest) -> IntegrationTestResult:
    return config_api_root().test_integration(integrationGuid, body)


@router.get("/Integration/<integrationGuid>/Target")
def list_targets(integrationGuid: UUID) -> list[TargetHealth]:
    return config_api_root().list_targets(integrationGuid)


@router.patch("/Integration/<integrationGuid>/Target/<target>")
def patch_target(integrationGuid: UUID, target: str, body: TargetHealthPatch) -> Response[None]:
    config_api_root().set_target_disabled(integrationGuid, target, body.disabled)
    return no_content()
