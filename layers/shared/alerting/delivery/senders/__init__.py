"""Deliveries that take more than one request: a ServiceNow update that may look its incident up
first, e-mail through SES, SMS through SNS, status-page incidents created once and then updated.
Every other type sends the one request its `integrations/<type>.py` renders."""

from __future__ import annotations

from collections.abc import Callable

from alerting.delivery.outbound import Outbound
from alerting.delivery.senders import email, servicenow, sms, statushub_api, statuspage
from alerting.models.config import IntegrationType

Sender = Callable[[Outbound], None]

SENDERS: dict[IntegrationType, Sender] = {
    IntegrationType.SERVICENOW: servicenow.send,
    IntegrationType.EMAIL: email.send,
    IntegrationType.SMS: sms.send,
    IntegrationType.STATUSHUB_API: statushub_api.send,
    IntegrationType.STATUSPAGE: statuspage.send,
}
