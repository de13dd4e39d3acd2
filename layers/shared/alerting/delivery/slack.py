"""Slack incoming webhook: POST text, blocks and a coloured attachment to the webhook URL (`Url`)."""

from __future__ import annotations

from alerting.delivery.dispatch import Delivery
from alerting.delivery.http import OutgoingRequest
from alerting.rendering import slack_message


def deliver(delivery: Delivery) -> None:
    body = slack_message(delivery.job.alert, delivery.values())
    delivery.send(OutgoingRequest("POST", delivery.variable("Url"), json_body=body))
