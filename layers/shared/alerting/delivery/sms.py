"""SMS through SNS: one short text to each on-duty operator's mobile phone (E.164)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alerting.delivery.aws_calls import traced_call
from alerting.delivery.dispatch import Delivery
from alerting.delivery.http import Verdict
from alerting.errors import NothingToSendError
from alerting.models.delivery import HttpExchange
from alerting.rendering import sms_text

if TYPE_CHECKING:
    from mypy_boto3_sns.type_defs import MessageAttributeValueTypeDef


def deliver(delivery: Delivery) -> None:
    phones = delivery.recipients.phones()
    if not phones:
        raise NothingToSendError("no on-duty operator with a mobile phone")
    text = sms_text(delivery.job.alert, delivery.values())
    attributes: dict[str, MessageAttributeValueTypeDef] = {
        "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
        "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": delivery.channels.sms_sender_id},
    }
    for phone in phones:
        sent = HttpExchange(method="SNS Publish", url=f"sms:{phone}", request_body=text)
        result, duration = traced_call(
            sent,
            lambda phone=phone: dict(  # type: ignore[misc]
                delivery.channels.sns.publish(PhoneNumber=phone, Message=text, MessageAttributes=attributes)
            ),
            "MessageId",
        )
        delivery.record(result, duration)
        if result.verdict is not Verdict.DELIVERED:
            return
