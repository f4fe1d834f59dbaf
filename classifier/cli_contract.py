"""The command-line contract used by benchmarks and researchers, as plain functions.

    cluster IN.jsonl --out OUT.jsonl            lines {"id","text"} -> a line {"id","cluster"} per input line
    replay IN.jsonl --window 1d --out TRENDS.json
                                                lines {"id","text","created_at"[,"platform","author","source"]}
                                                -> a JSON list of every trend

`cluster` is stateless: it sees the whole file at once and cuts one tree of it where the file's neighbour graph
puts the clusters (`classifier.cluster.tree`); files larger than `buffer_max` go through the same engine as the
stream, in input order, in chunks, with no time.
`replay` sorts the posts by time and feeds them window by window, as the scheduler would, fully in memory.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from classifier.base import Embedder
from classifier.cluster.calibrate import add_to_sample, measure
from classifier.cluster.centre import centred, normalise
from classifier.cluster.tree import average_tree, keep_trend_sized, modularity_cut, mutual_neighbours
from classifier.detect.windows import parse_time, window_index, window_origin, window_start
from classifier.exceptions import InputError
from classifier.state import StreamPost, TrendState, new_state
from classifier.summarise.summary import summarise
from classifier.track import feed_windows, track_embedded
from monitor_config.durations import parse_duration
from monitor_config.trends import TrendSettings

_NO_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def read_jsonl(path: str | Path, required: tuple[str, ...]) -> list[dict]:
    """The lines of a JSONL file; each must be an object with the `required` keys."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as e:
                raise InputError(f"{path}:{n}: not a JSON object ({e})") from None
            missing = [k for k in required if not isinstance(row, dict) or k not in row]
            if missing:
                raise InputError(f"{path}:{n}: missing {', '.join(missing)}; each line needs {', '.join(required)}")
            rows.append(row)
    return rows


def to_post(row: dict, created_at: datetime | None = None) -> StreamPost:
    try:
        when = created_at or parse_time(str(row["created_at"]))
    except ValueError:
        raise InputError(f"post {row.get('id')!r}: created_at={row.get('created_at')!r} is not ISO 8601") from None
    return StreamPost(id=str(row["id"]), text=str(row.get("text") or ""), created_at=when,
                author=(str(row["author"]) if row.get("author") else None),
                platform=str(row.get("platform") or "unknown"), source=str(row.get("source") or "unknown"))


def embed_all(embedder: Embedder, texts: list[str], chunk: int = 512) -> np.ndarray:
    parts = [embedder.embed(texts[i:i + chunk]) for i in range(0, len(texts), chunk)]
    return np.vstack(parts).astype(np.float32) if parts else np.zeros((0, embedder.dim), np.float32)


def neighbour_mean(vecs: np.ndarray, k: int, block: int = 1024) -> np.ndarray:
    """Each row averaged with its `k` most similar rows (ties by index), renormalised; `k=0` returns `vecs`.

    Denoises short texts the way a kNN graph does: a post's place is judged by its neighbourhood. Memory is
    bounded by `block` rows at a time; time is quadratic in the file, fine for a stateless batch command."""
    n = len(vecs)
    k = min(k, n - 1)
    if k <= 0:
        return vecs
    v = np.asarray(vecs, dtype=np.float32)
    out = np.empty_like(v)
    for i in range(0, n, block):
        sims = v[i:i + block] @ v.T
        sims[np.arange(len(sims)), np.arange(i, i + len(sims))] = np.inf  # each row is its own first neighbour
        idx = np.argsort(-sims, axis=1, kind="stable")[:, :k + 1]
        out[i:i + block] = v[idx].mean(axis=1)
    return normalise(out)


def cluster_posts(posts: list[StreamPost], vecs: np.ndarray, settings: TrendSettings) -> dict[str, int]:
    """Cluster ids (0..k-1 by first member) per post id; posts left unassigned get -1.

    The vectors are first centred on the file's mean, then averaged over their `cluster_neighbours` nearest
    neighbours in the whole input. A file of up to `buffer_max` posts is cut from one tree where its neighbour
    graph puts the clusters (`classifier.cluster.tree`); a larger one, or `cluster_graph: 0`, goes through the
    incremental engine in chunks."""
    if settings.centre_posts and len(vecs):  # stateless: the whole file is the stream, so centre on all of it
        vecs = centred(vecs, np.asarray(vecs, dtype=np.float64).mean(axis=0))
    smooth = neighbour_mean(vecs, settings.cluster_neighbours)
    if settings.cluster_graph and 2 <= len(posts) <= settings.buffer_max:
        labels = _cut_tree(posts, vecs, smooth, settings)
    else:
        labels = _feed_engine(posts, smooth, settings)
    return {p.id: int(lab) for p, lab in zip(posts, labels, strict=True)}


def _cut_tree(posts: list[StreamPost], vecs: np.ndarray, smooth: np.ndarray, settings: TrendSettings) -> np.ndarray:
    """The tree is built on the smoothed vectors, the graph on the posts' own; `link` is calibrated as the
    engine calibrates it (random pairs of a sample of the file)."""
    labels = modularity_cut(average_tree(smooth), mutual_neighbours(vecs, settings.cluster_graph))
    state = new_state(model="given", dim=smooth.shape[1], window=timedelta(days=1))
    add_to_sample(state, [p.id for p in posts], smooth, settings)
    return keep_trend_sized(labels, [p.text for p in posts], smooth, measure(state, settings).link, settings)


def _feed_engine(posts: list[StreamPost], vecs: np.ndarray, settings: TrendSettings) -> np.ndarray:
    """The file through the incremental engine in input order, in chunks, with no time (already centred)."""
    # Without time every piece of the file is young; the young rule is for bursts arriving over several windows.
    settings = settings.model_copy(update={"young_merge_z": settings.merge_z})
    state = new_state(model="given", dim=vecs.shape[1], window=timedelta(days=1))
    if settings.centre_posts and len(vecs):
        state.centre = np.zeros(vecs.shape[1])
    chunk = max(settings.min_trend_posts, settings.buffer_max // 2)
    for i in range(0, len(posts), chunk):
        track_embedded(state, posts[i:i + chunk], vecs[i:i + chunk], _NO_TIME + timedelta(days=1), settings=settings)
    live = [t for t in sorted(state.trends.values(), key=lambda t: t.trend_id) if t.alive]
    label = {pid: k for k, t in enumerate(live) for pid in t.post_ids}
    return np.array([label.get(p.id, -1) for p in posts], dtype=int)


def cluster_file(in_path: str | Path, out_path: str | Path, embedder: Embedder,
                 settings: TrendSettings | None = None) -> int:
    """Write {"id","cluster"} for every input line; returns the number of clusters found."""
    rows = read_jsonl(in_path, ("id", "text"))
    posts = [to_post(r, _NO_TIME + timedelta(microseconds=i)) for i, r in enumerate(rows)]
    labels = cluster_posts(posts, embed_all(embedder, [p.text for p in posts]), settings or TrendSettings())
    with open(out_path, "w", encoding="utf-8") as f:
        for r, p in zip(rows, posts, strict=True):
            f.write(json.dumps({"id": r["id"], "cluster": labels[p.id]}, ensure_ascii=False) + "\n")
    return len({v for v in labels.values() if v >= 0})


def replay_posts(posts: list[StreamPost], embedder: Embedder, window: timedelta, settings: TrendSettings,
                 vecs: np.ndarray | None = None) -> TrendState:
    """Feed `posts` window by window in time order, as the worker would; returns the final state.
    `vecs` (one row per post) skips embedding."""
    state = new_state(model=embedder.name, dim=embedder.dim, window=window)
    if not posts:
        return state
    if vecs is None:
        vecs = embed_all(embedder, [p.text for p in posts])
    origin = window_origin(min(p.created_at for p in posts), window)
    end = window_start(window_index(max(p.created_at for p in posts), origin, window) + 1, origin, window)
    feed_windows(state, posts, vecs, until=None, now=end, settings=settings)
    return state


def replay_file(in_path: str | Path, out_path: str | Path, window: str | timedelta, embedder: Embedder,
                settings: TrendSettings | None = None) -> list[dict]:
    """Replay a JSONL stream and write TRENDS.json (a list of every trend); returns that list."""
    span = parse_duration(window) if isinstance(window, str) else window
    posts = [to_post(r) for r in read_jsonl(in_path, ("id", "text", "created_at"))]
    state = replay_posts(posts, embedder, span, settings or TrendSettings())
    trends = summarise(state)
    Path(out_path).write_text(json.dumps(trends, ensure_ascii=False), encoding="utf-8")
    return trends
