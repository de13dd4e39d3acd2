"""Every integration type through the config API, the evaluator and the delivery handler on moto,
each against a receiver that validates the vendor's documented request (tests/vendor_schemas.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import httpx
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from alerting import composition
from tests import vendor_schemas as schemas
from tests.conftest import LambdaContext, Stack, load_event
from tests.factories import MONITOR_GUID
from tests.integration.conftest import ApiCall, evaluate
from tests.integration.test_webhook_delivery import queued_batch
from webhook_delivery import app as delivery_app

NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
ROUTING_KEY = "R0UT1NGKEY0123456789abcdef012345"
SYS_ID = "9d385017c611228701d22104cc95c371"


class Vendors:
    """A MockTransport receiver answering like each vendor, refusing what its API would refuse."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def bodies(self, host: str) -> list[Any]:
        return [json.loads(r.content) if r.content else None for r in self.requests if r.url.host == host]

    def __call__(self, request: httpx.Request) -> httpx.Response:  # noqa: PLR0911 (one answer per vendor)
        self.requests.append(request)
        try:
            body = json.loads(request.content) if request.content else None
        except ValueError:
            body = None
        host, path = request.url.host, request.url.path
        if host == "hooks.slack.com":
            return self._answer(schemas.slack_problems(body), 200, "ok")
        if host == "workflows.example":
            return self._answer(schemas.teams_problems(body), 202, "")
        if host == "events.pagerduty.com":
            accepted = {
                "status": "success",
                "message": "Event processed",
                "dedup_key": (body or {}).get("dedup_key"),
            }
            return self._answer(schemas.pagerduty_problems(body), 202, accepted)
        if host == "alert.victorops.com":
            answer = {"result": "success", "entity_id": (body or {}).get("entity_id")}
            return self._answer(schemas.splunk_on_call_problems(body), 200, answer)
        if host == "acme.service-now.com":
            return self._servicenow(request, body)
        if host == "api.eu.opsgenie.com":
            if request.headers.get("authorization") != "GenieKey opsgenie-api-key-1":
                return httpx.Response(401, json={"message": "Could not authenticate"})
            problems = [] if path.endswith("/close") else schemas.opsgenie_create_problems(body)
            return self._answer(problems, 202, {"result": "Request will be processed", "requestId": "r-1"})
        if host == "receiver.example":
            return httpx.Response(200, json={"received": True})
        return httpx.Response(404, text="unknown host")

    def _servicenow(self, request: httpx.Request, body: Any) -> httpx.Response:
        if schemas.basic_auth(request.headers.get("authorization")) != ("svc-alerting", "s3cret-pass"):
            return httpx.Response(401, json={"error": {"message": "User Not Authenticated"}})
        if request.method == "POST":
            answer = {"result": {"sys_id": SYS_ID, "number": "INC0010001"}}
            return self._answer(schemas.servicenow_incident_problems(body), 201, answer)
        if request.method == "PATCH" and request.url.path.endswith(SYS_ID):
            return self._answer(schemas.servicenow_update_problems(body), 200, {"result": {"sys_id": SYS_ID}})
        return httpx.Response(404, json={"error": {"message": "No Record found"}})

    @staticmethod
    def _answer(problems: list[str], status: int, answer: Any) -> httpx.Response:
        if problems:
            return httpx.Response(400, json={"problems": problems})
        return (
            httpx.Response(status, text=answer)
            if isinstance(answer, str)
            else httpx.Response(status, json=answer)
        )


@pytest.fixture
def vendors(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Vendors:
    receiver = Vendors()
    deps = delivery_app._dependencies()
    monkeypatch.setattr(deps, "http", httpx.Client(transport=httpx.MockTransport(receiver)))
    monkeypatch.setattr(deps, "clock", lambda: NOW)
    monkeypatch.setattr(deps, "jitter", lambda: 0.0)
    boto3.client("ses", region_name="us-east-1").verify_email_identity(EmailAddress="alerts@example.com")
    return receiver


def attach(api: ApiCall, integration: dict[str, Any], **level_integration: Any) -> dict[str, str]:
    """A monitor in a definition whose level 1 (message set) uses the integration."""
    status, created = api("POST", "/Integration", integration)
    assert status == 201, created
    api(
        "POST",
        "/Monitor",
        {"MonitorGuid": str(MONITOR_GUID), "Name": "Shop checkout", "Url": "https://shop.example"},
    )
    _, definition = api("POST", "/AlertDefinition", {"AlertName": "Production"})
    guid = definition["AlertDefinitionGuid"]
    api(
        "PATCH",
        f"/AlertDefinition/{guid}/EscalationLevel/1",
        {"Message": "Checkout is failing; we are on it."},
    )
    api("POST", f"/AlertDefinition/{guid}/Member/Monitor/{MONITOR_GUID}")
    status, attached = api(
        "POST",
        f"/AlertDefinition/{guid}/EscalationLevel/1/Integration",
        {"IntegrationGuid": created["IntegrationGuid"], **level_integration},
    )
    assert status == 201, attached
    return {"integration": created["IntegrationGuid"], "definition": guid}


def deliver(stack: Stack, context: LambdaContext, event: str) -> dict[str, Any]:
    evaluate(load_event(f"alert_evaluator/{event}.json"), context)
    batch = queued_batch(stack)
    assert batch["Records"], "nothing was queued"
    assert delivery_app.lambda_handler(batch, context) == {"batchItemFailures": []}
    for record in batch["Records"]:  # acknowledged, as the event source mapping would, so the group moves on
        stack.sqs.delete_message(
            QueueUrl=stack.environment["DELIVERY_QUEUE_URL"], ReceiptHandle=record["receiptHandle"]
        )
    return batch


def attempts(api: ApiCall, batch: dict[str, Any]) -> list[dict[str, Any]]:
    alert_guid = json.loads(batch["Records"][0]["body"])["Alert"]["AlertGuid"]
    status, found = api("GET", f"/Alert/{alert_guid}/Message")
    assert status == 200
    return found


HTTP_VENDORS: list[tuple[str, dict[str, Any], str, Callable[[Any], list[str]]]] = [
    (
        "Slack",
        {"Url": "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX"},
        "hooks.slack.com",
        schemas.slack_problems,
    ),
    (
        "Teams",
        {"WorkflowUrl": "https://workflows.example/workflows/abc/triggers/manual/paths/invoke?sig=s3cr3tsig"},
        "workflows.example",
        schemas.teams_problems,
    ),
    ("PagerDuty", {"RoutingKey": ROUTING_KEY}, "events.pagerduty.com", schemas.pagerduty_problems),
    (
        "SplunkOnCall",
        {
            "SplunkOnCallUrl": "https://alert.victorops.com/integrations/generic/20131114/alert/apikey-123456",
            "RoutingKey": "web-team",
        },
        "alert.victorops.com",
        schemas.splunk_on_call_problems,
    ),
]


@pytest.mark.parametrize(("kind", "variables", "host", "schema"), HTTP_VENDORS)
def test_vendor_gets_a_valid_alert_and_ok(
    api: ApiCall,
    stack: Stack,
    vendors: Vendors,
    lambda_context: LambdaContext,
    kind: str,
    variables: dict[str, str],
    host: str,
    schema: Callable[[Any], list[str]],
) -> None:
    attach(api, {"Name": kind, "Type": kind, "Variables": variables})
    alert = deliver(stack, lambda_context, "confirmed_error")
    deliver(stack, lambda_context, "no_error")
    bodies = vendors.bodies(host)
    assert len(bodies) == 2 and all(schema(body) == [] for body in bodies)
    (logged,) = attempts(api, alert)
    assert logged["Outcome"] == "delivered" and logged["IntegrationType"] == kind
    for secret in variables.values():
        tail = secret.rsplit("/", 1)[-1].split("?", 1)[0]
        assert tail not in json.dumps(logged)  # routing keys, hook tokens and sigs are masked in the log


def test_pagerduty_triggers_with_the_incident_key_and_level_message_then_resolves(
    api: ApiCall, stack: Stack, vendors: Vendors, lambda_context: LambdaContext
) -> None:
    attach(api, {"Name": "On call", "Type": "PagerDuty", "Variables": {"RoutingKey": ROUTING_KEY}})
    deliver(stack, lambda_context, "confirmed_error")
    deliver(stack, lambda_context, "no_error")
    trigger, resolve = vendors.bodies("events.pagerduty.com")
    assert trigger["event_action"] == "trigger" and resolve["event_action"] == "resolve"
    assert trigger["dedup_key"] == resolve["dedup_key"] and trigger["dedup_key"].endswith("-1-30833627687")
    assert trigger["payload"]["custom_details"]["Message"] == "Checkout is failing; we are on it."


def test_splunk_on_call_opens_critical_and_recovers_the_same_entity(
    api: ApiCall, stack: Stack, vendors: Vendors, lambda_context: LambdaContext
) -> None:
    _, variables, _, _ = HTTP_VENDORS[3]
    attach(api, {"Name": "Splunk", "Type": "SplunkOnCall", "Variables": variables})
    deliver(stack, lambda_context, "confirmed_error")
    deliver(stack, lambda_context, "no_error")
    assert [r.url.path.rsplit("/", 1)[-1] for r in vendors.requests] == ["web-team", "web-team"]
    critical, recovery = vendors.bodies("alert.victorops.com")
    assert (critical["message_type"], recovery["message_type"]) == ("CRITICAL", "RECOVERY")
    assert critical["entity_id"] == recovery["entity_id"]


def test_servicenow_creates_an_incident_and_resolves_it_by_its_stored_sys_id(
    api: ApiCall, stack: Stack, vendors: Vendors, lambda_context: LambdaContext
) -> None:
    variables = {"InstanceName": "acme", "Username": "svc-alerting", "Password": "s3cret-pass"}
    attach(api, {"Name": "ServiceNow", "Type": "ServiceNow", "Variables": variables})
    alert = deliver(stack, lambda_context, "confirmed_error")
    deliver(stack, lambda_context, "no_error")
    create, resolve = vendors.requests
    assert (create.method, resolve.method) == ("POST", "PATCH")
    assert resolve.url.path == f"/api/now/table/incident/{SYS_ID}"
    assert json.loads(create.content)["correlation_id"].endswith("-1-30833627687")
    assert json.loads(resolve.content)["state"] == "6"
    (logged,) = attempts(api, alert)
    assert {k.lower(): v for k, v in logged["Exchange"]["RequestHeaders"].items()}["authorization"] == "****"


def test_servicenow_looks_the_incident_up_when_no_sys_id_was_kept(
    api: ApiCall, stack: Stack, vendors: Vendors, lambda_context: LambdaContext
) -> None:
    variables = {"InstanceName": "acme", "Username": "svc-alerting", "Password": "s3cret-pass"}
    attach(api, {"Name": "ServiceNow", "Type": "ServiceNow", "Variables": variables})
    deliver(stack, lambda_context, "confirmed_error")
    stack.table.delete_item(
        Key={"PK": f"EXTERNAL#{json.loads(queued_batch(stack) and '{}') or ''}", "SK": "x"}
    )
    for item in stack.table.scan()["Items"]:
        if str(item["PK"]).startswith("EXTERNAL#"):
            stack.table.delete_item(Key={"PK": item["PK"], "SK": item["SK"]})
    evaluate(load_event("alert_evaluator/no_error.json"), lambda_context)
    batch = queued_batch(stack)
    delivery_app.lambda_handler(batch, lambda_context)
    (logged,) = attempts(api, batch)
    # The lookup answered 404 (the fake instance knows only its own sys_id): a permanent failure, logged.
    assert logged["Exchange"]["Method"] == "GET"
    assert "correlation_id%3D" in logged["Exchange"]["Url"]


def test_opsgenie_eu_creates_by_alias_and_closes_it(
    api: ApiCall, stack: Stack, vendors: Vendors, lambda_context: LambdaContext
) -> None:
    attach(
        api,
        {
            "Name": "Opsgenie",
            "Type": "Opsgenie",
            "Variables": {"ApiKey": "opsgenie-api-key-1", "Region": "EU"},
        },
    )
    deliver(stack, lambda_context, "confirmed_error")
    deliver(stack, lambda_context, "no_error")
    create, close = vendors.requests
    alias = json.loads(create.content)["alias"]
    assert str(create.url) == "https://api.eu.opsgenie.com/v2/alerts"
    assert close.url.path == f"/v2/alerts/{alias}/close" and close.url.params["identifierType"] == "alias"


def test_custom_webhook_renders_its_steps_per_alert_type(
    api: ApiCall, stack: Stack, vendors: Vendors, lambda_context: LambdaContext
) -> None:
    steps = [
        {
            "Method": "POST",
            "Url": "https://receiver.example/{{@Team}}/alerts",
            "Headers": {"Content-Type": "application/json", "X-Key": "{{@Secret}}"},
            "Body": '{"type": "{{@alert.type}}", "monitor": "{{@monitor.name}}",'
            ' "level": {{@escalationLevel.id}}, "notes": "{{@JsonEncode({{@monitor.notes}})}}",'
            ' "key": "{{@incident.key}}"}',
            "AlertTypes": ["Error"],
        },
        {
            "Method": "PUT",
            "Url": "https://receiver.example/{{@Team}}/alerts/{{@incident.key}}",
            "Body": '<ok monitor="{{@XmlEncode({{@monitor.name}})}}"/>',
            "Headers": {"Content-Type": "application/xml"},
            "Username": "hook",
            "Password": "hook-password",
            "AlertTypes": ["Ok"],
        },
    ]
    attach(
        api,
        {
            "Name": "Ops hook",
            "Type": "Webhook",
            "Variables": {"Secret": "very-secret-1"},
            "PerLevelVariables": ["Team"],
            "Steps": steps,
        },
        VariableValues={"Team": "web"},
    )
    alert = deliver(stack, lambda_context, "confirmed_error")
    deliver(stack, lambda_context, "no_error")
    error, ok = vendors.requests
    assert (error.method, str(error.url)) == ("POST", "https://receiver.example/web/alerts")
    assert json.loads(error.content) == {
        "type": "Alert",
        "monitor": "Shop checkout",
        "level": 1,
        "notes": "",
        "key": json.loads(error.content)["key"],
    }
    assert error.headers["x-key"] == "very-secret-1"
    assert ok.method == "PUT" and ok.content == b'<ok monitor="Shop checkout"/>'
    assert ok.headers["content-type"] == "application/xml"
    assert schemas.basic_auth(ok.headers["authorization"]) == ("hook", "hook-password")
    (logged,) = attempts(api, alert)
    assert "very-secret-1" not in json.dumps(logged)


def test_uptrends_integration_posts_every_variable_nested_by_prefix(
    api: ApiCall, stack: Stack, vendors: Vendors, lambda_context: LambdaContext
) -> None:
    attach(
        api,
        {"Name": "Uptrends", "Type": "UptrendsIntegration", "PerLevelVariables": ["ApiUrl"]},
        VariableValues={"ApiUrl": "https://receiver.example/uptrends"},
    )
    deliver(stack, lambda_context, "confirmed_error")
    (body,) = vendors.bodies("receiver.example")
    assert set(body) == {"account", "alert", "alertDefinition", "escalationLevel", "incident", "monitor"}
    assert body["alert"]["type"] == "Alert" and body["monitor"]["name"] == "Shop checkout"
    assert body["escalationLevel"]["message"] == "Checkout is failing; we are on it."
    assert body["alert"]["firstErrorUtc"] == "2026-11-22T10:21:58"


def test_email_goes_through_ses_to_on_duty_operators_and_extra_addresses(
    api: ApiCall, stack: Stack, vendors: Vendors, lambda_context: LambdaContext
) -> None:
    ids = attach(api, {"Name": "E-mail", "Type": "Email"}, ExtraEmailAddresses=["noc@example.com"])
    _, on_duty = api(
        "POST", "/Operator", {"FullName": "Ada", "Email": "ada@example.com", "MobilePhone": "+32470123456"}
    )
    _, off_duty = api("POST", "/Operator", {"FullName": "Bob", "Email": "bob@example.com", "IsOnDuty": False})
    for operator in (on_duty, off_duty):
        level = f"/AlertDefinition/{ids['definition']}/EscalationLevel/1"
        assert api("POST", f"{level}/Member/Operator/{operator['OperatorGuid']}")[0] == 201
    alert = deliver(stack, lambda_context, "confirmed_error")
    (sent,) = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    assert sorted(sent.destinations["ToAddresses"]) == ["ada@example.com", "noc@example.com"]
    assert sent.subject == "[Alert] Shop checkout is down"
    assert "Checkout is failing" in sent.body
    (logged,) = attempts(api, alert)
    assert logged["Outcome"] == "delivered" and logged["Exchange"]["Method"] == "SES SendEmail"


def test_sms_goes_through_sns_and_is_skipped_when_nobody_is_on_duty(
    api: ApiCall, stack: Stack, vendors: Vendors, lambda_context: LambdaContext
) -> None:
    ids = attach(api, {"Name": "SMS", "Type": "Sms"})
    _, ada = api("POST", "/Operator", {"FullName": "Ada", "MobilePhone": "+32470123456"})
    api(
        "POST",
        f"/AlertDefinition/{ids['definition']}/EscalationLevel/1/Member/Operator/{ada['OperatorGuid']}",
    )
    deliver(stack, lambda_context, "confirmed_error")
    messages = sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages
    ((phone, text),) = list(messages.values())
    assert phone == "+32470123456" and text.startswith("ALERT Shop checkout") and len(text) <= 160

    api("PATCH", f"/Operator/{ada['OperatorGuid']}", {"IsOnDuty": False})
    delivery_app._dependencies.cache_clear()
    ok = deliver(stack, lambda_context, "no_error")
    (logged,) = attempts(api, ok)
    assert logged["Outcome"] == "skipped" and "on-duty" in logged["Error"]
    assert len(messages) == 1


@pytest.mark.parametrize(
    ("integration", "field"),
    [
        ({"Type": "Slack"}, "Variables.Url"),
        (
            {"Type": "ServiceNow", "Variables": {"InstanceName": "acme", "Username": "u"}},
            "Variables.Password",
        ),
        ({"Type": "ServiceNow", "Variables": {"Username": "u", "Password": "p"}}, "Variables.InstanceName"),
        (
            {
                "Type": "ServiceNow",
                "Variables": {"InstanceUrl": "ftp://sn.example", "Username": "u", "Password": "p"},
            },
            "Variables.InstanceUrl",
        ),
        ({"Type": "Webhook"}, "Steps"),
        ({"Type": "Webhook", "Steps": [{"Url": "https://x.example/{{@alert.typo}}"}]}, "Steps[0].Url"),
        (
            {"Type": "Webhook", "Steps": [{"Url": "https://x.example", "Body": '{"a": {{@monitor.name}'}]},
            "Steps[0].Body",
        ),
        ({"Type": "Webhook", "Steps": [{"Url": "{{@monitor.name}}"}]}, "Steps[0].Url"),
        (
            {
                "Type": "Webhook",
                "Steps": [{"Url": "https://x.example"}, {"Url": "https://y.example", "AlertTypes": ["Ok"]}],
            },
            "Steps[1].AlertTypes",
        ),
        (
            {
                "Type": "Slack",
                "Variables": {"Url": "https://hooks.slack.com/x"},
                "Steps": [{"Url": "https://x.example"}],
            },
            "Steps",
        ),
    ],
)
def test_integrations_that_could_not_deliver_are_refused_at_save(
    api: ApiCall, integration: dict[str, Any], field: str
) -> None:
    status, answer = api("POST", "/Integration", {"Name": "Refused", **integration})
    assert status == 400, answer
    assert answer["Messages"][0]["Field"] == field


def test_a_level_missing_a_per_level_value_is_refused(api: ApiCall) -> None:
    _, created = api(
        "POST", "/Integration", {"Name": "U", "Type": "UptrendsIntegration", "PerLevelVariables": ["ApiUrl"]}
    )
    _, definition = api("POST", "/AlertDefinition", {"AlertName": "Production"})
    path = f"/AlertDefinition/{definition['AlertDefinitionGuid']}/EscalationLevel/1/Integration"
    status, answer = api("POST", path, {"IntegrationGuid": created["IntegrationGuid"]})
    assert status == 400 and answer["Messages"][0]["Field"] == "VariableValues.ApiUrl"


def test_operator_routes_follow_uptrends_shapes(api: ApiCall) -> None:
    status, answer = api("POST", "/Operator", {"FullName": "Ada", "MobilePhone": "0470 12 34 56"})
    assert status == 400 and answer["Messages"][0]["Field"] == "MobilePhone"
    _, ada = api("POST", "/Operator", {"FullName": "Ada", "Email": "ada@example.com"})
    _, definition = api("POST", "/AlertDefinition", {"AlertName": "Production"})
    level = f"/AlertDefinition/{definition['AlertDefinitionGuid']}/EscalationLevel/2/Member"
    status, added = api("POST", f"{level}/Operator/{ada['OperatorGuid']}")
    assert status == 201
    assert added == {
        "AlertDefinition": definition["AlertDefinitionGuid"],
        "Escalationlevel": 2,
        "Operator": ada["OperatorGuid"],
    }
    assert api("GET", level) == (200, [{"OperatorGuid": ada["OperatorGuid"]}])
    assert api("DELETE", f"{level}/Operator/{ada['OperatorGuid']}")[0] == 204
    assert api("GET", level) == (200, [])
    assert api("GET", "/Operator")[1][0]["FullName"] == "Ada"


@pytest.fixture
def tester_receiver(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Vendors:
    receiver = Vendors()
    tester = composition.config_api_root().tester.built
    monkeypatch.setattr(tester, "http", httpx.Client(transport=httpx.MockTransport(receiver)))
    return receiver


def test_test_send_renders_sample_data_sends_now_and_returns_the_masked_trace(
    api: ApiCall, tester_receiver: Vendors
) -> None:
    variables = {"InstanceName": "acme", "Username": "svc-alerting", "Password": "s3cret-pass"}
    _, created = api(
        "POST", "/Integration", {"Name": "ServiceNow", "Type": "ServiceNow", "Variables": variables}
    )
    status, trace = api("POST", f"/Integration/{created['IntegrationGuid']}/Test", {"AlertType": "Error"})
    assert status == 200, trace
    assert trace["Outcome"] == "delivered"
    (step,) = trace["Steps"]
    assert step["Exchange"]["StatusCode"] == 201 and SYS_ID in step["Exchange"]["ResponseExcerpt"]
    assert step["Exchange"]["Url"].startswith("https://acme.service-now.com/api/now/table/incident")
    assert "s3cret-pass" not in json.dumps(trace) and "Sample monitor" in step["Exchange"]["RequestBody"]
    assert len(tester_receiver.requests) == 1


def test_test_send_of_a_type_no_step_sends_is_skipped(api: ApiCall, tester_receiver: Vendors) -> None:
    steps = [{"Url": "https://receiver.example/hook", "AlertTypes": ["Error"]}]
    _, created = api("POST", "/Integration", {"Name": "Hook", "Type": "Webhook", "Steps": steps})
    status, trace = api("POST", f"/Integration/{created['IntegrationGuid']}/Test", {"AlertType": "Ok"})
    assert (status, trace["Outcome"], trace["Steps"]) == (200, "skipped", [])
    status, trace = api("POST", f"/Integration/{created['IntegrationGuid']}/Test", {"AlertType": "Error"})
    assert trace["Outcome"] == "delivered" and trace["Steps"][0]["Exchange"]["Method"] == "POST"


def test_test_send_needs_the_per_level_values(api: ApiCall, tester_receiver: Vendors) -> None:
    integration = {"Name": "U", "Type": "UptrendsIntegration", "PerLevelVariables": ["ApiUrl"]}
    _, created = api("POST", "/Integration", integration)
    path = f"/Integration/{created['IntegrationGuid']}/Test"
    status, answer = api("POST", path, {"AlertType": "Error"})
    assert status == 400 and answer["Messages"][0]["Field"] == "VariableValues.ApiUrl"
    body = {"AlertType": "Reminder", "VariableValues": {"ApiUrl": "https://receiver.example/u"}}
    status, trace = api("POST", path, body)
    assert trace["Outcome"] == "delivered"
    assert json.loads(tester_receiver.requests[0].content)["alert"]["type"] == "Reminder"
