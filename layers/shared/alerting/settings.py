"""Typed settings of every function, read once from the environment at cold start."""

from __future__ import annotations

import ipaddress
from typing import Annotated

from pydantic import BeforeValidator, Field
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Names match template.yaml's Globals environment; defaults suit a deployed stack."""

    # Built when the root reads it (defer_build), like every model: nothing at import.
    model_config = SettingsConfigDict(frozen=True, extra="ignore", defer_build=True)

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
        tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...], NoDecode, BeforeValidator(_split_commas)
    ] = ()
    retry_schedule_seconds: Annotated[tuple[float, ...], NoDecode, BeforeValidator(_split_commas)] = (
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
