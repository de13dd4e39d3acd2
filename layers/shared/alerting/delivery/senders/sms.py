"""SMS through SNS: one short text to each on-duty operator's mobile phone (E.164)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alerting.delivery.outbound import Outbound
from alerting.delivery.senders.aws_calls import traced_call
from alerting.delivery.transport import Verdict
from alerting.errors import NothingToSendError
from alerting.integrations.sms import sms_text
from alerting.models.delivery import HttpExchange

if TYPE_CHECKING:
    from mypy_boto3_sns.type_defs import MessageAttributeValueTypeDef


def send(out: Outbound) -> None:
    phones = out.recipients.phones()
    if not phones:
        raise NothingToSendError("no on-duty operator with a mobile phone")
    text = sms_text(out.job.alert, out.rendering().values)
    attributes: dict[str, MessageAttributeValueTypeDef] = {
        "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
        "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": out.channels.sms_sender_id},
    }
    for phone in phones:
        sent = HttpExchange(method="SNS Publish", url=f"sms:{phone}", request_body=text)
        result, duration = traced_call(
            sent,
            lambda phone=phone: dict(  # type: ignore[misc]
                out.channels.sns.publish(PhoneNumber=phone, Message=text, MessageAttributes=attributes)
            ),
            "MessageId",
        )
        out.record(result, duration)
        if result.verdict is not Verdict.DELIVERED:
            return
