"""Control characters in posts and labels never reach what leaves the service: the Atom feed stays valid XML, an
e-mail's subject stays one header line, a webhook's JSON carries none; a reviewer's label is stored clean.
Through the real app, a real SMTP server (aiosmtpd) and a real HTTP receiver, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.dom import minidom
from xml.etree import ElementTree as ET

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.alerts import (
    EmailNotifier,
    FeedNotifier,
    SubscriptionRequest,
    WebhookNotifier,
    create_subscription,
    enqueue_alerts,
)
from api.alerts.base import Notifier
from models.analysis import Trend
from models.serving import Review
from pipeline.stages import deliver_due
from tests.alert_helpers import NOW, alert_config, free_port, make_trend, make_user
from tests.test_alerts_web import app_parts, bearer  # noqa: F401  (app_parts is a fixture)

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def controls(engine: Engine) -> str:
    """What a scraped post may carry; PostgreSQL cannot store NUL at all, SQLite can."""
    return ("\x00" if engine.dialect.name == "sqlite" else "") + "\x01\x08\x0b\x0c\x1b[31m\x7f"


class Hook(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802
        self.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


class Inbox:
    def __init__(self) -> None:
        self.raw: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.raw.append(envelope.content)  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def outside() -> Iterator[tuple[int, Inbox, str, type[Hook]]]:
    """An SMTP server and a webhook receiver on 127.0.0.1."""
    port, inbox = free_port(), Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    handler = type("OneHook", (Hook,), {"bodies": []})
    http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield port, inbox, f"http://127.0.0.1:{http.server_address[1]}/hook", handler
    http.shutdown()
    http.server_close()
    smtp.stop()


def test_control_characters_in_a_post_reach_no_feed_mail_or_webhook(
        app_parts: tuple, engine: Engine, outside: tuple[int, Inbox, str, type[Hook]]) -> None:  # noqa: F811
    client, settings, tokens = app_parts
    port, inbox, hook_url, hook = outside
    config = alert_config(settings.watch, smtp_port=port, allow_private=True)
    feed = client.post("/api/v1/subscriptions", json={"name": "feed", "channel": "feed"},
                       headers=bearer(tokens["cora"])).json()
    bad = controls(engine)
    with Session(engine) as session:
        owner = make_user(session, "mailer")
        for channel, target in (("email", None), ("webhook", hook_url)):
            create_subscription(session, owner=owner, config=config, actor="test", now=NOW,
                                request=SubscriptionRequest(name=channel, channel=channel, target=target))
        make_trend(session, label=f"Gelblaster{bad}\r\nBcc: iemand@example.nl",
                   posts=[("mastodon", f"gelblaster{bad} bij de metro\nen de tram")])
        enqueue_alerts(session, NOW, config=config)
        session.commit()
    notifiers: dict[str, Notifier] = {"feed": FeedNotifier(), "email": EmailNotifier(config.alerts),
                 "webhook": WebhookNotifier(config.alerts.webhooks)}
    assert deliver_due(engine, notifiers, NOW) == {"sent": 3, "pending": 0, "failed": 0}

    atom = client.get(feed["feed_url"])
    assert atom.status_code == 200
    minidom.parseString(atom.content)  # a strict XML parser: one control character and the whole feed is invalid
    [entry] = ET.fromstring(atom.content).findall("{http://www.w3.org/2005/Atom}entry")
    texts = [element.text or "" for element in entry.iter()]
    assert not any(CONTROL.search(text) for text in texts)
    assert any("bij de metro\nen de tram" in text for text in texts), texts  # newlines in a post stay

    [raw] = inbox.raw
    mail = message_from_bytes(raw, policy=default_policy)
    assert isinstance(mail, EmailMessage)
    assert mail["Bcc"] is None and mail["To"] == "mailer@school.example.nl"
    subject = str(mail["Subject"]).strip()
    assert subject.startswith("Signaal: Gelblaster") and "Bcc: iemand@example.nl" in subject
    assert not CONTROL.search(subject) and "\r" not in subject and "\n" not in subject
    for part in (mail.get_body(("plain",)), mail.get_body(("html",))):
        assert part is not None and not CONTROL.search(part.get_content())

    [body] = hook.bodies
    assert not CONTROL.search(body.decode())  # not even as \\u escapes in the JSON
    assert "\\u00" not in body.decode()
    [trend] = json.loads(body)["trends"]
    assert trend["examples"][0].startswith("gelblaster[31m bij de metro")


def test_a_reviewers_label_is_stored_without_control_characters(app_parts: tuple, engine: Engine) -> None:  # noqa: F811
    client, _, tokens = app_parts
    with Session(engine) as session:
        trend_id = make_trend(session, category="gelblasters", label="oud").id
        session.commit()
    answer = client.post(f"/api/v1/reviews/{trend_id}", headers=bearer(tokens["rita"]),
                         json={"verdict": "watch", "note": "regel 1\nregel\x072\x1b[0m",
                               "label": "Nep\x07wapens\x1b[2J\r\nBcc: x@example.nl\x7f"})
    assert answer.status_code == 200, answer.text
    with Session(engine) as session:
        label = session.get(Trend, trend_id).label  # type: ignore[union-attr]
        note = session.exec(select(Review.note)).one()
    assert label == "Nep wapens [2J Bcc: x@example.nl"
    assert note == "regel 1\nregel2[0m"
