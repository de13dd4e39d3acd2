"""The flow both status-page APIs share: an incident is created once per (IncidentKey, target), its id
is kept, and every later alert of that incident (the Ok, a flap's new Alert, the resolve) updates it."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

from alerting.delivery.outbound import Outbound
from alerting.delivery.transport import Verdict
from alerting.errors import NothingToSendError
from alerting.integrations.spec import OutgoingRequest, Rendering
from alerting.models.alert import AlertType

StatusPageSend = Callable[[Outbound, Rendering], None]


def send_to_status_page(out: Outbound, incident: StatusPageSend, maintenance: StatusPageSend) -> None:
    """A maintenance notice publishes its window; every other alert goes to the incident."""
    given = out.rendering()
    (incident if given.alert.maintenance is None else maintenance)(out, given)


def send_incident(
    out: Outbound, url: str, auth: dict[str, str], body: object, update_method: str, update_suffix: str = ""
) -> None:
    """Create the target's incident (POST to the collection `url`), or update the one we opened there
    (`update_method` to `url/<id><update_suffix>`); keep the id the page returns."""
    alert, store = out.job.alert, out.channels.status_pages
    integration_guid, target = out.integration.integration_guid, out.job.target
    incident_id = store.incident_id(integration_guid, alert.incident_key, target)
    if incident_id is not None:
        item = f"{url}/{quote(incident_id, safe='')}{update_suffix}"
        out.send(OutgoingRequest(update_method, item, auth, json_body=body))
        return
    if alert.alert_type is not AlertType.ERROR:
        raise NothingToSendError("no incident was opened on the status page for this IncidentKey")
    result = out.send(OutgoingRequest("POST", url, auth, json_body=body))
    created = _incident_id(result.exchange.response_excerpt) if result.verdict is Verdict.DELIVERED else None
    if created is not None:
        store.remember(integration_guid, alert.incident_key, target, created, out.now)


def send_maintenance(
    out: Outbound,
    create: Callable[[], OutgoingRequest],
    complete: Callable[[str], OutgoingRequest],
    update: Callable[[str], OutgoingRequest] | None,
) -> None:
    """Publish the notice's window; a window published before is updated to the notice's end (or, where
    the page cannot change one, `update` None, completed and published again), and completed when the
    notice ends it now. The page's id of the window is kept for the next notice."""
    job, store = out.job, out.channels.status_pages
    window = job.alert.maintenance
    assert window is not None
    published = store.maintenance_id(job)
    if window.is_completion(out.now):
        if published is None:
            raise NothingToSendError("no maintenance window was published on the status page for this notice")
        if out.send(complete(published)).verdict is Verdict.DELIVERED:
            store.forget_maintenance(job)
        return
    if published is not None and update is not None:
        if out.send(update(published)).verdict is Verdict.DELIVERED:
            store.remember_maintenance(job, published)
        return
    if published is not None:
        if out.send(complete(published)).verdict is not Verdict.DELIVERED:
            return
        store.forget_maintenance(job)  # a retry after a failed create publishes, not deletes, again
    result = out.send(create())
    created = _incident_id(result.exchange.response_excerpt) if result.verdict is Verdict.DELIVERED else None
    if created is not None:
        store.remember_maintenance(job, created)


def _incident_id(response: str) -> str | None:
    """`id` of the created incident (both APIs answer with the incident object)."""
    try:
        found = json.loads(response).get("id")
    except (ValueError, AttributeError):
        return None
    return str(found) if isinstance(found, str | int) and str(found) else None
