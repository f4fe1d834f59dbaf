"""Idempotent storage of posts: the same post twice is one row, and its watchlist matches are merged."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from models.content import Post, PostWatchlist


@dataclass
class PostIn:
    """A normalised post, ready to store. It has no author handle: only the keyed pseudonym."""

    platform: str
    external_id: str
    text: str
    created_at: datetime
    collected_at: datetime
    author_key: str
    content_hash: str
    source_name: str | None = None
    url: str | None = None
    language: str | None = None
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    views: int | None = None
    watchlists: list[str] = field(default_factory=list)


@dataclass
class StoreResult:
    stored: int = 0
    duplicates: int = 0

    def __iadd__(self, other: StoreResult) -> StoreResult:
        self.stored += other.stored
        self.duplicates += other.duplicates
        return self


def insert_ignoring_duplicates(session: Session, table: type, rows: list[dict]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING, on SQLite and PostgreSQL."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    session.execute(module.insert(table).values(rows).on_conflict_do_nothing())


def store_posts(session: Session, posts: list[PostIn]) -> StoreResult:
    """Insert new posts and link them to their watchlists; existing posts are left as they are."""
    unique = {(p.platform, p.external_id): p for p in posts}
    if not unique:
        return StoreResult()
    existing = set(session.execute(
        select(col(Post.platform), col(Post.external_id))
        .where(tuple_(Post.platform, Post.external_id).in_(list(unique)))
    ).all())
    new = [p for k, p in unique.items() if k not in existing]
    if new:
        rows = [{k: v for k, v in vars(p).items() if k != "watchlists"} for p in new]
        insert_ignoring_duplicates(session, Post, rows)
    ids = {(platform, external_id): post_id for platform, external_id, post_id in session.execute(
        select(col(Post.platform), col(Post.external_id), col(Post.id))
        .where(tuple_(Post.platform, Post.external_id).in_(list(unique)))
    ).all()}
    links = [{"post_id": ids[k], "watchlist_name": w} for k, p in unique.items() for w in p.watchlists if k in ids]
    if links:
        insert_ignoring_duplicates(session, PostWatchlist, links)
    return StoreResult(stored=len(new), duplicates=len(posts) - len(new))
