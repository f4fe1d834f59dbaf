"""Mirror the tracker's state into the tables the API and alerts read: Trend, TrendMembership, TrendSnapshot and
TrendLineage, which survive purges; and carry reviewers' merges back into the tracker.

Only what changed is written: the Trend rows of the trends whose state changed (`StoredState.changed`: new posts,
a merge or split, a status that moved with time), the memberships of the posts placed in this run and of the
trends merged in it, the snapshots of the windows those trends changed (see `snapshots`), and new lineage.
Keywords are weighed against every trend's texts, but a trend that did not change keeps the label it had: it is
not relabelled because other trends moved the weights.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from classifier.cluster.lineage import fold_trend
from classifier.persist.snapshots import window_counts, write_snapshots
from classifier.persist.store import StoredState
from classifier.state import Lineage, TrackedTrend, TrendState
from classifier.summarise.summary import summarise
from models.analysis import CategoryAssignment, TrendLineage, TrendMembership
from models.analysis import Trend as TrendRow
from models.content import Post
from models.privacy import redact
from models.trend_figures import recount
from models.types import utcnow

_CHUNK = 500


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    items = list(ids)
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def mirror_state(session: Session, stored: StoredState, *, baseline_span: timedelta,
                 min_category_share: float, min_category_authors: int = 1) -> int:
    """Write what changed since the state was loaded into the serving tables; returns how many trends there are."""
    state, changed = stored.state, stored.changed()
    ids = [t.trend_id for t in changed]
    summaries = {s["trend_id"]: s for s in summarise(state, redact=redact, only=set(ids), timelines=False)}
    merged_into = {ln.child: ln.parent for ln in state.lineage if ln.kind == "merge"}
    renamed = {r for chunk in _chunks(ids) for r in session.scalars(select(col(TrendLineage.child_id)).where(
        col(TrendLineage.relation) == "rename", col(TrendLineage.child_id).in_(chunk)))}
    rows = {row.id: row for chunk in _chunks(ids)
            for row in session.scalars(select(TrendRow).where(col(TrendRow.id).in_(chunk)))}
    for trend in changed:
        rows[trend.trend_id] = _write_trend(session, rows.get(trend.trend_id), trend, summaries[trend.trend_id],
                                            trend.trend_id in renamed)
    session.flush()
    for trend in changed:  # once every row exists: a trend can be merged into a newer one
        rows[trend.trend_id].merged_into = merged_into.get(trend.trend_id)
    new_lineage = state.lineage[stored.lineage:]
    _write_memberships(session, state, new_lineage)
    session.flush()
    for trend in changed:  # posts, authors and platforms that agree, now that the memberships are in place
        recount(session, rows[trend.trend_id], trend.size if trend.alive else 0,
                summaries[trend.trend_id]["authors"], summaries[trend.trend_id]["platforms"])
    _write_categories(session, [rows[t.trend_id] for t in changed if t.alive], min_category_share,
                      min_category_authors)
    for trend in changed:
        write_snapshots(session, trend, state, baseline_span, stored.counts.get(trend.trend_id))
        stored.counts[trend.trend_id] = window_counts(trend)
    _write_lineage(session, new_lineage)
    stored.lineage = len(state.lineage)
    return len(state.trends)


def apply_reviews(session: Session, state: TrendState) -> int:
    """Carry reviewers' merges into the tracker, so the next run does not undo them; returns merges applied."""
    known = {(line.parent, line.child) for line in state.lineage if line.kind == "merge"}
    applied = 0
    for row in session.scalars(select(TrendLineage).where(col(TrendLineage.relation) == "merge")
                               .order_by(col(TrendLineage.id))):
        keep, gone = state.trends.get(row.parent_id), state.trends.get(row.child_id)
        if (row.parent_id, row.child_id) in known or keep is None or gone is None or not (keep.alive and gone.alive):
            continue
        size = gone.size
        fold_trend(keep, gone)
        state.lineage.append(Lineage(kind="merge", parent=keep.trend_id, child=gone.trend_id, at=row.at, posts=size))
        applied += 1
    return applied


def _write_trend(session: Session, row: TrendRow | None, trend: TrackedTrend, summary: dict, renamed: bool) -> TrendRow:
    row = row or TrendRow(id=trend.trend_id, first_seen=trend.first_seen, last_seen=trend.last_seen)
    if not renamed:  # a reviewer's name stays
        row.label = summary["label"]
    row.keywords, row.status = summary["keywords"], trend.status
    row.first_seen, row.last_seen, row.emerging_at = trend.first_seen, trend.last_seen, trend.emerging_at
    row.size, row.authors = summary["size"], summary["authors"]
    row.summary = {
        "hashtags": summary["hashtags"], "platforms": summary["platforms"], "sources": summary["sources"],
        "why_flagged": summary["why_flagged"], "lineage": summary["lineage"],
        "representative_post_ids": [int(r["id"]) for r in summary["representatives"]],
    }
    row.updated_at = utcnow()
    session.add(row)
    return row


def _write_memberships(session: Session, state: TrendState, new_lineage: list[Lineage]) -> None:
    """Move the members of trends merged in this run, then place the posts the trends received in it.

    `TrackedTrend.post_ids` holds only the posts placed since the state was loaded (a split's moved posts included);
    the earlier members are already in TrendMembership."""
    for line in new_lineage:
        if line.kind == "merge":
            session.execute(update(TrendMembership).where(col(TrendMembership.trend_id) == line.child)
                            .values(trend_id=line.parent))
    placed = {int(pid): t.trend_id for t in state.trends.values() if t.alive for pid in t.post_ids}
    for chunk in _chunks(placed):
        # purged posts have no row to link to
        live = set(session.scalars(select(col(Post.id)).where(col(Post.id).in_(chunk))))
        current = dict(session.execute(select(col(TrendMembership.post_id), col(TrendMembership.trend_id))
                                       .where(col(TrendMembership.post_id).in_(chunk))).all())
        for post_id in chunk:
            if post_id not in live or current.get(post_id) == placed[post_id]:
                continue
            if post_id in current:
                session.execute(update(TrendMembership).where(col(TrendMembership.post_id) == post_id)
                                .values(trend_id=placed[post_id]))
            else:
                session.add(TrendMembership(post_id=post_id, trend_id=placed[post_id]))


def _write_categories(session: Session, rows: list[TrendRow], min_share: float, min_authors: int) -> None:
    """Each trend's category: the one most of its categorised posts share, when enough of them do and they come
    from at least `min_authors` distinct authors (one loud account is not a trend of its own); a tie goes to the
    category assigned first."""
    authors = func.count(func.distinct(Post.author_key))
    for chunk in _chunks([row.id for row in rows if row.id is not None]):  # all of them: the rows are flushed
        members = dict(session.execute(select(col(TrendMembership.trend_id), func.count()).where(
            col(TrendMembership.trend_id).in_(chunk)).group_by(col(TrendMembership.trend_id))).all())
        best: dict[int, tuple[int, int, str, int]] = {}  # trend id -> (-posts, first assignment, category, authors)
        for trend_id, category, count, first, voices in session.execute(
                select(col(TrendMembership.trend_id), col(CategoryAssignment.category), func.count(),
                       func.min(CategoryAssignment.id), authors)
                .join(CategoryAssignment, col(CategoryAssignment.post_id) == col(TrendMembership.post_id))
                .join(Post, col(Post.id) == col(TrendMembership.post_id))
                .where(col(TrendMembership.trend_id).in_(chunk))
                .group_by(col(TrendMembership.trend_id), col(CategoryAssignment.category))):
            if trend_id not in best or (-count, first, category) < best[trend_id][:3]:
                best[trend_id] = (-count, first, category, int(voices or 0))
        for row in (r for r in rows if r.id in chunk):
            assert row.id is not None
            count, _, category, voices = best.get(row.id) or (0, 0, None, 0)
            enough = -count >= max(2, min_share * members.get(row.id, 0)) and voices >= min_authors
            row.category = category if enough else None
            session.add(row)


def _write_lineage(session: Session, lines: list[Lineage]) -> None:
    known = {tuple(r) for chunk in _chunks({line.child for line in lines}) for r in session.execute(
        select(col(TrendLineage.parent_id), col(TrendLineage.child_id), col(TrendLineage.relation))
        .where(col(TrendLineage.child_id).in_(chunk)))}
    for line in lines:
        if (line.parent, line.child, line.kind) not in known:
            known.add((line.parent, line.child, line.kind))
            session.add(TrendLineage(parent_id=line.parent, child_id=line.child, relation=line.kind, at=line.at))
