"""Managing a subscription after it was made: edit, pause and resume, a preview of what it would have sent, and
the history of what it did send. Every change goes to the audit log."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from api.alerts.enqueue import awaits_review
from api.alerts.filters import matches_filters, read_trend_facts
from api.alerts.subscriptions import SubscriptionRequest, check_request, get_subscription
from api.alerts.webhook import Resolver, resolve_host
from api.auth import record_audit
from models.analysis import Trend
from models.serving import AlertDelivery, Subscription, User
from monitor_config.schema import MonitorConfig

PREVIEW_SPAN = timedelta(weeks=4)
PREVIEW_LIMIT = 50
HISTORY_LIMIT = 100


def update_subscription(session: Session, *, subscription_id: int, user: User, request: SubscriptionRequest,
                        config: MonitorConfig, now: datetime, resolve: Resolver = resolve_host) -> Subscription:
    """Change name, channel, address, filters, timing and language; checked as when it was made."""
    subscription = get_subscription(session, subscription_id, user)
    owner = session.get(User, subscription.user_id) or user
    checked = check_request(request, owner=owner, config=config, resolve=resolve)
    subscription.name, subscription.channel, subscription.target = checked.name, checked.channel, checked.target
    subscription.filters, subscription.mode, subscription.language = checked.filters, checked.mode, checked.language
    session.add(subscription)
    record_audit(session, actor=user.username, action="subscription_updated", target=str(subscription.id), at=now,
                 details={"channel": checked.channel, "mode": checked.mode, "filters": checked.filters})
    return subscription


def set_paused(session: Session, *, subscription_id: int, user: User, paused: bool, now: datetime) -> Subscription:
    subscription = get_subscription(session, subscription_id, user)
    if subscription.paused != paused:
        subscription.paused = paused
        session.add(subscription)
        record_audit(session, actor=user.username, action="subscription_paused" if paused else "subscription_resumed",
                     target=str(subscription.id), at=now)
    return subscription


@dataclass(frozen=True)
class PreviewItem:
    trend: Trend
    flagged_at: datetime
    waits_for_review: bool


def preview_matches(session: Session, filters: dict, config: MonitorConfig, *, now: datetime,
                    span: timedelta = PREVIEW_SPAN) -> list[PreviewItem]:
    """The flagged trends of the past `span` that these filters let through, newest first: what the subscription
    would have sent. Trends of review categories that nobody confirmed yet are marked (they would have waited)."""
    since = now - span
    trends = session.exec(select(Trend).where(col(Trend.emerging_at).is_not(None), col(Trend.emerging_at) >= since,
                                              col(Trend.merged_into).is_(None))
                          .order_by(col(Trend.emerging_at).desc()).limit(PREVIEW_LIMIT * 4))
    items = []
    for trend in trends:
        if trend.review_status == "dismissed":
            continue
        if matches_filters(filters, read_trend_facts(session, trend, config), config):
            items.append(PreviewItem(trend, trend.emerging_at, awaits_review(trend, config)))  # type: ignore[arg-type]
        if len(items) >= PREVIEW_LIMIT:
            break
    return items


def delivery_history(session: Session, subscription: Subscription, limit: int = HISTORY_LIMIT) -> list[AlertDelivery]:
    """What was sent (or is waiting, or failed) for this subscription, newest first."""
    query = (select(AlertDelivery).where(AlertDelivery.subscription_id == subscription.id)
             .order_by(col(AlertDelivery.created_at).desc(), col(AlertDelivery.id).desc()).limit(limit))
    return list(session.exec(query))
