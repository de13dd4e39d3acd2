"""The config API's operations: validate a change against what exists, then apply it through storage."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID

import httpx

from alerting import masking
from alerting.delivery.signing import SECRET_PREFIX
from alerting.delivery.transport import AddressPolicy
from alerting.errors import (
    AlreadyExistsError,
    ForbiddenAddressError,
    InvalidInputError,
    NotFoundError,
    VersionMismatchError,
)
from alerting.integrations import (
    DELETED_INTEGRATION_TYPE,
    check_attachment,
    check_integration,
    public_type,
    spec_for,
    stored_type,
)
from alerting.models.api import (
    AlertDefinitionInput,
    AlertDefinitionMonitor,
    AlertDefinitionOperator,
    AlertDefinitionPatch,
    EscalationLevelMember,
    EscalationLevelPatch,
    IntegrationInput,
    IntegrationPatch,
    IntegrationView,
    LevelIntegrationPatch,
    LevelIntegrationView,
    MonitorInput,
    MonitorPatch,
    OperatorInput,
    OperatorPatch,
    ServiceInput,
)
from alerting.models.base import ApiModel
from alerting.models.config import (
    AlertDefinition,
    AlertDefinitionMember,
    EscalationLevel,
    Integration,
    IntegrationService,
    IntegrationType,
    LevelIntegration,
    Monitor,
    Operator,
)
from alerting.storage.alert_definitions import AlertDefinitions
from alerting.storage.config_repository import Versioned
from alerting.storage.integrations import Integrations
from alerting.storage.monitors import Monitors
from alerting.storage.operators import Operators
from alerting.templating import Account

M = TypeVar("M", bound=ApiModel)

# Fields a PATCH may carry for compatibility with Uptrends clients but that change nothing themselves.
_COMPATIBILITY_FLAGS = {"status_hub_service_list_specified", "extra_email_addresses_specified"}


# How often a write that lost a race is re-applied to the fresh copy before the client gets a 409.
MAX_TRIES = 5


def rewrite(
    kind: str,
    read: Callable[[], Versioned[M]],
    change: Callable[[M], M],
    write: Callable[[M, int], None],
    if_match: int | None,
) -> None:
    """Read, change, write at the version read (DESIGN §3 Concurrency).

    With If-Match the version must be the client's (else 412); without, a lost race is re-applied to
    the fresh copy, and after MAX_TRIES lost races the client is told to retry (409): never lost.
    """
    for _ in range(MAX_TRIES):
        current = read()
        if if_match is not None and current.version != if_match:
            raise VersionMismatchError(f"{kind} is at another version than If-Match names")
        try:
            write(change(current.config), current.version)
            return
        except VersionMismatchError:
            if if_match is not None:
                raise
    raise AlreadyExistsError(kind, "a concurrent change; retry")


def patched(current: M, patch: ApiModel, guid_field: str) -> M:
    """`current` with the fields the patch names; the result is validated like a full object."""
    changes = patch.model_dump(exclude_unset=True, exclude=_COMPATIBILITY_FLAGS)
    _same_guid(changes.pop(guid_field, None), getattr(current, guid_field), guid_field)
    return type(current).model_validate({**current.model_dump(), **changes})


def replacement(model: type[M], given: ApiModel, guid_field: str, guid: UUID) -> M:
    """The stored form of a PUT body for the item at `guid`; a GUID in the body must match the path's."""
    _same_guid(getattr(given, guid_field), guid, guid_field)
    return model.model_validate({**given.model_dump(), guid_field: guid})


def _same_guid(given: object, expected: object, guid_field: str) -> None:
    if given is not None and given != expected:
        raise InvalidInputError(_pascal(guid_field), "does not match the guid in the path")


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


@dataclass
class Configuration:
    monitors: Monitors
    definitions: AlertDefinitions
    integrations: Integrations
    operators: Operators
    account: Account = field(default_factory=Account)
    new_guid: Callable[[], UUID] = field(default=uuid.uuid4)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    address_policy: AddressPolicy = field(default_factory=AddressPolicy)

    def _created(self, model: type[M], given: ApiModel, guid_field: str) -> M:
        """The stored form of a POST body, under the GUID it gives or a new one."""
        guid = getattr(given, guid_field) or self.new_guid()
        return model.model_validate({**given.model_dump(), guid_field: guid})

    # Monitors
    def create_monitor(self, given: MonitorInput) -> Monitor:
        monitor = self._created(Monitor, given, "monitor_guid")
        self.monitors.create(monitor)
        return monitor

    def replace_monitor(self, guid: UUID, given: MonitorInput, if_match: int | None = None) -> None:
        monitor = replacement(Monitor, given, "monitor_guid", guid)
        rewrite(
            "Monitor",
            lambda: self.monitors.get_versioned(guid),
            lambda _: monitor,
            self.monitors.replace,
            if_match,
        )

    def patch_monitor(self, guid: UUID, patch: MonitorPatch, if_match: int | None = None) -> None:
        rewrite(
            "Monitor",
            lambda: self.monitors.get_versioned(guid),
            lambda current: patched(current, patch, "monitor_guid"),
            self.monitors.replace,
            if_match,
        )

    # Integrations
    def create_integration(self, given: IntegrationInput) -> IntegrationView:
        kind = stored_type(given.type.value, given.template)
        integration = self._created(Integration, given.model_copy(update={"type": kind}), "integration_guid")
        # A masked key with nothing stored behind it becomes empty, which the checks refuse.
        integration = integration.model_copy(
            update={"functions": masking.keep_masked_functions(integration.functions, [])}
        )
        check_integration(integration, self.clock(), self.account)
        self._check_integration(integration)
        self.integrations.create(integration)
        return self.integration_view(integration.integration_guid)

    def integration_view(self, guid: UUID) -> IntegrationView:
        return self._integration_view(self.integrations.get(guid))

    def _integration_view(self, integration: Integration) -> IntegrationView:
        services = self.integrations.stored_services(integration.integration_guid)
        return IntegrationView.model_validate(
            {
                **integration.model_dump(),
                **_public_type(integration.type),
                "variables": masking.mask_variables(
                    integration.variables, spec_for(integration.type).secret_url_variables
                ),
                "steps": [masking.mask_step(step) for step in integration.steps],
                "signing_secrets": [_masked_secret(secret) for secret in integration.signing_secrets],
                "functions": masking.mask_functions(integration.functions),
                "integration_services": [s.integration_service_guid for s in services],
            }
        )

    def list_integrations(self, take: int, cursor: str | None) -> tuple[list[IntegrationView], str | None]:
        found, next_cursor = self.integrations.page(take, cursor)
        # A page of 1,000 integrations costs one query each for their services, not three requests.
        return [self._integration_view(integration) for integration in found], next_cursor

    def patch_integration(self, guid: UUID, patch: IntegrationPatch, if_match: int | None = None) -> None:
        rewrite(
            "Integration",
            lambda: self.integrations.get_versioned(guid),
            lambda current: self._patched_integration(current, patch),
            self.integrations.replace,
            if_match,
        )

    def _patched_integration(self, current: Integration, patch: IntegrationPatch) -> Integration:
        fresh = {"variables", "steps", "signing_secrets"} & patch.model_fields_set
        given = patched(current, patch, "integration_guid")
        integration = masking.kept_secrets(given, current, fresh)
        integration = integration.model_copy(
            update={"functions": masking.keep_masked_functions(integration.functions, current.functions)}
        )
        check_integration(integration, self.clock(), self.account)
        self._check_integration(integration)
        return integration

    def _check_integration(self, integration: Integration) -> None:
        for name, value in integration.variables.items():
            self._check_variable(f"Variables.{name}", name, value)
        for index, step in enumerate(integration.steps):
            # A templated URL is checked where it is known: at send, after rendering.
            if "{{" not in step.url:
                self._check_url(f"Steps[{index}].Url", step.url)
        for index, secret in enumerate(integration.signing_secrets):
            _check_signing_secret(f"SigningSecrets[{index}]", secret)

    def _check_url(self, field_name: str, url: str) -> None:
        try:
            self.address_policy.check_at_save(url)
        except (ForbiddenAddressError, httpx.InvalidURL, ValueError) as exc:
            # ValueError and InvalidURL: hosts no parser agrees on (`0251.0376.0251.0376`, `[::1`).
            raise InvalidInputError(field_name, f"not a deliverable address: {exc}") from exc

    def _check_variable(self, field_name: str, name: str, value: str) -> None:
        """A URL-named variable is an absolute http(s) URL (no `javascript:`, `data:` or `//host`)."""
        if masking.is_reference(value) or "{{" in value:
            return
        if name.lower().endswith("url") and value and not value.lower().startswith(("http://", "https://")):
            raise InvalidInputError(field_name, "must be an absolute http:// or https:// URL")
        if value.startswith(("http://", "https://")) or "://" in value[:12]:
            self._check_url(field_name, value)

    def add_service(self, guid: UUID, given: ServiceInput) -> IntegrationService:
        integration = self.integrations.get(guid)
        if not spec_for(integration.type).services:
            raise InvalidInputError("Type", "services exist only on integrations of Type Statushub")
        service = self._created(IntegrationService, given, "integration_service_guid")
        _check_service_reference(service, spec_for(integration.type).external_services)
        if service.url is not None:
            self._check_url("Url", str(service.url))
        self.integrations.add_service(guid, service)
        return masked_service(service)

    def replace_service(self, guid: UUID, service_guid: UUID, given: ServiceInput) -> None:
        service = replacement(IntegrationService, given, "integration_service_guid", service_guid)

        def change(current: IntegrationService) -> IntegrationService:
            if masking.is_masked(str(service.url)):  # the masked URL a GET showed: the stored token stays
                return service.model_copy(update={"url": current.url})
            return service

        _check_service_reference(service, spec_for(self.integrations.get(guid).type).external_services)
        if service.url is not None:
            self._check_url("Url", str(service.url).replace(masking.MASK, "masked"))
        rewrite(
            "IntegrationService",
            lambda: self.integrations.service_versioned(guid, service_guid),
            change,
            lambda changed, version: self.integrations.replace_service(guid, changed, version),
            None,
        )

    def service_view(self, guid: UUID, service_guid: UUID) -> IntegrationService:
        return masked_service(self.integrations.service(guid, service_guid))

    def service_views(self, guid: UUID) -> list[IntegrationService]:
        return [masked_service(service) for service in self.integrations.services(guid)]

    # Alert definitions
    def create_definition(self, given: AlertDefinitionInput) -> AlertDefinition:
        definition = self._created(AlertDefinition, given, "alert_definition_guid")
        self.definitions.create(definition)
        return definition

    def replace_definition(
        self, guid: UUID, given: AlertDefinitionInput, if_match: int | None = None
    ) -> None:
        definition = replacement(AlertDefinition, given, "alert_definition_guid", guid)
        rewrite(
            "AlertDefinition",
            lambda: self.definitions.get_versioned(guid),
            lambda _: definition,
            self.definitions.replace,
            if_match,
        )

    def patch_definition(self, guid: UUID, patch: AlertDefinitionPatch, if_match: int | None = None) -> None:
        rewrite(
            "AlertDefinition",
            lambda: self.definitions.get_versioned(guid),
            lambda current: patched(current, patch, "alert_definition_guid"),
            self.definitions.replace,
            if_match,
        )

    def add_monitor_member(self, guid: UUID, monitor_guid: UUID) -> AlertDefinitionMonitor:
        self.definitions.add_monitor(guid, monitor_guid)
        return AlertDefinitionMonitor(alert_definition=guid, monitor=monitor_guid)

    def members(self, guid: UUID) -> list[AlertDefinitionMember]:
        return self.definitions.members(guid)

    # Escalation levels
    def replace_level(
        self, guid: UUID, level_id: int, given: EscalationLevel, if_match: int | None = None
    ) -> None:
        if given.id != level_id:
            raise InvalidInputError("Id", "does not match the level id in the path")
        self._rewrite_level(guid, level_id, lambda _: given, if_match)

    def patch_level(
        self, guid: UUID, level_id: int, patch: EscalationLevelPatch, if_match: int | None = None
    ) -> None:
        self._rewrite_level(guid, level_id, lambda current: patched(current, patch, "id"), if_match)

    def _rewrite_level(
        self,
        guid: UUID,
        level_id: int,
        change: Callable[[EscalationLevel], EscalationLevel],
        if_match: int | None,
    ) -> None:
        rewrite(
            "EscalationLevel",
            lambda: self.definitions.level_versioned(guid, level_id),
            change,
            lambda level, version: self.definitions.replace_level(guid, level, version),
            if_match,
        )

    # Integrations attached to levels
    def attach_integration(
        self, guid: UUID, level_id: int, given: LevelIntegrationPatch
    ) -> LevelIntegrationView:
        if given.integration_guid is None:
            raise InvalidInputError("IntegrationGuid", "is required")
        attached = LevelIntegration.model_validate(
            given.model_dump(exclude_unset=True, exclude=_COMPATIBILITY_FLAGS)
        )
        attached = self._webhook_switches(attached, given)
        self._check_attachment(attached)
        self.definitions.attach(guid, level_id, attached)
        return self.level_integration_view(guid, level_id, attached.integration_guid)

    def patch_level_integration(
        self,
        guid: UUID,
        level_id: int,
        integration_guid: UUID,
        patch: LevelIntegrationPatch,
        if_match: int | None = None,
    ) -> None:
        def change(current: LevelIntegration) -> LevelIntegration:
            attached = patched(current, patch, "integration_guid")
            kept = masking.keep_masked(attached.variable_values, current.variable_values)
            attached = attached.model_copy(update={"variable_values": kept})
            self._check_attachment(attached)
            return attached

        rewrite(
            "EscalationLevelIntegration",
            lambda: self.definitions.level_integration_versioned(guid, level_id, integration_guid),
            change,
            lambda attached, version: self.definitions.replace_level_integration(
                guid, level_id, attached, version
            ),
            if_match,
        )

    def level_integration_view(
        self, guid: UUID, level_id: int, integration_guid: UUID
    ) -> LevelIntegrationView:
        return self._view(self.definitions.level_integration(guid, level_id, integration_guid))

    def level_integration_views(self, guid: UUID, level_id: int) -> list[LevelIntegrationView]:
        return [self._view(attached) for attached in self.definitions.level_integrations(guid, level_id)]

    def _view(self, attached: LevelIntegration) -> LevelIntegrationView:
        try:
            integration = self.integrations.get(attached.integration_guid)
            services = [
                s.integration_service_guid for s in self.integrations.services(attached.integration_guid)
            ]
            name, kind = integration.name, integration.type
        except NotFoundError:
            # The integration was deleted after it was attached; the level skips it when alerting.
            name, kind, services = "(deleted integration)", DELETED_INTEGRATION_TYPE, []
        return LevelIntegrationView.model_validate(
            {
                **attached.model_dump(),
                "name": name,
                **_public_type(kind),
                "variable_values": masking.mask_variables(attached.variable_values),
                "extra_email_addresses": ",".join(attached.extra_email_addresses),
                "integration_services": services,
            }
        )

    def _webhook_switches(self, attached: LevelIntegration, given: LevelIntegrationPatch) -> LevelIntegration:
        """A custom webhook's steps say which alert types it sends, unless the level says otherwise."""
        try:
            integration = self.integrations.get(attached.integration_guid)
        except NotFoundError:
            return attached
        if not spec_for(integration.type).steps:
            return attached
        switches = {
            "send_ok_alerts": integration.step_for("Ok") is not None,
            "send_reminder_alerts": integration.step_for("Reminder") is not None,
        }
        chosen = {k: v for k, v in switches.items() if k not in given.model_fields_set}
        return attached.model_copy(update=chosen)

    def _check_attachment(self, attached: LevelIntegration) -> None:
        try:
            integration = self.integrations.get(attached.integration_guid)
        except NotFoundError as exc:
            raise InvalidInputError("IntegrationGuid", "no integration has this guid") from exc
        for name, value in attached.variable_values.items():
            self._check_variable(f"VariableValues.{name}", name, value)
        check_attachment(integration, attached)
        links = attached.status_hub_service_list
        known = {s.integration_service_guid for s in self.integrations.services(attached.integration_guid)}
        for index, link in enumerate(links):
            if link.integration_service_guid not in known:
                raise InvalidInputError(
                    f"StatusHubServiceList[{index}].IntegrationServiceGuid",
                    "is not a service of this integration",
                )
            try:
                self.monitors.get(link.monitor_guid)
            except NotFoundError as exc:
                raise InvalidInputError(
                    f"StatusHubServiceList[{index}].MonitorGuid", "no monitor has this guid"
                ) from exc

    # Operators and the levels they are members of
    def create_operator(self, given: OperatorInput) -> Operator:
        operator = self._created(Operator, given, "operator_guid")
        self.operators.create(operator)
        return operator

    def patch_operator(self, guid: UUID, patch: OperatorPatch, if_match: int | None = None) -> None:
        rewrite(
            "Operator",
            lambda: self.operators.get_versioned(guid),
            lambda current: patched(current, patch, "operator_guid"),
            self.operators.replace,
            if_match,
        )

    def level_members(self, guid: UUID, level_id: int) -> list[EscalationLevelMember]:
        self.definitions.level(guid, level_id)
        return [
            EscalationLevelMember(operator_guid=operator)
            for operator in self.operators.level_member_guids(guid, level_id)
        ]

    def add_level_operator(self, guid: UUID, level_id: int, operator_guid: UUID) -> AlertDefinitionOperator:
        self.definitions.level(guid, level_id)
        self.operators.add_to_level(guid, level_id, operator_guid)
        return AlertDefinitionOperator(
            alert_definition=guid, escalationlevel=level_id, operator=operator_guid
        )

    def remove_level_operator(self, guid: UUID, level_id: int, operator_guid: UUID) -> None:
        self.definitions.level(guid, level_id)
        self.operators.remove_from_level(guid, level_id, operator_guid)


def masked_service(service: IntegrationService) -> IntegrationService:
    """A StatusHub service as the API shows it: the hook URL's token is a secret."""
    if service.url is None:
        return service
    return IntegrationService.model_validate(
        {**service.model_dump(), "url": masking.mask_url(str(service.url))}
    )


def _check_service_reference(service: IntegrationService, external: bool) -> None:
    """Hook-mode StatusHub services post to a `Url`; the API modes name the page's own id."""
    if external and not service.external_id:
        raise InvalidInputError(
            "ExternalId", "is required: the StatusHub service id or Statuspage component id"
        )
    if not external and service.url is None:
        raise InvalidInputError("Url", "is required: the StatusHub hook URL of the service")


def _masked_secret(secret: str) -> str:
    return secret if masking.is_reference(secret) else f"{SECRET_PREFIX}{masking.MASK}"


def _check_signing_secret(field_name: str, secret: str) -> None:
    if masking.is_reference(secret):
        return
    if not secret.startswith(SECRET_PREFIX):
        raise InvalidInputError(field_name, f"a signing secret starts with {SECRET_PREFIX} or is a reference")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInputError(field_name, "the part after whsec_ must be base64") from exc
    if not 24 <= len(key) <= 64:
        raise InvalidInputError(field_name, "the key must be 24 to 64 bytes (Standard Webhooks)")


def _public_type(kind: IntegrationType) -> dict[str, object]:
    public, template = public_type(kind)
    return {"type": public, "template": template}
