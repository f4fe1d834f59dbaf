"""The real weekly digest through the real outbox to a real SMTP server (aiosmtpd on 127.0.0.1): the Monday job
with its default renderer, escaped and redacted, with absolute links and the subscriber's unsubscribe footer."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.alerts import EmailNotifier, SubscriptionRequest, create_subscription
from monitor_config import MonitorConfig
from monitor_config.settings import Settings
from pipeline import build_pipeline
from pipeline.stages import send_weekly_digest
from tests.alert_helpers import alert_config, free_port, make_user
from tests.trend_factory import at, make_trend, spread

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 08:00 in Amsterdam


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    port, inbox = free_port(), Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_monday_job_mails_the_real_digest(engine: Engine, small_config: MonitorConfig,
                                          smtp: tuple[int, Inbox], tmp_path: Path) -> None:
    port, inbox = smtp
    config = alert_config(small_config, smtp_port=port)
    with Session(engine) as session:
        trend = make_trend(session, label="Gelblaster bij de metro", status="emerging",
                           first_seen=at(date(2026, 11, 17)), emerging_at=at(date(2026, 11, 18)),
                           posts=["<script>alert(1)</script> bel 06-12345678"],
                           daily=spread(date(2026, 11, 17), [3, 5, 8]))
        create_subscription(session, owner=make_user(session, role="youth_worker"), config=config, actor="test",
                            now=MONDAY, request=SubscriptionRequest(name="Maandagmail", channel="digest"))
        session.commit()
        trend_id = trend.id
    pipeline = build_pipeline(Settings(home=tmp_path), engine, config=config, clock=lambda: MONDAY,
                              notifiers={"digest": EmailNotifier(config.alerts)})
    assert send_weekly_digest(pipeline)["week"] == "2026-W47"
    [message] = inbox.messages
    assert message["Subject"] == "Weekoverzicht online leefwereld 2026-W47"
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f"https://monitor.example.nl/trends/{trend_id}" in plain and "Afmelden: https://" in plain
    assert f'href="https://monitor.example.nl/trends/{trend_id}"' in html and '<table role="presentation"' in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "12345678" not in plain + html and "[telefoonnummer]" in plain
