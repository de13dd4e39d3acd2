"""A warm function's copy of alert definitions, integrations and monitor groups, at most `max_age` s stale.

Check results for 100,000 monitors share a few hundred definitions and integrations: caching them
per warm function keeps the per-check cost at the monitor's own item.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar
from uuid import UUID

from alerting.models.config import DefinitionConfig
from alerting.storage.alert_definitions import AlertDefinitions
from alerting.storage.integrations import IntegrationConfig, Integrations
from alerting.storage.monitor_groups import GroupConfig, MonitorGroups

T = TypeVar("T")


class _Expiring(Generic[T]):
    def __init__(self, loader: Callable[[UUID], T], max_age: float, clock: Callable[[], float]) -> None:
        self._loader = loader
        self._max_age = max_age
        self._clock = clock
        self._entries: dict[UUID, tuple[float, T]] = {}

    def get(self, key: UUID) -> T:
        now = self._clock()
        entry = self._entries.get(key)
        if entry is not None and now - entry[0] < self._max_age:
            return entry[1]
        value = self._loader(key)
        self._entries[key] = (now, value)
        return value


class ConfigCache:
    def __init__(
        self,
        definitions: AlertDefinitions,
        integrations: Integrations,
        max_age: float,
        clock: Callable[[], float] = time.monotonic,
        groups: MonitorGroups | None = None,
    ) -> None:
        self._definitions = _Expiring(definitions.config, max_age, clock)
        self._integrations = _Expiring(integrations.config, max_age, clock)
        self._groups = _Expiring(groups.config if groups else _no_group, max_age, clock)

    def definition(self, guid: UUID) -> DefinitionConfig | None:
        return self._definitions.get(guid)

    def integration(self, guid: UUID) -> IntegrationConfig | None:
        return self._integrations.get(guid)

    def group(self, guid: UUID) -> GroupConfig | None:
        return self._groups.get(guid)


def _no_group(guid: UUID) -> GroupConfig | None:
    return None
