"""The only place boto3 and httpx clients are built: one cached root per function, built on first call.

Nothing is built at import, so moto's mocks are active before any client exists; tests start afresh
with `cache_clear()` on a root.
"""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

import boto3
import httpx

from alerting.api.configuration import Configuration
from alerting.api.facade import ConfigApi
from alerting.api.monitor_alerting import MonitorAlerting
from alerting.console.views import Console
from alerting.delivery.attempt import DeliveryDependencies
from alerting.delivery.health import OperationalEvents, TargetHealthTracker
from alerting.delivery.outbound import Channels
from alerting.delivery.replay import Replay
from alerting.delivery.secrets import SecretResolver
from alerting.delivery.test_send import IntegrationTester
from alerting.delivery.transport import AddressPolicy, PinnedTransport
from alerting.intake import IntakeDependencies
from alerting.messaging.dead_letters import EventDeadLetters
from alerting.messaging.delivery_queue import DeliveryQueue
from alerting.settings import Settings
from alerting.storage.alert_definitions import AlertDefinitions
from alerting.storage.alert_history import AlertHistory
from alerting.storage.config_cache import ConfigCache
from alerting.storage.delivery_log import DeliveryLog
from alerting.storage.integrations import Integrations
from alerting.storage.monitor_groups import MonitorGroups
from alerting.storage.monitors import Monitors
from alerting.storage.operators import Operators
from alerting.storage.servicenow_incidents import ServiceNowIncidents
from alerting.storage.status_page_incidents import StatusPageIncidents
from alerting.storage.targets import TargetHealthStore
from alerting.templating import Account

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


class EvaluatorRoot(NamedTuple):
    intake: IntakeDependencies
    dead_letters: EventDeadLetters


@functools.cache
def config_api_root() -> ConfigApi:
    return config_api(Settings())


@functools.cache
def console_root() -> Console:
    """The console works on the config API's own facade, so its rules and messages are the API's."""
    settings = Settings()
    return Console(config_api(settings), ZoneInfo(settings.account_timezone))


@functools.cache
def evaluator_root() -> EvaluatorRoot:
    return evaluator(Settings())


@functools.cache
def delivery_root() -> DeliveryDependencies:
    return delivery(Settings())


def config_api(settings: Settings) -> ConfigApi:
    table = _table(settings)
    monitors, definitions, integrations = Monitors(table), AlertDefinitions(table), Integrations(table)
    operators, groups = Operators(table), MonitorGroups(table)
    delivery_log = _delivery_log(settings, table)
    return ConfigApi(
        configuration=Configuration(
            monitors,
            definitions,
            integrations,
            operators,
            _account(settings),
            address_policy=AddressPolicy(settings.allowed_private_networks),
        ),
        monitor_alerting=MonitorAlerting(monitors, groups, AlertHistory(table)),
        monitors=monitors,
        definitions=definitions,
        integrations=integrations,
        operators=operators,
        groups=groups,
        delivery_log=delivery_log,
        # Test sends go through the delivery client: the same SSRF checks, pinning, timeout, no redirects.
        tester=IntegrationTester(
            integrations,
            monitors,
            _channels(settings, table),
            _delivery_client(settings),
            secrets=_secret_resolver(settings),
        ),
        targets=TargetHealthStore(table),
        replay=Replay(delivery_log, _delivery_queue(settings), lambda: uuid.uuid4().hex),
        event_dead_letters=DeliveryQueue(boto3.client("sqs"), "", settings.evaluator_dlq_url),
    )


def evaluator(settings: Settings) -> EvaluatorRoot:
    table = _table(settings)
    sqs = boto3.client("sqs")
    intake = IntakeDependencies(
        monitors=Monitors(table),
        config=ConfigCache(
            AlertDefinitions(table),
            Integrations(table),
            settings.config_cache_seconds,
            groups=MonitorGroups(table),
        ),
        queue=DeliveryQueue(sqs, settings.delivery_queue_url, settings.delivery_dlq_url),
        retention=timedelta(days=settings.alert_retention_days),
        clock=lambda: datetime.now(UTC),
        timezone=ZoneInfo(settings.account_timezone),
        resolve_minute=timedelta(seconds=settings.resolve_minute_seconds),
    )
    return EvaluatorRoot(intake, EventDeadLetters(sqs, settings.evaluator_dlq_url))


def delivery(settings: Settings) -> DeliveryDependencies:
    table = _table(settings)
    return DeliveryDependencies(
        config=ConfigCache(AlertDefinitions(table), Integrations(table), settings.config_cache_seconds),
        log=_delivery_log(settings, table),
        queue=_delivery_queue(settings),
        http=_delivery_client(settings),
        retry_schedule=settings.retry_schedule_seconds,
        channels=_channels(settings, table),
        throttled_min_seconds=settings.throttled_retry_min_seconds,
        health=TargetHealthTracker(
            TargetHealthStore(table),
            OperationalEvents(boto3.client("events"), settings.event_bus_name),
            settings.target_failing_after_attempts,
            timedelta(days=settings.target_disable_after_days),
        ),
        secrets=_secret_resolver(settings),
        concurrency=settings.delivery_concurrency,
    )


def _secret_resolver(settings: Settings) -> SecretResolver:
    return SecretResolver(
        functools.cache(lambda: boto3.client("ssm")),
        functools.cache(lambda: boto3.client("secretsmanager")),
        settings.secret_cache_seconds,
    )


def _table(settings: Settings) -> Table:
    return boto3.resource("dynamodb").Table(settings.table_name)


def _delivery_log(settings: Settings, table: Table) -> DeliveryLog:
    return DeliveryLog(table, timedelta(days=settings.alert_retention_days))


def _delivery_queue(settings: Settings) -> DeliveryQueue:
    return DeliveryQueue(boto3.client("sqs"), settings.delivery_queue_url, settings.delivery_dlq_url)


def _delivery_client(settings: Settings) -> httpx.Client:
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


def _account(settings: Settings) -> Account:
    return Account(settings.account_id, settings.account_timezone, settings.account_culture, settings.app_url)


def _channels(settings: Settings, table: Table) -> Channels:
    return Channels(
        account=_account(settings),
        operators=Operators(table),
        servicenow=ServiceNowIncidents(table, timedelta(days=settings.alert_retention_days)),
        status_pages=StatusPageIncidents(table, timedelta(days=settings.alert_retention_days)),
        ses=boto3.client("ses"),
        sns=boto3.client("sns"),
        email_sender=settings.email_sender_address,
        sms_sender_id=settings.sms_sender_id,
    )
