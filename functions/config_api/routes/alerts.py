"""Alert history, the delivery log of an alert, resending a message and redriving dead letters."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler.openapi.params import Query

from alerting.composition import config_api_root
from alerting.models.api import (
    AlertPage,
    RedriveRequest,
    RedriveResult,
    ResendAccepted,
    ResendRequest,
    SortDirection,
)
from alerting.models.delivery import DeliveryAttempt

from .shapes import Cursor, HistoryTake, resource_router

router = resource_router()


@router.get("/Alert/Monitor/<monitorGuid>")
def list_monitor_alerts(
    monitorGuid: UUID,
    Take: HistoryTake = 100,
    Cursor: Cursor = None,
    Sorting: SortDirection = SortDirection.DESCENDING,
    Start: Annotated[datetime | None, Query()] = None,
    End: Annotated[datetime | None, Query()] = None,
    IncludeReminders: bool = False,
) -> AlertPage:
    ascending = Sorting is SortDirection.ASCENDING
    return config_api_root().list_monitor_alerts(
        monitorGuid, Take, Cursor, ascending, Start, End, IncludeReminders
    )


@router.get("/Alert/<alertGuid>/Message")
def list_messages(alertGuid: UUID) -> list[DeliveryAttempt]:
    return config_api_root().list_messages(alertGuid)


@router.post("/Alert/<alertGuid>/Message/Resend", status_code=HTTPStatus.ACCEPTED)
def resend_message(alertGuid: UUID, body: ResendRequest) -> ResendAccepted:
    return config_api_root().resend_message(alertGuid, body.integration_guid, body.target)


@router.post("/DeadLetter/Redrive")
def redrive_dead_letters(body: RedriveRequest) -> RedriveResult:
    return config_api_root().redrive_dead_letters(body.since)
