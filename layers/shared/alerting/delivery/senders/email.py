"""E-mail through SES: one message to the level's on-duty operators and its extra addresses."""

from __future__ import annotations

from alerting.delivery.outbound import Outbound
from alerting.delivery.senders.aws_calls import traced_call
from alerting.errors import NothingToSendError
from alerting.integrations.email import email_message
from alerting.models.delivery import HttpExchange

MAX_RECIPIENTS = 50  # SES's limit per message


def send(out: Outbound) -> None:
    recipients = out.recipients.emails()[:MAX_RECIPIENTS]
    if not recipients:
        raise NothingToSendError("no on-duty operator with an e-mail address and no extra e-mail address")
    message = email_message(out.job.alert, out.rendering().values)
    sender = out.channels.email_sender
    sent = HttpExchange(
        method="SES SendEmail",
        url=f"ses:{','.join(recipients)}",
        request_headers={"From": sender, "To": ", ".join(recipients), "Subject": message.subject},
        request_body=message.text,
    )
    result, duration = traced_call(
        sent,
        lambda: dict(
            out.channels.ses.send_email(
                Source=sender,
                Destination={"ToAddresses": recipients},
                Message={
                    "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                    "Body": {
                        "Text": {"Data": message.text, "Charset": "UTF-8"},
                        "Html": {"Data": message.html, "Charset": "UTF-8"},
                    },
                },
            )
        ),
        "MessageId",
    )
    out.record(result, duration)
