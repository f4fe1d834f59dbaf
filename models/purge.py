"""Delete raw posts past retention while keeping aggregate counts and trends."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlmodel import Session, col

from models.analysis import Embedding
from models.content import DailyCount, Post, PostWatchlist


@dataclass
class PurgeReport:
    cutoff: datetime
    posts_deleted: int
    embeddings_deleted: int
    days_aggregated: int

    def as_dict(self) -> dict[str, object]:
        return {"cutoff": self.cutoff.isoformat(), "posts_deleted": self.posts_deleted,
                "embeddings_deleted": self.embeddings_deleted, "days_aggregated": self.days_aggregated}


def retention_cutoff(now: datetime, retention_days: int) -> datetime:
    """Midnight UTC `retention_days` ago: whole days are purged, so each day's aggregate is written once."""
    day = (now.astimezone(UTC) - timedelta(days=retention_days)).date()
    return datetime.combine(day, time.min, tzinfo=UTC)


def _aggregate(session: Session, cutoff: datetime) -> int:
    rows = session.execute(
        select(col(Post.created_at), col(Post.platform), col(Post.author_key), col(PostWatchlist.watchlist_name))
        .outerjoin(PostWatchlist, col(PostWatchlist.post_id) == col(Post.id))
        .where(col(Post.created_at) < cutoff)
    )
    posts: dict[tuple[date, str, str], int] = defaultdict(int)
    authors: dict[tuple[date, str, str], set[str]] = defaultdict(set)
    for created_at, platform, author_key, watchlist in rows:
        key = (created_at.date(), platform, watchlist or "")
        posts[key] += 1
        authors[key].add(author_key)
    for (day, platform, watchlist), count in posts.items():
        row = session.scalars(select(DailyCount).where(
            col(DailyCount.day) == day, col(DailyCount.platform) == platform,
            col(DailyCount.watchlist_name) == watchlist
        )).first() or DailyCount(day=day, platform=platform, watchlist_name=watchlist)
        row.posts += count
        row.authors += len(authors[(day, platform, watchlist)])
        session.add(row)
    return len({day for day, _, _ in posts})


def purge_posts(session: Session, *, now: datetime, retention_days: int) -> PurgeReport:
    cutoff = retention_cutoff(now, retention_days)
    days = _aggregate(session, cutoff)
    # sqlmodel types execute() as Result, not CursorResult
    deleted = session.execute(delete(Post).where(col(Post.created_at) < cutoff)).rowcount or 0  # type: ignore[attr-defined]
    still_used = select(col(Post.content_hash)).distinct()
    orphans = session.execute(  # type: ignore[attr-defined]
        delete(Embedding).where(col(Embedding.content_hash).not_in(still_used))).rowcount or 0
    return PurgeReport(cutoff, deleted, orphans, days)
