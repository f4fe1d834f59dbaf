"""Real trend rows for tests, shaped like the classifier's output (Trend.summary contract, day/week snapshots)."""
from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session

from models.analysis import Trend, TrendLineage, TrendMembership, TrendSnapshot
from models.content import Post
from models.privacy import content_hash

_numbers = itertools.count(1)
# What the classifier stores when a window crosses its thresholds (classifier/detect/lifecycle.py)
WHY_FLAGGED: dict[str, Any] = {
    "window": {"start": "2026-11-18T00:00:00Z", "posts": 14, "authors": 9, "texts": 12, "platforms": 2,
               "sources": 2, "signal": 9, "baseline": 0.4, "growth": 7.143, "burst": 7.113},
    "thresholds": {"min_authors": 5, "burst_z": 6.0, "min_growth": 3.0, "baseline_span": "7d"},
    "crossed": ["min_authors", "burst_z", "min_growth"],
}


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def make_post(session: Session, text: str, *, platform: str = "tiktok", created_at: datetime,
              url: str | None = None) -> Post:
    number = next(_numbers)
    post = Post(platform=platform, external_id=f"ext-{number}", text=text, created_at=created_at, url=url,
                author_key=f"author-{number % 7}", content_hash=content_hash(f"{text}-{number}"), language="nl")
    session.add(post)
    session.flush()
    return post


def make_trend(session: Session, *, label: str, category: str | None = "gelblasters", status: str = "active",
               first_seen: datetime, last_seen: datetime | None = None, emerging_at: datetime | None = None,
               keywords: Sequence[str] = (), platforms: Mapping[str, int] | None = None,
               hashtags: Sequence[str] = (), posts: Sequence[str] = (), daily: Mapping[date, int] | None = None,
               other_posts: Sequence[tuple[str, datetime]] = (),
               growth: float | None = None, why_flagged: Mapping[str, Any] | None = None,
               review_status: str | None = None, merged_into: int | None = None) -> Trend:
    """A trend with its posts (representative members, written at first_seen), other members (text, written at),
    and one day snapshot per `daily` entry."""
    daily = dict(daily or {})
    platforms = dict(platforms or {"tiktok": max(1, len(posts))})
    trend = Trend(label=label, keywords=list(keywords), category=category, status=status, first_seen=first_seen,
                  last_seen=last_seen or first_seen, emerging_at=emerging_at, size=sum(daily.values()) or len(posts),
                  authors=max(1, len(posts)), review_status=review_status, merged_into=merged_into, summary={})
    session.add(trend)
    session.flush()
    stored = [make_post(session, text, platform=next(iter(platforms)), created_at=first_seen) for text in posts]
    others = [make_post(session, text, platform=next(iter(platforms)), created_at=when) for text, when in other_posts]
    assert trend.id is not None  # flushed
    for post in [*stored, *others]:
        assert post.id is not None
        session.add(TrendMembership(post_id=post.id, trend_id=trend.id, similarity=0.9))
    trend.summary = {"hashtags": list(hashtags), "platforms": platforms, "sources": 1,
                     "why_flagged": dict(why_flagged or WHY_FLAGGED),
                     "representative_post_ids": [post.id for post in stored], "lineage": None}
    for day, volume in sorted(daily.items()):
        session.add(TrendSnapshot(trend_id=trend.id, window="day", window_start=at(day, 0), volume=volume,
                                  authors=max(1, volume // 2), platforms=len(platforms), sources=1,
                                  growth=growth, status=status))
    session.add(trend)
    session.flush()
    return trend


def link_trends(session: Session, parent: Trend, child: Trend, relation: str, when: datetime) -> None:
    assert parent.id is not None and child.id is not None  # flushed
    session.add(TrendLineage(parent_id=parent.id, child_id=child.id, relation=relation, at=when))
    session.flush()


def spread(start: date, volumes: Sequence[int]) -> dict[date, int]:
    """Day volumes from `start` on, one per day."""
    return {start + timedelta(days=offset): volume for offset, volume in enumerate(volumes)}
