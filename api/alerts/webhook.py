"""Webhooks: HMAC-SHA256 signed JSON, sent with httpx to URLs that cannot reach the internal network.

The receiver checks `X-Leefwereld-Signature: sha256=<hex>`, the HMAC of "<timestamp>.<body>" under the
subscription's signing secret, and refuses a `X-Leefwereld-Timestamp` older than a few minutes (replay).
The target host is resolved and every address must be public, both when the subscription is saved and before
each send (a name can be re-pointed later); an admin may allow private targets in the configuration. Before a
send the name is resolved once, and the connection goes to the address that was checked (the Host header and,
for https, the TLS server name stay the host's): a name that answers a public address to the check and a
private one a moment later (DNS rebinding) cannot steer the request inside.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from api.alerts.base import Alert
from api.alerts.exceptions import DeliveryError, UnsafeTargetError
from api.plain_text import clean_data
from monitor_config.schema import WebhookPolicy

SIGNATURE_HEADER = "X-Leefwereld-Signature"
TIMESTAMP_HEADER = "X-Leefwereld-Timestamp"
DELIVERY_HEADER = "X-Leefwereld-Delivery"
Resolver = Callable[[str, int], list[str]]


def resolve_host(host: str, port: int) -> list[str]:
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})
    except socket.gaierror as exc:
        raise UnsafeTargetError(f"Webhook-host {host!r} bestaat niet of is onbereikbaar ({exc}).") from exc


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_reserved
                                 or ip.is_multicast or ip.is_unspecified)


@dataclass(frozen=True)
class WebhookTarget:
    url: str
    host: str
    address: str  # the checked address the connection goes to


def check_webhook_target(url: str, *, allow_private: bool, resolve: Resolver = resolve_host) -> str:
    """The URL when it is http(s) and (unless allowed) every address of its host is public."""
    if allow_private:
        return _check_url(url)
    return resolve_webhook_target(url, allow_private=False, resolve=resolve).url


def resolve_webhook_target(url: str, *, allow_private: bool, resolve: Resolver = resolve_host) -> WebhookTarget:
    """Check the URL, resolve its host once and pick the address to connect to (every address must be public
    unless private targets are allowed)."""
    checked = _check_url(url)
    parts = urlsplit(checked)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    blocked = [a for a in addresses if not is_public(a)]
    if blocked and not allow_private:
        raise UnsafeTargetError(
            f"Webhook-adres {host!r} wijst naar een intern of gereserveerd adres ({', '.join(blocked)}); "
            "kies een publiek adres, of laat een beheerder alerts.webhooks.allow_private_targets aanzetten.")
    if not addresses:
        raise UnsafeTargetError(f"Webhook-host {host!r} heeft geen adres.")
    return WebhookTarget(url=checked, host=host, address=addresses[0])


def _check_url(url: str) -> str:
    try:  # an unclosed IPv6 bracket, a port that is no number, a host name IDNA cannot encode
        parts = urlsplit(url.strip())
        _ = parts.port
        (parts.hostname or "").encode("idna")
    except ValueError as exc:  # UnicodeError (idna) is a ValueError too
        raise UnsafeTargetError(f"target: het webhook-adres {url[:80]!r} is geen leesbare URL ({exc}); gebruik "
                                "bijvoorbeeld https://voorbeeld.nl/leefwereld-hook. / target: not a readable "
                                "URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTargetError(f"Webhook-adres {url!r} is geen http(s)-URL; gebruik bijvoorbeeld "
                                "https://voorbeeld.nl/leefwereld-hook.")
    if parts.username or parts.password:
        raise UnsafeTargetError("Zet geen gebruikersnaam of wachtwoord in de webhook-URL; "
                                "controleer de handtekening (X-Leefwereld-Signature) in plaats daarvan.")
    return url.strip()


def pinned_request(target: WebhookTarget) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
    """The URL with the checked address in place of the name, the Host header, and (https) the TLS server name,
    so that the certificate is still checked against the host's name."""
    url = httpx.URL(target.url)
    pinned = url.copy_with(host=target.address)
    extensions = {"sni_hostname": target.host} if url.scheme == "https" else {}
    return pinned, {"Host": url.netloc.decode("ascii")}, extensions


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_body(alert: Alert) -> bytes:
    document = {"delivery_id": alert.delivery_id, "subscription": alert.subscription_name, "kind": alert.kind,
                "sent_at": alert.sent_at.isoformat(), "trends": clean_data(alert.items)}
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode()


class WebhookNotifier:
    """POSTs the signed alert to the address that was checked; the signing secret is the subscription's own
    (shown once to its owner when it was made), not the token of its links."""

    def __init__(self, policy: WebhookPolicy, *, client: httpx.Client | None = None,
                 resolve: Resolver = resolve_host) -> None:
        self.policy = policy
        self.client = client or httpx.Client(timeout=policy.timeout_seconds, follow_redirects=False)
        self.resolve = resolve

    def send(self, alert: Alert) -> None:
        if not alert.target:
            raise DeliveryError(f"subscription {alert.subscription_id} has no webhook URL", permanent=True)
        if not alert.signing_secret:
            raise DeliveryError(f"subscription {alert.subscription_id} has no signing secret", permanent=True)
        try:
            target = resolve_webhook_target(alert.target, allow_private=self.policy.allow_private_targets,
                                            resolve=self.resolve)
        except UnsafeTargetError as exc:
            raise DeliveryError(str(exc), permanent=True) from exc
        url = target.url
        pinned, host_header, extensions = pinned_request(target)
        body = webhook_body(alert)
        timestamp = str(int(alert.sent_at.timestamp()))
        headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp,
                   SIGNATURE_HEADER: sign(alert.signing_secret, timestamp, body),
                   DELIVERY_HEADER: str(alert.delivery_id), "User-Agent": "leefwereld-alerts/0.1", **host_header}
        try:
            response = self.client.post(pinned, content=body, headers=headers, extensions=extensions)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"webhook {url} unreachable: {exc}") from exc
        if response.status_code >= 300:
            raise DeliveryError(f"webhook {url} answered {response.status_code}",
                                permanent=response.status_code == 410)
