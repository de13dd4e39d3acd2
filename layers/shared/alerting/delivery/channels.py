"""Builds what integration senders need besides HTTP (SES, SNS, operators, sys_ids) from settings."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import boto3

from alerting.delivery.dispatch import Channels
from alerting.settings import Settings
from alerting.storage.operators import Operators
from alerting.storage.servicenow_incidents import ServiceNowIncidents
from alerting.templating import Account

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def account(settings: Settings) -> Account:
    return Account(settings.account_id, settings.account_timezone, settings.account_culture, settings.app_url)


def build_channels(settings: Settings, table: Table) -> Channels:
    return Channels(
        account=account(settings),
        operators=Operators(table),
        servicenow=ServiceNowIncidents(table, timedelta(days=settings.alert_retention_days)),
        ses=boto3.client("ses"),
        sns=boto3.client("sns"),
        email_sender=settings.email_sender_address,
        sms_sender_id=settings.sms_sender_id,
    )
