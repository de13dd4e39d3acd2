"""Splunk On-Call REST endpoint: POST to `<SplunkOnCallUrl>/<RoutingKey>`; RECOVERY closes the entity."""

from __future__ import annotations

from urllib.parse import quote

from alerting.delivery.dispatch import Delivery
from alerting.delivery.http import OutgoingRequest
from alerting.rendering import splunk_on_call_alert


def deliver(delivery: Delivery) -> None:
    base = delivery.variable("SplunkOnCallUrl").rstrip("/")
    url = f"{base}/{quote(delivery.variable('RoutingKey'), safe='')}"
    delivery.send(
        OutgoingRequest("POST", url, json_body=splunk_on_call_alert(delivery.job.alert, delivery.values()))
    )
