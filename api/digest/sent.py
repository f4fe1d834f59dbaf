"""A digest once sent is kept as sent: the e-mail renders it from here the first time and stores it per week and
language; the pages and the API show that stored digest from then on, with a dated note for each review, merge or
rename made later on a trend it listed, instead of quietly rebuilding the week with today's verdicts."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from api.digest.build import build_digest
from api.digest.model import Digest
from api.digest.weeks import IsoWeek
from api.i18n import translate
from api.labels import format_day
from models.analysis import Trend, TrendLineage
from models.serving import Review, SentDigest
from monitor_config.schema import MonitorConfig
from monitor_config.vocabulary import REVIEW_ACTIONS


def keep_sent(session: Session, digest: Digest, sent_at: datetime) -> Digest:
    """Store `digest` as sent for its week and language, unless one already was: the first one sent stays."""
    stored = find_sent(session, digest.week, digest.lang)
    if stored is not None:
        return Digest.model_validate(stored.content)
    kept = digest.model_copy(update={"sent_at": sent_at})
    session.add(SentDigest(week=digest.week, lang=digest.lang, sent_at=sent_at, content=kept.model_dump(mode="json")))
    session.flush()
    return kept


def find_sent(session: Session, week: str, lang: str) -> SentDigest | None:
    return session.exec(select(SentDigest).where(SentDigest.week == week, SentDigest.lang == lang)).first()


def later_notes(session: Session, digest: Digest, sent_at: datetime) -> list[str]:
    """One dated sentence per verdict, merge or rename made after sending on a trend the digest listed."""
    ids = {item.trend_id for section in digest.sections for category in section.categories
           for item in category.items}
    if not ids:
        return []
    lang = digest.lang
    labels = {item.trend_id: item.label for section in digest.sections for category in section.categories
              for item in category.items}
    events: list[tuple[datetime, str]] = []
    for review in session.exec(select(Review).where(col(Review.trend_id).in_(ids), Review.created_at > sent_at)):
        events.append((review.created_at, translate(
            lang, "digest.note.review", day=format_day(review.created_at.date(), lang), label=labels[review.trend_id],
            verdict=REVIEW_ACTIONS.label(review.verdict, lang))))
    for link in session.exec(select(TrendLineage).where(col(TrendLineage.child_id).in_(ids), TrendLineage.at > sent_at,
                                                        col(TrendLineage.relation).in_(("merge", "rename")))):
        other = session.get(Trend, link.parent_id)
        key = "digest.note.merge" if link.relation == "merge" else "digest.note.rename"
        events.append((link.at, translate(lang, key, day=format_day(link.at.date(), lang), label=labels[link.child_id],
                                          other=(other.label if other else None) or f"Trend {link.parent_id}",
                                          new=session.get(Trend, link.child_id).label or "")))  # type: ignore[union-attr]
    return [text for _, text in sorted(events, key=lambda e: e[0])]


def load_digest(session: Session, *, week: IsoWeek, config: MonitorConfig, lang: str, now: datetime) -> Digest:
    """The digest as it was sent (with later changes as dated notes), or, for a week not sent, built now."""
    stored = find_sent(session, str(week), lang)
    if stored is None:
        return build_digest(session, week=week, config=config, lang=lang, now=now)
    digest = Digest.model_validate(stored.content)
    return digest.model_copy(update={"notes": later_notes(session, digest, stored.sent_at)})
