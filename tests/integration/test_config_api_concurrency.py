"""Issue 11 finding 6: versions, If-Match and no PATCH lost to a race (DESIGN §3 Concurrency)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest import mock
from uuid import UUID

from alerting import composition
from alerting.models.api import EscalationLevelPatch, IntegrationPatch, MonitorPatch, OperatorPatch
from alerting.storage import level_links
from config_api import app as api_app
from tests.conftest import LambdaContext, Stack
from tests.integration.conftest import ApiCall
from tests.support.api_gateway import call_api_with_headers


def test_get_gives_an_etag_and_a_stale_if_match_is_refused(
    api: ApiCall, stack: Stack, lambda_context: LambdaContext
) -> None:
    _, monitor = api("POST", "/Monitor", {"Name": "Shop"})
    path = f"/Monitor/{monitor['MonitorGuid']}"
    status, _, headers = call_api_with_headers(api_app.lambda_handler, lambda_context, "GET", path)
    etag = headers["ETag"]
    assert status == 200
    assert api("PATCH", path, {"Notes": "first"})[0] == 204
    status, body, _ = call_api_with_headers(
        api_app.lambda_handler, lambda_context, "PATCH", path, {"Notes": "stale"}, headers={"If-Match": etag}
    )
    assert (status, body["Messages"][0]["Field"]) == (412, "If-Match")
    assert api("GET", path)[1]["Notes"] == "first"


SLACK = {"Name": "Chat", "Type": "Slack", "Variables": {"Url": "https://hooks.example/services/T0/B0/x"}}


# A race, made certain rather than hoped for: the second writer runs between the first one's read and
# its write (finding 6). Threads against the in-process moto would race inside moto itself instead.
def _interleaved(read_target: Any, method: str, meanwhile: Callable[[], None]) -> mock._patch[Any]:
    """After the first read through `method`, `meanwhile` runs before the reader goes on to write."""
    original = getattr(read_target, method)
    pending = [meanwhile]

    def read_then_interleave(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        while pending:
            pending.pop()()
        return found

    return mock.patch.object(read_target, method, read_then_interleave)


def test_two_interleaved_monitor_patches_both_stick(api: ApiCall) -> None:
    _, monitor = api("POST", "/Monitor", {"Name": "Shop"})
    guid = UUID(monitor["MonitorGuid"])
    root = composition.config_api_root()
    with _interleaved(
        type(root.configuration.monitors),
        "get_versioned",
        lambda: root.patch_monitor(guid, MonitorPatch(notes="owned by web")),
    ):
        root.patch_monitor(guid, MonitorPatch(generate_alert=False))
    stored = api("GET", f"/Monitor/{guid}")[1]
    assert (stored["Notes"], stored["GenerateAlert"]) == ("owned by web", False)


def test_two_interleaved_integration_patches_both_stick(api: ApiCall) -> None:
    _, hook = api("POST", "/Integration", SLACK)
    guid = UUID(hook["IntegrationGuid"])
    root = composition.config_api_root()
    with _interleaved(
        type(root.configuration.integrations),
        "get_versioned",
        lambda: root.patch_integration(guid, IntegrationPatch(name="Renamed")),
    ):
        root.patch_integration(guid, IntegrationPatch(is_active=False))
    stored = api("GET", f"/Integration/{guid}")[1]
    assert (stored["Name"], stored["IsActive"]) == ("Renamed", False)


def test_two_interleaved_level_patches_both_stick(api: ApiCall) -> None:
    _, definition = api("POST", "/AlertDefinition", {"AlertName": "Prod"})
    guid = UUID(definition["AlertDefinitionGuid"])
    root = composition.config_api_root()
    with _interleaved(
        type(root.configuration.definitions),
        "level_versioned",
        lambda: root.patch_level(guid, 1, EscalationLevelPatch(message="Checkout down")),
    ):
        root.patch_level(guid, 1, EscalationLevelPatch(threshold_error_count=3))
    stored = api("GET", f"/AlertDefinition/{guid}/EscalationLevel/1")[1]
    assert (stored["Message"], stored["ThresholdErrorCount"]) == ("Checkout down", 3)


def test_two_interleaved_operator_patches_both_stick(api: ApiCall) -> None:
    _, operator = api("POST", "/Operator", {"FullName": "Ada", "Email": "ada@ops.example"})
    guid = UUID(operator["OperatorGuid"])
    root = composition.config_api_root()
    with _interleaved(
        type(root.configuration.operators),
        "get_versioned",
        lambda: root.patch_operator(guid, OperatorPatch(full_name="Ada Ops")),
    ):
        root.patch_operator(guid, OperatorPatch(is_on_duty=False))
    stored = api("GET", f"/Operator/{guid}")[1]
    assert (stored["FullName"], stored["IsOnDuty"]) == ("Ada Ops", False)


def test_a_member_added_while_its_monitor_is_deleted_does_not_dangle(api: ApiCall) -> None:
    _, monitor = api("POST", "/Monitor", {"Name": "Shop"})
    _, definition = api("POST", "/AlertDefinition", {"AlertName": "Prod"})
    guid, monitor_guid = UUID(definition["AlertDefinitionGuid"]), UUID(monitor["MonitorGuid"])
    root = composition.config_api_root()
    with _interleaved(
        type(root.configuration.monitors), "_item", lambda: root.add_definition_monitor(guid, monitor_guid)
    ):
        root.delete_monitor(monitor_guid)
    assert api("GET", f"/Monitor/{monitor_guid}")[0] == 404
    assert api("GET", f"/AlertDefinition/{guid}/Member")[1] == []


def test_a_deleted_integration_leaves_its_levels_and_does_not_come_back(api: ApiCall) -> None:
    _, definition = api("POST", "/AlertDefinition", {"AlertName": "Prod"})
    _, hook = api("POST", "/Integration", SLACK)
    level = f"/AlertDefinition/{definition['AlertDefinitionGuid']}/EscalationLevel/1/Integration"
    assert api("POST", level, {"IntegrationGuid": hook["IntegrationGuid"]})[0] == 201
    assert api("DELETE", f"/Integration/{hook['IntegrationGuid']}")[0] == 204
    assert api("GET", level)[1] == []
    again = {**SLACK, "IntegrationGuid": hook["IntegrationGuid"]}
    assert api("POST", "/Integration", again)[0] == 201
    assert api("GET", level)[1] == []


def test_a_deleted_operator_leaves_their_levels_and_does_not_come_back(api: ApiCall) -> None:
    _, definition = api("POST", "/AlertDefinition", {"AlertName": "Prod"})
    ada = {"FullName": "Ada", "Email": "ada@ops.example"}
    _, operator = api("POST", "/Operator", ada)
    members = f"/AlertDefinition/{definition['AlertDefinitionGuid']}/EscalationLevel/1/Member"
    assert api("POST", f"{members}/Operator/{operator['OperatorGuid']}")[0] == 201
    assert api("DELETE", f"/Operator/{operator['OperatorGuid']}")[0] == 204
    assert api("GET", members)[1] == []
    assert api("POST", "/Operator", {**ada, "OperatorGuid": operator["OperatorGuid"]})[0] == 201
    assert api("GET", members)[1] == []


def test_an_operator_added_to_a_level_while_deleted_does_not_linger(api: ApiCall) -> None:
    _, definition = api("POST", "/AlertDefinition", {"AlertName": "Prod"})
    _, operator = api("POST", "/Operator", {"FullName": "Ada", "Email": "ada@ops.example"})
    guid, operator_guid = UUID(definition["AlertDefinitionGuid"]), UUID(operator["OperatorGuid"])
    root = composition.config_api_root()
    with _interleaved(level_links, "query_prefix", lambda: root.add_level_operator(guid, 1, operator_guid)):
        root.delete_operator(operator_guid)
    assert api("GET", f"/Operator/{operator_guid}")[0] == 404
    assert api("GET", f"/AlertDefinition/{guid}/EscalationLevel/1/Member")[1] == []


def test_a_deleted_service_leaves_the_levels_that_updated_it(api: ApiCall, linked: dict[str, str]) -> None:
    level = f"/AlertDefinition/{linked['definition']}/EscalationLevel/1/Integration/{linked['integration']}"
    assert len(api("GET", level)[1]["StatusHubServiceList"]) == 1
    assert api("DELETE", f"/Integration/{linked['integration']}/Service/{linked['service']}")[0] == 204
    assert api("GET", level)[1]["StatusHubServiceList"] == []


def test_a_deleted_monitor_leaves_the_service_links_that_named_it(
    api: ApiCall, linked: dict[str, str]
) -> None:
    level = f"/AlertDefinition/{linked['definition']}/EscalationLevel/1/Integration/{linked['integration']}"
    [link] = api("GET", level)[1]["StatusHubServiceList"]
    assert api("DELETE", f"/Monitor/{link['MonitorGuid']}")[0] == 204
    status, attached = api("GET", level)
    assert status == 200 and attached["StatusHubServiceList"] == []
