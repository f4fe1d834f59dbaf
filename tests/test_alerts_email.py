"""Alert and digest e-mails through a real SMTP server (aiosmtpd on 127.0.0.1), and the scheduler jobs."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.alerts import EmailNotifier, SubscriptionRequest, create_subscription, enqueue_alerts
from api.alerts.digest_mail import enqueue_digest
from api.digest.weeks import last_complete_week
from models.serving import AlertDelivery
from monitor_config import MonitorConfig
from pipeline.stages import deliver_due
from tests.alert_helpers import NOW, alert_config, free_port, make_trend, make_user


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))  # type: ignore[attr-defined]
        return "250 OK"


def start_smtp(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    port = free_port()
    controller, inbox = start_smtp(port)
    yield port, inbox
    controller.stop()


def render_digest_email_stand_in(session: Session, week: str, lang: str) -> EmailMessage:
    """STAND-IN for api.digest.render_digest_email (built by the digest work): a real two-part EmailMessage."""
    message = EmailMessage()
    message["Subject"] = f"Weekoverzicht {week}" if lang == "nl" else f"Weekly digest {week}"
    message.set_content(f"Opkomende trends in week {week}: &lt;script&gt; blijft tekst.")
    message.add_alternative(f"<html><body><h1>Weekoverzicht {week}</h1></body></html>", subtype="html")
    return message


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def test_alert_email_is_dutch_escaped_redacted_and_unsubscribable(engine: Engine, small_config: MonitorConfig,
                                                                   smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    config = alert_config(small_config, smtp_port=port)
    with Session(engine) as session:
        user = make_user(session)
        sub = create_subscription(session, owner=user, config=config, actor="test", now=NOW,
                                  request=SubscriptionRequest(name="Mijn school", channel="email"))
        make_trend(session, label="Gelblaster <script>alert(1)</script>",
                   posts=[("mastodon", "gelblaster bij de metro, bel 06-12345678 <script>x()</script>")])
        enqueue_alerts(session, NOW, config=config)
        session.commit()
        assert deliver_due(engine, {"email": EmailNotifier(config.alerts)}, NOW)["sent"] == 1
        token = sub.token
    [message] = inbox.messages
    assert message["Subject"].strip() == "Signaal: Gelblaster <script>alert(1)</script> (Gelblasters en nepwapens)"
    assert message["To"] == "coordinator@school.example.nl"
    link = f"https://monitor.example.nl/afmelden/{token}"
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain, html = parts(message)
    assert "Nieuw signaal" in plain and "Ernst: hoog" in plain and "Bekijk de trend" in plain and link in plain
    assert "https://monitor.example.nl/trends/" in plain
    for body in (plain, html):
        assert "12345678" not in body and "[telefoonnummer]" in body
    assert "<script>" not in html and "&lt;script&gt;" in html and f'href="{link}"' in html


def test_english_subscription_gets_english_mail(engine: Engine, small_config: MonitorConfig,
                                                smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    config = alert_config(small_config, smtp_port=port)
    with Session(engine) as session:
        create_subscription(session, owner=make_user(session), config=config, actor="test", now=NOW,
                            request=SubscriptionRequest(name="school", channel="email", language="en"))
        make_trend(session)
        enqueue_alerts(session, NOW, config=config)
        session.commit()
        deliver_due(engine, {"email": EmailNotifier(config.alerts)}, NOW)
    assert inbox.messages[0]["Subject"].startswith("Alert: ") and "Unsubscribe" in parts(inbox.messages[0])[0]
    assert inbox.messages[0]["Subject"].endswith("(Gel blasters and fake weapons)")  # the category's English title


def test_smtp_down_keeps_the_mail_pending_until_it_is_back(engine: Engine, small_config: MonitorConfig) -> None:
    port = free_port()
    config = alert_config(small_config, smtp_port=port)
    notifiers = {"email": EmailNotifier(config.alerts)}
    with Session(engine) as session:
        create_subscription(session, owner=make_user(session), config=config, actor="test", now=NOW,
                            request=SubscriptionRequest(name="school", channel="email"))
        make_trend(session)
        enqueue_alerts(session, NOW, config=config)
        session.commit()
        assert deliver_due(engine, notifiers, NOW)["pending"] == 1
        row = session.exec(select(AlertDelivery)).one()
        assert row.status == "pending" and row.attempts == 1 and row.next_attempt_at == NOW + timedelta(minutes=1)
        assert "SMTP" in (row.last_error or "")
        controller, inbox = start_smtp(port)
        try:
            session.commit()
            assert deliver_due(engine, notifiers, NOW + timedelta(minutes=1))["sent"] == 1
            assert deliver_due(engine, notifiers, NOW + timedelta(days=1))["sent"] == 0
        finally:
            controller.stop()
    assert len(inbox.messages) == 1


def test_weekly_digest_mail_reaches_digest_subscribers_once(engine: Engine, small_config: MonitorConfig,
                                                            smtp: tuple[int, Inbox]) -> None:
    port, inbox = smtp
    config = alert_config(small_config, smtp_port=port)
    monday = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 08:00 in Amsterdam
    week = str(last_complete_week(monday, config.zone))
    assert week == "2026-W47"
    with Session(engine) as session:
        sub = create_subscription(session, owner=make_user(session, role="youth_worker"), config=config, actor="test",
                                  now=NOW, request=SubscriptionRequest(name="Maandagmail", channel="digest"))
        for _ in range(2):  # a rerun of the job queues nothing new
            enqueue_digest(session, week=week, render=render_digest_email_stand_in, config=config, now=monday)
            session.commit()
        deliver_due(engine, {"digest": EmailNotifier(config.alerts)}, monday)
        link = f"https://monitor.example.nl/afmelden/{sub.token}"
    [message] = inbox.messages
    assert message["Subject"] == "Weekoverzicht 2026-W47" and message["From"] == "monitor@example.nl"
    assert message["List-Unsubscribe"] == f"<{link}>"
    plain, html = parts(message)
    assert "Opkomende trends in week 2026-W47" in plain and f"Afmelden: {link}" in plain
    assert f'<a href="{link}">Afmelden</a>' in html and html.index("Afmelden") < html.index("</body>")
