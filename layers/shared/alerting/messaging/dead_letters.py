"""Parks check-result events the evaluator cannot read, with the reason, for an operator to inspect."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import BotoCoreError, ClientError

from alerting.errors import UnavailableError
from alerting.observability import Metric, logger, metrics

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient


class EventDeadLetters:
    def __init__(self, sqs: SQSClient, queue_url: str) -> None:
        self._sqs = sqs
        self._queue_url = queue_url

    def park(self, event: dict[str, Any], reason: str) -> None:
        logger.error("malformed event dead-lettered", reason=reason, event_id=event.get("id"))
        metrics.add_metric(name=Metric.MALFORMED_EVENTS, unit=MetricUnit.Count, value=1)
        try:
            self._sqs.send_message(
                QueueUrl=self._queue_url,
                MessageBody=json.dumps(event, default=str),
                MessageAttributes={"Reason": {"DataType": "String", "StringValue": reason[:1000] or "-"}},
            )
        except (BotoCoreError, ClientError) as exc:
            raise UnavailableError(f"dead-letter queue unavailable: {exc}") from exc
