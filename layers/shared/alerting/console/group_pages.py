"""Monitor groups: the list, `Add monitor group`, and one group's members (`Add member`, `Remove`)."""

from __future__ import annotations

from uuid import UUID

from alerting.api.facade import ConfigApi
from alerting.console.forms import FieldErrors
from alerting.console.replies import Reply
from alerting.console.views import PAGE_SIZE, Console, Request, adder, listing, page, submit
from alerting.models.api import MonitorGroupInput


def groups(console: Console, request: Request, errors: FieldErrors | None = None) -> Reply:
    lister = console.api.list_monitor_groups
    return listing(
        console, request, lister, "groups.html", section="monitors", title="Monitor groups", errors=errors
    )


add_group = adder(
    MonitorGroupInput, ConfigApi.create_monitor_group, groups, "/monitor-groups/{monitor_group_guid}"
)


def group(console: Console, request: Request, guid: UUID, errors: FieldErrors | None = None) -> Reply:
    shown = console.api.get_monitor_group(guid)
    monitors = console.api.list_monitors(PAGE_SIZE, None)[0]
    members = {member.monitor_guid for member in console.api.list_group_members(guid)}
    return page(
        console,
        request,
        "group.html",
        section="monitors",
        title=shown.description,
        errors=errors,
        group=shown,
        members=[monitor for monitor in monitors if monitor.monitor_guid in members],
        others=[monitor for monitor in monitors if monitor.monitor_guid not in members],
    )


def add_member(console: Console, request: Request, guid: UUID) -> Reply:
    chosen = request.form.get("MonitorGuid")
    if not chosen:
        return group(console, request, guid, {"MonitorGuid": "is required: choose a monitor"})
    return submit(
        lambda: console.api.add_group_member(guid, UUID(chosen)),
        lambda errors: group(console, request, guid, errors),
        request.url(f"/monitor-groups/{guid}", "saved"),
    )


def remove_member(console: Console, request: Request, guid: UUID) -> Reply:
    console.api.remove_group_member(guid, UUID(request.form.get("MonitorGuid")))
    return Reply.redirect(request.url(f"/monitor-groups/{guid}", "saved"))
