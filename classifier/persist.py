"""Keep the trend engine's state in the database and mirror it into the tables the API and alerts read.

The engine's full state (centroids, buffer, samples) is one opaque ClassifierState row, written only by this
service. What users see lives in Trend, TrendMembership, TrendSnapshot and TrendLineage, which survive purges.
"""
from __future__ import annotations

import pickle
from collections import Counter
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import delete, select
from sqlmodel import Session

from classifier.detect.metrics import window_metrics
from classifier.detect.windows import window_start
from classifier.cluster.lineage import fold_trend
from classifier.state import Lineage, Trend, TrendState
from classifier.summarise.summary import summarise
from models.analysis import CategoryAssignment, ClassifierState, TrendLineage, TrendMembership, TrendSnapshot
from models.analysis import Trend as TrendRow
from models.content import Post
from models.privacy import redact
from models.types import utcnow

STATE_NAME = "trend-engine"
STATE_FORMAT = 1


def load_state(session: Session) -> tuple[TrendState, datetime] | None:
    """The engine's state and the moment up to which it has been fed, or None before the first run."""
    row = session.get(ClassifierState, STATE_NAME)
    if row is None:
        return None
    version, state, until = pickle.loads(row.data)  # noqa: S301 - written only by this service, in its own database
    return (state, until) if version == STATE_FORMAT else None


def save_state(session: Session, state: TrendState, *, until: datetime) -> None:
    row = session.get(ClassifierState, STATE_NAME) or ClassifierState(name=STATE_NAME, data=b"")
    row.data = pickle.dumps((STATE_FORMAT, state, until), protocol=pickle.HIGHEST_PROTOCOL)
    row.updated_at = utcnow()
    session.add(row)


def _trend_category(session: Session, post_ids: list[int], min_share: float) -> str | None:
    """The category most of a trend's categorised posts share, when enough of them do."""
    if not post_ids:
        return None
    counts: Counter[str] = Counter()
    for i in range(0, len(post_ids), 500):
        counts.update(session.scalars(select(CategoryAssignment.category).where(
            CategoryAssignment.post_id.in_(post_ids[i:i + 500]))))
    if not counts:
        return None
    category, count = counts.most_common(1)[0]
    return category if count >= max(2, min_share * len(post_ids)) else None


def _snapshots(trend: Trend, state: TrendState, settings_span: timedelta) -> list[dict]:
    rows = []
    for index in sorted(trend.windows):
        metrics = window_metrics(trend, index, state, settings_span)
        rows.append({"window": "day" if state.window == timedelta(days=1) else "window",
                     "window_start": window_start(index, state.origin, state.window),
                     "volume": metrics.posts, "authors": metrics.authors, "platforms": metrics.platforms,
                     "sources": metrics.sources, "growth": metrics.growth, "burst_score": metrics.burst})
    weeks: dict[datetime, dict] = {}
    for index, counts in trend.windows.items():
        start = window_start(index, state.origin, state.window)
        monday = (start - timedelta(days=start.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        week = weeks.setdefault(monday, {"posts": 0, "authors": set(), "platforms": set(), "sources": set()})
        week["posts"] += counts.posts
        for key in ("authors", "platforms", "sources"):
            week[key] |= getattr(counts, key)
    rows += [{"window": "week", "window_start": monday, "volume": w["posts"], "authors": len(w["authors"]),
              "platforms": len(w["platforms"]), "sources": len(w["sources"]), "growth": None, "burst_score": None}
             for monday, w in sorted(weeks.items())]
    return rows


def mirror_state(session: Session, state: TrendState, *, baseline_span: timedelta, min_category_share: float) -> int:
    """Write every trend of the state into the serving tables; returns how many trends there are."""
    summaries = {s["trend_id"]: s for s in summarise(state, redact=redact)}
    merged_into = {ln.child: ln.parent for ln in state.lineage if ln.kind == "merge"}
    wanted = {int(pid): t.trend_id for t in state.trends.values() if t.alive for pid in t.post_ids}
    live_posts: set[int] = set()
    ids = list(wanted)
    for j in range(0, len(ids), 500):  # posts purged since they were clustered have no rows to link to
        live_posts.update(session.scalars(select(Post.id).where(Post.id.in_(ids[j:j + 500]))))
    renamed = set(session.scalars(select(TrendLineage.child_id).where(TrendLineage.relation == "rename")))
    for trend in sorted(state.trends.values(), key=lambda t: t.trend_id):
        _write_trend(session, trend, summaries[trend.trend_id], merged_into.get(trend.trend_id),
                     [int(p) for p in trend.post_ids if int(p) in live_posts], min_category_share,
                     trend.trend_id in renamed)
    session.flush()
    for trend in state.trends.values():
        session.execute(delete(TrendSnapshot).where(TrendSnapshot.trend_id == trend.trend_id))
        if trend.alive:
            session.add_all(TrendSnapshot(trend_id=trend.trend_id, status=trend.status, **row)
                            for row in _snapshots(trend, state, baseline_span))
    _write_memberships(session, {p: t for p, t in wanted.items() if p in live_posts})
    _write_lineage(session, state)
    return len(state.trends)


def apply_reviews(session: Session, state: TrendState) -> int:
    """Carry reviewers' merges into the engine, so the next run does not undo them; returns merges applied."""
    known = {(line.parent, line.child) for line in state.lineage if line.kind == "merge"}
    applied = 0
    for row in session.scalars(select(TrendLineage).where(TrendLineage.relation == "merge").order_by(TrendLineage.id)):
        keep, gone = state.trends.get(row.parent_id), state.trends.get(row.child_id)
        if (row.parent_id, row.child_id) in known or keep is None or gone is None or not (keep.alive and gone.alive):
            continue
        size = gone.size
        fold_trend(keep, gone)
        state.lineage.append(Lineage(kind="merge", parent=keep.trend_id, child=gone.trend_id, at=row.at, posts=size))
        applied += 1
    return applied


def _write_trend(session: Session, trend: Trend, summary: dict, merged_into: int | None, post_ids: list[int],
                 min_category_share: float, renamed: bool) -> None:
    row = session.get(TrendRow, trend.trend_id) or TrendRow(id=trend.trend_id, first_seen=trend.first_seen,
                                                            last_seen=trend.last_seen)
    if not renamed:  # a reviewer's name stays
        row.label = summary["label"]
    row.keywords, row.status = summary["keywords"], trend.status
    row.first_seen, row.last_seen, row.emerging_at = trend.first_seen, trend.last_seen, trend.emerging_at
    row.size, row.authors, row.merged_into = summary["size"], summary["authors"], merged_into
    if trend.alive:
        row.category = _trend_category(session, post_ids, min_category_share)
    row.summary = {
        "hashtags": summary["hashtags"], "platforms": summary["platforms"], "sources": summary["sources"],
        "why_flagged": summary["why_flagged"], "lineage": summary["lineage"],
        "representative_post_ids": [int(r["id"]) for r in summary["representatives"]],
    }
    row.updated_at = utcnow()
    session.add(row)


def _write_memberships(session: Session, wanted: dict[int, int]) -> None:
    current = dict(session.execute(select(TrendMembership.post_id, TrendMembership.trend_id)).all())
    for post_id, trend_id in wanted.items():
        if current.get(post_id) != trend_id:
            row = session.get(TrendMembership, post_id) or TrendMembership(post_id=post_id, trend_id=trend_id)
            row.trend_id = trend_id
            session.add(row)
    stale = [p for p in current if p not in wanted]
    for j in range(0, len(stale), 500):
        session.execute(delete(TrendMembership).where(TrendMembership.post_id.in_(stale[j:j + 500])))


def _write_lineage(session: Session, state: TrendState) -> None:
    known = set(session.execute(select(TrendLineage.parent_id, TrendLineage.child_id, TrendLineage.relation)).all())
    for line in state.lineage:
        if (line.parent, line.child, line.kind) not in known:
            session.add(TrendLineage(parent_id=line.parent, child_id=line.child, relation=line.kind, at=line.at))


def forget_before(state: TrendState, cutoff: datetime, keep_ids: set[str]) -> None:
    """Drop purged posts from the state: their ids, their texts in exemplars and in the buffer."""
    for trend in state.trends.values():
        trend.post_ids = [p for p in trend.post_ids if p in keep_ids]
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
    """After a purge: remove the purged posts from the kept state too. Returns whether there was a state."""
    kept = load_state(session)
    if kept is None:
        return False
    state, until = kept
    forget_before(state, cutoff, {str(i) for i in session.scalars(select(Post.id))})
    save_state(session, state, until=until)
    return True
