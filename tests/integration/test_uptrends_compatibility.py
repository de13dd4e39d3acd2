"""What a client written for Uptrends sends and expects, beyond what Uptrends' document can judge (DESIGN §3):
Uptrends-only fields accepted and ignored, Type in Uptrends' enum with our Template, Take 0, PresetPeriod,
415 for bodies that are not JSON, and an OpenAPI document that tells the truth about status codes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from alerting import composition
from config_api import app as api_app
from tests.conftest import LambdaContext
from tests.integration.conftest import ApiCall, evaluate
from tests.integration.test_alerting_semantics import T0, check
from tests.support.api_gateway import proxy_event

WEEKLY = {"ScheduleMode": "Weekly", "WeekDay": "Sunday", "StartTime": "02:00", "EndTime": "04:00"}


def test_uptrends_only_fields_are_accepted_and_ignored_and_other_unknown_fields_refused(api: ApiCall) -> None:
    uptrends_monitor = {
        "Name": "Shop",
        "Url": "https://shop.example",
        "CheckInterval": 5,
        "MonitorMode": "Production",
        "HttpMethod": "Get",
        "Hash": "abc",
        "SelectedCheckpoints": {"Checkpoints": [1, 2]},
    }
    status, monitor = api("POST", "/Monitor", uptrends_monitor)
    assert status == 201
    assert "CheckInterval" not in api("GET", f"/Monitor/{monitor['MonitorGuid']}")[1]
    status, operator = api("POST", "/Operator", {"FullName": "Ada", "CultureName": "nl-NL", "TimeZoneId": 5})
    assert status == 201
    assert api("PATCH", f"/Operator/{operator['OperatorGuid']}", {"CultureName": "en-US"})[0] == 204
    status, refused = api("POST", "/Monitor", {"Name": "Shop", "Interval": 5})
    assert status == 400
    assert refused["Messages"][0]["Field"] == "Interval"


UPTRENDS_TYPES = {"Slack", "PagerDuty", "Sms", "Email", "Phone", "Statushub", "GenericWebhook"}
TEAMS = {"WorkflowUrl": "https://hooks.example/teams"}


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ({"Type": "GenericWebhook", "Template": "Teams", "Variables": TEAMS}, ("GenericWebhook", "Teams")),
        ({"Type": "Teams", "Variables": TEAMS}, ("GenericWebhook", "Teams")),
        ({"Type": "Opsgenie", "Variables": {"ApiKey": "k"}}, ("GenericWebhook", "Opsgenie")),
        ({"Type": "Statushub"}, ("Statushub", None)),
    ],
)
def test_type_speaks_uptrends_enum_with_our_template(
    api: ApiCall, given: dict[str, Any], shown: tuple[str, str | None]
) -> None:
    status, created = api("POST", "/Integration", {"Name": "Ops", **given})
    assert status == 201, created
    assert (created["Type"], created.get("Template")) == shown
    _, listed = api("GET", "/Integration")
    assert {item["Type"] for item in listed} <= UPTRENDS_TYPES
    _, fetched = api("GET", f"/Integration/{created['IntegrationGuid']}")
    assert (fetched["Type"], fetched.get("Template")) == shown


def test_a_custom_webhook_is_a_generic_webhook_without_template(api: ApiCall) -> None:
    step = {"Method": "POST", "Url": "https://hooks.example/ops", "Body": "{}"}
    for name in ("GenericWebhook", "Webhook"):
        status, created = api("POST", "/Integration", {"Name": "Ops", "Type": name, "Steps": [step]})
        assert status == 201, created
        assert created["Type"] == "GenericWebhook"
        assert "Template" not in created


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"Type": "Phone"}, "Type"),
        ({"Type": "Slack", "Template": "Teams"}, "Template"),
        ({"Type": "Teams", "Template": "Opsgenie"}, "Template"),
        ({"Type": "GenericWebhook", "Template": "Nope"}, "Template"),
    ],
)
def test_a_type_we_cannot_build_is_refused_naming_the_field(
    api: ApiCall, body: dict[str, str], field: str
) -> None:
    status, refused = api("POST", "/Integration", {"Name": "Ops", **body})
    assert status == 400
    assert refused["Messages"][0]["Field"] == field


def test_unset_optional_fields_are_omitted_never_null(api: ApiCall, linked: dict[str, Any]) -> None:
    monitor, definition = linked["monitor"], linked["definition"]
    status, period = api("POST", f"/Monitor/{monitor}/MaintenancePeriod", WEEKLY)
    assert status == 201
    assert not {"StartDateTime", "EndDateTime", "MonthDay"} & set(period)
    _, members = api("GET", f"/AlertDefinition/{definition}/Member")
    assert members == [{"MonitorGuid": monitor}]
    _, page = api("GET", f"/Alert/Monitor/{monitor}")
    assert page["Cursors"] == {}


def test_take_zero_gives_an_empty_page(
    api: ApiCall, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    evaluate(check("C", 0), lambda_context)
    status, page = api("GET", f"/Alert/Monitor/{linked['monitor']}", query={"Take": "0"})
    assert (status, page) == (200, {"Data": [], "Cursors": {}})
    assert api("GET", f"/Monitor/{linked['monitor']}/Decision", query={"Take": "0"})[1]["Data"] == []


def test_preset_period_narrows_alert_history(
    api: ApiCall, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    evaluate(check("C", 0), lambda_context)  # an alert at T0
    configuration = composition.config_api_root().configuration

    def alerts(hours_later: float, **query: str) -> list[str]:
        configuration.clock = lambda: T0 + timedelta(hours=hours_later)
        status, page = api("GET", f"/Alert/Monitor/{linked['monitor']}", query=query)
        assert status == 200, page
        return [a["Attributes"]["AlertType"] for a in page["Data"]]

    assert alerts(1, PresetPeriod="Last2Hours") == ["Error"]
    assert alerts(3, PresetPeriod="Last2Hours") == []
    assert alerts(3, PresetPeriod="Last24Hours") == ["Error"]
    assert alerts(30, PresetPeriod="Last24Hours") == []
    assert alerts(30, PresetPeriod="PreviousDay") == ["Error"]
    assert alerts(30, PresetPeriod="All") == ["Error"]
    status, refused = api(
        "GET",
        f"/Alert/Monitor/{linked['monitor']}",
        query={"PresetPeriod": "All", "Start": "2026-11-22T00:00:00Z"},
    )
    assert status == 400
    assert refused["Messages"][0]["Field"] == "PresetPeriod"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/xml", "<Monitor><Name>Shop</Name></Monitor>"),
        ("application/x-www-form-urlencoded", "Name=Shop"),
        ("text/plain; charset=utf-8", '{"Name": "Shop"}'),
    ],
)
def test_a_body_that_is_not_json_gets_415_with_a_message_list(
    lambda_context: LambdaContext, content_type: str, body: str
) -> None:
    event = proxy_event("POST", "/Monitor", body)
    event["headers"]["Content-Type"] = content_type
    event["multiValueHeaders"]["Content-Type"] = [content_type]
    response = api_app.lambda_handler(event, lambda_context)
    assert response["statusCode"] == 415
    (message,) = json.loads(response["body"])["Messages"]
    assert message["Field"] == "Content-Type"
    assert "application/json" in message["Message"]


def test_openapi_documents_real_codes_tags_and_message_lists(api: ApiCall) -> None:
    status, document = api("GET", "/swagger", query={"format": "json"})
    assert status == 200
    operations = {
        (method.upper(), path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    for key, operation in operations.items():
        assert "422" not in operation["responses"], key
        assert operation["tags"] == [key[1].strip("/").split("/")[0]], key
        assert operation["summary"] != f"{key[0]} {key[1]}", key
        for code, response in operation["responses"].items():
            if code.startswith("4"):
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/MessageList"
                }, key
    assert set(operations["DELETE", "/Monitor/{monitorGuid}"]["responses"]) == {
        "204",
        "400",
        "404",
        "409",
        "412",
    }
    assert set(operations["POST", "/Monitor"]["responses"]) == {"201", "400", "409", "413", "415"}
    assert (
        "content"
        not in operations["POST", "/MonitorGroup/{monitorGroupGuid}/Member/{monitorGuid}"]["responses"]["201"]
    )
    assert "MessageList" in document["components"]["schemas"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
