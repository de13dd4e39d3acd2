"""The delivery log and queue and the account, built alike by the delivery function's and the config API's
roots. Apart from `roots.delivery`, so the config API's root does not load the delivery code (cold start)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import boto3

from alerting.messaging.delivery_queue import DeliveryQueue
from alerting.settings import Settings
from alerting.storage.delivery_log import DeliveryLog
from alerting.templating import Account

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def delivery_log(settings: Settings, stored: Table) -> DeliveryLog:
    return DeliveryLog(stored, timedelta(days=settings.alert_retention_days))


def delivery_queue(settings: Settings) -> DeliveryQueue:
    return DeliveryQueue(boto3.client("sqs"), settings.delivery_queue_url, settings.delivery_dlq_url)


def account(settings: Settings) -> Account:
    return Account(settings.account_id, settings.account_timezone, settings.account_culture, settings.app_url)
