"""Where the trend engine's state lives: a row per trend (`trend_state`) and one row for the rest of the stream
(`classifier_state` named 'trend-engine'), both in the safe encoding of `codec`.

A run rewrites the stream row (bounded: buffer, samples, lineage) and the rows of the trends it changed. Those are
found by comparing each trend's fingerprint with the one it had when loaded, which catches every way a trend
changes (a clustering step, its status moving with time, a reviewer's merge, a purge) without the callers having
to report them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy import delete, select, update
from sqlmodel import Session

from classifier.exceptions import StateError
from classifier.persist.codec import decode_stream, decode_trend, encode_stream, encode_trend
from classifier.persist.snapshots import window_counts
from classifier.state import Trend, TrendState
from models.analysis import ClassifierState, TrendEngineState, TrendMembership
from models.types import utcnow

STATE_NAME = "trend-engine"


def fingerprint(trend: Trend) -> tuple:
    """Changes whenever the trend does: every change of members moves `size` or the sum of their vectors."""
    ex = trend.ex_posts
    return (trend.size, hash(trend.vec_sum.tobytes()), trend.alive, trend.status, trend.status_since,
            trend.emerging_at, trend.peak_signal, trend.first_seen, trend.last_seen, len(trend.windows), len(ex),
            ex[0].id if ex else None, ex[-1].id if ex else None)


@dataclass
class StoredState:
    """A state with what the database holds of it: the fed-up-to moment, each trend's fingerprint as stored, its
    window counts as its snapshot rows show them, and how many lineage entries the serving tables have."""

    state: TrendState
    until: datetime | None = None
    marks: dict[int, tuple] = field(default_factory=dict)
    counts: dict[int, dict[int, tuple]] = field(default_factory=dict)
    lineage: int = 0

    def changed(self) -> list[Trend]:
        """Trends that differ from their stored version (new ones included), by id."""
        return [t for _, t in sorted(self.state.trends.items()) if self.marks.get(t.trend_id) != fingerprint(t)]


def load_state(session: Session) -> StoredState | None:
    """The engine's state as last saved, or None before the first run (or after `reset_state`)."""
    row = session.get(ClassifierState, STATE_NAME)
    if row is None:
        return None
    state, until = decode_stream(row.data)
    for trend_id, data in session.execute(select(TrendEngineState.trend_id, TrendEngineState.data)
                                          .order_by(TrendEngineState.trend_id)):
        state.trends[trend_id] = decode_trend(data, trend_id)
    if state.trends and max(state.trends) >= state.next_id:
        raise StateError(f"the stored trend-engine state holds trend {max(state.trends)} but would next open trend "
                         f"{state.next_id}; fix: run `leefwereld process --rebuild` to rebuild the trends")
    return StoredState(state, until, marks={t.trend_id: fingerprint(t) for t in state.trends.values()},
                       counts={t.trend_id: window_counts(t) for t in state.trends.values()}, lineage=len(state.lineage))


def save_state(session: Session, stored: StoredState, *, until: datetime | None) -> int:
    """Write the stream row and the rows of the changed trends; returns how many trend rows were written."""
    now, changed = utcnow(), stored.changed()
    for trend in changed:
        data = encode_trend(trend)
        if trend.trend_id in stored.marks:
            session.execute(update(TrendEngineState).where(TrendEngineState.trend_id == trend.trend_id)
                            .values(data=data, updated_at=now))
        else:
            session.add(TrendEngineState(trend_id=trend.trend_id, data=data, updated_at=now))
        stored.marks[trend.trend_id] = fingerprint(trend)
    row = session.get(ClassifierState, STATE_NAME) or ClassifierState(name=STATE_NAME, data=b"")
    row.data, row.updated_at = encode_stream(stored.state, until), now
    session.add(row)
    stored.until = until
    return len(changed)


def reset_state(session: Session) -> None:
    """Forget the stored state and the memberships built from it, so the next state starts from nothing."""
    session.execute(delete(TrendEngineState))
    session.execute(delete(ClassifierState).where(ClassifierState.name == STATE_NAME))
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
