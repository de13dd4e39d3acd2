"""Which addresses delivery may connect to, and a transport that connects only to the address it checked.

A webhook URL is user input: without this, an alert could be aimed at the cloud metadata service or a
host on the private network (SSRF). Every address a host resolves to must be public (or inside an
allow-listed range); the connection then goes to that very address, with the original Host header and
TLS server name, so a second DNS answer (rebinding) cannot redirect it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import httpx

from alerting.errors import ForbiddenAddressError

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
            addresses = [ipaddress.ip_address(answer) for answer in self.resolve(host, port)]
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
