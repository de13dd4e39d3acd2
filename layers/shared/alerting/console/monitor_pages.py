"""Monitors: the list, `Add monitor`, one monitor's settings and its maintenance periods."""

from __future__ import annotations

from uuid import UUID

from alerting.api.facade import ConfigApi
from alerting.console.forms import FieldErrors
from alerting.console.replies import Reply
from alerting.console.views import Console, Request, adder, listing, page, saver, submit
from alerting.models.api import MonitorInput, MonitorPatch
from alerting.models.config import DayOfWeek, MaintenancePeriod, MaintenanceType, ScheduleMode


def monitors(console: Console, request: Request, errors: FieldErrors | None = None) -> Reply:
    lister = console.api.list_monitors
    return listing(
        console,
        request,
        lister,
        "monitors.html",
        section="monitors",
        title="Monitors",
        errors=errors,
    )


add_monitor = adder(MonitorInput, ConfigApi.create_monitor, monitors, "/monitors/{monitor_guid}")


def monitor(console: Console, request: Request, guid: UUID, errors: FieldErrors | None = None) -> Reply:
    return page(
        console,
        request,
        "monitor.html",
        section="monitors",
        title="Monitor",
        errors=errors,
        monitor=console.api.get_monitor(guid),
        periods=console.api.list_maintenance_periods(guid),
        schedule_modes=list(ScheduleMode),
        maintenance_types=list(MaintenanceType),
        week_days=list(DayOfWeek),
    )


save_monitor = saver(MonitorPatch, ConfigApi.patch_monitor, monitor, "/monitors", "IsActive", "GenerateAlert")


def add_maintenance(console: Console, request: Request, guid: UUID) -> Reply:
    form = request.form
    given = {
        name: form.get(name) or None
        for name in ("ScheduleMode", "StartDateTime", "EndDateTime", "StartTime", "EndTime", "WeekDay")
    }
    given |= {"MonthDay": form.get("MonthDay") or None, "MaintenanceType": form.get("MaintenanceType")}
    given["Description"] = form.get("Description")
    period = {name: value for name, value in given.items() if value is not None}
    return submit(
        lambda: console.api.add_maintenance_period(guid, MaintenancePeriod.model_validate(period)),
        lambda errors: monitor(console, request, guid, errors),
        request.url(f"/monitors/{guid}", "created"),
    )


def delete_maintenance(console: Console, request: Request, guid: UUID, period_id: int) -> Reply:
    console.api.delete_maintenance_period(guid, period_id)
    return Reply.redirect(request.url(f"/monitors/{guid}", "deleted"))
