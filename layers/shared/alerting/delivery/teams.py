"""Microsoft Teams Workflows: POST an Adaptive Card to the workflow's URL (`WorkflowUrl`)."""

from __future__ import annotations

from alerting.delivery.dispatch import Delivery
from alerting.delivery.http import OutgoingRequest
from alerting.rendering import teams_message


def deliver(delivery: Delivery) -> None:
    body = teams_message(delivery.job.alert, delivery.values())
    delivery.send(OutgoingRequest("POST", delivery.variable("WorkflowUrl"), json_body=body))
