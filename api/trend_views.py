"""Turn trend rows into what the API answers and the pages show."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from sqlmodel import Session

from api.explain import summary_sentence, why_lines
from api.labels import lineage_sentence
from api.public import (
    LineageLinkPublic,
    SnapshotPublic,
    TimelinePublic,
    TrendDetailPublic,
    TrendPublic,
    describe_category,
    make_post_public,
)
from api.queries.trends import daily_volumes, get_posts, latest_growth, list_lineage, list_snapshots
from models.analysis import Trend
from monitor_config.schema import MonitorConfig
from monitor_config.vocabulary import LANGUAGES

MAX_REPRESENTATIVE_POSTS = 5
# Only these parts of Trend.summary are shown: anything else the classifier may keep there stays inside.
SUMMARY_KEYS = ("hashtags", "platforms", "sources", "why_flagged", "lineage")


def _summary_part(trend: Trend, key: str, kind: type) -> Any:
    value = (trend.summary or {}).get(key)
    return value if isinstance(value, kind) else kind()


def make_trend_public(trend: Trend, growth: float | None, config: MonitorConfig) -> TrendPublic:
    title, severity = describe_category(config, trend.category)
    platforms = {str(k): int(v) for k, v in _summary_part(trend, "platforms", dict).items()
                 if isinstance(v, (int, float))}
    return TrendPublic(
        id=trend.id or 0, label=trend.label or f"Trend {trend.id}", keywords=[str(k) for k in trend.keywords or []],
        category=trend.category, category_title=title, severity=severity, status=trend.status,
        first_seen=trend.first_seen, last_seen=trend.last_seen, emerging_at=trend.emerging_at, size=trend.size,
        authors=trend.authors, growth=growth, review_status=trend.review_status, platforms=platforms,
        hashtags=[str(tag) for tag in _summary_part(trend, "hashtags", list)],
    )


def _lineage_link(relation: str, side: str, other: Trend, at: datetime, config: MonitorConfig) -> LineageLinkPublic:
    label = other.label or f"Trend {other.id}"
    return LineageLinkPublic(relation=relation, side=side, other_id=other.id or 0, other_label=label, at=at,
                             text={lang: lineage_sentence(relation, side, label, at, config.zone, lang)
                                   for lang in LANGUAGES.codes})


def make_trend_detail(session: Session, trend: Trend, config: MonitorConfig,
                      shown: Callable[[Trend], bool] = lambda _trend: True) -> TrendDetailPublic:
    """The trend with its history; lineage links to trends the reader may not see (`shown`) are left out."""
    base = make_trend_public(trend, latest_growth(session, trend.id or 0), config)
    post_ids = _summary_part(trend, "representative_post_ids", list)[:MAX_REPRESENTATIVE_POSTS]
    lineage = [_lineage_link(link.relation, "child" if link.child_id == trend.id else "parent", other, link.at,
                             config) for link, other in list_lineage(session, trend.id or 0) if shown(other)]
    timeline = TimelinePublic(**{
        key: [SnapshotPublic.model_validate(s, from_attributes=True)
              for s in list_snapshots(session, trend.id or 0, weekly=key == "weeks")]
        for key in ("windows", "weeks")
    })
    summary = {key: (trend.summary or {})[key] for key in SUMMARY_KEYS if key in (trend.summary or {})}
    why = _summary_part(trend, "why_flagged", dict)
    return TrendDetailPublic(
        **base.model_dump(), summary=summary, why_flagged=why,
        why_flagged_text={lang: [line.removeprefix("- ") for line in why_lines(why, lang)] for lang in LANGUAGES.codes},
        merged_into=trend.merged_into, timeline=timeline,
        representative_posts=[make_post_public(post) for post in get_posts(session, post_ids)], lineage=lineage,
    )


def describe_trend(session: Session, trend: Trend, config: MonitorConfig, lang: str, until: datetime | None) -> str:
    """The trend in a sentence or two (api.explain.summary_sentence): since when, how many accounts, where, and its
    posts in the seven days up to `until` (the newest data) against the seven days before."""
    zone = config.zone
    end_day = (until or trend.last_seen).astimezone(zone).date()
    end = datetime.combine(end_day + timedelta(days=1), time.min, zone)
    volumes = daily_volumes(session, [trend.id or 0], end - timedelta(days=14), end, zone).get(trend.id or 0, {})
    cut = end_day - timedelta(days=6)
    posts = sum(v for day, v in volumes.items() if day >= cut)
    previous = sum(v for day, v in volumes.items() if day < cut)
    platforms = {str(k): int(v) for k, v in _summary_part(trend, "platforms", dict).items()
                 if isinstance(v, (int, float))}
    return summary_sentence(topic=trend.label or f"Trend {trend.id}", first_seen=trend.first_seen.astimezone(zone),
                            authors=trend.authors, platforms=platforms, posts=posts, previous=previous, lang=lang,
                            period_end=end_day)
