"""E-mail: one message to the level's on-duty operators and its extra addresses (sent through SES by
`delivery/senders/email.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from alerting.integrations.spec import IntegrationSpec
from alerting.integrations.wording import COLOURS, Values, clip, detail, headline, one_line
from alerting.models.alert import Alert, AlertType
from alerting.models.config import IntegrationType


@dataclass(frozen=True)
class EmailMessage:
    subject: str
    text: str
    html: str


def email_message(alert: Alert, values: Values) -> EmailMessage:
    """The alert e-mail: subject per alert type, a plain-text and an HTML body with the same facts."""
    prefix = {AlertType.ERROR: "[Alert]", AlertType.REMINDER: "[Reminder]", AlertType.OK: "[OK]"}[
        alert.alert_type
    ]
    facts = [
        ("Monitor", alert.monitor_name),
        ("URL", alert.monitor_url),
        ("Alert type", alert.alert_type.template_name),
        ("Description", detail(alert)),
        ("Message", alert.escalation_level_message),
        ("First error", f"{values['alert.firstErrorFormatted']} ({values['alert.firstErrorUtc']} UTC)"),
        ("This alert", f"{values['alert.timestampFormatted']} ({values['alert.timestampUtc']} UTC)"),
        ("Checkpoint", alert.checkpoint_name),
        ("Alert definition", f"{alert.alert_definition_name}, escalation level {alert.escalation_level_id}"),
        ("Incident", alert.incident_key),
    ]
    shown = [(label, value) for label, value in facts if value]
    text = "\n".join(
        [
            headline(alert),
            "",
            *(f"{label}: {value}" for label, value in shown),
            "",
            f"Dashboard: {values['monitor.dashboardUrl']}",
        ]
    )
    rows = "".join(
        f'<tr><th align="left">{escape(label)}</th><td>{escape(value)}</td></tr>' for label, value in shown
    )
    html = (
        '<!doctype html><html><body style="font-family:sans-serif">'
        f'<h2 style="color:{COLOURS[alert.alert_type]}">{escape(headline(alert))}</h2>'
        f"<table>{rows}</table>"
        f'<p><a href="{escape(values["monitor.dashboardUrl"])}">Dashboard</a> · '
        f'<a href="{escape(values["monitor.editUrl"])}">Monitor</a></p></body></html>'
    )
    # A subject is a header: a line break in a monitor's name must not start another header.
    return EmailMessage(subject=clip(one_line(f"{prefix} {headline(alert)}"), 200), text=text, html=html)


SPEC = IntegrationSpec(
    type=IntegrationType.EMAIL,
    name="Email",
    recipients=True,
    extra_email_addresses=True,
)
