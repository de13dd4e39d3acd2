"""The config API's root: the facade its routes call."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

import boto3

from alerting.api.configuration import Configuration
from alerting.api.facade import ConfigApi
from alerting.api.monitor_alerting import MonitorAlerting
from alerting.delivery.replay import Replay
from alerting.delivery.transport import AddressPolicy
from alerting.messaging.delivery_queue import DeliveryQueue
from alerting.roots.delivery_records import account, delivery_log, delivery_queue
from alerting.roots.tables import table
from alerting.settings import Settings
from alerting.storage.alert_definitions import AlertDefinitions
from alerting.storage.alert_history import AlertHistory
from alerting.storage.integrations import Integrations
from alerting.storage.monitor_groups import MonitorGroups
from alerting.storage.monitors import Monitors
from alerting.storage.operators import Operators
from alerting.storage.targets import TargetHealthStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

    from alerting.delivery.test_send import IntegrationTester
    from alerting.models.api import IntegrationTestRequest, IntegrationTestResult


@functools.cache
def config_api_root() -> ConfigApi:
    return config_api(Settings.from_environment())


def config_api(settings: Settings) -> ConfigApi:
    stored = table(settings)
    monitors, definitions, integrations = Monitors(stored), AlertDefinitions(stored), Integrations(stored)
    operators, groups = Operators(stored), MonitorGroups(stored)
    log = delivery_log(settings, stored)
    return ConfigApi(
        configuration=Configuration(
            monitors,
            definitions,
            integrations,
            operators,
            account(settings),
            address_policy=AddressPolicy(settings.allowed_private_networks),
        ),
        monitor_alerting=MonitorAlerting(monitors, groups, AlertHistory(stored), definitions),
        monitors=monitors,
        definitions=definitions,
        integrations=integrations,
        operators=operators,
        groups=groups,
        delivery_log=log,
        tester=DeferredTester(
            functools.partial(integration_tester, settings, stored, integrations, monitors)
        ),
        targets=TargetHealthStore(stored),
        replay=Replay(log, delivery_queue(settings), lambda: uuid.uuid4().hex),
        event_dead_letters=DeliveryQueue(boto3.client("sqs"), "", settings.evaluator_dlq_url),
    )


class DeferredTester:
    """Test sends, built by the first one: the config API's other routes never need the delivery code."""

    def __init__(self, build: Callable[[], IntegrationTester]) -> None:
        self._build = build

    @functools.cached_property
    def built(self) -> IntegrationTester:
        return self._build()

    def run(self, guid: UUID, given: IntegrationTestRequest) -> IntegrationTestResult:
        return self.built.run(guid, given)


def integration_tester(
    settings: Settings, stored: Table, integrations: Integrations, monitors: Monitors
) -> IntegrationTester:
    # Cold start: the delivery code (attempt, senders, secrets, its HTTP client) loads at the first test send.
    from alerting.delivery.test_send import IntegrationTester  # noqa: PLC0415
    from alerting.roots.delivery import channels, delivery_client, secret_resolver  # noqa: PLC0415

    # Test sends go through the delivery client: the same SSRF checks, pinning, timeout, no redirects.
    return IntegrationTester(
        integrations,
        monitors,
        channels(settings, stored),
        delivery_client(settings),
        secrets=secret_resolver(settings),
    )
