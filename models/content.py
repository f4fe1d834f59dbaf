"""What the collectors gather: sources, watchlists, crawl runs and cursors, posts."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class SourceRow(SQLModel, table=True):
    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=64)
    kind: str = Field(max_length=32)
    base_url: str = Field(max_length=500)
    enabled: bool = True
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WatchlistRow(SQLModel, table=True):
    __tablename__ = "watchlist"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=64)
    category: str = Field(max_length=64)
    definition: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CrawlRun(SQLModel, table=True):
    __tablename__ = "crawl_run"

    id: int | None = Field(default=None, primary_key=True)
    source_name: str = Field(index=True, max_length=64)
    watchlist_name: str | None = Field(default=None, max_length=64)
    trigger: str = Field(default="manual", max_length=32)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default="running", max_length=16)
    # the process that writes the run's record (models.holders); a run whose holder died is closed as failed
    holder: str | None = Field(default=None, max_length=200)
    items_seen: int = 0
    items_stored: int = 0
    items_duplicate: int = 0
    items_dropped: int = 0
    errors: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Upload(SQLModel, table=True):
    """A Zeeschuimer upload: the hash of its unguessable status key, its crawl run and who uploaded it."""

    __tablename__ = "upload"

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(max_length=64, unique=True)
    run_id: int = Field(foreign_key="crawl_run.id", index=True, ondelete="CASCADE")
    uploader: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CrawlCursor(SQLModel, table=True):
    """Where a source's query stopped last time; moves only after the batch before it is committed."""

    __tablename__ = "crawl_cursor"
    __table_args__ = (UniqueConstraint("source_name", "query", name="uq_cursor_source_query"),)

    id: int | None = Field(default=None, primary_key=True)
    source_name: str = Field(max_length=64)
    query: str = Field(max_length=500)
    value: str | None = Field(default=None, sa_column=Column(Text))
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Post(SQLModel, table=True):
    """A public post. The author is only a keyed pseudonym; no handle, name or profile is ever stored."""

    __tablename__ = "post"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_post_platform_external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32, index=True)
    external_id: str = Field(max_length=200)
    source_name: str | None = Field(default=None, max_length=64)
    url: str | None = Field(default=None, max_length=1000)
    text: str = Field(sa_column=Column(Text, nullable=False))
    language: str | None = Field(default=None, max_length=8)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    collected_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    views: int | None = None
    author_key: str = Field(max_length=64, index=True)
    content_hash: str = Field(max_length=64, index=True)
    processed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


class PostWatchlist(SQLModel, table=True):
    """Which watchlists a kept post matched."""

    __tablename__ = "post_watchlist"

    post_id: int = Field(foreign_key="post.id", primary_key=True, ondelete="CASCADE")
    watchlist_name: str = Field(primary_key=True, max_length=64)


class DailyCount(SQLModel, table=True):
    """Aggregate counts per day that outlive the raw posts after purge."""

    __tablename__ = "daily_count"
    __table_args__ = (UniqueConstraint("day", "platform", "watchlist_name", name="uq_daily_count"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    platform: str = Field(max_length=32)
    watchlist_name: str = Field(default="", max_length=64)
    posts: int = 0
    authors: int = 0
