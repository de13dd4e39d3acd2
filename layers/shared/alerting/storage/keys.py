"""Every key format of the table, and nothing else: the only place that knows how items are laid out.

    PK                     SK                                   what
    MONITOR#<m>            MONITOR                              monitor config + evaluation state
    MONITOR#<m>            ALERT#<timestamp>#<alert>            alert history of the monitor (TTL ExpiresAt)
    MONITOR#<m>            DECISION#<evaluated at>#<version>    why an evaluation did (not) alert (TTL)
    DEFINITION#<d>         DEFINITION                           alert definition with its level slots
    DEFINITION#<d>         LEVEL#<n>#INTEGRATION#<i>            integration attached to a level
    DEFINITION#<d>         MEMBER#MONITOR#<m>                   monitor member of the definition
    DEFINITION#<d>         LEVELOPERATOR#<n>#<o>                operator member of a level (pages them)
    OPERATOR#<o>           OPERATOR                             operator (name, e-mail, phone, on duty)
    DEFINITION#<d>         MEMBER#GROUP#<g>                     monitor group member of the definition
    GROUP#<g>              GROUP                                group + its definitions, alerts stopped
    GROUP#<g>              MEMBER#MONITOR#<m>                   monitor member of the group
    INTEGRATION#<i>        INTEGRATION                          integration
    INTEGRATION#<i>        SERVICE#<s>                          StatusHub service of the integration
    INTEGRATION#<i>        TARGET#<target>                      delivery health of a target
    INTEGRATION#<i>        LINK#<level item's PK>#<SK>          a level attaches it (storage.level_links)
    OPERATOR#<o>           LINK#<level item's PK>#<SK>          a level pages them (storage.level_links)
    ALERT#<a>              ATTEMPT#<time>#<integration>#<target>#<n>[#<replay>]   delivery log of one alert
    ALERT#<a>              DELIVERED#<integration>#<target>[#<replay>]   reached that target (idempotency)
    ALERT#<a>              JOB#<integration>#<target>[#<replay>]   attempts made for that target
    EXTERNAL#<i>#<incident key>  SERVICENOW                     sys_id of the ServiceNow incident we opened

(`<replay>` is set on a resent or redriven message: its own attempts and marker.)

Config items also carry GSI1PK = <kind>, GSI1SK = <name>#<guid> for listing (index ByKind).
Monitor items carry DueShard = <0..DUE_SHARDS-1>, DueAt = <timestamp> only while the sweep has something
to do for them (a reminder or a duration threshold): the sparse index Due.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

Key = dict[str, str]


class Kind(StrEnum):
    MONITOR = "MONITOR"
    DEFINITION = "DEFINITION"
    INTEGRATION = "INTEGRATION"
    OPERATOR = "OPERATOR"
    GROUP = "GROUP"


BY_KIND_INDEX = "ByKind"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def monitor(monitor_guid: UUID) -> Key:
    return {"PK": f"MONITOR#{monitor_guid}", "SK": "MONITOR"}


def alert(monitor_guid: UUID, timestamp: datetime, alert_guid: UUID) -> Key:
    return {"PK": f"MONITOR#{monitor_guid}", "SK": f"ALERT#{_iso(timestamp)}#{alert_guid}"}


def definition_partition(definition_guid: UUID) -> str:
    return f"DEFINITION#{definition_guid}"


def definition(definition_guid: UUID) -> Key:
    return {"PK": definition_partition(definition_guid), "SK": "DEFINITION"}


def level_integration(definition_guid: UUID, level_id: int, integration_guid: UUID) -> Key:
    return {
        "PK": definition_partition(definition_guid),
        "SK": f"{level_integration_prefix(level_id)}{integration_guid}",
    }


def level_integration_prefix(level_id: int | None = None) -> str:
    return "LEVEL#" if level_id is None else f"LEVEL#{level_id}#INTEGRATION#"


def definition_member(definition_guid: UUID, monitor_guid: UUID) -> Key:
    return {"PK": definition_partition(definition_guid), "SK": f"{MEMBER_PREFIX}MONITOR#{monitor_guid}"}


MEMBER_PREFIX = "MEMBER#"


def integration_partition(integration_guid: UUID) -> str:
    return f"INTEGRATION#{integration_guid}"


def integration(integration_guid: UUID) -> Key:
    return {"PK": integration_partition(integration_guid), "SK": "INTEGRATION"}


SERVICE_PREFIX = "SERVICE#"
LINK_PREFIX = "LINK#"


def service(integration_guid: UUID, service_guid: UUID) -> Key:
    return {"PK": integration_partition(integration_guid), "SK": f"{SERVICE_PREFIX}{service_guid}"}


def alert_partition(alert_guid: UUID) -> str:
    return f"ALERT#{alert_guid}"


def delivery_attempt(
    alert_guid: UUID,
    started_at: datetime,
    integration_guid: UUID,
    target: str,
    attempt: int,
    replay: str | None = None,
) -> Key:
    suffix = "" if replay is None else f"#{replay}"
    return {
        "PK": alert_partition(alert_guid),
        "SK": f"ATTEMPT#{_iso(started_at)}#{integration_guid}#{target}#{attempt:03d}{suffix}",
    }


def listing(kind: Kind, name: str, guid: UUID) -> dict[str, Any]:
    """Attributes that put a config item in the ByKind index, ordered by name."""
    return {"GSI1PK": kind.value, "GSI1SK": f"{name.casefold()}#{guid}"}


def delivered_marker(alert_guid: UUID, integration_guid: UUID, target: str, replay: str | None = None) -> Key:
    suffix = "" if replay is None else f"#{replay}"
    return {"PK": alert_partition(alert_guid), "SK": f"DELIVERED#{integration_guid}#{target}{suffix}"}


def job_attempts(alert_guid: UUID, integration_guid: UUID, target: str, replay: str | None = None) -> Key:
    suffix = "" if replay is None else f"#{replay}"
    return {"PK": alert_partition(alert_guid), "SK": f"JOB#{integration_guid}#{target}{suffix}"}


def incident_progress(incident_key: str, integration_guid: UUID, target: str) -> Key:
    """How far one incident got at one target: the latest of its alerts delivered there."""
    return {"PK": f"INCIDENT#{incident_key}", "SK": f"PROGRESS#{integration_guid}#{target}"}


TARGET_PREFIX = "TARGET#"


def target_health(integration_guid: UUID, target: str) -> Key:
    return {"PK": integration_partition(integration_guid), "SK": f"{TARGET_PREFIX}{target}"}


def operator(operator_guid: UUID) -> Key:
    return {"PK": f"OPERATOR#{operator_guid}", "SK": "OPERATOR"}


# Outside the SK range `DEFINITION`..`LEVEL#~` that loads a definition with its level integrations.
LEVEL_OPERATOR_PREFIX = "LEVELOPERATOR#"


def level_operator_prefix(level_id: int) -> str:
    return f"{LEVEL_OPERATOR_PREFIX}{level_id}#"


def level_operator(definition_guid: UUID, level_id: int, operator_guid: UUID) -> Key:
    sort_key = f"{level_operator_prefix(level_id)}{operator_guid}"
    return {"PK": definition_partition(definition_guid), "SK": sort_key}


def servicenow_incident(integration_guid: UUID, incident_key: str) -> Key:
    return {"PK": f"EXTERNAL#{integration_guid}#{incident_key}", "SK": "SERVICENOW"}


def status_page_incident(integration_guid: UUID, incident_key: str, target: str) -> Key:
    return {"PK": f"EXTERNAL#{integration_guid}#{incident_key}", "SK": f"STATUSPAGE#{target}"}


ALERT_PREFIX = "ALERT#"
DECISION_PREFIX = "DECISION#"
GROUP_MEMBER_PREFIX = f"{MEMBER_PREFIX}GROUP#"
MONITOR_MEMBER_PREFIX = f"{MEMBER_PREFIX}MONITOR#"
DUE_INDEX = "Due"
# Spreads the sparse index's writes over a few partitions, and the sweep over as many invocations (one
# schedule per shard in template.yaml). Raising it is safe: an item keeps its old shard until rewritten.
DUE_SHARDS = 8


def iso(moment: datetime) -> str:
    return _iso(moment)


def due(monitor_guid: UUID, due_at: datetime) -> dict[str, str]:
    return {"DueShard": str(monitor_guid.int % DUE_SHARDS), "DueAt": _iso(due_at)}


def due_shards() -> list[str]:
    return [str(shard) for shard in range(DUE_SHARDS)]


def decision(monitor_guid: UUID, evaluated_at: datetime, version: int) -> Key:
    return {"PK": f"MONITOR#{monitor_guid}", "SK": f"{DECISION_PREFIX}{_iso(evaluated_at)}#{version:012d}"}


def monitor_partition(monitor_guid: UUID) -> str:
    return f"MONITOR#{monitor_guid}"


def alert_sort_key(timestamp: datetime) -> str:
    """The SK prefix of a monitor's alerts at `timestamp`, for ranges."""
    return f"{ALERT_PREFIX}{_iso(timestamp)}"


def group_partition(group_guid: UUID) -> str:
    return f"GROUP#{group_guid}"


def group(group_guid: UUID) -> Key:
    return {"PK": group_partition(group_guid), "SK": "GROUP"}


def group_member(group_guid: UUID, monitor_guid: UUID) -> Key:
    return {"PK": group_partition(group_guid), "SK": f"{MONITOR_MEMBER_PREFIX}{monitor_guid}"}


def definition_group_member(definition_guid: UUID, group_guid: UUID) -> Key:
    return {"PK": definition_partition(definition_guid), "SK": f"{GROUP_MEMBER_PREFIX}{group_guid}"}
