"""Standard Webhooks signatures: receivers verify that a message came from us and was not altered.

`webhook-signature` holds one `v1,<base64 HMAC-SHA256>` per active secret, space-separated, so a
receiver keeps verifying while an integration rotates from its old secret to a new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"
MAX_ACTIVE_SECRETS = 2


def signature_headers(
    webhook_id: str, timestamp: datetime, body: str, secrets: Sequence[str]
) -> dict[str, str]:
    """The three Standard Webhooks headers for body; no signature header when there is no secret."""
    headers = {"webhook-id": webhook_id, "webhook-timestamp": str(int(timestamp.timestamp()))}
    if secrets:
        headers["webhook-signature"] = " ".join(
            Webhook(secret).sign(webhook_id, timestamp, body) for secret in secrets
        )
    return headers
