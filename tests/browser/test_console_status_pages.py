"""A Statuspage integration set up in the console: its component by id, and each link option (DESIGN
6b) chosen by its label, then read back through the API."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from local.client import StackClient

PUBLISH_MAINTENANCE = "Show the linked monitors' maintenance periods on the status page"


def _route(page: Page) -> Locator:
    """Level 1's section for the Docs page integration (other tests' integrations are listed too)."""
    docs_page = page.get_by_role("checkbox", name="Docs page", exact=True)
    return page.locator("#level-1").locator(".route").filter(has=docs_page)


@pytest.mark.timeout(300)
def test_a_statuspage_link_s_options_are_set_in_the_console(page: Page, client: StackClient) -> None:
    status_page = client.statushub("POST", "/api/pages", {"name": "Console docs"})
    component = client.statushub("POST", f"/api/pages/{status_page['id']}/components", {"name": "Search"})
    variables = {"ApiUrl": status_page["api_url"], "PageId": status_page["id"]}
    variables["ApiKey"] = status_page["api_key"]
    integration: dict[str, Any] = client.api(
        "POST", "/Integration", {"Name": "Docs page", "Type": "Statuspage", "Variables": variables}
    )
    guid = integration["IntegrationGuid"]
    monitor = client.api("POST", "/Monitor", {"Name": "Docs search", "Url": "https://docs.example.com"})
    definition = client.api("POST", "/AlertDefinition", {"AlertName": "Docs search"})
    definition_guid = definition["AlertDefinitionGuid"]
    client.api("POST", f"/AlertDefinition/{definition_guid}/Member/Monitor/{monitor['MonitorGuid']}")

    # The integration's component, named by the id Statuspage shows for it.
    page.goto(f"{client.info.console_url}/integrations/{guid}")
    page.get_by_role("button", name="Add service").click()
    page.get_by_label("Service name", exact=True).fill("Search")
    page.get_by_label("Component id", exact=True).fill(component["id"])
    page.get_by_role("button", name="Save", exact=True).last.click()
    expect(page.get_by_role("cell", name=component["id"], exact=True)).to_be_visible()

    # Level 1: through the page, the monitor to the component, with every option chosen by its label.
    page.goto(f"{client.info.console_url}/alert-definitions/{definition_guid}")
    route = _route(page)
    route.get_by_role("checkbox", name="Docs page", exact=True).check()
    route.get_by_role("button", name="Add service link").click()
    level = _route(page)
    level.get_by_label("Monitor", exact=True).last.select_option(label="Docs search")
    level.get_by_label("Service", exact=True).last.select_option(label="Search")
    level.get_by_label("On alert, show the service as").last.select_option(label="Partial outage")
    level.get_by_label("Resolve after (minutes without errors)").last.fill("5")
    level.get_by_label("Subscribers").last.select_option(label="Update silently")
    level.get_by_label(PUBLISH_MAINTENANCE).check()
    page.locator("#level-1").get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Saved.")

    attached = client.api("GET", f"/AlertDefinition/{definition_guid}/EscalationLevel/1/Integration/{guid}")
    assert attached["PublishMaintenance"] is True
    [link] = attached["StatusHubServiceList"]
    assert (link["MonitorGuid"], link["ServiceStatus"]) == (monitor["MonitorGuid"], "partial-outage")
    assert (link["ResolveAfterMinutes"], link["Silent"]) == (5, True)
    # Shown again as saved.
    level = _route(page)
    expect(level.get_by_label("Subscribers").last).to_have_value("silent")
    expect(level.get_by_label(PUBLISH_MAINTENANCE)).to_be_checked()
