"""What every repository shares: ClientError → domain errors in one place, cursors, low-level items."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from alerting.errors import AlertingError, ConcurrentUpdateError, InvalidInputError, UnavailableError
from alerting.models.base import ApiModel
from alerting.storage import keys

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

_deserializer = TypeDeserializer()
CURSOR_KEYS = frozenset({"PK", "SK", "GSI1PK", "GSI1SK"})
M = TypeVar("M", bound=ApiModel)


@contextmanager
def translated_errors() -> Iterator[None]:
    """Map DynamoDB error codes to the domain errors callers understand."""
    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("ConditionalCheckFailedException", "TransactionConflictException"):
            raise ConcurrentUpdateError(code) from exc
        if code == "TransactionCanceledException":
            reasons = exc.response.get("CancellationReasons", [])
            if any(r.get("Code") in ("ConditionalCheckFailed", "TransactionConflict") for r in reasons):
                raise ConcurrentUpdateError(code) from exc
        if code == "ValidationException":
            # DynamoDB refuses what it was given (an item over 400 KB, a forged start key): bad input.
            message = exc.response.get("Error", {}).get("Message", "")
            if "size" in message.lower():
                raise InvalidInputError("body", "is too large to store (400 KB per object)") from exc
            raise InvalidInputError("body", "holds a value the store refuses") from exc
        raise UnavailableError(f"DynamoDB {code}") from exc


@contextmanager
def failed_condition_raises(error: AlertingError) -> Iterator[None]:
    """The write inside raises this domain error when its condition fails (it exists, or it does not)."""
    try:
        with translated_errors():
            yield
    except ConcurrentUpdateError as exc:
        raise error from exc


def from_low_level(item: dict[str, Any]) -> dict[str, Any]:
    """An item from an error response, which the resource's client leaves in DynamoDB's wire format."""
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, default=str).encode()).decode()


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError) as exc:
        raise InvalidInputError("Cursor", "is not a cursor this API returned") from exc
    # A cursor is the key of the last item shown: a few key attributes, each a string.
    if (
        not isinstance(decoded, dict)
        or not decoded
        or not all(name in CURSOR_KEYS and isinstance(value, str) for name, value in decoded.items())
    ):
        raise InvalidInputError("Cursor", "is not a cursor this API returned")
    return decoded


def query_all(table: Table, **kwargs: Any) -> list[dict[str, Any]]:
    """Every item of a query, following pages."""
    items: list[dict[str, Any]] = []
    with translated_errors():
        while True:
            page = table.query(**kwargs)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# BatchGetItem's limit per request, and how many times keys DynamoDB left unprocessed are asked for again.
BATCH_GET_MAX = 100
BATCH_GET_ROUNDS = 5


def get_many(table: Table, wanted: Sequence[keys.Key], consistent: bool = False) -> list[dict[str, Any]]:
    """The items of these keys that exist, in one BatchGetItem per 100 keys (in no particular order)."""
    found: list[dict[str, Any]] = []
    unique = list({(key["PK"], key["SK"]): key for key in wanted}.values())
    for start in range(0, len(unique), BATCH_GET_MAX):
        request: Any = {
            table.name: {"Keys": unique[start : start + BATCH_GET_MAX], "ConsistentRead": consistent}
        }
        for _ in range(BATCH_GET_ROUNDS):
            with translated_errors():
                answer = table.meta.client.batch_get_item(RequestItems=request)
            found += answer.get("Responses", {}).get(table.name, [])
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                break
        else:
            raise UnavailableError("DynamoDB kept some reads of a batch unprocessed")
    return found


def query_prefix(table: Table, partition: str, prefix: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Every item of a partition whose sort key starts with the prefix, following pages."""
    return query_all(
        table,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues={":pk": partition, ":prefix": prefix},
        **kwargs,
    )


def failed_conditions(exc: AlertingError) -> list[bool]:
    """For a cancelled transaction: which of its operations failed their condition, in order."""
    cause = exc.__cause__
    if not isinstance(cause, ClientError):
        return []
    reasons = cause.response.get("CancellationReasons", [])
    return [reason.get("Code") == "ConditionalCheckFailed" for reason in reasons]


def page_of_kind(
    table: Table, kind: keys.Kind, model: type[M], limit: int, cursor: str | None
) -> tuple[list[M], str | None]:
    """One page of the config objects of a kind, ordered by name (index ByKind), and the next cursor."""
    query: dict[str, Any] = {
        "IndexName": keys.BY_KIND_INDEX,
        "KeyConditionExpression": "GSI1PK = :kind",
        "ExpressionAttributeValues": {":kind": kind.value},
        "Limit": limit,
    }
    if start := decode_cursor(cursor):
        if start.get("GSI1PK") != kind.value:
            raise InvalidInputError("Cursor", "is not a cursor this API returned")
        query["ExclusiveStartKey"] = start
    found: list[M] = []
    # DynamoDB stops a page at 1 MB: keep reading until Take objects or the end, never truncate silently.
    while True:
        with translated_errors():
            page = table.query(**query)
        found += [model.model_validate(item["Config"]) for item in page.get("Items", [])]
        last = page.get("LastEvaluatedKey")
        if not last or len(found) >= limit:
            return found, encode_cursor(last)
        query |= {"ExclusiveStartKey": last, "Limit": limit - len(found)}


def delete_with(table: Table, key: keys.Key, companion: dict[str, Any], missing: AlertingError) -> None:
    """Delete an item that must exist together with one more write (its other side); `missing` if it
    does not exist."""
    operations: list[Any] = [
        {"Delete": {"TableName": table.name, "Key": key, "ConditionExpression": "attribute_exists(PK)"}},
        companion,
    ]
    with failed_condition_raises(missing):
        table.meta.client.transact_write_items(TransactItems=operations)


def transact(table: Table, operations: list[Any], *failures: AlertingError | None) -> None:
    """One transaction; when it is cancelled, the error given for the first operation whose condition
    failed is raised (None, or none given: the ConcurrentUpdateError itself)."""
    try:
        with translated_errors():
            table.meta.client.transact_write_items(TransactItems=operations)
    except ConcurrentUpdateError as exc:
        for failed, error in zip(failed_conditions(exc), failures, strict=False):
            if failed and error is not None:
                raise error from exc
        raise
