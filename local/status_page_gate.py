"""Front door of the simulated status-page APIs: their clock, time format, rate limits, and the request log
and injected faults they share with the StatusHub simulator (`local.statushub`) when mounted on its app."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from flask import Response, current_app, g, jsonify, request

if TYPE_CHECKING:
    from local.statushub import HubState

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_time(value: Any, *, utc_only: bool) -> datetime | None:
    """An aware datetime from an ISO 8601 string with a zone (UTC only when `utc_only`), else None."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    offset = moment.utcoffset()
    if offset is None or (utc_only and offset.total_seconds() != 0):
        return None
    return moment


def is_int(value: Any) -> bool:
    # JSON true/false parse to bool, an int subclass; neither vendor accepts them as ids.
    return isinstance(value, int) and not isinstance(value, bool)


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(payload)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def record_json(
    record: Any, *, leaving_out: Collection[str] = (), renamed: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A simulator record (a dataclass) as its API shows it: its fields but `leaving_out`, under their
    API names, times in ISO 8601 UTC, records inside as their own JSON and the rest copied."""
    names = renamed or {}
    return {
        names.get(f.name, f.name): _plain(getattr(record, f.name))
        for f in fields(record)
        if f.name not in leaving_out
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if hasattr(value, "to_json"):
        return value.to_json()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def created_by_name(
    lock: threading.Lock, build: Callable[[str], dict[str, Any] | None], unknown: str
) -> Response:
    """An admin create (a hub, a page, a service, a component): 400 without a `name`, 404 `unknown` when
    `build` (called under `lock`) finds no parent and returns None, else 201 with what it returns."""
    name = required_name()
    if not isinstance(name, str):
        return name
    with lock:
        made = build(name)
    return json_response({"error": unknown}, 404) if made is None else json_response(made, 201)


@dataclass
class Owner:
    """A hub or a page: what its API key opens."""

    id: str
    name: str
    api_key: str


class KeyHolder(Protocol):
    id: str
    api_key: str


Holder = TypeVar("Holder", bound=KeyHolder)


def create_owner(
    lock: threading.Lock, owners: dict[str, Holder], make: Callable[[str], Holder], api_path: str
) -> Response:
    """The admin create of a hub or a page: its id, its API key and the API's URL on this simulator."""

    def build(name: str) -> dict[str, Any]:
        owner = make(name)
        owners[owner.id] = owner
        return {"id": owner.id, "api_key": owner.api_key, "api_url": f"{request.host_url}{api_path}"}

    return created_by_name(lock, build, "")


def create_part(
    lock: threading.Lock,
    owners: Mapping[str, Holder],
    owner_id: str,
    add: Callable[[Holder, str], int | str],
    unknown: str,
) -> Response:
    """The admin create of a hub's service or a page's component: `add` files it and returns its id."""

    def build(name: str) -> dict[str, Any] | None:
        owner = owners.get(owner_id)
        return None if owner is None else {"id": add(owner, name), "name": name}

    return created_by_name(lock, build, unknown)


def key_owner(holders: Iterable[Holder], key: str) -> Holder | None:
    """The hub or page whose API key is `key`, compared in constant time; None for an empty or unknown one."""
    return next((h for h in holders if key and secrets.compare_digest(h.api_key, key)), None)


def authenticated(
    lock: threading.Lock,
    owners: Mapping[str, Holder],
    owner_id: str | None,
    key: str,
    refusals: tuple[str, str],
) -> Holder | Response:
    """The front of every API request: logged, any injected fault applied, then the hub or page whose
    API key it carries, or the refusal (`refusals`: the vendor's 401 text, then its 404 text for a key
    of another hub or page)."""
    with lock:
        known = owner_id in owners
    refused = open_request(owner_id if known else None)
    if refused is not None:
        return refused
    with lock:
        owner = key_owner(owners.values(), key)
    if owner is None:
        return json_response({"error": refusals[0]}, 401)
    return owner if owner.id == owner_id else json_response({"error": refusals[1]}, 404)


def required_name() -> str | Response:
    """The non-empty `name` of an admin request's JSON body, or the 400 both simulators answer without one."""
    body = request.get_json(silent=True)
    name: Any = body.get("name") if isinstance(body, dict) else None
    if isinstance(name, str) and name.strip():
        return name
    return json_response({"error": "name: must be a non-empty string"}, 400)


@dataclass
class RateLimit:
    """At most `limit` admitted requests per sliding `window_s` seconds per key (an API key)."""

    limit: int
    window_s: float
    hits: dict[str, deque[float]] = field(default_factory=dict)

    def admit(self, key: str, now: datetime) -> int | None:
        """Count one request and return None, or refuse it and return the whole seconds to wait."""
        at = now.timestamp()
        hits = self.hits.setdefault(key, deque())
        while hits and hits[0] <= at - self.window_s:
            hits.popleft()
        if len(hits) >= self.limit:
            return max(1, math.ceil(hits[0] + self.window_s - at))
        hits.append(at)
        return None


def too_many_requests(retry_after: int, message: str) -> Response:
    return json_response({"error": message}, 429, {"Retry-After": str(retry_after)})


def open_request(owner_id: str | None) -> Response | None:
    """Log the request in the StatusHub simulator's request log, if it shares the app, and apply the next
    injected fault for `owner_id` (a hub or page id; faults without a service_id match any)."""
    hub: HubState | None = current_app.extensions.get("statushub")
    if hub is None:
        return None
    with hub.lock:
        entry: dict[str, Any] = {
            "service_id": owner_id,
            "method": request.method,
            "path": request.path,
            "query": request.args.to_dict(),
            "headers": dict(request.headers),
            "json": request.get_json(force=True, silent=True),
            "time": iso(system_clock()),
            "status": None,
        }
        hub.requests.append(entry)
        fault = hub.take_fault(owner_id) if owner_id else None
    g.status_page_log_entry = entry
    if fault and fault.delay_s:
        time.sleep(fault.delay_s)
    if fault and fault.status is not None:
        return json_response({"error": "injected fault"}, fault.status, fault.headers)
    return None


def close_request(response: Response) -> Response:
    """Record what the simulator answered in the request's log entry."""
    entry: dict[str, Any] | None = g.pop("status_page_log_entry", None)
    hub: HubState | None = current_app.extensions.get("statushub")
    if entry is not None and hub is not None:
        with hub.lock:
            entry["status"] = response.status_code
    return response
