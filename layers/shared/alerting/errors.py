"""The one error hierarchy of the alerting package.

    AlertingError
    ├── InvalidInputError        bad input from a user; carries the field and the reason (HTTP 400)
    ├── NotFoundError            the named object does not exist (HTTP 404)
    ├── AlreadyExistsError       a create collided with an existing object (HTTP 409)
    ├── ConcurrentUpdateError    a conditional write lost a race; the caller re-reads and retries
    ├── VersionMismatchError     If-Match named a version that is no longer current (HTTP 412)
    ├── TemplateError            a message template that does not parse or names an unknown variable
    ├── MalformedEventError      an event that no retry can fix; logged, counted and dead-lettered
    ├── UnavailableError         DynamoDB or SQS failed or throttled; the invocation fails, AWS retries it
    └── DeliveryError            an attempt to deliver a message failed
        ├── RetryableDeliveryError   408/429/5xx/timeout/connection: try again later
        ├── PermanentDeliveryError   any other failure: recorded, not retried
        │   ├── ForbiddenAddressError    the URL is not http(s) or reaches a private address (SSRF)
        │   └── TargetDisabledError      the target was disabled (410 Gone, or failing for days)
        └── NothingToSendError       the integration sends nothing for this alert (no step, no one on duty)

Callers branch on these types, never on message text.
"""

from __future__ import annotations


class AlertingError(Exception):
    """Base of every error this package raises on purpose."""


class InvalidInputError(AlertingError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class _ObjectError(AlertingError):
    """An error about one named object; the subclass says what is wrong with it."""

    problem = ""

    def __init__(self, kind: str, key: str) -> None:
        self.kind, self.key = kind, key
        super().__init__(f"{kind} {key} {self.problem}")


class NotFoundError(_ObjectError):
    problem = "does not exist"


class AlreadyExistsError(_ObjectError):
    problem = "already exists"


class ConcurrentUpdateError(AlertingError):
    """Someone else changed the item between our read and our conditional write."""


class VersionMismatchError(AlertingError):
    """The object changed since the version the client read (If-Match): it must read again."""


class TemplateError(AlertingError):
    """A message template that cannot be rendered; the config API reports it on the field that holds it."""


class MalformedEventError(AlertingError):
    """An event that does not parse; retrying cannot help."""


class UnavailableError(AlertingError):
    """A dependency failed in a way a later retry of the whole invocation can fix."""


class DeliveryError(AlertingError):
    """An attempt to deliver one message to one target failed."""


class RetryableDeliveryError(DeliveryError):
    def __init__(self, message: str, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class PermanentDeliveryError(DeliveryError):
    """The target refused the message for good (a 4xx other than 408/429, or it is gone)."""


class NothingToSendError(DeliveryError):
    """Nothing goes out for this alert: no step takes its type, or no recipient is on duty."""


class ForbiddenAddressError(PermanentDeliveryError):
    """The URL is not http(s), or its host resolves to a loopback, private or metadata address."""


class TargetDisabledError(PermanentDeliveryError):
    """The target is disabled; nothing is sent to it until a PATCH re-enables it."""
