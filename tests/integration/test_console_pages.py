"""Console pages read through the config API's facade: the dead letters and the monitor groups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from alerting import composition
from alerting.console import sign_in
from tests.conftest import LambdaContext, Stack, load_event
from tests.integration.conftest import ApiCall, evaluate
from tests.integration.test_delivery_guarantees import Receiver, deliver, target  # noqa: F401 - a fixture
from tests.integration.test_webhook_delivery import queued_batch
from tests.support.console_browser import CONSOLE, Browser


@pytest.fixture
def browser(stack: Stack, lambda_context: LambdaContext) -> Iterator[Browser]:
    """The local stack's console: no login."""
    for cache in (sign_in.settings, composition.console_root):
        cache.cache_clear()
    yield Browser(lambda_context)
    composition.console_root.cache_clear()


def test_dead_letters_lists_failed_deliveries_and_parked_check_results_with_their_reason(
    stack: Stack,
    api: ApiCall,
    linked: dict[str, Any],
    target: Receiver,  # noqa: F811 - the fixture imported above
    lambda_context: LambdaContext,
    browser: Browser,
) -> None:
    assert "No dead letters" in browser.open(f"{CONSOLE}/dead-letters").html

    api("PATCH", f"/Integration/{linked['integration']}", {"RetrySchedule": [0]})
    target.answer = lambda request: httpx.Response(503, text="StatusHub is down for maintenance")
    evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    deliver(queued_batch(stack), lambda_context)  # one attempt, then the dead-letter queue
    evaluate(load_event("alert_evaluator/malformed_detail.json"), lambda_context)

    page = browser.open(f"{CONSOLE}/dead-letters").html
    assert "No dead letters" not in page
    assert "Delivery" in page
    assert "503" in page
    assert "Check result" in page
    assert "MonitorGuid" in page

    # Listing leaves them parked: Redrive still finds the delivery.
    assert len(stack.messages("EVALUATOR_DLQ_URL")) == 1
    redriven = browser.submit(f"{CONSOLE}/dead-letters/redrive", {"Since": "2000-01-01T00:00"})
    assert "Redriven: 1." in redriven.html


def test_monitor_groups_are_listed_added_and_their_members_added_and_removed(
    api: ApiCall, browser: Browser
) -> None:
    api("POST", "/Monitor", {"Name": "Shop checkout", "Url": "https://shop.example.com/checkout"})
    listed = browser.open(f"{CONSOLE}/monitor-groups")
    assert "Every monitor" in listed.html  # the built-in group of all monitors
    assert "Web shops" not in listed.html

    refused = browser.submit(f"{CONSOLE}/monitor-groups", {"Description": ""})
    assert refused.status == 400
    assert 'id="error-Description"' in refused.html

    created = browser.submit(f"{CONSOLE}/monitor-groups", {"Description": "Web shops"})
    assert "<h1>Web shops</h1>" in created.html
    assert "No members yet" in created.html
    group_url = created.url.split("?")[0]
    (monitor,) = api("GET", "/Monitor")[1]
    added = browser.submit(f"{group_url}/members", {"MonitorGuid": monitor["MonitorGuid"]})
    assert "Monitor <strong>Shop checkout</strong>" in added.html
    assert api("GET", f"/MonitorGroup/{group_url.rsplit('/', 1)[1]}/Member")[1] == [
        {"MonitorGuid": monitor["MonitorGuid"]}
    ]

    removed = browser.submit(f"{group_url}/members/remove", {"MonitorGuid": monitor["MonitorGuid"]})
    assert "No members yet" in removed.html
    assert "Web shops" in browser.open(f"{CONSOLE}/monitor-groups").html


@pytest.mark.parametrize(
    ("path", "heading", "empty"),
    [
        ("/monitors", "Monitors", "No monitors yet"),
        ("/integrations", "Integrations", "No integrations yet"),
        ("/alert-definitions", "Alert definitions", "No alert definitions yet"),
        ("/alerts", "Alerts", "No monitors, so no alerts yet"),
    ],
)
def test_every_list_page_says_what_to_do_first(browser: Browser, path: str, heading: str, empty: str) -> None:
    visit = browser.open(CONSOLE + path)
    assert visit.status == 200
    assert f"<h1>{heading}</h1>" in visit.html
    assert empty in visit.html


def test_a_monitor_added_and_saved_in_the_console_is_the_api_s(api: ApiCall, browser: Browser) -> None:
    browser.open(f"{CONSOLE}/monitors")
    refused = browser.submit(f"{CONSOLE}/monitors", {"Name": "", "Url": "https://shop.example.com"})
    assert refused.status == 400
    assert 'id="error-Name"' in refused.html

    created = browser.submit(
        f"{CONSOLE}/monitors", {"Name": "Shop checkout", "Url": "https://shop.example.com"}
    )
    assert "Created." in created.html
    monitor_url = created.url.split("?")[0]
    # Unticked boxes are not sent: the monitor is switched off.
    saved = browser.submit(
        monitor_url, {"Name": "Shop", "Url": "https://shop.example.com", "Notes": "web team"}
    )
    assert "Saved." in saved.html
    (monitor,) = api("GET", "/Monitor")[1]
    assert (monitor["Name"], monitor["Notes"], monitor["IsActive"]) == ("Shop", "web team", False)


def _save_url(linked: dict[str, Any]) -> str:
    return f"{CONSOLE}/alert-definitions/{linked['definition']}/levels/1"


def _level_form(linked: dict[str, Any]) -> dict[str, str]:
    """Level 1 of the linked definition as its console form sends it, ticked and with its one link."""
    guid = linked["integration"]
    return {
        "Level": "1",
        "IsActive": "on",
        "EscalationMode": "AlertOnErrorCount",
        "ThresholdErrorCount": "1",
        "Integration": guid,
        f"Link.{guid}.Monitor": linked["monitor"],
        f"Link.{guid}.Service": linked["service"],
        "action": "save",
    }


def test_saving_a_level_in_the_console_keeps_the_link_options_set_through_the_api(
    api: ApiCall, linked: dict[str, Any], browser: Browser
) -> None:
    level = f"/AlertDefinition/{linked['definition']}/EscalationLevel/1/Integration/{linked['integration']}"
    options = {"ServiceStatus": "degraded-performance", "ResolveAfterMinutes": 30, "Silent": True}
    link = {"MonitorGuid": linked["monitor"], "IntegrationServiceGuid": linked["service"], **options}
    assert api("PATCH", level, {"StatusHubServiceList": [link]})[0] == 204
    browser.open(f"{CONSOLE}/alert-definitions/{linked['definition']}")

    saved = browser.submit(_save_url(linked), _level_form(linked))
    assert "Saved." in saved.html
    assert api("GET", level)[1]["StatusHubServiceList"] == [link]


def test_the_console_sets_a_link_s_status_and_resolve_delay(
    api: ApiCall, linked: dict[str, Any], browser: Browser
) -> None:
    level = f"/AlertDefinition/{linked['definition']}/EscalationLevel/1/Integration/{linked['integration']}"
    page = browser.open(f"{CONSOLE}/alert-definitions/{linked['definition']}").html
    assert "On alert, show the service as" in page and "Partial outage" not in page  # a Statuspage word
    guid = linked["integration"]
    form = _level_form(linked) | {
        f"Link.{guid}.ServiceStatus": "degraded-performance",
        f"Link.{guid}.ResolveAfterMinutes": "15",
    }
    assert "Saved." in browser.submit(_save_url(linked), form).html
    [link] = api("GET", level)[1]["StatusHubServiceList"]
    assert (link["ServiceStatus"], link["ResolveAfterMinutes"]) == ("degraded-performance", 15)

    form |= {f"Link.{guid}.ServiceStatus": "down", f"Link.{guid}.ResolveAfterMinutes": ""}
    assert "Saved." in browser.submit(_save_url(linked), form).html
    [link] = api("GET", level)[1]["StatusHubServiceList"]
    assert "ServiceStatus" not in link and "ResolveAfterMinutes" not in link  # down, never: the defaults
