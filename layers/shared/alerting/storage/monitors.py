"""Monitors: their config (API) and their evaluation state (evaluator), kept in one item per monitor.

One item means the evaluator reads a monitor's settings, memberships and state in a single request,
and the steady OK path is a single conditional update.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from botocore.exceptions import ClientError
from pydantic import ConfigDict, TypeAdapter, ValidationError

from alerting.errors import (
    AlreadyExistsError,
    ConcurrentUpdateError,
    NotFoundError,
    VersionMismatchError,
)
from alerting.models.alert import Alert, Decision, MonitorState
from alerting.models.config import MaintenancePeriod, Monitor
from alerting.models.delivery import DeliveryJob, JobReference
from alerting.observability import logger
from alerting.storage import keys, outbox
from alerting.storage.config_repository import VERSION, ConfigKind, ConfigRepository, version_of
from alerting.storage.dynamo import from_low_level, get_many, query_all, translated_errors

if TYPE_CHECKING:
    pass

# Built on first use like the models, not in every cold start.
_periods = TypeAdapter(list[MaintenancePeriod], config=ConfigDict(defer_build=True))


@dataclass(frozen=True)
class MonitorRecord:
    monitor: Monitor
    state: MonitorState
    definition_guids: frozenset[UUID] = frozenset()
    group_guids: frozenset[UUID] = frozenset()
    maintenance: tuple[MaintenancePeriod, ...] = ()
    due_at: str | None = None
    # Deliveries of the last transition, re-sent if that same check arrives again (a retried event).
    outbox: tuple[JobReference, ...] = ()
    outbox_watermark: str | None = None


@dataclass(frozen=True)
class Transition:
    """One evaluation to save: the state it started from and everything it produced, written at once."""

    previous: MonitorState
    state: MonitorState
    evaluated_at: datetime
    expires_at: datetime
    alerts: Sequence[Alert] = ()
    outbox: Sequence[DeliveryJob] = ()
    # What a duplicate of this event must re-send: the check's watermark (None for a sweep tick).
    outbox_key: str | None = None
    decision: Decision | None = None
    due_at: datetime | None = None


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
        group_guids=frozenset(UUID(g) for g in item.get("GroupGuids", ())),
        maintenance=_stored_periods(item.get("Maintenance")),
        due_at=item.get("DueAt"),
        outbox=outbox.decoded(item["Outbox"]) if "Outbox" in item else (),
        outbox_watermark=item.get("OutboxWatermark"),
    )


def _stored_periods(text: str | None) -> tuple[MaintenancePeriod, ...]:
    """The periods still valid today: one saved before the API bounded its dates is left out rather
    than failing every evaluation of the monitor."""
    kept = []
    for raw in json.loads(text) if text else ():
        try:
            kept.append(MaintenancePeriod.model_validate(raw))
        except ValidationError:
            logger.warning("stored maintenance period left out: no longer valid", period=raw)
    return tuple(kept)


def applied(record: MonitorRecord, transition: Transition) -> MonitorRecord:
    """The record as `Monitors.save_evaluation(transition)` leaves it, without reading it back."""
    guid = record.monitor.monitor_guid
    state = transition.state.model_copy(update={"version": transition.previous.version + 1})
    due_at = keys.due(guid, transition.due_at)["DueAt"] if transition.due_at else None
    if not transition.outbox:
        return replace(record, state=state, due_at=due_at)
    outbox_key = transition.outbox_key or f"tick#{state.version}"
    references = tuple(job.reference for job in transition.outbox)
    return replace(record, state=state, due_at=due_at, outbox=references, outbox_watermark=outbox_key)


# A due time every sweep has passed: the monitor is looked at by the next one.
RESCHEDULE_AT = datetime(2000, 1, 1, tzinfo=UTC)
# No check seen yet. Earlier versions stored a tick's missing watermark as NULL; it counts as absent.
NO_WATERMARK = "attribute_not_exists(Watermark) OR attribute_type(Watermark, :null)"

MONITOR = ConfigKind(
    "Monitor", Monitor, keys.Kind.MONITOR, keys.monitor, lambda m: m.monitor_guid, lambda m: m.name
)


class Monitors(ConfigRepository[Monitor]):
    """Config writes leave the evaluation state in the same item alone."""

    _kind = MONITOR

    def record(self, monitor_guid: UUID) -> MonitorRecord:
        return _record(self._item(monitor_guid))

    def outbox_jobs(self, record: MonitorRecord) -> list[DeliveryJob]:
        """The last transition's deliveries, rebuilt from the outbox's references."""
        return outbox.queued_jobs(self._table, record.monitor.monitor_guid, record.outbox)

    def records(self, monitor_guids: Collection[UUID]) -> dict[UUID, MonitorRecord]:
        """The records of many monitors in one request per 100 (BatchGetItem); unknown ones are absent."""
        items = get_many(self._table, [keys.monitor(guid) for guid in monitor_guids], consistent=True)
        records = [_record(item) for item in items]
        return {record.monitor.monitor_guid: record for record in records}

    def delete(self, monitor_guid: UUID, version: int | None = None) -> None:
        """Delete the monitor and its memberships; its alert history expires by TTL.

        The delete names the version it read: a member added meanwhile moves the version (membership
        link), so the delete is re-read and repeated rather than leaving that member dangling.
        """
        for _ in range(5):
            item = self._item(monitor_guid)
            if version is not None and version_of(item) != version:
                raise VersionMismatchError(f"Monitor {monitor_guid} is at another version than If-Match")
            try:
                self._delete_with_members(monitor_guid, _record(item), version_of(item))
                return
            except ConcurrentUpdateError:
                if version is not None:
                    raise VersionMismatchError(f"Monitor {monitor_guid} changed meanwhile") from None
        raise AlreadyExistsError("Monitor", "a concurrent change; retry")

    def _delete_with_members(self, monitor_guid: UUID, record: MonitorRecord, version: int) -> None:
        condition: dict[str, Any] = (
            {
                "ConditionExpression": f"{VERSION} = :version",
                "ExpressionAttributeValues": {":version": version},
            }
            if version
            else {"ConditionExpression": f"attribute_not_exists({VERSION})"}
        )
        operations: list[dict[str, Any]] = [
            {"Delete": {"TableName": self._table.name, "Key": keys.monitor(monitor_guid), **condition}}
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
        operations += [
            {"Delete": {"TableName": self._table.name, "Key": keys.group_member(group_guid, monitor_guid)}}
            for group_guid in record.group_guids
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
                        f"AND ({NO_WATERMARK} OR Watermark < :watermark)"
                    ),
                    ExpressionAttributeNames={"#state": "State"},
                    ExpressionAttributeValues={":watermark": watermark, ":null": "NULL"},
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
        except ConcurrentUpdateError as exc:
            cause = exc.__cause__
            item: dict[str, Any] = cause.response.get("Item", {}) if isinstance(cause, ClientError) else {}  # type: ignore[assignment]
            if not item:
                raise NotFoundError("Monitor", str(monitor_guid)) from exc
            return Advance(done=False, record=_record(from_low_level(item)))
        return Advance(done=True)

    def save_evaluation(self, monitor_guid: UUID, transition: Transition) -> None:
        """Write the new state, its alerts and its decision atomically, if nobody moved the state since."""
        previous, state = transition.previous, transition.state
        names = {"#state": "State"}
        version = previous.version + 1
        values: dict[str, Any] = {":next": version}
        sets = ["Version = :next"]
        removes = []
        # A tick before the first check has no watermark: the attribute stays absent, never NULL.
        if state.watermark is None:
            removes.append("Watermark")
        else:
            sets.append("Watermark = :watermark")
            values[":watermark"] = state.watermark
        if state.is_clean:
            removes.append("#state")
        else:
            sets.append("#state = :state")
            values[":state"] = state.model_dump_json(by_alias=True, exclude={"watermark", "version"})
        if transition.due_at is None:
            removes += ["DueShard", "DueAt"]
        else:
            due = keys.due(monitor_guid, transition.due_at)
            sets += ["DueShard = :due_shard", "DueAt = :due_at"]
            values |= {":due_shard": due["DueShard"], ":due_at": due["DueAt"]}
        if transition.outbox:
            sets += ["Outbox = :outbox", "OutboxWatermark = :outbox_key"]
            values[":outbox"] = outbox.encoded(transition.outbox)
            values[":outbox_key"] = transition.outbox_key or f"tick#{version}"
        condition = _unmoved(previous, values)
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        update: dict[str, Any] = {
            "TableName": self._table.name,
            "Key": keys.monitor(monitor_guid),
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        expires = int(transition.expires_at.timestamp())
        puts: list[Any] = [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": {
                        **keys.alert(alert.monitor_guid, alert.timestamp, alert.alert_guid),
                        "Alert": alert.to_json_dict(),
                        # Top level, so history can leave reminders out with a filter.
                        "AlertType": alert.alert_type.value,
                        "ExpiresAt": expires,
                    },
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            }
            for alert in transition.alerts
        ]
        if transition.decision is not None:
            puts.append(
                {
                    "Put": {
                        "TableName": self._table.name,
                        "Item": {
                            **keys.decision(monitor_guid, transition.evaluated_at, version),
                            # JSON text: DynamoDB maps take no floats (the minutes counted).
                            "Decision": transition.decision.model_dump_json(by_alias=True),
                            "ExpiresAt": expires,
                        },
                    }
                }
            )
        with translated_errors():
            if puts:
                operations: list[Any] = [{"Update": update}, *puts]
                self._table.meta.client.transact_write_items(TransactItems=operations)
            else:
                self._table.meta.client.update_item(**update)

    def due(self, now: datetime, shard: int | None = None) -> list[UUID]:
        """Monitors the sweep should look at now, from the sparse Due index (one shard, or every one)."""
        found: list[UUID] = []
        for shard_key in keys.due_shards() if shard is None else [str(shard)]:
            items = query_all(
                self._table,
                IndexName=keys.DUE_INDEX,
                KeyConditionExpression="DueShard = :shard AND DueAt <= :now",
                ExpressionAttributeValues={":shard": shard_key, ":now": keys.iso(now)},
            )
            found += [UUID(str(item["PK"]).split("#", 1)[1]) for item in items]
        return found

    # Maintenance periods live on the monitor item, so the evaluator reads them with the state.
    def maintenance_periods(self, monitor_guid: UUID) -> list[MaintenancePeriod]:
        return list(self.record(monitor_guid).maintenance)

    def add_maintenance_period(self, monitor_guid: UUID, period: MaintenancePeriod) -> MaintenancePeriod:
        current = self.record(monitor_guid).maintenance
        added = period.model_copy(update={"id": max((p.id for p in current), default=0) + 1})
        self._write_periods(monitor_guid, current, [*current, added])
        return added

    def replace_maintenance_period(self, monitor_guid: UUID, period: MaintenancePeriod) -> None:
        current = self.record(monitor_guid).maintenance
        if all(p.id != period.id for p in current):
            raise NotFoundError("MaintenancePeriod", f"{monitor_guid}/{period.id}")
        self._write_periods(monitor_guid, current, [period if p.id == period.id else p for p in current])

    def delete_maintenance_period(self, monitor_guid: UUID, period_id: int) -> None:
        current = self.record(monitor_guid).maintenance
        if all(p.id != period_id for p in current):
            raise NotFoundError("MaintenancePeriod", f"{monitor_guid}/{period_id}")
        self._write_periods(monitor_guid, current, [p for p in current if p.id != period_id])

    def _write_periods(
        self, monitor_guid: UUID, current: Sequence[MaintenancePeriod], periods: Sequence[MaintenancePeriod]
    ) -> None:
        # Due at once: the sweep looks at the monitor again, so a window to publish (PublishMaintenance)
        # is scheduled from the periods as they now are.
        due = keys.due(monitor_guid, RESCHEDULE_AT)
        values: dict[str, Any] = {
            ":periods": _periods.dump_json(list(periods), by_alias=True).decode(),
            ":due_shard": due["DueShard"],
            ":due_at": due["DueAt"],
        }
        if current:
            condition = "Maintenance = :current"
            values[":current"] = _periods.dump_json(list(current), by_alias=True).decode()
        else:
            condition = "attribute_exists(PK) AND attribute_not_exists(Maintenance)"
        try:
            with translated_errors():
                self._table.update_item(
                    Key=keys.monitor(monitor_guid),
                    UpdateExpression="SET Maintenance = :periods, DueShard = :due_shard, DueAt = :due_at",
                    ConditionExpression=condition,
                    ExpressionAttributeValues=values,
                )
        except ConcurrentUpdateError as exc:
            # Someone changed the periods since we read them: the client retries (HTTP 409).
            raise AlreadyExistsError("MaintenancePeriod", "a concurrent change; retry") from exc


def _unmoved(previous: MonitorState, values: dict[str, Any]) -> str:
    """The condition that the monitor's state is still the one read (its watermark and version)."""
    condition = "attribute_exists(PK) AND "
    if previous.watermark is None:
        condition += f"({NO_WATERMARK})"
        values[":null"] = "NULL"
    else:
        condition += "Watermark = :previous_watermark"
        values[":previous_watermark"] = previous.watermark
    if previous.version:
        values[":version"] = previous.version
        return condition + " AND Version = :version"
    return condition + " AND attribute_not_exists(Version)"
