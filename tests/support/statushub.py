"""The StatusHub set-up the handler-level tests start from, made with local's one implementation."""

from __future__ import annotations

from typing import Any

from local.client import statushub_setup
from tests.support.api_gateway import ApiCall

STATUSHUB_HOOK = "https://hooks.statushub.io/hooks/uptrends?token=598f3b0da9ba4738"


class ApiError(AssertionError):
    """A set-up request the config API refused."""


def create_statushub_setup(api: ApiCall, monitor_guid: str, *, linked: bool = False) -> dict[str, str]:
    """Monitor `monitor_guid`, a StatusHub integration with one service, and an alert definition; with
    `linked`, level 1 of the definition updates the service for the monitor."""

    def answer(method: str, path: str, body: Any = None) -> Any:
        status, parsed = api(method, path, body)
        if status >= 400:
            raise ApiError(f"{method} {path} -> {status}: {parsed}")
        return parsed

    return statushub_setup(
        answer,
        {"MonitorGuid": monitor_guid, "Name": "Shop checkout"},
        {"Name": "Checkout", "Url": STATUSHUB_HOOK},
        alert_name="Production",
        linked=linked,
    )
