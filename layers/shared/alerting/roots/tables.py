"""The table every root's repositories share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3

from alerting.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def table(settings: Settings) -> Table:
    return boto3.resource("dynamodb").Table(settings.table_name)
