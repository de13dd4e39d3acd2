"""The integration types: one module each holds its spec and its rendering; this is their registry.

Everything else asks `spec_for(type)` what a type needs, where it sends and how, and never branches on a
type itself. The checks here are the ones every type shares, made when an integration or its
attachment to a level is saved; a type adds its own through `IntegrationSpec.check`.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from alerting.errors import InvalidInputError
from alerting.integrations import (
    email,
    opsgenie,
    pagerduty,
    servicenow,
    slack,
    sms,
    splunk_on_call,
    statushub,
    statushub_api,
    statuspage,
    teams,
    uptrends_integration,
    webhook,
)
from alerting.integrations.spec import IntegrationSpec
from alerting.models.config import (
    Integration,
    IntegrationTemplate,
    IntegrationType,
    LevelIntegration,
    ServiceStatus,
    UptrendsIntegrationType,
)
from alerting.templating import Account, check_functions

__all__ = [
    "DELETED_INTEGRATION_TYPE",
    "IntegrationSpec",
    "check_attachment",
    "check_integration",
    "public_type",
    "spec_for",
    "spec_for_public",
    "stored_type",
]

_SPECS: dict[IntegrationType, IntegrationSpec] = {
    module.SPEC.type: module.SPEC
    for module in (
        statushub,
        webhook,
        uptrends_integration,
        slack,
        teams,
        pagerduty,
        splunk_on_call,
        servicenow,
        opsgenie,
        email,
        sms,
        statushub_api,
        statuspage,
    )
}
# What a level shows for an integration deleted after it was attached (the level skips it when alerting).
DELETED_INTEGRATION_TYPE = webhook.SPEC.type
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


# How each type speaks Uptrends' enum (DESIGN §3): template-based types are a GenericWebhook with a Template.
PublicType = tuple[UptrendsIntegrationType, IntegrationTemplate | None]
_PUBLIC: dict[IntegrationType, PublicType] = {
    IntegrationType.STATUSHUB: (UptrendsIntegrationType.STATUSHUB, None),
    IntegrationType.SLACK: (UptrendsIntegrationType.SLACK, None),
    IntegrationType.PAGERDUTY: (UptrendsIntegrationType.PAGERDUTY, None),
    IntegrationType.EMAIL: (UptrendsIntegrationType.EMAIL, None),
    IntegrationType.SMS: (UptrendsIntegrationType.SMS, None),
    IntegrationType.WEBHOOK: (UptrendsIntegrationType.GENERIC_WEBHOOK, None),
    **{
        IntegrationType(template.value): (UptrendsIntegrationType.GENERIC_WEBHOOK, template)
        for template in IntegrationTemplate
    },
}
_STORED = {public: kind for kind, public in _PUBLIC.items()}


def spec_for(kind: IntegrationType) -> IntegrationSpec:
    return _SPECS[kind]


def spec_for_public(kind: UptrendsIntegrationType, template: IntegrationTemplate | None) -> IntegrationSpec:
    """The spec of an integration as the API shows it (`Type` and `Template`)."""
    return spec_for(stored_type(kind.value, template))


def public_type(kind: IntegrationType) -> PublicType:
    """`Type` and `Template` of an integration as the API shows them."""
    return _PUBLIC[kind]


def stored_type(given: str, template: IntegrationTemplate | None) -> IntegrationType:
    """Our type for a `Type` (Uptrends' name, or one of today's kept as aliases) and its `Template`."""
    if given not in {public.value for public in UptrendsIntegrationType}:
        kind = IntegrationType(given)
        if template is not None and template.value != kind.value:
            raise InvalidInputError("Template", f"does not match Type {kind.value}")
        return kind
    public = UptrendsIntegrationType(given)
    found = _STORED.get((public, template))
    if found is None and template is not None:
        raise InvalidInputError("Template", "is only for Type GenericWebhook")
    if found is None:
        raise InvalidInputError("Type", f"NotAvailable: {public.value} integrations are not supported")
    return found


def check_integration(integration: Integration, now: datetime, account: Account) -> None:
    """Refuse an integration that could not deliver; the message names the field."""
    spec = spec_for(integration.type)
    _check_variables(integration, spec)
    if integration.steps and not spec.steps:
        raise InvalidInputError("Steps", "NotAvailable: only Webhook integrations have steps")
    if integration.functions and not spec.steps:
        raise InvalidInputError("Functions", "NotAvailable: only Webhook integrations have functions")
    check_functions(integration.functions)
    spec.check(integration, now, account)


def _check_variables(integration: Integration, spec: IntegrationSpec) -> None:
    for name in [*integration.variables, *integration.per_level_variables]:
        if not VARIABLE_NAME.fullmatch(name):
            raise InvalidInputError(f"Variables.{name}", "must be a name of letters, digits and _")
    for name in integration.per_level_variables:
        if name in integration.variables:
            raise InvalidInputError(f"PerLevelVariables.{name}", "is also fixed in Variables: choose one")
    given = {name for name, value in integration.variables.items() if value}
    given |= set(integration.per_level_variables)
    for name in spec.required_variables:
        if name not in given and spec.stands_in_for.get(name) not in given:
            alternative = f" or {spec.stands_in_for[name]}" if name in spec.stands_in_for else ""
            raise InvalidInputError(
                f"Variables.{name}",
                f"is required for {integration.type.value}{alternative} (or list it in PerLevelVariables)",
            )
    for name in spec.url_variables:
        url = integration.variables.get(name, "").strip()
        if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname):
            raise InvalidInputError(f"Variables.{name}", f"{url!r} is not an http(s) URL")


def check_attachment(integration: Integration, attached: LevelIntegration) -> None:
    """A level must give a value to each per-level variable, and nothing the integration cannot use."""
    spec = spec_for(integration.type)
    for name in integration.per_level_variables:
        if not attached.variable_values.get(name):
            raise InvalidInputError(
                f"VariableValues.{name}", "is required: the integration takes this variable from each level"
            )
    for name in attached.variable_values:
        if name not in integration.per_level_variables:
            raise InvalidInputError(
                f"VariableValues.{name}", "is not a per-level variable of the integration"
            )
    if attached.extra_email_addresses and not spec.extra_email_addresses:
        raise InvalidInputError("ExtraEmailAddresses", "NotAvailable: the integration is not of Type Email")
    if attached.status_hub_service_list and not spec.services:
        raise InvalidInputError(
            "StatusHubServiceList", "NotAvailable: the integration is not of Type Statushub"
        )
    for index, link in enumerate(attached.status_hub_service_list):
        if link.service_status not in spec.service_statuses:
            allowed = ", ".join(status.value for status in ServiceStatus if status in spec.service_statuses)
            raise InvalidInputError(
                f"StatusHubServiceList[{index}].ServiceStatus",
                f"NotAvailable: {spec.name} takes {allowed}",
            )
    if attached.publish_maintenance and not spec.external_services:
        raise InvalidInputError(
            "PublishMaintenance",
            "NotAvailable: only the StatushubApi and Statuspage templates publish maintenance",
        )
