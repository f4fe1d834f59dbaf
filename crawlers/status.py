"""What `leefwereld crawl --status` shows: the latest runs, and per source its last run and its cursors."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from models.content import CrawlCursor
from models.crawling import latest_runs, run_as_dict
from models.db import session_scope


def crawl_status(engine: Engine, limit: int = 50) -> dict[str, Any]:
    with session_scope(engine) as session:
        runs = [run_as_dict(r) for r in latest_runs(session, limit)]
        cursors = list(session.scalars(select(CrawlCursor).order_by(CrawlCursor.source_name, CrawlCursor.query)))
        sources: dict[str, dict[str, Any]] = {}
        for run in runs:  # newest first: the first one seen per source is its last run
            sources.setdefault(run["source"], {"last_run": run, "cursors": {}})
        for cursor in cursors:
            entry = sources.setdefault(cursor.source_name, {"last_run": None, "cursors": {}})
            entry["cursors"][cursor.query] = {"value": cursor.value, "etag": cursor.etag,
                                              "updated_at": cursor.updated_at.isoformat()}
    return {"runs": runs, "sources": sources}


def describe_status(status: dict[str, Any]) -> str:
    lines = []
    for name, entry in sorted(status["sources"].items()):
        run = entry["last_run"]
        if run is None:
            lines.append(f"{name}: never run")
            continue
        items = run["items"]
        lines.append(f"{name}: {run['status']} at {run['finished_at'] or run['started_at']}, {items['stored']} new, "
                     f"{items['duplicate']} known, {items['dropped']} dropped, {len(run['errors'])} errors")
    return "\n".join(lines) or "no crawl has run yet"
