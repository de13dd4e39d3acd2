"""Check-result events as the IntakeQueue hands them to the evaluator: an SQS record per EventBridge event."""

from __future__ import annotations

import hashlib
import json
from typing import Any

INTAKE_QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:alerting-IntakeQueue"


def intake_record(event: dict[str, Any], message_id: str) -> dict[str, Any]:
    """The record of one EventBridge event that the rule put on the IntakeQueue."""
    body = json.dumps(event)
    return {
        "messageId": message_id,
        "receiptHandle": f"receipt-{message_id}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1764000000000",
            "SenderId": "AIDAEVENTBRIDGE",
            "ApproximateFirstReceiveTimestamp": "1764000000000",
        },
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": INTAKE_QUEUE_ARN,
        "awsRegion": "us-east-1",
    }


def intake_batch(*events: dict[str, Any]) -> dict[str, Any]:
    """The Lambda SQS event for these EventBridge events, one message each."""
    return {"Records": [intake_record(event, f"message-{i}") for i, event in enumerate(events)]}


def check_batch_event(details: list[dict[str, Any]], event_id: str = "batch-1") -> dict[str, Any]:
    """A MonitorCheckBatch event carrying these check details."""
    return {
        "version": "0",
        "id": event_id,
        "detail-type": "MonitorCheckBatch",
        "source": "monitoring.checks",
        "account": "123456789012",
        "time": details[0]["Timestamp"],
        "region": "us-east-1",
        "resources": [],
        "detail": {"Checks": details},
    }
