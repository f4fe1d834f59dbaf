"""Merges and splits of trends, each recorded as a Lineage entry.

Merge: two live trends whose members are, on average, as similar across the two as the stricter `merge`
threshold (`young` when both are young) become one; the larger keeps its id (the older on a tie). Split: a trend
whose recent members (its exemplars) fall into two groups that are, on average, less similar than both `link` and
`young` gives the smaller group its own id. A split moves only the exemplar posts; older members stay with the parent.
"""
from __future__ import annotations

from datetime import datetime

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from classifier.cluster.calibrate import Thresholds
from classifier.cluster.events import kept_apart, leading_name, new_event
from classifier.cluster.members import open_trend
from classifier.detect.windows import window_index
from classifier.state import Lineage, TrackedTrend, TrendState
from monitor_config.trends import TrendSettings


def young(trend: TrackedTrend, now: datetime, settings: TrendSettings) -> bool:
    """Born within `young_span`: a burst arrives in pieces, so young trends join at `young`, not `merge`."""
    return now - trend.born_at <= settings.span("young_span")


def merge_close(state: TrendState, touched: set[int], th: Thresholds, now: datetime,
                settings: TrendSettings) -> list[Lineage]:
    """Merge every pair (one of them touched this batch) whose cross mean similarity reaches `merge`
    (`young` when both are young, and whatever it is when both are young and most about the same name, with
    `new_event_check`: pieces of one burst in two languages), except two trends that a split set apart (with
    `new_event_check`), or a newer trend that names what the older never named: a new event of the same kind, kept
    apart with lineage."""
    out: list[Lineage] = []
    while True:
        live = state.live_trends()
        cand = [t for t in live if t.trend_id in touched]
        if len(live) < 2 or not cand:
            return out
        sims = np.vstack([t.mean for t in cand]) @ np.vstack([t.mean for t in live]).T
        position = {t.trend_id: b for b, t in enumerate(live)}  # once per pass: thousands of live trends
        youngs = [b for b, t in enumerate(live) if young(t, now, settings)]
        partners: dict[int, list[int]] = {}
        for pair in (kept_apart(state) if settings.new_event_check else set()):
            if len(pair) != 2:
                continue
            first, second = tuple(pair)
            partners.setdefault(first, []).append(second)
            partners.setdefault(second, []).append(first)
        # part of the young rule: off when there is none (young_merge_z = merge_z, as the stateless `cluster` sets)
        by_name = settings.new_event_check and settings.young_merge_z < settings.merge_z
        leading = {b: leading_name(live[b], settings) for b in youngs} if by_name else {}
        for a, ta in enumerate(cand):
            if young(ta, now, settings):
                sims[a, youngs] += th.merge - th.young
                name = leading.get(position[ta.trend_id])
                same = [b for b in youngs if name and leading[b] == name]
                if same:  # two young bursts about the same name are one event, in any language
                    sims[a, same] = np.maximum(sims[a, same], th.merge)
            sims[a, position[ta.trend_id]] = -np.inf
            apart = [position[p] for p in partners.get(ta.trend_id, ()) if p in position]
            if apart:
                sims[a, apart] = -np.inf
        a, b = map(int, np.unravel_index(np.argmax(sims), sims.shape))
        if sims[a, b] < th.merge:
            return out
        older, newer = sorted((cand[a], live[b]), key=lambda t: (t.born_at, t.trend_id))
        if settings.new_event_check and len(new_event(older, newer.ex_posts, newer.ex_keys, state, now, settings)[0]):
            # a new event of the same kind elsewhere, born on its own beside the older trend: kept apart
            out.append(Lineage(kind="split", parent=older.trend_id, child=newer.trend_id, at=now, posts=newer.size))
            state.lineage.append(out[-1])
            continue
        keep, gone = sorted((cand[a], live[b]), key=lambda t: (-t.size, t.trend_id))
        fold_trend(keep, gone)
        touched.add(keep.trend_id)
        out.append(Lineage(kind="merge", parent=keep.trend_id, child=gone.trend_id, at=now, posts=gone.size))
        state.lineage.append(out[-1])


def fold_trend(keep: TrackedTrend, gone: TrackedTrend) -> None:
    """Absorb `gone` into `keep` (used by the tracker's own merges and by reviewers' merges)."""
    keep.vec_sum = keep.vec_sum + gone.vec_sum
    keep.size += gone.size
    keep.post_ids += gone.post_ids
    for w, wc in gone.windows.items():
        mine = keep.windows.setdefault(w, type(wc)())
        mine.posts += wc.posts
        mine.authors |= wc.authors
        mine.texts |= wc.texts
        mine.platforms |= wc.platforms
        mine.sources |= wc.sources
    keep.platforms.update(gone.platforms)
    keep.sources.update(gone.sources)
    keep.first_seen = min(keep.first_seen, gone.first_seen)
    keep.last_seen = max(keep.last_seen, gone.last_seen)
    if gone.emerging_at is not None and (keep.emerging_at is None or gone.emerging_at < keep.emerging_at):
        keep.emerging_at, keep.flagged = gone.emerging_at, gone.flagged
    cap = len(keep.ex_posts) if len(keep.ex_posts) >= len(gone.ex_posts) else len(gone.ex_posts)
    keep.ex_posts = (gone.ex_posts + keep.ex_posts)[-cap:]
    keep.ex_keys = (gone.ex_keys + keep.ex_keys)[-cap:]
    assert gone.ex_vecs is not None and keep.ex_vecs is not None  # every trend opens with exemplars
    keep.ex_vecs = np.vstack([gone.ex_vecs, keep.ex_vecs])[-cap:]
    keep.peak_signal = max(keep.peak_signal, gone.peak_signal)
    gone.alive = False
    gone.status = "merged"


def split_apart(state: TrendState, touched: set[int], th: Thresholds, now: datetime, settings: TrendSettings,
                assigned: dict[str, int]) -> list[Lineage]:
    """Split touched trends whose exemplars form two groups that would not have been linked."""
    out: list[Lineage] = []
    for tid in sorted(touched):
        trend = state.trends[tid]
        n = 0 if trend.ex_vecs is None else len(trend.ex_vecs)
        if not trend.alive or n < 2 * settings.min_trend_posts:
            continue
        assert trend.ex_vecs is not None  # n > 0
        tree = linkage(np.maximum(1.0 - (trend.ex_vecs @ trend.ex_vecs.T)[np.triu_indices(n, k=1)], 0.0),
                       method="average")
        if 1.0 - tree[-1, 2] >= min(th.link, th.young):  # never split what a young merge would rejoin
            continue
        labels = fcluster(tree, t=2, criterion="maxclust")
        minor = 1 if (labels == 1).sum() < (labels == 2).sum() else 2
        idx = np.flatnonzero(labels == minor)
        authors = {trend.ex_posts[i].author_key for i in idx}
        if len(idx) < max(settings.min_trend_posts, n // 4) or len(authors) < settings.min_trend_authors:
            continue
        child = _carve(state, trend, idx, now, settings)
        assigned.update({pid: child.trend_id for pid in child.post_ids})
        out.append(Lineage(kind="split", parent=trend.trend_id, child=child.trend_id, at=now, posts=child.size))
        state.lineage.append(out[-1])
    return out


def _carve(state: TrendState, trend: TrackedTrend, idx: np.ndarray, now: datetime,
           settings: TrendSettings) -> TrackedTrend:
    assert trend.ex_vecs is not None and state.origin is not None  # split_apart checked the exemplars
    posts = [trend.ex_posts[i] for i in idx]
    keys = [trend.ex_keys[i] for i in idx]
    vecs = trend.ex_vecs[idx]
    moved = {p.id for p in posts}
    trend.vec_sum = trend.vec_sum - vecs.astype(np.float64).sum(axis=0)
    trend.size -= len(posts)
    trend.post_ids = [p for p in trend.post_ids if p not in moved]
    for p in posts:  # posts per window are exact; author and text sets keep the moved ones (an over-count)
        trend.windows[window_index(p.created_at, state.origin, state.window)].posts -= 1
        trend.platforms[p.platform] -= 1
        trend.sources[p.source] -= 1
    rest = np.setdiff1d(np.arange(len(trend.ex_posts)), idx)
    trend.ex_posts = [trend.ex_posts[i] for i in rest]
    trend.ex_keys = [trend.ex_keys[i] for i in rest]
    trend.ex_vecs = trend.ex_vecs[rest]
    return open_trend(state, posts, vecs, keys, now, settings)
