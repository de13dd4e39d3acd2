"""moto server in its own process: it serves AWS requests, and goes away with whoever started it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import httpx
import pytest

from local.moto_process import REPO_ROOT, MotoProcess


def test_moto_process_serves_aws_requests_until_stopped() -> None:
    moto = MotoProcess("127.0.0.1")
    endpoint = moto.start()
    try:
        sqs = boto3.client(
            "sqs",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        url = sqs.create_queue(QueueName="moto-process")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="hello")
        received = sqs.receive_message(QueueUrl=url)["Messages"]
    finally:
        moto.stop()
    moto.stop()  # a second stop is harmless

    assert [message["Body"] for message in received] == ["hello"]
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{endpoint}/moto-api/data.json")


def test_moto_process_exits_when_its_parent_goes_away() -> None:
    # The parent's end of stdin closing is what the child sees when the stack's process dies.
    child = subprocess.Popen(
        [sys.executable, "-m", "local.moto_process", "--port", "0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    assert child.stdin is not None and child.stdout is not None
    address = json.loads(child.stdout.readline())
    assert httpx.get(f"http://{address['host']}:{address['port']}/moto-api/data.json").is_success

    child.stdin.close()

    assert child.wait(timeout=30) == 0
    child.stdout.close()


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_moto_process_answers_item_reads_and_sparse_index_queries_as_dynamodb_does() -> None:
    """Its answers are written without moto's model-walking serializer: every attribute type survives."""
    moto = MotoProcess("127.0.0.1")
    dynamodb = _client("dynamodb", moto.start())
    try:
        dynamodb.create_table(
            TableName="items",
            KeySchema=[
                {"AttributeName": "PK", "KeyType": "HASH"},
                {"AttributeName": "SK", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": "S"} for name in ("PK", "SK", "Shard", "DueAt")
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "Due",
                    "KeySchema": [
                        {"AttributeName": "Shard", "KeyType": "HASH"},
                        {"AttributeName": "DueAt", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        item = {
            "PK": {"S": "P"},
            "SK": {"S": "1"},
            "Blob": {"B": b"\x00\xff"},
            "Count": {"N": "3"},
            "Config": {"M": {"Tags": {"SS": ["a", "b"]}, "List": {"L": [{"NULL": True}, {"BOOL": False}]}}},
        }
        dynamodb.put_item(TableName="items", Item=item)
        for sort_key, due in (("2", "2026-01-02"), ("3", "2026-01-01"), ("4", None)):
            due_attributes = {"Shard": {"S": "0"}, "DueAt": {"S": due}} if due else {}
            dynamodb.put_item(
                TableName="items", Item={"PK": {"S": "M"}, "SK": {"S": sort_key}, **due_attributes}
            )

        got = dynamodb.get_item(TableName="items", Key={"PK": {"S": "P"}, "SK": {"S": "1"}})["Item"]
        queried = dynamodb.query(
            TableName="items",
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": "P"}},
        )
        due = dynamodb.query(
            TableName="items",
            IndexName="Due",
            KeyConditionExpression="Shard = :shard AND DueAt <= :now",
            ExpressionAttributeValues={":shard": {"S": "0"}, ":now": {"S": "2026-01-03"}},
        )
    finally:
        moto.stop()

    assert got == item
    assert queried["Items"] == [item] and queried["Count"] == 1
    assert [i["SK"]["S"] for i in due["Items"]] == ["3", "2"]  # only the items the index holds, in its order


def test_moto_process_answers_a_long_poll_with_a_message_sent_while_it_waits() -> None:
    moto = MotoProcess("127.0.0.1")
    endpoint = moto.start()
    try:
        sqs = _client("sqs", endpoint)
        url = sqs.create_queue(QueueName="long-poll")["QueueUrl"]
        with ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(sqs.receive_message, QueueUrl=url, WaitTimeSeconds=20)
            _client("sqs", endpoint).send_message(QueueUrl=url, MessageBody="arrived")
            received = waiting.result(timeout=60).get("Messages", [])
    finally:
        moto.stop()

    assert [message["Body"] for message in received] == ["arrived"]


def test_moto_process_keeps_sqs_delays_visibility_timeouts_and_sent_times() -> None:
    """Its SQS reads the clock its own way (local.moto_fixes): the instants must still be SQS's."""
    moto = MotoProcess("127.0.0.1")
    sqs = _client("sqs", moto.start())
    try:
        url = sqs.create_queue(QueueName="timing", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
        sent_after_ms = time.time() * 1000
        sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=1)
        while_delayed = sqs.receive_message(QueueUrl=url).get("Messages", [])
        first = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5, AttributeNames=["SentTimestamp"])
        first_messages = first.get("Messages", [])
        if first_messages:
            sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=first_messages[0]["ReceiptHandle"], VisibilityTimeout=1
            )
        while_invisible = sqs.receive_message(QueueUrl=url).get("Messages", [])
        again = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5).get("Messages", [])
    finally:
        moto.stop()

    assert while_delayed == [] and while_invisible == []
    assert [m["Body"] for m in first_messages] == ["delayed"] and [m["Body"] for m in again] == ["delayed"]
    sent_ms = int(first_messages[0]["Attributes"]["SentTimestamp"])
    assert sent_after_ms - 1000 <= sent_ms <= sent_after_ms + 5000
