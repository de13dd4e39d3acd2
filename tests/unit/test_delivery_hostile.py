"""Hostile values on the way out: what a monitored site or a monitor's name puts into an alert reaches
each vendor as text (escaped for its markup, cut to its limits), never as markup or a crash."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alerting.delivery import transport
from alerting.delivery.transport import AddressPolicy
from alerting.errors import TemplateError
from alerting.integrations import email, servicenow, slack, teams
from alerting.integrations.spec import OutgoingRequest
from alerting.models.alert import Alert, AlertType
from alerting.models.config import IntegrationType
from alerting.models.delivery import DeliveryJob
from alerting.templating import Account, alert_variables, parse, render, sample_alert

NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
PING = "<!channel>"
DISGUISED = "<https://evil.example|click here>"


def alert(**overrides: Any) -> Alert:
    return sample_alert(AlertType.ERROR, NOW).model_copy(update=overrides)


def values(of: Alert) -> dict[str, str]:
    return alert_variables(of, Account())


def mrkdwn_texts(message: dict[str, Any]) -> list[str]:
    """Every text of a Slack message that Slack reads as mrkdwn."""
    texts = [message["text"], *(a["text"] for a in message["attachments"])]
    for block in message["blocks"]:
        if block.get("text", {}).get("type") == "mrkdwn":
            texts.append(block["text"]["text"])
        texts += [f["text"] for f in block.get("fields", [])]
    return texts


# Finding 9: monitor names and error descriptions went raw into Slack mrkdwn.
def test_slack_shows_a_ping_or_a_disguised_link_as_typed() -> None:
    hostile = alert(monitor_name=f"Shop {PING}", error_description=DISGUISED, checkpoint_name="a & b")
    texts = mrkdwn_texts(slack.slack_message(hostile, values(hostile)))
    joined = "\n".join(texts)
    assert PING not in joined and DISGUISED not in joined
    assert "&lt;!channel&gt;" in joined and "&lt;https://evil.example|click here&gt;" in joined
    assert "a &amp; b" in joined


def test_slack_cuts_a_million_characters_to_its_limits_without_breaking_an_entity() -> None:
    hostile = alert(error_description="<" * 10**6, monitor_name="x" * 10**6)
    message = slack.slack_message(hostile, values(hostile))
    assert len(message["text"]) <= 3000 and len(message["blocks"][1]["text"]["text"]) <= 3000
    assert all(len(f["text"]) <= 2000 for f in message["blocks"][2]["fields"])
    assert message["blocks"][1]["text"]["text"].endswith("&lt;…")


def test_teams_escapes_markdown_from_the_monitor() -> None:
    hostile = alert(monitor_name="[click](https://evil.example) **now**", error_description="# big _x_")
    card = teams.teams_message(hostile, values(hostile))["attachments"][0]["content"]
    dumped = json.dumps(card)
    assert "[click](https://evil.example)" not in dumped
    monitor_fact = next(f for f in card["body"][2]["facts"] if f["title"] == "Monitor")
    assert monitor_fact["value"] == r"\[click\]\(https://evil.example\) \*\*now\*\*"
    assert card["body"][1]["text"] == r"\# big \_x\_"


def test_email_escapes_html_and_keeps_the_subject_on_one_line() -> None:
    hostile = alert(monitor_name="Shop\r\nBcc: victim@example.com <b>", error_description="<script>")
    message = email.email_message(hostile, values(hostile))
    assert "\r" not in message.subject and "\n" not in message.subject
    assert "<script>" not in message.html and "&lt;script&gt;" in message.html
    assert "<b>" not in message.html


def test_servicenow_description_is_cut_to_4000() -> None:
    hostile = alert(error_description="x" * 10**6)
    assert len(servicenow.servicenow_incident(hostile, values(hostile))["description"]) == 4000


# Finding 10: one alert's deliveries to two integrations shared a webhook-id.
def test_one_alert_to_two_integrations_has_two_webhook_ids() -> None:
    jobs = [
        DeliveryJob(
            alert=alert(), integration_guid=guid, integration_type=IntegrationType.WEBHOOK, target="t"
        )
        for guid in (UUID(int=1), UUID(int=2))
    ]
    assert jobs[0].webhook_id != jobs[1].webhook_id


# Finding 5: a header rendered from "Café Zürich shop" raised UnicodeEncodeError and was never logged.
def test_a_header_value_with_any_character_is_sent_as_utf8() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    client = httpx.Client(transport=httpx.MockTransport(answer))
    request = OutgoingRequest("POST", "https://hooks.example/x", {"X-Monitor": "Café Zürich shop"}, {"a": 1})
    result = transport.send(client, request, NOW)
    assert result.verdict is transport.Verdict.DELIVERED
    assert (b"X-Monitor", "Café Zürich shop".encode()) in seen[0].headers.raw
    assert result.exchange.request_headers["X-Monitor"] == "Café Zürich shop"


# Smaller: DNS lookups were not bounded by the delivery timeout.
def test_a_lookup_that_never_answers_ends_as_a_connect_timeout() -> None:
    released = threading.Event()

    def hanging(host: str, port: int) -> list[str]:
        released.wait()
        return ["93.184.216.34"]

    policy = AddressPolicy(resolve=hanging, resolve_timeout=0.01)
    try:
        with pytest.raises(httpx.ConnectTimeout, match=r"resolving hooks\.example"):
            policy.check_url("https://hooks.example/x")
    finally:
        released.set()


# Property: the template engine with hostile values and hostile templates renders or refuses.
HOSTILE = st.one_of(
    st.text(),
    st.sampled_from(["\ud800", "\u202e", PING, DISGUISED, "\x00\x1b[31m", "é" * 10**6, '"}]{' * 1000]),
)


@settings(max_examples=50, deadline=None)
@given(
    value=HOSTILE, depth=st.integers(min_value=0, max_value=1000), encoder=st.sampled_from(["Json", "Xml"])
)
def test_any_value_in_any_nesting_renders_valid_json_or_is_refused(
    value: str, depth: int, encoder: str
) -> None:
    source = f"{{{{@{encoder}Encode(" * depth + "{{@monitor.name}}" + ")}}" * depth
    try:
        template = parse('{"name": "' + source + '"}')
    except TemplateError:
        assert depth > 30  # refused only for nesting no real template needs
        return
    try:
        body = render(template, {"monitor.name": value}, json_body=True)
    except TemplateError as refused:
        assert "renders to more than" in str(refused)  # each JsonEncode may double a hostile value
        return
    json.loads(body)
