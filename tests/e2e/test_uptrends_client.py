"""A client generated from Uptrends' own API document runs the seed's StatusHub workflow (DESIGN §3).

openapi-python-client generates the client once per session from Uptrends' document (its two generator
quirks undone, as the conformance judge does). Every step of the workflow that Uptrends' API has goes
through that client: monitor, alert definition and membership, level 1, the StatusHub integration on
the level with its service links, the alert history of an outage and its recovery, a maintenance
window. Creating the integration and its services is ours alone: plain httpx does it (and a custom
webhook, which an account has too); check results are published as the monitoring system does.
A step works when the call answers 2xx and the client parses the body into the type Uptrends
documents. BASELINE_STEPS is today's count.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from local.client import StackClient, check, wait_until
from tests.e2e import uptrends_document

BASELINE_STEPS = 20
PACKAGE = "uptrends_client"


@dataclass
class Generated:
    """The generated package: its client class, and its API modules and models by name."""

    root: ModuleType

    def api(self, tag: str, operation: str) -> ModuleType:
        return importlib.import_module(f"{PACKAGE}.api.{tag}.{tag}_{operation}")

    def model(self, name: str) -> Any:
        return getattr(importlib.import_module(f"{PACKAGE}.models"), name)

    def client(self, base_url: str) -> Any:
        # Uptrends uses Basic auth; the local stack has none and ignores the header.
        return self.root.AuthenticatedClient(base_url=base_url, token="local", prefix="Basic")


@pytest.fixture(scope="session")
def uptrends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    work = tmp_path_factory.mktemp("uptrends-client")
    document = work / "uptrends-api-v4.json"
    document.write_text(json.dumps(uptrends_document.document()), encoding="utf-8")
    config = work / "config.json"
    config.write_text(json.dumps({"post_hooks": []}), encoding="utf-8")
    generator = Path(sys.executable).parent / "openapi-python-client"
    command = [str(generator), "generate", "--path", str(document), "--output-path", str(work / PACKAGE)]
    result = subprocess.run(
        [*command, "--meta", "none", "--config", str(config)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0 or not (work / PACKAGE / "client.py").is_file():
        pytest.fail(f"openapi-python-client could not generate a client:\n{result.stdout}\n{result.stderr}")
    sys.path.insert(0, str(work))
    try:
        yield Generated(importlib.import_module(PACKAGE))
    finally:
        sys.path.remove(str(work))
        for name in [name for name in sys.modules if name.partition(".")[0] == PACKAGE]:
            del sys.modules[name]


@dataclass
class Workflow:
    """Runs steps through the generated client and records which work and why the others do not."""

    failures: dict[str, str] = field(default_factory=dict)
    passed: list[str] = field(default_factory=list)

    def step(self, name: str, call: Callable[[], Any], expected: Any = None) -> Any:
        """The parsed body when the step works (`expected` is its documented type), else None."""
        try:
            response = call()
        except Exception as error:  # a crash of the generated client is the step's verdict
            self.failures[name] = f"{type(error).__name__}: {error}"
            return None
        status = int(response.status_code)
        if not 200 <= status < 300:
            self.failures[name] = f"HTTP {status}: {response.content[:300]!r}"
        elif expected is not None and not isinstance(response.parsed, expected):
            self.failures[name] = f"HTTP {status}, parsed as {type(response.parsed).__name__}"
        else:
            self.passed.append(name)
            return response.parsed if expected is not None else True
        return None

    def report(self) -> str:
        total = len(self.passed) + len(self.failures)
        lines = [f"Generated Uptrends client: {len(self.passed)}/{total} workflow steps work"]
        lines += [f"  FAILED {name}: {reason}" for name, reason in self.failures.items()]
        return "\n".join(lines)


def run_workflow(client: StackClient, uptrends: Generated) -> Workflow:
    api, model = uptrends.api, uptrends.model
    sdk = uptrends.client(client.info.api_url)
    flow = Workflow()
    name = "Checkout (Uptrends client)"

    def guid(parsed: Any, attribute: str, fallback: Callable[[], str]) -> str:
        # A failed create still lets the later steps be measured: plain httpx makes what they need.
        return str(getattr(parsed, attribute)) if parsed is not None else fallback()

    monitor_body = model("Monitor")(
        name=name, url="https://shop.example", monitor_type=model("MonitorType").HTTPS
    )
    created = flow.step(
        "create monitor",
        lambda: api("monitor", "post_monitor").sync_detailed(client=sdk, body=monitor_body),
        model("Monitor"),
    )
    monitor = guid(
        created,
        "monitor_guid",
        lambda: client.api("POST", "/Monitor", {"Name": name, "Url": "https://shop.example"})["MonitorGuid"],
    )
    flow.step(
        "get monitor",
        lambda: api("monitor", "get_monitor").sync_detailed(monitor, client=sdk),
        model("Monitor"),
    )
    flow.step("list monitors", lambda: api("monitor", "get_monitors").sync_detailed(client=sdk), list)

    definition_body = model("AlertDefinition")(alert_name=f"{name} alerts", is_active=True)
    created = flow.step(
        "create alert definition",
        lambda: api("alert_definition", "create_alert_definition").sync_detailed(
            client=sdk, body=definition_body
        ),
        model("AlertDefinition"),
    )
    definition = guid(
        created,
        "alert_definition_guid",
        lambda: client.api("POST", "/AlertDefinition", {"AlertName": f"{name} alerts"})[
            "AlertDefinitionGuid"
        ],
    )
    flow.step(
        "get alert definition",
        lambda: api("alert_definition", "get_specified_alert_definitions").sync_detailed(
            definition, client=sdk
        ),
        model("AlertDefinition"),
    )
    if not flow.step(
        "add monitor to alert definition",
        lambda: api("alert_definition", "add_monitor_to_alert_definition").sync_detailed(
            definition, monitor, client=sdk
        ),
        model("AlertDefinitionMonitor"),
    ):
        client.http.post(f"{client.info.api_url}/AlertDefinition/{definition}/Member/Monitor/{monitor}")
    flow.step(
        "list alert definition members",
        lambda: api("alert_definition", "get_all_members").sync_detailed(definition, client=sdk),
        list,
    )
    flow.step(
        "list escalation levels",
        lambda: api("alert_definition", "get_all_escalation_levels").sync_detailed(definition, client=sdk),
        list,
    )
    level_body = model("EscalationLevel")(
        escalation_mode=model("EscalationMode").ALERTONERRORCOUNT,
        threshold_error_count=1,
        is_active=True,
        message="Checkout is down",
    )
    flow.step(
        "patch escalation level 1",
        lambda: api("alert_definition", "patch_alert_definition_escalation").sync_detailed(
            definition, 1, client=sdk, body=level_body
        ),
    )
    flow.step(
        "get escalation level 1",
        lambda: api("alert_definition", "get_escalation_level").sync_detailed(definition, 1, client=sdk),
        model("EscalationLevel"),
    )

    # Ours alone, with plain httpx: a StatusHub service (simulator), the integration and its service;
    # and a custom webhook, which an account has too (the other e2e tests make some), so that listing
    # integrations measures the same thing whatever ran before.
    receiver = client.new_receiver()
    webhook_step = {"Method": "POST", "Url": receiver["url"], "Body": '{"type": "{{@alert.type}}"}'}
    client.api("POST", "/Integration", {"Name": "Ops hook", "Type": "Webhook", "Steps": [webhook_step]})
    hook = client.new_service("Checkout")
    integration = client.api("POST", "/Integration", {"Name": "Status page", "Type": "Statushub"})
    integration_guid = integration["IntegrationGuid"]
    service = client.api(
        "POST", f"/Integration/{integration_guid}/Service", {"Name": "Checkout", "Url": hook["hook_url"]}
    )

    flow.step(
        "list integrations",
        lambda: api("integration", "get_all_integrations").sync_detailed(client=sdk),
        list,
    )
    link = model("IntegrationServiceMap")(
        monitor_guid=monitor, integration_service_guid=service["IntegrationServiceGuid"]
    )
    level_integration = model("EscalationLevelIntegration")(
        integration_guid=integration_guid, is_active=True, status_hub_service_list=[link]
    )
    if not flow.step(
        "add StatusHub integration with service links to level 1",
        lambda: api("alert_definition", "add_integration_to_escalation_level").sync_detailed(
            definition, 1, client=sdk, body=level_integration
        ),
        model("Integration"),
    ):
        client.http.post(
            f"{client.info.api_url}/AlertDefinition/{definition}/EscalationLevel/1/Integration",
            json=level_integration.to_dict(),
        )
    flow.step(
        "list level 1 integrations",
        lambda: api("alert_definition", "get_all_escalation_level_integrations").sync_detailed(
            definition, 1, client=sdk
        ),
        list,
    )
    flow.step(
        "get level 1 StatusHub integration",
        lambda: api("alert_definition", "get_escalation_level_integration").sync_detailed(
            definition, 1, integration_guid, client=sdk
        ),
        model("Integration"),
    )
    patch = model("EscalationLevelIntegration")(is_active=True, status_hub_service_list=[link])
    flow.step(
        "patch level 1 StatusHub integration",
        lambda: api("alert_definition", "update_integration_for_escalation_with_patch").sync_detailed(
            definition, 1, integration_guid, client=sdk, body=patch
        ),
    )

    # The outage and the recovery, published as the monitoring system does; StatusHub follows.
    client.publish_checks(check(monitor, 1, "Confirmed"))
    wait_until(lambda: client.service(hook["id"])["status"] == "down")

    def alerts() -> Any:
        return api("alert", "get_monitor_alerts").sync_detailed(monitor, client=sdk)

    outage = flow.step("alert history shows the Error alert", alerts, model("AlertResponse"))
    if outage is not None and [a.attributes.alert_type for a in outage.data] != [model("AlertType").ERROR]:
        flow.passed.remove("alert history shows the Error alert")
        flow.failures["alert history shows the Error alert"] = f"got {outage.data}"
    client.publish_checks(check(monitor, 2, "NoError"))
    wait_until(lambda: client.service(hook["id"])["status"] == "up")
    recovery = flow.step("alert history shows the Ok alert", alerts, model("AlertResponse"))
    if recovery is not None and model("AlertType").OK not in [a.attributes.alert_type for a in recovery.data]:
        flow.passed.remove("alert history shows the Ok alert")
        flow.failures["alert history shows the Ok alert"] = f"got {recovery.data}"

    window = model("MaintenancePeriod")(
        id=0,
        schedule_mode=model("ScheduleMode").WEEKLY,
        maintenance_type=model("MaintenanceTypes").DISABLENOTIFICATIONS,
        week_day=model("DayOfWeek").SUNDAY,
        start_time="02:00",
        end_time="04:00",
    )
    flow.step(
        "schedule a weekly maintenance window",
        lambda: api("monitor", "create_maintenance_period_for_monitor").sync_detailed(
            monitor, client=sdk, body=window
        ),
        model("MaintenancePeriod"),
    )
    flow.step(
        "list maintenance windows",
        lambda: api("monitor", "get_all_maintenance_periods_for_monitor").sync_detailed(monitor, client=sdk),
        list,
    )
    flow.step(
        "remove the StatusHub integration from level 1",
        lambda: api("alert_definition", "remove_integration_from_escalation_level").sync_detailed(
            definition, 1, integration_guid, client=sdk
        ),
    )
    return flow


@pytest.mark.timeout(300)
def test_a_client_generated_from_uptrends_document_runs_the_statushub_workflow(
    client: StackClient, uptrends: Generated
) -> None:
    flow = run_workflow(client, uptrends)
    print(flow.report())
    assert len(flow.passed) >= BASELINE_STEPS, flow.report()
