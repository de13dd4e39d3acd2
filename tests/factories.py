"""Builders of domain objects for tests: defaults that read well, overrides by keyword."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from alerting.evaluation import MonitorConfig
from alerting.models.check import CheckResult, ErrorLevel
from alerting.models.config import (
    AlertDefinition,
    DefinitionConfig,
    EscalationLevel,
    Integration,
    IntegrationType,
    LevelIntegration,
    Monitor,
    ServiceLink,
)

MONITOR_GUID = UUID("2c8b0b7e-1f4f-4f31-9d8e-3d2d5f1a0001")
DEFINITION_GUID = UUID("7a1f3c2e-5b6d-4e8f-9a0b-1c2d3e4f0002")
INTEGRATION_GUID = UUID("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d0003")
SERVICE_GUID = UUID("0f1e2d3c-4b5a-4978-8695-a4b3c2d10004")
T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def monitor(**overrides: Any) -> Monitor:
    return Monitor.model_validate(
        {"monitor_guid": MONITOR_GUID, "name": "Shop checkout", "url": "https://shop.example", **overrides}
    )


def check(
    check_id: int,
    level: ErrorLevel | str = ErrorLevel.CONFIRMED,
    minute: float | None = None,
    **overrides: Any,
) -> CheckResult:
    """Check `check_id` happens at minute `check_id` unless told otherwise."""
    at = T0 + timedelta(minutes=check_id if minute is None else minute)
    return CheckResult.model_validate(
        {
            "id": check_id,
            "monitor_guid": MONITOR_GUID,
            "timestamp": at,
            "error_level": level,
            "error_description": "HTTP 503 Service Unavailable" if level != ErrorLevel.NO_ERROR else "",
            "http_status_code": 503 if level != ErrorLevel.NO_ERROR else 200,
            **overrides,
        }
    )


def level(level_id: int = 1, **overrides: Any) -> EscalationLevel:
    return EscalationLevel.model_validate({"id": level_id, "is_active": True, **overrides})


def statushub_attachment(**overrides: Any) -> LevelIntegration:
    return LevelIntegration.model_validate(
        {
            "integration_guid": INTEGRATION_GUID,
            "status_hub_service_list": [
                ServiceLink(monitor_guid=MONITOR_GUID, integration_service_guid=SERVICE_GUID)
            ],
            **overrides,
        }
    )


def statushub_integration(**overrides: Any) -> Integration:
    return Integration.model_validate(
        {
            "integration_guid": INTEGRATION_GUID,
            "name": "Status page",
            "type": IntegrationType.STATUSHUB,
            **overrides,
        }
    )


def config(
    *levels: EscalationLevel,
    monitor_overrides: dict[str, Any] | None = None,
    definition_active: bool = True,
    attachments: dict[int, list[LevelIntegration]] | None = None,
) -> MonitorConfig:
    definition = AlertDefinition(
        alert_definition_guid=DEFINITION_GUID, alert_name="Production", is_active=definition_active
    )
    chosen = levels or (level(1),)
    attached = attachments if attachments is not None else {1: [statushub_attachment()]}
    return MonitorConfig(
        monitor(**(monitor_overrides or {})), [DefinitionConfig(definition, list(chosen), attached)]
    )
