"""Alerts per monitor with each alert's decision record ("why it was or was not sent") and delivery
attempts (`Resend`), and the dead letters (`Redrive`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from alerting.console.forms import attempt
from alerting.console.replies import Reply
from alerting.console.views import Console, Request, listing, page
from alerting.integrations import spec_for_public
from alerting.models.alert import Decision, LevelDecision
from alerting.models.api import AlertResource
from alerting.models.delivery import DeliveryAttempt

HISTORY_SIZE = 50
# Integrations named on the page: the config API's largest page.
ALL = 1000
REDRIVE_DEFAULT_DAYS = 14
# Dead letters listed per queue; SQS shows a few at a time, so a long queue is shown in part.
DEAD_LETTERS_SHOWN = 100


@dataclass(frozen=True)
class AlertRow:
    """One alert with why it went out (or did not) and every delivery attempt made for it."""

    alert: AlertResource
    why: list[tuple[Decision, LevelDecision]]
    attempts: list[DeliveryAttempt]


def alerts(console: Console, request: Request) -> Reply:
    lister = console.api.list_monitors
    return listing(console, request, lister, "alerts.html", section="alerts", title="Alerts")


def monitor_alerts(console: Console, request: Request, monitor_guid: UUID) -> Reply:
    monitor = console.api.get_monitor(monitor_guid)
    cursor = request.query.get("cursor") or None
    history = console.api.list_monitor_alerts(monitor_guid, HISTORY_SIZE, cursor, False, None, None, True)
    recent = console.api.list_decisions(monitor_guid, HISTORY_SIZE, None)
    decisions = [item.attributes for item in recent.data]
    rows = [
        AlertRow(
            alert,
            [
                (decision, level)
                for decision in decisions
                for level in decision.levels
                if level.alert_guid == alert.id
            ],
            console.api.list_messages(alert.id),
        )
        for alert in history.data
    ]
    integrations = console.api.list_integrations(ALL, None)[0]
    names = {view.integration_guid: view.name for view in integrations}
    # A StatusHub target is a service guid: show the service's name.
    targets = {
        str(service.integration_service_guid): service.name
        for view in integrations
        if spec_for_public(view.type, view.template).services
        for service in console.api.list_services(view.integration_guid)
    }
    return page(
        console,
        request,
        "monitor_alerts.html",
        section="alerts",
        title=f"Alerts of {monitor.name}",
        monitor=monitor,
        rows=rows,
        decisions=decisions,
        integration_names=names,
        target_names=targets,
        next_cursor=history.cursors.next,
    )


def resend(console: Console, request: Request, monitor_guid: UUID) -> Reply:
    form = request.form
    _, errors = attempt(
        lambda: console.api.resend_message(
            UUID(form.get("AlertGuid")), UUID(form.get("IntegrationGuid")), form.get("Target")
        )
    )
    if errors:
        return monitor_alerts(console, request, monitor_guid)
    return Reply.redirect(request.url(f"/alerts/{monitor_guid}", "resent"))


def dead_letters(console: Console, request: Request, errors: dict[str, str] | None = None) -> Reply:
    since = datetime.now(console.zone) - timedelta(days=REDRIVE_DEFAULT_DAYS)
    return page(
        console,
        request,
        "dead_letters.html",
        section="dead-letters",
        title="Dead letters",
        errors=errors,
        default_since=since.strftime("%Y-%m-%dT%H:%M"),
        letters=console.api.list_dead_letters(DEAD_LETTERS_SHOWN),
        shown=DEAD_LETTERS_SHOWN,
        redriven=request.query.get("redriven"),
        kept=request.query.get("kept"),
    )


def redrive(console: Console, request: Request) -> Reply:
    text = request.form.get("Since")
    try:
        since = datetime.fromisoformat(text).replace(tzinfo=console.zone)
    except ValueError:
        return dead_letters(console, request, {"Since": "is not a date and time"})
    result, errors = attempt(lambda: console.api.redrive_dead_letters(since))
    if result is None:
        return dead_letters(console, request, errors)
    return Reply.redirect(request.url(f"/dead-letters?redriven={result.redriven}&kept={result.kept}"))
