"""E-mail targets: one bad address is refused where it is typed, and one that is already stored fails its own
delivery (never `sent`, never a second recipient) without holding up the other alerts. On SQLite and PostgreSQL,
through the real app, the real CLI and a real SMTP server (aiosmtpd)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.alerts import Alert, EmailNotifier, SubscriptionRequest, create_subscription, enqueue_alerts
from api.alerts.outbox import MAX_ATTEMPTS
from api.cli import app
from models.serving import AlertDelivery, Subscription, User
from monitor_config import MonitorConfig
from pipeline.stages import deliver_due
from tests.alert_helpers import NOW, PASSWORD, alert_config, free_port, make_trend, make_user
from tests.test_alerts_web import app_parts, bearer, log_in  # noqa: F401  (app_parts is a fixture)

BAD_TARGETS = ["a@", "a@b@c", "@", "<a@b.example>", "a@b.example;c@d.example", "a@b.example,c@d.example",
               "a@b.example\r\nBcc: c@d.example"]


class Envelopes:
    """What the SMTP server accepted: the envelope recipients and the message of each mail."""

    def __init__(self) -> None:
        self.accepted: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.accepted.append((list(envelope.rcpt_tos), envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Envelopes]]:
    port, inbox = free_port(), Envelopes()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def assert_explains_the_address(detail: str) -> None:
    assert "geen geldig e-mailadres" in detail and "naam@school.nl" in detail  # Dutch first: what and how to fix
    assert "target" in detail and "not a valid e-mail address" in detail  # the field, and English second


@pytest.mark.parametrize("target", BAD_TARGETS)
def test_api_refuses_a_target_that_is_not_one_address(app_parts: tuple, target: str) -> None:  # noqa: F811
    client, _, tokens = app_parts
    response = client.post("/api/v1/subscriptions", json={"name": "x", "channel": "email", "target": target},
                           headers=bearer(tokens["cora"]))
    assert response.status_code == 422, response.text
    assert_explains_the_address(response.json()["detail"])


def test_a_good_address_is_kept_in_its_normal_form(app_parts: tuple) -> None:  # noqa: F811
    client, _, tokens = app_parts
    response = client.post("/api/v1/subscriptions", json={"name": "x", "channel": "email",
                                                          "target": " Zorg.Coordinator@School.Example.NL "},
                           headers=bearer(tokens["cora"]))
    assert response.status_code == 201 and response.json()["target"] == "Zorg.Coordinator@school.example.nl"


def test_pages_refuse_a_bad_target_when_made_and_when_edited(app_parts: tuple, engine: Engine) -> None:  # noqa: F811
    client, _, _ = app_parts
    csrf = log_in(client, "cora")
    data = {"csrf_token": csrf, "name": "school", "channel": "email", "target": "a@b.example,c@d.example",
            "mode": "immediate", "language": "nl"}
    refused = client.post("/abonnementen/nieuw", data=data)
    assert refused.status_code == 422 and "geen geldig e-mailadres" in refused.text
    assert client.post("/abonnementen/nieuw", data=data | {"target": "zorg@school.example.nl"}).status_code == 303
    with Session(engine) as session:
        subscription = session.exec(select(Subscription)).one()
    edited = client.post(f"/abonnementen/{subscription.id}/bewerken", data=data | {"target": "a@"})
    assert edited.status_code == 422 and "geen geldig e-mailadres" in edited.text
    with Session(engine) as session:
        assert [s.target for s in session.exec(select(Subscription))] == ["zorg@school.example.nl"]


def test_user_addresses_are_checked_on_the_admin_page_and_the_command_line(
        app_parts: tuple, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    client, settings, _ = app_parts
    csrf = log_in(client, "ada")
    page = client.post("/beheer/gebruikers", data={"csrf_token": csrf, "username": "nieuw", "email": "a@b@c",
                                                   "role": "youth_worker"})
    assert page.status_code == 422 and "geen geldig e-mailadres" in page.text
    monkeypatch.setenv("LEEFWERELD_HOME", str(tmp_path))
    monkeypatch.setenv("LEEFWERELD_CONFIG", str(settings.config))
    monkeypatch.setenv("LEEFWERELD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    cli = CliRunner().invoke(app, ["user", "add", "nieuw", "--role", "youth_worker", "--email",
                                   "a@b.example;c@d.example", "--password-stdin"], input=PASSWORD + "\n")
    assert cli.exit_code != 0 and "geen geldig e-mailadres" in cli.output
    with Session(engine) as session:
        assert session.exec(select(User).where(User.username == "nieuw")).first() is None
    assert CliRunner().invoke(app, ["user", "add", "nieuw", "--role", "youth_worker", "--email", "Nieuw@School.NL",
                                    "--password-stdin"], input=PASSWORD + "\n").exit_code == 0
    listed = json.loads(CliRunner().invoke(app, ["user", "list", "--json"]).stdout)
    assert {u["username"]: u["email"] for u in listed}["nieuw"] == "Nieuw@school.nl"


def subscribe_by_mail(session: Session, config: MonitorConfig, name: str) -> Subscription:
    return create_subscription(session, owner=make_user(session, name), config=config, actor="test", now=NOW,
                               request=SubscriptionRequest(name=name, channel="email"))


def test_a_stored_bad_target_fails_its_own_row_and_the_others_are_delivered(
        engine: Engine, small_config: MonitorConfig, smtp: tuple[int, Envelopes]) -> None:
    port, inbox = smtp
    config = alert_config(small_config, smtp_port=port)
    with Session(engine) as session:
        bad = {subscribe_by_mail(session, config, f"old{i}").id: target for i, target in enumerate(BAD_TARGETS)}
        good = [subscribe_by_mail(session, config, name) for name in ("before", "after")]
        session.flush()
        for subscription_id, target in bad.items():  # stored before addresses were checked
            session.execute(update(Subscription).where(Subscription.id == subscription_id).values(target=target))  # type: ignore[arg-type]
        make_trend(session)
        enqueue_alerts(session, NOW, config=config)
        session.commit()
        good_addresses = sorted(s.target for s in good)  # type: ignore[type-var]
    counts = deliver_due(engine, {"email": EmailNotifier(config.alerts)}, NOW)
    assert counts == {"sent": 2, "pending": 0, "failed": len(BAD_TARGETS)}
    with Session(engine) as session:
        rows: dict[int | None, AlertDelivery] = {r.subscription_id: r for r in session.exec(select(AlertDelivery))}
    for subscription_id in bad:
        row = rows[subscription_id]
        assert (row.status, row.attempts, row.sent_at) == ("failed", 1, None)
        assert "not a valid e-mail address" in (row.last_error or "")
        assert "Edit the subscription" in (row.last_error or "")
    assert {rows[s.id].status for s in good} == {"sent"}
    assert sorted(recipients for recipients, _ in inbox.accepted) == [[a] for a in good_addresses]
    assert all(b"Bcc" not in content for _, content in inbox.accepted)
    # a later run sends nothing more: failed rows are not retried, sent ones not sent again
    assert deliver_due(engine, {"email": EmailNotifier(config.alerts)}, NOW + timedelta(days=1)) == \
        {"sent": 0, "pending": 0, "failed": 0}
    assert len(inbox.accepted) == 2


class Breaks:
    """A notifier with a bug for one address: it raises something that is not a DeliveryError (the message even
    quotes a NUL, which PostgreSQL cannot store); other alerts go through."""

    def __init__(self, broken: str) -> None:
        self.broken = broken
        self.sent: list[Alert] = []

    def send(self, alert: Alert) -> None:
        if alert.target == self.broken:
            raise IndexError("string index out of range \x00 in composer")
        self.sent.append(alert)


def test_an_unexpected_error_counts_for_its_row_alone_and_ends_as_failed(
        engine: Engine, small_config: MonitorConfig) -> None:
    config = alert_config(small_config)
    with Session(engine) as session:
        subscriptions = [subscribe_by_mail(session, config, name) for name in ("eerste", "tweede", "derde")]
        make_trend(session)
        enqueue_alerts(session, NOW, config=config)
        targets = [s.target for s in subscriptions]
        broken_id = subscriptions[0].id
        session.commit()
    notifier = Breaks(targets[0])  # type: ignore[arg-type]
    assert deliver_due(engine, {"email": notifier}, NOW) == {"sent": 2, "pending": 1, "failed": 0}
    assert sorted(a.target for a in notifier.sent) == sorted(targets[1:])  # type: ignore[type-var]
    with Session(engine) as session:
        row = session.exec(select(AlertDelivery).where(AlertDelivery.subscription_id == broken_id)).one()
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.last_error is not None and row.last_error.startswith("IndexError: string index out of range")
        assert row.next_attempt_at == NOW + timedelta(minutes=1)
        assert not session.exec(select(AlertDelivery).where(AlertDelivery.status == "sending")).all()
    moment = NOW
    for _ in range(MAX_ATTEMPTS - 1):  # it is tried again with backoff, and finally given up
        moment += timedelta(days=1)
        deliver_due(engine, {"email": notifier}, moment)
    with Session(engine) as session:
        row = session.exec(select(AlertDelivery).where(AlertDelivery.subscription_id == broken_id)).one()
    assert (row.status, row.attempts, row.sent_at) == ("failed", MAX_ATTEMPTS, None)
    assert len(notifier.sent) == 2
