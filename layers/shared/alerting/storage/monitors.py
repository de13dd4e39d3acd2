"""Monitors: their config (API) and their evaluation state (evaluator), kept in one item per monitor.

One item means the evaluator reads a monitor's settings, memberships and state in a single request,
and the steady OK path is a single conditional update.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from botocore.exceptions import ClientError
from pydantic import TypeAdapter

from alerting.errors import AlreadyExistsError, ConcurrentUpdateError, NotFoundError
from alerting.models.alert import Alert, MonitorState
from alerting.models.config import Monitor
from alerting.models.delivery import DeliveryJob
from alerting.storage import keys
from alerting.storage.dynamo import (
    decode_cursor,
    encode_cursor,
    from_low_level,
    translated_errors,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

_jobs = TypeAdapter(list[DeliveryJob])


@dataclass(frozen=True)
class MonitorRecord:
    monitor: Monitor
    state: MonitorState
    definition_guids: frozenset[UUID] = frozenset()
    # Deliveries of the last transition, re-sent if that same check arrives again (a retried event).
    outbox: tuple[DeliveryJob, ...] = ()
    outbox_watermark: str | None = None


@dataclass(frozen=True)
class Advance:
    """Result of the steady-path update: either done, or the item as it stands (for the full path)."""

    done: bool
    record: MonitorRecord | None = field(default=None)


def _record(item: dict[str, Any]) -> MonitorRecord:
    state_fields = json.loads(item["State"]) if "State" in item else {}
    state = MonitorState.model_validate(
        {**state_fields, "Watermark": item.get("Watermark"), "Version": int(item.get("Version", 0))}
    )
    return MonitorRecord(
        monitor=Monitor.model_validate(item["Config"]),
        state=state,
        definition_guids=frozenset(UUID(g) for g in item.get("DefinitionGuids", ())),
        outbox=tuple(_jobs.validate_json(item["Outbox"])) if "Outbox" in item else (),
        outbox_watermark=item.get("OutboxWatermark"),
    )


class Monitors:
    def __init__(self, table: Table) -> None:
        self._table = table

    def create(self, monitor: Monitor) -> None:
        item: dict[str, Any] = {
            **keys.monitor(monitor.monitor_guid),
            **keys.listing(keys.Kind.MONITOR, monitor.name, monitor.monitor_guid),
            "Config": monitor.to_json_dict(),
        }
        try:
            with translated_errors():
                self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ConcurrentUpdateError as exc:
            raise AlreadyExistsError("Monitor", str(monitor.monitor_guid)) from exc

    def get(self, monitor_guid: UUID) -> Monitor:
        return self.record(monitor_guid).monitor

    def record(self, monitor_guid: UUID) -> MonitorRecord:
        with translated_errors():
            item = self._table.get_item(Key=keys.monitor(monitor_guid), ConsistentRead=True).get("Item")
        if item is None:
            raise NotFoundError("Monitor", str(monitor_guid))
        return _record(item)

    def page(self, limit: int, cursor: str | None) -> tuple[list[Monitor], str | None]:
        query: dict[str, Any] = {
            "IndexName": keys.BY_KIND_INDEX,
            "KeyConditionExpression": "GSI1PK = :kind",
            "ExpressionAttributeValues": {":kind": keys.Kind.MONITOR.value},
            "Limit": limit,
        }
        if start := decode_cursor(cursor):
            query["ExclusiveStartKey"] = start
        with translated_errors():
            page = self._table.query(**query)
        monitors = [Monitor.model_validate(item["Config"]) for item in page.get("Items", [])]
        return monitors, encode_cursor(page.get("LastEvaluatedKey"))

    def replace(self, monitor: Monitor) -> None:
        """Change the config; the evaluation state in the same item is left alone."""
        listing = keys.listing(keys.Kind.MONITOR, monitor.name, monitor.monitor_guid)
        try:
            with translated_errors():
                self._table.update_item(
                    Key=keys.monitor(monitor.monitor_guid),
                    UpdateExpression="SET Config = :config, GSI1SK = :order",
                    ConditionExpression="attribute_exists(PK)",
                    ExpressionAttributeValues={
                        ":config": monitor.to_json_dict(),
                        ":order": listing["GSI1SK"],
                    },
                )
        except ConcurrentUpdateError as exc:
            raise NotFoundError("Monitor", str(monitor.monitor_guid)) from exc

    def delete(self, monitor_guid: UUID) -> None:
        """Delete the monitor and its memberships; its alert history expires by TTL."""
        record = self.record(monitor_guid)
        operations: list[dict[str, Any]] = [
            {"Delete": {"TableName": self._table.name, "Key": keys.monitor(monitor_guid)}}
        ]
        operations += [
            {
                "Delete": {
                    "TableName": self._table.name,
                    "Key": keys.definition_member(definition_guid, monitor_guid),
                }
            }
            for definition_guid in record.definition_guids
        ]
        with translated_errors():
            self._table.meta.client.transact_write_items(TransactItems=operations)  # type: ignore[arg-type]

    def advance_if_clean(self, monitor_guid: UUID, watermark: str) -> Advance:
        """The steady path: move the watermark of a monitor with nothing open, in one request.

        When the condition fails DynamoDB hands back the item as it stands, so the caller has what it
        needs for the full path without another read.
        """
        try:
            with translated_errors():
                self._table.meta.client.update_item(
                    TableName=self._table.name,
                    Key=keys.monitor(monitor_guid),
                    UpdateExpression="SET Watermark = :watermark",
                    ConditionExpression=(
                        "attribute_exists(PK) AND attribute_not_exists(#state) "
                        "AND (attribute_not_exists(Watermark) OR Watermark < :watermark)"
                    ),
                    ExpressionAttributeNames={"#state": "State"},
                    ExpressionAttributeValues={":watermark": watermark},
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
        except ConcurrentUpdateError as exc:
            cause = exc.__cause__
            item: dict[str, Any] = cause.response.get("Item", {}) if isinstance(cause, ClientError) else {}  # type: ignore[assignment]
            if not item:
                raise NotFoundError("Monitor", str(monitor_guid)) from exc
            return Advance(done=False, record=_record(from_low_level(item)))
        return Advance(done=True)

    def save_evaluation(
        self,
        monitor_guid: UUID,
        previous: MonitorState,
        state: MonitorState,
        alerts: list[Alert],
        outbox: list[DeliveryJob],
        expires_at: datetime,
    ) -> None:
        """Write the new state and its alerts atomically, if nobody moved the state since we read it."""
        names = {"#state": "State"}
        values: dict[str, Any] = {":watermark": state.watermark, ":next": previous.version + 1}
        sets = ["Watermark = :watermark", "Version = :next"]
        removes = []
        if state.is_clean:
            removes.append("#state")
        else:
            sets.append("#state = :state")
            values[":state"] = state.model_dump_json(by_alias=True, exclude={"watermark", "version"})
        if outbox:
            sets += ["Outbox = :outbox", "OutboxWatermark = :watermark"]
            values[":outbox"] = _jobs.dump_json(outbox, by_alias=True).decode()
        condition = "attribute_exists(PK) AND "
        if previous.watermark is None:
            condition += "attribute_not_exists(Watermark)"
        else:
            condition += "Watermark = :previous_watermark"
            values[":previous_watermark"] = previous.watermark
        if previous.version:
            condition += " AND Version = :version"
            values[":version"] = previous.version
        else:
            condition += " AND attribute_not_exists(Version)"
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        update: dict[str, Any] = {
            "TableName": self._table.name,
            "Key": keys.monitor(monitor_guid),
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        puts: list[Any] = [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": {
                        **keys.alert(alert.monitor_guid, alert.timestamp, alert.alert_guid),
                        "Alert": alert.to_json_dict(),
                        "ExpiresAt": int(expires_at.timestamp()),
                    },
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            }
            for alert in alerts
        ]
        with translated_errors():
            if puts:
                operations: list[Any] = [{"Update": update}, *puts]
                self._table.meta.client.transact_write_items(TransactItems=operations)
            else:
                self._table.meta.client.update_item(**update)
