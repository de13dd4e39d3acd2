"""The template engine: tags, encoders, custom fields, variable formats, and JSON bodies that never break."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alerting.errors import TemplateError
from alerting.models.alert import AlertType
from alerting.templating import (
    MAX_RENDERED_CHARS,
    SYSTEM_VARIABLES,
    Account,
    Template,
    alert_variables,
    check,
    culture_format,
    custom_fields,
    parse,
    render,
    sample_alert,
)

NOW = datetime(2020, 8, 28, 22, 23, 5, tzinfo=UTC)
VALUES = {"monitor.name": 'Shop "checkout"', "monitor.notes": "a\nb & <c>", "escalationLevel.id": "1"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("plain text", "plain text"),
        ("{{@monitor.name}} is down", 'Shop "checkout" is down'),
        ("{{@JsonEncode({{@monitor.name}})}}", 'Shop \\"checkout\\"'),
        ("{{@JsonEncode(@monitor.notes)}}", "a\\nb & <c>"),
        ("{{@XmlEncode({{@monitor.notes}})}}", "a\nb &amp; &lt;c&gt;"),
        ("{{@JsonEncode(Notes: {{@XmlEncode({{@monitor.notes}})}})}}", "Notes: a\\nb &amp; &lt;c&gt;"),
        ("{{@CustomField(Team)}}/{{@CustomField(Missing)}}", "Web/"),
        ('{"a":{"b":1}} {{ not a tag }}', '{"a":{"b":1}} {{ not a tag }}'),
    ],
)
def test_tags_render(source: str, expected: str) -> None:
    assert render(parse(source), VALUES, {"Team": "Web"}) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{@monitor.name", "not closed"),
        ("{{@JsonEncode({{@monitor.name}}", "not closed"),
        ("{{@ }}", "a name must follow"),
    ],
)
def test_malformed_templates_are_refused(source: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        parse(source)


def test_unknown_variables_are_refused_and_integration_variables_are_known() -> None:
    template = parse("{{@ApiUrl}}/{{@JsonEncode({{@alert.typo}})}}")
    with pytest.raises(TemplateError, match=r"unknown variable @alert\.typo"):
        check(template, {"ApiUrl"})
    check(parse("{{@ApiUrl}}/{{@alert.type}}"), {"ApiUrl"})
    with pytest.raises(TemplateError, match="unknown function @Upper"):
        check(parse("{{@Upper(x)}}"), set())


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"name": "{{@monitor.name}}"}', {"name": 'Shop "checkout"'}),
        ('{"name": "{{@JsonEncode({{@monitor.name}})}}"}', {"name": 'Shop "checkout"'}),
        ('{"level": {{@escalationLevel.id}}}', {"level": 1}),
        ('{"notes": {{@monitor.notes}}}', {"notes": "a\nb & <c>"}),
        ('{"notes": {{@JsonEncode({{@monitor.notes}})}}}', {"notes": "a\nb & <c>"}),
        ('{"esc": "x\\"{{@monitor.name}}"}', {"esc": 'x"Shop "checkout"'}),
    ],
)
def test_json_bodies_escape_by_position_and_never_double_escape(body: str, expected: object) -> None:
    assert json.loads(render(parse(body), VALUES, json_body=True)) == expected


JSON_TEMPLATES = [
    '{"a": "{{@monitor.name}}", "b": {{@monitor.notes}}, "c": ["{{@JsonEncode({{@monitor.name}})}}"]}',
    '{"text": "{{@monitor.name}} — {{@XmlEncode({{@monitor.notes}})}} ({{@CustomField(Team)}})"}',
    '[{{@escalationLevel.id}}, "{{@escalationLevel.id}}", {{@JsonEncode(@monitor.notes)}}]',
]


@given(
    template=st.sampled_from(JSON_TEMPLATES),
    name=st.text(),
    notes=st.text(),
    level=st.text(),
    team=st.text(),
)
def test_no_value_ever_breaks_a_json_body(
    template: str, name: str, notes: str, level: str, team: str
) -> None:
    values = {"monitor.name": name, "monitor.notes": notes, "escalationLevel.id": level}
    json.loads(render(parse(template), values, {"Team": team}, json_body=True))


@given(value=st.text())
def test_a_quoted_variable_comes_back_exactly(value: str) -> None:
    body = '{"plain": "{{@monitor.name}}", "encoded": "{{@JsonEncode({{@monitor.name}})}}"}'
    parsed = json.loads(render(parse(body), {"monitor.name": value}, json_body=True))
    assert parsed == {"plain": value, "encoded": value}


@pytest.mark.parametrize(
    ("culture", "expected"),
    [
        ("en-US", "8/28/2020 10:23 PM"),
        ("en-GB", "28/08/2020 22:23"),
        ("nl-NL", "28-8-2020 22:23"),
        ("de-DE", "28.08.2020 22:23"),
        ("xx-XX", "08/28/2020 22:23"),
    ],
)
def test_formatted_times_follow_the_culture(culture: str, expected: str) -> None:
    assert culture_format(NOW, culture) == expected


def test_every_variable_has_a_value_in_the_account_time_zone() -> None:
    alert = sample_alert(AlertType.ERROR, NOW)
    values = alert_variables(alert, Account(account_id="299840", timezone="America/New_York"))
    assert set(values) == set(SYSTEM_VARIABLES)
    assert values["alert.type"] == "Alert"
    assert values["alert.timestampUtc"] == "2020-08-28T22:23:05"
    assert values["alert.timestamp"] == "2020-08-28T18:23:05"
    assert values["alert.timestampFormatted"] == "8/28/2020 6:23 PM"
    assert values["alert.timestampUtcFormatted"] == "8/28/2020 10:23 PM"
    assert values["alert.firstErrorUtc"] == "2020-08-28T22:10:31"
    assert values["alert.downtimeDuration"] == "0:12:34"
    assert values["account.accountId"] == "299840"
    assert values["monitor.dashboardUrl"].endswith(f"probeGuids={alert.monitor_guid}")
    assert custom_fields(alert) == {"Team": "Web"}
    assert alert_variables(sample_alert(AlertType.OK, NOW), Account())["alert.type"] == "Ok"


def test_check_details_render_from_the_alert_and_are_empty_when_the_check_had_none() -> None:
    alert = sample_alert(AlertType.ERROR, NOW).model_copy(
        update={
            "failure_message": 'Step "Log in" failed',
            "response_headers": {"Content-Type": "text/html", "Retry-After": "120"},
            "response_body": '<p class="x">down</p>',
            "ssl_valid_until": datetime(2027, 1, 31, 23, 0, tzinfo=UTC),
        }
    )
    values = alert_variables(alert, Account(timezone="Europe/Brussels"))
    assert values["alert.failureMessage"] == 'Step "Log in" failed'
    assert values["alert.responseHeaders"] == "Content-Type: text/html\nRetry-After: 120"
    assert values["alert.responseBody"] == '<p class="x">down</p>'
    assert values["alert.sslValidUntil"] == "2027-02-01T00:00:00"  # account time zone, like @alert.timestamp
    body = '{"body": "{{@alert.responseBody}}", "headers": {{@alert.responseHeaders}}}'
    assert json.loads(render(parse(body), values, json_body=True)) == {
        "body": '<p class="x">down</p>',
        "headers": "Content-Type: text/html\nRetry-After: 120",
    }
    bare = sample_alert(AlertType.ERROR, NOW).model_copy(
        update={"failure_message": "", "response_headers": {}, "response_body": "", "ssl_valid_until": None}
    )
    details = ("failureMessage", "responseHeaders", "responseBody", "sslValidUntil")
    assert [alert_variables(bare, Account())[f"alert.{name}"] for name in details] == ["", "", "", ""]


@pytest.mark.parametrize("json_body", [False, True])
def test_nested_encoders_render_up_to_the_size_limit_and_are_refused_past_it(json_body: bool) -> None:
    # Each JsonEncode doubles a backslash: 1,000 of them nested 10 deep is 1,024,000 characters.
    def nested(depth: int) -> Template:
        return parse('{"n": "' + "{{@JsonEncode(" * depth + "{{@monitor.name}}" + ")}}" * depth + '"}')

    values = {"monitor.name": "\\" * 1000}
    assert MAX_RENDERED_CHARS == 1024 * 1024
    assert len(render(nested(10), values, json_body=json_body)) == 1000 * 2**10 + len('{"n": ""}')
    with pytest.raises(TemplateError, match="renders to more than 1024 KB"):
        render(nested(11), values, json_body=json_body)
