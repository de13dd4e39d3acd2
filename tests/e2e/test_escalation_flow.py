"""End to end on the local stack: a level-2 duration alert fired by the sweep, its reminders, and the Ok.

Level 2's Alert, two Reminders and Ok arrive in order at a custom webhook (the simulator's capture
endpoint); StatusHub services on both levels get only the Alert and the Ok; the alert history and the
decision records tell the same story.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from local.client import StackClient, check, wait_until


def states_received(client: StackClient, service_id: str) -> list[str]:
    requests = client.statushub("GET", "/api/requests")
    return [r["json"]["state"] for r in requests if r["service_id"] == service_id]


def history(client: StackClient, monitor: str) -> list[dict[str, Any]]:
    page = client.api("GET", f"/Alert/Monitor/{monitor}", IncludeReminders="true", Sorting="Ascending")
    return [alert["Attributes"] for alert in page["Data"]]


def test_level_two_by_duration_two_reminders_and_the_ok_in_order(client: StackClient) -> None:
    level_one = client.new_service("Checkout (level 1)")
    level_two = client.new_service("Checkout (level 2)")
    setup = client.statushub_setup("Checkout escalation", level_one["hook_url"])
    monitor, definition, integration = setup["monitor"], setup["definition"], setup["integration"]
    service_two = client.api(
        "POST", f"/Integration/{integration}/Service", {"Name": "Level 2", "Url": level_two["hook_url"]}
    )
    client.api(
        "PATCH",
        f"/AlertDefinition/{definition}/EscalationLevel/2",
        {
            "IsActive": True,
            "EscalationMode": "AlertOnErrorDuration",
            "ThresholdMinutes": 5,
            "NumberOfReminders": 2,
            "ReminderDelay": 1,
            "Message": "Still down after 5 minutes: call the on-call engineer",
        },
    )
    client.api(
        "POST",
        f"/AlertDefinition/{definition}/EscalationLevel/2/Integration",
        {
            "IntegrationGuid": integration,
            "SendReminderAlerts": True,
            "StatusHubServiceList": [
                {"MonitorGuid": monitor, "IntegrationServiceGuid": service_two["IntegrationServiceGuid"]}
            ],
        },
    )
    on_call = client.new_receiver()
    webhook = client.api(
        "POST",
        "/Integration",
        {
            "Name": "On-call hook",
            "Type": "Webhook",
            "Steps": [
                {
                    "Url": on_call["url"],
                    "Body": '{"type": "{{@alert.type}}", "incident": "{{@incident.key}}", '
                    '"level": {{@escalationLevel.id}}, "message": "{{@escalationLevel.message}}"}',
                }
            ],
        },
    )
    client.api(
        "POST",
        f"/AlertDefinition/{definition}/EscalationLevel/2/Integration",
        {"IntegrationGuid": webhook["IntegrationGuid"], "SendReminderAlerts": True},
    )
    # One confirmed error, 30 minutes ago and never followed by another check: only the sweep can see
    # that level 2's 5 minutes have passed, and that its reminders (every minute since) are due.
    started = datetime.now(UTC) - timedelta(minutes=30)
    client.publish_checks(check(monitor, 1, "Confirmed", started))
    wait_until(lambda: states_received(client, level_two["id"]) == ["investigating"], timeout=60)
    reminders = wait_until(
        lambda: [a for a in history(client, monitor) if a["AlertType"] == "Reminder"][1:], timeout=60
    )
    assert reminders

    client.publish_checks(check(monitor, 2, "NoError", datetime.now(UTC)))
    wait_until(
        lambda: states_received(client, level_two["id"]) == ["investigating", "monitoring"], timeout=60
    )
    wait_until(
        lambda: states_received(client, level_one["id"]) == ["investigating", "monitoring"], timeout=60
    )
    assert client.service(level_two["id"])["status"] == "up"

    received = wait_until(lambda: r if len(r := client.received(on_call["id"])) >= 4 else None, timeout=60)
    bodies = [request["json"] for request in received]
    assert [body["type"] for body in bodies] == ["Alert", "Reminder", "Reminder", "Ok"]
    assert {body["incident"] for body in bodies} == {f"{definition}-2-1"}
    assert {body["level"] for body in bodies} == {2}
    assert bodies[0]["message"] == "Still down after 5 minutes: call the on-call engineer"

    alerts = history(client, monitor)
    assert [(a["AlertType"], a["EscalationLevelId"]) for a in alerts[:4]] == [
        ("Error", 1),
        ("Error", 2),
        ("Reminder", 2),
        ("Reminder", 2),
    ]
    assert sorted((a["AlertType"], a["EscalationLevelId"]) for a in alerts[4:]) == [("Ok", 1), ("Ok", 2)]
    assert len({a["IncidentKey"] for a in alerts if a["EscalationLevelId"] == 2}) == 1
    without_reminders = client.api("GET", f"/Alert/Monitor/{monitor}")["Data"]
    assert [a["Attributes"]["AlertType"] for a in without_reminders].count("Reminder") == 0

    decisions = [d["Attributes"] for d in client.api("GET", f"/Monitor/{monitor}/Decision")["Data"]]
    swept = [
        level
        for decision in decisions
        if decision["Trigger"] == "Sweep"
        for level in decision["Levels"]
        if level["EscalationLevelId"] == 2 and level["Outcome"] in ("Fired", "Reminded")
    ]
    assert [level["Outcome"] for level in reversed(swept)] == ["Fired", "Reminded", "Reminded"]
    assert swept[0]["NotDeliveredTo"] == ["Status page: StatusHub never receives reminders"]
