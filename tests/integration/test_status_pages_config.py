"""Saving status-page integrations (DESIGN 6b): the link options each page takes, and API keys that stay
with the host they were entered for."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api_gateway import ApiCall

HUB_URL = "https://acme.app.statushub.io/api/v3"
PAGE_URL = "https://api.statuspage.io/v1"


def created(api: ApiCall, path: str, body: dict[str, Any]) -> dict[str, Any]:
    status, answer = api("POST", path, body)
    assert status == 201, answer
    result: dict[str, Any] = answer
    return result


def page_setup(api: ApiCall, integration: dict[str, Any]) -> dict[str, str]:
    """A monitor, a status-page integration with one service, and a definition to link them on."""
    monitor = created(api, "/Monitor", {"Name": "Checkout", "Url": "https://shop.example.com"})
    guid = created(api, "/Integration", {"Name": "Page", **integration})["IntegrationGuid"]
    service = created(api, f"/Integration/{guid}/Service", {"Name": "Checkout", "ExternalId": "42"})
    definition = created(api, "/AlertDefinition", {"AlertName": "Checkout"})["AlertDefinitionGuid"]
    return {
        "monitor": monitor["MonitorGuid"],
        "integration": guid,
        "service": service["IntegrationServiceGuid"],
        "definition": definition,
    }


def link_level(api: ApiCall, ids: dict[str, str], service_status: str) -> tuple[int, Any]:
    link = {
        "MonitorGuid": ids["monitor"],
        "IntegrationServiceGuid": ids["service"],
        "ServiceStatus": service_status,
    }
    return api(
        "POST",
        f"/AlertDefinition/{ids['definition']}/EscalationLevel/1/Integration",
        {"IntegrationGuid": ids["integration"], "StatusHubServiceList": [link]},
    )


STATUSPAGE = {"Type": "Statuspage", "Variables": {"ApiUrl": PAGE_URL, "PageId": "p1", "ApiKey": "page-key-1"}}
STATUSHUB_API = {
    "Type": "StatushubApi",
    "Variables": {"HubUrl": HUB_URL, "Hub": "acme", "ApiKey": "hub-key-0001"},
}


def test_a_statuspage_link_takes_partial_outage(api: ApiCall) -> None:
    ids = page_setup(api, STATUSPAGE)
    status, answer = link_level(api, ids, "partial-outage")
    assert status in (200, 201), answer
    status, level = api("GET", f"/AlertDefinition/{ids['definition']}/EscalationLevel/1/Integration")
    assert status == 200
    assert level[0]["StatusHubServiceList"][0]["ServiceStatus"] == "partial-outage"


def test_a_statushub_link_refuses_partial_outage_naming_the_field(api: ApiCall) -> None:
    ids = page_setup(api, STATUSHUB_API)
    status, answer = link_level(api, ids, "partial-outage")
    assert status == 400
    assert "StatusHubServiceList[0].ServiceStatus" in str(answer)
    assert "degraded-performance" in str(answer)


@pytest.mark.parametrize(("integration", "url_name"), [(STATUSHUB_API, "HubUrl"), (STATUSPAGE, "ApiUrl")])
def test_a_key_read_back_masked_is_not_kept_for_another_host(
    api: ApiCall, integration: dict[str, Any], url_name: str
) -> None:
    guid = created(api, "/Integration", {"Name": "Page", **integration})["IntegrationGuid"]
    shown = api("GET", f"/Integration/{guid}")[1]["Variables"]
    assert shown["ApiKey"] == "****"
    moved = {**shown, url_name: "https://collector.attacker.example/api"}

    status, answer = api("PATCH", f"/Integration/{guid}", {"Variables": moved})

    assert status == 400
    assert "Variables.ApiKey" in str(answer) and "entered again" in str(answer)
    status, answer = api("PATCH", f"/Integration/{guid}", {"Variables": {**moved, "ApiKey": "new-key-0002"}})
    assert status in (200, 204), answer


@pytest.mark.parametrize(("integration", "url_name"), [(STATUSHUB_API, "HubUrl"), (STATUSPAGE, "ApiUrl")])
def test_a_key_read_back_masked_is_kept_on_the_same_host(
    api: ApiCall, integration: dict[str, Any], url_name: str
) -> None:
    guid = created(api, "/Integration", {"Name": "Page", **integration})["IntegrationGuid"]
    shown = api("GET", f"/Integration/{guid}")[1]["Variables"]
    same_host = {**shown, url_name: shown[url_name].rstrip("/") + "/"}

    status, answer = api("PATCH", f"/Integration/{guid}", {"Variables": same_host})

    assert status in (200, 204), answer
    after = api("GET", f"/Integration/{guid}")[1]["Variables"]
    assert after["ApiKey"] == "****"
