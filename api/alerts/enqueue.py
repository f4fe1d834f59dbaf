"""Deciding what to alert: flagged trends that match a subscription become outbox rows, once per level.

A trend alerts a subscription when it is flagged (emerging or active) and matches the filters. After that the
trend is cooled down for that subscription: it alerts again only when it escalates, that is when its status
goes up (emerging -> active with growth) or its category's severity rises. The level is part of the dedupe
key, so the unique constraint (subscription, dedupe key) keeps every alert to one row even when two
processing runs race. Trends in review categories alert only after a reviewer confirmed them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.alerts.filters import TrendFacts, matches_filters, read_trend_facts
from api.trend_views import describe_trend
from api.visibility import awaits_review
from models.analysis import Trend, TrendSnapshot
from models.privacy import redact
from models.serving import AlertDelivery, Subscription
from monitor_config.schema import MonitorConfig
from monitor_config.vocabulary import ALERT_CHANNELS, FLAGGED_STATUSES, SEVERITIES

MAX_EXAMPLES = 3
MAX_EXAMPLE_CHARS = 500


def status_rank(session: Session, trend: Trend) -> int:
    """1 for emerging (or active without growth), 2 for active and still growing.

    Snapshot growth is the trend tracker's ratio of the window's signal to its baseline: above 1 is growth."""
    if trend.status != "active":
        return 1
    growth = session.exec(select(TrendSnapshot.growth).where(TrendSnapshot.trend_id == trend.id,
                                                              TrendSnapshot.window != "week")
                          .order_by(col(TrendSnapshot.window_start).desc()).limit(1)).first()
    return 2 if growth is not None and growth > 1.0 else 1


def build_item(facts: TrendFacts, config: MonitorConfig, level: tuple[int, int], escalated: bool,
               lang: str = "nl") -> dict[str, Any]:
    """One trend as an alert shows it, in the subscriber's language; post texts are redacted here, so the outbox
    holds no raw text."""
    trend = facts.trend
    titles = {c.name: c.title_in(lang) for c in config.categories}
    return {
        "trend_id": trend.id, "label": trend.label, "category": trend.category,
        "category_title": titles.get(trend.category or "", trend.category or ""),
        "severity": facts.severity, "status": trend.status, "keywords": [str(k) for k in trend.keywords][:10],
        "size": trend.size, "authors": trend.authors, "platforms": sorted(facts.platforms),
        "emerging_at": trend.emerging_at.isoformat() if trend.emerging_at else None,
        "examples": [redact(p.text)[:MAX_EXAMPLE_CHARS] for p in facts.posts[:MAX_EXAMPLES]],
        "url": f"/trends/{trend.id}", "level": list(level), "escalated": escalated,
        "why_flagged": (trend.summary or {}).get("why_flagged") or None,
    }


def alerted_levels(session: Session, trend_ids: list[int]) -> dict[tuple[int, int | None], tuple[int, int]]:
    """The highest status and severity rank already alerted, per (subscription, trend)."""
    best: dict[tuple[int, int | None], tuple[int, int]] = {}
    rows = session.exec(select(AlertDelivery.subscription_id, AlertDelivery.trend_id, AlertDelivery.payload)
                        .where(col(AlertDelivery.trend_id).in_(trend_ids))).all() if trend_ids else []
    for subscription_id, trend_id, payload in rows:
        level = tuple((payload.get("items") or [{}])[0].get("level", (0, 0)))
        old = best.get((subscription_id, trend_id), (0, 0))
        best[(subscription_id, trend_id)] = (max(old[0], level[0]), max(old[1], level[1]))
    return best


def enqueue_alerts(session: Session, now: datetime, *, config: MonitorConfig) -> list[AlertDelivery]:
    """Add an outbox row for every (subscription, flagged trend) that matches and is new or escalated.

    Called after each processing run; commits nothing (the caller owns the transaction)."""
    subscriptions = list(session.exec(select(Subscription).where(
        Subscription.active == True, Subscription.paused == False,  # noqa: E712
        col(Subscription.channel).in_(ALERT_CHANNELS))))
    if not subscriptions:
        return []
    trends = list(session.exec(select(Trend).where(col(Trend.status).in_(FLAGGED_STATUSES),
                                                   col(Trend.emerging_at).is_not(None),
                                                   col(Trend.merged_into).is_(None)).order_by(col(Trend.id))))
    trends = [t for t in trends if not awaits_review(t, config)]
    alerted = alerted_levels(session, [t.id for t in trends if t.id is not None])
    added: list[AlertDelivery] = []
    summaries: dict[int, dict[str, str]] = {}  # the trend in a sentence, in both languages, once per trend
    for trend in trends:
        facts = read_trend_facts(session, trend, config)
        level = (status_rank(session, trend), SEVERITIES.rank(facts.severity))
        for subscription in subscriptions:
            before = alerted.get((subscription.id, trend.id))  # type: ignore[arg-type]
            if before is not None and level[0] <= before[0] and level[1] <= before[1]:
                continue
            if not matches_filters(subscription.filters, facts, config):
                continue
            row = add_delivery(session, subscription=subscription, trend_id=trend.id,
                               dedupe_key=f"trend:{trend.id}:s{level[0]}:v{level[1]}", now=now,
                               payload={"kind": "alert", "items": [{
                                   **build_item(facts, config, level, before is not None, subscription.language),
                                   "summary": summaries.setdefault(trend.id or 0, {
                                       lang: describe_trend(session, trend, config, lang, now)
                                       for lang in ("nl", "en")})}]})
            if row is not None:
                added.append(row)
    return added


def add_delivery(session: Session, *, subscription: Subscription, trend_id: int | None, dedupe_key: str,
                 payload: dict[str, Any], now: datetime) -> AlertDelivery | None:
    """Insert one outbox row, or None when the (subscription, dedupe key) row already exists."""
    status = "queued" if subscription.mode == "daily" and subscription.channel != "digest" else "pending"
    row = AlertDelivery(subscription_id=subscription.id, trend_id=trend_id, dedupe_key=dedupe_key,  # type: ignore[arg-type]
                        payload=payload, status=status, next_attempt_at=now, created_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row
