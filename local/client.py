"""A client of a running local stack, as a user drives it: the config API over HTTP, check results
with boto3 `put_events`, and the StatusHub simulator's own API. The demo, the end-to-end tests and
the chaos run share it. `statushub_setup` takes any caller of the config API, so the handler-level tests
and the benchmarks (through `tests.support`) make their StatusHub set-up with it too.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

import boto3
import httpx
from pydantic import ValidationError

from local.stack import STACK_FILE, StackInfo

# The most checks one MonitorCheckBatch event carries (alerting.models.check.MAX_CHECKS_PER_BATCH).
CHECKS_PER_BATCH_EVENT = 100

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent


class ApiError(RuntimeError):
    def __init__(self, response: httpx.Response) -> None:
        request = response.request
        super().__init__(f"{request.method} {request.url.path} -> {response.status_code}: {response.text}")
        self.response = response


def wait_for_stack(
    state_dir: Path | str, timeout: float = 30.0, *, process: subprocess.Popen[Any] | None = None
) -> StackInfo:
    """Waits for a stack started as `python -m local.stack` to write stack.json, and returns it.

    With `process`, fails as soon as that process exits instead of waiting out the timeout.
    """
    path = Path(state_dir) / STACK_FILE
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(FileNotFoundError, ValidationError):
            return StackInfo.model_validate_json(path.read_text(encoding="utf-8"))
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the local stack exited with status {process.returncode} before it was ready")
        if time.monotonic() >= deadline:
            raise TimeoutError(f"no {path} after {timeout} s")
        time.sleep(0.1)


@contextlib.contextmanager
def running_stack(
    state_dir: Path | None = None, *extra_args: str, timeout: float = 60.0
) -> Iterator[StackInfo]:
    """Start `python -m local.stack` as its own process (as a user would) and stop it afterwards."""
    with contextlib.ExitStack() as cleanup:
        if state_dir is None:
            state_dir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="alerting-stack-")))
        command = [sys.executable, "-m", "local.stack", "--state-dir", str(state_dir), *extra_args]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, env=os.environ.copy())
        try:
            yield wait_for_stack(state_dir, timeout, process=process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class ConfigApi(Protocol):
    """Calls the config API: the parsed answer, or an error raised for an error status."""

    def __call__(self, method: str, path: str, body: Any = None) -> Any: ...


def statushub_setup(
    api: ConfigApi,
    monitor: Mapping[str, Any],
    service: Mapping[str, Any],
    *,
    alert_name: str,
    integration_name: str = "Status page",
    linked: bool = True,
    level: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """A monitor, a StatusHub integration with one service, and an alert definition; `linked` makes the
    monitor a member whose level 1 (with `level`'s fields) updates the service. Returns their ids."""
    created_monitor = api("POST", "/Monitor", dict(monitor))
    integration = api("POST", "/Integration", {"Name": integration_name, "Type": "Statushub"})
    integration_guid = integration["IntegrationGuid"]
    created_service = api("POST", f"/Integration/{integration_guid}/Service", dict(service))
    definition_guid = api("POST", "/AlertDefinition", {"AlertName": alert_name})["AlertDefinitionGuid"]
    ids = {
        "monitor": created_monitor["MonitorGuid"],
        "integration": integration_guid,
        "service": created_service["IntegrationServiceGuid"],
        "definition": definition_guid,
    }
    if not linked:
        return ids
    if level:
        api("PATCH", f"/AlertDefinition/{definition_guid}/EscalationLevel/1", dict(level))
    api("POST", f"/AlertDefinition/{definition_guid}/Member/Monitor/{ids['monitor']}")
    link = {"MonitorGuid": ids["monitor"], "IntegrationServiceGuid": ids["service"]}
    api(
        "POST",
        f"/AlertDefinition/{definition_guid}/EscalationLevel/1/Integration",
        {"IntegrationGuid": integration_guid, "StatusHubServiceList": [link]},
    )
    return ids


@dataclass
class StackClient:
    info: StackInfo
    http: httpx.Client

    @classmethod
    def connect(cls, info: StackInfo) -> StackClient:
        # API Gateway answers within 29 s; a client waits that long, as one against AWS would.
        return cls(info, httpx.Client(timeout=30.0))

    # The config API
    def api(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        response = self.http.request(method, f"{self.info.api_url}{path}", json=body, params=params or None)
        if response.status_code >= 400:
            raise ApiError(response)
        return response.json() if response.content else None

    def finished_attempts(self, alert_guid: str, timeout: float = 30.0) -> list[dict[str, Any]]:
        """The alert's delivery log once its last attempt is final: a receiver sees a message before
        the delivery function logs the attempt that sent it."""

        def logged() -> list[dict[str, Any]] | None:
            attempts: list[dict[str, Any]] = self.api("GET", f"/Alert/{alert_guid}/Message")
            return attempts if attempts and attempts[-1]["Outcome"] != "retrying" else None

        return wait_until(logged, timeout=timeout)

    def statushub_setup(self, monitor_name: str, service_url: str, **level: Any) -> dict[str, str]:
        """Monitor → alert definition (level 1, plus `level` fields) → StatusHub integration → service."""
        return statushub_setup(
            self.api,
            {"Name": monitor_name, "Url": "https://shop.example"},
            {"Name": monitor_name, "Url": service_url},
            alert_name=f"{monitor_name} alerts",
            level=level,
        )

    # Check results, published as the monitoring system would
    def publish_checks(self, *details: dict[str, Any], spacing: float = 0.0, batched: bool = False) -> None:
        """Publish check results; with `spacing`, one at a time that many seconds apart; `batched`: as
        MonitorCheckBatch events of up to 100 checks each (EventBridge bills per event).

        EventBridge invokes the evaluator concurrently, so checks published together may be evaluated
        in any order (and a check older than one already evaluated is ignored, as it should be). Real
        checks of one monitor are a minute apart; `spacing` stands in for that.
        """
        events = boto3.client(
            "events",
            endpoint_url=self.info.aws_endpoint_url,
            region_name=self.info.region,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        if batched:
            # One entry per batch event: put_events takes up to 10 entries, each up to 256 KB.
            details = tuple(
                {"Checks": list(details[start : start + CHECKS_PER_BATCH_EVENT])}
                for start in range(0, len(details), CHECKS_PER_BATCH_EVENT)
            )
        batch = 1 if spacing or batched else 10
        for start in range(0, len(details), batch):
            if start and spacing:
                time.sleep(spacing)
            entries = [
                {
                    "Source": "monitoring.checks",
                    "DetailType": "MonitorCheckBatch" if batched else "MonitorCheck",
                    "Detail": json.dumps(detail),
                    "EventBusName": self.info.event_bus_name,
                }
                for detail in details[start : start + batch]
            ]
            response = events.put_events(Entries=entries)  # type: ignore[arg-type]
            if response.get("FailedEntryCount"):
                raise RuntimeError(f"put_events refused entries: {response['Entries']}")

    # The StatusHub simulator
    def statushub(self, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(method, f"{self.info.statushub_url}{path}", json=body)
        response.raise_for_status()
        return response.json() if response.content else None

    def new_service(self, name: str) -> dict[str, Any]:
        service: dict[str, Any] = self.statushub("POST", "/api/services", {"name": name})
        return service

    def service(self, service_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.statushub("GET", f"/api/services/{service_id}")
        return found

    # Capture endpoints for the other integrations (custom webhooks, Slack, PagerDuty, …)
    def new_receiver(self, status: int = 200, body: Any = None) -> dict[str, Any]:
        """A capture endpoint answering `status` and, when given, `body` (JSON) to every request."""
        request = {"status": status} if body is None else {"status": status, "body": body}
        receiver: dict[str, Any] = self.statushub("POST", "/api/receivers", request)
        return receiver

    def received(self, receiver_id: str) -> list[dict[str, Any]]:
        requests: list[dict[str, Any]] = self.statushub("GET", f"/api/receivers/{receiver_id}")["requests"]
        return requests

    def integration_setup(
        self, monitor_name: str, integration: dict[str, Any], **level_integration: Any
    ) -> dict[str, str]:
        """Monitor → alert definition (level 1) → this integration attached to level 1."""
        monitor = self.api("POST", "/Monitor", {"Name": monitor_name, "Url": "https://shop.example"})
        created = self.api("POST", "/Integration", integration)
        definition = self.api("POST", "/AlertDefinition", {"AlertName": f"{monitor_name} alerts"})
        guid = definition["AlertDefinitionGuid"]
        self.api("POST", f"/AlertDefinition/{guid}/Member/Monitor/{monitor['MonitorGuid']}")
        self.api(
            "POST",
            f"/AlertDefinition/{guid}/EscalationLevel/1/Integration",
            {"IntegrationGuid": created["IntegrationGuid"], **level_integration},
        )
        return {
            "monitor": monitor["MonitorGuid"],
            "integration": created["IntegrationGuid"],
            "definition": guid,
        }

    # What moto's SES and SNS were asked to send (moto's /moto-api/data.json lists every model it keeps)
    def sent_emails(self) -> list[dict[str, Any]]:
        """Every SES message: `source`, `subject`, `body` (the HTML part if any), `destinations`."""
        return self._moto_models("ses", "Message")

    def sent_sms(self) -> list[dict[str, Any]]:
        """Every SMS published through SNS: `phone_number`, `message`."""
        return self._moto_models("sns", "SMS")

    def _moto_models(self, service: str, model: str) -> list[dict[str, Any]]:
        response = self.http.get(f"{self.info.aws_endpoint_url}/moto-api/data.json")
        response.raise_for_status()
        found: list[dict[str, Any]] = response.json().get(service, {}).get(model, [])
        return found

    # The stack's chaos hooks (see local.stack): stop and start a queue's worker
    def stop_worker(self, function_logical_id: str) -> None:
        self._control("POST", f"/event-sources/{function_logical_id}/stop")

    def start_worker(self, function_logical_id: str) -> None:
        self._control("POST", f"/event-sources/{function_logical_id}/start")

    def _control(self, method: str, path: str) -> None:
        self.http.request(method, f"{self.info.control_url}{path}", timeout=60.0).raise_for_status()


def check(
    monitor_guid: str, check_id: int, level: str, at: datetime | None = None, **extra: Any
) -> dict[str, Any]:
    """A MonitorCheck detail as the monitoring system publishes it."""
    failing = level != "NoError"
    return {
        "Id": check_id,
        "MonitorGuid": monitor_guid,
        "Timestamp": (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "ErrorLevel": level,
        "ErrorCode": 5407 if failing else 0,
        "ErrorDescription": "HTTP 503 Service Unavailable" if failing else "",
        "HttpStatusCode": 503 if failing else 200,
        "TotalTime": 15003 if failing else 312,
        "CheckpointName": "Ghent, Belgium",
        **extra,
    }


def wait_until(condition: Callable[[], T | None], timeout: float = 30.0, interval: float = 0.2) -> T:
    """Poll until `condition` returns something truthy; fail with what it last saw."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s")
        time.sleep(interval)
