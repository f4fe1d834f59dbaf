"""Purge deletes raw posts past retention and keeps trends and aggregate counts."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from models.analysis import Embedding, Trend, TrendMembership, TrendSnapshot
from models.content import DailyCount, Post, PostWatchlist
from models.db import session_scope
from models.ingest import PostIn, store_posts
from models.purge import purge_posts

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _post(external_id: str, days_old: float, author: str, text: str) -> PostIn:
    created = NOW - timedelta(days=days_old)
    return PostIn(platform="tiktok", external_id=external_id, text=text, created_at=created, collected_at=created,
                  author_key=author, content_hash=f"hash-{text}", watchlists=["gelblaster-challenge"])


def test_purge_removes_old_posts_and_keeps_trends(engine: Engine) -> None:
    with session_scope(engine) as session:
        store_posts(session, [
            _post("old-1", 40, "a1", "gelblaster oud"), _post("old-2", 40.1, "a2", "gelblaster ook oud"),
            _post("old-3", 35, "a1", "nog een oude"), _post("new-1", 2, "a3", "gelblaster nieuw"),
        ])
        posts = {p.external_id: p for p in session.scalars(select(Post))}
        trend = Trend(label="gelblaster challenge", keywords=["gelblaster"], first_seen=NOW - timedelta(days=40),
                      last_seen=NOW - timedelta(days=2), size=4, authors=3, status="active")
        session.add(trend)
        session.flush()
        assert trend.id is not None
        session.add_all([TrendMembership(post_id=p.id, trend_id=trend.id) for p in posts.values() if p.id is not None])
        session.add(TrendSnapshot(trend_id=trend.id, window="week", window_start=NOW - timedelta(days=42), volume=3))
        session.add_all([Embedding(content_hash=p.content_hash, model="m", dim=1, vector=b"\0\0\0\0")
                         for p in posts.values()])

    with session_scope(engine) as session:
        report = purge_posts(session, now=NOW, retention_days=30)
    assert (report.posts_deleted, report.embeddings_deleted, report.days_aggregated) == (3, 3, 2)

    with Session(engine) as session:
        assert session.scalars(select(col(Post.external_id))).all() == ["new-1"]
        assert session.scalar(select(func.count()).select_from(TrendMembership)) == 1
        assert session.scalar(select(func.count()).select_from(PostWatchlist)) == 1
        trend = session.scalars(select(Trend)).one()
        assert (trend.label, trend.size, trend.authors) == ("gelblaster challenge", 4, 3)
        assert session.scalar(select(func.count()).select_from(TrendSnapshot)) == 1
        counts = {(c.day.isoformat(), c.posts, c.authors) for c in session.scalars(select(DailyCount))}
    day40, day35 = (NOW - timedelta(days=40)).date(), (NOW - timedelta(days=35)).date()
    assert counts == {(day40.isoformat(), 2, 2), (day35.isoformat(), 1, 1)}


def test_purge_twice_does_not_count_twice(engine: Engine) -> None:
    with session_scope(engine) as session:
        store_posts(session, [_post("old-1", 40, "a1", "x"), _post("new", 1, "a1", "y")])
    for _ in range(2):
        with session_scope(engine) as session:
            purge_posts(session, now=NOW, retention_days=30)
    with Session(engine) as session:
        assert [c.posts for c in session.scalars(select(DailyCount))] == [1]
