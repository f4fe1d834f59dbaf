"""Webhooks connect to the address that was checked, resolving the name once per send (no DNS rebinding), and
sign with the subscription's signing secret; against a real HTTP server on 127.0.0.1."""
from __future__ import annotations

import hashlib
import hmac
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import trustme

from api.alerts import Alert, DeliveryError, WebhookNotifier
from api.alerts.webhook import Resolver
from monitor_config.schema import WebhookPolicy
from tests.alert_helpers import NOW


class Receiver(BaseHTTPRequestHandler):
    requests: list[dict[str, str]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.requests.append({"host": self.headers["Host"], "path": self.path,
                              "signature": self.headers["X-Leefwereld-Signature"],
                              "timestamp": self.headers["X-Leefwereld-Timestamp"], "body": body.decode()})
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


HOOK_HOST = "hooks.school.test"


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(params=["http", "https"])
def receiver(request: pytest.FixtureRequest, ca: trustme.CA) -> Iterator[tuple[str, type[Receiver]]]:
    """The receiver's base URL under the name HOOK_HOST; over https with a certificate for that name only."""
    handler = type("OneReceiver", (Receiver,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if request.param == "https":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(HOOK_HOST).configure_cert(context)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"{request.param}://{HOOK_HOST}:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


class Rebinder:
    """A name server that answers the receiver's address the first time and another address afterwards."""

    def __init__(self, first: str, later: str) -> None:
        self.first, self.later, self.asked = first, later, 0

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked += 1
        return [self.first if self.asked == 1 else self.later]


def alert(url: str, secret: str | None = "geheime-ondertekensleutel") -> Alert:
    return Alert(delivery_id=7, subscription_id=3, subscription_name="hook", channel="webhook", target=url,
                 language="nl", token="feed-en-afmeldtoken", kind="alert", sent_at=NOW, items=[],
                 signing_secret=secret)


def notifier_trusting(ca: trustme.CA, policy: WebhookPolicy, resolve: Resolver) -> WebhookNotifier:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return WebhookNotifier(policy, client=httpx.Client(verify=context, timeout=10), resolve=resolve)


def test_the_request_goes_to_the_checked_address_with_the_host_name_kept(receiver: tuple, ca: trustme.CA) -> None:
    base, handler = receiver
    resolver = Rebinder("127.0.0.1", "192.0.2.1")  # 192.0.2.1 (TEST-NET) answers nobody
    notifier = notifier_trusting(ca, WebhookPolicy(allow_private_targets=True), resolver)
    notifier.send(alert(f"{base}/leefwereld?x=1"))  # over https the certificate is checked for HOOK_HOST
    assert resolver.asked == 1
    [request] = handler.requests
    assert request["host"] == base.split("//")[1] and request["path"] == "/leefwereld?x=1"
    expected = hmac.new(b"geheime-ondertekensleutel", request["timestamp"].encode() + b"." + request["body"].encode(),
                        hashlib.sha256).hexdigest()
    assert request["signature"] == f"sha256={expected}"


@pytest.mark.parametrize("receiver", ["https"], indirect=True)
def test_a_certificate_for_another_name_is_refused(receiver: tuple, ca: trustme.CA) -> None:
    base, handler = receiver
    notifier = notifier_trusting(ca, WebhookPolicy(allow_private_targets=True), lambda host, p: ["127.0.0.1"])
    with pytest.raises(DeliveryError, match="unreachable"):
        notifier.send(alert(base.replace(HOOK_HOST, "other.school.test") + "/x"))
    assert handler.requests == []


def test_a_name_that_turns_private_at_send_time_is_refused_before_connecting(receiver: tuple, ca: trustme.CA) -> None:
    base, handler = receiver
    notifier = notifier_trusting(ca, WebhookPolicy(allow_private_targets=False), lambda host, p: ["127.0.0.1"])
    with pytest.raises(DeliveryError, match="intern of gereserveerd") as raised:
        notifier.send(alert(f"{base}/x"))
    assert raised.value.permanent and handler.requests == []


def test_a_webhook_without_a_signing_secret_is_not_sent(receiver: tuple, ca: trustme.CA) -> None:
    base, handler = receiver
    notifier = notifier_trusting(ca, WebhookPolicy(allow_private_targets=True), lambda host, p: ["127.0.0.1"])
    with pytest.raises(DeliveryError, match="no signing secret"):
        notifier.send(alert(f"{base}/x", secret=None))
    assert handler.requests == []
