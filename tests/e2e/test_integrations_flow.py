"""End to end on the local stack: each integration type delivers to a capture endpoint of the simulator,
and what arrived is what the vendor's API documents (tests/vendor_schemas.py)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from local.client import StackClient, check, wait_until
from tests import vendor_schemas as schemas

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def alert_then_ok(client: StackClient, monitor: str, receiver_id: str, first_id: int) -> list[dict[str, Any]]:
    client.publish_checks(check(monitor, first_id, "Confirmed", T0 + timedelta(minutes=first_id % 1000)))
    wait_until(lambda: len(client.received(receiver_id)) >= 1)
    client.publish_checks(
        check(monitor, first_id + 1, "NoError", T0 + timedelta(minutes=first_id % 1000 + 1))
    )
    return wait_until(lambda: r if len(r := client.received(receiver_id)) >= 2 else None)


def test_a_custom_webhook_receives_the_alert_and_the_ok(client: StackClient) -> None:
    receiver = client.new_receiver()
    step = {
        "Method": "POST",
        "Url": "{{@HookUrl}}/incidents/{{@incident.key}}",
        "Headers": {"Content-Type": "application/json"},
        "Body": '{"type": "{{@alert.type}}", "monitor": "{{@monitor.name}}", "id": {{@escalationLevel.id}}}',
    }
    setup = client.integration_setup(
        'Webhook "shop"',
        {"Name": "Ops hook", "Type": "Webhook", "PerLevelVariables": ["HookUrl"], "Steps": [step]},
        VariableValues={"HookUrl": receiver["url"]},
    )
    alert, ok = alert_then_ok(client, setup["monitor"], receiver["id"], 5001)
    assert [alert["json"]["type"], ok["json"]["type"]] == ["Alert", "Ok"]
    assert alert["json"]["monitor"] == 'Webhook "shop"'  # a quote in a value does not break the JSON
    assert alert["path"] == ok["path"] and alert["path"].endswith("-1-5001")


VENDORS: list[tuple[str, Callable[[str], dict[str, str]], Callable[[Any], list[str]]]] = [
    ("Slack", lambda url: {"Url": url}, schemas.slack_problems),
    ("Teams", lambda url: {"WorkflowUrl": url}, schemas.teams_problems),
    (
        "PagerDuty",
        lambda url: {"RoutingKey": "R0UT1NGKEY0123456789abcdef012345", "ApiUrl": url},
        schemas.pagerduty_problems,
    ),
    (
        "SplunkOnCall",
        lambda url: {"SplunkOnCallUrl": url, "RoutingKey": "web"},
        schemas.splunk_on_call_problems,
    ),
]


@pytest.mark.parametrize(("kind", "variables", "schema"), VENDORS)
def test_vendor_formats_arrive_as_the_vendor_documents(
    client: StackClient,
    kind: str,
    variables: Callable[[str], dict[str, str]],
    schema: Callable[[Any], list[str]],
) -> None:
    receiver = client.new_receiver()
    setup = client.integration_setup(
        f"{kind} monitor", {"Name": kind, "Type": kind, "Variables": variables(receiver["url"])}
    )
    received = alert_then_ok(
        client, setup["monitor"], receiver["id"], 6000 + 10 * [v[0] for v in VENDORS].index(kind)
    )
    assert [schema(request["json"]) for request in received] == [[], []]


def test_opsgenie_and_the_uptrends_integration(client: StackClient) -> None:
    opsgenie, uptrends = client.new_receiver(status=202), client.new_receiver()
    setup = client.integration_setup(
        "Opsgenie monitor",
        {
            "Name": "Opsgenie",
            "Type": "Opsgenie",
            "Variables": {"ApiKey": "k-123456", "ApiUrl": opsgenie["url"]},
        },
    )
    create, close = alert_then_ok(client, setup["monitor"], opsgenie["id"], 7001)
    assert schemas.opsgenie_create_problems(create["json"]) == []
    assert close["path"] == f"/receivers/{opsgenie['id']}/{create['json']['alias']}/close"
    assert create["headers"]["Authorization"] == "GenieKey k-123456"

    setup = client.integration_setup(
        "Uptrends monitor",
        {"Name": "Uptrends", "Type": "UptrendsIntegration", "Variables": {"ApiUrl": uptrends["url"]}},
    )
    alert, ok = alert_then_ok(client, setup["monitor"], uptrends["id"], 7101)
    assert alert["json"]["alert"]["type"] == "Alert" and ok["json"]["alert"]["type"] == "Ok"
    assert alert["json"]["monitor"]["name"] == "Uptrends monitor"

    attempts = client.api("GET", f"/Alert/{alert['json']['alert']['alertGuid']}/Message")
    assert [(a["IntegrationType"], a["Outcome"]) for a in attempts] == [("UptrendsIntegration", "delivered")]


def test_test_send_reaches_the_receiver_and_returns_the_trace(client: StackClient) -> None:
    receiver = client.new_receiver(status=500)
    created = client.api(
        "POST", "/Integration", {"Name": "Slack", "Type": "Slack", "Variables": {"Url": receiver["url"]}}
    )
    trace = client.api("POST", f"/Integration/{created['IntegrationGuid']}/Test", {"AlertType": "Ok"})
    assert trace["Outcome"] == "failed" and trace["Steps"][0]["Exchange"]["StatusCode"] == 500
    (received,) = client.received(receiver["id"])
    assert schemas.slack_problems(received["json"]) == []


def test_servicenow_creates_an_incident_and_resolves_it_by_the_sys_id_it_answered(
    client: StackClient,
) -> None:
    instance = client.new_receiver(body={"result": {"sys_id": "5ab0c2e1db", "number": "INC0010042"}})
    variables = {
        "InstanceName": "acme",  # InstanceUrl takes precedence: nothing goes to acme.service-now.com
        "InstanceUrl": instance["url"],
        "Username": "svc-alerting",
        "Password": "s3cret-pass",
    }
    setup = client.integration_setup(
        "ServiceNow monitor", {"Name": "ServiceNow", "Type": "ServiceNow", "Variables": variables}
    )
    create, resolve = alert_then_ok(client, setup["monitor"], instance["id"], 8001)
    table = f"/receivers/{instance['id']}/api/now/table/incident"
    assert (create["method"], create["path"]) == ("POST", table)
    assert (resolve["method"], resolve["path"]) == ("PATCH", f"{table}/5ab0c2e1db")
    (alert, _) = client.api("GET", f"/Alert/Monitor/{setup['monitor']}", Sorting="Ascending")["Data"]
    assert create["json"]["correlation_id"] == alert["Attributes"]["IncidentKey"]
    assert schemas.servicenow_incident_problems(create["json"]) == []
    assert schemas.servicenow_update_problems(resolve["json"]) == [] and resolve["json"]["state"] == "6"
    basic = "Basic " + base64.b64encode(b"svc-alerting:s3cret-pass").decode()
    assert create["headers"]["Authorization"] == resolve["headers"]["Authorization"] == basic


def test_email_and_sms_reach_on_duty_operators_only(client: StackClient) -> None:
    monitor = client.api("POST", "/Monitor", {"Name": "Mail monitor", "Url": "https://shop.example"})
    definition = client.api("POST", "/AlertDefinition", {"AlertName": "Mail alerts"})["AlertDefinitionGuid"]
    level = f"/AlertDefinition/{definition}/EscalationLevel/1"
    client.api("POST", f"/AlertDefinition/{definition}/Member/Monitor/{monitor['MonitorGuid']}")
    email = client.api("POST", "/Integration", {"Name": "E-mail", "Type": "Email"})
    sms = client.api("POST", "/Integration", {"Name": "SMS", "Type": "Sms"})
    client.api(
        "POST",
        f"{level}/Integration",
        {"IntegrationGuid": email["IntegrationGuid"], "ExtraEmailAddresses": ["noc-e2e@example.com"]},
    )
    client.api("POST", f"{level}/Integration", {"IntegrationGuid": sms["IntegrationGuid"]})
    people = [
        ("Ada", "ada-e2e@example.com", "+32470900001", True),
        ("Bob", "bob-e2e@example.com", "+32470900002", False),
    ]
    for name, address, phone, on_duty in people:
        operator = client.api(
            "POST",
            "/Operator",
            {"FullName": name, "Email": address, "MobilePhone": phone, "IsOnDuty": on_duty},
        )
        client.api("POST", f"{level}/Member/Operator/{operator['OperatorGuid']}")

    def mails() -> list[dict[str, Any]]:
        return [m for m in client.sent_emails() if "noc-e2e@example.com" in m["destinations"]["ToAddresses"]]

    def texts() -> list[dict[str, Any]]:
        return [m for m in client.sent_sms() if m["phone_number"].startswith("+32470900")]

    def attempted() -> list[str] | None:
        history = client.api("GET", f"/Alert/Monitor/{guid}", Sorting="Ascending")["Data"]
        logged = [a for h in history for a in client.api("GET", f"/Alert/{h['Id']}/Message")]
        return [a["Exchange"]["Url"] for a in logged] if len(logged) >= 4 else None

    guid = monitor["MonitorGuid"]
    client.publish_checks(check(guid, 9001, "Confirmed", T0 + timedelta(minutes=9)))
    wait_until(lambda: mails() and texts())
    client.publish_checks(check(guid, 9002, "NoError", T0 + timedelta(minutes=10)))
    urls = wait_until(attempted)
    # Both alerts' attempts are logged, so every message there will be has been sent.
    alert_mail, ok_mail = mails()
    alert_sms, ok_sms = texts()

    assert [alert_mail["subject"], ok_mail["subject"]] == [
        "[Alert] Mail monitor is down",
        "[OK] Mail monitor is OK again",
    ]
    for mail in (alert_mail, ok_mail):
        assert sorted(mail["destinations"]["ToAddresses"]) == ["ada-e2e@example.com", "noc-e2e@example.com"]
    assert [(t["phone_number"], t["message"].split(" ", 1)[0]) for t in (alert_sms, ok_sms)] == [
        ("+32470900001", "ALERT"),
        ("+32470900001", "OK"),
    ]
    # Nothing to the off-duty operator, by e-mail or SMS.
    assert sorted(urls) == sorted(["ses:ada-e2e@example.com,noc-e2e@example.com", "sms:+32470900001"] * 2)


def test_the_checks_response_details_reach_a_webhook(client: StackClient) -> None:
    receiver = client.new_receiver()
    body = (
        '{"failure": "{{@alert.failureMessage}}", "body": "{{@alert.responseBody}}",'
        ' "headers": "{{@alert.responseHeaders}}", "ssl": "{{@alert.sslValidUntil}}"}'
    )
    step = {"Method": "POST", "Url": receiver["url"], "AlertTypes": ["Error"], "Body": body}
    setup = client.integration_setup(
        "Details monitor", {"Name": "Details hook", "Type": "Webhook", "Steps": [step]}
    )
    details = {
        "FailureMessage": 'Step "Pay" failed',
        "ResponseHeaders": {"Content-Type": "text/html"},
        "ResponseBody": '<p class="down">Service Unavailable</p>',
        "SslValidUntil": "2027-01-31T23:59:59Z",
    }
    client.publish_checks(check(setup["monitor"], 9101, "Confirmed", T0 + timedelta(minutes=11), **details))
    (received,) = wait_until(lambda: client.received(receiver["id"]))
    assert received["json"] == {
        "failure": 'Step "Pay" failed',
        "body": '<p class="down">Service Unavailable</p>',
        "headers": "Content-Type: text/html",
        "ssl": "2027-01-31T23:59:59",  # the local stack's account time zone is UTC
    }
