"""Uptrends' own API document judges our config API, route by route (DESIGN §3, Compatibility).

Every operation we share with Uptrends (same method and path template) gets one valid request, built
from what our API needs, against the local stack; the answer conforms when its status code is one
Uptrends documents for that operation (a refusal does not count) and its body matches Uptrends'
response schema. BASELINE is today's count: raise it as the API is fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from local.client import StackClient, check, wait_until
from tests.e2e import uptrends_document

BASELINE = 48

Scenario = Callable[["Stack"], httpx.Response]
LEVEL = "/AlertDefinition/{}/EscalationLevel/1"


@dataclass
class Stack:
    """Builds what a scenario needs with the API, then sends the measured request."""

    client: StackClient

    def send(self, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
        url = f"{self.client.info.api_url}{path}"
        return self.client.http.request(method, url, json=body, params=params or None)

    def monitor(self, name: str = "Conformance shop") -> str:
        created = self.client.api("POST", "/Monitor", {"Name": name, "Url": "https://shop.example"})
        guid: str = created["MonitorGuid"]
        return guid

    def definition(self) -> str:
        created = self.client.api("POST", "/AlertDefinition", {"AlertName": "Conformance alerts"})
        guid: str = created["AlertDefinitionGuid"]
        return guid

    def group(self) -> str:
        created = self.client.api("POST", "/MonitorGroup", {"Description": "Conformance group"})
        guid: str = created["MonitorGroupGuid"]
        return guid

    def operator(self) -> str:
        created = self.client.api("POST", "/Operator", {"FullName": "Ada Ops", "Email": "ada@ops.example"})
        guid: str = created["OperatorGuid"]
        return guid

    def statushub(self) -> tuple[str, str]:
        """A StatusHub integration with one service on a simulator hook: (integration, service)."""
        hook = self.client.new_service("Conformance")["hook_url"]
        integration = self.client.api("POST", "/Integration", {"Name": "Status page", "Type": "Statushub"})
        guid = integration["IntegrationGuid"]
        service = self.client.api("POST", f"/Integration/{guid}/Service", {"Name": "Shop", "Url": hook})
        return guid, service["IntegrationServiceGuid"]

    def webhook(self) -> str:
        receiver = self.client.new_receiver()
        step = {"Method": "POST", "Url": receiver["url"], "Body": '{"type": "{{@alert.type}}"}'}
        created = self.client.api(
            "POST", "/Integration", {"Name": "Ops hook", "Type": "Webhook", "Steps": [step]}
        )
        guid: str = created["IntegrationGuid"]
        return guid

    def wired(self) -> dict[str, str]:
        """Monitor, definition and a StatusHub integration on level 1 linking the monitor to a service."""
        monitor, definition = self.monitor(), self.definition()
        integration, service = self.statushub()
        self.client.api("POST", f"/AlertDefinition/{definition}/Member/Monitor/{monitor}")
        self.client.api(
            "POST",
            LEVEL.format(definition) + "/Integration",
            self.level_integration(integration, monitor, service),
        )
        return {"monitor": monitor, "definition": definition, "integration": integration, "service": service}

    @staticmethod
    def level_integration(integration: str, monitor: str, service: str) -> dict[str, Any]:
        link = {"MonitorGuid": monitor, "IntegrationServiceGuid": service}
        return {
            "IntegrationGuid": integration,
            "IsActive": True,
            "SendOkAlerts": True,
            "SendReminderAlerts": False,
            "StatusHubServiceList": [link],
        }

    def maintenance(self, monitor: str, body: dict[str, Any]) -> int:
        created = self.client.api("POST", f"/Monitor/{monitor}/MaintenancePeriod", body)
        period: int = created["Id"]
        return period


ONE_TIME = {
    "ScheduleMode": "OneTime",
    "StartDateTime": "2030-01-05T02:00:00",
    "EndDateTime": "2030-01-05T04:00:00",
    "MaintenanceType": "DisableNotifications",
}
WEEKLY = {
    "ScheduleMode": "Weekly",
    "WeekDay": "Sunday",
    "StartTime": "02:00",
    "EndTime": "04:00",
    "MaintenanceType": "DisableNotifications",
}
MONITOR = {"Name": "Conformance shop", "Url": "https://shop.example", "Notes": "", "IsActive": True}


def _alerts(stack: Stack) -> httpx.Response:
    wired = stack.wired()
    stack.client.publish_checks(check(wired["monitor"], 1, "Confirmed"))
    path = f"/Alert/Monitor/{wired['monitor']}"
    wait_until(lambda: stack.send("GET", path).json())
    return stack.send("GET", path)


def _maintenance_list(stack: Stack) -> httpx.Response:
    monitor = stack.monitor()
    stack.maintenance(monitor, ONE_TIME)
    stack.maintenance(monitor, WEEKLY)
    return stack.send("GET", f"/Monitor/{monitor}/MaintenancePeriod")


def _maintenance_put(stack: Stack) -> httpx.Response:
    monitor = stack.monitor()
    period = stack.maintenance(monitor, WEEKLY)
    return stack.send(
        "PUT", f"/Monitor/{monitor}/MaintenancePeriod/{period}", {**WEEKLY, "WeekDay": "Monday"}
    )


def _maintenance_delete(stack: Stack) -> httpx.Response:
    monitor = stack.monitor()
    return stack.send(
        "DELETE", f"/Monitor/{monitor}/MaintenancePeriod/{stack.maintenance(monitor, ONE_TIME)}"
    )


def _group_with_member(stack: Stack) -> tuple[str, str]:
    group, monitor = stack.group(), stack.monitor()
    stack.client.api("POST", f"/MonitorGroup/{group}/Member/{monitor}")
    return group, monitor


def _integrations(stack: Stack) -> httpx.Response:
    stack.statushub()
    stack.webhook()
    return stack.send("GET", "/Integration")


def _definition_members(stack: Stack) -> httpx.Response:
    definition, monitor, group = stack.definition(), stack.monitor(), stack.group()
    stack.client.api("POST", f"/AlertDefinition/{definition}/Member/Monitor/{monitor}")
    stack.client.api("POST", f"/AlertDefinition/{definition}/Member/MonitorGroup/{group}")
    return stack.send("GET", f"/AlertDefinition/{definition}/Member")


def _definition_member_delete(kind: str, make: Callable[[Stack], str]) -> Scenario:
    def scenario(stack: Stack) -> httpx.Response:
        definition, member = stack.definition(), make(stack)
        stack.client.api("POST", f"/AlertDefinition/{definition}/Member/{kind}/{member}")
        return stack.send("DELETE", f"/AlertDefinition/{definition}/Member/{kind}/{member}")

    return scenario


def _level_put(stack: Stack) -> httpx.Response:
    definition = stack.definition()
    level = stack.client.api("GET", LEVEL.format(definition))
    return stack.send(
        "PUT", LEVEL.format(definition), {**level, "ThresholdErrorCount": 2, "Message": "Shop down"}
    )


def _level_integration_post(stack: Stack) -> httpx.Response:
    monitor, definition = stack.monitor(), stack.definition()
    integration, service = stack.statushub()
    stack.client.api("POST", f"/AlertDefinition/{definition}/Member/Monitor/{monitor}")
    body = stack.level_integration(integration, monitor, service)
    return stack.send("POST", LEVEL.format(definition) + "/Integration", body)


def _level_integration(method: str, body: Callable[[dict[str, str]], Any] = lambda wired: None) -> Scenario:
    def scenario(stack: Stack) -> httpx.Response:
        wired = stack.wired()
        path = LEVEL.format(wired["definition"]) + f"/Integration/{wired['integration']}"
        return stack.send(method, path, body(wired))

    return scenario


def _level_integration_put(wired: dict[str, str]) -> dict[str, Any]:
    body = Stack.level_integration(wired["integration"], wired["monitor"], wired["service"])
    return {**body, "SendOkAlerts": False}


def _level_members(stack: Stack) -> httpx.Response:
    definition = stack.definition()
    stack.client.api("POST", LEVEL.format(definition) + f"/Member/Operator/{stack.operator()}")
    return stack.send("GET", LEVEL.format(definition) + "/Member")


def _level_operator_delete(stack: Stack) -> httpx.Response:
    definition, operator = stack.definition(), stack.operator()
    stack.client.api("POST", LEVEL.format(definition) + f"/Member/Operator/{operator}")
    return stack.send("DELETE", LEVEL.format(definition) + f"/Member/Operator/{operator}")


SCENARIOS: dict[tuple[str, str], Scenario] = {
    # Monitors and their maintenance periods
    ("GET", "/Monitor"): lambda s: (s.monitor(), s.send("GET", "/Monitor"))[1],
    ("POST", "/Monitor"): lambda s: s.send("POST", "/Monitor", MONITOR),
    ("GET", "/Monitor/{}"): lambda s: s.send("GET", f"/Monitor/{s.monitor()}"),
    ("PUT", "/Monitor/{}"): lambda s: s.send(
        "PUT", f"/Monitor/{s.monitor()}", {**MONITOR, "Notes": "Replaced"}
    ),
    ("PATCH", "/Monitor/{}"): lambda s: s.send("PATCH", f"/Monitor/{s.monitor()}", {"Notes": "Patched"}),
    ("DELETE", "/Monitor/{}"): lambda s: s.send("DELETE", f"/Monitor/{s.monitor()}"),
    ("GET", "/Monitor/{}/MaintenancePeriod"): _maintenance_list,
    ("POST", "/Monitor/{}/MaintenancePeriod"): lambda s: s.send(
        "POST", f"/Monitor/{s.monitor()}/MaintenancePeriod", WEEKLY
    ),
    ("PUT", "/Monitor/{}/MaintenancePeriod/{}"): _maintenance_put,
    ("DELETE", "/Monitor/{}/MaintenancePeriod/{}"): _maintenance_delete,
    # Monitor groups
    ("GET", "/MonitorGroup"): lambda s: (_group_with_member(s), s.send("GET", "/MonitorGroup"))[1],
    ("POST", "/MonitorGroup"): lambda s: s.send("POST", "/MonitorGroup", {"Description": "Web shops"}),
    ("GET", "/MonitorGroup/{}"): lambda s: s.send("GET", f"/MonitorGroup/{s.group()}"),
    ("GET", "/MonitorGroup/{}/Member"): lambda s: s.send(
        "GET", f"/MonitorGroup/{_group_with_member(s)[0]}/Member"
    ),
    ("POST", "/MonitorGroup/{}/Member/{}"): lambda s: s.send(
        "POST", f"/MonitorGroup/{s.group()}/Member/{s.monitor()}"
    ),
    ("DELETE", "/MonitorGroup/{}/Member/{}"): lambda s: s.send(
        "DELETE", "/MonitorGroup/{}/Member/{}".format(*_group_with_member(s))
    ),
    ("POST", "/MonitorGroup/{}/StopAllMonitorAlerts"): lambda s: s.send(
        "POST", f"/MonitorGroup/{_group_with_member(s)[0]}/StopAllMonitorAlerts"
    ),
    ("POST", "/MonitorGroup/{}/StartAllMonitorAlerts"): lambda s: s.send(
        "POST", f"/MonitorGroup/{_group_with_member(s)[0]}/StartAllMonitorAlerts"
    ),
    # Integrations
    ("GET", "/Integration"): _integrations,
    # Alert definitions and their members
    ("GET", "/AlertDefinition"): lambda s: (s.definition(), s.send("GET", "/AlertDefinition"))[1],
    ("POST", "/AlertDefinition"): lambda s: s.send("POST", "/AlertDefinition", {"AlertName": "Shop down"}),
    ("GET", "/AlertDefinition/{}"): lambda s: s.send("GET", f"/AlertDefinition/{s.definition()}"),
    ("PUT", "/AlertDefinition/{}"): lambda s: s.send(
        "PUT", f"/AlertDefinition/{s.definition()}", {"AlertName": "Shop down", "IsActive": True}
    ),
    ("PATCH", "/AlertDefinition/{}"): lambda s: s.send(
        "PATCH", f"/AlertDefinition/{s.definition()}", {"IsActive": False}
    ),
    ("DELETE", "/AlertDefinition/{}"): lambda s: s.send("DELETE", f"/AlertDefinition/{s.definition()}"),
    ("GET", "/AlertDefinition/{}/Member"): _definition_members,
    ("POST", "/AlertDefinition/{}/Member/Monitor/{}"): lambda s: s.send(
        "POST", f"/AlertDefinition/{s.definition()}/Member/Monitor/{s.monitor()}"
    ),
    ("DELETE", "/AlertDefinition/{}/Member/Monitor/{}"): _definition_member_delete("Monitor", Stack.monitor),
    ("POST", "/AlertDefinition/{}/Member/MonitorGroup/{}"): lambda s: s.send(
        "POST", f"/AlertDefinition/{s.definition()}/Member/MonitorGroup/{s.group()}"
    ),
    ("DELETE", "/AlertDefinition/{}/Member/MonitorGroup/{}"): _definition_member_delete(
        "MonitorGroup", Stack.group
    ),
    # Escalation levels
    ("GET", "/AlertDefinition/{}/EscalationLevel"): lambda s: s.send(
        "GET", f"/AlertDefinition/{s.definition()}/EscalationLevel"
    ),
    ("GET", "/AlertDefinition/{}/EscalationLevel/{}"): lambda s: s.send("GET", LEVEL.format(s.definition())),
    ("PUT", "/AlertDefinition/{}/EscalationLevel/{}"): _level_put,
    ("PATCH", "/AlertDefinition/{}/EscalationLevel/{}"): lambda s: s.send(
        "PATCH", LEVEL.format(s.definition()), {"ThresholdErrorCount": 3}
    ),
    # Integrations on a level
    ("GET", "/AlertDefinition/{}/EscalationLevel/{}/Integration"): lambda s: s.send(
        "GET", LEVEL.format(s.wired()["definition"]) + "/Integration"
    ),
    ("POST", "/AlertDefinition/{}/EscalationLevel/{}/Integration"): _level_integration_post,
    ("GET", "/AlertDefinition/{}/EscalationLevel/{}/Integration/{}"): _level_integration("GET"),
    ("PATCH", "/AlertDefinition/{}/EscalationLevel/{}/Integration/{}"): _level_integration(
        "PATCH", lambda wired: {"SendReminderAlerts": True}
    ),
    ("PUT", "/AlertDefinition/{}/EscalationLevel/{}/Integration/{}"): _level_integration(
        "PUT", _level_integration_put
    ),
    ("DELETE", "/AlertDefinition/{}/EscalationLevel/{}/Integration/{}"): _level_integration("DELETE"),
    # Operators on a level
    ("GET", "/AlertDefinition/{}/EscalationLevel/{}/Member"): _level_members,
    ("POST", "/AlertDefinition/{}/EscalationLevel/{}/Member/Operator/{}"): lambda s: s.send(
        "POST", LEVEL.format(s.definition()) + f"/Member/Operator/{s.operator()}"
    ),
    ("DELETE", "/AlertDefinition/{}/EscalationLevel/{}/Member/Operator/{}"): _level_operator_delete,
    # Operators
    ("GET", "/Operator"): lambda s: (s.operator(), s.send("GET", "/Operator"))[1],
    ("POST", "/Operator"): lambda s: s.send(
        "POST", "/Operator", {"FullName": "Ada Ops", "Email": "ada@ops.example"}
    ),
    ("GET", "/Operator/{}"): lambda s: s.send("GET", f"/Operator/{s.operator()}"),
    ("PATCH", "/Operator/{}"): lambda s: s.send("PATCH", f"/Operator/{s.operator()}", {"IsOnDuty": False}),
    ("DELETE", "/Operator/{}"): lambda s: s.send("DELETE", f"/Operator/{s.operator()}"),
    # Alert history
    ("GET", "/Alert/Monitor/{}"): _alerts,
}


def judge(client: StackClient) -> dict[str, str | None]:
    """Each shared operation -> None when it conforms, else why not."""
    ours = client.http.get(f"{client.info.api_url}/swagger", params={"format": "json"})
    ours.raise_for_status()
    stack = Stack(client)
    verdicts: dict[str, str | None] = {}
    for operation in uptrends_document.shared_operations(ours.json()):
        scenario = SCENARIOS.get(operation.key)
        if scenario is None:
            verdicts[str(operation)] = "no scenario in this test: add one"
            continue
        try:
            response = scenario(stack)
        except Exception as error:  # a failing set-up is a verdict, not a crash of the judge
            verdicts[str(operation)] = f"set-up failed: {type(error).__name__}: {error}"
            continue
        verdicts[str(operation)] = uptrends_document.nonconformity(operation, response)
    return verdicts


def report(verdicts: dict[str, str | None]) -> str:
    conforming = sum(reason is None for reason in verdicts.values())
    lines = [f"Uptrends conformance: {conforming}/{len(verdicts)} shared operations conform"]
    lines += [f"  NOT {operation}: {reason}" for operation, reason in verdicts.items() if reason is not None]
    return "\n".join(lines)


def test_shared_operations_answer_as_uptrends_documents(client: StackClient) -> None:
    verdicts = judge(client)
    print(report(verdicts))
    conforming = sum(reason is None for reason in verdicts.values())
    assert conforming >= BASELINE, report(verdicts)
