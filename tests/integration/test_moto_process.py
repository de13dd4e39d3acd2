"""moto server in its own process: it serves AWS requests, and goes away with whoever started it."""

from __future__ import annotations

import json
import subprocess
import sys

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
