"""No identity anywhere: handles, a name, an e-mail address and a phone number planted in every source kind, every
import format and a Zeeschuimer upload are found in no table, not in the SQLite file, the logs, the API's
answers, the pages, the digest, the e-mails, the feed or /metrics."""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

import tests.sources_server as sources_server
from api.alerts import (
    EmailNotifier,
    FeedNotifier,
    SubscriptionRequest,
    create_subscription,
    enqueue_alerts,
)
from api.app import create_app
from api.deps import get_clock
from api.routes.zeeschuimer import wait_for_uploads
from crawlers.importers import import_file
from crawlers.runner import run_crawl
from models.analysis import Trend, TrendMembership, TrendSnapshot
from models.content import Post
from models.logs import configure_logging
from monitor_config.settings import Settings
from pipeline import build_pipeline
from pipeline.stages import deliver_due, send_weekly_digest
from tests.alert_helpers import NOW, alert_config, free_port, make_user
from tests.crawl_support import KINDS, crawl_settings, source, write_config
from tests.identity_plant import NEEDLES, find_needles, plant_sources, tiktok_item, write_imports
from tests.pages_support import CONFIG, PASSWORD, bearer, csrf_of, make_site

# every source kind crawled by crawler processes, every import format, mail, feed and pages: half a minute
pytestmark = pytest.mark.slow

WEEK = "2026-W47"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))  # type: ignore[attr-defined]
        return "250 OK"


def every_value(engine: Engine) -> str:
    """Every cell of every table, as text."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return "\n".join(str(value) for table in metadata.sorted_tables
                         for row in connection.execute(table.select()) for value in row)


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    port, inbox = free_port(), Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


@pytest.fixture
def product_log(capfd: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """The product's own log configuration (its redacting filter included), at DEBUG, written to stderr."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("DEBUG", ("LEEFWERELD_PSEUDONYM_KEY",))
    yield capfd
    root.handlers[:] = handlers
    root.setLevel(level)


def collect_everything(engine: Engine, tmp_path: Path, key: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    planted = tmp_path / "sources"
    plant_sources(sources_server.SOURCES, planted)
    monkeypatch.setattr(sources_server, "SOURCES", planted)
    with sources_server.SourcesServer() as server:
        config = write_config(tmp_path, [source(k, k, server.url("ok", k)) for k in KINDS])
        results = run_crawl(crawl_settings(tmp_path, config, log_level="DEBUG"), engine)
    assert {r["source"]: r["status"] for r in results} == dict.fromkeys(KINDS, "ok")
    for path, fmt in write_imports(tmp_path / "imports").values():
        report = import_file(path, engine=engine, key=key, fmt=fmt)  # type: ignore[arg-type]
        assert report.error_count == 0, report.errors
    settings = Settings(home=tmp_path, secret_key="s" * 40, cookie_secure=False, config=CONFIG,
                        upload_token="upload-token-for-tests-0123456789")
    client = TestClient(create_app(settings, engine=engine))
    client.cookies.set("leefwereld_upload", "upload-token-for-tests-0123456789")
    response = client.post("/api/import-dataset/", content=json.dumps(tiktok_item("7500000000000000999")).encode(),
                           headers={"X-Zeeschuimer-Platform": "tiktok.com", "Content-Type": "application/x-ndjson"})
    assert response.status_code == 200, response.text
    wait_for_uploads(client.app)
    assert find_needles(response.text) == []


def make_planted_trend(engine: Engine) -> int:
    """An emerging trend whose members are the stored posts, one of each platform as its examples."""
    with Session(engine) as session:
        posts = list(session.scalars(select(Post).order_by(col(Post.id))))
        examples = {p.platform: p.id for p in posts}
        trend = Trend(label="Gelblaster bij de metro", keywords=["gelblaster"], category="gelblasters",
                      status="emerging", first_seen=NOW - timedelta(days=5), last_seen=NOW - timedelta(days=1),
                      emerging_at=NOW - timedelta(days=3), size=len(posts), authors=len(posts),
                      summary={"hashtags": [], "platforms": {"tiktok": len(posts)}, "sources": 1,
                               "why_flagged": {"burst_score": 3.2, "threshold": 2.5}, "lineage": None,
                               "representative_post_ids": list(examples.values())})
        session.add(trend)
        session.flush()
        for post in posts:
            session.add(TrendMembership(post_id=post.id, trend_id=trend.id, similarity=0.9))  # type: ignore[arg-type]
        for offset, volume in enumerate([2, 4, 9]):
            day = date(2026, 11, 18) + timedelta(days=offset)
            session.add(TrendSnapshot(trend_id=trend.id, window="day", window_start=NOW.replace(  # type: ignore[arg-type]
                year=day.year, month=day.month, day=day.day, hour=0), volume=volume, status="emerging"))
        session.commit()
        return int(trend.id or 0)


def serve_everything(engine: Engine, tmp_path: Path, trend_id: int, smtp_port: int) -> list[str]:
    """Every place a person or a program reads: API, pages, digest, alert and digest e-mails, the feed, /metrics."""
    site = make_site(engine, tmp_path)
    site.app.dependency_overrides[get_clock] = lambda: (lambda: NOW)
    api = TestClient(site.app, follow_redirects=False)
    seen = [api.get(path, headers=bearer(site.admin_token)).text for path in (
        "/api/v1/trends", f"/api/v1/trends/{trend_id}", f"/api/v1/digests/{WEEK}", "/api/v1/crawl-runs",
        "/api/v1/sources", "/api/v1/reviews", f"/api/v1/reviews/{trend_id}")]
    seen.append(api.get("/metrics").text)
    browser = TestClient(site.app, follow_redirects=False)
    token = csrf_of(browser.get("/login/").text)
    browser.post("/login/", data={"username": "ada", "password": PASSWORD, "csrf_token": token, "next": "/trends"})
    pages = ("/trends", f"/trends/{trend_id}", f"/digests/{WEEK}", "/beoordelen",
             f"/beoordelen/{trend_id}")
    for path in pages:
        response = browser.get(path)
        assert response.status_code == 200, (path, response.status_code)
        seen.append(response.text)
    assert "[telefoonnummer]" in seen[-4]  # the trend page shows its example posts ...

    from monitor_config import load_config
    config = alert_config(load_config(CONFIG), smtp_port=smtp_port)
    with Session(engine) as session:
        owner = make_user(session, username="cora")
        create_subscription(session, owner=owner, config=config, actor="test", now=NOW,
                            request=SubscriptionRequest(name="Mail", channel="email"))
        feed = create_subscription(session, owner=owner, config=config, actor="test", now=NOW,
                                   request=SubscriptionRequest(name="Feed", channel="feed"))
        create_subscription(session, owner=make_user(session, username="jet", role="youth_worker"), config=config,
                            actor="test", now=NOW, request=SubscriptionRequest(name="Maandag", channel="digest"))
        enqueue_alerts(session, NOW, config=config)
        session.commit()
        feed_token = feed.token
    sent = deliver_due(engine, {"email": EmailNotifier(config.alerts), "feed": FeedNotifier()}, NOW)
    assert sent["sent"] == 2, sent
    send_weekly_digest(build_pipeline(Settings(home=tmp_path), engine, config=config, clock=lambda: NOW,
                                      notifiers={"digest": EmailNotifier(config.alerts)}))
    seen.append(api.get(f"/feeds/{feed_token}.atom").text)
    return seen


def test_no_planted_identity_is_stored_logged_served_or_mailed(
        engine: Engine, tmp_path: Path, key: bytes, credentials: None, monkeypatch: pytest.MonkeyPatch,
        smtp: tuple[int, Inbox], product_log: pytest.CaptureFixture[str]) -> None:
    collect_everything(engine, tmp_path, key, monkeypatch)
    with Session(engine) as session:
        platforms = set(session.scalars(select(col(Post.platform))))
    assert {"tiktok", "instagram", "mastodon", "bluesky", "reddit", "telegram", "youtube", "rss", "web"} <= platforms

    stored = every_value(engine)
    assert "[telefoonnummer]" in stored and "[naam]" in stored and "@[gebruiker]" in stored  # planted, and masked
    assert find_needles(stored) == []

    trend_id = make_planted_trend(engine)
    port, inbox = smtp
    seen = serve_everything(engine, tmp_path, trend_id, port)
    assert any("[telefoonnummer]" in text for text in seen)  # the planted posts were shown ...
    for text in seen:
        assert find_needles(text) == [], find_needles(text)  # ... without who wrote or was named in them
    assert len(inbox.messages) == 2  # the alert and the weekly digest
    for message in inbox.messages:
        assert find_needles(message.as_string()) == []

    if engine.dialect.name == "sqlite":
        database = Path(engine.url.database or "")
        engine.dispose()
        raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
        assert b"[telefoonnummer]" in raw
        assert [n for n in NEEDLES if n.encode().lower() in raw.lower()] == []
        assert all(p.stat().st_mode & 0o077 == 0 for p in database.parent.glob(database.name + "*"))

    crawl_logs = "".join(p.read_text(errors="replace") for p in (tmp_path / "home" / "logs").glob("*.log"))
    logged = product_log.readouterr().err + crawl_logs
    assert "DEBUG" in crawl_logs and "Scraped " in crawl_logs  # the crawler's log at its most talkative ...
    assert find_needles(logged) == [], [line for line in logged.splitlines() if find_needles(line)][:5]
