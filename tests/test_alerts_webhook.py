"""Webhooks against a real local HTTP server in a thread: signatures, retries, and refused internal targets."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.alerts import (
    SubscriptionRequest,
    UnsafeTargetError,
    WebhookNotifier,
    check_webhook_target,
    create_subscription,
    enqueue_alerts,
)
from models.serving import AlertDelivery
from monitor_config import MonitorConfig
from pipeline.stages import deliver_due
from tests.alert_helpers import NOW, alert_config, make_trend, make_user


class Receiver(BaseHTTPRequestHandler):
    """Answers 500 to the first POST, 204 afterwards; keeps every request and whether its signature held."""

    calls: list[dict] = []
    secret = ""

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        timestamp = self.headers["X-Leefwereld-Timestamp"]
        digest = hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        expected = "sha256=" + digest
        valid = hmac.compare_digest(expected, self.headers["X-Leefwereld-Signature"])
        self.calls.append({"valid": valid, "timestamp": int(timestamp), "body": json.loads(body)})
        self.send_response(500 if len(self.calls) == 1 else 204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[Receiver]]]:
    handler = type("OneReceiver", (Receiver,), {"calls": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    server.shutdown()
    server.server_close()


def test_signed_webhook_is_retried_after_500_and_sent_once(engine: Engine, small_config: MonitorConfig,
                                                          receiver: tuple[str, type[Receiver]]) -> None:
    url, handler = receiver
    config = alert_config(small_config, allow_private=True)
    notifiers = {"webhook": WebhookNotifier(config.alerts.webhooks)}
    with Session(engine) as session:
        sub = create_subscription(session, owner=make_user(session), config=config, actor="test", now=NOW,
                                  request=SubscriptionRequest(name="hook", channel="webhook", target=url))
        handler.secret = sub.signing_secret or ""
        make_trend(session, posts=[("mastodon", "gelblaster, app me op 0612345678")])
        enqueue_alerts(session, NOW, config=config)
        session.commit()
        assert deliver_due(engine, notifiers, NOW)["pending"] == 1
        assert deliver_due(engine, notifiers, NOW + timedelta(seconds=59))["pending"] == 0  # still backing off
        assert deliver_due(engine, notifiers, NOW + timedelta(minutes=1))["sent"] == 1
        deliver_due(engine, notifiers, NOW + timedelta(days=2))
        row = session.exec(select(AlertDelivery)).one()
        assert (row.status, row.attempts, row.sent_at) == ("sent", 2, NOW + timedelta(minutes=1))
    assert [c["valid"] for c in handler.calls] == [True, True]
    retried = NOW + timedelta(minutes=1)
    assert [c["timestamp"] for c in handler.calls] == [int(NOW.timestamp()), int(retried.timestamp())]
    trend = handler.calls[1]["body"]["trends"][0]
    assert trend["label"] == "Gelblaster-challenge" and "0612345678" not in json.dumps(handler.calls[1]["body"])


def test_a_wrong_secret_or_timestamp_changes_the_signature() -> None:
    from api.alerts import sign

    assert sign("a", "1", b"{}") != sign("b", "1", b"{}")
    assert sign("a", "1", b"{}") != sign("a", "2", b"{}")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://localhost/hook", "https://10.1.2.3/x",
                                 "http://169.254.169.254/latest/meta-data", "http://[::1]/x", "http://0.0.0.0/",
                                 "http://192.168.1.10/", "http://100.64.0.1/", "http://[::ffff:127.0.0.1]/"])
def test_internal_targets_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(UnsafeTargetError):
        check_webhook_target(url, allow_private=False)
    assert check_webhook_target(url, allow_private=True) == url


def test_a_public_name_resolving_to_a_private_address_is_refused() -> None:
    with pytest.raises(UnsafeTargetError, match="10.0.0.5"):
        check_webhook_target("https://hooks.example.org/x", allow_private=False,
                             resolve=lambda host, port: ["10.0.0.5"])
    assert check_webhook_target("https://hooks.example.org/x", allow_private=False,
                                resolve=lambda host, port: ["93.184.215.14"]) == "https://hooks.example.org/x"


@pytest.mark.parametrize("url", ["ftp://example.org/", "file:///etc/passwd", "https://user:pw@example.org/", "nohost"])
def test_non_http_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeTargetError):
        check_webhook_target(url, allow_private=True)


def test_subscription_to_a_private_target_is_refused_and_a_stored_one_fails_permanently(
        engine: Engine, small_config: MonitorConfig, receiver: tuple[str, type[Receiver]]) -> None:
    url, handler = receiver
    strict = alert_config(small_config)
    with Session(engine) as session:
        owner = make_user(session)
        with pytest.raises(UnsafeTargetError):
            create_subscription(session, owner=owner, config=strict, actor="test", now=NOW,
                                request=SubscriptionRequest(name="hook", channel="webhook", target=url))
        create_subscription(session, owner=owner, config=alert_config(small_config, allow_private=True), actor="test",
                            now=NOW, request=SubscriptionRequest(name="hook", channel="webhook", target=url))
        make_trend(session)
        enqueue_alerts(session, NOW, config=strict)
        session.commit()
        assert deliver_due(engine, {"webhook": WebhookNotifier(strict.alerts.webhooks)}, NOW)["failed"] == 1
    assert handler.calls == []
