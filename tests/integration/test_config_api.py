"""The config API handler on moto: Uptrends v4 routes, shapes and error contract."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from config_api import app as api_app
from tests.conftest import LambdaContext, Stack, load_event
from tests.factories import MONITOR_GUID
from tests.integration.conftest import ApiCall, create_statushub_setup


def test_sample_create_event_creates_the_monitor(stack: Stack, lambda_context: LambdaContext) -> None:
    response = api_app.lambda_handler(load_event("config_api/create_monitor.json"), lambda_context)
    assert response["statusCode"] == 201
    fetched = api_app.lambda_handler(load_event("config_api/get_monitor.json"), lambda_context)
    assert fetched["statusCode"] == 200
    assert '"Name":"Shop checkout"' in fetched["body"]


def test_monitor_crud_follows_uptrends_conventions(api: ApiCall) -> None:
    status, created = api("POST", "/Monitor", {"Name": "Shop checkout", "Url": "https://shop.example"})
    assert status == 201
    guid = created["MonitorGuid"]
    assert UUID(guid)
    assert created == {
        "MonitorGuid": guid,
        "Name": "Shop checkout",
        "MonitorType": "Https",
        "Url": "https://shop.example",
        "Notes": "",
        "IsActive": True,
        "GenerateAlert": True,
        "CustomFields": [],
    }
    assert api("PATCH", f"/Monitor/{guid}", {"GenerateAlert": False}) == (204, None)
    status, fetched = api("GET", f"/Monitor/{guid}")
    assert (status, fetched["GenerateAlert"], fetched["Name"]) == (200, False, "Shop checkout")
    assert api("PUT", f"/Monitor/{guid}", {"Name": "Checkout"}) == (204, None)
    assert api("GET", f"/Monitor/{guid}")[1]["GenerateAlert"] is True  # PUT replaces the whole object
    status, listed = api("GET", "/Monitor")
    assert status == 200
    assert [m["MonitorGuid"] for m in listed] == [guid]
    assert api("DELETE", f"/Monitor/{guid}") == (204, None)
    assert api("GET", f"/Monitor/{guid}")[0] == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        ("POST", "/Monitor", {"Name": "x", "Colour": "blue"}, 400, "Colour"),
        ("POST", "/Monitor", {"Url": "https://x"}, 400, "Name"),
        ("POST", "/Monitor", {"Name": "x", "MonitorType": "Carrier pigeon"}, 400, "MonitorType"),
        ("POST", "/Monitor", "{not json", 400, "body"),
        ("GET", "/Monitor/not-a-guid", None, 400, "monitorGuid"),
        ("GET", f"/Monitor/{MONITOR_GUID}", None, 404, "MonitorGuid"),
        ("PATCH", f"/Monitor/{MONITOR_GUID}", {"Name": "x"}, 404, "MonitorGuid"),
        ("POST", "/Integration", {"Name": "x", "Type": "Fax"}, 400, "Type"),
        (
            "GET",
            "/AlertDefinition/00000000-0000-0000-0000-000000000000/EscalationLevel/4",
            None,
            400,
            "escalationLevelId",
        ),
        ("GET", "/NoSuchThing", None, 404, "path"),
    ],
)
def test_bad_requests_get_a_message_naming_the_field(
    api: ApiCall, method: str, path: str, body: Any, status: int, field: str
) -> None:
    got_status, got = api(method, path, body)
    assert got_status == status
    assert field in [m["Field"] for m in got["Messages"]]
    assert all(m["Message"] for m in got["Messages"])


def test_duplicate_monitor_guid_is_a_conflict(api: ApiCall) -> None:
    body = {"MonitorGuid": str(MONITOR_GUID), "Name": "Shop checkout"}
    assert api("POST", "/Monitor", body)[0] == 201
    status, error = api("POST", "/Monitor", body)
    assert status == 409
    assert error["Messages"][0]["Field"] == "MonitorGuid"


def test_alert_definition_comes_with_three_level_slots(api: ApiCall) -> None:
    _, definition = api("POST", "/AlertDefinition", {"AlertName": "Production"})
    status, levels = api("GET", f"/AlertDefinition/{definition['AlertDefinitionGuid']}/EscalationLevel")
    assert status == 200
    assert [(lvl["Id"], lvl["IsActive"], lvl["ThresholdErrorCount"]) for lvl in levels] == [
        (1, True, 1),
        (2, False, 1),
        (3, False, 1),
    ]


def test_level_patch_changes_only_named_fields(api: ApiCall) -> None:
    _, definition = api("POST", "/AlertDefinition", {"AlertName": "Production"})
    path = f"/AlertDefinition/{definition['AlertDefinitionGuid']}/EscalationLevel/2"
    assert api("PATCH", path, {"IsActive": True, "ThresholdErrorCount": 3, "Message": "Escalated"}) == (
        204,
        None,
    )
    _, level = api("GET", path)
    assert (level["IsActive"], level["ThresholdErrorCount"], level["Message"]) == (True, 3, "Escalated")
    assert level["EscalationMode"] == "AlertOnErrorCount"
    status, error = api("PATCH", path, {"ThresholdErrorCount": 0})
    assert status == 400
    assert error["Messages"][0]["Field"] == "ThresholdErrorCount"


def test_statushub_level_integration_links_monitor_to_service(api: ApiCall) -> None:
    ids = create_statushub_setup(api)
    assert api("POST", f"/AlertDefinition/{ids['definition']}/Member/Monitor/{ids['monitor']}") == (
        201,
        {"AlertDefinition": ids["definition"], "Monitor": ids["monitor"]},
    )
    link = {"MonitorGuid": ids["monitor"], "IntegrationServiceGuid": ids["service"]}
    status, attached = api(
        "POST",
        f"/AlertDefinition/{ids['definition']}/EscalationLevel/1/Integration",
        {"IntegrationGuid": ids["integration"], "StatusHubServiceList": [link]},
    )
    assert status == 201
    assert attached["Type"] == "Statushub"
    assert attached["StatusHubServiceList"] == [link]
    assert attached["IntegrationServices"] == [ids["service"]]
    assert (attached["IsActive"], attached["SendOkAlerts"], attached["SendReminderAlerts"]) == (
        True,
        True,
        False,
    )
    members = api("GET", f"/AlertDefinition/{ids['definition']}/Member")[1]
    assert members == [{"MonitorGuid": ids["monitor"]}]


@pytest.mark.parametrize(
    ("link_override", "field"),
    [
        (
            {"IntegrationServiceGuid": "00000000-0000-0000-0000-000000000009"},
            "StatusHubServiceList[0].IntegrationServiceGuid",
        ),
        ({"MonitorGuid": "00000000-0000-0000-0000-000000000009"}, "StatusHubServiceList[0].MonitorGuid"),
    ],
)
def test_links_to_unknown_services_or_monitors_are_refused(
    api: ApiCall, link_override: dict[str, str], field: str
) -> None:
    ids = create_statushub_setup(api)
    link = {"MonitorGuid": ids["monitor"], "IntegrationServiceGuid": ids["service"], **link_override}
    status, error = api(
        "POST",
        f"/AlertDefinition/{ids['definition']}/EscalationLevel/1/Integration",
        {"IntegrationGuid": ids["integration"], "StatusHubServiceList": [link]},
    )
    assert status == 400
    assert error["Messages"][0]["Field"] == field
    assert api("GET", f"/AlertDefinition/{ids['definition']}/EscalationLevel/1/Integration") == (200, [])


def test_service_url_must_be_an_http_url(api: ApiCall) -> None:
    ids = create_statushub_setup(api)
    status, error = api(
        "POST", f"/Integration/{ids['integration']}/Service", {"Name": "x", "Url": "not a url"}
    )
    assert status == 400
    assert error["Messages"][0]["Field"] == "Url"


def test_swagger_documents_the_routes(api: ApiCall) -> None:
    status, document = api("GET", "/swagger", query={"format": "json"})
    assert status == 200
    assert "/Monitor/{monitorGuid}" in document["paths"]
    assert (
        "/AlertDefinition/{alertDefinitionGuid}/EscalationLevel/{escalationLevelId}/Integration"
        in document["paths"]
    )
