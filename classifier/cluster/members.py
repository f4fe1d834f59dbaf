"""Adding posts to a trend and opening new trends: the bookkeeping shared by assignment, birth and splits."""
from __future__ import annotations

from datetime import datetime

import numpy as np

from classifier.detect.windows import window_index
from classifier.state import StreamPost, TrackedTrend, TrendState, WindowCount
from monitor_config.trends import TrendSettings


def absorb(trend: TrackedTrend, posts: list[StreamPost], vecs: np.ndarray, keys: list[str], state: TrendState,
           settings: TrendSettings) -> None:
    """Make `posts` members of `trend`: sums, counts per window, exemplars."""
    if not posts:
        return
    assert state.origin is not None  # set by the first batch
    trend.vec_sum = trend.vec_sum + vecs.astype(np.float64).sum(axis=0)
    trend.size += len(posts)
    for post, key in zip(posts, keys, strict=True):
        trend.post_ids.append(post.id)
        w = window_index(post.created_at, state.origin, state.window)
        wc = trend.windows.setdefault(w, WindowCount())
        wc.posts += 1
        wc.authors.add(post.author_key)
        wc.texts.add(key)
        wc.platforms.add(post.platform)
        wc.sources.add(post.source)
        trend.platforms[post.platform] += 1
        trend.sources[post.source] += 1
        trend.first_seen = min(trend.first_seen, post.created_at)
        trend.last_seen = max(trend.last_seen, post.created_at)
    trend.ex_posts = (trend.ex_posts + list(posts))[-settings.exemplars:]
    trend.ex_keys = (trend.ex_keys + list(keys))[-settings.exemplars:]
    stacked = vecs.astype(np.float32) if trend.ex_vecs is None else np.vstack([trend.ex_vecs, vecs])
    trend.ex_vecs = stacked[-settings.exemplars:]


def open_trend(state: TrendState, posts: list[StreamPost], vecs: np.ndarray, keys: list[str], now: datetime,
               settings: TrendSettings) -> TrackedTrend:
    """A new trend holding `posts`, with the next id."""
    first = min(p.created_at for p in posts)
    trend = TrackedTrend(trend_id=state.next_id, vec_sum=np.zeros(vecs.shape[1]), size=0, born_at=now,
                  first_seen=first, last_seen=first, status_since=now)
    state.next_id += 1
    state.trends[trend.trend_id] = trend
    absorb(trend, posts, vecs, keys, state, settings)
    return trend
