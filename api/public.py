"""Response models of the API: table models never leave it; these say what a client may see."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from models.content import Post
from models.privacy import redact
from monitor_config.schema import MonitorConfig


class TrendPublic(BaseModel):
    id: int
    label: str
    keywords: list[str]
    category: str | None
    category_title: str | None = Field(description="Dutch title of the category from the configuration")
    severity: str | None
    status: str = Field(description="new, emerging, active, fading or dormant")
    first_seen: datetime
    last_seen: datetime
    emerging_at: datetime | None
    size: int = Field(description="Posts in the trend")
    authors: int = Field(description="Distinct (pseudonymous) authors")
    growth: float | None = Field(description="Growth in the latest day window")
    review_status: str | None
    platforms: dict[str, int]
    hashtags: list[str]


class TrendPagePublic(BaseModel):
    total: int
    limit: int
    offset: int
    next_offset: int | None
    items: list[TrendPublic]


class SnapshotPublic(BaseModel):
    window: str
    window_start: datetime
    volume: int
    authors: int
    platforms: int
    sources: int
    growth: float | None
    burst_score: float | None
    status: str


class TimelinePublic(BaseModel):
    windows: list[SnapshotPublic] = Field(description="Per time window: a day by default (window 'day'), "
                                                       "or the configured length (window 'window')")
    weeks: list[SnapshotPublic] = Field(description="Per week (window 'week', starting Monday 00:00 UTC)")


class PostPublic(BaseModel):
    """A post as shown: text redacted (no phone numbers, e-mail addresses, handles or profile links)."""

    id: int
    platform: str
    created_at: datetime
    language: str | None
    text: str
    url: str | None = Field(description="Only when it points at no profile")


class LineageLinkPublic(BaseModel):
    relation: str = Field(description="split (the child came out of the parent) or merge (the child was absorbed "
                                      "into the parent, which stays)")
    side: Literal["parent", "child"] = Field(description="The side this trend is on")
    other_id: int
    other_label: str
    at: datetime
    text: dict[str, str] = Field(default_factory=dict, description="the link as the pages say it, per language "
                                                                   "(`nl`, `en`), e.g. 'Split off from “Drill "
                                                                   "beef” (14 November 2026, 01:00).'")


class TrendDetailPublic(TrendPublic):
    summary: dict[str, Any] = Field(description="hashtags, platforms, sources, why_flagged, lineage")
    why_flagged: dict[str, Any] = Field(description="the tracker's figures and thresholds, as stored")
    why_flagged_text: dict[str, list[str]] = Field(
        description="why it was flagged, as the pages say it: one sentence per criterion with its value and "
                    "threshold, per language (`nl`, `en`); empty lists when it was never flagged")
    merged_into: int | None
    timeline: TimelinePublic
    representative_posts: list[PostPublic]
    lineage: list[LineageLinkPublic]


class SourcePublic(BaseModel):
    id: int
    name: str
    kind: str
    base_url: str
    enabled: bool
    updated_at: datetime


class WatchlistPublic(BaseModel):
    id: int
    name: str
    category: str
    definition: dict[str, Any]
    updated_at: datetime


class CrawlRunPublic(BaseModel):
    id: int
    source_name: str
    watchlist_name: str | None
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    items_seen: int
    items_stored: int
    items_duplicate: int
    items_dropped: int
    errors: list[Any]


class CrawlRunPagePublic(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[CrawlRunPublic]


def make_post_public(post: Post) -> PostPublic:
    url = post.url if post.url and redact(post.url) == post.url else None
    return PostPublic(id=post.id or 0, platform=post.platform, created_at=post.created_at,
                      language=post.language, text=redact(post.text), url=url)


def describe_category(config: MonitorConfig, name: str | None, lang: str = "nl") -> tuple[str | None, str | None]:
    """(title in `lang`, severity) of a category; a name the configuration no longer has shows as itself."""
    for category in config.categories:
        if category.name == name:
            return category.title_in(lang), category.severity
    return name, None
