"""Status-page API simulators mounted together: StatusHub API v3 (`local.statushub_api`) and Atlassian
Statuspage v1 (`local.statuspage`), with one browser page for both (DESIGN §7).

They mount on the StatusHub simulator's Flask app, so one server (stack.json's `statushub_url`, and
`statuspage_url` may name the same host) serves the hook, both APIs, and one request log and fault list:

    app = statushub.create_app(hub_state)
    pages = status_pages.mount(app)            # mount(app, clock=...) to drive time in tests
    # StatusHub v3: POST /api/hubs, /api/hubs/{hub}/services; GET /api/hubs/{hub}/services/{id}; /api/v3/...
    # Statuspage:   POST /api/pages, /api/pages/{page}/components; GET …/components/{id}, …/incidents; /v1/...
    # Browser:      /status-pages, /status-pages/hubs/{hub}, /status-pages/pages/{page}

Requests to both APIs appear in `GET /api/requests` with `service_id` = the hub or page id, and
`POST /api/faults {"service_id": <hub or page id>, ...}` injects faults into them.

    python -m local.status_pages --host 127.0.0.1 --port 8026
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Blueprint, Flask, current_app, render_template_string

from local import statushub_api, statuspage
from local.status_page_gate import system_clock
from local.statushub import (
    INCIDENT_STATE_LABELS,
    SERVICE_STATUS_LABELS,
    HubState,
    StatusHubSimulator,
    create_app,
    serve,
)

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from local.status_page_gate import Clock


@dataclass
class StatusPages:
    """The two simulators' states, for tests and the local stack to inspect or reset."""

    hubs: statushub_api.HubsState
    pages: statuspage.PagesState

    def reset(self) -> None:
        with self.hubs.lock:
            self.hubs.reset()
        with self.pages.lock:
            self.pages.reset()


browser = Blueprint("status_pages", __name__)


def _mounted() -> StatusPages:
    mounted: StatusPages = current_app.extensions["status_pages"]
    return mounted


def mount(app: Flask, clock: Clock | None = None) -> StatusPages:
    """Serve both status-page APIs and their page on `app`; `clock` (default: UTC now) drives every time."""
    now = clock or system_clock
    mounted = StatusPages(statushub_api.HubsState(clock=now), statuspage.PagesState(clock=now))
    app.extensions["statushub_api"] = mounted.hubs
    app.extensions["statuspage"] = mounted.pages
    app.extensions["status_pages"] = mounted
    for blueprint in (statushub_api.admin, statushub_api.api, statuspage.admin, statuspage.api, browser):
        app.register_blueprint(blueprint)
    return mounted


def create_status_pages_app(clock: Clock | None = None, hub: HubState | None = None) -> Flask:
    """The StatusHub simulator's app with both status-page APIs mounted on it."""
    app = create_app(hub)
    mount(app, clock)
    return app


@browser.post("/api/status-pages/reset")
def reset() -> ResponseReturnValue:
    _mounted().reset()
    return "", 204


def _render(hub_id: str | None = None, page_id: str | None = None, *, single: bool = False) -> str:
    mounted = _mounted()
    hubs = [] if page_id else statushub_api.hub_views(mounted.hubs, hub_id)
    pages = [] if hub_id else statuspage.page_views(mounted.pages, page_id)
    return render_template_string(
        _PAGE,
        hubs=hubs,
        pages=pages,
        single=single,
        service_labels=SERVICE_STATUS_LABELS,
        state_labels=INCIDENT_STATE_LABELS,
        component_labels=statuspage.COMPONENT_STATUS_LABELS,
    )


@browser.get("/status-pages")
def index() -> ResponseReturnValue:
    return _render()


@browser.get("/status-pages/hubs/<hub_id>")
def hub_page(hub_id: str) -> ResponseReturnValue:
    with _mounted().hubs.lock:
        known = hub_id in _mounted().hubs.hubs
    return _render(hub_id=hub_id, single=True) if known else ("Unknown hub", 404)


@browser.get("/status-pages/pages/<page_id>")
def statuspage_page(page_id: str) -> ResponseReturnValue:
    with _mounted().pages.lock:
        known = page_id in _mounted().pages.pages
    return _render(page_id=page_id, single=True) if known else ("Unknown page", 404)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>Status pages simulator</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f5f6f8;color:#1f2933}
main{max-width:820px;margin:0 auto;padding:24px 16px}
h1{font-size:1.4rem;margin:0 0 16px} h2{font-size:1.15rem;margin:24px 0 8px} a{color:inherit}
.card{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:16px 20px;margin-bottom:16px}
.head{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap}
.name{font-size:1.05rem;font-weight:600}
.badge{border-radius:999px;padding:4px 12px;font-size:.85rem;font-weight:600;color:#fff;background:#6b7280}
.up,.operational{background:#2e9e5b}.down,.major_outage{background:#d64545}.partial_outage{background:#e36b2c}
.degraded-performance,.degraded_performance{background:#d98e04}.under_maintenance{background:#3b82f6}
.muted{font-size:.8rem;color:#6b7280}
.item{border-top:1px solid #eef0f2;margin-top:12px;padding-top:12px} .item h3{font-size:1rem;margin:0 0 6px}
.state{font-size:.8rem;font-weight:600;color:#6b7280}
ol{list-style:none;margin:6px 0 0;padding:0 0 0 12px;border-left:2px solid #e1e4e8} li{margin:0 0 8px}
</style></head>
<body><main>
<h1>Status pages simulator</h1>
{% if single %}<p><a href="/status-pages">&larr; All hubs and pages</a></p>{% endif %}
{% for h in hubs %}
<h2>StatusHub hub <a href="/status-pages/hubs/{{ h.id }}">{{ h.name }}</a>
  <span class="muted">{{ h.id }}</span></h2>
{% for s in h.services %}
<section class="card">
  <div class="head"><span class="name">{{ s.name }} <span class="muted">#{{ s.id }}</span></span>
    <span class="badge {{ s.status }}">{{ service_labels[s.status] }}</span></div>
  {% for m in s.maintenances | reverse %}
  <div class="item"><h3>Maintenance: {{ m.title }} <span class="state">{{ m.state }}</span></h3>
    <p class="muted">{{ m.start }} &rarr; {{ m.end }}</p></div>
  {% endfor %}
  {% for i in s.incidents | reverse %}
  <div class="item"><h3>{{ i.title }} <span class="state">{{ state_labels[i.state] }}</span>
    {% if i.silent %}<span class="muted">silent</span>{% endif %}</h3>
    <ol>{% for u in i.updates | reverse %}
      <li><span class="muted">{{ u.time }}</span> <span class="state">{{ state_labels[u.state] }}</span>
        &mdash; {{ u.body }}</li>{% endfor %}</ol></div>
  {% else %}<p class="muted">No incidents.</p>{% endfor %}
</section>
{% else %}<p class="muted">No services.</p>{% endfor %}
{% endfor %}
{% for p in pages %}
<h2>Statuspage <a href="/status-pages/pages/{{ p.id }}">{{ p.name }}</a>
  <span class="muted">{{ p.id }}</span></h2>
<section class="card">
  {% for c in p.components %}
  <div class="head"><span class="name">{{ c.name }} <span class="muted">{{ c.id }}</span></span>
    <span class="badge {{ c.status }}">{{ component_labels[c.status] }}</span></div>
  {% else %}<p class="muted">No components.</p>{% endfor %}
  {% for i in p.incidents %}
  <div class="item"><h3>{% if i.scheduled_for %}Maintenance: {% endif %}{{ i.name }}
    <span class="state">{{ i.status }}</span> <span class="muted">impact {{ i.impact }}</span></h3>
    {% if i.scheduled_for %}
    <p class="muted">{{ i.scheduled_for }} &rarr; {{ i.scheduled_until }}</p>{% endif %}
    <ol>{% for u in i.incident_updates %}
      <li><span class="muted">{{ u.created_at }}</span> <span class="state">{{ u.status }}</span>
        &mdash; {{ u.body }}</li>{% endfor %}</ol></div>
  {% else %}<p class="muted">No incidents.</p>{% endfor %}
</section>
{% endfor %}
{% if not hubs and not pages %}<p class="muted">No hubs or pages yet.</p>{% endif %}
</main></body></html>
"""


class StatusPagesSimulator(StatusHubSimulator):
    """The StatusHub simulator with both status-page APIs mounted, on a background thread."""

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__()
        self.status_pages = mount(self.app, clock)

    def __enter__(self) -> StatusPagesSimulator:
        super().__enter__()
        return self


def main(argv: list[str] | None = None) -> None:
    serve(create_status_pages_app(), "Run the StatusHub simulator with both status-page APIs.", 8026, argv)


if __name__ == "__main__":
    main()
