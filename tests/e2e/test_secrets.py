"""End to end on the local stack, issue 11 finding 7: no secret in any GET or test trace, and none sent
to a host it was not entered for (README "Security")."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from local.client import ApiError, StackClient

GENIE_KEY = "6f1c3a52-9d7e-4b1a-8c3f-2e5d7a9b0c14"
STEP_PASSWORD = "hunter2-step-password"
BEARER = "eyJhbGciOiJIUzI1NiJ9.bearer-token"
QUERY_TOKEN = "q-token-5d41402abc4b2a76"


def _every_text(client: StackClient, integration_guid: str) -> str:
    """What the API shows of an integration: its GET and the listing."""
    shown = client.api("GET", f"/Integration/{integration_guid}")
    listed = client.api("GET", "/Integration", Take=1000)
    return json.dumps([shown, listed])


def test_get_and_test_trace_show_no_step_secret(client: StackClient) -> None:
    receiver = client.new_receiver()
    step = {
        "Url": f"{receiver['url']}/hook?access_token={QUERY_TOKEN}",
        "Headers": {"Authorization": f"Bearer {BEARER}", "Content-Type": "application/json"},
        "Body": '{"monitor": "{{@monitor.name}}"}',
        "Username": "ops",
        "Password": STEP_PASSWORD,
    }
    hook = client.api("POST", "/Integration", {"Name": "Secret hook", "Type": "Webhook", "Steps": [step]})
    trace = client.api("POST", f"/Integration/{hook['IntegrationGuid']}/Test", {"AlertType": "Error"})
    shown = _every_text(client, hook["IntegrationGuid"]) + json.dumps(trace)
    for secret in (STEP_PASSWORD, BEARER, QUERY_TOKEN):
        assert secret not in shown
    # The receiver did get the token: masking hides what is shown, not what is sent.
    assert QUERY_TOKEN in json.dumps(client.received(receiver["id"]))


def test_a_stored_key_is_not_sent_to_a_new_host(client: StackClient) -> None:
    receiver = client.new_receiver()
    # First entered for another endpoint (the config API's own port stands in for Opsgenie's host).
    api = urlsplit(client.info.api_url)
    genie = {
        "Name": "Genie",
        "Type": "Opsgenie",
        "Variables": {"ApiKey": GENIE_KEY, "ApiUrl": f"{api.scheme}://{api.netloc}/opsgenie"},
    }
    created = client.api("POST", "/Integration", genie)
    guid = created["IntegrationGuid"]
    assert GENIE_KEY not in _every_text(client, guid)
    # Moved to the receiver's host with the key left as GET showed it: the key must not follow.
    moved = {"Variables": {"ApiKey": "****", "ApiUrl": receiver["url"]}}
    try:
        client.api("PATCH", f"/Integration/{guid}", moved)
    except ApiError as refused:
        assert refused.response.status_code == 400  # "re-enter the key" is a right answer too
    try:
        client.api("POST", f"/Integration/{guid}/Test", {"AlertType": "Error"})
    except ApiError as refused:
        assert refused.response.status_code < 500
    assert GENIE_KEY not in json.dumps(client.received(receiver["id"]))
    assert GENIE_KEY not in _every_text(client, guid)
