"""The trend tracker: one step (embed a batch, cluster it into the state, advance every trend's lifecycle) and
the loop that feeds a stream to it window by window, shared by the stored processing run and `replay`.

    state = new_state(model=embedder.name, dim=embedder.dim, window=timedelta(days=1))
    changes = track(state, posts_of_the_window, now=window_end, embedder=embedder, settings=settings)
    fed = feed_windows(state, posts, vectors, until=previous_end, now=now, settings=settings)

`track` embeds only the batch; it never re-embeds nor re-clusters history. Deterministic: the same posts in
the same order with the same seed give the same trends.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from classifier.base import Embedder
from classifier.cluster.centre import enter
from classifier.cluster.step import ClusterChanges, cluster_batch
from classifier.detect.baseline import remember
from classifier.detect.lifecycle import advance
from classifier.detect.windows import window_index, window_origin, window_start
from classifier.exceptions import InputError
from classifier.state import StreamPost, TrendState
from monitor_config.trends import TrendSettings


@dataclass
class Changes:
    cluster: ClusterChanges
    status: dict[int, tuple[str, str]] = field(default_factory=dict)  # trend id -> (old status, new status)

    @property
    def emerging(self) -> list[int]:
        """Trends that became emerging in this step."""
        return [tid for tid, (_, new) in self.status.items() if new == "emerging"]


def track(state: TrendState, batch: list[StreamPost], now: datetime, *, embedder: Embedder,
           settings: TrendSettings) -> Changes:
    """Add `batch` (posts created before `now`) to `state` in place and report what changed."""
    late = [p.id for p in batch if p.created_at >= now]
    if late:
        raise InputError(f"{len(late)} posts are not before now={now.isoformat()}, e.g. id {late[0]!r}")
    vecs = embedder.embed([p.text for p in batch]) if batch else np.zeros((0, state.dim), np.float32)
    return track_embedded(state, batch, np.asarray(vecs, dtype=np.float32), now, settings=settings)


def track_embedded(state: TrendState, batch: list[StreamPost], vecs: np.ndarray, now: datetime, *,
                    settings: TrendSettings) -> Changes:
    """`update` for posts already embedded (one L2-normalised row per post)."""
    vecs = enter(state, vecs, settings)
    clustered = cluster_batch(state, batch, vecs, now, settings)
    assert clustered.thresholds is not None  # cluster_batch always measures them
    remember(state, batch, vecs, settings.seed, settings.recent_sample, settings.span("baseline_span"))
    return Changes(cluster=clustered, status=advance(state, now, settings, clustered.grown, clustered.thresholds))


@dataclass
class Fed:
    windows: int = 0
    emerging: list[int] = field(default_factory=list)  # trends that became emerging, in the order they did


_EPS = timedelta(microseconds=1)


def feed_windows(state: TrendState, posts: list[StreamPost], vecs: np.ndarray, *, until: datetime | None,
                 now: datetime, settings: TrendSettings) -> Fed:
    """Feed `posts` (created before `now`) window by window in time order, from the window that holds `until`
    (where the previous feed stopped; None for a new stream) up to the window that holds `now`.

    Each window is fed with its end as the moment, except the last, which ends at `now`. Late posts (created in a
    window an earlier feed already closed) join the first window fed. A feed that ends where a window starts
    does not feed that window, so two feeds split there feed the same windows as one feed over both."""
    fed = Fed()
    if not posts and until is None:
        return fed
    window = state.window
    order = sorted(range(len(posts)), key=lambda i: (posts[i].created_at, posts[i].id))
    if state.origin is None:
        state.origin = window_origin(posts[order[0]].created_at, window)
    first = window_index(until, state.origin, window) if until else 0
    last = max(first, window_index(now - _EPS, state.origin, window))
    index = np.array([window_index(posts[i].created_at, state.origin, window) for i in order], dtype=np.int64)
    ordered = np.array(order, dtype=np.int64)
    for w in range(first, last + 1):
        chosen = ordered[index <= w] if w == first else ordered[index == w]
        end = min(window_start(w + 1, state.origin, window), now)
        changes = track_embedded(state, [posts[i] for i in chosen], vecs[chosen], end, settings=settings)
        fed.emerging += changes.emerging
        fed.windows += 1
    return fed
