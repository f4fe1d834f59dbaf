"""The trend tracker's state: plain dataclasses with numpy arrays, so it can be saved to SQL tables.

    TrendState         one per stream: trends, the buffer of unassigned posts, lineage, the next id
    +-- TrackedTrend   id, sum of member vectors (its mean is the centroid), per-window counts, exemplars
    |   +-- WindowCount  posts, distinct authors, distinct texts, platforms, sources in one window
    +-- Buffer         recent posts that joined no trend yet; new trends are born from it
    +-- Lineage        which trend became which, and when (split or merge)

Maps onto the tables of `models.analysis`: Trend (TrackedTrend), TrendMembership (TrackedTrend.post_ids), TrendSnapshot
(TrackedTrend.windows),
TrendLineage (TrendState.lineage). `classifier.persist` stores the state itself in its own safe encoding.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np


@dataclass(frozen=True)
class StreamPost:
    """One collected post. Without an author, the post counts as its own author."""

    id: str
    text: str
    created_at: datetime
    author: str | None = None
    platform: str = "unknown"
    source: str = "unknown"

    @property
    def author_key(self) -> str:
        return self.author if self.author else f"post:{self.id}"


@dataclass
class WindowCount:
    """What one trend received in one window. `texts` holds near-duplicate keys, not texts."""

    posts: int = 0
    authors: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)
    platforms: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)

    @property
    def signal(self) -> int:
        """Distinct voices: neither one account posting a lot nor one text copied a lot counts more than once."""
        return min(len(self.authors), len(self.texts))


@dataclass
class TrackedTrend:
    trend_id: int
    vec_sum: np.ndarray  # float64 sum of member vectors; vec_sum / size is the centroid (average-linkage mean)
    size: int
    born_at: datetime
    first_seen: datetime
    last_seen: datetime
    status: str = "new"
    status_since: datetime | None = None
    emerging_at: datetime | None = None
    flagged: dict | None = None  # the figures and thresholds of the first emerging flag
    # the posts placed in this trend since the state was made or loaded: every member in a replay, this run's
    # in the service, whose earlier members are in TrendMembership (so the stored state does not grow with them)
    post_ids: list[str] = field(default_factory=list)
    windows: dict[int, WindowCount] = field(default_factory=dict)
    ex_posts: list[StreamPost] = field(default_factory=list)  # bounded: the most recent members, for summaries, splits
    ex_keys: list[str] = field(default_factory=list)
    ex_vecs: np.ndarray | None = None
    platforms: Counter = field(default_factory=Counter)
    sources: Counter = field(default_factory=Counter)
    peak_signal: int = 0
    alive: bool = True  # False once merged into another trend

    @property
    def mean(self) -> np.ndarray:
        return self.vec_sum / max(self.size, 1)


@dataclass
class Buffer:
    """Recent unassigned posts with their vectors and near-duplicate keys."""

    posts: list[StreamPost] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    vecs: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.posts)


@dataclass(frozen=True)
class Lineage:
    kind: str  # "split" (child came out of parent) or "merge" (child was absorbed into parent)
    parent: int
    child: int
    at: datetime
    posts: int


@dataclass
class TrendState:
    model: str
    dim: int
    window: timedelta
    origin: datetime | None = None
    trends: dict[int, TrackedTrend] = field(default_factory=dict)
    buffer: Buffer = field(default_factory=Buffer)
    lineage: list[Lineage] = field(default_factory=list)
    next_id: int = 1
    sample_keys: np.ndarray | None = None  # bottom-k hashes of post ids: a uniform sample for calibration
    sample_vecs: np.ndarray | None = None
    recent: dict = field(default_factory=dict)  # window index -> detect.baseline.WindowSample
    seen_posts: int = 0
    centre: np.ndarray | None = None  # the stream's mean vector, subtracted from every vector (cluster.centre)

    def live_trends(self) -> list[TrackedTrend]:
        return [t for t in self.trends.values() if t.alive]


def new_state(*, model: str, dim: int, window: timedelta) -> TrendState:
    """An empty state for one stream embedded by `model`."""
    return TrendState(model=model, dim=dim, window=window)
