"""Clustering a whole file at once (the stateless `cluster`): one average-linkage tree, cut where the file's
neighbour graph says the clusters are.

The incremental engine cuts every tree at one calibrated similarity, which suits a stream but not a file: broad
topics (SIB-200: seven topics whose members stand about one robust spread above random pairs) were cut into
forty to fifty pieces, while the many small stories of a news file (reportedly-2015: 514 threads of two to
thirty posts) were joined into eighty. No single similarity fits both. Here the level is chosen per branch of
the tree by the data:

    1. average-linkage tree of all posts (the same linkage the engine's buffer uses);
    2. the graph of mutual nearest neighbours: posts that are among each other's `k` most similar posts;
    3. the cut of the tree (any set of branches covering every post once, not only one height) with the
       highest modularity on that graph, by dynamic programming over the tree: a branch stays whole when it
       holds more of its posts' mutual neighbours than a random graph with the same degrees would, compared
       with the best cut of its two halves;
    4. clusters smaller than a trend (`min_trend_posts` posts, `min_trend_authors` distinct texts) are not
       clusters: their posts join the nearest cluster whose mean they reach at the calibrated `link`, as a
       buffered post joins a trend, or stay unassigned.

Time and memory are quadratic in the file (the tree needs every pair), so files are cut this way up to
`buffer_max` posts, the size of the buffer the engine clusters the same way.
"""
from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import linkage

from classifier.cluster.dedup import dedup_key
from monitor_config.trends import TrendSettings


def average_tree(vecs: np.ndarray) -> np.ndarray:
    """SciPy's linkage matrix of the average-linkage tree on 1 - cosine (rows are unit vectors)."""
    v = np.asarray(vecs, dtype=np.float64)
    dist = 1.0 - (v @ v.T)[np.triu_indices(len(v), k=1)]
    return linkage(np.clip(dist, 0.0, 2.0), method="average")


def mutual_neighbours(vecs: np.ndarray, k: int, block: int = 1024) -> np.ndarray:
    """Boolean adjacency: i and j are linked when each is among the other's `k` most similar rows (ties by
    index). Memory: the n x n adjacency and `block` rows of similarities at a time."""
    n = len(vecs)
    k = min(k, n - 1)
    near = np.zeros((n, n), dtype=bool)
    if k <= 0:
        return near
    v = np.asarray(vecs, dtype=np.float32)
    for i in range(0, n, block):
        sims = v[i:i + block] @ v.T
        sims[np.arange(len(sims)), np.arange(i, i + len(sims))] = -np.inf  # a row is not its own neighbour
        idx = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        near[np.repeat(np.arange(i, i + len(sims)), k), idx.ravel()] = True
    return near & near.T


def modularity_cut(tree: np.ndarray, graph: np.ndarray) -> np.ndarray:
    """Labels (0..k-1) of the cut of `tree` whose clusters have the highest modularity on `graph`.

    Modularity adds up over clusters (a cluster's share of the graph's edges minus the square of its share of
    the degrees), so the best cut of a branch is either the branch whole or the best cuts of its two halves."""
    n = len(graph)
    labels = np.arange(n)
    degree = graph.sum(axis=1).astype(np.float64)
    total = degree.sum()
    if n < 2 or total == 0:
        return labels
    members = [[i] for i in range(n)]
    inner = [0.0] * n  # twice the edges inside each node of the tree
    deg = degree.tolist()
    best = [-(d / total) ** 2 for d in deg]  # best modularity of a cut of each node
    whole = [True] * n
    for a, b, _, _ in tree:
        a, b = int(a), int(b)
        members.append(members[a] + members[b])
        inner.append(inner[a] + inner[b] + 2.0 * graph[np.ix_(members[a], members[b])].sum())
        deg.append(deg[a] + deg[b])
        kept = inner[-1] / total - (deg[-1] / total) ** 2
        whole.append(kept >= best[a] + best[b])
        best.append(max(kept, best[a] + best[b]))
    halves = {n + i: (int(a), int(b)) for i, (a, b, _, _) in enumerate(tree)}
    stack, k = [2 * n - 2], 0
    while stack:
        node = stack.pop()
        if whole[node]:
            labels[members[node]] = k
            k += 1
        else:
            stack += halves[node]
    return labels


def keep_trend_sized(labels: np.ndarray, texts: list[str], vecs: np.ndarray, link: float,
                     settings: TrendSettings) -> np.ndarray:
    """Clusters with at least `min_trend_posts` posts and `min_trend_authors` distinct texts, renumbered by first
    post; every other post joins the cluster whose mean vector it is most similar to if that reaches `link`,
    else gets -1."""
    keys = [dedup_key(t) for t in texts]
    out = np.full(len(labels), -1)
    order: dict[int, int] = {}
    for lab in labels:  # in order of first post
        if lab in order:
            continue
        idx = np.flatnonzero(labels == lab)
        if len(idx) >= settings.min_trend_posts and len({keys[i] for i in idx}) >= settings.min_trend_authors:
            order[lab] = len(order)
            out[idx] = order[lab]
    rest = np.flatnonzero(out < 0)
    if not order or not len(rest):
        return out
    means = np.vstack([vecs[out == c].mean(axis=0) for c in range(len(order))])
    sims = vecs[rest] @ means.T
    near = sims.argmax(axis=1)
    hit = sims[np.arange(len(rest)), near] >= link
    out[rest[hit]] = near[hit]
    return out
