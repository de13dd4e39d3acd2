"""Issue 11: hostile and careless input gets a 4xx naming the body or field, never a 5xx."""

from __future__ import annotations

import json

import pytest
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


# DESIGN §3 Limits, one case at each limit: the largest allowed value is stored, one more is refused
# with a 400 naming the field (README "Security", limits table).
SLACK = {"Name": "Chat", "Type": "Slack", "Variables": {"Url": "https://hooks.example/services/T0/B0/x"}}


def _hook(**step: object) -> dict[str, object]:
    return {"Name": "Hook", "Type": "Webhook", "Steps": [{"Url": "https://hooks.example/in", **step}]}


LIMITS = {
    "Name": (200, lambda n: ("/Monitor", {"Name": "n" * n})),
    "Notes": (8 * 1024, lambda n: ("/Monitor", {"Name": "x", "Notes": "n" * n})),
    "Url": (2 * 1024, lambda n: ("/Monitor", {"Name": "x", "Url": "https://a.example/" + "u" * (n - 18)})),
    "CustomFields": (
        100,
        lambda n: ("/Monitor", {"Name": "x", "CustomFields": [{"Name": f"f{i}"} for i in range(n)]}),
    ),
    "Steps": (32 * 1024, lambda n: ("/Integration", _hook(Body='"' + "b" * (n - 2) + '"'))),
    "Variables": (
        100,
        lambda n: (
            "/Integration",
            {**SLACK, "Variables": {**SLACK["Variables"], **{f"V{i}": "" for i in range(n - 1)}}},
        ),
    ),
}


@pytest.mark.parametrize("field", list(LIMITS))
def test_each_api_limit_takes_its_largest_value_and_refuses_one_more(api: ApiCall, field: str) -> None:
    limit, request = LIMITS[field]
    stored = api("POST", *request(limit))
    assert stored[0] == 201, str(stored[1])[:300]
    status, body = api("POST", *request(limit + 1))
    assert (status, body["Messages"][0]["Field"]) == (400, field)


def test_headers_are_bounded_and_named_as_a_request_can_carry_them(api: ApiCall) -> None:
    many = {f"X-H{i}": "v" for i in range(51)}
    for headers in (many, {"X Bad": "v"}, {"X-Ok": "a\r\nInjected: yes"}):
        status, body = api("POST", "/Integration", _hook(Headers=headers))
        assert (status, body["Messages"][0]["Field"]) == (400, "Steps"), headers


@pytest.mark.parametrize(
    "since", ["2100-01-01T00:00:00+00:00", "1999-12-31T23:59:59+00:00", "2026-01-01T00:00:00"]
)
def test_redrive_dates_carry_an_offset_and_lie_within_2000_to_2099(api: ApiCall, since: str) -> None:
    status, body = api("POST", "/DeadLetter/Redrive", {"Since": since})
    assert (status, body["Messages"][0]["Field"]) == (400, "Since")


def test_json_encode_nested_900_deep_is_a_bad_request_not_a_crash(api: ApiCall) -> None:
    body = "{{@JsonEncode(" * 900 + "x" + ")}}" * 900
    status, _ = api("POST", "/Integration", _hook(Body=body[: 32 * 1024]))
    assert 400 <= status < 500


def test_a_level_variable_that_is_not_a_url_is_refused_and_the_level_still_lists(api: ApiCall) -> None:
    _, definition = api("POST", "/AlertDefinition", {"AlertName": "Prod"})
    _, hook = api("POST", "/Integration", {**_hook(), "PerLevelVariables": ["Target"]})
    level = f"/AlertDefinition/{definition['AlertDefinitionGuid']}/EscalationLevel/1/Integration"
    attach = {"IntegrationGuid": hook["IntegrationGuid"], "VariableValues": {"Target": "http://[::1"}}
    status, body = api("POST", level, attach)
    assert (status, body["Messages"][0]["Field"]) == (400, "VariableValues.Target")
    assert api("GET", level) == (200, [])


HOSTILE_TEXT = st.one_of(
    st.text(),
    st.sampled_from(
        ["\u202eevil", "<!channel>", "<https://evil|click>", "\x00\r\nX: y", "{{@JsonEncode(", "\ud800"]
    ),
    st.just("x" * 300_000),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=HOSTILE_TEXT, header=HOSTILE_TEXT, value=HOSTILE_TEXT, body=HOSTILE_TEXT)
def test_hostile_integration_steps_get_4xx_or_success_never_5xx(
    api: ApiCall, name: str, header: str, value: str, body: str
) -> None:
    hook = _hook(Headers={header: value}, Body=body)
    status, _ = api("POST", "/Integration", json.dumps({**hook, "Name": name}))
    assert status < 500


EXTREME_DATES = st.one_of(
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2026-13-45T99:99", ""]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=EXTREME_DATES, end=EXTREME_DATES)
def test_extreme_maintenance_dates_get_4xx_or_success_never_5xx(api: ApiCall, start: str, end: str) -> None:
    _, monitor = api("POST", "/Monitor", {"Name": "Shop"})
    period = {"ScheduleMode": "OneTime", "StartDateTime": start, "EndDateTime": end}
    status, _ = api("POST", f"/Monitor/{monitor['MonitorGuid']}/MaintenancePeriod", period)
    assert status < 500


def test_a_maintenance_date_after_2099_is_refused_with_its_field(api: ApiCall) -> None:
    _, monitor = api("POST", "/Monitor", {"Name": "Shop"})
    period = {"ScheduleMode": "OneTime", "StartDateTime": "2026-01-01T00:00:00Z"}
    period["EndDateTime"] = "2100-01-01T00:00:00Z"
    status, body = api("POST", f"/Monitor/{monitor['MonitorGuid']}/MaintenancePeriod", period)
    assert status == 400
    assert "EndDateTime" in json.dumps(body) and "2000 to 2099" in json.dumps(body)
