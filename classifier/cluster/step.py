"""The incremental clusterer: one call per batch, cost bounded by the batch, the trends and the buffer.

    1. the new posts join the buffer of recent unassigned posts (bounded by `buffer_span` and `buffer_max`);
    2. average-linkage clustering of the buffer finds groups (see `birth`). A group large and varied enough
       joins the live trend it is as close to as two trends that would merge (`merge`; only `young` for a
       trend born within `young_span`, as a burst arrives in pieces), or else becomes a new trend. So a burst
       forms its own trend instead of being absorbed post by post into an older neighbour. A group that reaches a
       young trend only through that bonus, at least as large as it and sharing a word it never used, is a burst
       of its own (an earthquake a day after floods in the same country): a new trend with lineage to it;
    3. every other buffered post joins the live trend whose members it is most similar to on average, if that
       mean similarity reaches the calibrated `link` threshold (one dot product with each trend's mean);
       the rest waits in the buffer and gets another chance in the next batch;
    4. posts about to join an established trend that share names or tags it never carried start a trend of their
       own instead: a new event of the same kind elsewhere (see `events`);
    5. trends that grew are checked for merges and splits, recorded as lineage (see `lineage`).
History is never re-embedded nor re-clustered.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from classifier.cluster.birth import group_buffer, viable_groups
from classifier.cluster.calibrate import Thresholds, add_to_sample, measure
from classifier.cluster.centre import ready
from classifier.cluster.dedup import dedup_key
from classifier.cluster.events import established, new_event
from classifier.cluster.lineage import merge_close, split_apart, young
from classifier.cluster.members import absorb, open_trend
from classifier.detect.windows import window_origin
from classifier.state import Buffer, Lineage, StreamPost, TrackedTrend, TrendState
from monitor_config.trends import TrendSettings


@dataclass
class ClusterChanges:
    assigned: dict[str, int] = field(default_factory=dict)  # post id -> trend id, for posts placed this call
    born: list[int] = field(default_factory=list)
    grown: set[int] = field(default_factory=set)
    lineage: list[Lineage] = field(default_factory=list)
    thresholds: Thresholds | None = None


def cluster_batch(state: TrendState, batch: list[StreamPost], vecs: np.ndarray, now: datetime,
                  settings: TrendSettings) -> ClusterChanges:
    """Place a batch of embedded posts into `state` (in place) and report what changed."""
    if len(batch) != len(vecs):
        raise ValueError(f"{len(batch)} posts but {len(vecs)} vectors")
    changes = ClusterChanges()
    if batch:
        if state.origin is None:
            state.origin = window_origin(min(p.created_at for p in batch), state.window)
        add_to_sample(state, [p.id for p in batch], vecs, settings)
        state.seen_posts += len(batch)
    th = changes.thresholds = measure(state, settings)
    keys = [dedup_key(p.text) for p in batch]
    _enqueue(state.buffer, batch, vecs, keys)
    _expire(state.buffer, now, settings)
    if not ready(state, settings):
        return changes
    _place_groups(state, th, now, changes, settings)
    _assign_buffer(state, th, now, changes, settings)
    changes.lineage += merge_close(state, changes.grown, th, now, settings)
    if settings.split_check:
        changes.lineage += split_apart(state, changes.grown, th, now, settings, changes.assigned)
    return changes


def _enqueue(buf: Buffer, posts: list[StreamPost], vecs: np.ndarray, keys: list[str]) -> None:
    buf.posts += posts
    buf.keys += keys
    vecs = vecs.astype(np.float32)
    buf.vecs = vecs if buf.vecs is None or not len(buf.vecs) else np.vstack([buf.vecs, vecs])


def _keep(buf: Buffer, mask: np.ndarray) -> None:
    idx = np.flatnonzero(mask)
    buf.posts = [buf.posts[i] for i in idx]
    buf.keys = [buf.keys[i] for i in idx]
    buf.vecs = buf.vecs[idx] if buf.vecs is not None else None


def _expire(buf: Buffer, now: datetime, settings: TrendSettings) -> None:
    """Drop posts older than `buffer_span`, then the oldest beyond `buffer_max`: they stay unassigned."""
    if not len(buf):
        return
    cutoff = now - settings.span("buffer_span")
    mask = np.array([p.created_at >= cutoff for p in buf.posts])
    if mask.sum() > settings.buffer_max:
        mask[np.flatnonzero(mask)[: mask.sum() - settings.buffer_max]] = False
    _keep(buf, mask)


def _assign_buffer(state: TrendState, th: Thresholds, now: datetime, changes: ClusterChanges,
                   settings: TrendSettings) -> None:
    """Every buffered post whose mean similarity to a live trend reaches `link` joins the closest one."""
    live = state.live_trends()
    buf = state.buffer
    if not live or not len(buf):
        return
    assert buf.vecs is not None  # a post is buffered with its vector
    sims = buf.vecs @ np.vstack([t.mean for t in live]).T.astype(np.float32)
    best = sims.argmax(axis=1)
    hit = sims[np.arange(len(buf)), best] >= th.link
    for j in np.unique(best[hit]):
        idx = np.flatnonzero(hit & (best == j))
        _join(state, live[j], [buf.posts[i] for i in idx], buf.vecs[idx], [buf.keys[i] for i in idx], now, changes,
              settings)
    _keep(buf, ~hit)


def _sibling(state: TrendState, near: TrackedTrend, born: TrackedTrend, posts: list[StreamPost], keys: list[str],
             now: datetime, changes: ClusterChanges, settings: TrendSettings) -> None:
    """A group born as a trend of its own near an established trend (within `young`, the closeness at which pieces
    of one burst belong together) that names what the other never named is a new event of the same kind: lineage
    to the closest such trend, and never merged into it. `young` rather than `link`: a new event's own names pull
    its posts away from the first (the demo's second drill beef stood at z 1.6 from the first, under `link_z` 1.7),
    and the names test, not closeness, is what keeps unrelated neighbours out."""
    novel, _ = new_event(near, posts, keys, state, now, settings)
    if len(novel):
        line = Lineage(kind="split", parent=near.trend_id, child=born.trend_id, at=now, posts=born.size)
        changes.lineage.append(line)
        state.lineage.append(line)


def _own_burst(state: TrendState, young_trend: TrackedTrend, posts: list[StreamPost], keys: list[str], now: datetime,
               settings: TrendSettings) -> bool:
    """A group close enough to a young trend only through the young bonus is a burst of its own, not a piece of
    that trend's burst, when it is at least as large as the trend and a word the trend's members never used (any
    word, not only a name: "earthquake" arriving at a floods trend) is carried by `new_event_share` of it."""
    return (len(posts) >= young_trend.size
            and len(new_event(young_trend, posts, keys, state, now, settings, any_word=True)[0]) > 0)


def _join(state: TrendState, trend: TrackedTrend, posts: list[StreamPost], vecs: np.ndarray, keys: list[str],
          now: datetime, changes: ClusterChanges, settings: TrendSettings) -> None:
    """`posts` join `trend`, unless some of them start a new event: those open a trend of their own (a split
    with lineage), and the rest join whichever of the two their vectors are closer to."""
    novel, _ = new_event(trend, posts, keys, state, now, settings)
    homes = [trend] * len(posts)
    if len(novel):
        child = open_trend(state, [posts[i] for i in novel], vecs[novel], [keys[i] for i in novel], now, settings)
        rest = np.setdiff1d(np.arange(len(posts)), novel)
        late = rest[vecs[rest] @ child.mean > vecs[rest] @ trend.mean]
        absorb(child, [posts[i] for i in late], vecs[late], [keys[i] for i in late], state, settings)
        for i in np.concatenate([novel, late]):
            homes[i] = child
        line = Lineage(kind="split", parent=trend.trend_id, child=child.trend_id, at=now, posts=child.size)
        changes.born.append(child.trend_id)
        changes.grown.add(child.trend_id)
        changes.lineage.append(line)
        state.lineage.append(line)
    stay = np.array([i for i, h in enumerate(homes) if h is trend], dtype=int)
    absorb(trend, [posts[i] for i in stay], vecs[stay], [keys[i] for i in stay], state, settings)
    if len(stay):
        changes.grown.add(trend.trend_id)
    changes.assigned.update({p.id: h.trend_id for p, h in zip(posts, homes, strict=True)})


def _place_groups(state: TrendState, th: Thresholds, now: datetime, changes: ClusterChanges,
                  settings: TrendSettings) -> None:
    buf = state.buffer
    if len(buf) < settings.min_trend_posts or th.birth >= 1.0:
        return
    assert buf.vecs is not None  # a post is buffered with its vector
    groups = viable_groups(buf, group_buffer(buf.vecs, th.birth), settings)
    live = state.live_trends()
    means = np.vstack([t.mean for t in live]).astype(np.float32) if live else None
    # young trends join at `young` rather than `merge`; once per step, not per group (thousands of live trends)
    bonus = np.array([th.merge - th.young if young(t, now, settings) else 0.0 for t in live])
    taken = np.zeros(len(buf), dtype=bool)
    for idx in groups:
        posts, vecs, keys = [buf.posts[i] for i in idx], buf.vecs[idx], [buf.keys[i] for i in idx]
        cross = vecs.mean(axis=0) @ means.T if means is not None else np.zeros(0)
        raw = cross.copy()
        if len(cross):
            cross = cross + bonus
        taken[idx] = True
        best = int(cross.argmax()) if len(cross) else -1
        joins = best >= 0 and cross[best] >= th.merge
        refused = joins and raw[best] < th.merge and _own_burst(state, live[best], posts, keys, now, settings)
        if joins and not refused:
            _join(state, live[best], posts, vecs, keys, now, changes, settings)
            continue
        trend = open_trend(state, posts, vecs, keys, now, settings)
        changes.born.append(trend.trend_id)
        changes.grown.add(trend.trend_id)
        changes.assigned.update({p.id: trend.trend_id for p in posts})
        known = [k for k, t in enumerate(live) if established(t, state, now, settings) and raw[k] >= th.young]
        if refused:  # a new event beside a young trend: lineage to it, and never merged into it
            line = Lineage(kind="split", parent=live[best].trend_id, child=trend.trend_id, at=now, posts=trend.size)
            changes.lineage.append(line)
            state.lineage.append(line)
        elif known:
            _sibling(state, live[max(known, key=lambda k: raw[k])], trend, posts, keys, now, changes, settings)
    _keep(buf, ~taken)
