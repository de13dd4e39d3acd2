"""The delivery function's root, and the outbound pieces the config API's test send shares with it (the
same HTTP client, channels and secrets, so a test send is checked exactly as a delivery is)."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import TYPE_CHECKING

import boto3
import httpx

from alerting.delivery.attempt import DeliveryDependencies
from alerting.delivery.health import OperationalEvents, TargetHealthTracker
from alerting.delivery.outbound import Channels
from alerting.delivery.secrets import SecretResolver
from alerting.delivery.transport import AddressPolicy, PinnedTransport
from alerting.roots.delivery_records import account, delivery_log, delivery_queue
from alerting.roots.tables import table
from alerting.settings import Settings
from alerting.storage.operators import Operators
from alerting.storage.send_state import SendStates
from alerting.storage.servicenow_incidents import ServiceNowIncidents
from alerting.storage.status_page_incidents import StatusPageIncidents
from alerting.storage.targets import TargetHealthStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


@functools.cache
def delivery_root() -> DeliveryDependencies:
    return delivery(Settings.from_environment())


def delivery(settings: Settings) -> DeliveryDependencies:
    stored = table(settings)
    return DeliveryDependencies(
        state=SendStates(stored),
        log=delivery_log(settings, stored),
        queue=delivery_queue(settings),
        http=delivery_client(settings),
        retry_schedule=settings.retry_schedule_seconds,
        channels=channels(settings, stored),
        throttled_min_seconds=settings.throttled_retry_min_seconds,
        health=TargetHealthTracker(
            TargetHealthStore(stored),
            OperationalEvents(boto3.client("events"), settings.event_bus_name),
            settings.target_failing_after_attempts,
            timedelta(days=settings.target_disable_after_days),
        ),
        secrets=secret_resolver(settings),
        concurrency=settings.delivery_concurrency,
    )


def secret_resolver(settings: Settings) -> SecretResolver:
    return SecretResolver(
        functools.cache(lambda: boto3.client("ssm")),
        functools.cache(lambda: boto3.client("secretsmanager")),
        settings.secret_cache_seconds,
    )


def delivery_client(settings: Settings) -> httpx.Client:
    """The HTTP client every delivery goes through: SSRF-checked, address-pinned, no redirects."""
    return httpx.Client(
        transport=PinnedTransport(
            AddressPolicy(
                settings.allowed_private_networks, resolve_timeout=settings.delivery_timeout_seconds
            )
        ),
        timeout=settings.delivery_timeout_seconds,
        # A hook that moves is a configuration error to surface, not chase.
        follow_redirects=False,
    )


def channels(settings: Settings, stored: Table) -> Channels:
    return Channels(
        account=account(settings),
        operators=Operators(stored),
        servicenow=ServiceNowIncidents(stored, timedelta(days=settings.alert_retention_days)),
        status_pages=StatusPageIncidents(stored, timedelta(days=settings.alert_retention_days)),
        ses=boto3.client("ses"),
        sns=boto3.client("sns"),
        email_sender=settings.email_sender_address,
        sms_sender_id=settings.sms_sender_id,
    )
