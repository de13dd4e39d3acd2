"""Everything the config API's routes call, built once per warm function from settings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import boto3

from alerting.configuration import Configuration
from alerting.delivery.queue import DeliveryQueue
from alerting.delivery.replay import Replay
from alerting.delivery.test_send import IntegrationTester
from alerting.delivery.transport import AddressPolicy
from alerting.delivery.wiring import account, build_channels, delivery_client
from alerting.monitor_alerting import MonitorAlerting
from alerting.settings import Settings
from alerting.storage.alert_definitions import AlertDefinitions
from alerting.storage.alert_history import AlertHistory
from alerting.storage.delivery_log import DeliveryLog
from alerting.storage.integrations import Integrations
from alerting.storage.monitor_groups import MonitorGroups
from alerting.storage.monitors import Monitors
from alerting.storage.operators import Operators
from alerting.storage.targets import TargetHealthStore


@dataclass(frozen=True)
class ApiServices:
    configuration: Configuration
    monitor_alerting: MonitorAlerting
    delivery_log: DeliveryLog
    tester: IntegrationTester
    targets: TargetHealthStore
    replay: Replay


def api_services(settings: Settings) -> ApiServices:
    table = boto3.resource("dynamodb").Table(settings.table_name)
    monitors, integrations = Monitors(table), Integrations(table)
    delivery_log = DeliveryLog(table, timedelta(days=settings.alert_retention_days))
    queue = DeliveryQueue(boto3.client("sqs"), settings.delivery_queue_url, settings.delivery_dlq_url)
    return ApiServices(
        configuration=Configuration(
            monitors,
            AlertDefinitions(table),
            integrations,
            Operators(table),
            account(settings),
            address_policy=AddressPolicy(settings.allowed_private_networks),
        ),
        monitor_alerting=MonitorAlerting(monitors, MonitorGroups(table), AlertHistory(table)),
        delivery_log=delivery_log,
        # Test sends go through the delivery client: the same SSRF checks, pinning, timeout, no redirects.
        tester=IntegrationTester(
            integrations, monitors, build_channels(settings, table), delivery_client(settings)
        ),
        targets=TargetHealthStore(table),
        replay=Replay(delivery_log, queue, lambda: uuid.uuid4().hex),
    )
