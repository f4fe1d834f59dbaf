"""Where the trend tracker's state lives: a row per trend (`trend_state`) and one row for the rest of the stream
(`classifier_state` named 'trend-engine'), both in the safe encoding of `codec`.

A run rewrites the stream row (bounded: buffer, samples, lineage) and the rows of the trends it changed. Those are
found by comparing each trend's fingerprint with the one it had when loaded, which catches every way a trend
changes (a clustering step, its status moving with time, a reviewer's merge, a purge) without the callers having
to report them.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from classifier.exceptions import StateError
from classifier.persist.codec import decode_stream, decode_trend, encode_stream, encode_trend
from classifier.persist.snapshots import window_counts
from classifier.state import TrackedTrend, TrendState
from models.analysis import ClassifierState, TrackedTrendRow, TrendMembership
from models.types import utcnow

STATE_NAME = "trend-engine"


def fingerprint(trend: TrackedTrend) -> tuple:
    """Changes whenever the trend does: every change of members moves `size` or the sum of their vectors."""
    ex = trend.ex_posts
    return (trend.size, hash(trend.vec_sum.tobytes()), trend.alive, trend.status, trend.status_since,
            trend.emerging_at, trend.peak_signal, trend.first_seen, trend.last_seen, len(trend.windows), len(ex),
            ex[0].id if ex else None, ex[-1].id if ex else None)


@dataclass
class StoredState:
    """A state with what the database holds of it: the fed-up-to moment, each trend's fingerprint as stored, its
    window counts as its snapshot rows show them, how many lineage entries the serving tables have, and when the
    stream row was saved (None: not yet)."""

    state: TrendState
    until: datetime | None = None
    marks: dict[int, tuple] = field(default_factory=dict)
    counts: dict[int, dict[int, tuple]] = field(default_factory=dict)
    lineage: int = 0
    saved_at: datetime | None = None

    def changed(self) -> list[TrackedTrend]:
        """Trends that differ from their stored version (new ones included), by id."""
        return [t for _, t in sorted(self.state.trends.items()) if self.marks.get(t.trend_id) != fingerprint(t)]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Coding a state makes many small containers; in a large process the cyclic collector would keep rescanning
    them (about 4x the decoding time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load_state(session: Session) -> StoredState | None:
    """The tracker's state as last saved, or None before the first run (or after `reset_state`)."""
    row = session.get(ClassifierState, STATE_NAME)
    if row is None:
        return None
    state, until = decode_stream(row.data)
    rows = session.execute(select(col(TrackedTrendRow.trend_id), col(TrackedTrendRow.data))
                           .order_by(col(TrackedTrendRow.trend_id)))
    with _collector_paused():
        for trend_id, data in rows:
            state.trends[trend_id] = decode_trend(data, trend_id)
    if state.trends and max(state.trends) >= state.next_id:
        raise StateError(f"the stored trend-engine state holds trend {max(state.trends)} but would next open trend "
                         f"{state.next_id}; fix: run `leefwereld process --rebuild` to rebuild the trends")
    return StoredState(state, until, marks={t.trend_id: fingerprint(t) for t in state.trends.values()},
                       counts={t.trend_id: window_counts(t) for t in state.trends.values()}, lineage=len(state.lineage),
                       saved_at=row.updated_at)


def save_state(session: Session, stored: StoredState, *, until: datetime | None) -> int:
    """Write the stream row and the rows of the changed trends; returns how many trend rows were written.

    Raises StateError when another run (or a purge) saved the state after this one loaded it: the caller's
    transaction must then be rolled back rather than mix two states."""
    now, changed = utcnow(), stored.changed()
    data = encode_stream(stored.state, until)
    if stored.saved_at is None:
        session.add(ClassifierState(name=STATE_NAME, data=data, updated_at=now))
    elif session.execute(  # type: ignore[attr-defined]  # sqlmodel types execute() as Result, not CursorResult
            update(ClassifierState).where(col(ClassifierState.name) == STATE_NAME,
                                          col(ClassifierState.updated_at) == stored.saved_at)
            .values(data=data, updated_at=now).execution_options(synchronize_session=False)).rowcount != 1:
        raise StateError("another run saved the trend-engine state after this run loaded it, so this run kept "
                         "nothing; fix: run it again (`leefwereld process`)")
    with _collector_paused():
        encoded = [(trend, encode_trend(trend)) for trend in changed]
    for trend, data in encoded:
        if trend.trend_id in stored.marks:
            session.execute(update(TrackedTrendRow).where(col(TrackedTrendRow.trend_id) == trend.trend_id)
                            .values(data=data, updated_at=now))
        else:
            session.add(TrackedTrendRow(trend_id=trend.trend_id, data=data, updated_at=now))
        stored.marks[trend.trend_id] = fingerprint(trend)
    stored.until, stored.saved_at = until, now
    return len(changed)


def reset_state(session: Session) -> None:
    """Forget the stored state and the memberships built from it, so the next state starts from nothing."""
    session.execute(delete(TrackedTrendRow))
    session.execute(delete(ClassifierState).where(col(ClassifierState.name) == STATE_NAME))
    session.execute(delete(TrendMembership))


def forget_before(state: TrendState, cutoff: datetime) -> None:
    """Drop purged posts from the state: their texts in exemplars and in the buffer."""
    for trend in state.trends.values():
        keep = [i for i, post in enumerate(trend.ex_posts) if post.created_at >= cutoff]
        if len(keep) != len(trend.ex_posts):
            trend.ex_posts = [trend.ex_posts[i] for i in keep]
            trend.ex_keys = [trend.ex_keys[i] for i in keep]
            trend.ex_vecs = trend.ex_vecs[keep] if trend.ex_vecs is not None else None
    buffer = state.buffer
    keep = [i for i, post in enumerate(buffer.posts) if post.created_at >= cutoff]
    if len(keep) != len(buffer.posts):
        buffer.posts = [buffer.posts[i] for i in keep]
        buffer.keys = [buffer.keys[i] for i in keep]
        buffer.vecs = buffer.vecs[keep] if buffer.vecs is not None else np.zeros((0, state.dim), np.float32)


def forget_purged(session: Session, cutoff: datetime) -> bool:
    """After a purge: remove the purged posts from the kept state too. Returns whether there was a state.

    The serving tables are left alone: a trend keeps the label and summary it had, and is summarised again from
    its remaining exemplars the next time it changes."""
    stored = load_state(session)
    if stored is None:
        return False
    forget_before(stored.state, cutoff)
    save_state(session, stored, until=stored.until)
    return True
