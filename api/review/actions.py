"""What reviewers do with flagged trends in review categories: judge, rename, merge, annotate.

Every action writes an AuditLog row. Verdicts set Trend.review_status (confirmed, dismissed, watch); a trend
in a review category alerts subscribers only once confirmed (see api.visibility.awaits_review).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from api.auth import record_audit
from api.plain_text import clean_line, clean_text
from api.review.exceptions import InvalidReviewError, UnknownTrendError
from api.visibility import review_categories
from models.analysis import Trend, TrendLineage, TrendMembership
from models.serving import Review, User
from models.trend_figures import recount
from monitor_config.schema import MonitorConfig
from monitor_config.vocabulary import VERDICT_STATES

OPEN = ("pending", "watch")
MAX_LABEL = 300


def flag_for_review(session: Session, *, config: MonitorConfig, now: datetime) -> list[Trend]:
    """Put newly flagged trends of review categories in the queue (review_status 'pending')."""
    trends = list(session.exec(select(Trend).where(
        col(Trend.category).in_(sorted(review_categories(config))), col(Trend.emerging_at).is_not(None),
        col(Trend.review_status).is_(None), col(Trend.merged_into).is_(None))))
    for trend in trends:
        trend.review_status, trend.updated_at = "pending", now
        session.add(trend)
    return trends


def review_queue(session: Session, *, config: MonitorConfig) -> list[Trend]:
    """Open trends to judge: not yet judged first, then those marked 'keep watching'; newest flag first."""
    unjudged = case((col(Trend.review_status) == "watch", 1), else_=0)
    return list(session.exec(select(Trend).where(
        col(Trend.category).in_(sorted(review_categories(config))), col(Trend.emerging_at).is_not(None),
        col(Trend.merged_into).is_(None),
        (col(Trend.review_status).is_(None)) | (col(Trend.review_status).in_(OPEN)),
    ).order_by(unjudged, col(Trend.emerging_at).desc(), col(Trend.id))))


def get_trend(session: Session, trend_id: int) -> Trend:
    trend = session.get(Trend, trend_id)
    if trend is None:
        raise UnknownTrendError(f"Trend {trend_id} bestaat niet.")
    return trend


def list_reviews(session: Session, trend_id: int) -> list[Review]:
    return list(session.exec(select(Review).where(col(Review.trend_id) == trend_id).order_by(col(Review.id))))


def record_verdict(session: Session, *, trend_id: int, reviewer: User, verdict: str, note: str | None,
                   now: datetime) -> Review:
    if verdict not in VERDICT_STATES:
        raise InvalidReviewError(f"Onbekend oordeel {verdict!r}; kies confirm, dismiss of watch.")
    trend = get_trend(session, trend_id)
    if trend.merged_into is not None:
        raise InvalidReviewError(f"Trend {trend_id} is samengevoegd met trend {trend.merged_into}; beoordeel die.")
    before = trend.review_status
    trend.review_status, trend.updated_at = VERDICT_STATES[verdict], now
    review = Review(trend_id=trend_id, reviewer_id=reviewer.id, verdict=verdict, note=(note or "").strip() or None,  # type: ignore[arg-type]
                    created_at=now)
    session.add_all([trend, review])
    record_audit(session, actor=reviewer.username, action=f"review_{verdict}", target=f"trend:{trend_id}", at=now,
                 details={"before": before, "after": trend.review_status, "note": review.note})
    return review


def add_note(session: Session, *, trend_id: int, reviewer: User, note: str, now: datetime) -> Review:
    if not note.strip():
        raise InvalidReviewError("Een lege notitie is niet opgeslagen; schrijf eerst iets.")
    get_trend(session, trend_id)
    review = Review(trend_id=trend_id, reviewer_id=reviewer.id, verdict="note", note=note.strip(), created_at=now)  # type: ignore[arg-type]
    session.add(review)
    record_audit(session, actor=reviewer.username, action="review_note", target=f"trend:{trend_id}", at=now)
    return review


def rename_trend(session: Session, *, trend_id: int, reviewer: User, label: str, now: datetime) -> Trend:
    label = clean_line(label)  # a label reaches e-mail subjects, feeds and webhooks: no control characters
    if not label or len(label) > MAX_LABEL:
        raise InvalidReviewError(f"Een naam heeft 1 tot {MAX_LABEL} tekens.")
    trend = get_trend(session, trend_id)
    before, trend.label, trend.updated_at = trend.label, label, now
    session.add(trend)
    session.add(TrendLineage(parent_id=trend_id, child_id=trend_id, relation="rename", at=now))
    record_audit(session, actor=reviewer.username, action="trend_renamed", target=f"trend:{trend_id}", at=now,
                 details={"before": before, "after": label})
    return trend


def merge_trends(session: Session, *, source_id: int, target_id: int, reviewer: User, now: datetime) -> Trend:
    """Fold `source` into `target`: its posts move over, source.merged_into = target, and a lineage row in the
    trend tracker's convention for merges (parent = the trend that stays, child = the one absorbed)."""
    if source_id == target_id:
        raise InvalidReviewError("Een trend kan niet met zichzelf worden samengevoegd.")
    source, target = get_trend(session, source_id), get_trend(session, target_id)
    for trend in (source, target):
        if trend.merged_into is not None:
            raise InvalidReviewError(f"Trend {trend.id} is al samengevoegd met trend {trend.merged_into}.")
    moved = session.exec(select(func.count()).select_from(TrendMembership)
                         .where(TrendMembership.trend_id == source_id)).one()
    session.execute(update(TrendMembership).where(col(TrendMembership.trend_id) == source_id)
                    .values(trend_id=target_id))
    source.merged_into, source.updated_at = target_id, now
    platforms = dict((target.summary or {}).get("platforms") or {})
    for name, count in ((source.summary or {}).get("platforms") or {}).items():
        platforms[name] = platforms.get(name, 0) + count
    session.flush()
    recount(session, target, target.size + source.size, target.authors + source.authors, platforms)
    recount(session, source, 0, 0, {})
    target.first_seen = min(target.first_seen, source.first_seen)
    target.last_seen = max(target.last_seen, source.last_seen)
    target.emerging_at = min(filter(None, (target.emerging_at, source.emerging_at)), default=None)
    target.updated_at = now
    session.add_all([source, target, TrendLineage(parent_id=target_id, child_id=source_id, relation="merge", at=now)])
    record_audit(session, actor=reviewer.username, action="trend_merged", target=f"trend:{source_id}", at=now,
                 details={"into": target_id, "posts_moved": moved})
    return target


def submit_review(session: Session, *, trend_id: int, reviewer: User, verdict: str | None = None,
                  note: str | None = None, label: str | None = None, now: datetime) -> Trend:
    """One reviewer form: an optional rename, then a verdict (with the note) or, without verdict, just the note."""
    note = clean_text(note) if note is not None else None  # control characters never reach the database
    trend = get_trend(session, trend_id)
    if label is not None and clean_line(label) and clean_line(label) != trend.label:
        rename_trend(session, trend_id=trend_id, reviewer=reviewer, label=label, now=now)
    if verdict:
        record_verdict(session, trend_id=trend_id, reviewer=reviewer, verdict=verdict, note=note, now=now)
    elif note and note.strip():
        add_note(session, trend_id=trend_id, reviewer=reviewer, note=note, now=now)
    return trend
