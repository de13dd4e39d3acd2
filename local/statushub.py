"""StatusHub simulator: owns the in-memory stand-in for the StatusHub status page and its Uptrends hook.

Our product POSTs incidents to a StatusHub service's Uptrends hook URL. This module serves that hook, a small
JSON control API (create services, read back every hook request, inject faults) and a live HTML page, so the
whole flow runs on one machine and tests can see exactly what StatusHub would have received.

    python -m local.statushub --host 127.0.0.1 --port 8025
"""

from __future__ import annotations

import argparse
import copy
import math
import re
import secrets
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template_string, request
from werkzeug.serving import WSGIRequestHandler, make_server

from local.status_page_gate import record_json

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    from flask.typing import ResponseReturnValue
    from werkzeug.serving import BaseWSGIServer

SERVICE_STATUS_LABELS: dict[str, str] = {
    "up": "Service is operating normally",
    "down": "Service disruption",
    "degraded-performance": "Degraded performance",
}
INCIDENT_STATE_LABELS: dict[str, str] = {
    "investigating": "Investigating",
    "identified": "Identified",
    "monitoring": "Monitoring",
    "resolved": "Resolved",
}
# re.ASCII: without it \d also accepts non-ASCII digits, which StatusHub would reject.
_START_TIME = re.compile(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", re.ASCII)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _is_int(value: Any) -> bool:
    # JSON true/false parse to bool, which is an int subclass; a fault count of `true` is a caller bug.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_delay(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < math.inf


def _non_empty_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


# Checked in order; the first failing field is named in the 422 so a client bug is obvious from the log.
_INCIDENT_RULES: tuple[tuple[str, Callable[[Any], bool], str], ...] = (
    ("type", lambda v: v == "incident", 'must be "incident"'),
    ("id", _non_empty_str, "must be a non-empty string"),
    ("title", _non_empty_str, "must be a non-empty string"),
    ("description", lambda v: isinstance(v, str), "must be a string"),
    (
        "start_time",
        lambda v: isinstance(v, str) and _START_TIME.fullmatch(v) is not None,
        "must be UTC ISO 8601 ending in Z, e.g. 2024-05-01T12:00:00Z",
    ),
    ("state", lambda v: v in INCIDENT_STATE_LABELS, f"must be one of {', '.join(INCIDENT_STATE_LABELS)}"),
    (
        "service_status",
        lambda v: v in SERVICE_STATUS_LABELS,
        f"must be one of {', '.join(SERVICE_STATUS_LABELS)}",
    ),
)


def incident_payload_error(body: Any) -> str | None:
    """Why `body` is not an Uptrends incident StatusHub accepts, or None when it is."""
    if not isinstance(body, dict):
        return "body: must be a JSON object"
    for key, is_valid, why in _INCIDENT_RULES:
        if key not in body:
            return f"{key}: is required"
        if not is_valid(body[key]):
            return f"{key}: {why}"
    if "alert" in body and not isinstance(body["alert"], dict):
        return "alert: must be an object when present"
    return None


@dataclass
class Incident:
    id: str
    title: str
    state: str
    updates: list[dict[str, str]] = field(default_factory=list)
    alert: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return copy.deepcopy(asdict(self))


@dataclass
class Service:
    id: str
    name: str
    token: str
    hook_url: str
    status: str = "up"
    incidents: dict[str, Incident] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        incidents = [incident.to_json() for incident in self.incidents.values()]
        return {**record_json(self, leaving_out=("token", "incidents")), "incidents": incidents}


@dataclass
class Fault:
    id: str
    count: int
    service_id: str | None = None
    status: int | None = None
    delay_s: float | None = None
    headers: dict[str, str] = field(default_factory=dict)


def parse_fault(body: Any, fault_id: str) -> Fault | str:
    """A Fault from a POST /api/faults body, or why the body is invalid."""
    if not isinstance(body, dict):
        return "body: must be a JSON object"
    count: Any = body.get("count")
    status: Any = body.get("status")
    delay: Any = body.get("delay_s")
    service_id: Any = body.get("service_id")
    headers: Any = body.get("headers", {})
    problems = [
        (not _is_int(count) or count < 1, "count: must be an integer >= 1"),
        (status is not None and not (_is_int(status) and 100 <= status <= 599), "status: must be 100-599"),
        (delay is not None and not _is_delay(delay), "delay_s: must be a finite number >= 0"),
        (status is None and delay is None, "a fault needs status, delay_s or both"),
        (service_id is not None and not isinstance(service_id, str), "service_id: must be a string"),
        (
            not isinstance(headers, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()),
            "headers: must be an object of strings",
        ),
    ]
    for failed, why in problems:
        if failed:
            return why
    return Fault(fault_id, count, service_id, status, None if delay is None else float(delay), dict(headers))


@dataclass
class Receiver:
    """A capture endpoint: every request to `/receivers/<id>[/...]` is kept and answered with `status`
    and `body` (a JSON value) when given, else a short acknowledgement."""

    id: str
    url: str
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    body: Any = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "status": self.status,
            "body": copy.deepcopy(self.body),
            "requests": copy.deepcopy(self.requests),
        }


@dataclass
class HubState:
    """Everything the simulator remembers; hold `lock` for every read and write (requests are concurrent)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    services: dict[str, Service] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    # Capture endpoints standing in for other integrations' receivers (custom webhooks, Slack, PagerDuty…).
    receivers: dict[str, Receiver] = field(default_factory=dict)
    # Not cleared by reset, so an id held from before a reset never names a new record.
    counters: Counter[str] = field(default_factory=Counter)

    def new_id(self, prefix: str) -> str:
        self.counters[prefix] += 1
        return f"{prefix}-{self.counters[prefix]}"

    def by_token(self, token: str) -> Service | None:
        return next((s for s in self.services.values() if s.token == token), None)

    def take_fault(self, service_id: str) -> Fault | None:
        """Consume one use of the oldest pending fault for `service_id` (faults never hit unknown tokens)."""
        for fault in self.faults:
            if fault.service_id in (None, service_id):
                fault.count -= 1
                if fault.count == 0:
                    self.faults.remove(fault)
                return copy.copy(fault)
        return None


routes = Blueprint("statushub", __name__)


def _hub() -> HubState:
    state: HubState = current_app.extensions["statushub"]
    return state


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(payload)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _one(found: Service | Receiver | None, what: str) -> Response:
    return _json(found.to_json()) if found else _json({"error": f"unknown {what}"}, 404)


def _answer(entry: dict[str, Any], response: Response) -> Response:
    with _hub().lock:
        entry["status"] = response.status_code
    return response


def _masked(hook_url: str) -> str:
    base, _, token = hook_url.partition("token=")
    return f"{base}token={token[:4]}…"


@routes.route("/hooks/<path:hook>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def hook_endpoint(hook: str) -> Response:
    hub = _hub()
    with hub.lock:
        service = hub.by_token(request.args.get("token", "")) if hook == "uptrends" else None
        entry: dict[str, Any] = {
            "service_id": service.id if service else None,
            "method": request.method,
            "path": request.path,
            "query": request.args.to_dict(),
            "headers": dict(request.headers),
            "json": request.get_json(force=True, silent=True),
            "time": _now(),
            "status": None,
        }
        # Logged on arrival so the log stays oldest-first even when a delayed request answers last.
        hub.requests.append(entry)
        fault = hub.take_fault(service.id) if service else None
    if service is None:
        return _answer(entry, _json({"error": "unknown token"}, 404))
    if fault and fault.delay_s:
        time.sleep(fault.delay_s)
    if fault and fault.status is not None:
        return _answer(entry, _json({"error": "injected fault"}, fault.status, fault.headers))
    if request.method != "POST":
        return _answer(entry, _json({"error": "method not allowed"}, 405))
    error = incident_payload_error(entry["json"])
    if error:
        return _answer(entry, _json({"error": error}, 422))
    return _answer(entry, _apply_incident(hub, service, entry["json"], entry["time"]))


def _apply_incident(hub: HubState, service: Service, body: dict[str, Any], received: str) -> Response:
    with hub.lock:
        if hub.services.get(service.id) is not service:
            return _json({"error": "unknown token"}, 404)  # reset while a delayed request was sleeping
        incident = service.incidents.setdefault(body["id"], Incident(body["id"], body["title"], ""))
        incident.title, incident.state = body["title"], body["state"]
        incident.updates.append({"state": body["state"], "body": body["description"], "time": received})
        incident.alert = copy.deepcopy(body.get("alert", incident.alert))
        service.status = body["service_status"]
    return _json({"ok": True, "incident_id": body["id"]})


@routes.post("/api/services")
def create_service() -> ResponseReturnValue:
    body = request.get_json(silent=True)
    name: Any = body.get("name") if isinstance(body, dict) else None
    if not _non_empty_str(name):
        return _json({"error": "name: must be a non-empty string"}, 400)
    token = secrets.token_hex(8)
    hub = _hub()
    with hub.lock:
        service_id = hub.new_id("svc")
        service = Service(service_id, name, token, f"{request.host_url}hooks/uptrends?token={token}")
        hub.services[service_id] = service
        created = service.to_json()
    del created["incidents"]
    return _json(created, 201)


@routes.get("/api/services")
def list_services() -> ResponseReturnValue:
    hub = _hub()
    with hub.lock:
        return _json([service.to_json() for service in hub.services.values()])


@routes.get("/api/services/<service_id>")
def get_service(service_id: str) -> ResponseReturnValue:
    hub = _hub()
    with hub.lock:
        return _one(hub.services.get(service_id), "service")


@routes.post("/api/services/<service_id>/incidents/<incident_id>/resolve")
def resolve_incident(service_id: str, incident_id: str) -> ResponseReturnValue:
    body = request.get_json(silent=True)
    note: Any = body.get("body") if isinstance(body, dict) else None
    hub = _hub()
    with hub.lock:
        service = hub.services.get(service_id)
        incident = service.incidents.get(incident_id) if service else None
        if incident is None:
            return _json({"error": "unknown service or incident"}, 404)
        text = note if isinstance(note, str) else "Resolved by hand in StatusHub."
        incident.updates.append({"state": "resolved", "body": text, "time": _now()})
        incident.state = "resolved"
        return _json(incident.to_json())


@routes.delete("/api/requests")
@routes.delete("/api/faults")
def clear_log() -> ResponseReturnValue:
    hub = _hub()
    with hub.lock:
        (hub.requests if request.path.endswith("/requests") else hub.faults).clear()
    return "", 204


@routes.get("/api/requests")
def requests_log() -> ResponseReturnValue:
    hub = _hub()
    with hub.lock:
        return _json(copy.deepcopy(hub.requests))


@routes.route("/api/faults", methods=["GET", "POST"])
def faults() -> ResponseReturnValue:
    hub = _hub()
    with hub.lock:
        if request.method == "GET":
            return _json([asdict(fault) for fault in hub.faults])
        fault = parse_fault(request.get_json(silent=True), hub.new_id("fault"))
        if isinstance(fault, str):
            return _json({"error": fault}, 400)
        hub.faults.append(fault)
        return _json(asdict(fault), 201)


@routes.post("/api/receivers")
def create_receiver() -> ResponseReturnValue:
    body = request.get_json(silent=True)
    status: Any = body.get("status", 200) if isinstance(body, dict) else 200
    # A canned answer lets a receiver stand in for an API whose reply the sender reads (a ServiceNow sys_id).
    answer: Any = body.get("body") if isinstance(body, dict) else None
    if not (_is_int(status) and 100 <= status <= 599):
        return _json({"error": "status: must be 100-599"}, 400)
    hub = _hub()
    with hub.lock:
        receiver_id = hub.new_id("rcv")
        receiver = Receiver(receiver_id, f"{request.host_url}receivers/{receiver_id}", status, body=answer)
        hub.receivers[receiver_id] = receiver
        return _json(receiver.to_json(), 201)


@routes.get("/api/receivers/<receiver_id>")
def get_receiver(receiver_id: str) -> ResponseReturnValue:
    hub = _hub()
    with hub.lock:
        return _one(hub.receivers.get(receiver_id), "receiver")


@routes.route("/receivers/<receiver_id>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@routes.route("/receivers/<receiver_id>/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def receiver_endpoint(receiver_id: str, rest: str = "") -> ResponseReturnValue:
    hub = _hub()
    with hub.lock:
        receiver = hub.receivers.get(receiver_id)
        if receiver is None:
            return _json({"error": "unknown receiver"}, 404)
        receiver.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "query": request.args.to_dict(),
                "headers": dict(request.headers),
                "body": request.get_data(as_text=True),
                "json": request.get_json(force=True, silent=True),
                "time": _now(),
            }
        )
        status, answer = receiver.status, copy.deepcopy(receiver.body)
        received = len(receiver.requests)
    return _json({"ok": status < 400, "received": received} if answer is None else answer, status)


@routes.post("/api/reset")
def reset() -> ResponseReturnValue:
    hub = _hub()
    with hub.lock:
        hub.services.clear()
        hub.requests.clear()
        hub.faults.clear()
        hub.receivers.clear()
    return "", 204


def _page(services: list[dict[str, Any]], single: bool) -> str:
    for service in services:
        service["hook_url"] = _masked(service["hook_url"])
    return render_template_string(
        _PAGE,
        services=services,
        single=single,
        status_labels=SERVICE_STATUS_LABELS,
        state_labels=INCIDENT_STATE_LABELS,
    )


@routes.get("/")
def index() -> ResponseReturnValue:
    hub = _hub()
    with hub.lock:
        services = [service.to_json() for service in hub.services.values()]
    return _page(services, single=False)


@routes.get("/services/<service_id>")
def service_page(service_id: str) -> ResponseReturnValue:
    hub = _hub()
    with hub.lock:
        service = hub.services.get(service_id)
        snapshot = service.to_json() if service else None
    return _page([snapshot], single=True) if snapshot else ("Unknown service", 404)


def create_app(state: HubState | None = None) -> Flask:
    """The simulator's Flask app; pass `state` to inspect or share it, otherwise it gets a fresh one."""
    app = Flask(__name__)
    app.extensions["statushub"] = state if state is not None else HubState()
    app.register_blueprint(routes)
    return app


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>StatusHub simulator</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f5f6f8;color:#1f2933}
main{max-width:760px;margin:0 auto;padding:24px 16px}
h1{font-size:1.4rem;margin:0 0 16px} a{color:inherit}
.card{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:16px 20px;margin-bottom:16px}
.head{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap}
.name{font-size:1.1rem;font-weight:600}
.badge{border-radius:999px;padding:4px 12px;font-size:.85rem;font-weight:600;color:#fff}
.up{background:#2e9e5b}.down{background:#d64545}.degraded-performance{background:#d98e04}
.hook,.muted{font-size:.8rem;color:#6b7280}.hook{font-family:ui-monospace,monospace;margin:6px 0 0}
.incident{border-top:1px solid #eef0f2;margin-top:12px;padding-top:12px}
.incident h3{font-size:1rem;margin:0 0 6px}
.state{font-size:.8rem;font-weight:600;color:#6b7280}
ol{list-style:none;margin:6px 0 0;padding:0 0 0 12px;border-left:2px solid #e1e4e8} li{margin:0 0 8px}
</style></head>
<body><main>
<h1>StatusHub simulator</h1>
{% if single %}<p><a href="/">&larr; All services</a></p>{% endif %}
{% for s in services %}
<section class="card">
  <div class="head">
    <a class="name" href="/services/{{ s.id }}">{{ s.name }}</a>
    <span class="badge {{ s.status }}">{{ status_labels[s.status] }}</span>
  </div>
  <p class="hook">{{ s.hook_url }}</p>
  {% for i in s.incidents | reverse %}
  <div class="incident">
    <h3>{{ i.title }} <span class="state">{{ state_labels[i.state] }}</span></h3>
    <ol>{% for u in i.updates | reverse %}
      <li><span class="muted">{{ u.time }}</span> <span class="state">{{ state_labels[u.state] }}</span>
        &mdash; {{ u.body }}</li>{% endfor %}
    </ol>
  </div>
  {% else %}<p class="muted">No incidents.</p>{% endfor %}
</section>
{% else %}
<p class="muted">No services yet &mdash; <code>make demo</code> creates one.</p>
{% endfor %}
</main></body></html>
"""


class _QuietRequestHandler(WSGIRequestHandler):
    # An embedded simulator would otherwise print one line per request into every test run.
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class StatusHubSimulator:
    """Serves the simulator on a background daemon thread; `with StatusHubSimulator() as hub:` starts it."""

    def __init__(self) -> None:
        self.state = HubState()
        self.app = create_app(self.state)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._host = "127.0.0.1"

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        if self._server is not None:
            raise RuntimeError("StatusHubSimulator is already running")
        server = make_server(host, port, self.app, threaded=True, request_handler=_QuietRequestHandler)
        self._server, self._host = server, "127.0.0.1" if host in ("", "0.0.0.0") else host
        # A short poll interval keeps stop() fast enough to start a fresh simulator per test.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="statushub", daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("StatusHubSimulator is not running")
        return f"http://{self._host}:{self._server.server_port}"

    def __enter__(self) -> StatusHubSimulator:
        if self._server is None:
            self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve(app: Flask, description: str, default_port: int, argv: list[str] | None) -> None:
    """Serve a simulator app in the foreground until interrupted (the CLI of each simulator)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, app, threaded=True)
    print(f"http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv: list[str] | None = None) -> None:
    serve(create_app(), "Run the StatusHub simulator in the foreground.", 8025, argv)


if __name__ == "__main__":
    main()
