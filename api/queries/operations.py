"""What the collectors are set up to do and what they did: sources, watchlists, crawl runs."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, col

from models.content import CrawlRun, SourceRow, WatchlistRow


def list_sources(session: Session) -> list[SourceRow]:
    return list(session.execute(select(SourceRow).order_by(SourceRow.name)).scalars())


def list_watchlists(session: Session) -> list[WatchlistRow]:
    return list(session.execute(select(WatchlistRow).order_by(WatchlistRow.name)).scalars())


def list_crawl_runs(session: Session, *, source: str | None, status: str | None, limit: int,
                    offset: int) -> tuple[list[CrawlRun], int]:
    """Newest first, with the total for paging."""
    conditions = []
    if source:
        conditions.append(col(CrawlRun.source_name) == source)
    if status:
        conditions.append(col(CrawlRun.status) == status)
    total = session.execute(select(func.count()).select_from(CrawlRun).where(*conditions)).scalar_one()
    query = (select(CrawlRun).where(*conditions).order_by(col(CrawlRun.started_at).desc(), col(CrawlRun.id).desc())
             .limit(limit).offset(offset))
    return list(session.execute(query).scalars()), total


def count_crawl_runs_by_status(session: Session) -> dict[str, int]:
    query = select(col(CrawlRun.status), func.count()).group_by(col(CrawlRun.status))
    return {status: count for status, count in session.execute(query)}
