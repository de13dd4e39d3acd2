"""An item from a failed condition's error response reads as the table would have returned it.

storage/dynamo.py reads such items with Powertools' deserializer instead of boto3's (boto3 is not imported
at cold start); a monitor record read either way must come out the same, or a retry would misread it.
"""

from __future__ import annotations

from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer

from alerting.storage.dynamo import from_low_level

# A monitor record's shapes in DynamoDB's wire format: numbers, string sets, maps, lists, flags, binary.
ITEM = {
    "PK": {"S": "MONITOR#5b0f"},
    "Version": {"N": "7"},
    "DueAt": {"N": "1764567000.25"},
    "Watermark": {"N": "12345678901234567890123456789012345678"},
    "DefinitionGuids": {"SS": ["a", "b"]},
    "Weights": {"NS": ["1", "2.5"]},
    "Config": {"M": {"Name": {"S": "Shop"}, "Active": {"BOOL": True}, "Note": {"NULL": True}}},
    "Outbox": {"L": [{"S": "x"}, {"N": "0"}]},
    "Blob": {"B": b"\x00\x01"},
    "Blobs": {"BS": [b"\x02"]},
}


def test_an_item_from_an_error_response_reads_as_boto3_reads_it() -> None:
    boto3_reads = {name: TypeDeserializer().deserialize(value) for name, value in ITEM.items()}
    ours = from_low_level(ITEM)
    assert ours == boto3_reads
    assert isinstance(ours["Version"], Decimal)
    assert ours["Watermark"] == Decimal("12345678901234567890123456789012345678")
    assert ours["Weights"] == {Decimal(1), Decimal("2.5")}
