"""Issue 11: hostile and careless input gets a 4xx naming the body or field, never a 5xx."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.conftest import ApiCall

HOOK = {"Name": "Hook", "Type": "Webhook"}


def test_json_nested_1000_deep_is_a_bad_request(api: ApiCall) -> None:
    deep = "[" * 1000 + "]" * 1000
    status, body = api("POST", "/Monitor", '{"Name": "x", "CustomFields": ' + deep + "}")
    assert (status, body["Messages"][0]["Field"]) == (400, "body")


def test_a_body_that_is_not_utf8_is_a_bad_request(api: ApiCall) -> None:
    status, body = api("POST", "/Monitor", b'{"Name": "\xff\xfe"}')
    assert status == 400
    assert "UTF-8" in body["Messages"][0]["Message"]


def test_a_body_over_256_kb_is_too_large(api: ApiCall) -> None:
    status, body = api("POST", "/Monitor", {"Name": "x", "Notes": "n" * (256 * 1024)})
    assert (status, body["Messages"][0]["Field"]) == (413, "body")


def test_a_crafted_cursor_is_a_bad_request(api: ApiCall) -> None:
    status, body = api("GET", "/Monitor", query={"Cursor": "eyJQSyI6IDF9"})  # {"PK": 1}
    assert (status, body["Messages"][0]["Field"]) == (400, "Cursor")


def test_an_octal_looking_address_is_a_bad_request(api: ApiCall) -> None:
    status, body = api("POST", "/Integration", {**HOOK, "Steps": [{"Url": "http://0251.0376.0251.0376/"}]})
    assert (status, body["Messages"][0]["Field"]) == (400, "Steps[0].Url")


def test_url_variables_take_only_http_urls(api: ApiCall) -> None:
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example/hook"):
        status, body = api("POST", "/Integration", {"Name": "S", "Type": "Slack", "Variables": {"Url": bad}})
        assert (status, body["Messages"][0]["Field"]) == (400, "Variables.Url"), bad


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.one_of(st.text(), st.just("\u202e<b>evil</b>\x00"), st.just("x" * 1_000_000)),
    notes=st.one_of(st.text(), st.integers(), st.floats(allow_nan=True), st.none()),
)
def test_hostile_monitor_fields_get_4xx_or_success_never_5xx(api: ApiCall, name: str, notes: object) -> None:
    text = json.dumps({"Name": name, "Notes": notes})
    status, _ = api("POST", "/Monitor", text)
    assert status < 500
