"""Alert history, the delivery log of an alert, resending a message and redriving dead letters."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler.openapi.params import Query

from alerting.models.api import (
    AlertPage,
    PresetPeriod,
    RedriveRequest,
    RedriveResult,
    ResendAccepted,
    ResendRequest,
    SortDirection,
)
from alerting.models.delivery import DeliveryAttempt
from alerting.roots.config_api import config_api_root

from .shapes import Cursor, HistoryTake, resource_router

router = resource_router()

PRESET_PERIOD = "A named period (account time zone); not with Start/End. Without either: all alerts kept."


@router.get("/Alert/Monitor/<monitorGuid>")
def list_monitor_alerts(
    monitorGuid: UUID,
    Take: HistoryTake = 100,
    Cursor: Cursor = None,
    Sorting: SortDirection = SortDirection.DESCENDING,
    Start: Annotated[datetime | None, Query()] = None,
    End: Annotated[datetime | None, Query()] = None,
    IncludeReminders: bool = False,
    PresetPeriod: Annotated[PresetPeriod | None, Query(description=PRESET_PERIOD)] = None,
) -> AlertPage:
    """List the alerts of a monitor

    Newest first unless Sorting is Ascending. The window is Start/End or a PresetPeriod; Cursors.Next,
    when present, reads the next page.
    """
    ascending = Sorting is SortDirection.ASCENDING
    return config_api_root().list_monitor_alerts(
        monitorGuid, Take, Cursor, ascending, Start, End, IncludeReminders, PresetPeriod
    )


@router.get("/Alert/<alertGuid>/Message")
def list_messages(alertGuid: UUID) -> list[DeliveryAttempt]:
    """List the delivery log of an alert

    Every attempt per integration and target: the request (secrets masked), status code, response
    excerpt, error, duration and outcome.
    """
    return config_api_root().list_messages(alertGuid)


@router.post("/Alert/<alertGuid>/Message/Resend", status_code=HTTPStatus.ACCEPTED)
def resend_message(alertGuid: UUID, body: ResendRequest) -> ResendAccepted:
    """Send one message of an alert again."""
    return config_api_root().resend_message(alertGuid, body.integration_guid, body.target)


@router.post("/DeadLetter/Redrive")
def redrive_dead_letters(body: RedriveRequest) -> RedriveResult:
    """Requeue dead-lettered deliveries

    Every delivery parked at or after Since goes back on the delivery queue.
    """
    return config_api_root().redrive_dead_letters(body.since)
