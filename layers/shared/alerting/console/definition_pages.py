"""Alert definitions: the list, one definition's members and its three escalation levels, each with
`Send alerts through integrations` (a checkbox per integration) and StatusHub `Add service link` rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from alerting.api.facade import ConfigApi
from alerting.console.forms import FieldErrors, Form, attempt
from alerting.console.replies import Reply
from alerting.console.views import Console, Request, adder, listing, page
from alerting.integrations import spec_for_public
from alerting.models.api import (
    AlertDefinitionInput,
    EscalationLevelPatch,
    IntegrationView,
    LevelIntegrationPatch,
)
from alerting.models.config import EscalationMode, IntegrationService, ServiceLink, ServiceStatus

PAGE_SIZE = 1000
ADD_LINK = "add-link:"


# The link options (DESIGN 6b) as the level form carries them, one value per link row.
LINK_OPTIONS = ("ServiceStatus", "ResolveAfterMinutes", "Silent")


# What the status page shows for each ServiceStatus, in the page's own words.
STATUS_LABELS = {
    ServiceStatus.DOWN.value: "Service disruption (down)",
    ServiceStatus.DEGRADED_PERFORMANCE.value: "Degraded performance",
    ServiceStatus.PARTIAL_OUTAGE.value: "Partial outage",
}


@dataclass(frozen=True)
class LevelRouting:
    """What a level's `Send alerts through integrations` section shows for one integration."""

    integration: IntegrationView
    attached: bool
    links: list[ServiceLink | None]  # None: the empty row `Add service link` asked for
    services: list[IntegrationService]
    variable_values: dict[str, str]
    has_services: bool
    api_mode: bool  # StatushubApi / Statuspage: Silent and PublishMaintenance apply
    publish_maintenance: bool


def definitions(console: Console, request: Request, errors: FieldErrors | None = None) -> Reply:
    lister = console.api.list_definitions
    title = "Alert definitions"
    return listing(
        console,
        request,
        lister,
        "definitions.html",
        section="definitions",
        title=title,
        errors=errors,
    )


add_definition = adder(
    AlertDefinitionInput,
    ConfigApi.create_definition,
    definitions,
    "/alert-definitions/{alert_definition_guid}",
)


def _routing(console: Console, guid: UUID, level_id: int, extra_row: str) -> list[LevelRouting]:
    attached = {view.integration_guid: view for view in console.api.list_level_integrations(guid, level_id)}
    routing = []
    for integration in console.api.list_integrations(PAGE_SIZE, None)[0]:
        view = attached.get(integration.integration_guid)
        spec = spec_for_public(integration.type, integration.template)
        links: list[ServiceLink | None] = list(view.status_hub_service_list if view else [])
        if extra_row == f"{level_id}:{integration.integration_guid}":
            links.append(None)
        services = console.api.list_services(integration.integration_guid) if spec.services else []
        values = dict(view.variable_values) if view else {}
        routing.append(
            LevelRouting(
                integration,
                view is not None,
                links,
                services,
                values,
                spec.services,
                spec.external_services,
                bool(view and view.publish_maintenance),
            )
        )
    return routing


def definition(console: Console, request: Request, guid: UUID, errors: FieldErrors | None = None) -> Reply:
    members = console.api.list_definition_members(guid)
    monitors = console.api.list_monitors(PAGE_SIZE, None)[0]
    groups = console.api.list_monitor_groups(PAGE_SIZE, None)[0]
    extra_row = request.query.get("add", "")
    levels = console.api.list_levels(guid)
    return page(
        console,
        request,
        "definition.html",
        section="definitions",
        title=console.api.get_definition(guid).alert_name,
        errors=errors,
        definition=console.api.get_definition(guid),
        members=members,
        monitors=monitors,
        monitor_names={str(m.monitor_guid): m.name for m in monitors},
        groups=groups,
        group_names={str(g.monitor_group_guid): g.description for g in groups},
        levels=[(level, _routing(console, guid, level.id, extra_row)) for level in levels],
        escalation_modes=list(EscalationMode),
        service_statuses=list(ServiceStatus),
        status_labels=STATUS_LABELS,
        failed_level=int(request.form.get("Level") or 0),
    )


def add_member(console: Console, request: Request, guid: UUID) -> Reply:
    form = request.form
    monitor, group = form.get("MonitorGuid"), form.get("MonitorGroupGuid")
    if group:
        _, errors = attempt(lambda: console.api.add_definition_group(guid, UUID(group)))
    elif monitor:
        _, errors = attempt(lambda: console.api.add_definition_monitor(guid, UUID(monitor)))
    else:
        errors = {"MonitorGuid": "is required: choose a monitor or a monitor group"}
    if errors:
        return definition(console, request, guid, errors)
    return Reply.redirect(request.url(f"/alert-definitions/{guid}", "saved"))


def remove_member(console: Console, request: Request, guid: UUID) -> Reply:
    form = request.form
    if form.get("MonitorGroupGuid"):
        console.api.remove_definition_group(guid, UUID(form.get("MonitorGroupGuid")))
    else:
        console.api.remove_definition_monitor(guid, UUID(form.get("MonitorGuid")))
    return Reply.redirect(request.url(f"/alert-definitions/{guid}", "saved"))


def _level_patch(form: Form) -> dict[str, Any]:
    patch: dict[str, Any] = {
        "IsActive": form.checked("IsActive"),
        "EscalationMode": form.get("EscalationMode"),
        "Message": form.get("Message"),
    }
    for name in ("ThresholdErrorCount", "ThresholdMinutes", "NumberOfReminders", "ReminderDelay"):
        if form.get(name):
            patch[name] = form.get(name)
    return patch


def _links(form: Form, guid: UUID, stored: list[ServiceLink]) -> list[dict[str, Any]]:
    """The link rows as submitted. An option the form does not carry keeps what the link had (set
    through the API), so saving the level never clears it."""
    kept = {(str(link.monitor_guid), str(link.integration_service_guid)): link for link in stored}
    options = {name: form.all(f"Link.{guid}.{name}") for name in LINK_OPTIONS}
    pairs = zip(form.all(f"Link.{guid}.Monitor"), form.all(f"Link.{guid}.Service"), strict=False)
    links = []
    for row, (monitor, service) in enumerate(pairs):
        if not (monitor or service):
            continue
        before = kept.get((monitor, service))
        link: dict[str, Any] = before.to_json_dict() if before else {}
        link |= {"MonitorGuid": monitor, "IntegrationServiceGuid": service}
        given = {name: values[row] for name, values in options.items() if row < len(values)}
        if "ServiceStatus" in given:
            link["ServiceStatus"] = given["ServiceStatus"]
        if "ResolveAfterMinutes" in given:
            link["ResolveAfterMinutes"] = given["ResolveAfterMinutes"] or None  # empty: never
        if "Silent" in given:
            link["Silent"] = given["Silent"] == "silent"
        links.append(link)
    return links


def _attachment(form: Form, integration: IntegrationView, stored: list[ServiceLink]) -> dict[str, Any]:
    guid = integration.integration_guid
    body: dict[str, Any] = {}
    if spec_for_public(integration.type, integration.template).services:
        body["StatusHubServiceList"] = _links(form, guid, stored)
    # The box is on the form only for the API templates; a form without it leaves the setting alone.
    if form.checked(f"Options.{guid}"):
        body["PublishMaintenance"] = form.checked(f"PublishMaintenance.{guid}")
    values = {name: form.get(f"VariableValues.{guid}.{name}") for name in integration.per_level_variables}
    if values:
        body["VariableValues"] = values
    return body


def _save_routing(console: Console, guid: UUID, level_id: int, form: Form) -> None:
    attached = {
        view.integration_guid: view.status_hub_service_list
        for view in console.api.list_level_integrations(guid, level_id)
    }
    chosen = set(form.all("Integration"))
    # `Add service link` on an integration not ticked yet means the user wants to send through it.
    if form.get("action").startswith(ADD_LINK):
        chosen.add(form.get("action").removeprefix(ADD_LINK))
    for integration in console.api.list_integrations(PAGE_SIZE, None)[0]:
        target = integration.integration_guid
        if str(target) in chosen:
            body = _attachment(form, integration, attached.get(target, []))
            if target in attached:
                console.api.patch_level_integration(
                    guid, level_id, target, LevelIntegrationPatch.model_validate(body)
                )
            else:
                console.api.attach_integration(
                    guid, level_id, LevelIntegrationPatch.model_validate({"IntegrationGuid": target, **body})
                )
        elif target in attached:
            console.api.detach_integration(guid, level_id, target)


def save_level(console: Console, request: Request, guid: UUID, level_id: int) -> Reply:
    form = request.form

    def save() -> None:
        console.api.patch_level(guid, level_id, EscalationLevelPatch.model_validate(_level_patch(form)))
        _save_routing(console, guid, level_id, form)

    _, errors = attempt(save)
    if errors:
        return definition(console, request, guid, errors)
    action = form.get("action")
    if action.startswith(ADD_LINK):
        extra = f"{level_id}:{action.removeprefix(ADD_LINK)}"
        where = request.url(f"/alert-definitions/{guid}")
        return Reply.redirect(f"{where}?add={extra}&notice=link#level-{level_id}")
    return Reply.redirect(request.url(f"/alert-definitions/{guid}", "saved") + f"#level-{level_id}")
