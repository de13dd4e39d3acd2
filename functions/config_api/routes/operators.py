"""Operators: the people e-mail and SMS alerts page."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from uuid import UUID

from aws_lambda_powertools.event_handler import Response

from alerting.models.api import OperatorInput, OperatorPatch
from alerting.models.config import Operator
from alerting.roots.config_api import config_api_root

from .shapes import Cursor, Take, no_content, page, paged, resource_router

router = resource_router()


@router.get("/Operator", responses=paged(Operator))
def list_operators(Take: Take = 1000, Cursor: Cursor = None) -> Response[Any]:
    """List operators."""
    return page(*config_api_root().list_operators(Take, Cursor))


@router.post("/Operator", status_code=HTTPStatus.CREATED)
def create_operator(body: OperatorInput) -> Operator:
    """Create an operator

    A person e-mail and SMS integrations page. Uptrends-only fields (CultureName, ...) are accepted and
    ignored.
    """
    return config_api_root().create_operator(body)


@router.get("/Operator/<operatorGuid>")
def get_operator(operatorGuid: UUID) -> Operator:
    """Get an operator."""
    return config_api_root().get_operator(operatorGuid)


@router.patch("/Operator/<operatorGuid>", status_code=HTTPStatus.NO_CONTENT)
def patch_operator(operatorGuid: UUID, body: OperatorPatch) -> Response[None]:
    """Change some fields of an operator."""
    config_api_root().patch_operator(operatorGuid, body)
    return no_content()


@router.delete("/Operator/<operatorGuid>", status_code=HTTPStatus.NO_CONTENT)
def delete_operator(operatorGuid: UUID) -> Response[None]:
    """Delete an operator."""
    config_api_root().delete_operator(operatorGuid)
    return no_content()
