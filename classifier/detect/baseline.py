"""The stream's own baseline for a theme, including posts that no trend (or another trend) holds.

A trend born today has no history of its own, yet its theme may have been around for weeks in the buffer or
inside a broader trend. For each recent window the state keeps a bounded sample of that window's posts
(bottom-k of a seeded hash of the ids, `recent_sample` per window, for `baseline_span`). The baseline of a
trend in a past window counts the sampled posts at least as similar to the trend's mean as the `q`-quantile
of its members (`baseline_quantile`), divides by 1 - q (the share of members above that cut) and scales it
up by the window's sampling rate.
The cut adapts to each trend: a loose theme (one language, say) needs as close a match as its own members.
Cost per window: trends x sampled posts, independent of history.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from classifier.cluster.calibrate import hash_ids
from classifier.detect.windows import window_index
from classifier.state import StreamPost, TrackedTrend, TrendState


@dataclass
class WindowSample:
    keys: np.ndarray  # hashes of the sampled ids
    vecs: np.ndarray
    total: int  # posts in the window, sampled or not


def remember(state: TrendState, batch: list[StreamPost], vecs: np.ndarray, seed: int, per_window: int,
             span: timedelta) -> None:
    """Add the batch to the per-window samples and drop windows older than `span`."""
    if not batch:
        return
    assert state.origin is not None  # set by the first batch
    keys = hash_ids([p.id for p in batch], seed)
    index = np.array([window_index(p.created_at, state.origin, state.window) for p in batch])
    for w in np.unique(index):
        sel = index == w
        old = state.recent.get(int(w))
        k = keys[sel] if old is None else np.concatenate([old.keys, keys[sel]])
        v = vecs[sel] if old is None else np.vstack([old.vecs, vecs[sel]])
        keep = np.argsort(k, kind="stable")[:per_window]
        state.recent[int(w)] = WindowSample(keys=k[keep], vecs=v[keep].astype(np.float32),
                                            total=int(sel.sum()) + (old.total if old else 0))
    newest = max(state.recent)
    horizon = max(1, int(span // state.window))
    for w in [w for w in state.recent if w < newest - horizon]:
        del state.recent[w]


def member_cut(trend: TrackedTrend, q: float) -> float:
    """The `q`-quantile of the similarity of the trend's exemplars to its mean."""
    if trend.ex_vecs is None or not len(trend.ex_vecs):
        return 1.0
    return float(np.quantile(trend.ex_vecs @ trend.mean.astype(np.float32), q))


def stream_baseline(state: TrendState, trend: TrackedTrend, index: int, span: timedelta, q: float) -> float:
    """Estimated posts per window on this theme over the `span` before window `index`, from the samples."""
    horizon = max(1, int(span // state.window))
    past = range(max(0, index - horizon), index)
    if not len(past):
        return 0.0
    total = 0.0
    m, cut = trend.mean.astype(np.float32), member_cut(trend, q)
    for w in past:
        s = state.recent.get(w)
        if s is not None and len(s.vecs):
            total += float((s.vecs @ m >= cut).sum()) * s.total / len(s.vecs) / (1.0 - q)
    return total / len(past)
