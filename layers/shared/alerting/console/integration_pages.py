"""Integrations: the list, `Add integration` with each type's own fields, one integration's settings,
its StatusHub services (`Add service`) and `Test` with the full request/response trace."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from alerting import masking
from alerting.console.forms import FieldErrors, Form, attempt
from alerting.console.replies import Reply
from alerting.console.views import Console, Request, listing, page, submit
from alerting.integrations import spec_for, spec_for_public
from alerting.models.api import (
    IntegrationInput,
    IntegrationPatch,
    IntegrationTestRequest,
    IntegrationTestResult,
    ServiceInput,
)
from alerting.models.config import IntegrationType

TEST_ALERT_TYPES = ("Error", "Ok")


@dataclass(frozen=True)
class TypeChoice:
    """One integration type as the add form offers it: its value, its name and the variables it asks."""

    value: str
    label: str
    variables: tuple[str, ...]
    secret: frozenset[str]
    steps: bool
    recipients: bool
    services: bool


def type_choices() -> list[TypeChoice]:
    choices = []
    for kind in IntegrationType:
        spec = spec_for(kind)
        variables = tuple(
            dict.fromkeys(
                [
                    *spec.required_variables,
                    *spec.stands_in_for.values(),
                    *spec.url_variables,
                    *spec.secret_url_variables,
                ]
            )
        )
        secret = frozenset(
            name for name in variables if masking.is_secret_name(name) or name in spec.secret_url_variables
        )
        choices.append(
            TypeChoice(kind.value, spec.name, variables, secret, spec.steps, spec.recipients, spec.services)
        )
    return choices


def integrations(console: Console, request: Request) -> Reply:
    names = {choice.value: choice.label for choice in type_choices()}
    return listing(
        console,
        request,
        console.api.list_integrations,
        "integrations.html",
        section="integrations",
        title="Integrations",
        type_names=names,
    )


def new_integration(console: Console, request: Request, errors: FieldErrors | None = None) -> Reply:
    choices = type_choices()
    return page(
        console,
        request,
        "integration_new.html",
        section="integrations",
        title="Add integration",
        errors=errors,
        choices=choices,
        # IntegrationType lists StatusHub first: the seed's own integration is the form's default.
        chosen=request.form.get("Type") or request.query.get("type", choices[0].value),
    )


def _integration_body(form: Form) -> dict[str, Any]:
    kind = form.get("Type")
    body: dict[str, Any] = {"Name": form.get("Name"), "Type": kind}
    chosen = next((choice for choice in type_choices() if choice.value == kind), None)
    if chosen is None:
        return body
    prefix = f"{kind}:Variables."
    body["Variables"] = {
        name[len(prefix) :]: value
        for name, value in form.values().items()
        if name.startswith(prefix) and value.strip()
    }
    if chosen.steps:
        step = {"Method": form.get("Steps[0].Method", "POST"), "Url": form.get("Steps[0].Url")}
        if form.get("Steps[0].Body"):
            step["Body"] = form.get("Steps[0].Body")
        body["Steps"] = [step]
    return body


def add_integration(console: Console, request: Request) -> Reply:
    body = _integration_body(request.form)
    return submit(
        lambda: console.api.create_integration(IntegrationInput.model_validate(body)),
        lambda errors: new_integration(console, request, errors),
        lambda created: request.url(f"/integrations/{created.integration_guid}", "created"),
    )


def integration(
    console: Console,
    request: Request,
    guid: UUID,
    errors: FieldErrors | None = None,
    trace: IntegrationTestResult | None = None,
) -> Reply:
    view = console.api.get_integration(guid)
    spec = spec_for_public(view.type, view.template)
    services = console.api.list_services(guid) if spec.services else []
    return page(
        console,
        request,
        "integration.html",
        section="integrations",
        title=view.name,
        errors=errors,
        integration=view,
        type_name=spec.name,
        has_services=spec.services,
        external_services=spec.external_services,
        services=services,
        adding_service=request.query.get("add") == "service"
        or any(k in (errors or {}) for k in ("Url", "ExternalId", "form")),
        secret_names={name for name in view.variables if masking.is_secret_name(name)},
        test_alert_types=TEST_ALERT_TYPES,
        trace=trace,
    )


def save_integration(console: Console, request: Request, guid: UUID) -> Reply:
    form = request.form
    patch: dict[str, Any] = {"Name": form.get("Name"), "IsActive": form.checked("IsActive")}
    variables = {
        name.removeprefix("Variables."): value
        for name, value in form.values().items()
        if name.startswith("Variables.")
    }
    if variables:
        patch["Variables"] = variables
    return submit(
        lambda: console.api.patch_integration(guid, IntegrationPatch.model_validate(patch)),
        lambda errors: integration(console, request, guid, errors),
        request.url(f"/integrations/{guid}", "saved"),
    )


def add_service(console: Console, request: Request, guid: UUID) -> Reply:
    form = request.form
    view = console.api.get_integration(guid)
    # The API templates name the page's own service (or component) id; hook-mode StatusHub its hook URL.
    where = "ExternalId" if spec_for_public(view.type, view.template).external_services else "Url"
    given = {"Name": form.get("ServiceName"), where: form.get(where)}
    # The service form's name field is `ServiceName` so it never shares an error with the integration's.
    renamed = {"Name": "ServiceName"}
    return submit(
        lambda: console.api.create_service(guid, ServiceInput.model_validate(given)),
        lambda errors: integration(console, request, guid, {renamed.get(k, k): v for k, v in errors.items()}),
        request.url(f"/integrations/{guid}", "created"),
    )


def delete_service(console: Console, request: Request, guid: UUID, service_guid: UUID) -> Reply:
    console.api.delete_service(guid, service_guid)
    return Reply.redirect(request.url(f"/integrations/{guid}", "deleted"))


def test_integration(console: Console, request: Request, guid: UUID) -> Reply:
    form = request.form
    given: dict[str, Any] = {"AlertType": form.get("AlertType", "Error")}
    if form.get("IntegrationServiceGuid"):
        given["IntegrationServiceGuid"] = form.get("IntegrationServiceGuid")
    result, errors = attempt(
        lambda: console.api.test_integration(guid, IntegrationTestRequest.model_validate(given))
    )
    return integration(console, request, guid, errors, trace=result)
