"""Opsgenie Alert API: create with alias = incident key (a Reminder repeats it), close the alias on Ok."""

from __future__ import annotations

from urllib.parse import quote

from alerting.delivery.dispatch import Delivery
from alerting.delivery.http import OutgoingRequest
from alerting.errors import PermanentDeliveryError
from alerting.models.alert import AlertType
from alerting.rendering import OPSGENIE_URLS, opsgenie_alert, opsgenie_close


def alerts_url(delivery: Delivery) -> str:
    """The EU or US endpoint (`Region`), or `ApiUrl` for a proxy or a local receiver."""
    if delivery.variables.get("ApiUrl"):
        return delivery.variables["ApiUrl"].rstrip("/")
    region = (delivery.variables.get("Region") or "US").upper()
    if region not in OPSGENIE_URLS:
        raise PermanentDeliveryError(f"Region must be {' or '.join(OPSGENIE_URLS)}, not {region}")
    return OPSGENIE_URLS[region]


def deliver(delivery: Delivery) -> None:
    alert = delivery.job.alert
    headers = {"Authorization": f"GenieKey {delivery.variable('ApiKey')}"}
    if alert.alert_type is AlertType.OK:
        url = f"{alerts_url(delivery)}/{quote(alert.incident_key, safe='')}/close?identifierType=alias"
        delivery.send(OutgoingRequest("POST", url, headers, json_body=opsgenie_close(alert)))
        return
    body = opsgenie_alert(alert, delivery.values())
    delivery.send(OutgoingRequest("POST", alerts_url(delivery), headers, json_body=body))
