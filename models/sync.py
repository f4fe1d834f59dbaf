"""Mirror the configuration's sources and watchlists into the database, where runs and posts refer to them."""
from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from models.content import SourceRow, WatchlistRow
from models.types import utcnow
from monitor_config.schema import MonitorConfig


def sync_configuration(session: Session, config: MonitorConfig) -> dict[str, int]:
    """Insert or update every configured source and watchlist; sources no longer configured are disabled."""
    sources = {row.name: row for row in session.scalars(select(SourceRow))}
    for source in config.sources:
        row = sources.pop(source.name, None) or SourceRow(name=source.name, kind=source.kind, base_url="")
        row.kind, row.base_url, row.enabled = source.kind, str(source.base_url), source.enabled
        row.updated_at = utcnow()
        session.add(row)
    for stale in sources.values():
        stale.enabled = False
        session.add(stale)
    watchlists = {row.name: row for row in session.scalars(select(WatchlistRow))}
    for watchlist in config.watchlists:
        entry = watchlists.pop(watchlist.name, None) or WatchlistRow(name=watchlist.name, category=watchlist.category)
        entry.category = watchlist.category
        entry.definition = watchlist.model_dump(mode="json")
        entry.updated_at = utcnow()
        session.add(entry)
    return {"sources": len(config.sources), "watchlists": len(config.watchlists)}
