"""Reads and writes of the collectors' bookkeeping: cursors per source and query, and crawl run records."""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from models.content import CrawlCursor, CrawlRun
from models.holders import holder_is_dead, this_process
from models.types import utcnow


@dataclass(frozen=True)
class CursorState:
    value: str | None = None
    etag: str | None = None
    last_modified: str | None = None


def load_cursors(session: Session, source_name: str) -> dict[str, CursorState]:
    rows = session.scalars(select(CrawlCursor).where(col(CrawlCursor.source_name) == source_name))
    return {row.query: CursorState(row.value, row.etag, row.last_modified) for row in rows}


def advance_cursors(session: Session, *, source_name: str, marks: Iterable[tuple[str, CursorState]]) -> int:
    """Insert or move the cursors of `source_name`; call in the same transaction as the posts they follow."""
    count = 0
    for query, state in marks:
        row = session.scalars(select(CrawlCursor).where(
            col(CrawlCursor.source_name) == source_name, col(CrawlCursor.query) == query)).first()
        row = row or CrawlCursor(source_name=source_name, query=query)
        row.value = state.value if state.value is not None else row.value
        row.etag, row.last_modified = state.etag, state.last_modified
        row.updated_at = utcnow()
        session.add(row)
        count += 1
    return count


def start_runs(session: Session, *, source_names: Iterable[str], trigger: str,
               watchlist_name: str | None = None) -> list[CrawlRun]:
    holder = this_process()
    runs = [CrawlRun(source_name=name, trigger=trigger, watchlist_name=watchlist_name, holder=holder)
            for name in source_names]
    session.add_all(runs)
    session.flush()
    return runs


def finish_run(session: Session, run_id: int, *, seen: int, stored: int, duplicates: int, dropped: int,
               errors: list[str], now: datetime | None = None) -> CrawlRun:
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"crawl run {run_id} does not exist")
    run.items_seen, run.items_stored, run.items_duplicate, run.items_dropped = seen, stored, duplicates, dropped
    run.errors = list(errors)
    run.status = "ok" if not errors else ("partial" if stored or seen else "failed")
    run.finished_at = now or utcnow()
    session.add(run)
    return run


def fail_unfinished_runs(session: Session, run_ids: Iterable[int], reason: str) -> None:
    """Runs whose process died before writing their record: keep what is known and say why."""
    for run_id in run_ids:
        run = session.get(CrawlRun, run_id)
        if run is not None and run.finished_at is None:
            run.status, run.finished_at, run.errors = "failed", utcnow(), [*run.errors, reason]
            session.add(run)


INTERRUPTED = ("interrupted: the process recording this run stopped before it finished (killed or crashed); "
               "the posts stored until then are kept, and the next run goes on from the saved cursors")


def close_abandoned_runs(session: Session, *, now: datetime | None = None, keep_sources: Collection[str] = ()) -> int:
    """Close the unfinished runs whose recording process on this machine has ended, so none stays `running`.

    Runs of `keep_sources` are left to their own recovery (uploads: the web server stores a received file again
    at its start, and fails the run only when the file is gone)."""
    query = select(CrawlRun).where(col(CrawlRun.finished_at).is_(None), col(CrawlRun.holder).is_not(None))
    if keep_sources:
        query = query.where(col(CrawlRun.source_name).not_in(list(keep_sources)))
    open_runs = session.scalars(query).all()
    closed = 0
    for run in open_runs:
        if run.holder and holder_is_dead(run.holder):
            run.status, run.finished_at, run.errors = "failed", now or utcnow(), [*run.errors, INTERRUPTED]
            session.add(run)
            closed += 1
    return closed


def run_as_dict(run: CrawlRun) -> dict[str, Any]:
    return {
        "id": run.id, "source": run.source_name, "watchlist": run.watchlist_name, "trigger": run.trigger,
        "status": run.status, "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "items": {"seen": run.items_seen, "stored": run.items_stored, "duplicate": run.items_duplicate,
                  "dropped": run.items_dropped},
        "errors": list(run.errors),
    }


def latest_runs(session: Session, limit: int = 50) -> list[CrawlRun]:
    return list(session.scalars(select(CrawlRun).order_by(col(CrawlRun.id).desc()).limit(limit)))
