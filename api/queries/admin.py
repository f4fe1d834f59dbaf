"""What the administration pages read: posts per source, the audit log (filtered and paged), the crawl runs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from models.content import Post
from models.serving import AuditLog

RATE_SPAN = timedelta(days=7)


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None
    action: str | None = None
    text: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def posts_per_source(session: Session, *, now: datetime) -> dict[str, tuple[float, datetime | None]]:
    """Per source: posts per day over the last week (by when they were collected) and its newest post."""
    since = now - RATE_SPAN
    source = col(Post.source_name)
    recent: dict[str | None, int] = {name: count for name, count in session.execute(
        select(source, func.count()).where(col(Post.collected_at) >= since).group_by(source))}
    newest: dict[str | None, datetime | None] = {name: at for name, at in session.execute(
        select(source, func.max(col(Post.created_at))).group_by(source))}
    names = set(recent) | set(newest)
    return {str(name): (recent.get(name, 0) / RATE_SPAN.days, newest.get(name)) for name in names if name}


def _audit_conditions(filters: AuditFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.actor:
        conditions.append(col(AuditLog.actor) == filters.actor)
    if filters.action:
        conditions.append(col(AuditLog.action) == filters.action)
    if filters.text:
        conditions.append(or_(col(AuditLog.target).contains(filters.text, autoescape=True),
                              col(AuditLog.actor).contains(filters.text, autoescape=True)))
    if filters.since:
        conditions.append(col(AuditLog.at) >= filters.since)
    if filters.until:
        conditions.append(col(AuditLog.at) < filters.until)
    return conditions


def list_audit(session: Session, filters: AuditFilters, *, limit: int, offset: int) -> tuple[list[AuditLog], int]:
    conditions = _audit_conditions(filters)
    total = session.execute(select(func.count()).select_from(AuditLog).where(*conditions)).scalar_one()
    newest_first = (col(AuditLog.at).desc(), col(AuditLog.id).desc())
    query = select(AuditLog).where(*conditions).order_by(*newest_first).limit(limit).offset(offset)
    rows = session.execute(query).scalars()
    return list(rows), int(total)


def audit_choices(session: Session) -> tuple[list[str], list[str]]:
    """The actions and actors that occur, for the filter's select lists."""
    actions = session.execute(select(col(AuditLog.action)).distinct().order_by(col(AuditLog.action))).scalars()
    actors = session.execute(select(col(AuditLog.actor)).distinct().order_by(col(AuditLog.actor))).scalars()
    return list(actions), list(actors)
