"""Monitor groups: their members and the switch that stops their alerts."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from uuid import UUID

from aws_lambda_powertools.event_handler import Response

from alerting.models.api import MonitorGroupInput
from alerting.models.config import MonitorGroup, MonitorGroupMember
from alerting.roots.config_api import config_api_root

from .shapes import Cursor, Take, no_content, page, paged, resource_router

router = resource_router()


@router.get("/MonitorGroup", responses=paged(MonitorGroup))
def list_groups(Take: Take = 1000, Cursor: Cursor = None) -> Response[Any]:
    """List monitor groups

    The group with IsAll true holds every monitor.
    """
    return page(*config_api_root().list_monitor_groups(Take, Cursor))


@router.post("/MonitorGroup", status_code=HTTPStatus.CREATED)
def create_group(body: MonitorGroupInput) -> MonitorGroup:
    """Create a monitor group."""
    return config_api_root().create_monitor_group(body)


@router.get("/MonitorGroup/<monitorGroupGuid>")
def get_group(monitorGroupGuid: UUID) -> MonitorGroup:
    """Get a monitor group."""
    return config_api_root().get_monitor_group(monitorGroupGuid)


@router.get("/MonitorGroup/<monitorGroupGuid>/Member")
def list_group_members(monitorGroupGuid: UUID) -> list[MonitorGroupMember]:
    """List the monitors of a monitor group."""
    return config_api_root().list_group_members(monitorGroupGuid)


@router.post("/MonitorGroup/<monitorGroupGuid>/Member/<monitorGuid>", status_code=HTTPStatus.CREATED)
def add_group_member(monitorGroupGuid: UUID, monitorGuid: UUID) -> Response[None]:
    """Add a monitor to a monitor group

    Answers 201 without a body, as Uptrends documents for this route.
    """
    config_api_root().add_group_member(monitorGroupGuid, monitorGuid)
    return Response(HTTPStatus.CREATED)


@router.delete("/MonitorGroup/<monitorGroupGuid>/Member/<monitorGuid>", status_code=HTTPStatus.NO_CONTENT)
def remove_group_member(monitorGroupGuid: UUID, monitorGuid: UUID) -> Response[None]:
    """Remove a monitor from a monitor group."""
    config_api_root().remove_group_member(monitorGroupGuid, monitorGuid)
    return no_content()


@router.post("/MonitorGroup/<monitorGroupGuid>/StopAllMonitorAlerts", status_code=HTTPStatus.NO_CONTENT)
def stop_group_alerts(monitorGroupGuid: UUID) -> Response[None]:
    """Stop the alerts of every monitor in a group."""
    config_api_root().set_group_alerts_stopped(monitorGroupGuid, stopped=True)
    return no_content()


@router.post("/MonitorGroup/<monitorGroupGuid>/StartAllMonitorAlerts", status_code=HTTPStatus.NO_CONTENT)
def start_group_alerts(monitorGroupGuid: UUID) -> Response[None]:
    """Start the alerts of every monitor in a group again."""
    config_api_root().set_group_alerts_stopped(monitorGroupGuid, stopped=False)
    return no_content()
