"""Integrations and, for StatusHub, the services they update."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from alerting.errors import AlreadyExistsError, ConcurrentUpdateError, NotFoundError
from alerting.models.config import Integration, IntegrationService, LevelIntegration
from alerting.storage import keys, level_links
from alerting.storage.config_repository import (
    VERSION,
    ConfigKind,
    LinkedConfigRepository,
    Versioned,
    version_of,
)
from alerting.storage.dynamo import get_many, query_all, query_prefix, transact, translated_errors

if TYPE_CHECKING:
    pass

KIND = "Integration"
SERVICE = "IntegrationService"


@dataclass(frozen=True)
class IntegrationConfig:
    """An integration with its services, as delivery and the evaluator need it."""

    integration: Integration
    services: dict[UUID, IntegrationService]


INTEGRATION = ConfigKind(
    KIND, Integration, keys.Kind.INTEGRATION, keys.integration, lambda i: i.integration_guid, lambda i: i.name
)


class Integrations(LinkedConfigRepository[Integration]):
    _kind = INTEGRATION

    def delete(self, guid: UUID) -> None:
        """Delete the integration, the level items attaching it (together), then its services."""
        super().delete(guid)
        self._delete_keys(self._partition_keys(keys.integration_partition(guid)))

    def services(self, guid: UUID) -> list[IntegrationService]:
        self.get(guid)
        return self.stored_services(guid)

    def stored_services(self, guid: UUID) -> list[IntegrationService]:
        """The services of an integration just read: one query, no second read of the integration."""
        return list(self._services(guid).values())

    def _services(self, guid: UUID) -> dict[UUID, IntegrationService]:
        items = query_prefix(self._table, keys.integration_partition(guid), keys.SERVICE_PREFIX)
        services = [IntegrationService.model_validate(item["Config"]) for item in items]
        return {service.integration_service_guid: service for service in services}

    def service(self, guid: UUID, service_guid: UUID) -> IntegrationService:
        return self.service_versioned(guid, service_guid).config

    def service_versioned(self, guid: UUID, service_guid: UUID) -> Versioned[IntegrationService]:
        return self._get_versioned(
            keys.service(guid, service_guid), SERVICE, service_guid, IntegrationService
        )

    def add_service(self, guid: UUID, service: IntegrationService) -> None:
        self.get(guid)
        service_guid = service.integration_service_guid
        self._put_new(keys.service(guid, service_guid), SERVICE, service_guid, service)

    def replace_service(self, guid: UUID, service: IntegrationService, version: int) -> None:
        service_guid = service.integration_service_guid
        self._put_existing(keys.service(guid, service_guid), SERVICE, service_guid, service, version)

    def delete_service(self, guid: UUID, service_guid: UUID) -> None:
        """Delete the service and drop it from every level that updates it, in one transaction (re-read
        when a level changed meanwhile), so no level keeps a link to a deleted service."""
        missing = NotFoundError(SERVICE, str(service_guid))
        for _ in range(level_links.DELETE_TRIES):
            delete = {
                "Delete": {
                    "TableName": self._table.name,
                    "Key": keys.service(guid, service_guid),
                    "ConditionExpression": "attribute_exists(PK)",
                }
            }
            try:
                transact(self._table, [delete, *self._unlinked_levels(guid, service_guid)], missing)
                return
            except ConcurrentUpdateError:
                continue
        raise AlreadyExistsError(SERVICE, "a concurrent change; retry")

    def _unlinked_levels(self, guid: UUID, service_guid: UUID) -> list[dict[str, Any]]:
        """The writes that take the service out of the levels attaching this integration, each at the
        version read."""
        writes = []
        for level_key in level_links.level_keys(self._table, keys.integration_partition(guid)):
            with translated_errors():
                item = self._table.get_item(Key=level_key, ConsistentRead=True).get("Item")
            if item is None:
                continue
            attached = LevelIntegration.model_validate(item["Config"])
            kept = [
                link
                for link in attached.status_hub_service_list
                if link.integration_service_guid != service_guid
            ]
            if len(kept) == len(attached.status_hub_service_list):
                continue
            version = version_of(item)
            changed = attached.model_copy(update={"status_hub_service_list": kept})
            writes.append(
                {
                    "Put": {
                        "TableName": self._table.name,
                        "Item": {**level_key, "Config": changed.to_json_dict(), VERSION: version + 1},
                        "ConditionExpression": f"{VERSION} = :version",
                        "ExpressionAttributeValues": {":version": version},
                    }
                }
            )
        return writes

    def head(self, guid: UUID) -> Integration | None:
        """The integration without its services; None if it was deleted."""
        return self.heads([guid]).get(guid)

    def heads(self, guids: Collection[UUID]) -> Mapping[UUID, Integration]:
        """Those of the integrations that exist, without their services: one request per 100."""
        items = get_many(self._table, [keys.integration(guid) for guid in guids])
        found = [Integration.model_validate(item["Config"]) for item in items]
        return {integration.integration_guid: integration for integration in found}

    def config(self, guid: UUID) -> IntegrationConfig | None:
        """The integration and its services in one query; None if it was deleted."""
        items = query_all(
            self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": keys.integration_partition(guid)},
        )
        head = next((item for item in items if item["SK"] == keys.integration(guid)["SK"]), None)
        if head is None:
            return None
        return integration_config(
            head, [item for item in items if str(item["SK"]).startswith(keys.SERVICE_PREFIX)]
        )


def integration_config(head: dict[str, Any], service_items: list[dict[str, Any]]) -> IntegrationConfig:
    """The integration of its stored item, with the services of theirs."""
    services = [IntegrationService.model_validate(item["Config"]) for item in service_items]
    return IntegrationConfig(
        Integration.model_validate(head["Config"]), {s.integration_service_guid: s for s in services}
    )
