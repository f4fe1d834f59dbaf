"""The signal sheet: one trend on one page, to take to a school's care meeting (ZAT) or to a partner.

Name, summary, why it was flagged, the figures, posts per day and a few redacted, shortened examples; nothing that
identifies anyone: no links, no account, no author pseudonym, no post id. Shown as a printable page and as a PDF
(`api.signal_pdf`); every export is written to the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from api.digest.build import shorten
from api.queries.trends import daily_volumes, get_posts, latest_growth
from api.trend_views import describe_trend
from models.analysis import Trend
from monitor_config.schema import MonitorConfig

EXAMPLES = 3
EXAMPLE_LENGTH = 200
CHART_DAYS = 42


@dataclass(frozen=True)
class SignalSheet:
    trend_id: int
    label: str
    category_title: str | None
    severity: str | None
    status: str
    review_status: str | None
    first_seen: datetime
    last_seen: datetime
    emerging_at: datetime | None
    size: int
    authors: int
    growth: float | None
    keywords: list[str]
    hashtags: list[str]
    platforms: dict[str, int]
    why_flagged: dict[str, Any]
    days: list[date]
    daily: dict[date, int]
    examples: list[str]
    organisation: str
    generated_at: datetime
    data_until: datetime | None
    notes: list[str] = field(default_factory=list)
    summary_text: str = ""


def build_signal_sheet(session: Session, trend: Trend, config: MonitorConfig, *, lang: str, now: datetime,
                       data_until: datetime | None) -> SignalSheet:
    zone = config.zone
    category = next((c for c in config.categories if c.name == trend.category), None)
    summary = trend.summary or {}
    last = trend.last_seen.astimezone(zone).date()
    first = max(trend.first_seen.astimezone(zone).date() - timedelta(days=7), last - timedelta(days=CHART_DAYS - 1))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    start = datetime.combine(first, datetime.min.time(), zone)
    end = start + timedelta(days=len(days))
    volumes = daily_volumes(session, [trend.id or 0], start, end, zone).get(trend.id or 0, {})
    ids = summary.get("representative_post_ids") or []
    posts = get_posts(session, [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else [])
    platforms = summary.get("platforms") if isinstance(summary.get("platforms"), dict) else {}
    why = summary.get("why_flagged") if isinstance(summary.get("why_flagged"), dict) else {}
    return SignalSheet(
        trend_id=trend.id or 0, label=trend.label or f"Trend {trend.id}",
        category_title=category.title_in(lang) if category else trend.category,
        severity=category.severity if category else None, status=trend.status, review_status=trend.review_status,
        first_seen=trend.first_seen, last_seen=trend.last_seen, emerging_at=trend.emerging_at, size=trend.size,
        authors=trend.authors, growth=latest_growth(session, trend.id or 0),
        keywords=[str(k) for k in trend.keywords or []][:12],
        hashtags=[str(h) for h in summary["hashtags"]][:12] if isinstance(summary.get("hashtags"), list) else [],
        platforms={str(k): int(v) for k, v in (platforms or {}).items() if isinstance(v, (int, float))},
        why_flagged=dict(why or {}), days=days, daily=volumes,
        examples=[shorten(post.text, EXAMPLE_LENGTH) for post in posts[:EXAMPLES]],
        organisation=config.organisation, generated_at=now, data_until=data_until,
        summary_text=describe_trend(session, trend, config, lang, data_until))
