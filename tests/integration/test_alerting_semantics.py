"""Issue 4 on moto: groups, maintenance, the sweep (reminders, duration thresholds), history and decisions."""

from __future__ import annotations

import copy
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.client import BaseClient
from pydantic import ValidationError

from alerting import composition
from alerting.intake import IntakeDependencies, process_check
from alerting.models.check import CheckResult
from alerting.storage import keys
from tests.conftest import LambdaContext, Stack, load_event
from tests.integration.conftest import ApiCall, create_statushub_setup, evaluate

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def check(level: str, minute: float, check_id: int | None = None) -> dict[str, Any]:
    name = {"C": "confirmed_error", "U": "unconfirmed_error", "OK": "no_error"}[level]
    event = copy.deepcopy(load_event(f"alert_evaluator/{name}.json"))
    at = T0 + timedelta(minutes=minute)
    event["detail"].update(Id=check_id or int(minute * 60) + 1, Timestamp=at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return event


def clock_at(minute: float) -> None:
    deps, _ = composition.evaluator_root()
    deps.clock = lambda: T0 + timedelta(minutes=minute)


def sweep_at(minute: float, context: LambdaContext) -> dict[str, Any]:
    clock_at(minute)
    return evaluate(load_event("alert_evaluator/sweep.json"), context)


def evaluate_at(level: str, minute: float, context: LambdaContext) -> dict[str, Any]:
    """A check result arriving at its own timestamp."""
    clock_at(minute)
    return evaluate(check(level, minute), context)


def queued(stack: Stack) -> list[tuple[str, int, int]]:
    jobs = [json.loads(m["Body"])["Alert"] for m in stack.messages("DELIVERY_QUEUE_URL")]
    return [(j["AlertType"], j["EscalationLevelId"], j["ReminderNumber"]) for j in jobs]


def monitor_item(stack: Stack, monitor: str) -> dict[str, Any]:
    return dict(stack.table.get_item(Key={"PK": f"MONITOR#{monitor}", "SK": "MONITOR"})["Item"])


def setup_levels(api: ApiCall, ids: dict[str, Any], **level2: Any) -> None:
    definition = ids["definition"]
    api("PATCH", f"/AlertDefinition/{definition}/EscalationLevel/2", {"IsActive": True, **level2})
    api(
        "POST",
        f"/AlertDefinition/{definition}/EscalationLevel/2/Integration",
        {"IntegrationGuid": ids["webhook"], "SendReminderAlerts": True},
    )


@pytest.fixture
def two_levels(api: ApiCall, linked: dict[str, Any]) -> dict[str, Any]:
    """Level 1 on the first error to StatusHub; level 2 after more than 5 minutes, 2 reminders every 3."""
    _, webhook = api(
        "POST",
        "/Integration",
        {
            "Name": "On-call hook",
            "Type": "Webhook",
            "Steps": [{"Url": "https://oncall.example/hook", "Body": '{"type": "{{@alert.type}}"}'}],
        },
    )
    ids = {**linked, "webhook": webhook["IntegrationGuid"]}
    setup_levels(
        api,
        ids,
        EscalationMode="AlertOnErrorDuration",
        ThresholdMinutes=5,
        NumberOfReminders=2,
        ReminderDelay=3,
        Message="Level 2: call the on-call engineer",
    )
    return ids


def test_each_sweep_shard_fires_only_the_due_monitors_in_its_shard(
    stack: Stack, api: ApiCall, two_levels: dict[str, Any], lambda_context: LambdaContext
) -> None:
    evaluate(check("C", 0), lambda_context)
    clock_at(5.5)
    own = uuid.UUID(two_levels["monitor"]).int % keys.DUE_SHARDS
    swept = [
        evaluate({**load_event("alert_evaluator/sweep.json"), "detail": {"Shard": shard}}, lambda_context)
        for shard in range(keys.DUE_SHARDS)
    ]
    assert [result["due"] for result in swept] == [int(shard == own) for shard in range(keys.DUE_SHARDS)]
    assert swept[own]["alerts"] == 1
    assert queued(stack) == [("Error", 1, 0), ("Error", 2, 0)]


def test_a_sweep_shard_outside_the_due_index_is_refused(lambda_context: LambdaContext, stack: Stack) -> None:
    beyond = {**load_event("alert_evaluator/sweep.json"), "detail": {"Shard": keys.DUE_SHARDS}}
    # The failed invoke publishes no metrics; Powertools warns about that.
    with pytest.raises(ValidationError, match="Shard"), pytest.warns(UserWarning, match="metrics"):
        evaluate(beyond, lambda_context)


def test_sweep_fires_the_duration_level_and_its_reminders_then_the_ok_closes_both(
    stack: Stack, api: ApiCall, two_levels: dict[str, Any], lambda_context: LambdaContext
) -> None:
    monitor = two_levels["monitor"]
    evaluate(check("C", 0), lambda_context)
    assert monitor_item(stack, monitor)["DueAt"] == "2026-11-22T10:05:01.000000Z"
    assert sweep_at(4, lambda_context)["due"] == 0
    assert sweep_at(5.5, lambda_context) == {"verdict": "swept", "due": 1, "alerts": 1, "deliveries": 1}
    sweep_at(8.5, lambda_context)
    sweep_at(9, lambda_context)  # nothing due: the second reminder is at 11.5
    sweep_at(11.5, lambda_context)
    sweep_at(20, lambda_context)  # all reminders sent
    assert "DueAt" not in monitor_item(stack, monitor)
    evaluate(check("OK", 21), lambda_context)
    assert queued(stack) == [
        ("Error", 1, 0),
        ("Error", 2, 0),
        ("Reminder", 2, 1),
        ("Reminder", 2, 2),
        ("Ok", 1, 0),
        ("Ok", 2, 0),
    ]
    item = monitor_item(stack, monitor)
    assert "State" not in item and "DueAt" not in item

    status, history = api("GET", f"/Alert/Monitor/{monitor}")
    assert status == 200
    assert [a["Attributes"]["AlertType"] for a in history["Data"]] == ["Ok", "Ok", "Error", "Error"]
    _, everything = api(
        "GET", f"/Alert/Monitor/{monitor}", query={"IncludeReminders": "true", "Sorting": "Ascending"}
    )
    rows = [(a["Attributes"]["AlertType"], a["Attributes"]["EscalationLevelId"]) for a in everything["Data"]]
    assert rows[:4] == [("Error", 1), ("Error", 2), ("Reminder", 2), ("Reminder", 2)]
    assert sorted(rows[4:]) == [("Ok", 1), ("Ok", 2)]  # same timestamp
    first = everything["Data"][0]
    assert first["Type"] == "Alert"
    assert set(first["Attributes"]) == {
        "AlertType", "MonitorGuid", "Timestamp", "FirstError", "MonitorCheckId", "FirstErrorMonitorCheckId",
        "ErrorDescription", "IncidentKey", "AlertDefinitionGuid", "EscalationLevelId",
    }  # fmt: skip
    assert (
        len(
            {
                a["Attributes"]["IncidentKey"]
                for a in everything["Data"]
                if a["Attributes"]["EscalationLevelId"] == 2
            }
        )
        == 1
    )


def test_alert_history_pages_by_cursor_and_filters_by_time(
    stack: Stack, api: ApiCall, two_levels: dict[str, Any], lambda_context: LambdaContext
) -> None:
    monitor = two_levels["monitor"]
    evaluate(check("C", 0), lambda_context)
    sweep_at(5.5, lambda_context)
    sweep_at(8.5, lambda_context)
    sweep_at(11.5, lambda_context)
    evaluate(check("OK", 12), lambda_context)
    pages: list[list[str]] = []
    cursor = None
    while True:
        query = {"Take": "1", "IncludeReminders": "false", **({"Cursor": cursor} if cursor else {})}
        _, page = api("GET", f"/Alert/Monitor/{monitor}", query=query)
        pages.append([a["Attributes"]["AlertType"] for a in page["Data"]])
        cursor = page["Cursors"].get("Next")  # absent on the last page, as in Uptrends
        if not cursor:
            break
    assert pages == [["Ok"], ["Ok"], ["Error"], ["Error"]]
    _, window = api(
        "GET",
        f"/Alert/Monitor/{monitor}",
        query={"Start": "2026-11-22T10:05:00Z", "End": "2026-11-22T10:11:00Z", "IncludeReminders": "true"},
    )
    assert [a["Attributes"]["AlertType"] for a in window["Data"]] == ["Reminder", "Error"]
    assert api("GET", f"/Alert/Monitor/{monitor}", query={"Take": "101"})[0] == 400
    assert api("GET", "/Alert/Monitor/00000000-0000-4000-8000-000000000000")[0] == 404


def test_decisions_explain_every_evaluation_newest_first(
    stack: Stack, api: ApiCall, two_levels: dict[str, Any], lambda_context: LambdaContext
) -> None:
    monitor = two_levels["monitor"]
    evaluate_at("U", 0, lambda_context)  # clean monitor: the steady path, no decision
    evaluate_at("C", 1, lambda_context)
    evaluate_at("U", 2, lambda_context)
    sweep_at(6.5, lambda_context)
    evaluate_at("OK", 7, lambda_context)
    status, page = api("GET", f"/Monitor/{monitor}/Decision")
    assert status == 200
    decisions = [d["Attributes"] for d in page["Data"]]
    assert [(d["Trigger"], d["ErrorLevel"]) for d in decisions] == [
        ("Check", "NoError"),
        ("Sweep", None),
        ("Check", "Unconfirmed"),
        ("Check", "Confirmed"),
    ]
    ok, swept, unconfirmed, confirmed = decisions
    assert [(lvl["EscalationLevelId"], lvl["Outcome"]) for lvl in confirmed["Levels"]] == [
        (1, "Fired"),
        (2, "BelowThreshold"),
        (3, "Inactive"),
    ]
    assert confirmed["Levels"][0]["Deliveries"] == 1
    assert confirmed["Levels"][1]["Threshold"] == 5
    assert "Unconfirmed" in unconfirmed["Reason"]
    fired = next(lvl for lvl in swept["Levels"] if lvl["EscalationLevelId"] == 2)
    assert (fired["Outcome"], fired["Counted"], fired["AlertType"]) == ("Fired", 5.5, "Error")
    assert fired["NotDeliveredTo"] == []
    assert sorted(lvl["Outcome"] for lvl in ok["Levels"]) == ["Ok", "Ok"]
    webhook_ok = next(lvl for lvl in ok["Levels"] if lvl["EscalationLevelId"] == 2)
    assert webhook_ok["Deliveries"] == 1
    _, first = api("GET", f"/Monitor/{monitor}/Decision", query={"Take": "1"})
    assert len(first["Data"]) == 1 and first["Cursors"]["Next"]


def test_membership_through_a_group_and_the_isall_group(
    stack: Stack, api: ApiCall, lambda_context: LambdaContext
) -> None:
    ids = create_statushub_setup(api)
    status, groups = api("GET", "/MonitorGroup")
    assert status == 200
    (all_group,) = groups
    assert all_group["IsAll"] is True and set(all_group) == {"MonitorGroupGuid", "Description", "IsAll"}
    status, shop = api("POST", "/MonitorGroup", {"Description": "Web shop"})
    assert status == 201 and shop["IsAll"] is False
    group = shop["MonitorGroupGuid"]
    assert api("POST", f"/MonitorGroup/{group}/Member/{ids['monitor']}")[0] == 201
    assert api("GET", f"/MonitorGroup/{group}/Member")[1] == [{"MonitorGuid": ids["monitor"]}]
    assert api("POST", f"/MonitorGroup/{all_group['MonitorGroupGuid']}/Member/{ids['monitor']}")[0] == 400
    definition = ids["definition"]
    status, member = api("POST", f"/AlertDefinition/{definition}/Member/MonitorGroup/{group}")
    assert (status, member) == (201, {"AlertDefinition": definition, "MonitorGroup": group})
    _, night = api("POST", "/AlertDefinition", {"AlertName": "Everything"})
    api(
        "POST",
        f"/AlertDefinition/{night['AlertDefinitionGuid']}/Member/MonitorGroup/{all_group['MonitorGroupGuid']}",
    )
    assert api("GET", f"/AlertDefinition/{definition}/Member")[1] == [{"MonitorGroupGuid": group}]
    result = evaluate(check("C", 0), lambda_context)
    assert result["alerts"] == 2  # one per definition: through the group, and through IsAll
    _, history = api("GET", f"/Alert/Monitor/{ids['monitor']}")
    assert {a["Attributes"]["AlertDefinitionGuid"] for a in history["Data"]} == {
        definition,
        night["AlertDefinitionGuid"],
    }
    assert api("DELETE", f"/AlertDefinition/{definition}/Member/MonitorGroup/{group}")[0] == 204
    assert api("GET", f"/AlertDefinition/{definition}/Member")[1] == []
    assert api("DELETE", f"/AlertDefinition/{night['AlertDefinitionGuid']}")[0] == 204
    assert (
        "DefinitionGuids"
        not in stack.table.get_item(Key={"PK": f"GROUP#{all_group['MonitorGroupGuid']}", "SK": "GROUP"})[
            "Item"
        ]
    )
    assert api("DELETE", f"/MonitorGroup/{group}/Member/{ids['monitor']}")[0] == 204
    assert api("GET", f"/MonitorGroup/{group}/Member")[1] == []


def test_stopped_group_alerts_are_recorded_with_the_reason_and_not_sent(
    stack: Stack, api: ApiCall, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    _, groups = api("GET", "/MonitorGroup")
    all_group = groups[0]["MonitorGroupGuid"]
    assert api("POST", f"/MonitorGroup/{all_group}/StopAllMonitorAlerts")[0] == 204
    assert evaluate(check("C", 0), lambda_context)["alerts"] == 1
    assert stack.messages("DELIVERY_QUEUE_URL") == []
    _, page = api("GET", f"/Monitor/{linked['monitor']}/Decision")
    (level1, *_) = page["Data"][0]["Attributes"]["Levels"]
    assert (level1["Outcome"], level1["Reason"]) == (
        "Suppressed",
        "alerts are stopped on monitor group All monitors",
    )


def test_maintenance_periods_crud_and_suppression(
    stack: Stack, api: ApiCall, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    monitor = linked["monitor"]
    window = {
        "ScheduleMode": "OneTime",
        "StartDateTime": "2026-11-22T09:00:00",
        "EndDateTime": "2026-11-22T11:00:00",
    }
    status, created = api("POST", f"/Monitor/{monitor}/MaintenancePeriod", window)
    assert status == 201 and created["Id"] == 1 and created["MaintenanceType"] == "DisableNotifications"
    assert api("POST", f"/Monitor/{monitor}/MaintenancePeriod", {"ScheduleMode": "Weekly"})[0] == 400
    evaluate(check("C", 0), lambda_context)
    assert stack.messages("DELIVERY_QUEUE_URL") == []
    _, page = api("GET", f"/Monitor/{monitor}/Decision")
    assert page["Data"][0]["Attributes"]["Levels"][0]["Reason"] == (
        "maintenance period 1 (OneTime, DisableNotifications) is active"
    )
    changed = {**window, "MaintenanceType": "DisableMonitoring"}
    assert api("PUT", f"/Monitor/{monitor}/MaintenancePeriod/1", changed)[0] == 204
    assert api("GET", f"/Monitor/{monitor}/MaintenancePeriod")[1][0]["MaintenanceType"] == "DisableMonitoring"
    assert api("PUT", f"/Monitor/{monitor}/MaintenancePeriod/9", changed)[0] == 404
    assert api("DELETE", f"/Monitor/{monitor}/MaintenancePeriod/1")[0] == 204
    assert api("GET", f"/Monitor/{monitor}/MaintenancePeriod")[1] == []


def test_disable_monitoring_ignores_the_check(
    stack: Stack, api: ApiCall, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    api(
        "POST",
        f"/Monitor/{linked['monitor']}/MaintenancePeriod",
        {
            "ScheduleMode": "Daily",
            "StartTime": "09:00",
            "EndTime": "11:00",
            "MaintenanceType": "DisableMonitoring",
        },
    )
    assert evaluate(check("C", 0), lambda_context) == {"verdict": "ignored", "alerts": 0, "deliveries": 0}


@pytest.fixture
def atomic_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each DynamoDB request is atomic, as in DynamoDB (moto's in-process backend is not thread-safe);
    the threads still interleave between requests, which is where an evaluator's races would be."""
    one_at_a_time = threading.Lock()
    original = BaseClient._make_api_call

    def atomic(client: BaseClient, operation_name: str, api_params: Any) -> Any:
        if client.meta.service_model.service_name != "dynamodb":
            return original(client, operation_name, api_params)
        with one_at_a_time:
            return original(client, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", atomic)


def test_concurrent_evaluations_raise_one_alert_per_incident_and_keep_the_ok(
    stack: Stack, linked: dict[str, Any], lambda_context: LambdaContext, atomic_requests: None
) -> None:
    # Separate invocations share nothing but the table: each thread gets its own composition root.
    # (intake directly: Powertools' metrics flush is per process, not per thread.)
    def run_concurrently(details: list[dict[str, Any]]) -> None:
        failures: list[BaseException] = []
        roots = []
        for _ in details:
            composition.evaluator_root.cache_clear()
            roots.append(composition.evaluator_root()[0])

        def run(detail: dict[str, Any], deps: IntakeDependencies) -> None:
            try:
                process_check(CheckResult.model_validate(detail), deps)
            except BaseException as error:
                failures.append(error)

        threads = [threading.Thread(target=run, args=pair) for pair in zip(details, roots, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []

    def alert_types() -> list[str]:
        items = stack.table.query(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :a)",
            ExpressionAttributeValues={":pk": f"MONITOR#{linked['monitor']}", ":a": "ALERT#"},
        )["Items"]
        return sorted(str(item["AlertType"]) for item in items)

    errors = [check("C", minute)["detail"] for minute in (0, 0.5, 1, 1.5, 2, 2.5)]
    run_concurrently(errors * 3)  # in any order, each one three times
    assert alert_types() == ["Error"]
    recovery = check("OK", 3)["detail"]
    run_concurrently([recovery, *errors, recovery, recovery])
    assert alert_types() == ["Error", "Ok"]
    assert "State" not in monitor_item(stack, linked["monitor"])


def test_a_monitor_swept_before_its_first_check_still_saves_later_sweeps_and_checks(
    stack: Stack, api: ApiCall, linked: dict[str, Any], lambda_context: LambdaContext
) -> None:
    monitor = linked["monitor"]
    window = {
        "ScheduleMode": "OneTime",
        "StartDateTime": "2026-11-22T09:00:00",
        "EndDateTime": "2026-11-22T09:30:00",
    }
    api("POST", f"/Monitor/{monitor}/MaintenancePeriod", window)
    assert sweep_at(0, lambda_context)["due"] == 1  # a tick with no check yet: nothing seen, nothing to say
    assert "Watermark" not in monitor_item(stack, monitor)
    # As the previous version stored that tick (Watermark NULL): still read as "no check seen yet".
    stack.table.update_item(
        Key={"PK": f"MONITOR#{monitor}", "SK": "MONITOR"},
        UpdateExpression="SET Watermark = :null",
        ExpressionAttributeValues={":null": None},
    )
    # An edit makes the monitor due again: its next tick must save, not fail as a concurrent change forever.
    assert api("PUT", f"/Monitor/{monitor}/MaintenancePeriod/1", {**window, "Description": "moved"})[0] == 204
    assert sweep_at(1, lambda_context)["due"] == 1
    assert "DueAt" not in monitor_item(stack, monitor)
    assert evaluate_at("C", 2, lambda_context)["alerts"] == 1
