"""One HTTP exchange with a target: refuse forbidden addresses, send with httpx, classify the answer.

A webhook URL is user input: without the address check, an alert could be aimed at the cloud metadata
service or a host on the private network (SSRF). Every address a host resolves to must be public (or
inside an allow-listed range); the connection then goes to that very address, with the original Host
header and TLS server name, so a second DNS answer (rebinding) cannot redirect it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

import httpx

from alerting.errors import ForbiddenAddressError
from alerting.integrations.spec import OutgoingRequest
from alerting.masking import mask_headers, mask_url
from alerting.models.delivery import HttpExchange

EXCERPT_CHARS = 2000


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRYABLE = "retryable"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    exchange: HttpExchange
    error: str = ""
    retry_after_seconds: float | None = None
    # A timeout or a 429: the target is overloaded, so the next attempt waits longer.
    throttled: bool = False


def classify(status_code: int) -> Verdict:
    """2xx delivered; 408, 429 and 5xx worth another try; any other answer is final."""
    if 200 <= status_code < 300:
        return Verdict.DELIVERED
    if status_code in (408, 429) or status_code >= 500:
        return Verdict.RETRYABLE
    return Verdict.PERMANENT


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds, from either of its forms (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


def send(client: httpx.Client, request: OutgoingRequest, now: datetime) -> Result:
    """One exchange; the client's transport refuses forbidden addresses (ForbiddenAddressError)."""
    body = request.body()
    headers = {"content-type": request.content_type, **request.headers} if body else dict(request.headers)
    sent = HttpExchange(
        method=request.method,
        url=mask_url(request.url),
        request_headers=mask_headers(headers),
        request_body=body,
    )
    try:
        response = client.request(
            request.method, request.url, headers=_wire_headers(headers), content=body or None
        )
    except httpx.TimeoutException as exc:
        return Result(Verdict.RETRYABLE, sent, error=f"timed out: {type(exc).__name__}", throttled=True)
    except httpx.TransportError as exc:
        return Result(Verdict.RETRYABLE, sent, error=f"connection failed: {type(exc).__name__}: {exc}")
    exchange = sent.model_copy(
        update={
            "status_code": response.status_code,
            "response_headers": mask_headers(dict(response.headers)),
            "response_excerpt": response.text[:EXCERPT_CHARS],
        }
    )
    verdict = classify(response.status_code)
    error = "" if verdict is Verdict.DELIVERED else f"HTTP {response.status_code}"
    return Result(
        verdict,
        exchange,
        error,
        retry_after_seconds(response.headers.get("retry-after"), now),
        throttled=response.status_code == 429,
    )


def _wire_headers(headers: dict[str, str]) -> dict[bytes, bytes]:
    """Header values as UTF-8 bytes: a rendered value may hold any character ("Café Zürich shop"),
    which httpx would refuse to encode as ASCII."""
    return {name.encode(): value.encode() for name, value in headers.items()}


IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[str]]

SCHEMES = ("http", "https")
# Cloud metadata endpoints, refused even when a wider allow-list would let their range through.
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
# Not global, but named so the refusal says which rule applied.
CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (A and AAAA)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from exc
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


def _system_resolver(host: str, port: int) -> Sequence[str]:
    # Looked up at call time, so tests can swap the module's resolver for a table.
    return system_resolver(host, port)


# Lookups run here so a caller can stop waiting; a stuck lookup holds one worker, not the attempt.
_lookups = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dns")


def _bounded(resolve: Resolver, host: str, port: int, timeout: float) -> Sequence[str]:
    lookup = _lookups.submit(resolve, host, port)
    try:
        return lookup.result(timeout=timeout)
    except FuturesTimeout as exc:
        raise httpx.ConnectTimeout(f"resolving {host} took longer than {timeout:g} s") from exc


_RULES: tuple[tuple[Callable[[IpAddress], bool], str], ...] = (
    (lambda address: address.is_multicast, "a multicast address"),
    (lambda address: address.is_loopback, "a loopback address"),
    (lambda address: address.is_link_local, "a link-local address"),
    (lambda address: address in CARRIER_GRADE_NAT, "a carrier-grade NAT address"),
    (lambda address: address.is_private or not address.is_global, "a private or reserved address"),
)


def refusal(address: IpAddress, allowed: Iterable[IpNetwork] = ()) -> str | None:
    """Why delivery may not connect to address, or None when it may."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal(address.ipv4_mapped, allowed)
    if any(address in network for network in allowed):
        return None
    return next((reason for rule, reason in _RULES if rule(address)), None)


@dataclass(frozen=True)
class AddressPolicy:
    """Refuses URLs that are not http(s) or whose host resolves to a non-public address."""

    allowed: tuple[IpNetwork, ...] = ()
    resolve: Resolver = field(default=_system_resolver)
    # A lookup that hangs must not hold the attempt past its own timeout (getaddrinfo has none).
    resolve_timeout: float = 15.0

    def check_url(self, url: str) -> IpAddress:
        """The address to connect to for url; raises ForbiddenAddressError if any address is refused."""
        parsed = httpx.URL(url)
        if parsed.scheme not in SCHEMES:
            raise ForbiddenAddressError(f"only http and https URLs are allowed, not {parsed.scheme!r}")
        host = parsed.host
        if not host:
            raise ForbiddenAddressError("the URL has no host")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            answers = _bounded(self.resolve, host, port, self.resolve_timeout)
            addresses = [ipaddress.ip_address(answer) for answer in answers]
        if not addresses:
            raise httpx.ConnectError(f"{host} has no address")
        for address in addresses:
            if reason := refusal(address, self.allowed):
                raise ForbiddenAddressError(f"{host} resolves to {address}, {reason}")
        return addresses[0]

    def check_at_save(self, url: str) -> None:
        """Refuse a URL when it is saved; a host that does not resolve now is checked again at send."""
        try:
            self.check_url(url)
        except httpx.TransportError:
            return


class PinnedTransport(httpx.BaseTransport):
    """Checks each request's host, then connects to the checked address with the original Host and SNI."""

    def __init__(
        self, policy: AddressPolicy, inner: Callable[[], httpx.BaseTransport] = httpx.HTTPTransport
    ) -> None:
        self._policy = policy
        self._new_inner = inner
        # One connection pool per host name: pools are keyed by address, and a kept-alive TLS
        # connection verified for one name must not carry requests for another name on the same address.
        self._inner: dict[str, httpx.BaseTransport] = {}
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        address = self._policy.check_url(str(request.url))
        host = request.url.host
        if host != str(address).lower() and host.strip("[]") != str(address):
            # The Host header was set from the original URL when the request was built; keep it.
            request.url = request.url.copy_with(host=str(address))
            if request.url.scheme == "https":
                request.extensions = {**request.extensions, "sni_hostname": host}
        with self._lock:
            inner = self._inner.get(host) or self._inner.setdefault(host, self._new_inner())
        return inner.handle_request(request)

    def close(self) -> None:
        with self._lock:
            for inner in self._inner.values():
                inner.close()
            self._inner.clear()
