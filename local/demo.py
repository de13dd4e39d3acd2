"""`make demo`: the whole story on the local stack in under a minute.

A monitor's confirmed errors take its StatusHub service to "Service disruption" with an incident
"Investigating"; its recovery brings the service back to "Service is operating normally" and moves the
incident to "Monitoring". Everything goes through the public surfaces: the config API over HTTP,
check results with boto3 put_events, and the simulator's API.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

from local.client import StackClient, check, running_stack, wait_until
from local.statushub import INCIDENT_STATE_LABELS, SERVICE_STATUS_LABELS

STEP = "\n\033[1m{}\033[0m" if sys.stdout.isatty() else "\n{}"


def _say(text: str) -> None:
    print(text, flush=True)


def _service_line(service: dict[str, Any]) -> str:
    line = f"   StatusHub service {service['name']!r}: {SERVICE_STATUS_LABELS[service['status']]}"
    if service["incidents"]:
        incident = service["incidents"][-1]
        line += f" — incident {incident['title']!r}: {INCIDENT_STATE_LABELS[incident['state']]}"
    return line


def run_story(client: StackClient) -> None:
    clock = datetime.now(UTC)
    ids = count(30833627687)

    def publish(level: str) -> None:
        nonlocal clock
        clock += timedelta(minutes=1)
        client.publish_checks(check(setup["monitor"], next(ids), level, at=clock))
        time.sleep(0.3)  # real checks are a minute apart; evaluations of events sent together may interleave
        _say(f"   → check result {level}")

    _say(STEP.format("1. A StatusHub service, as a status page owner would create it"))
    service = client.new_service("Checkout")
    _say(f"   hook URL {service['hook_url'].split('token=')[0]}token=…")
    _say(_service_line(client.service(service["id"])))

    _say(STEP.format("2. Alerting configured through the API (Uptrends v4 shapes)"))
    setup = client.statushub_setup(
        "Shop checkout",
        service["hook_url"],
        ThresholdErrorCount=2,
        Message="Checkout is failing; we are on it.",
    )
    _say(f"   monitor {setup['monitor']} → alert definition {setup['definition']}")
    _say("   level 1: alert after 2 confirmed errors → StatusHub integration, linked service 'Checkout'")
    receiver = client.new_receiver()
    hook = client.api(
        "POST",
        "/Integration",
        {
            "Name": "Ops webhook",
            "Type": "Webhook",
            "Variables": {"HookUrl": receiver["url"]},
            "Steps": [
                {
                    "Method": "POST",
                    "Url": "{{@HookUrl}}",
                    "Body": '{"text": "{{@alert.type}}: {{@monitor.name}} ({{@alert.description}})",'
                    ' "incident": "{{@incident.key}}", "since": "{{@alert.firstErrorUtc}}"}',
                }
            ],
        },
    )
    client.api(
        "POST",
        f"/AlertDefinition/{setup['definition']}/EscalationLevel/1/Integration",
        {"IntegrationGuid": hook["IntegrationGuid"]},
    )
    _say(f"   level 1 also → custom webhook 'Ops webhook' → {receiver['url']}")

    _say(STEP.format("3. The monitor starts failing"))
    publish("NoError")
    publish("Unconfirmed")
    _say("   (unconfirmed errors never count)")
    publish("Confirmed")
    publish("Confirmed")
    down = wait_until(lambda: (s := client.service(service["id"]))["status"] == "down" and s)
    _say(_service_line(down))

    _say(STEP.format("4. The monitor recovers"))
    publish("NoError")
    up = wait_until(lambda: (s := client.service(service["id"]))["status"] == "up" and s)
    _say(_service_line(up))
    for update in up["incidents"][-1]["updates"]:
        _say(f"     {update['time']}  {INCIDENT_STATE_LABELS[update['state']]:<13} {update['body']}")

    _say(STEP.format("5. What the custom webhook received (the simulator's capture endpoint)"))
    for received in wait_until(lambda: r if len(r := client.received(receiver["id"])) >= 2 else None):
        _say(f"   {received['method']} {received['path']}  {received['body']}")

    _say(STEP.format("6. What was sent, from the delivery log (GET /Alert/{AlertGuid}/Message)"))
    for request in client.statushub("GET", "/api/requests"):
        alert = (request.get("json") or {}).get("alert", {})
        for attempt in client.api("GET", f"/Alert/{alert['AlertGuid']}/Message"):
            exchange = attempt.get("Exchange") or {}
            _say(
                f"   {attempt['IntegrationType']:<9} {alert['AlertType']:<5} "
                f"attempt {attempt['Attempt']}: {attempt['Outcome']}, "
                f"HTTP {exchange.get('StatusCode')} in {attempt['DurationMs']} ms → {exchange.get('Url')}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    # Its own state directory: a demo never takes over (or deletes) the stack.json of a running `make local`.
    parser.add_argument("--state-dir", type=Path, default=Path(".local/demo"))
    parser.add_argument(
        "--keep-running",
        action=argparse.BooleanOptionalAction,
        default=sys.stdout.isatty(),
        help="keep the stack up after the story so you can look around (default: when run in a terminal)",
    )
    args = parser.parse_args(argv)
    _say("Starting the local stack (moto, the three functions, the StatusHub simulator): about 10 s,")
    _say("then the story itself takes about 20 s…")
    with running_stack(args.state_dir) as info:
        client = StackClient.connect(info)
        run_story(client)
        _say(STEP.format("Done."))
        _say(f"   StatusHub simulator page: {info.statushub_url}/")
        _say(f"   Config API:               {info.api_url}  (OpenAPI: {info.api_url}/swagger)")
        _say(f"   Console:                  {info.console_url}  (the demo's service link)")
        state = args.state_dir
        _say(f"   Stack details:            {state / 'stack.json'}, logs in {state / 'stack.log'}")
        if args.keep_running:
            _say("   The stack keeps running; press Ctrl-C to stop it.")
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                _say("\nStopping.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
