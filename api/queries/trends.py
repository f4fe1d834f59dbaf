"""Trends as the API and the pages read them: filtered and paged lists, one trend, its history and posts."""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect
from sqlmodel import Session, col

from models.analysis import CategoryAssignment, Trend, TrendLineage, TrendMembership, TrendSnapshot
from models.content import Post
from models.trend_figures import PostFigures, member_figures  # noqa: F401 - the pages and digest use them

WEEK = "week"  # the classifier's other windows are "day" (the default 1d) or "window" (any other length)
HIDDEN_REVIEW = "dismissed"  # a reviewer judged it not a risk: out of lists and digests
CONFIRMED = "confirmed"


@dataclass(frozen=True)
class TrendFilters:
    categories: Sequence[str] = ()
    statuses: Sequence[str] = ()
    since: datetime | None = None
    until: datetime | None = None
    platform: str | None = None
    keyword: str | None = None
    unconfirmed_hidden_in: Sequence[str] = ()  # categories whose trends count only once confirmed (api.visibility)


@dataclass
class TrendRow:
    trend: Trend
    growth: float | None = None
    daily: dict[date, int] = field(default_factory=dict)


def _conditions(filters: TrendFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        col(Trend.merged_into).is_(None),
        or_(col(Trend.review_status).is_(None), col(Trend.review_status) != HIDDEN_REVIEW),
    ]
    if filters.categories:
        conditions.append(col(Trend.category).in_(filters.categories))
    if filters.statuses:
        conditions.append(col(Trend.status).in_(filters.statuses))
    if filters.since is not None:  # active at some point in the period
        conditions.append(col(Trend.last_seen) >= filters.since)
    if filters.until is not None:
        conditions.append(col(Trend.first_seen) < filters.until)
    if filters.platform:
        conditions.append(Trend.summary[("platforms", filters.platform.lower())].as_string().is_not(None))
    if filters.keyword:
        conditions.append(_keyword_matches(filters.keyword))
    if filters.unconfirmed_hidden_in:
        conditions.append(_shown_despite_review(filters.unconfirmed_hidden_in))
    return conditions


def _shown_despite_review(categories: Sequence[str]) -> ColumnElement[bool]:
    return or_(col(Trend.category).is_(None), col(Trend.category).not_in(categories),
               col(Trend.review_status) == CONFIRMED)


def _keyword_matches(keyword: str) -> ColumnElement[bool]:
    """Case-insensitive substring of the label, keywords or hashtags. JSON is stored with non-ASCII escaped
    (\\u00eb), so the escaped spelling of the keyword is searched too."""
    wanted = {keyword.lower(), json.dumps(keyword.lower())[1:-1]}
    haystacks = [func.lower(Trend.label), func.lower(cast(Trend.keywords, String)),
                 func.lower(cast(Trend.summary["hashtags"], String))]
    return or_(*(hay.contains(word, autoescape=True) for hay in haystacks for word in wanted))


def _latest_growth(trend_id: Any) -> ScalarSelect:
    """The growth in a trend's latest day (or shorter) window, as a subquery per trend: one short walk down the
    (trend_id, window, window_start) index each, where grouping every snapshot to find the latest cost 90 ms at
    5,000 trends (docs/PERFORMANCE.md)."""
    return (select(col(TrendSnapshot.growth))
            .where(col(TrendSnapshot.trend_id) == trend_id, col(TrendSnapshot.window) != WEEK)
            .order_by(col(TrendSnapshot.trend_id).desc(), col(TrendSnapshot.window).desc(),
                      col(TrendSnapshot.window_start).desc())
            .limit(1).scalar_subquery())


def list_trends(session: Session, filters: TrendFilters, *, limit: int, offset: int) -> tuple[list[TrendRow], int]:
    """One page of trends, emerging first (newest emergence first, then fastest growth), and the total."""
    conditions = _conditions(filters)
    total = session.execute(select(func.count()).select_from(Trend).where(*conditions)).scalar_one()
    growth = _latest_growth(col(Trend.id)).label("growth")
    query = (select(Trend, growth).where(*conditions)
             .order_by(col(Trend.emerging_at).desc().nulls_last(), growth.desc().nulls_last(), col(Trend.id).desc())
             .limit(limit).offset(offset))
    rows = [TrendRow(trend, rate) for trend, rate in session.execute(query).all()]
    return rows, total


def get_trend(session: Session, trend_id: int) -> Trend | None:
    return session.get(Trend, trend_id)


def latest_growth(session: Session, trend_id: int) -> float | None:
    return session.execute(select(_latest_growth(trend_id))).scalar_one_or_none()


def list_snapshots(session: Session, trend_id: int, *, weekly: bool) -> list[TrendSnapshot]:
    """The week snapshots, or the others (day windows by default; shorter ones when so configured)."""
    window = col(TrendSnapshot.window) == WEEK if weekly else col(TrendSnapshot.window) != WEEK
    query = (select(TrendSnapshot).where(col(TrendSnapshot.trend_id) == trend_id, window)
             .order_by(col(TrendSnapshot.window_start)))
    return list(session.execute(query).scalars())


def daily_volumes(session: Session, trend_ids: Iterable[int], start: datetime, end: datetime,
                  zone: ZoneInfo) -> dict[int, dict[date, int]]:
    """Volume per local day (in `zone`) from the day (or shorter) windows, per trend; days without posts are absent."""
    ids = list(trend_ids)
    volumes: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    if not ids:
        return {}
    query = select(col(TrendSnapshot.trend_id), col(TrendSnapshot.window_start), col(TrendSnapshot.volume)).where(
        col(TrendSnapshot.trend_id).in_(ids), col(TrendSnapshot.window) != WEEK,
        col(TrendSnapshot.window_start) >= start, col(TrendSnapshot.window_start) < end)
    for trend_id, window_start, volume in session.execute(query):
        volumes[trend_id][window_start.astimezone(zone).date()] += volume
    return {trend_id: dict(days) for trend_id, days in volumes.items()}


def get_posts(session: Session, post_ids: Sequence[int]) -> list[Post]:
    """The posts still stored (purged ones are skipped), in the order asked for."""
    ids = [post_id for post_id in post_ids if isinstance(post_id, int)]
    if not ids:
        return []
    found = {post.id: post for post in session.execute(select(Post).where(col(Post.id).in_(ids))).scalars()}
    return [found[post_id] for post_id in ids if post_id in found]


def list_lineage(session: Session, trend_id: int) -> list[tuple[TrendLineage, Trend]]:
    """Splits, merges and renames this trend took part in, each with the trend on the other side."""
    query = select(TrendLineage).where(or_(col(TrendLineage.parent_id) == trend_id,
                                           col(TrendLineage.child_id) == trend_id)).order_by(col(TrendLineage.at))
    links = list(session.execute(query).scalars())
    others = {link.child_id if link.parent_id == trend_id else link.parent_id for link in links}
    trends = {t.id: t for t in session.execute(select(Trend).where(col(Trend.id).in_(others))).scalars()}
    return [(link, trends[link.child_id if link.parent_id == trend_id else link.parent_id]) for link in links]


def find_trends_active_between(session: Session, start: datetime, end: datetime) -> list[Trend]:
    """Trends seen in [start, end) or just before it (so fading ones are found), for the digest."""
    conditions = _conditions(TrendFilters())
    query = select(Trend).where(*conditions, col(Trend.first_seen) < end, col(Trend.last_seen) >= start)
    return list(session.execute(query.order_by(col(Trend.id))).scalars())


def count_trends_by_status(session: Session) -> dict[str, int]:
    query = select(col(Trend.status), func.count()).where(col(Trend.merged_into).is_(None)).group_by(col(Trend.status))
    return {status: count for status, count in session.execute(query)}


def count_posts(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Post)).scalar_one()


def total_daily_volume(session: Session, start: datetime, end: datetime, zone: ZoneInfo,
                       unconfirmed_hidden_in: Sequence[str] = ()) -> dict[date, int]:
    """Posts per local day (in `zone`) over all trends that are not merged away (for the overview's chart)."""
    query = (select(col(TrendSnapshot.window_start), func.sum(col(TrendSnapshot.volume)))
             .join(Trend, col(Trend.id) == col(TrendSnapshot.trend_id))
             .where(col(TrendSnapshot.window) != WEEK, col(TrendSnapshot.window_start) >= start,
                    col(TrendSnapshot.window_start) < end, col(Trend.merged_into).is_(None))
             .group_by(col(TrendSnapshot.window_start)))
    if unconfirmed_hidden_in:
        query = query.where(_shown_despite_review(unconfirmed_hidden_in))
    totals: dict[date, int] = defaultdict(int)
    for window_start, volume in session.execute(query):
        totals[window_start.astimezone(zone).date()] += int(volume or 0)
    return dict(totals)


def find_week_posts(session: Session, trend_id: int, start: datetime, end: datetime, *,
                    prefer: Sequence[int], limit: int, category: str | None = None) -> list[Post]:
    """Up to `limit` member posts written in [start, end) that are about the trend itself: with a `category`, the
    posts the classifier gave that category come first and posts it gave only other risk categories (a member
    about another risk, such as a drill-beef post in a gelblaster trend) are left out; within that, the
    representative ones first, then the most liked."""
    query = (select(Post).join(TrendMembership, col(TrendMembership.post_id) == Post.id)
             .where(col(TrendMembership.trend_id) == trend_id, col(Post.created_at) >= start,
                    col(Post.created_at) < end))
    order: list[ColumnElement[Any]] = [col(Post.id).in_(list(prefer) or [-1]).desc(),
                                       func.coalesce(Post.likes, 0).desc(), col(Post.id).asc()]
    if category:
        own = select(col(CategoryAssignment.post_id)).where(col(CategoryAssignment.category) == category)
        other = select(col(CategoryAssignment.post_id)).where(col(CategoryAssignment.category) != category)
        query = query.where(or_(col(Post.id).in_(own), col(Post.id).not_in(other)))
        order.insert(0, col(Post.id).in_(own).desc())
    return list(session.execute(query.order_by(*order).limit(limit)).scalars())

