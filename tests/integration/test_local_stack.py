"""Tests of the local stack's wiring: template resources on moto, and triggers reaching fake handlers.

One stack (ports 0, a temporary state dir) serves the whole module; the fake handlers record what they get,
so each test asserts what a real function would have observed.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import boto3
import httpx
import pytest

from local.client import wait_for_stack
from local.provisioning import Resolver, TemplateError, load_template, pseudo_parameters
from local.stack import REPO_ROOT, STACK_FILE, LocalStack, StackInfo

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

TEMPLATE = load_template(REPO_ROOT / "template.yaml")
DEADLINE_S = 10.0


def eventually(condition: Callable[[], Any], what: str, timeout: float = DEADLINE_S) -> Any:
    """Polls until `condition()` is truthy and returns it; fails with `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


class FakeFunctions:
    """Fake handlers for the three functions, recording every event they receive."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.api_events: list[dict[str, Any]] = []
        self.check_results: list[dict[str, Any]] = []
        self.attempts: defaultdict[str, int] = defaultdict(int)
        self.delivery_batches: list[dict[str, Any]] = []
        self.evaluator_batches: list[int] = []
        self._sqs: SQSClient | None = None

    def handlers(self) -> dict[str, Callable[[dict[str, Any], Any], Any]]:
        return {
            "ConfigApiFunction": self.config_api,
            "AlertEvaluatorFunction": self.alert_evaluator,
            "WebhookDeliveryFunction": self.webhook_delivery,
        }

    def config_api(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        with self.lock:
            self.api_events.append(event)
        return {
            "statusCode": 207,
            "headers": {"Content-Type": "application/json", "X-Fake": "config-api"},
            "multiValueHeaders": {"X-Multi": ["a", "b"]},
            "body": json.dumps(
                {"Seen": event["path"], "Remaining": context.get_remaining_time_in_millis() > 0}
            ),
            "isBase64Encoded": False,
        }

    def alert_evaluator(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Takes an intake batch: each record's body is one EventBridge event."""
        failures = []
        records = event.get("Records", [])  # none in the sweep's scheduled invoke
        check_results = [json.loads(record["body"]) for record in records]
        with self.lock:
            self.evaluator_batches.append(len(check_results))
            self.check_results += check_results
            for check_result in check_results:
                self.attempts[check_result["id"]] += 1
        for record, check_result in zip(records, check_results, strict=True):
            if check_result["detail"].get("Fail"):
                # Back at once rather than after the queue's visibility timeout, so the test sees retries.
                queue = self.sqs().get_queue_url(QueueName=record["eventSourceARN"].rsplit(":", 1)[1])
                self.sqs().change_message_visibility(
                    QueueUrl=queue["QueueUrl"], ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
                )
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}

    def webhook_delivery(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        with self.lock:
            self.delivery_batches.append(event)
        failures = []
        for record in event["Records"]:
            if record["body"] == "fail-first" and record["attributes"]["ApproximateReceiveCount"] == "1":
                # What the real handler does to schedule a retry: its own visibility timeout (0: now).
                self.sqs().change_message_visibility(
                    QueueUrl=os.environ["DELIVERY_QUEUE_URL"],
                    ReceiptHandle=record["receiptHandle"],
                    VisibilityTimeout=0,
                )
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}

    def sqs(self) -> SQSClient:
        # Created lazily, like the real handlers, so it picks up the stack's AWS_ENDPOINT_URL.
        if self._sqs is None:
            self._sqs = boto3.session.Session().client("sqs")
        return self._sqs

    def records(self, body: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r for batch in self.delivery_batches for r in batch["Records"] if r["body"] == body]

    def check_results_with(self, marker: str) -> list[dict[str, Any]]:
        with self.lock:
            return [event for event in self.check_results if event["detail"].get("Marker") == marker]

    def close(self) -> None:
        if self._sqs is not None:
            self._sqs.close()


@pytest.fixture(scope="module")
def fakes() -> Iterator[FakeFunctions]:
    functions = FakeFunctions()
    yield functions
    functions.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, fakes: FakeFunctions) -> Iterator[LocalStack]:
    with LocalStack(tmp_path_factory.mktemp("state"), handlers=fakes.handlers()) as running:
        yield running
    assert not running.stack_file.exists(), "stop() must remove stack.json"


@pytest.fixture(scope="module")
def info(stack: LocalStack) -> StackInfo:
    assert stack.info is not None
    return stack.info


@pytest.fixture(scope="module")
def clients(info: StackInfo) -> Iterator[tuple[SQSClient, DynamoDBClient, EventBridgeClient]]:
    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name=info.region)
    sqs = session.client("sqs", endpoint_url=info.aws_endpoint_url)
    dynamodb = session.client("dynamodb", endpoint_url=info.aws_endpoint_url)
    events = session.client("events", endpoint_url=info.aws_endpoint_url)
    yield sqs, dynamodb, events
    for client in (sqs, dynamodb, events):
        client.close()


@pytest.fixture
def sqs(clients: tuple[SQSClient, DynamoDBClient, EventBridgeClient]) -> SQSClient:
    return clients[0]


@pytest.fixture
def dynamodb(clients: tuple[SQSClient, DynamoDBClient, EventBridgeClient]) -> DynamoDBClient:
    return clients[1]


@pytest.fixture
def events(clients: tuple[SQSClient, DynamoDBClient, EventBridgeClient]) -> EventBridgeClient:
    return clients[2]


def template_properties(resource_type: str, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    matches = [
        resource["Properties"]
        for resource in TEMPLATE.resources_of_type(resource_type).values()
        if predicate(resource["Properties"])
    ]
    assert len(matches) == 1, f"expected one {resource_type} matching in the template"
    properties: dict[str, Any] = matches[0]
    return properties


def put_check_result(events: EventBridgeClient, info: StackInfo, detail: dict[str, Any], source: str) -> None:
    response = events.put_events(
        Entries=[
            {
                "EventBusName": info.event_bus_name,
                "Source": source,
                "DetailType": "MonitorCheck",
                "Detail": json.dumps(detail),
            }
        ]
    )
    assert response["FailedEntryCount"] == 0


def test_sam_env_vars_point_sam_local_invoke_at_this_stack(stack: LocalStack, info: StackInfo) -> None:
    variables = json.loads(stack.sam_env_file.read_text(encoding="utf-8"))["Parameters"]
    assert variables["AWS_ENDPOINT_URL"] == info.aws_endpoint_url
    assert variables["TABLE_NAME"] == info.table_name
    assert variables["DELIVERY_QUEUE_URL"] == info.delivery_queue_url


def test_stack_json_is_written_with_the_documented_keys(stack: LocalStack, info: StackInfo) -> None:
    written = json.loads((stack.state_dir / STACK_FILE).read_text(encoding="utf-8"))

    assert set(written) == {
        "api_url",
        "aws_endpoint_url",
        "region",
        "event_bus_name",
        "statushub_url",
        "statuspage_url",
        "table_name",
        "delivery_queue_url",
        "delivery_dlq_url",
        "evaluator_dlq_url",
        "control_url",
        "concurrency",
        "console_url",
    }
    assert wait_for_stack(stack.state_dir, timeout=1) == info
    assert info.api_url.endswith("/v4")
    assert info.console_url == f"{info.api_url}/console"
    assert httpx.get(f"{info.statushub_url}/api/services").status_code == 200


def test_the_table_has_the_template_key_schema_and_indexes(info: StackInfo, dynamodb: DynamoDBClient) -> None:
    expected = template_properties("AWS::DynamoDB::Table", lambda _: True)

    table = dynamodb.describe_table(TableName=info.table_name)["Table"]

    assert table["KeySchema"] == expected["KeySchema"]
    assert sorted(table["AttributeDefinitions"], key=str) == sorted(expected["AttributeDefinitions"], key=str)
    assert {index["IndexName"]: index["KeySchema"] for index in table["GlobalSecondaryIndexes"]} == {
        index["IndexName"]: index["KeySchema"] for index in expected["GlobalSecondaryIndexes"]
    }
    assert table["BillingModeSummary"]["BillingMode"] == expected["BillingMode"]
    ttl = dynamodb.describe_time_to_live(TableName=info.table_name)["TimeToLiveDescription"]
    assert ttl == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": expected["TimeToLiveSpecification"]["AttributeName"],
    }


def test_the_delivery_queue_has_the_template_attributes_and_redrive(info: StackInfo, sqs: SQSClient) -> None:
    expected = template_properties(
        "AWS::SQS::Queue",
        lambda properties: properties.get("FifoQueue") is True and "RedrivePolicy" in properties,
    )

    attributes = sqs.get_queue_attributes(QueueUrl=info.delivery_queue_url, AttributeNames=["All"])[
        "Attributes"
    ]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=info.delivery_dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]

    assert info.delivery_queue_url.endswith(".fifo")
    for name in ("VisibilityTimeout", "MessageRetentionPeriod", "DeduplicationScope", "FifoThroughputLimit"):
        assert attributes[name] == str(expected[name]), name
    assert attributes["FifoQueue"] == "true"
    assert attributes["ContentBasedDeduplication"] == str(expected["ContentBasedDeduplication"]).lower()
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == dlq_arn
    assert int(redrive["maxReceiveCount"]) == expected["RedrivePolicy"]["maxReceiveCount"]


def test_a_check_result_reaches_the_evaluator_through_the_intake_queue(
    info: StackInfo, events: EventBridgeClient, fakes: FakeFunctions
) -> None:
    ignored, wanted = uuid.uuid4().hex, uuid.uuid4().hex
    put_check_result(events, info, {"Marker": ignored}, source="someone.else")
    put_check_result(events, info, {"Marker": wanted, "MonitorGuid": "m-1"}, source="monitoring.checks")

    (event,) = eventually(lambda: fakes.check_results_with(wanted), "the check result at the evaluator")

    assert event["source"] == "monitoring.checks"
    assert event["detail-type"] == "MonitorCheck"
    assert event["detail"] == {"Marker": wanted, "MonitorGuid": "m-1"}
    assert {"version", "id", "time", "region", "resources"} <= set(event)
    # The rule matched synchronously at put_events, so the other source can no longer arrive.
    assert fakes.check_results_with(ignored) == []


def test_a_check_result_the_evaluator_keeps_failing_lands_in_its_dead_letter_queue(
    info: StackInfo, events: EventBridgeClient, sqs: SQSClient, fakes: FakeFunctions
) -> None:
    intake_url = next(url for url in sqs.list_queues()["QueueUrls"] if url.endswith("-IntakeQueue"))
    dlq_arn = sqs.get_queue_attributes(QueueUrl=info.evaluator_dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    # The template's redrive after 20 receives, shortened so the test sees it happen.
    sqs.set_queue_attributes(
        QueueUrl=intake_url,
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})},
    )
    marker = uuid.uuid4().hex
    put_check_result(events, info, {"Marker": marker, "Fail": True}, source="monitoring.checks")

    def dead_lettered() -> list[MessageTypeDef]:
        messages = sqs.receive_message(QueueUrl=info.evaluator_dlq_url, MaxNumberOfMessages=10).get(
            "Messages", []
        )
        return [m for m in messages if json.loads(m["Body"])["detail"].get("Marker") == marker]

    (message,) = eventually(dead_lettered, "the failed check result in the evaluator DLQ")

    assert fakes.attempts[json.loads(message["Body"])["id"]] == 3, fakes.attempts


def test_check_results_published_together_reach_the_evaluator_in_one_batch(
    info: StackInfo, events: EventBridgeClient, fakes: FakeFunctions
) -> None:
    marker = uuid.uuid4().hex
    entry = {
        "EventBusName": info.event_bus_name,
        "Source": "monitoring.checks",
        "DetailType": "MonitorCheck",
        "Detail": json.dumps({"Marker": marker}),
    }
    # Ten at once (PutEvents' most): five pollers each gather for the batching window, so however the
    # arrivals wake them, at least one of them holds two or more when its window closes.
    assert events.put_events(Entries=[entry] * 10)["FailedEntryCount"] == 0

    eventually(lambda: len(fakes.check_results_with(marker)) == 10, "ten check results")

    assert max(fakes.evaluator_batches) >= 2


def send_delivery(sqs: SQSClient, info: StackInfo, body: str) -> str:
    return sqs.send_message(
        QueueUrl=info.delivery_queue_url,
        MessageBody=body,
        MessageGroupId=uuid.uuid4().hex,
        MessageDeduplicationId=uuid.uuid4().hex,
        MessageAttributes={"Kind": {"DataType": "String", "StringValue": "Alert"}},
    )["MessageId"]


def queue_is_empty(sqs: SQSClient, url: str) -> bool:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return attributes == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}


def test_a_delivery_reaches_the_handler_as_an_sqs_event_and_is_deleted(
    info: StackInfo, sqs: SQSClient, fakes: FakeFunctions
) -> None:
    body = f"deliver-{uuid.uuid4().hex}"
    message_id = send_delivery(sqs, info, body)

    (record,) = eventually(lambda: fakes.records(body), "the delivery at the handler")

    queue_arn = sqs.get_queue_attributes(QueueUrl=info.delivery_queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    assert record["messageId"] == message_id
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == queue_arn
    assert record["awsRegion"] == info.region
    assert record["receiptHandle"]
    assert record["md5OfBody"]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp", "SequenceNumber"} <= set(
        record["attributes"]
    )
    assert record["attributes"]["MessageGroupId"]
    assert record["attributes"]["MessageDeduplicationId"]
    assert record["messageAttributes"]["Kind"]["stringValue"] == "Alert"
    eventually(lambda: queue_is_empty(sqs, info.delivery_queue_url), "the handled delivery to be deleted")


def test_a_delivery_reported_as_failed_stays_and_is_received_again(
    info: StackInfo, sqs: SQSClient, fakes: FakeFunctions
) -> None:
    message_id = send_delivery(sqs, info, "fail-first")

    records = eventually(
        lambda: len(fakes.records("fail-first")) >= 2 and fakes.records("fail-first"), "a retry"
    )

    assert [r["messageId"] for r in records] == [message_id, message_id]
    assert [r["attributes"]["ApproximateReceiveCount"] for r in records] == ["1", "2"]
    eventually(lambda: queue_is_empty(sqs, info.delivery_queue_url), "the retried delivery to be deleted")


def test_a_stopped_delivery_worker_leaves_messages_queued_until_it_starts_again(
    info: StackInfo, sqs: SQSClient, fakes: FakeFunctions
) -> None:
    control = info.control_url
    assert httpx.post(f"{control}/event-sources/WebhookDeliveryFunction/stop").status_code == 204
    assert httpx.get(f"{control}/event-sources").json()["WebhookDeliveryFunction"]["running"] is False
    body = f"while-stopped-{uuid.uuid4().hex}"
    send_delivery(sqs, info, body)
    attributes = sqs.get_queue_attributes(
        QueueUrl=info.delivery_queue_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "1"
    assert fakes.records(body) == []

    assert httpx.post(f"{control}/event-sources/WebhookDeliveryFunction/start").status_code == 204
    eventually(lambda: fakes.records(body), "the delivery after the restart")
    listing = httpx.get(f"{control}/event-sources").json()["WebhookDeliveryFunction"]
    assert listing == {"running": True, "restarts": 1}
    assert httpx.post(f"{control}/event-sources/NoSuchFunction/stop").status_code == 404


def test_an_http_request_reaches_the_config_api_as_a_rest_proxy_event(
    info: StackInfo, fakes: FakeFunctions
) -> None:
    response = httpx.get(f"{info.api_url}/Monitor", params={"Take": "5"}, headers={"X-Trace": "t-1"})

    assert response.status_code == 207
    assert response.headers["X-Fake"] == "config-api"
    assert response.headers.get_list("X-Multi") == ["a", "b"]
    assert response.json() == {"Seen": "/Monitor", "Remaining": True}
    event = fakes.api_events[-1]
    assert event["resource"] == "/{proxy+}"
    assert event["path"] == "/Monitor"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"proxy": "Monitor"}
    assert event["queryStringParameters"] == {"Take": "5"}
    assert event["multiValueQueryStringParameters"] == {"Take": ["5"]}
    assert event["headers"]["X-Trace"] == "t-1"
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["stage"] == "v4"
    assert context["path"] == "/v4/Monitor"
    assert context["identity"]["sourceIp"] == "127.0.0.1"


def test_the_api_passes_a_body_and_serves_nothing_outside_its_stage(
    info: StackInfo, fakes: FakeFunctions
) -> None:
    posted = httpx.post(f"{info.api_url}/Monitor", json={"Name": "Home"})
    outside = httpx.get(info.api_url.removesuffix("/v4") + "/Monitor")

    assert posted.status_code == 207
    assert json.loads(fakes.api_events[-1]["body"]) == {"Name": "Home"}
    assert outside.status_code == 404
    assert "message" in outside.json()


def test_a_second_stack_in_the_same_process_is_refused(tmp_path: Path, stack: LocalStack) -> None:
    with pytest.raises(RuntimeError, match="already running"):
        LocalStack(tmp_path).start()

    assert stack.stack_file.exists()


def test_a_stack_can_start_again_after_one_stopped(stack: LocalStack, info: StackInfo) -> None:
    stack.stop()
    assert not stack.stack_file.exists()
    with pytest.raises(httpx.ConnectError):  # its moto server process went with it
        httpx.get(f"{info.aws_endpoint_url}/moto-api/data.json")

    stack.start()

    assert wait_for_stack(stack.state_dir, timeout=1) == stack.info


def test_the_resolver_handles_the_intrinsics_the_template_uses() -> None:
    resolver = Resolver({"Stage": "v4"}, pseudo_parameters("alerting-local", "us-east-1"))
    resolver.add_resource("Queue", "https://queue-url", {"Arn": "arn:aws:sqs:us-east-1:123456789012:q"})

    resolved = resolver.resolve(
        {
            "Name": {"Fn::Sub": "${AWS::StackName}-${Stage}-${Queue.Arn}-${!Literal}"},
            "Url": {"Ref": "Queue"},
            "Arn": {"Fn::GetAtt": ["Queue", "Arn"]},
            "Joined": {"Fn::Join": ["/", [{"Ref": "AWS::Region"}, "x"]]},
            "Dropped": {"Ref": "AWS::NoValue"},
        }
    )

    assert resolved == {
        "Name": "alerting-local-v4-arn:aws:sqs:us-east-1:123456789012:q-${Literal}",
        "Url": "https://queue-url",
        "Arn": "arn:aws:sqs:us-east-1:123456789012:q",
        "Joined": "us-east-1/x",
    }
    with pytest.raises(TemplateError, match="Fn::If"):
        resolver.resolve({"Fn::If": ["Cond", 1, 2]})
