"""Requests the API fuzzing found answered with a 5xx: each now gets a 400 naming what is wrong."""

from __future__ import annotations

from tests.integration.conftest import ApiCall, create_statushub_setup


def test_a_null_switch_when_attaching_an_integration_is_a_bad_request(api: ApiCall) -> None:
    ids = create_statushub_setup(api)
    status, body = api(
        "POST",
        f"/AlertDefinition/{ids['definition']}/EscalationLevel/1/Integration",
        {"IntegrationGuid": ids["integration"], "IsActive": None, "SendOkAlerts": None},
    )
    assert status == 400
    assert {m["Field"] for m in body["Messages"]} == {"IsActive", "SendOkAlerts"}


def test_an_empty_variable_name_is_a_bad_request(api: ApiCall) -> None:
    status, body = api("POST", "/Integration", {"Name": "Hook", "Type": "Webhook", "Variables": {"": "x"}})
    assert status == 400
    assert body["Messages"][0]["Field"].startswith("Variables")


def test_a_lone_surrogate_escape_in_the_body_is_a_bad_request(api: ApiCall) -> None:
    text = '{"Name": "Hook", "Type": "Webhook", "Variables": {"ApiUrl": "\\ud800"}}'
    status, body = api("POST", "/Integration", text)
    assert status == 400
    (message,) = body["Messages"]
    assert message["Field"] == "body"
    assert "Unicode" in message["Message"]
