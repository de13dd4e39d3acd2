"""PagerDuty Events API v2: trigger on Alert and Reminder, resolve on Ok, deduplicated by the incident key."""

from __future__ import annotations

from alerting.delivery.dispatch import Delivery
from alerting.delivery.http import OutgoingRequest
from alerting.rendering import pagerduty_event

EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"


def deliver(delivery: Delivery) -> None:
    body = pagerduty_event(delivery.job.alert, delivery.values(), delivery.variable("RoutingKey"))
    # ApiUrl is optional: a proxy, or a local receiver in tests.
    delivery.send(OutgoingRequest("POST", delivery.variable("ApiUrl", EVENTS_URL), json_body=body))
