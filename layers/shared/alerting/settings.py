"""Typed settings of every function, read once from the environment at cold start."""

from __future__ import annotations

import ipaddress
import os
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


class EnvironmentSettings(BaseModel):
    """Flat settings read from the environment: each field not given from the variable named `env_prefix`
    + the field's name, case-insensitively (as pydantic-settings reads them, without its import: a tenth
    of a handler's cold start)."""

    # Built when a root reads it (defer_build), like every model: nothing at import.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)
    env_prefix: ClassVar[str] = ""

    @classmethod
    def from_environment(cls) -> Self:
        return cls.model_validate({})

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        environment = {name.lower(): value for name, value in os.environ.items()}
        variables = {field: f"{cls.env_prefix}{field}".lower() for field in cls.model_fields}
        read = {field: environment[name] for field, name in variables.items() if name in environment}
        return {**read, **data}


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(EnvironmentSettings):
    """Names match template.yaml's Globals environment; defaults suit a deployed stack."""

    table_name: str
    delivery_queue_url: str = ""
    delivery_dlq_url: str = ""
    evaluator_dlq_url: str = ""
    event_bus_name: str = ""
    account_timezone: str = "UTC"
    # What message templates show: @account.accountId, the culture of "Formatted" times, the app's links.
    account_id: str = "1"
    account_culture: str = "en-US"
    app_url: str = "https://app.uptrends.com"
    # The verified SES identity e-mail alerts come from, and the SMS sender id where countries allow one.
    email_sender_address: str = "alerts@example.com"
    sms_sender_id: str = "Alerting"
    allowed_private_networks: Annotated[
        tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...], BeforeValidator(_split_commas)
    ] = ()
    retry_schedule_seconds: Annotated[tuple[float, ...], BeforeValidator(_split_commas)] = (
        0,
        5,
        300,
        1800,
        7200,
        18000,
        36000,
        36000,
    )
    delivery_timeout_seconds: float = Field(default=15.0, gt=0)
    # A timeout or a 429 means the target is overloaded: the next attempt waits at least this long.
    # The local stack sets 1 s so fault-injection tests stay fast.
    throttled_retry_min_seconds: float = Field(default=60.0, ge=0)
    # Message groups (targets) a delivery batch sends to in parallel; 1 sends one after the other.
    delivery_concurrency: int = Field(default=8, ge=1, le=64)
    # Continuous failure for this long disables a target (410 Gone disables it at once).
    target_disable_after_days: float = Field(default=5.0, gt=0)
    # Consecutive failed attempts after which a target is announced as failing on the bus.
    target_failing_after_attempts: int = Field(default=4, ge=1)
    # How long a resolved SSM / Secrets Manager secret is reused before it is read again.
    secret_cache_seconds: float = Field(default=300.0, ge=0)
    # How stale a warm function's copy of alert definitions and integrations may be.
    config_cache_seconds: float = Field(default=30.0, ge=0)
    alert_retention_days: int = Field(default=90, gt=0)
    # One minute of a service link's ResolveAfterMinutes; the local stack shortens it so tests wait seconds.
    resolve_minute_seconds: float = Field(default=60.0, gt=0)
