"""One step of the trend service: embed a batch, cluster it into the state, advance every trend's lifecycle.

    state = new_state(model=embedder.name, dim=embedder.dim, window=timedelta(days=1))
    changes = update(state, posts_of_the_window, now=window_end, embedder=embedder, settings=settings)

`update` embeds only the batch; it never re-embeds nor re-clusters history. Deterministic: the same posts in
the same order with the same seed give the same trends.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from classifier.base import Embedder
from classifier.cluster.centre import enter
from classifier.cluster.engine import ClusterChanges, cluster_batch
from classifier.detect.baseline import remember
from classifier.detect.lifecycle import advance
from classifier.exceptions import InputError
from classifier.settings import TrendSettings
from classifier.state import Post, TrendState


@dataclass
class Changes:
    cluster: ClusterChanges
    status: dict[int, tuple[str, str]] = field(default_factory=dict)  # trend id -> (old status, new status)

    @property
    def emerging(self) -> list[int]:
        """Trends that became emerging in this step."""
        return [tid for tid, (_, new) in self.status.items() if new == "emerging"]


def update(state: TrendState, batch: list[Post], now: datetime, *, embedder: Embedder,
           settings: TrendSettings) -> Changes:
    """Add `batch` (posts created before `now`) to `state` in place and report what changed."""
    late = [p.id for p in batch if p.created_at >= now]
    if late:
        raise InputError(f"{len(late)} posts are not before now={now.isoformat()}, e.g. id {late[0]!r}")
    vecs = embedder.embed([p.text for p in batch]) if batch else np.zeros((0, state.dim), np.float32)
    return update_embedded(state, batch, np.asarray(vecs, dtype=np.float32), now, settings=settings)


def update_embedded(state: TrendState, batch: list[Post], vecs: np.ndarray, now: datetime, *,
                    settings: TrendSettings) -> Changes:
    """`update` for posts already embedded (one L2-normalised row per post)."""
    vecs = enter(state, vecs, settings)
    clustered = cluster_batch(state, batch, vecs, now, settings)
    remember(state, batch, vecs, settings.seed, settings.recent_sample, settings.span("baseline_span"))
    return Changes(cluster=clustered, status=advance(state, now, settings, clustered.grown, clustered.thresholds))
