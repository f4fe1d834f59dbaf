"""Object-level access through the real app on SQLite and PostgreSQL: trends awaiting review, API tokens,
subscriptions an admin made for someone else, and webhook secrets."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.alerts.subscriptions import SubscriptionRequest, create_subscription
from api.auth import create_api_token, create_user, get_user
from api.digest import build_digest, parse_week
from models.db import alembic_config, upgrade_database
from models.serving import Subscription
from monitor_config import MonitorConfig
from tests.alert_helpers import alert_config
from tests.pages_support import CONFIG, NOW, PASSWORD, bearer, csrf_of, make_site
from tests.trend_factory import at, link_trends, make_trend, spread

EXAMPLE = "wie kent haar, stuur de expose pagina door"


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> tuple[TestClient, dict[str, str], dict[str, int]]:
    built = make_site(engine, tmp_path)  # ada (admin) and jan (youth worker)
    with Session(engine) as session:
        tokens = {"ada": built.admin_token, "jan": built.worker_token}
        for name, role in (("cora", "safety_coordinator"), ("rita", "reviewer")):
            user = create_user(session, username=name, password=PASSWORD, role=role, actor="test",
                               email=f"{name}@school.example.nl")
            tokens[name] = create_api_token(session, user=user, actor="test")[1]
        common: dict[str, Any] = {"first_seen": at(date(2026, 11, 16)), "last_seen": at(date(2026, 11, 21)),
                  "emerging_at": at(date(2026, 11, 18)), "daily": spread(date(2026, 11, 16), [1, 3, 9])}
        pending = make_trend(session, label="Expose-pagina Noord", category="online-shaming", status="emerging",
                             review_status="pending", posts=[EXAMPLE], **common)
        confirmed = make_trend(session, label="Exposen op school", category="online-shaming", status="emerging",
                               review_status="confirmed", **common)
        gelblaster = make_trend(session, label="Gelblaster bij de metro", status="emerging", **common)
        link_trends(session, gelblaster, pending, "split", at(date(2026, 11, 19)))
        session.commit()
        ids = {"pending": pending.id or 0, "confirmed": confirmed.id or 0, "gelblaster": gelblaster.id or 0}
    return TestClient(built.app, follow_redirects=False), tokens, ids


def listed(client: TestClient, token: str) -> list[str]:
    return sorted(item["label"] for item in client.get("/api/v1/trends", headers=bearer(token)).json()["items"])


def test_trends_awaiting_review_are_unknown_to_youth_workers_and_coordinators(site: tuple) -> None:
    client, tokens, ids = site
    for reader in ("jan", "cora"):
        assert listed(client, tokens[reader]) == ["Exposen op school", "Gelblaster bij de metro"]
        api = client.get(f"/api/v1/trends/{ids['pending']}", headers=bearer(tokens[reader]))
        unknown = client.get("/api/v1/trends/999999", headers=bearer(tokens[reader]))
        assert api.status_code == unknown.status_code == 404
        assert api.json()["detail"] == f"Trend {ids['pending']} bestaat niet. / Trend {ids['pending']} does not exist."
        lineage = client.get(f"/api/v1/trends/{ids['gelblaster']}", headers=bearer(tokens[reader])).json()["lineage"]
        assert lineage == []  # the split-off trend that awaits review is not named either
        page = client.get(f"/trends/{ids['pending']}", headers=bearer(tokens[reader]))
        assert page.status_code == 404 and "Expose-pagina Noord" not in page.text and "expose pagina" not in page.text
        overview = client.get("/trends", headers=bearer(tokens[reader])).text
        assert "Expose-pagina Noord" not in overview and "Exposen op school" in overview
        for sheet in ("signaal", "signaal.pdf"):  # nor the printable signal sheet
            assert client.get(f"/trends/{ids['pending']}/{sheet}", headers=bearer(tokens[reader])).status_code == 404
    for reviewer in ("rita", "ada"):
        assert listed(client, tokens[reviewer]) == ["Expose-pagina Noord", "Exposen op school",
                                                    "Gelblaster bij de metro"]
        detail = client.get(f"/api/v1/trends/{ids['pending']}", headers=bearer(tokens[reviewer])).json()
        assert detail["representative_posts"][0]["text"] == EXAMPLE
        assert client.get(f"/trends/{ids['pending']}", headers=bearer(tokens[reviewer])).status_code == 200
        assert client.get(f"/trends/{ids['pending']}/signaal", headers=bearer(tokens[reviewer])).status_code == 200


def test_the_digest_leaves_out_what_awaits_review(site: tuple, engine: Engine, small_config: MonitorConfig) -> None:
    with Session(engine) as session:
        digest = build_digest(session, week=parse_week("2026-W47"), config=small_config, now=NOW)
    labels = {item.label for section in digest.sections for category in section.categories for item in category.items}
    assert labels == {"Exposen op school", "Gelblaster bij de metro"}


def test_tokens_are_listed_made_and_revoked_by_their_owner_only(site: tuple) -> None:
    client, tokens, _ = site
    mine = client.get("/api/v1/tokens", headers=bearer(tokens["jan"])).json()
    assert [t["name"] for t in mine] == ["cli"] and "token" not in mine[0]
    refused = client.post("/api/v1/tokens", json={"name": "script"}, headers=bearer(tokens["jan"]))
    assert refused.status_code == 403 and "Een token maakt geen nieuwe tokens" in refused.json()["detail"]
    browser = TestClient(client.app, follow_redirects=False)
    csrf = csrf_of(browser.get("/login/").text)
    form = {"username": "jan", "password": PASSWORD, "csrf_token": csrf}
    assert browser.post("/login/", data=form).status_code == 303
    csrf = csrf_of(browser.get("/").text)
    made = browser.post("/api/v1/tokens", json={"name": "script"}, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201
    new = made.json()
    assert new["token"].startswith(new["prefix"])
    assert client.get("/api/v1/users/me", headers=bearer(new["token"])).status_code == 200
    assert client.delete(f"/api/v1/tokens/{new['id']}", headers=bearer(tokens["cora"])).status_code == 404
    assert client.get("/api/v1/users/me", headers=bearer(new["token"])).status_code == 200
    assert client.delete(f"/api/v1/tokens/{new['id']}", headers=bearer(tokens["jan"])).status_code == 204
    assert client.get("/api/v1/users/me", headers=bearer(new["token"])).status_code == 401
    assert client.get("/api/v1/tokens", headers=bearer(new["token"])).status_code == 401
    revoked = [t for t in client.get("/api/v1/tokens", headers=bearer(tokens["jan"])).json() if t["id"] == new["id"]]
    assert revoked[0]["revoked_at"] is not None
    jan_cli = mine[0]["id"]
    assert client.delete(f"/api/v1/tokens/{jan_cli}", headers=bearer(tokens["ada"])).status_code == 204  # admin
    assert client.get("/api/v1/users/me", headers=bearer(tokens["jan"])).status_code == 401


def test_a_subscription_an_admin_made_for_a_youth_worker_is_theirs_to_see_and_delete(site: tuple) -> None:
    client, tokens, _ = site
    alerts = client.post("/api/v1/subscriptions", headers=bearer(tokens["ada"]),
                         json={"name": "alerts", "channel": "email", "username": "jan", "target": "jan@example.nl"})
    assert alerts.status_code == 422 and "digest" in alerts.json()["detail"]
    made = client.post("/api/v1/subscriptions", headers=bearer(tokens["ada"]),
                       json={"name": "Weekoverzicht", "channel": "digest", "username": "jan",
                             "target": "jan@example.nl"})
    assert made.status_code == 201, made.text
    sub_id = made.json()["id"]
    assert [s["id"] for s in client.get("/api/v1/subscriptions", headers=bearer(tokens["jan"])).json()] == [sub_id]
    assert client.get(f"/api/v1/subscriptions/{sub_id}", headers=bearer(tokens["jan"])).status_code == 200
    assert "Weekoverzicht" in client.get("/abonnementen", headers=bearer(tokens["jan"])).text
    assert client.delete(f"/api/v1/subscriptions/{sub_id}", headers=bearer(tokens["cora"])).status_code == 404
    assert client.delete(f"/api/v1/subscriptions/{sub_id}", headers=bearer(tokens["jan"])).status_code == 204
    assert client.get("/api/v1/subscriptions", headers=bearer(tokens["jan"])).json() == []
    own = client.post("/api/v1/subscriptions", headers=bearer(tokens["jan"]),
                      json={"name": "Maandag", "channel": "digest", "target": "jan@example.nl"})
    assert own.status_code == 201
    form = client.get("/abonnementen/nieuw", headers=bearer(tokens["jan"])).text
    assert 'value="digest"' in form and 'value="webhook"' not in form


def test_a_webhook_secret_is_shown_once_and_is_not_the_feed_token(site: tuple, engine: Engine,
                                                                 small_config: MonitorConfig) -> None:
    client, tokens, _ = site
    config = alert_config(small_config, allow_private=True)
    with Session(engine) as session:
        sub = create_subscription(session, owner=get_user(session, "cora"), config=config, actor="test", now=NOW,
                                  request=SubscriptionRequest(name="hook", channel="webhook",
                                                              target="http://127.0.0.1:9/hook"))
        session.commit()
        secret, token, sub_id = sub.signing_secret, sub.token, sub.id
    assert secret and secret != token
    shown = client.get(f"/api/v1/subscriptions/{sub_id}", headers=bearer(tokens["cora"])).json()
    assert shown["signing_secret"] is None and secret not in str(shown) and token not in str(shown)


def test_old_webhooks_keep_signing_with_the_key_their_receiver_knows(empty_engine: Engine) -> None:
    upgrade_database(empty_engine, "0005")
    with empty_engine.begin() as connection:
        connection.execute(text("INSERT INTO app_user (username, password_hash, role, language, active, created_at) "
                                "VALUES ('cora', 'x', 'safety_coordinator', 'nl', true, '2026-11-01 00:00:00')"))
        for channel, token in (("webhook", "oude-webhook-sleutel"), ("feed", "feed-token")):
            connection.execute(text(
                "INSERT INTO subscription (user_id, name, channel, target, filters, mode, language, token, active, "
                f"created_at) VALUES (1, '{channel}', '{channel}', NULL, '{{}}', 'immediate', 'nl', '{token}', true, "
                "'2026-11-01 00:00:00')"))
    upgrade_database(empty_engine)
    with Session(empty_engine) as session:
        rows = {s.channel: s.signing_secret for s in session.exec(select(Subscription))}
    assert rows == {"webhook": "oude-webhook-sleutel", "feed": None}
    command.downgrade(alembic_config(empty_engine), "0005")


def test_the_subscriptions_page_shows_a_new_webhook_secret_once(engine: Engine, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG.read_text() + "alerts:\n  webhooks:\n    allow_private_targets: true\n")
    browser = TestClient(make_site(engine, tmp_path, config=config).app, follow_redirects=False)
    form = {"username": "ada", "password": PASSWORD, "csrf_token": csrf_of(browser.get("/login/").text)}
    assert browser.post("/login/", data=form).status_code == 303
    csrf = csrf_of(browser.get("/abonnementen/nieuw").text)
    made = browser.post("/abonnementen/nieuw", data={"csrf_token": csrf, "name": "hook", "channel": "webhook",
                                                     "target": "http://127.0.0.1:9/hook", "mode": "immediate",
                                                     "language": "nl"})
    assert made.status_code == 303
    with Session(engine) as session:
        secret = session.exec(select(Subscription)).one().signing_secret
    assert secret and secret in browser.get("/abonnementen").text
    assert secret not in browser.get("/abonnementen").text  # shown once
