"""Monitors (the alerting view), their maintenance periods and the record of what was decided for them."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from uuid import UUID

from aws_lambda_powertools.event_handler import Response

from alerting.models.api import DecisionPage, MonitorInput, MonitorPatch
from alerting.models.config import MaintenancePeriod, Monitor
from alerting.roots.config_api import config_api_root

from .shapes import Cursor, HistoryTake, Take, if_match, no_content, page, paged, resource_router, with_etag

router = resource_router()


@router.get("/Monitor", responses=paged(Monitor))
def list_monitors(Take: Take = 1000, Cursor: Cursor = None) -> Response[Any]:
    """List monitors

    A plain array, at most Take per page; the next page's cursor comes in the X-Next-Cursor header.
    """
    return page(*config_api_root().list_monitors(Take, Cursor))


@router.post("/Monitor", status_code=HTTPStatus.CREATED)
def create_monitor(body: MonitorInput) -> Monitor:
    """Create a monitor

    The alerting view of a monitor. MonitorGuid may be given: it must match the check results'
    MonitorGuid. Uptrends-only fields (CheckInterval, ...) are accepted and ignored.
    """
    return config_api_root().create_monitor(body)


@router.get("/Monitor/<monitorGuid>")
def get_monitor(monitorGuid: UUID) -> Response[Monitor]:
    """Get a monitor

    The ETag header carries its version; send it back as If-Match to write only over that version.
    """
    found = config_api_root().get_monitor_versioned(monitorGuid)
    return with_etag(found.config, found.version)


@router.put("/Monitor/<monitorGuid>", status_code=HTTPStatus.NO_CONTENT)
def replace_monitor(monitorGuid: UUID, body: MonitorInput) -> Response[None]:
    """Replace a monitor."""
    config_api_root().replace_monitor(monitorGuid, body, if_match(router))
    return no_content()


@router.patch("/Monitor/<monitorGuid>", status_code=HTTPStatus.NO_CONTENT)
def patch_monitor(monitorGuid: UUID, body: MonitorPatch) -> Response[None]:
    """Change some fields of a monitor

    Only the fields the body names change.
    """
    config_api_root().patch_monitor(monitorGuid, body, if_match(router))
    return no_content()


@router.delete("/Monitor/<monitorGuid>", status_code=HTTPStatus.NO_CONTENT)
def delete_monitor(monitorGuid: UUID) -> Response[None]:
    """Delete a monitor."""
    config_api_root().delete_monitor(monitorGuid, if_match(router))
    return no_content()


@router.get("/Monitor/<monitorGuid>/MaintenancePeriod")
def list_maintenance(monitorGuid: UUID) -> list[MaintenancePeriod]:
    """List the maintenance periods of a monitor."""
    return config_api_root().list_maintenance_periods(monitorGuid)


@router.post("/Monitor/<monitorGuid>/MaintenancePeriod", status_code=HTTPStatus.CREATED)
def add_maintenance(monitorGuid: UUID, body: MaintenancePeriod) -> MaintenancePeriod:
    """Add a maintenance period to a monitor

    OneTime periods need StartDateTime and EndDateTime; recurring ones StartTime and EndTime, plus
    WeekDay (Weekly) or MonthDay (Monthly, 31 = last day).
    """
    return config_api_root().add_maintenance_period(monitorGuid, body)


@router.put(
    "/Monitor/<monitorGuid>/MaintenancePeriod/<maintenancePeriodId>", status_code=HTTPStatus.NO_CONTENT
)
def replace_maintenance(
    monitorGuid: UUID, maintenancePeriodId: int, body: MaintenancePeriod
) -> Response[None]:
    """Replace a maintenance period."""
    config_api_root().replace_maintenance_period(monitorGuid, maintenancePeriodId, body)
    return no_content()


@router.delete(
    "/Monitor/<monitorGuid>/MaintenancePeriod/<maintenancePeriodId>", status_code=HTTPStatus.NO_CONTENT
)
def delete_maintenance(monitorGuid: UUID, maintenancePeriodId: int) -> Response[None]:
    """Delete a maintenance period."""
    config_api_root().delete_maintenance_period(monitorGuid, maintenancePeriodId)
    return no_content()


@router.get("/Monitor/<monitorGuid>/Decision")
def list_decisions(monitorGuid: UUID, Take: HistoryTake = 100, Cursor: Cursor = None) -> DecisionPage:
    """List what the evaluator decided for a monitor

    One record per check result that changed the monitor's alerting state.
    """
    return config_api_root().list_decisions(monitorGuid, Take, Cursor)
