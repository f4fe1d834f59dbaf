"""Subscriptions, the Atom feed and unsubscribe links through the real app, on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.alerts import FeedNotifier, enqueue_alerts
from api.app import create_app
from api.auth import create_api_token
from api.deps import get_clock
from models.serving import AuditLog, Subscription
from monitor_config.settings import Settings
from pipeline.stages import deliver_due
from tests.alert_helpers import NOW, PASSWORD, make_trend, make_user
from tests.conftest import FIXTURES

ATOM = "{http://www.w3.org/2005/Atom}"
EXTRA_CONFIG = """
places:
  - name: Nieuw-West
    kind: stadsdeel
    aliases: [Nieuw West, Slotervaart]
alerts:
  public_url: https://monitor.example.nl
  smtp: {host: 127.0.0.1, port: 2525, from_address: monitor@example.nl}
"""


@pytest.fixture
def app_parts(engine: Engine, tmp_path: Path) -> tuple[TestClient, Settings, dict[str, str]]:
    config = tmp_path / "config.yaml"
    config.write_text((FIXTURES / "config" / "small.yaml").read_text() + EXTRA_CONFIG)
    settings = Settings(home=tmp_path, secret_key="s" * 40, cookie_secure=False, config=config)
    app = create_app(settings, engine=engine)
    app.dependency_overrides[get_clock] = lambda: lambda: NOW
    tokens = {}
    with Session(engine) as session:
        for name, role in (("cora", "safety_coordinator"), ("cees", "safety_coordinator"), ("jan", "youth_worker"),
                           ("ada", "admin"), ("rita", "reviewer")):
            tokens[name] = create_api_token(session, user=make_user(session, name, role), actor="test")[1]
        session.commit()
    return TestClient(app, follow_redirects=False), settings, tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def log_in(client: TestClient, username: str) -> str:
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login/").text).group(1)  # type: ignore[union-attr]
    form = {"username": username, "password": PASSWORD, "csrf_token": csrf}
    assert client.post("/login/", data=form).status_code == 303
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/abonnementen/nieuw").text).group(1)  # type: ignore[union-attr]


def test_api_lets_coordinators_manage_their_own_subscriptions(app_parts: tuple, engine: Engine) -> None:
    client, _, tokens = app_parts
    assert client.get("/api/v1/subscriptions", headers=bearer(tokens["jan"])).json() == []
    alerts = client.post("/api/v1/subscriptions", json={"name": "x", "channel": "feed"}, headers=bearer(tokens["jan"]))
    assert alerts.status_code == 422 and "jongerenwerker" in alerts.json()["detail"]  # youth workers: the digest
    body = {"name": "Nieuw-West", "channel": "feed", "mode": "daily",
            "filters": {"categories": ["gelblasters"], "places": ["Nieuw-West"], "min_severity": "high"}}
    created = client.post("/api/v1/subscriptions", json=body, headers=bearer(tokens["cora"]))
    assert created.status_code == 201, created.text
    sub = created.json()
    assert sub["feed_url"].startswith("/feeds/") and sub["filters"]["places"] == ["Nieuw-West"]
    assert [s["id"] for s in client.get("/api/v1/subscriptions", headers=bearer(tokens["cora"])).json()] == [sub["id"]]
    assert client.get("/api/v1/subscriptions", headers=bearer(tokens["cees"])).json() == []
    assert client.get(f"/api/v1/subscriptions/{sub['id']}", headers=bearer(tokens["cees"])).status_code == 404
    assert len(client.get("/api/v1/subscriptions?all=true", headers=bearer(tokens["ada"])).json()) == 1
    assert client.delete(f"/api/v1/subscriptions/{sub['id']}", headers=bearer(tokens["cees"])).status_code == 404
    assert client.delete(f"/api/v1/subscriptions/{sub['id']}", headers=bearer(tokens["cora"])).status_code == 204
    assert client.get("/api/v1/subscriptions", headers=bearer(tokens["cora"])).json() == []
    with Session(engine) as session:
        actions = [a.action for a in session.exec(select(AuditLog).where(col(AuditLog.action).like("subscription%")))]
    assert actions == ["subscription_created", "subscription_deleted"]


@pytest.mark.parametrize(("body", "message"), [
    ({"name": "x", "channel": "feed", "filters": {"categories": ["onbekend"]}}, "Onbekende categorie"),
    ({"name": "x", "channel": "feed", "filters": {"places": ["Parijs"]}}, "Onbekende plaats"),
    ({"name": "x", "channel": "webhook", "target": "http://127.0.0.1:9/hook"}, "intern of gereserveerd"),
    ({"name": "x", "channel": "webhook", "target": "http://169.254.169.254/"}, "intern of gereserveerd"),
    ({"name": "x", "channel": "email", "target": "geen adres"}, "geldig e-mailadres"),
])
def test_api_refuses_bad_subscriptions_in_dutch(app_parts: tuple, body: dict, message: str) -> None:
    client, _, tokens = app_parts
    response = client.post("/api/v1/subscriptions", json=body, headers=bearer(tokens["cora"]))
    assert response.status_code == 422 and message in response.json()["detail"]


def test_pages_create_list_and_delete_a_subscription(app_parts: tuple, engine: Engine) -> None:
    client, _, _ = app_parts
    csrf = log_in(client, "cora")
    form = client.get("/abonnementen/nieuw").text
    assert '<label for="name">Naam van het abonnement</label>' in form and "Nieuw-West" in form
    data = {"csrf_token": csrf, "name": "Mijn <b>school</b>", "channel": "email", "target": "", "mode": "immediate",
            "language": "nl", "categories": ["gelblasters"], "places": ["Nieuw-West"], "keywords": "metro, tram"}
    assert client.post("/abonnementen/nieuw", data=data).status_code == 303
    page = client.get("/abonnementen").text
    assert "Mijn &lt;b&gt;school&lt;/b&gt;" in page and "cora@school.example.nl" in page and "metro, tram" in page
    bad = client.post("/abonnementen/nieuw", data=data | {"channel": "webhook", "target": "http://10.0.0.1/"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    assert client.post("/abonnementen/nieuw", data=data | {"csrf_token": "fout"}).status_code == 403
    with Session(engine) as session:
        sub = session.exec(select(Subscription)).one()
    assert client.post(f"/abonnementen/{sub.id}/verwijderen", data={"csrf_token": csrf}).status_code == 303
    assert "nog geen abonnementen" in client.get("/abonnementen").text


def test_atom_feed_is_valid_and_needs_only_the_token(app_parts: tuple, engine: Engine) -> None:
    client, settings, tokens = app_parts
    sub = client.post("/api/v1/subscriptions", json={"name": "feed", "channel": "feed"},
                      headers=bearer(tokens["cora"])).json()
    assert client.get(sub["feed_url"]).status_code == 200  # empty but valid before any alert
    with Session(engine) as session:
        make_trend(session, label="Gelblasters & <metro>", posts=[("mastodon", "gelblaster 06-12345678")])
        make_trend(session, label="tweede")
        enqueue_alerts(session, NOW, config=settings.watch)
        session.commit()
        deliver_due(engine, {"feed": FeedNotifier()}, NOW)
    response = client.get(sub["feed_url"])
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for element in (feed, *feed.findall(f"{ATOM}entry")):
        assert element.find(f"{ATOM}id").text and element.find(f"{ATOM}title").text  # type: ignore[union-attr]
        assert element.find(f"{ATOM}updated").text.startswith("2026-11-23T09:00:00")  # type: ignore[union-attr]
    titles = sorted(e.findtext(f"{ATOM}title", "") for e in feed.findall(f"{ATOM}entry"))
    assert titles == ["Gelblasters & <metro> (Gelblasters en nepwapens)", "tweede (Gelblasters en nepwapens)"]
    assert b"12345678" not in response.content and b"<metro>" not in response.content
    links = {e.find(f"{ATOM}link").get("href", "") for e in feed.findall(f"{ATOM}entry")}  # type: ignore[union-attr]
    assert all(link.startswith("https://monitor.example.nl/trends/") for link in links)
    assert client.get("/feeds/niet-bestaand.atom").status_code == 404


def test_unsubscribe_link_confirms_then_unsubscribes_without_log_in(app_parts: tuple, engine: Engine) -> None:
    client, _, tokens = app_parts
    client.post("/api/v1/subscriptions", json={"name": "Maandagmail", "channel": "digest"},
                headers=bearer(tokens["cora"]))
    client.post("/api/v1/subscriptions", json={"name": "tweede", "channel": "email"}, headers=bearer(tokens["cora"]))
    with Session(engine) as session:
        first, second = session.exec(select(Subscription).order_by(col(Subscription.id))).all()
    page = client.get(f"/afmelden/{first.token}")
    assert page.status_code == 200 and "Ja, meld mij af" in page.text and "Maandagmail" in page.text
    done = client.post(f"/afmelden/{first.token}")
    assert done.status_code == 200 and "U bent afgemeld" in done.text
    one_click = client.post(f"/afmelden/{second.token}", content=b"List-Unsubscribe=One-Click",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert one_click.status_code == 200
    with Session(engine) as session:
        assert [s.active for s in session.exec(select(Subscription).order_by(col(Subscription.id)))] == [False, False]
    assert client.get("/afmelden/onbekend").status_code == 404


def test_odd_input_is_refused_not_a_server_error(app_parts: tuple) -> None:
    client, _, tokens = app_parts
    for body in ({"name": "a\x00b", "channel": "feed"},
                 {"name": "x", "channel": "feed", "filters": {"keywords": ["\x00"]}}):
        assert client.post("/api/v1/subscriptions", json=body, headers=bearer(tokens["cora"])).status_code == 422
    assert client.get(f"/api/v1/subscriptions/{2**40}", headers=bearer(tokens["cora"])).status_code == 422
    assert client.get("/feeds/a%00b.atom").status_code == 404
    csrf = log_in(client, "cora")
    data = {"csrf_token": csrf, "name": "x\x00", "channel": "feed"}
    assert client.post("/abonnementen/nieuw", data=data).status_code == 422
