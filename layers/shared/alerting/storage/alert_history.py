"""A monitor's alert history and decision records: items in the monitor's partition, kept until their TTL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from alerting.models.alert import Alert, AlertType, Decision
from alerting.storage import keys
from alerting.storage.dynamo import decode_cursor, encode_cursor, translated_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


@dataclass(frozen=True)
class AlertQuery:
    take: int = 100
    cursor: str | None = None
    ascending: bool = False
    start: datetime | None = None
    end: datetime | None = None
    include_reminders: bool = False


class AlertHistory:
    def __init__(self, table: Table) -> None:
        self._table = table

    def alerts(self, monitor_guid: UUID, query: AlertQuery) -> tuple[list[Alert], str | None]:
        """One page of alerts by timestamp; reminders are left out by a filter unless asked for."""
        low = keys.alert_sort_key(query.start) if query.start else keys.ALERT_PREFIX
        high = keys.alert_sort_key(query.end) + "~" if query.end else keys.ALERT_PREFIX + "~"
        request: dict[str, Any] = {
            "KeyConditionExpression": "PK = :pk AND SK BETWEEN :low AND :high",
            "ExpressionAttributeValues": {
                ":pk": keys.monitor_partition(monitor_guid),
                ":low": low,
                ":high": high,
            },
            "ScanIndexForward": query.ascending,
        }
        if not query.include_reminders:
            request["FilterExpression"] = "AlertType <> :reminder"
            request["ExpressionAttributeValues"][":reminder"] = AlertType.REMINDER.value
        items = self._page(request, query.take, query.cursor)
        alerts = [Alert.model_validate(item["Alert"]) for item in items[: query.take]]
        return alerts, _next(items, query.take)

    def decisions(
        self, monitor_guid: UUID, take: int, cursor: str | None
    ) -> tuple[list[tuple[str, Decision]], str | None]:
        """Decision records, newest first, each with its id (when it was evaluated, and the state version)."""
        request: dict[str, Any] = {
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": keys.monitor_partition(monitor_guid),
                ":prefix": keys.DECISION_PREFIX,
            },
            "ScanIndexForward": False,
        }
        items = self._page(request, take, cursor)
        decisions = [
            (
                str(item["SK"]).removeprefix(keys.DECISION_PREFIX),
                Decision.model_validate_json(str(item["Decision"])),
            )
            for item in items[:take]
        ]
        return decisions, _next(items, take)

    def _page(self, request: dict[str, Any], take: int, cursor: str | None) -> list[dict[str, Any]]:
        """Up to take + 1 matching items (the extra one says whether there is a next page).

        A filter applies after DynamoDB's Limit, so pages are followed until enough items matched.
        """
        items: list[dict[str, Any]] = []
        start = decode_cursor(cursor)
        with translated_errors():
            while len(items) <= take:
                if start:
                    request["ExclusiveStartKey"] = start
                page = self._table.query(**request, Limit=take + 1 - len(items))
                items += page.get("Items", [])
                start = page.get("LastEvaluatedKey")
                if not start:
                    break
        return items


def _next(items: list[dict[str, Any]], take: int) -> str | None:
    if len(items) <= take:
        return None
    last = items[take - 1]
    return encode_cursor({"PK": last["PK"], "SK": last["SK"]})
