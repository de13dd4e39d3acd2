"""A test send to a status page changes what the public sees: the answer says so, and ThenOk undoes it."""

from __future__ import annotations

from local.client import StackClient


def test_a_status_page_test_send_warns_and_then_ok_sets_the_service_back(client: StackClient) -> None:
    service = client.new_service("Test send page")
    setup = client.statushub_setup("Test send monitor", service["hook_url"])
    test_path = f"/Integration/{setup['integration']}/Test"

    alerted = client.api("POST", test_path, {"AlertType": "Error"})
    assert alerted["Outcome"] == "delivered"
    assert "public status page" in alerted["Warning"] and '"ThenOk": true' in alerted["Warning"]
    assert client.service(service["id"])["status"] == "down"

    undone = client.api("POST", test_path, {"AlertType": "Error", "ThenOk": True})
    assert undone["Outcome"] == "delivered" and len(undone["Steps"]) == 2
    assert "set it back" in undone["Warning"]
    shown = client.service(service["id"])
    assert shown["status"] == "up" and shown["incidents"][-1]["state"] == "monitoring"


def test_a_test_send_to_a_plain_webhook_carries_no_warning(client: StackClient) -> None:
    receiver = client.new_receiver()
    hook = client.api(
        "POST", "/Integration", {"Name": "Plain hook", "Type": "Webhook", "Steps": [{"Url": receiver["url"]}]}
    )
    answer = client.api("POST", f"/Integration/{hook['IntegrationGuid']}/Test", {"AlertType": "Error"})
    assert answer["Outcome"] == "delivered" and not answer.get("Warning")
