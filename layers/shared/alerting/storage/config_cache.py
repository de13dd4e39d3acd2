"""A warm function's copy of alert definitions, integrations and monitor groups, at most `max_age` s stale.

Check results for 100,000 monitors share a few hundred definitions and integrations: caching them
per warm function keeps the per-check cost at the monitor's own item.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from typing import Generic, TypeVar
from uuid import UUID

from alerting.models.config import DefinitionConfig, Integration
from alerting.storage.alert_definitions import AlertDefinitions
from alerting.storage.integrations import Integrations
from alerting.storage.monitor_groups import GroupConfig, MonitorGroups

T = TypeVar("T")


class _Expiring(Generic[T]):
    def __init__(self, loader: Callable[[UUID], T], max_age: float, clock: Callable[[], float]) -> None:
        self._loader = loader
        self._max_age = max_age
        self._clock = clock
        self._entries: dict[UUID, tuple[float, T]] = {}

    def _fresh(self, key: UUID, now: float) -> bool:
        entry = self._entries.get(key)
        return entry is not None and now - entry[0] < self._max_age

    def get(self, key: UUID) -> T:
        now = self._clock()
        if self._fresh(key, now):
            return self._entries[key][1]
        value = self._loader(key)
        self._entries[key] = (now, value)
        return value

    def get_all(
        self, wanted: Collection[UUID], load: Callable[[list[UUID]], Mapping[UUID, T]], absent: T
    ) -> dict[UUID, T]:
        """Each key's value; those not cached (or expired) loaded together, `absent` where `load` has none."""
        now = self._clock()
        missing = sorted(key for key in wanted if not self._fresh(key, now))
        loaded = load(missing) if missing else {}
        for key in missing:
            self._entries[key] = (now, loaded.get(key, absent))
        return {key: self._entries[key][1] for key in wanted}


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
        self._integrations: _Expiring[Integration | None] = _Expiring(integrations.head, max_age, clock)
        self._load_integrations = integrations.heads
        self._groups = _Expiring(groups.config if groups else _no_group, max_age, clock)

    def definition(self, guid: UUID) -> DefinitionConfig | None:
        return self._definitions.get(guid)

    def integrations(self, guids: Collection[UUID]) -> dict[UUID, Integration]:
        """Those of the integrations that exist; the ones not cached read in one request per 100."""
        found = self._integrations.get_all(guids, self._load_integrations, None)
        return {guid: integration for guid, integration in found.items() if integration is not None}

    def group(self, guid: UUID) -> GroupConfig | None:
        return self._groups.get(guid)


def _no_group(guid: UUID) -> GroupConfig | None:
    return None
