"""A trend's figures that agree with one another: posts, distinct authors and posts per platform.

The trend tracker keeps all-time counts (posts and posts per platform add up by construction; distinct authors are
a union over windows that a split cannot shrink), and the stored member posts give exact counts for what is still
stored. `agreeing` combines the two so that, for every trend at every moment, authors <= posts and the platform
counts add up to the posts: exact when every post is still stored, the all-time counts otherwise (after a purge).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from models.analysis import Trend, TrendMembership
from models.content import Post


@dataclass(frozen=True)
class PostFigures:
    posts: int
    authors: int
    platforms: dict[str, int]


def member_figures(session: Session, trend_id: int, start: datetime | None = None,
                   end: datetime | None = None) -> PostFigures:
    """Posts, distinct authors and posts per platform among the trend's stored members, written in [start, end)."""
    conditions: list[ColumnElement[bool]] = [col(TrendMembership.trend_id) == trend_id]
    if start is not None:
        conditions.append(col(Post.created_at) >= start)
    if end is not None:
        conditions.append(col(Post.created_at) < end)
    on = col(TrendMembership.post_id) == col(Post.id)
    platforms = {str(name): int(count) for name, count in session.execute(
        select(col(Post.platform), func.count()).join(TrendMembership, on).where(*conditions)
        .group_by(col(Post.platform)))}
    authors = session.execute(select(func.count(func.distinct(col(Post.author_key))))
                              .join(TrendMembership, on).where(*conditions)).scalar_one()
    return PostFigures(posts=sum(platforms.values()), authors=int(authors or 0),
                       platforms=dict(sorted(platforms.items())))


def agreeing(posts: int, authors: int, platforms: Mapping[str, int], stored: PostFigures) -> PostFigures:
    """All-time figures brought in line: the stored posts' own counts when they are all there."""
    if stored.posts >= posts:
        return stored
    counted = {k: int(v) for k, v in sorted(platforms.items()) if v > 0}
    total = sum(counted.values()) if counted else posts
    return PostFigures(posts=total, authors=max(min(authors, total), min(stored.authors, total)), platforms=counted)


def recount(session: Session, trend: Trend, posts: int, authors: int, platforms: Mapping[str, int]) -> None:
    """Set the row's size, authors and summary platforms from `agreeing` (a merged-away trend has none)."""
    if trend.merged_into is not None:
        figures = PostFigures(0, 0, {})
    else:
        figures = agreeing(posts, authors, platforms, member_figures(session, trend.id or 0))
    trend.size, trend.authors = figures.posts, figures.authors
    trend.summary = {**(trend.summary or {}), "platforms": figures.platforms}
    session.add(trend)
