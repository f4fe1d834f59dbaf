"""A site shaped like the demo a week after its data stopped: the shipped configuration, one user per role, trends
that end on 22 November, a late and a failing source, a purge that ran, a coordinator's subscription with a sent
and a failed delivery. Used by the page tests and the browser tests."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.app import create_app
from api.auth import create_user
from api.deps import get_clock
from models.content import CrawlRun, SourceRow
from models.jobs import JobClaim
from models.serving import AlertDelivery, Subscription
from monitor_config.loader import DEFAULT_CONFIG
from monitor_config.settings import Settings
from tests.trend_factory import at, make_trend, spread

PASSWORD = "lange zin als wachtwoord"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # eight days after the newest post, as on the demo
ROLES = {"jan": "youth_worker", "sara": "safety_coordinator", "rik": "reviewer", "ada": "admin"}


@dataclass
class UiSite:
    app: FastAPI
    trends: dict[str, int] = field(default_factory=dict)
    subscription_id: int = 0


def make_ui_site(engine: Engine, home: Path) -> UiSite:
    settings = Settings(home=home, secret_key="s" * 40, cookie_secure=False, config=DEFAULT_CONFIG)
    site = UiSite(app=create_app(settings, engine=engine))
    site.app.dependency_overrides[get_clock] = lambda: (lambda: NOW)
    with Session(engine) as session:
        users = {name: create_user(session, username=name, password=PASSWORD, role=role, actor="test",
                                   email=f"{name}@school.example.nl") for name, role in ROLES.items()}
        site.trends = add_trends(session)
        add_collection_history(session)
        site.subscription_id = add_subscription(session, users["sara"].id or 0, site.trends["gelblaster"])
        session.commit()
    return site


def add_trends(session: Session) -> dict[str, int]:
    gelblaster = make_trend(
        session, label="Gelblaster-challenge bij metrostations in Zuidoost", status="emerging",
        keywords=["gelblaster", "metro", "bijlmer"], hashtags=["gelblasterchallenge"],
        first_seen=at(date(2026, 11, 8)), last_seen=at(date(2026, 11, 22)), emerging_at=at(date(2026, 11, 18)),
        platforms={"tiktok": 31, "instagram": 9},
        posts=["wie doet mee met de gelblaster challenge bij station Bijlmer 😂 bel 06-12345678",
               "ze schoten weer op mensen bij de metro in Zuidoost met een gelblaster",
               "gelblaster filmpjes uit de Bijlmer gaan rond op tiktok"],
        other_posts=[("gelblaster bij de metro in de Bijlmer vanavond weer", at(date(2026, 11, 22), 20))],
        daily=spread(date(2026, 11, 8), [1, 0, 2, 1, 0, 0, 3, 2, 4, 6, 9, 12, 8, 0, 5]), growth=3.4,
        why_flagged={"window": {"posts": 12, "authors": 9}, "thresholds": {"burst_z": 8.0},
                     "crossed": ["burst_z", "min_growth"]})
    shaming = make_trend(
        session, label="Expose-account van een school in Noord", category="online-shaming", status="active",
        first_seen=at(date(2026, 11, 2)), last_seen=at(date(2026, 11, 21)), emerging_at=at(date(2026, 11, 12)),
        posts=["wie kent haar? stuur in voor de expose pagina van onze school in Noord"],
        daily=spread(date(2026, 11, 2), [2, 1, 3, 2, 1, 4, 3, 2, 5, 6, 4, 3]), review_status="pending")
    drill = make_trend(
        session, label="Disstrack tussen twee wijken", category="drill-online-threats", status="dormant",
        first_seen=at(date(2026, 10, 20)), last_seen=at(date(2026, 11, 5)),
        posts=["nieuwe diss van die jongens uit de andere wijk is uit"],
        daily=spread(date(2026, 10, 25), [3, 5, 4, 2, 1, 1, 0, 1, 0, 0, 1, 2]))
    session.flush()
    return {"gelblaster": gelblaster.id or 0, "shaming": shaming.id or 0, "drill": drill.id or 0}


def add_collection_history(session: Session) -> None:
    for name, kind in (("nieuws-nl", "rss"), ("mastodon-nl", "mastodon"), ("zeeschuimer", "zeeschuimer")):
        session.add(SourceRow(name=name, kind=kind, base_url="https://example.org"))
    session.add(CrawlRun(source_name="nieuws-nl", watchlist_name="gelblasters", trigger="schedule",
                         started_at=NOW - timedelta(days=8, minutes=5), finished_at=NOW - timedelta(days=8),
                         status="ok", items_seen=40, items_stored=12, items_duplicate=28))
    session.add(CrawlRun(source_name="mastodon-nl", watchlist_name="gelblasters", trigger="schedule",
                         started_at=NOW - timedelta(hours=3, minutes=1), finished_at=NOW - timedelta(hours=3),
                         status="failed", errors=["HTTP 503 from mastodon.nl: Service Unavailable"]))
    session.add(JobClaim(job_id="purge", slot=NOW - timedelta(hours=6), holder="worker", status="ok",
                         started_at=NOW - timedelta(hours=6), finished_at=NOW - timedelta(hours=6, seconds=-4),
                         last_ok_at=NOW - timedelta(hours=6), result={"posts_deleted": 17}))


def add_subscription(session: Session, user_id: int, trend_id: int) -> int:
    subscription = Subscription(user_id=user_id, name="Gelblasters in Zuidoost", channel="email",
                                target="sara@school.example.nl", token="t" * 43, mode="immediate",
                                filters={"categories": ["gelblasters"], "places": ["Zuidoost"]})
    session.add(subscription)
    session.flush()
    item = {"trend_id": trend_id, "label": "Gelblaster-challenge bij metrostations in Zuidoost",
            "url": f"/trends/{trend_id}", "category_title": "Gelblasters en nepwapens"}
    session.add(AlertDelivery(subscription_id=subscription.id or 0, trend_id=trend_id, dedupe_key="a",
                              payload={"kind": "alert", "items": [item]}, status="sent", attempts=1,
                              created_at=NOW - timedelta(days=11), sent_at=NOW - timedelta(days=11)))
    session.add(AlertDelivery(subscription_id=subscription.id or 0, trend_id=trend_id, dedupe_key="b",
                              payload={"kind": "alert", "items": [item]}, status="pending", attempts=3,
                              last_error="SMTP 451", created_at=NOW - timedelta(days=8)))
    session.flush()
    return subscription.id or 0
