"""SMS: one short text to each on-duty operator's mobile phone (sent through SNS by
`delivery/senders/sms.py`)."""

from __future__ import annotations

from alerting.integrations.spec import IntegrationSpec
from alerting.integrations.wording import Values, clip, detail
from alerting.models.alert import Alert, AlertType
from alerting.models.config import IntegrationType

SMS_CHARS = 160


def sms_text(alert: Alert, values: Values) -> str:
    """One SMS segment: type, monitor, what, when (UTC)."""
    kind = {AlertType.ERROR: "ALERT", AlertType.REMINDER: "REMINDER", AlertType.OK: "OK"}[alert.alert_type]
    at = values["alert.timestampUtc"][11:16]
    return clip(f"{kind} {alert.monitor_name}: {detail(alert)} ({at} UTC)", SMS_CHARS)


SPEC = IntegrationSpec(
    type=IntegrationType.SMS,
    name="Sms",
    recipients=True,
)
