"""Integrations and, for StatusHub, the services they update."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from alerting.errors import AlreadyExistsError, ConcurrentUpdateError, NotFoundError
from alerting.models.config import Integration, IntegrationService
from alerting.storage import keys
from alerting.storage.dynamo import page_of_kind, query_all, translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

KIND = "Integration"


@dataclass(frozen=True)
class IntegrationConfig:
    """An integration with its services, as delivery and the evaluator need it."""

    integration: Integration
    services: dict[UUID, IntegrationService]


class Integrations:
    def __init__(self, table: Table) -> None:
        self._table = table

    def create(self, integration: Integration) -> None:
        guid = integration.integration_guid
        item: dict[str, Any] = {
            **keys.integration(guid),
            **keys.listing(keys.Kind.INTEGRATION, integration.name, guid),
            "Config": integration.to_json_dict(),
        }
        try:
            with translated_errors():
                self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ConcurrentUpdateError as exc:
            raise AlreadyExistsError(KIND, str(guid)) from exc

    def get(self, guid: UUID) -> Integration:
        with translated_errors():
            item = self._table.get_item(Key=keys.integration(guid), ConsistentRead=True).get("Item")
        if item is None:
            raise NotFoundError(KIND, str(guid))
        return Integration.model_validate(item["Config"])

    def page(self, limit: int, cursor: str | None) -> tuple[list[Integration], str | None]:
        return page_of_kind(self._table, keys.Kind.INTEGRATION, Integration, limit, cursor)

    def replace(self, integration: Integration) -> None:
        guid = integration.integration_guid
        order = keys.listing(keys.Kind.INTEGRATION, integration.name, guid)["GSI1SK"]
        try:
            with translated_errors():
                self._table.update_item(
                    Key=keys.integration(guid),
                    UpdateExpression="SET Config = :config, GSI1SK = :order",
                    ConditionExpression="attribute_exists(PK)",
                    ExpressionAttributeValues={":config": integration.to_json_dict(), ":order": order},
                )
        except ConcurrentUpdateError as exc:
            raise NotFoundError(KIND, str(guid)) from exc

    def delete(self, guid: UUID) -> None:
        """Delete the integration and its services; levels still naming it skip it from then on."""
        self.get(guid)
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
        items = query_all(
            self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={
                ":pk": keys.integration_partition(guid),
                ":prefix": keys.SERVICE_PREFIX,
            },
        )
        services = [IntegrationService.model_validate(item["Config"]) for item in items]
        return {service.integration_service_guid: service for service in services}

    def service(self, guid: UUID, service_guid: UUID) -> IntegrationService:
        with translated_errors():
            item = self._table.get_item(Key=keys.service(guid, service_guid), ConsistentRead=True).get("Item")
        if item is None:
            raise NotFoundError("IntegrationService", str(service_guid))
        return IntegrationService.model_validate(item["Config"])

    def add_service(self, guid: UUID, service: IntegrationService) -> None:
        self.get(guid)
        item: dict[str, Any] = {
            **keys.service(guid, service.integration_service_guid),
            "Config": service.to_json_dict(),
        }
        try:
            with translated_errors():
                self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ConcurrentUpdateError as exc:
            raise AlreadyExistsError("IntegrationService", str(service.integration_service_guid)) from exc

    def replace_service(self, guid: UUID, service: IntegrationService) -> None:
        item: dict[str, Any] = {
            **keys.service(guid, service.integration_service_guid),
            "Config": service.to_json_dict(),
        }
        try:
            with translated_errors():
                self._table.put_item(Item=item, ConditionExpression="attribute_exists(PK)")
        except ConcurrentUpdateError as exc:
            raise NotFoundError("IntegrationService", str(service.integration_service_guid)) from exc

    def delete_service(self, guid: UUID, service_guid: UUID) -> None:
        try:
            with translated_errors():
                self._table.delete_item(
                    Key=keys.service(guid, service_guid), ConditionExpression="attribute_exists(PK)"
                )
        except ConcurrentUpdateError as exc:
            raise NotFoundError("IntegrationService", str(service_guid)) from exc

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
