"""The seed's StatusHub set-up done through the console as a new user would, then the alert read back.

Every control is found by the accessible name DESIGN §11 gives it, so a renamed button fails here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from local.client import StackClient, check, wait_until

CHECK_IDS = count(70833627687)
PHONE = {"width": 390, "height": 844}


def _nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Console").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def _shot(page: Page, folder: Path | None, name: str) -> None:
    if folder is not None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _level(page: Page, level_id: int) -> Locator:
    return page.locator(f"#level-{level_id}")


def _add_monitor(page: Page, name: str, url: str) -> str:
    _nav(page, "Monitors")
    page.get_by_role("button", name="Add monitor").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Url", exact=True).fill(url)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    return re.sub(r"\?.*$", "", page.url).rsplit("/", 1)[-1]


def _publish(client: StackClient, monitor_guid: str, levels: list[str], start: datetime) -> datetime:
    """Checks a minute apart, published a second apart (evaluations of checks sent together interleave)."""
    checks = []
    for level in levels:
        start += timedelta(minutes=1)
        checks.append(check(monitor_guid, next(CHECK_IDS), level, at=start))
    client.publish_checks(*checks, spacing=1.0)
    return start


@pytest.mark.timeout(300)
def test_the_seed_statushub_setup_through_the_console(
    page: Page, client: StackClient, screenshots: Path | None
) -> None:
    # In StatusHub: the status page owner creates the service and copies its hook URL.
    service: dict[str, Any] = client.new_service("Checkout")
    token = service["hook_url"].split("token=")[1]
    page.goto(client.info.console_url)

    monitor_guid = _add_monitor(page, "Shop checkout", "https://shop.example.com/checkout")
    _shot(page, screenshots, "monitor")
    _nav(page, "Monitors")
    _shot(page, screenshots, "monitors")

    # Monitor groups: the monitor in a group, which an alert definition can name as one member.
    page.get_by_role("link", name="Monitor groups").click()
    page.get_by_role("button", name="Add monitor group").click()
    page.get_by_label("Name", exact=True).fill("Web shops")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_label("Monitor", exact=True).select_option(label="Shop checkout")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("list").filter(has_text="Monitor Shop checkout")).to_be_visible()
    _shot(page, screenshots, "monitor-group")
    page.get_by_role("link", name="Monitor groups").click()
    expect(page.get_by_role("cell", name="Web shops")).to_be_visible()
    _shot(page, screenshots, "monitor-groups")

    # Alerting > Integrations > Add integration, type StatusHub, Save.
    _nav(page, "Integrations")
    page.get_by_role("button", name="Add integration").click()
    page.get_by_label("Name", exact=True).fill("StatusHub")
    page.get_by_label("Type", exact=True).select_option(label="StatusHub")
    _shot(page, screenshots, "integration-add")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Created.")

    # Open it: Add service with the service name and its hook URL, Save.
    page.get_by_role("button", name="Add service").click()
    page.get_by_label("Service name", exact=True).fill("Checkout")
    page.get_by_label("Service URL", exact=True).fill(service["hook_url"])
    page.get_by_role("button", name="Save", exact=True).last.click()
    expect(page.get_by_role("cell", name="Checkout", exact=True)).to_be_visible()
    assert token not in page.content(), "the hook URL's token is a secret: never rendered"
    # Test: a sample message now, with the whole exchange shown (and the token still masked).
    page.get_by_label("Alert type", exact=True).select_option("Ok")
    page.get_by_role("button", name="Test", exact=True).click()
    expect(page.get_by_text("Outcome delivered")).to_be_visible()
    expect(page.get_by_role("heading", level=3)).to_contain_text("→ 200")
    assert token not in page.content()
    _shot(page, screenshots, "integration")
    _nav(page, "Integrations")
    expect(page.get_by_role("cell", name="StatusHub", exact=True).first).to_be_visible()
    _shot(page, screenshots, "integrations")

    # An alert definition with the monitor as member; level 1 after 2 errors, through StatusHub.
    _nav(page, "Alert definitions")
    page.get_by_role("button", name="Add alert definition").click()
    page.get_by_label("Name", exact=True).fill("Checkout is down")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_label("Member monitor").select_option(label="Shop checkout")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("list").filter(has_text="Monitor Shop checkout")).to_be_visible()
    level = _level(page, 1)
    level.get_by_label("Alert after (confirmed errors)").fill("2")
    routing = level.get_by_role("group", name="Send alerts through integrations")
    routing.get_by_role("checkbox", name="StatusHub", exact=True).check()
    routing.get_by_role("button", name="Add service link").click()
    level = _level(page, 1)
    level.get_by_label("Monitor", exact=True).last.select_option(label="Shop checkout")
    level.get_by_label("Service", exact=True).last.select_option(label="Checkout")
    level.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    level = _level(page, 1)
    expect(level.get_by_role("checkbox", name="StatusHub", exact=True)).to_be_checked()
    expect(level.get_by_label("Monitor", exact=True).first).to_have_value(monitor_guid)
    _shot(page, screenshots, "alert-definition")
    _nav(page, "Alert definitions")
    _shot(page, screenshots, "alert-definitions")

    # Checks arrive: the service goes down after two confirmed errors, and back on the first NoError.
    clock = _publish(client, monitor_guid, ["NoError", "Confirmed", "Confirmed"], datetime.now(UTC))
    wait_until(lambda: client.service(service["id"])["status"] == "down")
    _publish(client, monitor_guid, ["NoError"], clock)
    wait_until(lambda: client.service(service["id"])["status"] == "up")

    # The alert, why it was sent, and its delivery to StatusHub, read in the console.
    _nav(page, "Alerts")
    page.get_by_role("link", name="Shop checkout").click()

    def both_delivered() -> bool:
        page.reload()
        return page.get_by_role("cell", name="delivered").count() >= 2

    wait_until(both_delivered)
    alert = page.get_by_role("article", name=re.compile(r"^Error alert"))
    expect(alert).to_contain_text("Fired")
    expect(alert).to_contain_text("threshold 2 confirmed errors")
    expect(alert.get_by_role("cell", name="StatusHub", exact=True)).to_be_visible()
    expect(alert.get_by_role("button", name="Resend")).to_be_visible()
    expect(page.get_by_role("article", name=re.compile(r"^Ok alert"))).to_contain_text("delivered")
    _shot(page, screenshots, "monitor-alerts")
    _nav(page, "Alerts")
    _shot(page, screenshots, "alerts")
    _nav(page, "Dead letters")
    expect(page.get_by_text("No dead letters")).to_be_visible()
    expect(page.get_by_role("button", name="Redrive")).to_be_visible()
    _shot(page, screenshots, "dead-letters")

    # On a phone every page still fits its width: nothing to scroll sideways, the navigation in reach.
    page.set_viewport_size(PHONE)
    for name in ("Alert definitions", "Alerts", "Integrations", "Monitors"):
        _nav(page, name)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    page.get_by_role("link", name="Shop checkout").click()
    _shot(page, screenshots, "phone-monitor")


def test_bad_input_shows_the_apis_message_next_to_its_field(page: Page, client: StackClient) -> None:
    page.goto(client.info.console_url)
    _nav(page, "Integrations")
    page.get_by_role("button", name="Add integration").click()
    page.get_by_label("Type", exact=True).select_option(label="StatusHub")
    page.get_by_role("button", name="Save", exact=True).click()
    name = page.get_by_label("Name", exact=True)
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-Name")).to_contain_text("Name:")

    page.get_by_label("Name", exact=True).fill("Status page")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Add service").click()
    page.get_by_label("Service name", exact=True).fill("Checkout")
    page.get_by_label("Service URL", exact=True).fill("checkout page")
    page.get_by_role("button", name="Save", exact=True).last.click()
    url = page.get_by_label("Service URL", exact=True)
    expect(url).to_have_attribute("aria-invalid", "true")
    expect(url).to_have_value("checkout page")
    expect(page.locator("#error-Url")).to_contain_text("Service URL:")
    assert page.get_by_role("cell", name="Checkout").count() == 0, "a refused service is not saved"


def test_a_form_without_its_csrf_token_is_refused(client: StackClient) -> None:
    response = client.http.post(
        f"{client.info.console_url}/monitors",
        content="Name=Forged&Url=https%3A%2F%2Fevil.example",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": "console_csrf=" + "x" * 43},
    )
    assert response.status_code == 403
    assert "Forged" not in [monitor["Name"] for monitor in client.api("GET", "/Monitor")]
