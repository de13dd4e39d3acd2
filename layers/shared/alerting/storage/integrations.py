"""Integrations and, for StatusHub, the services they update."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from alerting.models.config import Integration, IntegrationService
from alerting.storage import keys, level_links
from alerting.storage.config_repository import ConfigKind, ConfigRepository, Versioned
from alerting.storage.dynamo import query_all, query_prefix, translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

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


class Integrations(ConfigRepository[Integration]):
    def __init__(self, table: Table) -> None:
        super().__init__(table, INTEGRATION)

    def delete(self, guid: UUID) -> None:
        """Delete the integration, the level items attaching it (together), then its services."""
        level_links.delete_linked(self._table, level_links.Linked(KIND, guid, keys.integration(guid)))
        items = query_all(
            self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": keys.integration_partition(guid)},
            ProjectionExpression="PK, SK",
        )
        with translated_errors(), self._table.batch_writer() as batch:
            for item in items:
                batch.delete_item(Key={"PK": item["PK"], "SK": item["SK"]})

    def services(self, guid: UUID) -> list[IntegrationService]:
        self.get(guid)
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
        self._delete_existing(keys.service(guid, service_guid), SERVICE, service_guid)

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
        services = [
            IntegrationService.model_validate(item["Config"])
            for item in items
            if str(item["SK"]).startswith(keys.SERVICE_PREFIX)
        ]
        return IntegrationConfig(
            Integration.model_validate(head["Config"]), {s.integration_service_guid: s for s in services}
        )
