"""User-defined functions through the config API and a delivery: keys write-only, mistakes refused with
their field, and a custom webhook that maps the alert type and signs its body."""

from __future__ import annotations

import hmac
import json

from tests.conftest import LambdaContext, Stack
from tests.integration.conftest import ApiCall
from tests.integration.test_integrations import Vendors, attach, attempts, deliver, vendors

__all__ = ["vendors"]  # the receiver fixture, shared with the other integration tests

KEY = "hmac-key-0123456789"
FUNCTIONS = [
    {
        "Name": "PageState",
        "Type": "Mapping",
        "Mappings": [{"Key": "Alert", "Value": "major_outage"}, {"Key": "Ok", "Value": "operational"}],
        "Default": "degraded_performance",
    },
    {"Name": "Sign", "Type": "Hash", "HashAlgorithm": "HMACSHA256", "HashKey": KEY},
]
BODY = '{"component": "{{@monitor.name}}", "status": "{{@PageState({{@alert.type}})}}"}'
HOOK = {
    "Name": "Status page hook",
    "Type": "Webhook",
    "Functions": FUNCTIONS,
    "Steps": [
        {
            "Url": "https://receiver.example/status",
            "Headers": {"Content-Type": "application/json", "X-Signature": f"sha256={{{{@Sign({BODY})}}}}"},
            "Body": BODY,
        }
    ],
}


def test_a_webhook_maps_alert_to_major_outage_and_signs_the_body(
    api: ApiCall, stack: Stack, vendors: Vendors, lambda_context: LambdaContext
) -> None:
    guids = attach(api, HOOK)
    alert = deliver(stack, lambda_context, "confirmed_error")
    deliver(stack, lambda_context, "no_error")
    down, up = vendors.requests
    assert json.loads(down.content) == {"component": "Shop checkout", "status": "major_outage"}
    assert json.loads(up.content)["status"] == "operational"
    for sent in (down, up):
        expected = hmac.new(KEY.encode(), sent.content, "sha256").hexdigest()
        assert sent.headers["x-signature"] == f"sha256={expected}"
    (logged,) = attempts(api, alert)
    assert KEY not in json.dumps(logged)
    assert guids["integration"]


def test_function_keys_are_write_only_and_a_masked_key_written_back_keeps_the_stored_one(
    api: ApiCall, stack: Stack, vendors: Vendors, lambda_context: LambdaContext
) -> None:
    guid = attach(api, HOOK)["integration"]
    _, shown = api("GET", f"/Integration/{guid}")
    assert shown["Functions"][1]["HashKey"] == "****" and KEY not in json.dumps(shown)
    renamed = [{**shown["Functions"][0], "Default": "partial_outage"}, shown["Functions"][1]]
    assert api("PATCH", f"/Integration/{guid}", {"Functions": renamed}) == (204, None)
    deliver(stack, lambda_context, "confirmed_error")
    (sent,) = vendors.requests
    assert (
        sent.headers["x-signature"] == "sha256=" + hmac.new(KEY.encode(), sent.content, "sha256").hexdigest()
    )


def test_a_masked_key_with_nothing_stored_behind_it_is_refused(api: ApiCall) -> None:
    masked = [FUNCTIONS[0], {**FUNCTIONS[1], "HashKey": "****"}]
    status, refused = api("POST", "/Integration", {**HOOK, "Functions": masked})
    assert status == 400 and [m["Field"] for m in refused["Messages"]] == ["Functions[1].HashKey"]


def test_a_bad_function_or_a_call_to_an_unknown_one_is_refused_at_save(api: ApiCall) -> None:
    bad_regex = [{"Name": "Code", "Type": "RegularExpression", "Regex": "HTTP (\\d+"}]
    status, refused = api("POST", "/Integration", {**HOOK, "Functions": bad_regex})
    assert status == 400 and refused["Messages"][0]["Field"] == "Functions[0].Regex"
    status, refused = api("POST", "/Integration", {**HOOK, "Functions": FUNCTIONS[:1]})
    assert status == 400 and refused["Messages"][0]["Field"] == "Steps[0].Headers.X-Signature"
    assert "unknown function @Sign" in refused["Messages"][0]["Message"]
    slack = {"Name": "Slack", "Type": "Slack", "Variables": {"Url": "https://hooks.slack.com/services/T/B/X"}}
    status, refused = api("POST", "/Integration", {**slack, "Functions": FUNCTIONS})
    assert status == 400 and refused["Messages"][0]["Field"] == "Functions"
