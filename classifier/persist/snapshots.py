"""TrendSnapshot rows, a trend's figures per window and per week, written for the windows a run changed.

A window's growth and burst score look back `baseline_span`, so a change in window c can move the day rows of
windows c .. c + span and the week row of c's week; only those are computed and compared with the stored rows.
Every row carries the trend's current status, so a status change is one UPDATE over the trend's rows.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from classifier.detect.metrics import baseline_windows, window_metrics
from classifier.detect.windows import window_index, window_start
from classifier.state import TrackedTrend, TrendState, WindowCount
from models.analysis import TrendSnapshot

_WEEK = timedelta(weeks=1)


def window_counts(trend: TrackedTrend) -> dict[int, tuple]:
    """What the snapshot rows of each window depend on; sets only grow, so equal sizes mean equal sets."""
    return {w: (c.posts, len(c.authors), len(c.texts), len(c.platforms), len(c.sources))
            for w, c in trend.windows.items()}


def _monday(start: datetime) -> datetime:
    return (start - timedelta(days=start.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def _rows(trend: TrackedTrend, state: TrendState, span: timedelta, days: set[int], weeks: set[datetime]) -> list[dict]:
    """Snapshot values of the windows `days` and of the weeks starting on `weeks`."""
    assert state.origin is not None  # set by the first batch
    rows: list[dict[str, Any]] = []
    for index in sorted(days):
        metrics = window_metrics(trend, index, state, span)
        rows.append({"window": "day" if state.window == timedelta(days=1) else "window",
                     "window_start": window_start(index, state.origin, state.window),
                     "volume": metrics.posts, "authors": metrics.authors, "platforms": metrics.platforms,
                     "sources": metrics.sources, "growth": metrics.growth, "burst_score": metrics.burst})
    totals: dict[datetime, WindowCount] = {}
    for monday in weeks:
        first = window_index(monday, state.origin, state.window)
        for index in range(first, window_index(monday + _WEEK, state.origin, state.window) + 1):
            counts = trend.windows.get(index)
            if counts is None or _monday(window_start(index, state.origin, state.window)) != monday:
                continue
            week = totals.setdefault(monday, WindowCount())
            week.posts += counts.posts
            week.authors |= counts.authors
            week.platforms |= counts.platforms
            week.sources |= counts.sources
    rows += [{"window": "week", "window_start": monday, "volume": w.posts, "authors": len(w.authors),
              "platforms": len(w.platforms), "sources": len(w.sources), "growth": None, "burst_score": None}
             for monday, w in sorted(totals.items())]
    return rows


def write_snapshots(session: Session, trend: TrackedTrend, state: TrendState, span: timedelta,
                    before: dict[int, tuple] | None) -> None:
    """Bring the trend's rows in line with the state; `before` is `window_counts` as last written (None: unknown,
    so every row is compared)."""
    if not trend.alive:
        session.execute(delete(TrendSnapshot).where(col(TrendSnapshot.trend_id) == trend.trend_id))
        return
    assert state.origin is not None  # set by the first batch
    if before is None:
        days = moved = set(trend.windows)
    else:
        now = window_counts(trend)
        moved = {w for w in now if now[w] != before.get(w)}
        reach = baseline_windows(state, span)
        days = {w for c in moved for w in range(c, c + reach + 1) if w in trend.windows}
        session.execute(update(TrendSnapshot).where(col(TrendSnapshot.trend_id) == trend.trend_id,
                                                    col(TrendSnapshot.status) != trend.status)
                        .values(status=trend.status))
    wanted = _rows(trend, state, span, days, {_monday(window_start(w, state.origin, state.window)) for w in moved})
    query = select(TrendSnapshot).where(col(TrendSnapshot.trend_id) == trend.trend_id)
    if before is not None:
        query = query.where(col(TrendSnapshot.window_start).in_({row["window_start"] for row in wanted}))
    stored = {(r.window, r.window_start): r for r in session.scalars(query)}
    for values in wanted:
        values["status"] = trend.status
        row = stored.pop((values["window"], values["window_start"]), None)
        if row is None:
            session.add(TrendSnapshot(trend_id=trend.trend_id, **values))
            continue
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
    if before is None:  # rows of windows the trend no longer has
        for row in stored.values():
            session.delete(row)
