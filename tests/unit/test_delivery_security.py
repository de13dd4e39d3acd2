"""SSRF refusals, address pinning, Standard Webhooks signatures and secret masking, as tables."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from alerting.delivery.secrets import SecretResolver
from alerting.delivery.signing import signature_headers
from alerting.delivery.transport import AddressPolicy, PinnedTransport, refusal
from alerting.errors import ForbiddenAddressError
from alerting.masking import keep_masked, mask_value

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NEXT_SECRET = "whsec_dGhpcyBpcyB0aGUgbmV4dCBzZWNyZXQgb2Yga2V5cw=="


@pytest.mark.parametrize(
    ("address", "allowed", "reason"),
    [
        ("93.184.216.34", (), None),
        ("2606:2800:220:1:248:1893:25c8:1946", (), None),
        ("127.0.0.1", (), "a loopback address"),
        ("127.0.0.1", LOOPBACK, None),
        ("::1", (), "a loopback address"),
        ("10.0.0.5", (), "a private or reserved address"),
        ("172.16.3.4", (), "a private or reserved address"),
        ("192.168.1.1", (), "a private or reserved address"),
        ("169.254.10.10", (), "a link-local address"),
        ("169.254.169.254", (), "a cloud metadata address"),
        ("169.254.169.254", (ipaddress.ip_network("0.0.0.0/0"),), "a cloud metadata address"),
        ("fd00:ec2::254", (), "a cloud metadata address"),
        ("100.64.0.1", (), "a carrier-grade NAT address"),
        ("100.127.255.254", (), "a carrier-grade NAT address"),
        ("224.0.0.1", (), "a multicast address"),
        ("ff02::1", (), "a multicast address"),
        ("fe80::1", (), "a link-local address"),
        ("fc00::1", (), "a private or reserved address"),
        ("0.0.0.0", (), "a private or reserved address"),
        ("::ffff:10.0.0.1", (), "a private or reserved address"),  # IPv4-mapped IPv6
        ("::ffff:127.0.0.1", LOOPBACK, None),
    ],
)
def test_refused_addresses(
    address: str, allowed: tuple[ipaddress.IPv4Network, ...], reason: str | None
) -> None:
    assert refusal(ipaddress.ip_address(address), allowed) == reason


def table(answers: dict[str, list[str]]) -> AddressPolicy:
    return AddressPolicy(resolve=lambda host, port: answers[host])


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example/x",
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://localhost:8080/",  # resolves to loopback
        "https://split.example/",  # one public and one private answer
    ],
)
def test_urls_refused(url: str) -> None:
    policy = table({"localhost": ["127.0.0.1"], "split.example": ["93.184.216.34", "10.0.0.1"]})
    with pytest.raises(ForbiddenAddressError):
        policy.check_url(url)


def test_the_connection_goes_to_the_checked_address_with_the_original_name() -> None:
    answers = {"hooks.example": ["93.184.216.34"]}
    seen: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    policy = AddressPolicy(resolve=lambda host, port: answers[host])
    client = httpx.Client(transport=PinnedTransport(policy, inner=lambda: httpx.MockTransport(receiver)))
    client.post("https://hooks.example/in?x=1", content="{}")
    (request,) = seen
    assert (request.url.host, request.url.path, request.url.query) == ("93.184.216.34", "/in", b"x=1")
    assert request.headers["host"] == "hooks.example"
    assert request.extensions["sni_hostname"] == "hooks.example"

    answers["hooks.example"] = ["169.254.169.254"]  # DNS rebinding: the next answer is the metadata service
    with pytest.raises(ForbiddenAddressError):
        client.post("https://hooks.example/in", content="{}")
    assert len(seen) == 1


def test_an_unresolvable_host_is_a_connection_error_at_send_and_accepted_at_save() -> None:
    def nowhere(host: str, port: int) -> list[str]:
        raise httpx.ConnectError(f"cannot resolve {host}")

    policy = AddressPolicy(resolve=nowhere)
    with pytest.raises(httpx.ConnectError):
        policy.check_url("https://gone.example/")
    policy.check_at_save("https://gone.example/")


def test_signature_verifies_with_either_secret_during_a_rotation() -> None:
    now = datetime.now(UTC)  # the verifier checks the timestamp against its own clock
    body = '{"type":"incident"}'
    headers = signature_headers("alert.target", now, body, [SECRET, NEXT_SECRET])
    assert headers["webhook-id"] == "alert.target"
    assert headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (SECRET, NEXT_SECRET):
        assert Webhook(secret).verify(body, headers) == {"type": "incident"}
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify('{"type":"tampered"}', headers)


def test_no_secret_no_signature() -> None:
    assert "webhook-signature" not in signature_headers("a.t", datetime(2026, 11, 22, tzinfo=UTC), "{}", [])


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("Password", "hunter2", "****"),
        ("ApiKey", "abc", "****"),
        ("RoutingKey", "abc", "****"),
        ("AuthHeader", "Bearer x", "****"),
        ("ApiKey", "ssm:/alerting/pagerduty", "ssm:/alerting/pagerduty"),  # a reference is not the secret
        ("ApiUrl", "https://api.example/v1?token=0123456789abcdef", "https://api.example/v1?token=0123****"),
        ("Channel", "#ops", "#ops"),
    ],
)
def test_variables_are_masked(name: str, value: str, shown: str) -> None:
    assert mask_value(name, value) == shown


def test_a_masked_value_written_back_keeps_the_stored_secret() -> None:
    stored = {"ApiKey": "abc", "Channel": "#ops"}
    given = {"ApiKey": "****", "Channel": "#alerts", "New": "x"}
    assert keep_masked(given, stored) == {"ApiKey": "abc", "Channel": "#alerts", "New": "x"}


def test_references_are_read_once_per_cache_period() -> None:
    reads: list[str] = []
    clock = [0.0]

    class Ssm:
        def get_parameter(self, **request: Any) -> dict[str, Any]:
            assert request["WithDecryption"] is True
            reads.append(request["Name"])
            return {"Parameter": {"Value": f"value-of-{request['Name']}"}}

    resolver = SecretResolver(Ssm, lambda: None, ttl=300, monotonic=lambda: clock[0])
    variables = {"ApiKey": "ssm:/alerting/key", "Channel": "#ops"}
    assert resolver.resolve_all(variables) == {"ApiKey": "value-of-/alerting/key", "Channel": "#ops"}
    resolver.resolve("ssm:/alerting/key")
    assert reads == ["/alerting/key"]
    clock[0] = 301
    resolver.resolve("ssm:/alerting/key")
    assert reads == ["/alerting/key", "/alerting/key"]
