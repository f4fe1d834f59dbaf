"""Birth of new trends: average-linkage clustering of the buffer of unassigned posts.

Average linkage cut at the calibrated `link` similarity groups posts whose mean pairwise similarity reaches
it, the same criterion by which a later post joins a trend (its mean similarity to the members, which is its
dot product with the members' mean vector). A group becomes a trend only with enough posts, distinct authors
and distinct texts, so one account or one copied text cannot found a trend.
"""
from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from classifier.state import Buffer
from monitor_config.trends import TrendSettings


def group_buffer(vecs: np.ndarray, link: float) -> np.ndarray:
    """Cluster labels (0..k-1, by first appearance) of an average-linkage tree cut at similarity `link`."""
    n = len(vecs)
    if n < 2:
        return np.zeros(n, dtype=int)
    v = vecs.astype(np.float64)
    dist = 1.0 - (v @ v.T)[np.triu_indices(n, k=1)]  # condensed 1 - cosine (rows are unit vectors), via BLAS
    tree = linkage(np.clip(dist, 0.0, 2.0), method="average")
    raw = fcluster(tree, t=1.0 - link, criterion="distance")
    _, first = np.unique(raw, return_index=True)
    order = {lab: rank for rank, lab in enumerate(raw[np.sort(first)])}
    return np.array([order[lab] for lab in raw])


def viable_groups(buffer: Buffer, labels: np.ndarray, settings: TrendSettings) -> list[np.ndarray]:
    """Index arrays of the groups large and varied enough to become trends, in order of first post."""
    groups = []
    for lab in range(labels.max() + 1 if len(labels) else 0):
        idx = np.flatnonzero(labels == lab)
        if len(idx) < settings.min_trend_posts:
            continue
        authors = {buffer.posts[i].author_key for i in idx}
        texts = {buffer.keys[i] for i in idx}
        if min(len(authors), len(texts)) >= settings.min_trend_authors:
            groups.append(idx)
    return groups
